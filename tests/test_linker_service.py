"""LinkingService through a real server on port 0, on both store backends."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import grpc
import pytest

from idverify.client import error_reason
from idverify.config import Config, ServerSettings, StoreSettings
from idverify.errors import ConfigError
from idverify.app.dependencies import build_dependencies
from linker.settings import LinkerSettings
from linker.v1 import linking_service_pb2 as pb
from linker.v1 import linking_service_pb2_grpc as pb_grpc
from inprocess import serve, stop_serving

pytest_plugins = ["tests.conftest_linker"]

KEY = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
SEAL_KEY = "5ea1" * 16  # a 256-bit seal key: 64 hex characters


def _config(tmp_path, store_url: str, **linker) -> Config:
    return Config(
        server=ServerSettings(port=0),
        store=StoreSettings(url=str(tmp_path / "store.sqlite3")),
        linker=LinkerSettings(**{"enabled": True, "store_url": store_url, **linker}),
    )


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def stub(request: pytest.FixtureRequest, tmp_path_factory) -> Iterator[pb_grpc.LinkingServiceStub]:
    """One server per backend for the tests of this module (its worker processes take seconds
    to load their models). Each test uses its own account ids and signal values, so none sees
    another's accounts."""
    tmp_path = tmp_path_factory.mktemp("linker-service")
    if request.param == "sqlite":
        store_url = str(tmp_path / "linker.sqlite3")
    else:
        store_url = request.getfixturevalue("postgres_server").new_database()
    deps = build_dependencies(_config(tmp_path, store_url, hash_key=KEY, seal_key=SEAL_KEY))
    running, channel, _ = serve(deps)
    yield pb_grpc.LinkingServiceStub(channel)
    stop_serving(running, channel, deps)


def card(value: str) -> pb.Signal:
    return pb.Signal(type=pb.SIGNAL_TYPE_CARD_FINGERPRINT, value=value)


def test_all_rpcs_through_the_server(stub):
    first = stub.RegisterAccount(pb.RegisterAccountRequest(
        account_id="g1", kind=pb.ACCOUNT_KIND_FREELANCER, signals=[card("k1")]), timeout=10)
    assert first.decision == pb.LINK_DECISION_ALLOW and first.person_id
    second = stub.RegisterAccount(pb.RegisterAccountRequest(
        account_id="g2", kind=pb.ACCOUNT_KIND_CLIENT, signals=[card("k1")]), timeout=10)
    assert second.person_id == first.person_id and list(second.linked_account_ids) == ["g1"]
    assert second.evidence[0].signal_type == pb.SIGNAL_TYPE_CARD_FINGERPRINT
    assert second.evidence[0].seen_at.seconds > 0
    dry = stub.CheckAccount(pb.CheckAccountRequest(
        account_id="g3", kind=pb.ACCOUNT_KIND_FREELANCER, signals=[card("k1")]), timeout=10)
    assert dry.decision == pb.LINK_DECISION_BLOCK and dry.reasons[0].code == "DUPLICATE_PERSON"
    linked = stub.GetLinkedAccounts(pb.GetLinkedAccountsRequest(account_id="g1"), timeout=10)
    assert [a.account_id for a in linked.accounts] == ["g2"] and linked.accounts[0].same_person
    why = stub.ExplainLink(pb.ExplainLinkRequest(account_id_a="g1", account_id_b="g2"), timeout=10)
    assert why.same_person and len(why.path) == 1
    contract = stub.RecordContract(pb.RecordContractRequest(
        contract_id="c1", client_account_id="g2", freelancer_account_id="g1"), timeout=10)
    assert contract.decision == pb.LINK_DECISION_BLOCK and contract.reasons[0].code == "FEEDBACK_BUILDING"
    review = stub.RecordReview(pb.RecordReviewRequest(
        account_id_a="g1", account_id_b="g2", action=pb.REVIEW_ACTION_FORCE_UNLINK, reviewer="r1"), timeout=10)
    assert review.event_id and review.person_id_a != review.person_id_b
    gone = stub.DeleteAccount(pb.DeleteAccountRequest(account_id="g2", reason="gdpr_erasure"), timeout=10)
    assert gone.deleted and gone.signals_erased == 1


