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
    method = "idverify.v1.VerificationService/CompareFaces"
    assert f'idverify_requests_total{{code="OK",method="{method}"}} 1.0' in text
    assert f'idverify_decisions_total{{decision="FACE_DECISION_NO_MATCH",method="{method}"}} 1.0' in text
    assert f'idverify_reasons_total{{method="{method}",reason="FACE_MISMATCH"}} 1.0' in text


def test_method_labels_carry_the_service():
    metrics = Metrics()
    metrics.observe_call("/grpc.health.v1.Health/Check", "OK", 0.001)
    metrics.observe_call("/linker.v1.LinkingService/CheckAccount", "OK", 0.01)
    text = metrics.render().decode()
    assert 'idverify_requests_total{code="OK",method="grpc.health.v1.Health/Check"} 1.0' in text
    assert 'idverify_requests_total{code="OK",method="linker.v1.LinkingService/CheckAccount"} 1.0' in text


def test_stage_timings_become_stage_histograms_without_the_total():
    metrics = Metrics()
    response = pb.VerifyIdentityResponse(timings=[pb.StageTiming(stage="document.mrz", milliseconds=120.0),
                                                  pb.StageTiming(stage="face.probe.detect", milliseconds=40.0),
                                                  pb.StageTiming(stage="total", milliseconds=400.0)])
    metrics.observe_call("/idverify.v1.VerificationService/VerifyIdentity", "OK", 0.4, response)
    text = metrics.render().decode()
    method = "idverify.v1.VerificationService/VerifyIdentity"
    assert f'idverify_stage_seconds_sum{{method="{method}",stage="document.mrz"}} 0.12' in text
    assert f'idverify_stage_seconds_count{{method="{method}",stage="face.probe.detect"}} 1.0' in text
    assert 'stage="total"' not in text


def test_signup_steps_and_its_verification_stages_are_both_observed():
    metrics = Metrics()
    response = pb.SignupResponse(
        timings=[pb.StageTiming(stage="verify", milliseconds=900.0), pb.StageTiming(stage="link", milliseconds=20.0)],
        verification=pb.VerifyIdentityResponse(timings=[pb.StageTiming(stage="document.mrz", milliseconds=300.0),
                                                        pb.StageTiming(stage="total", milliseconds=900.0)]))
    metrics.observe_call("/idverify.v1.VerificationService/Signup", "OK", 1.0, response)
    text = metrics.render().decode()
    method = "idverify.v1.VerificationService/Signup"
    for stage in ("verify", "link", "verify.document.mrz"):
        assert f'idverify_stage_seconds_count{{method="{method}",stage="{stage}"}} 1.0' in text
    assert 'stage="verify.total"' not in text


def test_failed_calls_are_counted_by_reason():
    metrics = Metrics()
    metrics.observe_call("/idverify.v1.VerificationService/CompareFaces", "INVALID_ARGUMENT", 0.01,
                         reason="IMAGE_UNREADABLE")
    text = metrics.render().decode()
    assert ('idverify_failed_calls_total{code="INVALID_ARGUMENT",method="idverify.v1.VerificationService/'
            'CompareFaces",reason="IMAGE_UNREADABLE"} 1.0') in text


def test_process_build_and_sampled_metrics():
    metrics = Metrics()
    metrics.set_build("1.2.3", "dlib_resnet_v1/0.5-0.6/abc", "policy-7")
    restarts = [0]
    metrics.watch(worker_restarts=lambda: restarts[0], face_index_size=lambda: 42,
                  reverify_due=lambda: {"REQUESTED": 2, "PERIODIC": 0})
    restarts[0] = 3
    text = metrics.render().decode()
    assert "process_resident_memory_bytes" in text and "process_cpu_seconds_total" in text
    assert ('idverify_build_info{model="dlib_resnet_v1/0.5-0.6/abc",policy_version="policy-7",version="1.2.3"} 1.0'
            in text)
    assert "idverify_worker_restarts_total 3.0" in text
    assert "idverify_face_index_size 42.0" in text
    assert 'idverify_reverify_due{reason="REQUESTED"} 2.0' in text


def test_a_failing_sample_does_not_fail_the_scrape():
    metrics = Metrics()

    def broken() -> int:
        raise RuntimeError("store down")

    metrics.watch(face_index_size=broken)
    assert "idverify_face_index_size" in metrics.render().decode()


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
    method = "idverify.v1.VerificationService/VerifyIdentity"
    assert f'idverify_requests_total{{code="INVALID_ARGUMENT",method="{method}"}} 2.0' in body
    assert f'idverify_request_seconds_count{{method="{method}"}} 2.0' in body
    assert (f'idverify_failed_calls_total{{code="INVALID_ARGUMENT",method="{method}",reason="MALFORMED_REQUEST"}} 2.0'
            in body)
