"""ReadDocument through a real gRPC server on port 0."""

import io
from concurrent.futures import ThreadPoolExecutor

import grpc
import numpy as np
import pytest
from PIL import Image

from idverify.client import error_reason
from idverify.config import Config, ServerSettings, StoreSettings
from idverify.docgen import generate_document
from idverify.documents import DocumentSettings
from idverify.documents.service import DocumentService
from idverify.workers import WorkerPool
from idverify.app.dependencies import Dependencies
from idverify.v1 import verification_service_pb2 as pb
from idverify.v1 import verification_service_pb2_grpc as pb_grpc


@pytest.fixture
def stub(start_server, tmp_path):
    config = Config(server=ServerSettings(port=0), store=StoreSettings(url=str(tmp_path / "s.sqlite3")),
                    documents=DocumentSettings(viz="fallback"))
    deps = Dependencies(config=config)
    deps.documents = DocumentService(config.documents)
    deps.closers.append(deps.documents.close)
    channel, _ = start_server(deps)
    return pb_grpc.VerificationServiceStub(channel)


@pytest.mark.slow
def test_concurrent_reads_in_worker_processes(start_server, tmp_path):
    """Several ReadDocument calls at once (the portrait detector is not thread-safe)."""
    config = Config(server=ServerSettings(port=0), store=StoreSettings(url=str(tmp_path / "s.sqlite3")))
    pool = WorkerPool(2, initializers=[DocumentService.initializer(config.documents)])
    deps = Dependencies(config=config, workers=pool, documents=DocumentService(config.documents, pool))
    deps.closers.append(pool.close)
    channel, _ = start_server(deps)
    stub = pb_grpc.VerificationServiceStub(channel)
    docs = [generate_document(60 + i, kind="td1" if i % 2 else "td3", level="clean") for i in range(4)]
    with ThreadPoolExecutor(4) as threads:
        replies = list(threads.map(lambda g: stub.ReadDocument(
            pb.ReadDocumentRequest(images=[pb.Image(content=img) for img in g.images]), timeout=120), docs))
    assert [r.document.document_number for r in replies] == [g.truth.document_number for g in docs]


@pytest.mark.slow
def test_generated_passport_through_the_rpc(stub):
    g = generate_document(41, kind="td3", level="mild")
    resp = stub.ReadDocument(pb.ReadDocumentRequest(images=[pb.Image(content=g.images[0], label="front")]), timeout=60)
    assert resp.document.document_number == g.truth.document_number
    assert resp.document.mrz_format == pb.MRZ_FORMAT_TD3 and resp.mrz_score >= 90
    assert resp.portrait_image_index == 0 and resp.portrait_png


def test_non_document_image_gives_a_reason(stub):
    buf = io.BytesIO()
    Image.fromarray(np.full((300, 400, 3), 90, np.uint8)).save(buf, format="PNG")
    resp = stub.ReadDocument(pb.ReadDocumentRequest(images=[pb.Image(content=buf.getvalue())]), timeout=60)
    assert [r.code for r in resp.reasons] == ["DOCUMENT_NOT_FOUND"]
    assert resp.reasons[0].source == "document"


def test_no_images_is_invalid_argument(stub):
    with pytest.raises(grpc.RpcError) as info:
        stub.ReadDocument(pb.ReadDocumentRequest(), timeout=30)
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert error_reason(info.value) == "MISSING_FIELD"


def test_garbage_image_is_invalid_argument(stub):
    with pytest.raises(grpc.RpcError) as info:
        stub.ReadDocument(pb.ReadDocumentRequest(images=[pb.Image(content=b"garbage")]), timeout=30)
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert error_reason(info.value) == "UNSUPPORTED_FORMAT"


def test_server_without_document_reader_is_unavailable(start_server):
    channel, _ = start_server()
    with pytest.raises(grpc.RpcError) as info:
        pb_grpc.VerificationServiceStub(channel).ReadDocument(pb.ReadDocumentRequest(images=[pb.Image(content=b"x")]), timeout=30)
    assert info.value.code() == grpc.StatusCode.UNAVAILABLE
