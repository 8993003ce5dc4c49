"""VerifyIdentity end to end: generated documents carrying real faces from ../shared/faces,
through a real server with real worker processes, dlib and Tesseract."""

from __future__ import annotations

import io

import grpc
import numpy as np
import pytest
from PIL import Image, ImageFilter

from idverify.app import Application
from idverify.client import error_reason
from idverify.config import load_config
from idverify.docgen import generate_document
from idverify.server.app import create_server
from idverify.app.dependencies import build_dependencies
from idverify.v1 import verification_service_pb2 as pb
from idverify.v1 import verification_service_pb2_grpc as pb_grpc

pytestmark = [pytest.mark.slow, pytest.mark.shared]


@pytest.fixture(scope="module")
def server(shared_dir, tmp_path_factory):
    store = tmp_path_factory.mktemp("verify") / "store.sqlite3"
    config = load_config(overrides={"server": {"port": 0, "worker_processes": 2}, "store": {"url": str(store)}},
                         environ={})
    deps = build_dependencies(config)
    running, port = create_server(config, Application(deps))
    running.start()
    channel = grpc.insecure_channel(f"127.0.0.1:{port}", options=[("grpc.max_send_message_length", 64 << 20)])
    yield pb_grpc.VerificationServiceStub(channel), deps
    channel.close()
    running.stop(0).wait()
    deps.close()


@pytest.fixture(scope="module")
def obama_passport(shared_dir):
    return generate_document(7, kind="td3", level="clean", portrait=shared_dir / "faces/barack_obama/obama.jpg")


def _declared(truth, **changes) -> pb.DeclaredProfile:
    fields = dict(full_name=f"{truth.given_names} {truth.surname}", birth_date=truth.birth_date.isoformat())
    fields.update(changes)
    return pb.DeclaredProfile(**fields)


def _verify(stub, photo: bytes, document, declared, account_id="") -> pb.VerifyIdentityResponse:
    request = pb.VerifyIdentityRequest(
        profile_photo=pb.Image(content=photo),
        document_images=[pb.Image(content=img) for img in document.images],
        declared=declared, account_id=account_id)
    return stub.VerifyIdentity(request, timeout=180)


def _codes(response) -> list[str]:
    return [r.code for r in response.reasons]


def test_holder_with_another_photo_is_approved(server, shared_dir, obama_passport):
    stub, deps = server
    photo = (shared_dir / "faces/barack_obama/obama2.jpg").read_bytes()
    response = _verify(stub, photo, obama_passport, _declared(obama_passport.truth), account_id="acct-holder")
    assert response.decision == pb.VERIFICATION_DECISION_APPROVE, _codes(response)
    assert response.face.decision == pb.FACE_DECISION_MATCH
    assert response.document.document.document_number == obama_passport.truth.document_number
    assert response.steps[:2] == ["read_document", "compare_faces"] and response.policy_version
    history = deps.history.history("acct-holder")
    assert len(history) == 1 and history[0][1] == pb.VERIFICATION_DECISION_APPROVE


def test_another_persons_photo_is_rejected_for_face_mismatch(server, shared_dir, obama_passport):
    stub, _ = server
    photo = (shared_dir / "faces/joe_biden/biden.jpg").read_bytes()
    response = _verify(stub, photo, obama_passport, _declared(obama_passport.truth))
    assert response.decision == pb.VERIFICATION_DECISION_REJECT
    assert "FACE_MISMATCH" in _codes(response)


def test_wrong_name_is_a_name_mismatch(server, shared_dir, obama_passport):
    stub, _ = server
    photo = (shared_dir / "faces/barack_obama/obama2.jpg").read_bytes()
    response = _verify(stub, photo, obama_passport, _declared(obama_passport.truth, full_name="Petra Novakova"))
    assert response.decision == pb.VERIFICATION_DECISION_REJECT
    assert "NAME_MISMATCH" in _codes(response)


def test_expired_document_is_rejected(server, shared_dir):
    stub, _ = server
    expired = generate_document(8, kind="td3", level="clean", expired=True,
                                portrait=shared_dir / "faces/barack_obama/obama.jpg")
    photo = (shared_dir / "faces/barack_obama/obama2.jpg").read_bytes()
    response = _verify(stub, photo, expired, _declared(expired.truth))
    assert response.decision == pb.VERIFICATION_DECISION_REJECT
    assert "DOCUMENT_EXPIRED" in _codes(response)


def test_unreadable_document_gives_a_clear_reason(server, shared_dir, obama_passport):
    stub, _ = server
    blurred = Image.open(io.BytesIO(obama_passport.images[0])).convert("RGB").resize((320, 226)).filter(
        ImageFilter.GaussianBlur(4))
    buf = io.BytesIO()
    blurred.save(buf, "JPEG", quality=30)
    unreadable = type(obama_passport)(images=(buf.getvalue(),), arrays=(np.asarray(blurred),),
                                      truth=obama_passport.truth)
    photo = (shared_dir / "faces/barack_obama/obama2.jpg").read_bytes()
    response = _verify(stub, photo, unreadable, _declared(obama_passport.truth))
    assert response.decision != pb.VERIFICATION_DECISION_APPROVE
    assert {"DOCUMENT_UNREADABLE", "MRZ_UNREADABLE", "DOCUMENT_NOT_FOUND"} & set(_codes(response))


def test_missing_profile_photo_is_invalid_argument(server, obama_passport):
    stub, _ = server
    with pytest.raises(grpc.RpcError) as info:
        stub.VerifyIdentity(pb.VerifyIdentityRequest(document_images=[pb.Image(content=obama_passport.images[0])]),
                            timeout=30)
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert error_reason(info.value) == "MISSING_FIELD"
