"""Signup in one call, end to end through a real server on port 0 with real worker processes,
dlib, Tesseract and a real SQLite store: real genuine pairs from ../shared/faces on generated
documents. The pure parts (identity signals, the request digest) are tested at the bottom."""

from __future__ import annotations

import grpc
import pytest

from proto_walk import templates_in

from idverify.app import Application
from idverify.app.signup import identity_signals, request_digest
from idverify.client import error_reason
from idverify.config import load_config
from idverify.docgen import generate_document
from idverify.faces.service import FaceTemplates
from idverify.server.app import create_server
from idverify.app.dependencies import build_dependencies
from idverify.v1 import verification_service_pb2 as pb
from idverify.v1 import verification_service_pb2_grpc as pb_grpc
from linker.v1 import linking_service_pb2 as lpb
from linker.v1 import linking_service_pb2_grpc as lpb_grpc

pytest_plugins = ["tests.conftest_linker"]

KEY = "signup-test-key-0123456789abcdef"
SEAL_KEY = "5ea1" * 16  # a 256-bit seal key: 64 hex characters


def _start(history_url: str, linker_url: str = ""):
    config = load_config(overrides={"server": {"port": 0, "worker_processes": 2}, "store": {"url": history_url},
                                    "linker": {"enabled": True, "hash_key": KEY, "seal_key": SEAL_KEY,
                                               "store_url": linker_url}},
                         environ={})
    deps = build_dependencies(config)
    running, port = create_server(config, Application(deps))
    running.start()
    channel = grpc.insecure_channel(f"127.0.0.1:{port}", options=[("grpc.max_send_message_length", 64 << 20)])
    return running, channel, deps, port


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def server(request, shared_dir, tmp_path_factory):
    """A server whose history and linker stores are one SQLite file, or one PostgreSQL database."""
    if request.param == "sqlite":
        url = str(tmp_path_factory.mktemp("signup") / "store.sqlite3")
    else:
        url = request.getfixturevalue("postgres_server").new_database()
    running, channel, deps, port = _start(url)
    yield pb_grpc.VerificationServiceStub(channel), lpb_grpc.LinkingServiceStub(channel), deps, port
    channel.close()
    running.stop(0).wait()
    deps.close()


def _faces(shared_dir, path: str) -> bytes:
    return (shared_dir / "faces" / path).read_bytes()


def _request(shared_dir, *, seed: int, portrait: str, selfie: str, account: str, email: str,
             kind=lpb.ACCOUNT_KIND_FREELANCER, signals=(), dry_run=False, name: str | None = None):
    document = generate_document(seed, kind="td3", level="clean", portrait=shared_dir / "faces" / portrait)
    truth = document.truth
    declared = pb.DeclaredProfile(full_name=name or f"{truth.given_names} {truth.surname}",
                                  birth_date=truth.birth_date.isoformat(), email=email)
    return pb.SignupRequest(
        verification=pb.VerifyIdentityRequest(
            profile_photo=pb.Image(content=_faces(shared_dir, selfie)),
            document_images=[pb.Image(content=img) for img in document.images],
            declared=declared, account_id=account),
        kind=kind, signals=list(signals), dry_run=dry_run), document


def _codes(reasons) -> list[str]:
    return [r.code for r in reasons]