@pytest.mark.parametrize(
    ("call", "request_", "code", "reason"),
    [
        ("RegisterAccount", pb.RegisterAccountRequest(kind=pb.ACCOUNT_KIND_CLIENT),
         grpc.StatusCode.INVALID_ARGUMENT, "MISSING_FIELD"),
        ("RegisterAccount", pb.RegisterAccountRequest(account_id="a"),
         grpc.StatusCode.INVALID_ARGUMENT, "ACCOUNT_KIND_INVALID"),
        ("RegisterAccount", pb.RegisterAccountRequest(account_id="a", kind=1, signals=[pb.Signal(value="x")]),
         grpc.StatusCode.INVALID_ARGUMENT, "SIGNAL_TYPE_INVALID"),
        ("RegisterAccount", pb.RegisterAccountRequest(account_id="a", kind=1, signals=[
            pb.Signal(type=pb.SIGNAL_TYPE_FACE_EMBEDDING, embedding=[0.5] * 12)]),
         grpc.StatusCode.INVALID_ARGUMENT, "EMBEDDING_INVALID"),
        ("RegisterAccount", pb.RegisterAccountRequest(account_id="a", kind=1, signals=[
            pb.Signal(type=pb.SIGNAL_TYPE_DOCUMENT_NUMBER, value="X123")]),
         grpc.StatusCode.INVALID_ARGUMENT, "MISSING_FIELD"),
        ("ExplainLink", pb.ExplainLinkRequest(account_id_a="nope", account_id_b="nada"),
         grpc.StatusCode.NOT_FOUND, "ACCOUNT_NOT_FOUND"),
        ("RecordReview", pb.RecordReviewRequest(account_id_a="x", account_id_b="y"),
         grpc.StatusCode.INVALID_ARGUMENT, "REVIEW_ACTION_INVALID"),
        ("GetLinkedAccounts", pb.GetLinkedAccountsRequest(account_id="ghost"),
         grpc.StatusCode.NOT_FOUND, "ACCOUNT_NOT_FOUND"),
    ],
)
def test_bad_input_gets_status_and_reason(stub, call, request_, code, reason):
    with pytest.raises(grpc.RpcError) as info:
        getattr(stub, call)(request_, timeout=10)
    assert info.value.code() == code
    assert error_reason(info.value) == reason


def test_eight_concurrent_clients_lose_nothing(stub):
    errors: list[Exception] = []

    def client(t: int) -> None:
        try:
            for i in range(5):
                stub.RegisterAccount(pb.RegisterAccountRequest(
                    account_id=f"c{t}-{i}", kind=pb.ACCOUNT_KIND_FREELANCER, signals=[card(f"ring-{i}")]),
                    timeout=30)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=client, args=(t,)) for t in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors
    for i in range(5):
        people = {stub.GetLinkedAccounts(pb.GetLinkedAccountsRequest(account_id=f"c{t}-{i}"), timeout=10).person_id
                  for t in range(8)}
        assert len(people) == 1
        linked = stub.GetLinkedAccounts(pb.GetLinkedAccountsRequest(account_id=f"c0-{i}"), timeout=10)
        assert len(linked.accounts) == 7


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=False)
def test_disabled_linker_and_missing_key(start_server, tmp_path, store_url):
    with pytest.raises(ConfigError) as info:
        build_dependencies(_config(tmp_path, str(tmp_path / "l.sqlite3")))
    assert info.value.reason == "CONFIG_MISSING"
    dev = build_dependencies(_config(tmp_path, str(tmp_path / "dev.sqlite3"), dev_generate_key=True))
    key_file = tmp_path / "dev.sqlite3.linker-key"
    assert key_file.exists() and oct(key_file.stat().st_mode & 0o777) == "0o600"
    dev.close()
    off = build_dependencies(_config(tmp_path, "", enabled=False))
    channel, _ = start_server(off)
    with pytest.raises(grpc.RpcError) as err:
        pb_grpc.LinkingServiceStub(channel).ExplainLink(pb.ExplainLinkRequest(account_id_a="a"), timeout=5)
    assert err.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert error_reason(err.value) == "LINKER_DISABLED"


