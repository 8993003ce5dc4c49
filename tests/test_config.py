"""Configuration: TOML file, environment and flags, validated once."""

from __future__ import annotations

import pytest

from idverify.config import Config, load_config
from idverify.errors import ConfigError


def test_defaults_without_sources():
    config = load_config(environ={})
    assert config == Config()
    assert config.server.port == 50051
    assert config.server.max_message_bytes == 16 * 1024 * 1024
    assert config.store.resolved().endswith("idverify.sqlite3")


def test_file_then_environment_then_flags(tmp_path):
    path = tmp_path / "idverify.toml"
    path.write_text('[server]\nport = 6000\nhost = "0.0.0.0"\n[store]\nurl = "/var/lib/x.sqlite3"\n')
    env = {"IDVERIFY_SERVER__PORT": "7000", "IDVERIFY_SERVER__GRACE_SECONDS": "2.5"}
    config = load_config(path, overrides={"server": {"port": 8000, "host": None}}, environ=env)
    assert config.server.port == 8000
    assert config.server.host == "0.0.0.0"
    assert config.server.grace_seconds == 2.5
    assert config.store.url == "/var/lib/x.sqlite3"


@pytest.mark.parametrize(
    ("toml", "reason", "needle"),
    [
        ("[server]\nprot = 1\n", "CONFIG_UNKNOWN_KEY", "server.prot"),
        ("[server]\nport = 'x'\n", "CONFIG_TYPE", "server.port"),
        ("[server]\nport = 70000\n", "CONFIG_VALUE", "server.port"),
        ("[server]\nmax_message_bytes = 10\n", "CONFIG_VALUE", "max_message_bytes"),
        ("[server]\nworker_nice = 20\n", "CONFIG_VALUE", "server.worker_nice"),
        ("[nosuch]\na = 1\n", "CONFIG_UNKNOWN_KEY", "nosuch"),
        ("server = 3\n", "CONFIG_TYPE", "server"),
        ("[server\n", "CONFIG_SYNTAX", "TOML"),
        ("[reverify]\nearlier_selfies = -1\n", "CONFIG_VALUE", "reverify.earlier_selfies"),
    ],
)
def test_invalid_configuration_names_the_key(tmp_path, toml, reason, needle):
    path = tmp_path / "bad.toml"
    path.write_text(toml)
    with pytest.raises(ConfigError) as info:
        load_config(path, environ={})
    assert info.value.reason == reason
    assert needle in info.value.message


def test_missing_file_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path / "absent.toml", environ={})
    assert info.value.reason == "CONFIG_UNREADABLE"