@pytest.mark.slow
@pytest.mark.shared
def test_signup_scenarios_through_the_server(server, shared_dir):
    stub, linking, deps, _ = server
    device = lpb.Signal(type=lpb.SIGNAL_TYPE_DEVICE_ID, value="device-obama-1")

    # A holder signs up: one APPROVE covering both rules, and the verified identity registered.
    first, passport = _request(shared_dir, seed=11, portrait="barack_obama/obama.jpg", selfie="barack_obama/obama2.jpg",
                               account="acct-obama", email="barack@example.org", signals=[device])
    answer = stub.Signup(first, timeout=300)
    assert answer.decision == pb.VERIFICATION_DECISION_APPROVE, _codes(answer.reasons)
    assert answer.verification.decision == pb.VERIFICATION_DECISION_APPROVE
    assert answer.WhichOneof("link") == "registered" and answer.registered.decision == lpb.LINK_DECISION_ALLOW
    assert set(answer.identity_signals) == {lpb.SIGNAL_TYPE_DOCUMENT_NUMBER, lpb.SIGNAL_TYPE_NAME_AND_BIRTH_DATE,
                                            lpb.SIGNAL_TYPE_FACE_EMBEDDING, lpb.SIGNAL_TYPE_EMAIL}
    assert answer.policy_version and not answer.replayed
    assert [t.stage for t in answer.timings] == ["verify", "link", "record"]
    assert all(r.rule for r in answer.reasons)
    assert templates_in(answer) == []
    person = answer.registered.person_id
    assert len(deps.history.history("acct-obama")) == 1

    # The same request again (a retry): the first answer, and nothing stored twice.
    again = stub.Signup(first, timeout=300)
    assert again.replayed and again.decision == answer.decision and again.registered.person_id == person
    assert not again.timings  # this call ran no step
    assert len(deps.history.history("acct-obama")) == 1

    # The same person again, with another photo, another document and another name: the face
    # links the new account to the first one; linked by the face alone, the second freelancer
    # account goes to a reviewer (a look-alike is as likely at scale), it is not refused.
    second, _ = _request(shared_dir, seed=12, portrait="barack_obama/obama3.jpg", selfie="barack_obama/obama1_knn_test.jpg",
                         account="acct-obama-2", email="someone.else@example.org")
    duplicate = stub.Signup(second, timeout=300)
    assert duplicate.verification.decision == pb.VERIFICATION_DECISION_APPROVE, _codes(duplicate.verification.reasons)
    assert duplicate.registered.decision == lpb.LINK_DECISION_REVIEW
    assert "acct-obama" in duplicate.registered.linked_account_ids
    assert any(e.signal_type == lpb.SIGNAL_TYPE_FACE_EMBEDDING for e in duplicate.registered.evidence)
    assert duplicate.decision == pb.VERIFICATION_DECISION_REVIEW
    reviewing = [r for r in duplicate.reasons if r.code == "DUPLICATE_FACE_ONLY"]
    assert reviewing and reviewing[0].source == "linker" and reviewing[0].rule == "effects.DUPLICATE_FACE_ONLY = review"

    # A family member on the same device with their own face and document: not blocked.
    family, _ = _request(shared_dir, seed=13, portrait="joe_biden/biden.jpg", selfie="joe_biden/biden2.jpg",
                         account="acct-biden", email="joe@example.org", signals=[device])
    relative = stub.Signup(family, timeout=300)
    assert relative.registered.decision != lpb.LINK_DECISION_BLOCK, _codes(relative.reasons)
    assert "acct-obama" not in relative.registered.linked_account_ids

    # A dry run checks and stores nothing.
    probe, _ = _request(shared_dir, seed=14, portrait="kit_harington/john1.jpeg", selfie="kit_harington/john2.jpeg",
                        account="acct-kit", email="kit@example.org", dry_run=True)
    checked = stub.Signup(probe, timeout=300)
    assert checked.WhichOneof("link") == "checked" and checked.checked.decision == lpb.LINK_DECISION_ALLOW
    assert deps.history.history("acct-kit") == []
    with pytest.raises(grpc.RpcError) as info:
        linking.GetLinkedAccounts(lpb.GetLinkedAccountsRequest(account_id="acct-kit"), timeout=30)
    assert info.value.code() == grpc.StatusCode.NOT_FOUND

    # The account later shows a stranger's face (a new selfie at re-verification): the face
    # does not match the document, and the account itself now presents two people.
    shared, _ = _request(shared_dir, seed=11, portrait="barack_obama/obama.jpg", selfie="kit_harington/john1.jpeg",
                         account="acct-obama", email="barack@example.org", signals=[device])
    later = stub.Signup(shared, timeout=300)
    assert later.verification.decision == pb.VERIFICATION_DECISION_REJECT
    assert "SHARED_ACCOUNT" in _codes(later.registered.reasons), _codes(later.registered.reasons)
    assert "SHARED_ACCOUNT" in _codes(later.reasons) and "FACE_MISMATCH" in _codes(later.reasons)
    assert len(deps.history.history("acct-obama")) == 2

    # Erasure removes the signup record with everything else: the same request is new again.
    linking.DeleteAccount(lpb.DeleteAccountRequest(account_id="acct-obama", reason="test"), timeout=30)
    assert deps.history.signup_response("acct-obama", request_digest(first)) is None


