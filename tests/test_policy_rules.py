"""Tests for idverify.policy.rules: loading and validating the policy file."""

from __future__ import annotations

from pathlib import Path

import pytest

from idverify.errors import ConfigError
from idverify.policy.rules import EFFECT_SEVERITY, load_policy, parse_policy

# Codes the issue and the proto comments name (ReadDocumentResponse.reasons, FaceQuality.reasons,
# ImageAnalysis.reasons, MatchProfileResponse.reasons): each has an explicit default effect.
REQUIRED = """FACE_MISMATCH FACE_INCONCLUSIVE NO_FACE_ON_PROFILE_PHOTO NO_FACE_ON_DOCUMENT MULTIPLE_FACES
NAME_MISMATCH NAME_PARTIAL DOB_MISMATCH DOB_PARTIAL DOCUMENT_EXPIRED DOCUMENT_EXPIRING DOCUMENT_UNREADABLE
DOCUMENT_NOT_FOUND MRZ_INVALID MRZ_VIZ_MISMATCH LOW_QUALITY UNDERAGE COUNTRY_MISMATCH EMAIL_INVALID
EMAIL_MISMATCH PHONE_INVALID PHONE_MISMATCH PORTRAIT_NOT_FOUND FACE_TOO_SMALL BLURRY TOO_DARK OVEREXPOSED
LOW_CONTRAST POSE MRZ_UNREADABLE MRZ_UNCERTAIN MRZ_OBSCURED NO_MACHINE_READABLE_DATA""".split()


def test_default_policy_loads_and_names_every_code() -> None:
    policy = load_policy()
    assert policy.version
    assert set(REQUIRED) <= set(policy.effects)
    assert policy.effect_of("FACE_MISMATCH") == "reject"
    assert policy.effect_of("DOCUMENT_EXPIRING") == "approve"
    assert policy.effect_of("SOMETHING_NEW") == policy.default_effect == "review"


def test_custom_file(tmp_path: Path) -> None:
    path = tmp_path / "policy.toml"
    path.write_text('version = "strict-1"\ndefault_effect = "reject"\n[effects]\nNAME_PARTIAL = "reject"\n')
    policy = load_policy(path)
    assert policy.version == "strict-1"
    assert policy.effect_of("NAME_PARTIAL") == "reject"
    assert policy.effect_of("ANYTHING") == "reject"


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"version": "1", "effect": {}}, "effect"),
        ({"version": "1", "effects": {"FACE_MISMATCH": "deny"}}, "effects.FACE_MISMATCH"),
        ({"version": "1", "effects": {"face_mismatch": "reject"}}, "effects.face_mismatch"),
        ({"version": "1", "default_effect": "maybe"}, "default_effect"),
        ({"version": ""}, "version"),
        ({}, "version"),
        ({"version": "1", "effects": ["FACE_MISMATCH"]}, "effects"),
        ({"version": "1", "effects": {"FACE_MISMATCH": 2}}, "effects.FACE_MISMATCH"),
    ],
)
def test_invalid_policies_name_the_key(data, key) -> None:
    with pytest.raises(ConfigError) as info:
        parse_policy(data)
    assert key in info.value.message


def test_file_errors_name_the_file(tmp_path: Path) -> None:
    path = tmp_path / "policy.toml"
    path.write_text('version = "1"\n[effects]\nFACE_MISMATCH = "deny"\n')
    with pytest.raises(ConfigError) as info:
        load_policy(path)
    assert "effects.FACE_MISMATCH" in info.value.message and str(path) in info.value.message


def test_unreadable_and_malformed_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_policy(tmp_path / "absent.toml")
    assert info.value.reason == "CONFIG_UNREADABLE"
    bad = tmp_path / "bad.toml"
    bad.write_text("version = \n")
    with pytest.raises(ConfigError) as info:
        load_policy(bad)
    assert info.value.reason == "CONFIG_SYNTAX"


def test_policy_is_frozen() -> None:
    policy = load_policy()
    with pytest.raises(TypeError):
        policy.effects["FACE_MISMATCH"] = "approve"  # type: ignore[index]
    with pytest.raises(AttributeError):
        policy.version = "x"  # type: ignore[misc]
    assert list(EFFECT_SEVERITY) == ["approve", "review", "reject"]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ({"version": "1", "effcts": {}}, "CONFIG_UNKNOWN_KEY"),
        ({"version": "1", "effects": ["FACE_MISMATCH"]}, "CONFIG_TYPE"),
        ({"version": 1}, "CONFIG_TYPE"),
        ({"version": "1", "effects": {"FACE_MISMATCH": "deny"}}, "CONFIG_VALUE"),
        ({"version": " "}, "CONFIG_VALUE"),
        ({}, "CONFIG_VALUE"),
    ],
)
def test_policy_errors_carry_the_configuration_reasons(data, reason) -> None:
    with pytest.raises(ConfigError) as info:
        parse_policy(data, "policy file p.toml")
    assert info.value.reason == reason
    assert info.value.message.startswith("policy file p.toml: ")


def test_unknown_policy_key_suggests_the_known_one() -> None:
    with pytest.raises(ConfigError) as info:
        parse_policy({"version": "1", "default_efect": "review"})
    assert "did you mean 'default_effect'?" in info.value.message


def test_version_is_stripped() -> None:
    assert parse_policy({"version": " v2 "}).version == "v2"
