"""The real server: health, reflection, error mapping, size limit, graceful SIGTERM shutdown."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from idverify.cli.exit_codes import ExitCode
from idverify.client import error_reason
from idverify.v1 import verification_service_pb2 as pb

REPO_ROOT = Path(__file__).resolve().parent.parent


def _health(channel: grpc.Channel, service: str = "") -> int:
    stub = health_pb2_grpc.HealthStub(channel)
    return stub.Check(health_pb2.HealthCheckRequest(service=service), timeout=5).status


def test_health_is_serving_for_server_and_every_service(start_server, tmp_path):
    from idverify.app.dependencies import Dependencies
    from idverify.config import Config, ServerSettings, StoreSettings
    from linker.engine import Linker
    from linker.settings import LinkerSettings

    settings = LinkerSettings(enabled=True, hash_key="00112233445566778899aabbccddeeff",
                              seal_key="ffeeddccbbaa9988" * 4)
    config = Config(server=ServerSettings(port=0), store=StoreSettings(url=str(tmp_path / "s.sqlite3")),
                    linker=settings)
    deps = Dependencies(config=config, linker=Linker.open(settings, str(tmp_path / "s.sqlite3")))
    deps.closers.append(deps.linker.close)
    channel, _ = start_server(deps)
    for service in ("", "idverify.v1.VerificationService", "linker.v1.LinkingService",
                    "idverify.screening.v1.ScreeningService"):
        assert _health(channel, service) == health_pb2.HealthCheckResponse.SERVING


def test_a_disabled_linker_is_not_serving_and_says_why(start_server, caplog):
    channel, _ = start_server()  # no [linker] configured
    with caplog.at_level("WARNING", logger="idverify.server.app"):
        assert _health(channel, "linker.v1.LinkingService") == health_pb2.HealthCheckResponse.NOT_SERVING
    # The overall status follows the configured services: the linker is not one of them.
    assert _health(channel, "") == health_pb2.HealthCheckResponse.SERVING
    assert _health(channel, "idverify.v1.VerificationService") == health_pb2.HealthCheckResponse.SERVING


def test_a_taken_metrics_port_is_one_line_and_its_exit_code(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "idverify.cli", "serve", "--port", "0", "--metrics-port", str(port),
             "--db", str(tmp_path / "s.sqlite3"), "--log-level", "WARNING"],
            capture_output=True, text=True, timeout=60, env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
        )
    assert result.returncode == ExitCode.CANNOT_LISTEN == 3
    assert result.stderr.strip().splitlines() == [
        f"idverify: cannot start: cannot listen on 127.0.0.1:{port} for metrics: Address already in use "
        "(set --metrics-port or metrics.port, 0 for a free port)"]


def test_a_taken_grpc_port_is_one_line_and_its_exit_code(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "idverify.cli", "serve", "--port", str(port), "--no-metrics",
             "--db", str(tmp_path / "s.sqlite3")],
            capture_output=True, text=True, timeout=60, env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
        )
    assert result.returncode == ExitCode.CANNOT_LISTEN
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1] == (
        f"idverify: cannot start: cannot listen on 127.0.0.1:{port}: Address already in use (set --port or server.port)")


@pytest.mark.parametrize("flags", [["--config"], ["--policy"], ["--keys-file"], ["--tls-key", "--tls-cert"]])
def test_an_unreadable_file_at_start_up_is_one_line_and_no_input(tmp_path, flags):
    missing = tmp_path / "absent.toml"
    result = subprocess.run(
        [sys.executable, "-m", "idverify.cli", "serve", "--port", "0", "--no-metrics",
         *[arg for flag in flags for arg in (flag, str(missing))],
         "--db", str(tmp_path / "s.sqlite3"), "--worker-processes", "1", "--log-level", "ERROR"],
        capture_output=True, text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
    )
    assert result.returncode == ExitCode.NO_INPUT
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr
    assert lines[0].startswith("idverify: cannot start: cannot read") and str(missing) in lines[0]


def test_a_bad_setting_from_the_environment_is_a_usage_error(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "idverify.cli", "serve", "--db", str(tmp_path / "s.sqlite3")],
        capture_output=True, text=True, timeout=60,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT), "IDVERIFY_SERVER__THREADS": "0"},
    )
    assert result.returncode == ExitCode.USAGE
    assert result.stderr.strip().splitlines() == ["idverify: configuration error: server.threads must be >= 1"]


def test_reflection_lists_both_services(start_server):
    channel, _ = start_server()
    stub = reflection_pb2_grpc.ServerReflectionStub(channel)
    request = reflection_pb2.ServerReflectionRequest(list_services="")
    response = next(stub.ServerReflectionInfo(iter([request]), timeout=5))
    names = {s.name for s in response.list_services_response.service}
    assert {"idverify.v1.VerificationService", "linker.v1.LinkingService",
            "grpc.health.v1.Health"} <= names


def test_unknown_method_is_unimplemented(start_server):
    channel, _ = start_server()
    call = channel.unary_unary("/idverify.v1.VerificationService/NoSuchMethod")
    with pytest.raises(grpc.RpcError) as info:
        call(b"", timeout=5)
    assert info.value.code() == grpc.StatusCode.UNIMPLEMENTED


def test_malformed_request_is_invalid_argument_with_reason(start_server):
    channel, _ = start_server()
    call = channel.unary_unary("/idverify.v1.VerificationService/VerifyIdentity")
    with pytest.raises(grpc.RpcError) as info:
        call(b"\xff\xff\xff\xff", timeout=5)  # not a protobuf message
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert error_reason(info.value) == "MALFORMED_REQUEST"
    assert _health(channel) == health_pb2.HealthCheckResponse.SERVING


def test_oversize_message_is_resource_exhausted(start_server):
    channel, _ = start_server(max_message_bytes=64 * 1024)
    call = channel.unary_unary(
        "/idverify.v1.VerificationService/CompareFaces",
        request_serializer=pb.CompareFacesRequest.SerializeToString,
        response_deserializer=pb.CompareFacesResponse.FromString,
    )
    request = pb.CompareFacesRequest(reference=pb.Image(content=b"\0" * 100_000))
    with pytest.raises(grpc.RpcError) as info:
        call(request, timeout=5)
    assert info.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert _health(channel) == health_pb2.HealthCheckResponse.SERVING


def test_sigterm_shuts_down_cleanly_and_start_up_says_why_the_linker_is_off(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "IDVERIFY_SERVER__GRACE_SECONDS": "2",
           "IDVERIFY_METRICS__PORT": "0", "IDVERIFY_SERVER__WORKER_PROCESSES": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "idverify.cli", "serve", "--port", "0", "--db", str(tmp_path / "s.sqlite3")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=tmp_path,
    )
    try:
        line = proc.stdout.readline()
        assert "serving on" in line, proc.stderr.read() if proc.poll() is not None else line
        port = int(line.rsplit(":", 1)[1])
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            assert _health(channel) == health_pb2.HealthCheckResponse.SERVING
            assert _health(channel, "linker.v1.LinkingService") == health_pb2.HealthCheckResponse.NOT_SERVING
        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0
        assert time.monotonic() - started < 15
        stderr = proc.stderr.read()
        assert "Traceback" not in stderr
        logged = [json.loads(x) for x in stderr.splitlines() if x.startswith("{")]
        warning = next(r for r in logged if r["message"] == "service not serving")
        assert warning["service"] == "linker.v1.LinkingService"
        assert "LINKER_DISABLED" in warning["reason"]
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
        proc.stderr.close()


@pytest.mark.shared
def test_contract_checker_passes(start_server, shared_dir):
    _, port = start_server()
    result = subprocess.run(
        [sys.executable, str(shared_dir / "tools" / "check_contract.py"), f"127.0.0.1:{port}"],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "contract: holds" in result.stdout


@pytest.mark.parametrize("scheme", ["postgresql", "postgres"])
def test_the_start_up_log_never_shows_the_store_password(scheme):
    from idverify.config import Config, StoreSettings
    from idverify.server.app import _store_label

    label = _store_label(Config(store=StoreSettings(url=f"{scheme}://idv:s3cret-pw@db.internal:5432/idv")))
    assert "s3cret-pw" not in label
    assert label == f"{scheme}://idv:***@db.internal:5432/idv"
