"""The error interceptor: each exception kind becomes its status with an ErrorInfo reason."""

from __future__ import annotations

from concurrent import futures

import grpc
import pytest

from idverify.client import error_reason
from idverify.errors import ImageRejected, NotFound, ResourceExhausted
from idverify.server.interceptors import ErrorInterceptor
from idverify.v1 import verification_service_pb2 as pb
from idverify.v1 import verification_service_pb2_grpc as pb_grpc


class _Raising(pb_grpc.VerificationServiceServicer):
    """Raises what the request's probe label names; ReadDocument is left unbuilt."""

    def CompareFaces(self, request, context):
        kind = request.probe.label
        if kind == "image":
            raise ImageRejected("the probe is not an image", reason="UNSUPPORTED_FORMAT")
        if kind == "missing":
            raise NotFound("no such account", reason="ACCOUNT_NOT_FOUND")
        if kind == "busy":
            raise ResourceExhausted("queue full", reason="QUEUE_FULL")
        if kind == "bug":
            raise KeyError("secret internal detail")
        return pb.CompareFacesResponse(decision=pb.FACE_DECISION_MATCH, distance=0.3, has_distance=True)


@pytest.fixture(scope="module")
def stub():
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2), interceptors=[ErrorInterceptor()])
    pb_grpc.add_VerificationServiceServicer_to_server(_Raising(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    channel = grpc.insecure_channel(f"127.0.0.1:{port}")
    yield pb_grpc.VerificationServiceStub(channel)
    channel.close()
    server.stop(0)


@pytest.mark.parametrize(
    ("label", "code", "reason"),
    [
        ("image", grpc.StatusCode.INVALID_ARGUMENT, "UNSUPPORTED_FORMAT"),
        ("missing", grpc.StatusCode.NOT_FOUND, "ACCOUNT_NOT_FOUND"),
        ("busy", grpc.StatusCode.RESOURCE_EXHAUSTED, "QUEUE_FULL"),
        ("bug", grpc.StatusCode.INTERNAL, "INTERNAL"),
    ],
)
def test_exception_maps_to_status_and_reason(stub, label, code, reason):
    with pytest.raises(grpc.RpcError) as info:
        stub.CompareFaces(pb.CompareFacesRequest(probe=pb.Image(label=label)), timeout=5)
    assert info.value.code() == code
    assert error_reason(info.value) == reason


def test_internal_error_leaks_nothing_and_gives_request_id(stub):
    with pytest.raises(grpc.RpcError) as info:
        stub.CompareFaces(pb.CompareFacesRequest(probe=pb.Image(label="bug")), timeout=5,
                          metadata=(("x-request-id", "req-123"),))
    assert "secret" not in info.value.details()
    assert "KeyError" not in info.value.details()
    assert "req-123" in info.value.details()


def test_unbuilt_rpc_is_unimplemented_with_reason(stub):
    with pytest.raises(grpc.RpcError) as info:
        stub.ReadDocument(pb.ReadDocumentRequest(), timeout=5)
    assert info.value.code() == grpc.StatusCode.UNIMPLEMENTED
    assert error_reason(info.value) == "NOT_IMPLEMENTED"


def test_success_passes_through(stub):
    response = stub.CompareFaces(pb.CompareFacesRequest(probe=pb.Image(label="ok")), timeout=5)
    assert response.decision == pb.FACE_DECISION_MATCH