@pytest.mark.slow
@pytest.mark.shared
def test_a_signup_with_malformed_signals_is_kept(server, shared_dir):
    """A malformed declared email and a caller's IP that is not one no longer refuse the signup:
    the account registers with the rest, the caller's bad signal is listed as the caller sent it,
    the lost email is missing from identity_signals and is never approved silently."""
    stub, linking, _, _ = server
    caller = [lpb.Signal(type=lpb.SIGNAL_TYPE_CARD_FINGERPRINT, value="card-partial-1"),
              lpb.Signal(type=lpb.SIGNAL_TYPE_IP_ADDRESS, value="not-an-ip")]
    request, _ = _request(shared_dir, seed=23, portrait="kit_harington/john1.jpeg", selfie="kit_harington/john2.jpeg",
                          account="acct-partial", email="john@@example", signals=caller)
    answer = stub.Signup(request, timeout=300)
    assert answer.WhichOneof("link") == "registered" and answer.registered.person_id
    assert [(r.index, r.signal_type, r.reason, r.field) for r in answer.registered.rejected_signals] == [
        (1, lpb.SIGNAL_TYPE_IP_ADDRESS, "IP_ADDRESS_INVALID", "signals[1]")]
    assert lpb.SIGNAL_TYPE_EMAIL not in answer.identity_signals
    assert lpb.SIGNAL_TYPE_FACE_EMBEDDING in answer.identity_signals
    unusable = [r for r in answer.reasons if r.code == "IDENTITY_SIGNAL_UNUSABLE"]
    assert len(unusable) == 1 and unusable[0].source == "linker" and "EMAIL" in unusable[0].message
    assert unusable[0].rule == "effects.IDENTITY_SIGNAL_UNUSABLE = review"
    assert answer.decision != pb.VERIFICATION_DECISION_APPROVE, _codes(answer.reasons)
    assert "john@@example" not in str(answer.registered) and "not-an-ip" not in str(answer.registered)
    linked = linking.GetLinkedAccounts(lpb.GetLinkedAccountsRequest(account_id="acct-partial"), timeout=30)
    assert linked.person_id == answer.registered.person_id


@pytest.mark.slow
@pytest.mark.shared
@pytest.mark.parametrize("change, reason", [
    (lambda r: r.verification.ClearField("account_id"), "MISSING_FIELD"),
    (lambda r: r.signals.append(lpb.Signal(type=lpb.SIGNAL_TYPE_EMAIL, value="x@example.org")),
     "IDENTITY_SIGNAL_NOT_ALLOWED"),
    (lambda r: setattr(r, "kind", lpb.ACCOUNT_KIND_UNSPECIFIED), "ACCOUNT_KIND_INVALID"),
])
def test_a_signup_that_cannot_be_evaluated_is_invalid_argument(server, shared_dir, change, reason):
    stub, _, deps, _ = server
    request, _ = _request(shared_dir, seed=21, portrait="joe_biden/biden.jpg", selfie="joe_biden/biden2.jpg",
                          account="acct-bad", email="bad@example.org")
    change(request)
    with pytest.raises(grpc.RpcError) as info:
        stub.Signup(request, timeout=300)
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    if reason is not None:
        assert error_reason(info.value) == reason
    assert deps.history.history("acct-bad") == []


@pytest.mark.slow
@pytest.mark.shared
@pytest.mark.postgres
def test_a_store_outage_is_unavailable_and_leaves_nothing_behind(shared_dir, tmp_path, postgres_server):
    """The linker's store (PostgreSQL) goes down after the server started: the signup is
    UNAVAILABLE with the store's reason, no verification is recorded, no account registered; when
    the store is back the same call succeeds once."""
    running, channel, deps, _ = _start(str(tmp_path / "history.sqlite3"), postgres_server.new_database())
    stub, linking = pb_grpc.VerificationServiceStub(channel), lpb_grpc.LinkingServiceStub(channel)
    request, _ = _request(shared_dir, seed=31, portrait="joe_biden/biden.jpg", selfie="joe_biden/biden2.jpg",
                          account="acct-outage", email="outage@example.org")
    try:
        postgres_server.pause()
        try:
            with pytest.raises(grpc.RpcError) as info:
                stub.Signup(request, timeout=300)
        finally:
            postgres_server.resume()
        assert info.value.code() == grpc.StatusCode.UNAVAILABLE
        assert error_reason(info.value) == "STORE_UNAVAILABLE"
        assert deps.history.history("acct-outage") == []
        assert deps.history.signup_response("acct-outage", request_digest(request)) is None
        with pytest.raises(grpc.RpcError) as missing:
            linking.GetLinkedAccounts(lpb.GetLinkedAccountsRequest(account_id="acct-outage"), timeout=30)
        assert missing.value.code() == grpc.StatusCode.NOT_FOUND, missing.value.details()

        answer = stub.Signup(request, timeout=300)
        assert answer.registered.person_id and not answer.replayed
        assert len(deps.history.history("acct-outage")) == 1
    finally:
        channel.close()
        running.stop(0).wait()
        deps.close()


