"""A throwaway PostgreSQL server for tests, from Debian's postgresql package.

PostgreSQL refuses to run as root, so when the tests run as root the server runs as the
``postgres`` system user (``runuser``). Its data and socket directories live in a fresh temporary
directory, it listens on 127.0.0.1 on a free port with trust authentication, and
:meth:`ThrowawayPostgres.stop` removes everything. :func:`find_bin_dir` returns None when the
binaries are absent; :func:`skip_or_fail` then decides what the tests do: skip with the reason
on a developer's machine, fail under ``CI=true``, where a skipped backend would leave the run
green with half the store code untested.
"""

from __future__ import annotations

import glob
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import NoReturn

__all__ = ["ThrowawayPostgres", "find_bin_dir", "in_ci", "skip_or_fail", "start_or_skip"]


def in_ci(environ: Mapping[str, str] = os.environ) -> bool:
    """True when ``CI`` is set to a true value (GitHub Actions and GitLab set ``CI=true``)."""
    return environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def skip_or_fail(ci: bool, reason: str) -> NoReturn:
    """Skip the PostgreSQL tests with ``reason``, or, in CI, fail them with it.

    Locally a missing or broken PostgreSQL should not stop a developer running the rest; in CI
    the tests exist to prove both backends work, so a server that cannot start is a failure.
    """
    import pytest  # here, not at the top: the linker benchmark imports this module without pytest

    if ci:
        pytest.fail(f"PostgreSQL tests cannot run under CI=true: {reason}", pytrace=False)
    pytest.skip(f"{reason} (skipped locally; under CI=true this fails the run)")


def find_bin_dir() -> Path | None:
    """The newest ``/usr/lib/postgresql/<version>/bin`` with initdb and pg_ctl, or None."""
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        path = Path(candidate)
        if (path / "initdb").exists() and (path / "pg_ctl").exists():
            return path
    return None


def _setting(text: str) -> str:
    """A ``NAME=VALUE`` server setting, checked (it goes into pg_ctl's option string)."""
    if not re.fullmatch(r"[a-z_][a-z_.]*=[A-Za-z0-9_.]+", text):
        raise ValueError(f"a PostgreSQL setting is NAME=VALUE (letters, digits, _ and .), not {text!r}")
    return text


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ThrowawayPostgres:
    """Start with :meth:`start`, get databases with :meth:`new_database`, :meth:`stop` at the end."""

    def __init__(self, bin_dir: Path, settings: Sequence[str] = ()) -> None:
        """``settings``: extra server settings as ``NAME=VALUE`` (benchmarks: shared_buffers...)."""
        self.bin_dir = bin_dir
        self.settings = [_setting(s) for s in settings]
        self.root = Path(tempfile.mkdtemp(prefix="idverify-pg-"))
        self.data = self.root / "data"
        self.sockets = self.root / "sock"
        self.port = _free_port()
        self._as_user: list[str] = []
        if os.geteuid() == 0:
            user = pwd.getpwnam("postgres")
            os.chmod(self.root, 0o755)
            self.sockets.mkdir()
            os.chown(self.root, user.pw_uid, user.pw_gid)
            os.chown(self.sockets, user.pw_uid, user.pw_gid)
            self._as_user = ["runuser", "-u", "postgres", "--"]
        else:
            self.sockets.mkdir()

    def _run(self, *args: str) -> None:
        subprocess.run([*self._as_user, *args], check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        """initdb and start the server; waits until it accepts connections."""
        self._run(str(self.bin_dir / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust",
                  "--no-sync", "-E", "UTF8")
        self.resume()

    def url(self, dbname: str = "postgres") -> str:
        """A connection URL for a database on this server."""
        return f"postgresql://postgres@127.0.0.1:{self.port}/{dbname}"

    def new_database(self) -> str:
        """Create an empty database and return its URL."""
        import psycopg

        name = "t_" + uuid.uuid4().hex[:12]
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def pause(self) -> None:
        """Stop the server, keeping its data: an outage, until :meth:`resume`. A fast shutdown:
        the server runs with synchronous_commit off, so an immediate one could lose the last
        commits, and the outage under test is of the connection, not of the data."""
        self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def resume(self) -> None:
        """Start the paused server again on the same port and data."""
        options = f"-p {self.port} -k {self.sockets} -c listen_addresses=127.0.0.1 -c fsync=off " \
                  "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
                  + "".join(f" -c {s}" for s in self.settings)
        self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-o", options, "-w", "-t", "60",
                  "-l", str(self.root / "server.log"), "start")

    def save_data(self, dest: Path) -> None:
        """Copy the data directory to ``dest`` (which must not exist) with a clean shutdown
        before and a restart after: a snapshot that :meth:`from_data` starts again in seconds.
        Close every connection first (the shutdown ends them)."""
        self.pause()
        try:
            dest.parent.mkdir(parents=True, exist_ok=True)
            subprocess.run(["cp", "-a", str(self.data), str(dest)], check=True, timeout=3600)
        finally:
            self.resume()

    @classmethod
    def from_data(cls, bin_dir: Path, source: Path, settings: Sequence[str] = ()) -> ThrowawayPostgres:
        """A started server on a copy of the data directory ``source`` (from :meth:`save_data`);
        the copy is removed by :meth:`stop`, ``source`` stays as it was."""
        server = cls(bin_dir, settings)
        subprocess.run(["cp", "-a", str(source), str(server.data)], check=True, timeout=3600)
        server.resume()
        return server

    def stop(self) -> None:
        """Stop the server and remove its directory."""
        try:
            self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def start_or_skip(ci: bool) -> ThrowawayPostgres:
    """A started :class:`ThrowawayPostgres`; when there is none to start, :func:`skip_or_fail`."""
    bin_dir = find_bin_dir()
    if bin_dir is None:
        skip_or_fail(ci, "PostgreSQL binaries not found under /usr/lib/postgresql/*/bin (apt install postgresql)")
    server = ThrowawayPostgres(bin_dir)
    try:
        server.start()
    except Exception as exc:  # a broken install: say why, then skip (locally) or fail (CI)
        server.stop()
        skip_or_fail(ci, f"could not start a throwaway PostgreSQL: {exc}")
    return server
