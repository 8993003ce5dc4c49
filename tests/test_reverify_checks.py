"""Re-verification with the real engines: a verified account re-checked in-process and through a
server (``idverify reverify --once``), from stored evidence, with the linker consulted."""

from __future__ import annotations

import datetime as dt
import functools
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import grpc
import matplotlib
import pytest

from idverify.app import Application
from idverify.config import load_config
from idverify.docgen import generate_document
from idverify.documents.settings import DocumentSettings
from idverify.app.reverify import AccountChecker, recheck_document
from idverify.reverify.store import open_reverify_store, selfie_document_key
from idverify.server.app import create_server
from idverify.app.dependencies import build_dependencies
from idverify.v1 import verification_service_pb2 as pb
from idverify.v1 import verification_service_pb2_grpc as pb_grpc

REPO_ROOT = Path(__file__).resolve().parent.parent
HOPPER = Path(matplotlib.get_data_path()) / "sample_data" / "grace_hopper.jpg"
KEY = "reverify-test-key-0123456789abcdef"
SEAL_KEY = "5ea1" * 16  # a 256-bit seal key: 64 hex characters


def test_recheck_document_recomputes_expiry_and_age_only():
    stored = pb.ReadDocumentResponse(
        document=pb.Document(expiry_date="2030-01-01", birth_date="2010-06-01"),
        reasons=[pb.Reason(code="MRZ_VIZ_MISMATCH", source="document")])
    settings = DocumentSettings()
    later = recheck_document(stored, settings, today=dt.date(2030, 2, 1))
    codes = [r.code for r in later.reasons]
    assert codes[0] == "MRZ_VIZ_MISMATCH" and "DOCUMENT_EXPIRED" in codes
    assert "UNDERAGE" not in codes  # 19 by then
    earlier = recheck_document(stored, settings, today=dt.date(2025, 2, 1))
    assert "UNDERAGE" in [r.code for r in earlier.reasons] and "DOCUMENT_EXPIRED" not in [r.code for r in earlier.reasons]


@pytest.mark.slow
def test_reverify_once_in_process_and_remote(tmp_path):
    store_path = tmp_path / "store.sqlite3"
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "IDVERIFY_LINKER__ENABLED": "true",
           "IDVERIFY_LINKER__HASH_KEY": KEY, "IDVERIFY_LINKER__SEAL_KEY": SEAL_KEY,
           "IDVERIFY_SERVER__WORKER_PROCESSES": "1"}
    config = load_config(overrides={"server": {"port": 0, "worker_processes": 1}, "store": {"url": str(store_path)},
                                    "linker": {"enabled": True, "hash_key": KEY, "seal_key": SEAL_KEY}}, environ={})
    deps = build_dependencies(config)
    running, port = create_server(config, Application(deps))
    running.start()
    try:
        doc = generate_document(3, kind="td3", level="clean", portrait=HOPPER, expired=False)
        declared = pb.DeclaredProfile(full_name=f"{doc.truth.given_names} {doc.truth.surname}",
                                      birth_date=doc.truth.birth_date.isoformat())
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            first = pb_grpc.VerificationServiceStub(channel).VerifyIdentity(pb.VerifyIdentityRequest(
                profile_photo=pb.Image(content=HOPPER.read_bytes()),
                document_images=[pb.Image(content=i) for i in doc.images], declared=declared,
                account_id="acct-1"), timeout=180)
        assert first.decision == pb.VERIFICATION_DECISION_APPROVE, [r.code for r in first.reasons]

        def reverify(*extra: str) -> str:
            result = subprocess.run([sys.executable, "-m", "idverify.cli", "reverify", "--once", "--db",
                                     str(store_path), *extra], capture_output=True, text=True, env=env, timeout=300)
            assert result.returncode == 0, result.stderr[-2000:]
            return result.stdout

        assert "re-verified 0" in reverify()  # nothing is due right after a verification
        assert deps.history.request_recheck("acct-1")
        assert "re-verified 1" in reverify()  # in-process: models loaded by the worker
        assert "re-verified 0" in reverify()  # running twice changes nothing
        assert deps.history.request_recheck("acct-1")
        assert "re-verified 1" in reverify("--target", f"127.0.0.1:{port}")  # heavy steps on the server
    finally:
        running.stop(0).wait()
        deps.close()
    store = open_reverify_store(str(store_path))
    try:
        rows = store.history("acct-1")
    finally:
        store.close()
    assert [r[5] for r in rows] == ["verify_identity", "reverify", "reverify"]
    assert all(r[1] == pb.VERIFICATION_DECISION_APPROVE for r in rows)
    assert [r[3] for r in rows[1:]] == ["REQUESTED", "REQUESTED"]


def _face_of(result) -> pb.CompareFacesResponse:
    return pb.VerifyIdentityResponse.FromString(result.evidence).face