@pytest.mark.slow
@pytest.mark.shared
def test_the_signup_command(server, shared_dir, tmp_path, capsys):
    from idverify.cli import main
    from idverify.cli.exit_codes import ExitCode

    *_, port = server
    document = generate_document(41, kind="td1", level="clean", portrait=shared_dir / "faces/penny/penny1.png")
    paths = []
    for i, image in enumerate(document.images):
        paths += ["--document", str(tmp_path / f"doc{i}.png")]
        (tmp_path / f"doc{i}.png").write_bytes(image)
    truth = document.truth
    base = ["signup", "--target", f"127.0.0.1:{port}", "--timeout", "300", "--photo",
            str(shared_dir / "faces/penny/penny2.png"), *paths, "--name", f"{truth.given_names} {truth.surname}",
            "--dob", truth.birth_date.isoformat(), "--account-id", "acct-cli", "--kind", "client",
            "--signal", "device_id=cli-device", "--dry-run"]
    assert main([*base, "--json", "--include-images"]) == ExitCode.OK  # bytes kept: the output parses as the message
    out = capsys.readouterr().out
    assert '"checked"' in out and '"decision"' in out
    from google.protobuf import json_format

    assert templates_in(json_format.Parse(out, pb.SignupResponse())) == []
    assert main(base) == ExitCode.OK
    shown = capsys.readouterr().out
    assert "decision:" in shown and "dry run: nothing stored" in shown and "rule" in shown
    assert main([*base, "--signal", "email=someone@example.org"]) == ExitCode.USAGE
    assert "--signal" in capsys.readouterr().err


def test_signup_without_a_linker_is_failed_precondition(start_server):
    channel, _ = start_server()
    request = pb.SignupRequest(verification=pb.VerifyIdentityRequest(account_id="a1"), kind=lpb.ACCOUNT_KIND_CLIENT)
    with pytest.raises(grpc.RpcError) as info:
        pb_grpc.VerificationServiceStub(channel).Signup(request, timeout=30)
    assert info.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert error_reason(info.value) == "LINKER_DISABLED"


# ---- pure parts ------------------------------------------------------------------------------
def _verification(face_decision) -> pb.VerifyIdentityResponse:
    return pb.VerifyIdentityResponse(
        document=pb.ReadDocumentResponse(document=pb.Document(
            document_number="X1234567", issuing_country="D", surname="MUSTERMANN", given_names="ERIKA",
            birth_date="1964-08-12")),
        face=pb.CompareFacesResponse(decision=face_decision))


def test_identity_signals_come_from_the_document_not_the_declaration():
    templates = FaceTemplates(reference=(0.1,) * 128, probe=(0.2,) * 128)
    declared = pb.DeclaredProfile(full_name="Someone Else", birth_date="1990-01-01", email="e@example.org",
                                  phone="+49 30 1234567", country="DE")
    signals = identity_signals(_verification(pb.FACE_DECISION_MATCH), templates, declared)
    by_type = {}
    for s in signals:
        by_type.setdefault(s.type, []).append(s)
    assert by_type[lpb.SIGNAL_TYPE_DOCUMENT_NUMBER][0].country == "D"
    assert by_type[lpb.SIGNAL_TYPE_NAME_AND_BIRTH_DATE][0].value == "ERIKA MUSTERMANN"
    assert by_type[lpb.SIGNAL_TYPE_NAME_AND_BIRTH_DATE][0].birth_date == "1964-08-12"
    assert len(by_type[lpb.SIGNAL_TYPE_FACE_EMBEDDING]) == 2
    assert by_type[lpb.SIGNAL_TYPE_PHONE][0].country == "DE"


def test_a_document_whose_portrait_did_not_match_the_selfie_is_not_registered():
    """A borrowed or stolen document must not become evidence against its real holder."""
    templates = FaceTemplates(reference=(0.1,) * 128, probe=(0.2,) * 128)
    signals = identity_signals(_verification(pb.FACE_DECISION_NO_MATCH), templates,
                               pb.DeclaredProfile(email="e@example.org"))
    assert [s.type for s in signals] == [lpb.SIGNAL_TYPE_FACE_EMBEDDING, lpb.SIGNAL_TYPE_EMAIL]
    assert tuple(round(x, 3) for x in signals[0].embedding) == (0.2,) * 128