@pytest.mark.slow
@pytest.mark.shared
def test_face_photos_are_embedded_by_the_service(stub, shared_dir):
    """A backfill sends photos, never templates: the worker pool embeds them, the second account's
    face is compared with the first's (how far it links is the face levels' business), and no
    response carries an embedding."""
    def photo(path: str) -> pb.Signal:
        return pb.Signal(type=pb.SIGNAL_TYPE_FACE_PHOTO, photo=(shared_dir / "faces" / path).read_bytes())

    answers = stub.RegisterAccounts(pb.RegisterAccountsRequest(accounts=[
        pb.RegisterAccountRequest(account_id="f1", kind=pb.ACCOUNT_KIND_FREELANCER,
                                  signals=[photo("barack_obama/obama2.jpg")]),
        pb.RegisterAccountRequest(account_id="f2", kind=pb.ACCOUNT_KIND_FREELANCER,
                                  signals=[photo("barack_obama/obama3.jpg"), card("f2-card")]),
    ]), timeout=120)
    second = answers.results[1]
    faces = [e for e in second.evidence if e.signal_type == pb.SIGNAL_TYPE_FACE_EMBEDDING]
    assert len(faces) == 1 and faces[0].to_account_id == "f1" and "face distance" in faces[0].note
    from proto_walk import templates_in

    assert templates_in(answers) == []

    # A photo without a face is a rejected signal: the account registers with its card...
    landscape = pb.Signal(type=pb.SIGNAL_TYPE_FACE_PHOTO, photo=_faceless_png())
    kept = stub.RegisterAccount(pb.RegisterAccountRequest(account_id="f3", kind=pb.ACCOUNT_KIND_CLIENT,
                                                          signals=[card("f3"), landscape]), timeout=60)
    assert [(r.index, r.signal_type, r.reason, r.field) for r in kept.rejected_signals] == [
        (1, pb.SIGNAL_TYPE_FACE_PHOTO, "NO_FACE", "signals[1]")]
    assert kept.decision == pb.LINK_DECISION_REVIEW and [r.code for r in kept.reasons] == ["IDENTITY_SIGNAL_UNUSABLE"]
    # ...and a request holding only that photo is refused, naming it.
    with pytest.raises(grpc.RpcError) as info:
        stub.RegisterAccount(pb.RegisterAccountRequest(account_id="f4", kind=pb.ACCOUNT_KIND_CLIENT,
                                                       signals=[landscape]), timeout=60)
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT and error_reason(info.value) == "NO_FACE"
    from idverify.client import error_info

    assert error_info(info.value).metadata["field"] == "signals[0]"


def _faceless_png() -> bytes:
    import io

    import numpy as np
    from PIL import Image

    gradient = np.tile(np.linspace(0, 255, 320, dtype=np.uint8), (240, 1))
    buffer = io.BytesIO()
    Image.fromarray(np.dstack([gradient] * 3)).save(buffer, format="PNG")
    return buffer.getvalue()


def phone(value: str) -> pb.Signal:
    return pb.Signal(type=pb.SIGNAL_TYPE_PHONE, value=value, country="DE")


BAD_EMAILS = ("john@@example", "name@host")


