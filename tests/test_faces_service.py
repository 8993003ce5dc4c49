"""CompareFaces through a real server on port 0, with the face pipeline in worker processes."""

from __future__ import annotations

import io
import os
import signal
import struct
import time
import zlib
from pathlib import Path

import cv2
import grpc
import matplotlib
import numpy as np
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from PIL import Image

from idverify.app import Application
from idverify.client import error_reason
from idverify.config import Config, ServerSettings, StoreSettings
from idverify.errors import InvalidInput
from idverify.faces.service import FaceService
from idverify.faces.settings import FaceSettings
from idverify.images import ImageSettings, decode_image
from idverify.server.app import create_server
from idverify.app.dependencies import build_dependencies
from idverify.v1 import verification_service_pb2 as pb
from idverify.v1 import verification_service_pb2_grpc as pb_grpc

GRACE = Path(matplotlib.get_data_path()) / "sample_data" / "grace_hopper.jpg"


def _png(rgb: np.ndarray) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, format="PNG")
    return buf.getvalue()


def _bomb() -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", 50_000, 50_000, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    config = Config(
        server=ServerSettings(port=0, worker_processes=2),
        store=StoreSettings(url=str(tmp_path_factory.mktemp("store") / "store.sqlite3")),
    )
    deps = build_dependencies(config)
    running, port = create_server(config, Application(deps))
    running.start()
    channel = grpc.insecure_channel(f"127.0.0.1:{port}")
    yield deps, channel
    channel.close()
    running.stop(0).wait()
    deps.close()


@pytest.fixture(scope="module")
def stub(server):
    return pb_grpc.VerificationServiceStub(server[1])


@pytest.fixture(scope="module")
def grace():
    return GRACE.read_bytes()


@pytest.fixture(scope="module")
def portrait():
    """The same face, half size and grey, as a document portrait."""
    rgb = decode_image(GRACE.read_bytes()).rgb
    small = cv2.resize(rgb, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    return _png(np.ascontiguousarray(np.repeat(cv2.cvtColor(small, cv2.COLOR_RGB2GRAY)[:, :, None], 3, 2)))


def _request(reference: bytes, probe: bytes, kind=pb.REFERENCE_KIND_PORTRAIT) -> pb.CompareFacesRequest:
    return pb.CompareFacesRequest(reference=pb.Image(content=reference), probe=pb.Image(content=probe), reference_kind=kind)


def _serving(channel) -> bool:
    health = health_pb2_grpc.HealthStub(channel)
    return health.Check(health_pb2.HealthCheckRequest(service=""), timeout=5).status == health_pb2.HealthCheckResponse.SERVING


def test_match_through_the_server(stub, grace, portrait):
    response = stub.CompareFaces(_request(portrait, grace), timeout=60)
    assert response.decision == pb.FACE_DECISION_MATCH
    assert response.has_distance and response.distance < 0.3
    assert response.reference.faces[0].selected and response.probe.faces[0].selected
    stages = {t.stage for t in response.timings}
    assert {"reference.decode", "probe.encode", "decide", "worker_queue"} <= stages


def test_no_face_through_the_server_without_a_deadline(stub, grace):
    blank = _png(np.full((300, 400, 3), 180, np.uint8))
    response = stub.CompareFaces(_request(grace, blank))
    assert response.decision == pb.FACE_DECISION_INCONCLUSIVE
    assert "NO_FACE" in [r.code for r in response.reasons]


@pytest.mark.parametrize(
    ("probe", "reason"),
    [
        (b"", "IMAGE_EMPTY"),
        (b"GIF89a? no: plain text pretending", "UNSUPPORTED_FORMAT"),
        (b"%PDF-1.7\n" + b"x" * 2000, "UNSUPPORTED_FORMAT"),
        (GRACE.read_bytes()[:3000], "IMAGE_UNREADABLE"),
        (b"\xff\xd8\xff\xe0" + os.urandom(3000), "IMAGE_UNREADABLE"),
        (_bomb(), "IMAGE_TOO_LARGE"),
        (_png(np.zeros((10, 10, 3), np.uint8)), "IMAGE_TOO_SMALL"),
    ],
)
def test_bad_images_are_invalid_argument_and_the_server_stays_serving(server, stub, grace, probe, reason):
    with pytest.raises(grpc.RpcError) as info:
        stub.CompareFaces(_request(grace, probe), timeout=60)
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert error_reason(info.value) == reason
    assert _serving(server[1])


def test_short_deadline_is_deadline_exceeded(server, stub, grace, portrait):
    with pytest.raises(grpc.RpcError) as info:
        stub.CompareFaces(_request(portrait, grace), timeout=0.02)
    assert info.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
    assert _serving(server[1])


def test_missing_probe_is_invalid_argument(stub, grace):
    with pytest.raises(grpc.RpcError) as info:
        stub.CompareFaces(pb.CompareFacesRequest(reference=pb.Image(content=grace)), timeout=10)
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert error_reason(info.value) == "MISSING_FIELD"


def test_killed_worker_gives_unavailable_then_recovers(server, stub, grace, portrait):
    deps, channel = server
    pids = deps.workers.worker_pids()
    assert len(pids) == 2
    os.kill(pids[0], signal.SIGKILL)
    time.sleep(0.5)  # let the executor notice the dead process
    codes = []
    for _ in range(3):
        try:
            stub.CompareFaces(_request(portrait, grace), timeout=60)
            codes.append(grpc.StatusCode.OK)
        except grpc.RpcError as exc:
            codes.append(exc.code())
            assert exc.code() == grpc.StatusCode.UNAVAILABLE
            assert error_reason(exc) == "WORKER_CRASHED"
    # at most one call sees the crash; the rebuilt pool answers the next ones
    assert codes[-1] == grpc.StatusCode.OK and codes.count(grpc.StatusCode.UNAVAILABLE) <= 1
    assert deps.workers.rebuilds >= 1
    assert f"idverify_worker_restarts_total {deps.workers.rebuilds:.1f}" in deps.metrics.render().decode()
    assert _serving(channel)


def test_in_process_service_matches_worker_results(server, grace, portrait):
    local = FaceService(FaceSettings(), ImageSettings())
    remote = server[0].faces
    a = local.compare(portrait, grace, pb.REFERENCE_KIND_PORTRAIT)
    b = remote.compare(portrait, grace, pb.REFERENCE_KIND_PORTRAIT, timeout=60)
    assert a.decision == b.decision and a.distance == pytest.approx(b.distance, abs=1e-9)


def test_unknown_reference_kind_is_invalid():
    service = FaceService.__new__(FaceService)
    with pytest.raises(InvalidInput):
        FaceService.compare(service, b"x", b"y", 99)
