"""The screening policy file: the packaged default, validation errors, decisions."""

from __future__ import annotations

import pytest

from idverify.errors import ConfigError
from idverify.screening import CATEGORIES, Finding, load_screening_policy
from idverify.screening.policy import decide, parse_screening_policy


def test_packaged_policy_names_every_category():
    policy = load_screening_policy()
    assert set(policy.effects) == set(CATEGORIES)
    assert policy.version


@pytest.mark.parametrize("data,reason,where", [
    ({"version": "v", "effects": {"PHONE": "ban"}}, "CONFIG_VALUE", "effects.PHONE"),
    ({"version": "v", "effects": {"FAX": "block"}}, "CONFIG_VALUE", "FAX"),
    ({"version": "v", "min_confidence": 2.0}, "CONFIG_VALUE", "min_confidence"),
    ({"version": " "}, "CONFIG_VALUE", "version"),
    ({"version": "v", "effect": {}}, "CONFIG_UNKNOWN_KEY", "effect"),
])
def test_bad_policy_names_the_key(data, reason, where):
    with pytest.raises(ConfigError) as info:
        parse_screening_policy(data, "policy file p.toml")
    assert info.value.reason == reason
    assert where in info.value.message and "p.toml" in info.value.message


def test_unreadable_and_malformed_files(tmp_path):
    with pytest.raises(ConfigError) as info:
        load_screening_policy(tmp_path / "missing.toml")
    assert info.value.reason == "CONFIG_UNREADABLE"
    bad = tmp_path / "bad.toml"
    bad.write_text("version = \n")
    with pytest.raises(ConfigError) as info:
        load_screening_policy(bad)
    assert info.value.reason == "CONFIG_SYNTAX"


def test_decision_is_the_most_severe_confident_effect():
    policy = parse_screening_policy({"version": "v", "min_confidence": 0.7,
                                     "effects": {"URL": "warn", "PHONE": "block"},
                                     "contract_effects": {"URL": "allow"}})
    url = Finding("URL", 0, 5, "x.example.com", (), 0.9)
    weak_phone = Finding("PHONE", 6, 9, "+1", (), 0.5)
    assert decide(policy, []) == ("ALLOW", [])
    decision, reasons = decide(policy, [url, weak_phone])
    assert decision == "WARN" and [r.category for r in reasons] == ["URL"]
    assert decide(policy, [url], contract=True)[0] == "ALLOW"
    decision, reasons = decide(policy, [url, Finding("PHONE", 6, 9, "+1", (), 0.9)])
    assert decision == "BLOCK" and reasons[0].rule == "effects.PHONE = block"
    assert decide(policy, [Finding("THREAT", 0, 1)])[1][0].rule == "default_effect = warn"


def test_policy_file_from_configuration_decides(tmp_path):
    from idverify.screening import Screener, ScreeningSettings

    path = tmp_path / "p.toml"
    path.write_text('version = "strict"\ndefault_effect = "block"\n[effects]\nURL = "block"\n')
    screener = Screener.build(ScreeningSettings(policy_path=str(path)))
    result = screener.screen_message("see https://example.com/me")
    assert result.decision == "BLOCK" and result.policy_version == "strict"
