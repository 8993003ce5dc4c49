"""Run ``idverify serve`` as a separate process for load and fault tests (not a test module)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
HASH_KEY = "fault-test-key-0123456789abcdef"
SEAL_KEY = "5ea1" * 16  # a 256-bit seal key: 64 hex characters


class ServerProcess:
    """``idverify serve`` on a given store (a SQLite path or a PostgreSQL URL), linker on, on
    ``port`` (0: a free one); ``.port`` once it serves."""

    def __init__(self, store: Path | str, *, env: dict[str, str] | None = None, port: int = 0) -> None:
        self.store = store
        self.env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "IDVERIFY_LINKER__ENABLED": "true",
                    "IDVERIFY_LINKER__HASH_KEY": HASH_KEY, "IDVERIFY_LINKER__SEAL_KEY": SEAL_KEY,
                    "IDVERIFY_METRICS__PORT": "0",
                    "IDVERIFY_SERVER__WORKER_PROCESSES": "1", **(env or {})}
        self.proc: subprocess.Popen | None = None
        self.port = port

    def start(self) -> ServerProcess:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "idverify.cli", "serve", "--port", str(self.port), "--db", str(self.store),
             "--log-level", "WARNING"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=self.env)
        line = self.proc.stdout.readline()
        if "serving on" not in line:
            self.stop()
            raise RuntimeError(f"the server did not start: {line!r}")
        self.port = int(line.rsplit(":", 1)[1])
        return self

    def metrics_port(self) -> int:
        """The Prometheus port (the line ``serve`` prints after ``serving on``; metrics on)."""
        if not getattr(self, "_metrics_port", 0):
            line = self.proc.stdout.readline()
            if "metrics on" not in line:
                raise RuntimeError(f"the server printed no metrics port: {line!r}")
            self._metrics_port = int(line.rsplit(":", 1)[1])
        return self._metrics_port

    def rss_bytes(self) -> int:
        """Resident memory of the server and its worker processes, in bytes."""
        pids = [self.proc.pid]
        children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        if children.exists():
            pids += [int(p) for p in children.read_text().split()]
        total = 0
        for pid in pids:
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
            except OSError:
                pass
        return total

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs."""
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(30)
        self._close()

    def stop(self) -> None:
        """SIGTERM and wait."""
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(30)
        self._close()

    def _close(self) -> None:
        if self.proc and self.proc.stdout:
            self.proc.stdout.close()
