"""Issue 9: a corpus of 250+ broken and hostile requests against the live server.

Each case gets a specific status code (never INTERNAL or UNKNOWN) with an ErrorInfo reason for
refusals, and the server answers SERVING after every case.
"""

from __future__ import annotations

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from idverify.app import Application
from idverify.client import error_reason
from badinput import corpus

CASES = corpus()


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """The real server with every engine and the linker on, in this process, on port 0."""
    from idverify.config import load_config
    from idverify.server.app import create_server
    from idverify.app.dependencies import build_dependencies

    store = tmp_path_factory.mktemp("bad-input") / "store.sqlite3"
    config = load_config(overrides={"server": {"port": 0}, "store": {"url": str(store)},
                                    "linker": {"enabled": True, "hash_key": "bad-input-test-key-0123456789",
                                               "seal_key": "5ea1" * 16}},
                         environ={})
    deps = build_dependencies(config)
    running, port = create_server(config, Application(deps))
    running.start()
    channel = grpc.insecure_channel(f"127.0.0.1:{port}", options=[("grpc.max_send_message_length", 64 << 20)])
    yield channel
    channel.close()
    running.stop(0).wait()
    deps.close()


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=[c.case_id for c in CASES])
def test_bad_input_gets_a_specific_status(live, case):
    channel = live
    call = channel.unary_unary(case.method)
    try:
        call(case.request, timeout=60)
        code, reason = "OK", None
    except grpc.RpcError as exc:
        code, reason = exc.code().name, error_reason(exc)
    assert code in case.allowed, f"{case.case_id}: got {code} ({reason})"
    if code != "OK" and case.reasons:
        assert reason is not None and reason.startswith(case.reasons), f"{case.case_id}: reason {reason}"
    status = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=10).status
    assert status == health_pb2.HealthCheckResponse.SERVING
