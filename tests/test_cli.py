"""The idverify command against a real server and an absent one."""

from __future__ import annotations

import json

import pytest

from idverify.cli import main
from idverify.cli.exit_codes import ExitCode


def test_health_against_a_running_server(start_server, capsys):
    _, port = start_server()
    assert main(["health", "--target", f"127.0.0.1:{port}", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"status": "SERVING"}


def test_unreachable_server_gives_clear_message_and_exit_code(capsys):
    code = main(["health", "--target", "127.0.0.1:1", "--timeout", "3"])
    assert code == ExitCode.UNAVAILABLE
    assert "cannot reach the idverify server at 127.0.0.1:1" in capsys.readouterr().err


def test_missing_image_file_is_a_usage_error(start_server, tmp_path, capsys):
    _, port = start_server()
    code = main(["compare", str(tmp_path / "a.jpg"), str(tmp_path / "b.jpg"), "--target", f"127.0.0.1:{port}"])
    assert code == ExitCode.USAGE
    assert "cannot read" in capsys.readouterr().err


def test_serve_with_invalid_config_exits_with_usage_code(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text("[server]\nport = -1\n")
    assert main(["serve", "--config", str(bad)]) == ExitCode.USAGE
    assert "server.port" in capsys.readouterr().err


def test_unknown_command_is_rejected():
    with pytest.raises(SystemExit) as info:
        main(["nope"])
    assert info.value.code == 2