def test_a_malformed_signal_is_listed_and_the_others_link(stub):
    """Item 3 of issue 15: a malformed email no longer refuses the registration; the account links
    on its phone, the email is listed (position, type, reason; never the value), and the decision
    is not ALLOW for want of the identity signal it lost."""
    first = stub.RegisterAccount(pb.RegisterAccountRequest(
        account_id="m1", kind=pb.ACCOUNT_KIND_FREELANCER, signals=[phone("0151 23456789")]), timeout=10)
    assert not first.rejected_signals and first.decision == pb.LINK_DECISION_ALLOW
    for n, bad in enumerate(BAD_EMAILS):
        second = stub.RegisterAccount(pb.RegisterAccountRequest(
            account_id=f"m2-{n}", kind=pb.ACCOUNT_KIND_CLIENT,
            signals=[pb.Signal(type=pb.SIGNAL_TYPE_EMAIL, value=bad), phone("+49 151 23456789")]), timeout=10)
        assert second.person_id == first.person_id and "m1" in second.linked_account_ids
        assert [e.signal_type for e in second.evidence if e.to_account_id == "m1"] == [pb.SIGNAL_TYPE_PHONE]
        [rejected] = second.rejected_signals
        assert (rejected.index, rejected.signal_type, rejected.reason, rejected.field) == (
            0, pb.SIGNAL_TYPE_EMAIL, "EMAIL_INVALID", "signals[0]")
        assert rejected.message and bad not in rejected.message and bad not in str(second)
        codes = [r.code for r in second.reasons]
        assert "IDENTITY_SIGNAL_UNUSABLE" in codes, codes
        # The first client of the person: REVIEW for the lost email; the second is a duplicate.
        assert second.decision == (pb.LINK_DECISION_REVIEW if n == 0 else pb.LINK_DECISION_BLOCK), codes
    # A weak signal lost is listed, but it could never have linked alone: the decision stands.
    weak = stub.RegisterAccount(pb.RegisterAccountRequest(
        account_id="m3", kind=pb.ACCOUNT_KIND_FREELANCER,
        signals=[card("m3-card"), pb.Signal(type=pb.SIGNAL_TYPE_IP_ADDRESS, value="300.1.2.3")]), timeout=10)
    assert weak.decision == pb.LINK_DECISION_ALLOW and not weak.reasons
    assert [(r.index, r.reason) for r in weak.rejected_signals] == [(1, "IP_ADDRESS_INVALID")]
    # CheckAccount says the same without storing anything, the document's missing country included.
    dry = stub.CheckAccount(pb.CheckAccountRequest(
        account_id="m4", kind=pb.ACCOUNT_KIND_FREELANCER,
        signals=[pb.Signal(type=pb.SIGNAL_TYPE_DOCUMENT_NUMBER, value="X1234567"), phone("+49 151 23456789")]),
        timeout=10)
    assert dry.decision == pb.LINK_DECISION_BLOCK and "m1" in dry.linked_account_ids
    assert [(r.index, r.reason, r.field) for r in dry.rejected_signals] == [(0, "MISSING_FIELD", "signals[0].country")]
    with pytest.raises(grpc.RpcError) as info:
        stub.GetLinkedAccounts(pb.GetLinkedAccountsRequest(account_id="m4"), timeout=10)
    assert info.value.code() == grpc.StatusCode.NOT_FOUND


def test_a_request_with_nothing_usable_is_refused_with_every_reason(stub):
    from idverify.client import error_info

    signals = [pb.Signal(type=pb.SIGNAL_TYPE_EMAIL, value="john@@example"),
               pb.Signal(type=pb.SIGNAL_TYPE_PHONE, value="ph0ne-canary"),
               pb.Signal(value="a type this server does not know", type=99)]
    for call, request in (
        ("RegisterAccount", pb.RegisterAccountRequest(account_id="n1", kind=pb.ACCOUNT_KIND_CLIENT, signals=signals)),
        ("CheckAccount", pb.CheckAccountRequest(account_id="n1", kind=pb.ACCOUNT_KIND_CLIENT, signals=signals)),
    ):
        with pytest.raises(grpc.RpcError) as info:
            getattr(stub, call)(request, timeout=10)
        assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT, call
        details = error_info(info.value)
        assert details.reason == "EMAIL_INVALID" and details.metadata["field"] == "signals[0]"
        assert details.metadata["rejected"] == ("signals[0]=EMAIL_INVALID,signals[1]=PHONE_INVALID,"
                                                "signals[2]=SIGNAL_TYPE_INVALID")
        assert "no usable signal" in info.value.details()
        assert "john@@example" not in info.value.details() and "ph0ne-canary" not in info.value.details()
    with pytest.raises(grpc.RpcError) as info:
        stub.GetLinkedAccounts(pb.GetLinkedAccountsRequest(account_id="n1"), timeout=10)
    assert info.value.code() == grpc.StatusCode.NOT_FOUND
    # No signals at all keeps its meaning: an account with nothing to link by.
    empty = stub.RegisterAccount(pb.RegisterAccountRequest(account_id="n2", kind=pb.ACCOUNT_KIND_CLIENT), timeout=10)
    assert empty.decision == pb.LINK_DECISION_ALLOW and not empty.rejected_signals


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=False)
def test_nothing_of_a_rejected_value_is_stored(start_server, tmp_path, store_url):
    """The rejected value reaches neither the store file (tables, event log, WAL) nor its hash."""
    store = tmp_path / "rejected.sqlite3"
    deps = build_dependencies(_config(tmp_path, str(store), hash_key=KEY, seal_key=SEAL_KEY))
    channel, _ = start_server(deps)
    stub = pb_grpc.LinkingServiceStub(channel)
    canary = "zq.canary.mailbox@@example.org"
    reply = stub.RegisterAccount(pb.RegisterAccountRequest(
        account_id="s1", kind=pb.ACCOUNT_KIND_CLIENT,
        signals=[pb.Signal(type=pb.SIGNAL_TYPE_EMAIL, value=canary), card("s1-card")]), timeout=10)
    assert [r.reason for r in reply.rejected_signals] == ["EMAIL_INVALID"]
    assert len(deps.linker.store.signals_of("s1")) == 1  # the card only
    written = b"".join(p.read_bytes() for p in tmp_path.glob("rejected.sqlite3*"))
    assert written, "the store wrote nothing"
    for piece in (canary, "zq.canary", "canary.mailbox"):
        assert piece.encode() not in written


