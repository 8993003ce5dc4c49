"""The screening use cases: input checks with reasons, the configuration's settings, and the
``idverify screen`` command over a text file."""

from __future__ import annotations

import json

import pytest

from idverify.app import Dependencies, Screening
from idverify.cli import main
from idverify.config import Config
from idverify.errors import InvalidInput
from idverify.screening import ScreeningSettings


@pytest.fixture(scope="module")
def screening():
    return Screening(Dependencies(config=Config(screening=ScreeningSettings(max_text_chars=200))))


@pytest.mark.parametrize("call,reason", [
    (lambda s: s.message(""), "TEXT_MISSING"),
    (lambda s: s.message("x" * 201), "TEXT_TOO_LONG"),
    (lambda s: s.profile("", " "), "TEXT_MISSING"),
    (lambda s: s.profile("t", "d", ["s" * 201]), "TEXT_TOO_LONG"),
])
def test_refusals_carry_a_reason(screening, call, reason):
    with pytest.raises(InvalidInput) as info:
        call(screening)
    assert info.value.reason == reason


def test_screener_is_built_once_from_the_configuration(screening):
    assert screening.screener is screening.screener
    assert screening.message("ring 07700 900123").decision == "BLOCK"


def test_cli_screens_each_line(tmp_path, capsys):
    path = tmp_path / "chat.txt"
    path.write_text("pay me via p a y p a l\n\nThe invoice of 2024-03-15 is $5,551,234.\n", encoding="utf-8")
    assert main(["screen", str(path), "--lines", "--json", "--redact"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["decision"] for r in rows] == ["BLOCK", "ALLOW"]
    assert rows[0]["findings"][0]["category"] == "PAYMENT_SERVICE"
    assert rows[0]["findings"][0]["disguises"] == ["separators"]
    assert rows[0]["redacted"]["text"] == "pay me via [PAYMENT_SERVICE]"
    assert main(["screen", str(path), "--lines", "--fail-on", "block"]) == 1
    out = capsys.readouterr().out
    assert "PAYMENT_SERVICE paypal disguised: separators" in out and "1:12" in out


def test_cli_screens_a_profile_and_refuses_unreadable_files(tmp_path, capsys):
    post = tmp_path / "post.txt"
    post.write_text("Build a shop\nlorem ipsum dolor sit amet\n", encoding="utf-8")
    assert main(["screen", str(post), "--profile", "--skills", "Shopify, CSS", "--fail-on", "warn"]) == 1
    assert "PLACEHOLDER" in capsys.readouterr().out
    binary = tmp_path / "bin.txt"
    binary.write_bytes(b"\xff\xfe\x00bad")
    assert main(["screen", str(binary)]) == 2
    assert main(["screen", str(tmp_path / "missing.txt")]) == 2
    assert "cannot read" in capsys.readouterr().err


@pytest.mark.parametrize("section,reason", [
    ({"phone_regions": ["gb"]}, "CONFIG_VALUE"),
    ({"phone_regions": []}, "CONFIG_VALUE"),
    ({"gibberish_threshold": 0.0}, "CONFIG_VALUE"),
    ({"max_text_chars": 0}, "CONFIG_VALUE"),
    ({"policy": "x.toml"}, "CONFIG_UNKNOWN_KEY"),
])
def test_screening_section_is_validated_at_start_up(section, reason):
    from idverify.config import load_config
    from idverify.errors import ConfigError

    with pytest.raises(ConfigError) as info:
        load_config(overrides={"screening": section}, environ={})
    assert info.value.reason == reason


def test_screening_section_from_the_environment():
    from idverify.config import load_config

    config = load_config(environ={"IDVERIFY_SCREENING__PHONE_REGIONS": '["US"]'})
    assert config.screening.phone_regions == ("US",)
