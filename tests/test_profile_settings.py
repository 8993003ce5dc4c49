"""Tests for idverify.profile.settings and the [profile] / [policy] configuration tables."""

from __future__ import annotations

import pytest

from idverify.config import load_config
from idverify.errors import ConfigError
from idverify.profile.settings import ProfileSettings
from idverify.settings import build


def test_defaults_are_valid() -> None:
    settings = build(ProfileSettings, {})
    assert settings.name_partial_score < settings.name_match_score


@pytest.mark.parametrize(
    "data",
    [
        {"name_match_score": 40.0, "name_partial_score": 60.0},
        {"name_match_score": 120.0},
        {"middle_name_weight": 1.5},
        {"fuzzy_min_length": 10, "fuzzy_two_edit_length": 5},
        {"name_match_scor": 80.0},
        {"name_match_score": "high"},
    ],
)
def test_invalid_settings(data) -> None:
    with pytest.raises(ConfigError):
        build(ProfileSettings, data)


def test_config_sections(tmp_path) -> None:
    policy = tmp_path / "p.toml"
    policy.write_text('version = "x"\n')
    config = load_config(
        environ={"IDVERIFY_PROFILE__NAME_MATCH_SCORE": "85", "IDVERIFY_POLICY__PATH": str(policy)}
    )
    assert config.profile.name_match_score == 85.0
    assert config.policy.path == str(policy)
