"""Run a re-verification worker whose checks are slow, for the SIGKILL test (not a test module).

    python tests/reverify_crash_worker.py STORE NOW

Prints ``leased`` once it holds a batch, then checks slowly, so the test can kill it mid-batch.
"""

from __future__ import annotations

import sys
import time

from idverify.reverify.settings import ReverifySettings
from idverify.reverify.store import Result, open_reverify_store
from idverify.reverify.worker import Worker


class SlowChecker:
    def check(self, lease, due):
        print("leased", flush=True)
        time.sleep(30)
        return Result(decision=1, reasons=("OK",), document_expiry=None, declared=None, evidence=None)


if __name__ == "__main__":
    store = open_reverify_store(sys.argv[1])
    now = float(sys.argv[2])
    settings = ReverifySettings(batch_size=5, lease_seconds=60)
    Worker(store, SlowChecker(), settings, policy_version="p", model_version="m", name="doomed",
           clock=lambda: now).run_once()
