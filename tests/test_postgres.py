"""Tests for tests/postgres.py: when a PostgreSQL that cannot start skips the tests, and when it fails them."""

from __future__ import annotations

import subprocess

import pytest

from tests import postgres
from tests.postgres import in_ci, skip_or_fail


def test_locally_a_missing_server_skips_with_the_reason() -> None:
    with pytest.raises(pytest.skip.Exception, match="initdb failed"):
        skip_or_fail(False, "initdb failed")


def test_in_ci_a_missing_server_fails_the_run_with_the_reason() -> None:
    with pytest.raises(pytest.fail.Exception, match="CI=true: initdb failed"):
        skip_or_fail(True, "initdb failed")


@pytest.mark.parametrize(
    ("environ", "ci"),
    [({"CI": "true"}, True), ({"CI": "TRUE"}, True), ({"CI": "1"}, True), ({"CI": "false"}, False),
     ({"CI": ""}, False), ({}, False)],
)  # fmt: skip
def test_in_ci_reads_the_ci_variable(environ: dict[str, str], ci: bool) -> None:
    assert in_ci(environ) is ci


def test_missing_binaries_fail_under_ci_and_skip_locally(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(postgres, "find_bin_dir", lambda: None)
    with pytest.raises(pytest.fail.Exception, match="binaries not found"):
        postgres.start_or_skip(ci=True)
    with pytest.raises(pytest.skip.Exception, match="binaries not found"):
        postgres.start_or_skip(ci=False)


def test_a_server_that_does_not_start_fails_under_ci(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    """The case the old fixture skipped in CI too: binaries present, server broken."""

    def broken_start(self: postgres.ThrowawayPostgres) -> None:
        raise subprocess.CalledProcessError(1, ["initdb"], stderr=b"initdb: could not create directory")

    monkeypatch.setattr(postgres, "find_bin_dir", lambda: tmp_path)
    monkeypatch.setattr(postgres.ThrowawayPostgres, "__init__", lambda self, bin_dir: None)
    monkeypatch.setattr(postgres.ThrowawayPostgres, "start", broken_start)
    monkeypatch.setattr(postgres.ThrowawayPostgres, "stop", lambda self: None)
    with pytest.raises(pytest.fail.Exception, match="could not start a throwaway PostgreSQL"):
        postgres.start_or_skip(ci=True)
    with pytest.raises(pytest.skip.Exception, match="could not start a throwaway PostgreSQL"):
        postgres.start_or_skip(ci=False)


def test_extra_server_settings_are_name_value_pairs_only():
    # They go into pg_ctl's option string: nothing else may ride along.
    assert postgres._setting("shared_buffers=4GB") == "shared_buffers=4GB"
    for bad in ("shared_buffers", "shared_buffers=4GB -c fsync=on", "x=1;y", "=1"):
        with pytest.raises(ValueError, match="NAME=VALUE"):
            postgres._setting(bad)
