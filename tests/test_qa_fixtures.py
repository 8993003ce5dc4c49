"""The project's own suite (fixtures/) as one pytest test per case, on the real server
started in-process on port 0, exactly as ``idverify qa run fixtures/`` runs it.

A wrong decision, a missing reason, a wrong field or an error status fails the test with the
runner's messages.
"""

from __future__ import annotations

from pathlib import Path

import grpc
import pytest

from idverify.qa.runner import local_server, new_run_token, run_one
from idverify.qa.suite import load_suite

REPO_ROOT = Path(__file__).resolve().parent.parent
SUITE = load_suite(REPO_ROOT / "fixtures")

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
    assert result.passed, f"{case.id} ({case.rpc}) {result.status}:\n  " + "\n  ".join(result.failures)
