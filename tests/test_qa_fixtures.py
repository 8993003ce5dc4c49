"""The project's own suite (fixtures/) as one pytest test per case, on the real server
started in-process on port 0, exactly as ``idverify qa run fixtures/`` runs it.

Until the engines are merged into main, the RPCs they serve answer UNIMPLEMENTED: those cases
are SKIPPED with that reason (set IDVERIFY_QA_STRICT=1 to make them fail instead, e.g. in CI
after the merge). Every other outcome is real: a wrong decision, a missing reason or a wrong
field fails the test with the runner's messages.
"""

from __future__ import annotations

import os
from pathlib import Path

import grpc
import pytest

from idverify.qa.runner import local_server, new_run_token, run_one
from idverify.qa.suite import load_suite

REPO_ROOT = Path(__file__).resolve().parent.parent
SUITE = load_suite(REPO_ROOT / "fixtures")
STRICT = os.environ.get("IDVERIFY_QA_STRICT", "") not in ("", "0")

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def channel():
    with local_server() as target:
        channel = grpc.insecure_channel(target, options=[("grpc.max_send_message_length", 64 * 1024 * 1024),
                                                         ("grpc.max_receive_message_length", 64 * 1024 * 1024)])
        try:
            yield channel
        finally:
            channel.close()


@pytest.fixture(scope="module")
def token() -> str:
    return new_run_token()


@pytest.mark.parametrize("case", SUITE.cases, ids=[c.id for c in SUITE.cases])
def test_fixture_case(case, channel, token):
    result = run_one(channel, case, token, timeout=120)
    error = result.observation.get("error") or {}
    if error.get("code") == "UNIMPLEMENTED" and not STRICT:
        pytest.skip(f"{case.rpc if case.rpc != 'LinkingScenario' else 'LinkingService'} is not implemented by this "
                    "build (UNIMPLEMENTED): it becomes a real test once the engines are merged into main")
    assert result.passed, f"{case.id} ({case.rpc}) {result.status}:\n  " + "\n  ".join(result.failures)