def _identity(value: str, number: str) -> list[pb.Signal]:
    return [pb.Signal(type=pb.SIGNAL_TYPE_NAME_AND_BIRTH_DATE, value=value, birth_date="1957-09-13"),
            pb.Signal(type=pb.SIGNAL_TYPE_DOCUMENT_NUMBER, value=number, country="AUS")]


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=False)
def test_a_sealed_value_that_does_not_open_is_a_reason_not_internal(start_server, tmp_path, store_url):
    """A damaged sealed value of a candidate refuses the call with DATA_LOSS and
    SEALED_VALUE_CORRUPT (naming the batch item); one under an unknown key with UNAVAILABLE and
    SEAL_KEY_MISMATCH naming the key id; the server keeps serving."""
    from idverify.client import error_info

    deps = build_dependencies(_config(tmp_path, str(tmp_path / "links.sqlite3"), hash_key=KEY, seal_key=SEAL_KEY))
    channel, _ = start_server(deps)
    stub = pb_grpc.LinkingServiceStub(channel)
    stub.RegisterAccount(pb.RegisterAccountRequest(account_id="z1", kind=pb.ACCOUNT_KIND_FREELANCER,
                                                   signals=_identity("Zebulon Quarterman", "7364009")), timeout=10)
    store = deps.linker.store
    (row, *_) = store.sealed_of(["z1"])
    store._exec("UPDATE link_sealed SET sealed = ? WHERE account_id = 'z1' AND type = ?",
                (row.value.data[:20], row.type))  # truncated
    batch = pb.RegisterAccountsRequest(accounts=[
        pb.RegisterAccountRequest(account_id="other", kind=pb.ACCOUNT_KIND_CLIENT, signals=[card("x")]),
        pb.RegisterAccountRequest(account_id="z2", kind=pb.ACCOUNT_KIND_CLIENT,
                                  signals=_identity("Zebulon Quarterman", "7364009"))])
    with pytest.raises(grpc.RpcError) as info:
        stub.RegisterAccounts(batch, timeout=10)
    assert info.value.code() == grpc.StatusCode.DATA_LOSS
    details = error_info(info.value)
    assert details.reason == "SEALED_VALUE_CORRUPT" and details.metadata["field"] == "accounts[1]"
    assert "QUARTERMAN" not in info.value.details().upper()
    assert store.account("other") is None  # the batch is all or nothing
    store._exec("UPDATE link_sealed SET sealed = ?, key_id = ? WHERE account_id = 'z1' AND type = ?",
                (row.value.data, "00ff00ff00ff00ff", row.type))
    with pytest.raises(grpc.RpcError) as info:
        stub.CheckAccount(pb.CheckAccountRequest(account_id="z1"), timeout=10)
    assert info.value.code() == grpc.StatusCode.UNAVAILABLE
    details = error_info(info.value)
    assert details.reason == "SEAL_KEY_MISMATCH" and details.metadata["key_id"] == "00ff00ff00ff00ff"
    ok = stub.RegisterAccount(pb.RegisterAccountRequest(account_id="c1", kind=pb.ACCOUNT_KIND_CLIENT,
                                                        signals=[card("y")]), timeout=10)
    assert ok.decision == pb.LINK_DECISION_ALLOW