def test_the_request_digest_changes_with_any_field():
    a = pb.SignupRequest(verification=pb.VerifyIdentityRequest(account_id="a"), kind=lpb.ACCOUNT_KIND_CLIENT)
    b = pb.SignupRequest(verification=pb.VerifyIdentityRequest(account_id="a"), kind=lpb.ACCOUNT_KIND_FREELANCER)
    assert request_digest(a) == request_digest(pb.SignupRequest.FromString(a.SerializeToString()))
    assert request_digest(a) != request_digest(b) and len(request_digest(a)) == 64


def test_the_template_walk_finds_an_embedding_wherever_it_is():
    nested = lpb.RegisterAccountsRequest(accounts=[lpb.RegisterAccountRequest(
        signals=[lpb.Signal(type=lpb.SIGNAL_TYPE_FACE_EMBEDDING, embedding=[0.5] * 128)])])
    assert templates_in(nested) == ["accounts.signals.embedding"]


@pytest.mark.slow
@pytest.mark.shared
def test_reverification_from_retained_images_feeds_the_linker(shared_dir, tmp_path):
    """The worker's in-process re-check runs the signup's way: a stranger's selfie found at
    re-verification is registered, and the account shows SHARED_ACCOUNT."""
    import functools
    from concurrent.futures import ThreadPoolExecutor

    from idverify.app.reverify import AccountChecker, recheck_document

    config = load_config(overrides={"server": {"worker_processes": 1}, "store": {"url": str(tmp_path / "s.sqlite3")},
                                    "linker": {"enabled": True, "hash_key": KEY, "seal_key": SEAL_KEY},
                                    "reverify": {"retain_images": True}}, environ={})
    app = Application(build_dependencies(config))
    fanout = ThreadPoolExecutor(2)
    try:
        request, _ = _request(shared_dir, seed=51, portrait="raj/raj1.png", selfie="raj/raj2.png",
                              account="acct-raj", email="raj@example.org")
        first = app.signup.signup(request, timeout=300)
        assert first.decision == pb.VERIFICATION_DECISION_APPROVE, _codes(first.reasons)
        history = app.deps.history
        history.retain_image("acct-raj", "profile", _faces(shared_dir, "sheldon/sheldon1.png"))  # a stranger
        assert history.request_recheck("acct-raj")
        (lease,) = history.lease("test-worker", 10, app.verification.policy_version, app.deps.model_version, 600)
        checker = AccountChecker(app.verification.steps(300), fanout,
                                 functools.partial(recheck_document, settings=config.documents),
                                 check_account=app.linking.check_account, retained_images=history.retained_images,
                                 reverify=functools.partial(app.signup.reverify, timeout=300))
        result = checker.check(lease, ("requested",))
        assert result.decision == pb.VERIFICATION_DECISION_REJECT
        assert "FACE_MISMATCH" in result.reasons
        assert "SHARED_ACCOUNT" in result.reasons, result.reasons  # weighed by the policy, as in a signup
        linked = app.linking.check_account("acct-raj")
        assert "SHARED_ACCOUNT" in [r.code for r in linked.reasons]
    finally:
        fanout.shutdown()
        app.close()


def test_no_response_of_any_rpc_can_carry_a_face_template():
    """Every response type of every service, walked through its nested messages: none has a
    repeated float field, the only shape a 128-d template could take."""
    from idverify.v1 import verification_service_pb2 as vpb

    found, seen = [], set()

    def walk(descriptor, path):
        if descriptor.full_name in seen:
            return
        seen.add(descriptor.full_name)
        for field in descriptor.fields:
            if field.message_type is not None:
                walk(field.message_type, f"{path}.{field.name}")
            elif field.type in (field.TYPE_FLOAT, field.TYPE_DOUBLE) and field.is_repeated:
                found.append(f"{path}.{field.name}")

    methods = [m for module in (vpb, lpb) for service in module.DESCRIPTOR.services_by_name.values()
               for m in service.methods]
    assert {m.name for m in methods} >= {"Signup", "VerifyIdentity", "CompareFaces", "RegisterAccount"}
    for method in methods:
        walk(method.output_type, method.name)
    assert found == []
    seen.clear()
    walk(lpb.RegisterAccountRequest.DESCRIPTOR, "RegisterAccountRequest")  # the walk does find one
    assert found == ["RegisterAccountRequest.signals.embedding"]