@pytest.mark.slow
@pytest.mark.shared
def test_an_earlier_verified_selfie_settles_a_degraded_portrait_and_no_one_elses_does(shared_dir, tmp_path):
    """A grey, line-patterned, small portrait (docgen level hard) that leaves today's selfie of
    its holder INCONCLUSIVE by distance (about 0.61, thresholds 0.54 / 0.72), while it matched an
    earlier selfie (about 0.47) that matches today's (about 0.48): real dlib, real Tesseract."""
    faces = shared_dir / "faces"
    config = load_config(overrides={"server": {"worker_processes": 1}, "store": {"url": str(tmp_path / "s.sqlite3")},
                                    "reverify": {"retain_images": True}}, environ={})
    app = Application(build_dependencies(config))
    history = app.deps.history
    doc = generate_document(5, kind="td3", level="hard", portrait=faces / "penny" / "penny2.png", expired=False)
    declared = pb.DeclaredProfile(full_name=f"{doc.truth.given_names} {doc.truth.surname}",
                                  birth_date=doc.truth.birth_date.isoformat())
    earlier, today, stranger = (faces / p for p in ("penny/penny4.png", "penny/penny1.png", "leonard/leonard3.png"))

    def request(selfie: Path, account: str) -> pb.VerifyIdentityRequest:
        return pb.VerifyIdentityRequest(profile_photo=pb.Image(content=selfie.read_bytes()), declared=declared,
                                        document_images=[pb.Image(content=i) for i in doc.images], account_id=account)

    def recheck(account: str, checker: AccountChecker) -> pb.CompareFacesResponse:
        assert history.request_recheck(account)
        (lease,) = [x for x in history.lease("test", 10, app.verification.policy_version, app.deps.model_version, 60)
                    if x.account_id == account]
        return _face_of(checker.check(lease, ("requested",)))

    executor = ThreadPoolExecutor(2)
    steps = app.verification.steps(timeout=300)
    recheck_doc = functools.partial(recheck_document, settings=config.documents)
    try:
        # The earlier verification: the document alone matches; the selfie is kept as verified.
        first = app.verification.verify_identity(request(earlier, "acct-holder"), timeout=300)
        assert first.face.decision == pb.FACE_DECISION_MATCH and first.face.fusion == pb.FACE_FUSION_UNSPECIFIED
        key = selfie_document_key(first.document.document.issuing_country, first.document.document.document_number)
        assert key is not None and history.verified_selfies("acct-holder") == {key: [earlier.read_bytes()]}
        # Today's selfie: open against the document, settled by the earlier selfie, not kept as verified.
        second = app.verification.verify_identity(request(today, "acct-holder"), timeout=300)
        assert second.face.reference_decision == pb.FACE_DECISION_INCONCLUSIVE, second.face.distance
        assert second.face.decision == pb.FACE_DECISION_MATCH
        assert second.face.fusion == pb.FACE_FUSION_EARLIER_SELFIE_MATCH and "compare_faces_earlier_selfies" in second.steps
        (used,) = second.face.other_references
        assert used.decision == pb.FACE_DECISION_MATCH and used.has_distance and used.distance < second.face.distance
        assert "FACE_INCONCLUSIVE" not in [r.code for r in second.reasons]
        assert history.verified_selfies("acct-holder") == {key: [earlier.read_bytes()]}
        # The worker re-verifies from the retained images (today's selfie) the same way.
        face = recheck("acct-holder", AccountChecker(steps, executor, recheck_doc,
                                                     retained_images=history.retained_images))
        assert face.decision == pb.FACE_DECISION_MATCH and face.fusion == pb.FACE_FUSION_EARLIER_SELFIE_MATCH

        # Another document (a look-alike's, here another number under the same face): the selfies
        # the holder's document verified do not stand in for it, so nothing is fused.
        other_doc = generate_document(6, kind="td3", level="hard", portrait=faces / "penny" / "penny2.png",
                                      expired=False)
        foreign = app.verification.verify_identity(pb.VerifyIdentityRequest(
            profile_photo=pb.Image(content=today.read_bytes()), declared=declared, account_id="acct-holder",
            document_images=[pb.Image(content=i) for i in other_doc.images]), timeout=300)
        assert foreign.document.document.document_number != first.document.document.document_number
        assert foreign.face.fusion == pb.FACE_FUSION_UNSPECIFIED and not foreign.face.other_references
        assert "compare_faces_earlier_selfies" not in foreign.steps

        # No earlier selfie: today's behaviour, nothing fused.
        alone = app.verification.verify_identity(request(today, "acct-other"), timeout=300)
        assert alone.face.decision == pb.FACE_DECISION_INCONCLUSIVE and alone.face.fusion == pb.FACE_FUSION_UNSPECIFIED
        assert not alone.face.other_references and "compare_faces_earlier_selfies" not in alone.steps
        # An "earlier selfie" of someone else (say an impostor's, kept by mistake) settles nothing.
        history.retain_verified_selfie("acct-other", stranger.read_bytes(), keep=3, document_key=key)
        face = recheck("acct-other", AccountChecker(steps, executor, recheck_doc, retained_images=history.retained_images,
                                                    reverify=functools.partial(app.signup.reverify, timeout=300)))
        assert face.decision == pb.FACE_DECISION_INCONCLUSIVE
        assert face.fusion == pb.FACE_FUSION_EARLIER_SELFIE_NOT_MATCH
        assert [r.decision for r in face.other_references] == [pb.FACE_DECISION_NO_MATCH]
    finally:
        executor.shutdown()
        app.close()
