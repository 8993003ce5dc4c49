"""Prometheus metrics: calls by method and status, decisions and reasons, over HTTP."""

from __future__ import annotations

import urllib.request

import grpc
import pytest

from idverify.config import Config, ServerSettings
from idverify.app.dependencies import Dependencies
from idverify.metrics import Metrics, MetricsSettings
from idverify.v1 import verification_service_pb2 as pb


def test_observe_call_counts_decisions_and_reasons():
    metrics = Metrics()
    response = pb.CompareFacesResponse(decision=pb.FACE_DECISION_NO_MATCH,
                                       reasons=[pb.Reason(code="FACE_MISMATCH")])
    metrics.observe_call("/idverify.v1.VerificationService/CompareFaces", "OK", 0.2, response)
    text = metrics.render().decode()
    assert 'idverify_requests_total{code="OK",method="CompareFaces"} 1.0' in text
    assert 'idverify_decisions_total{decision="FACE_DECISION_NO_MATCH",method="CompareFaces"} 1.0' in text
    assert 'idverify_reasons_total{method="CompareFaces",reason="FACE_MISMATCH"} 1.0' in text


def test_metrics_endpoint_counts_real_calls(start_server):
    deps = Dependencies(config=Config(server=ServerSettings(port=0)))
    channel, _ = start_server(deps)
    call = channel.unary_unary("/idverify.v1.VerificationService/VerifyIdentity")
    for _ in range(2):
        with pytest.raises(grpc.RpcError):
            call(b"\xff", timeout=5)
    port = deps.metrics.serve(MetricsSettings(port=0))
    try:
        body = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()
    finally:
        deps.metrics.close()
    assert 'idverify_requests_total{code="INVALID_ARGUMENT",method="VerifyIdentity"} 2.0' in body
    assert 'idverify_request_seconds_count{method="VerifyIdentity"} 2.0' in body
