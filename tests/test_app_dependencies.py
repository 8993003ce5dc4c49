"""Dependencies built by hand follow the configuration for what they leave out."""

from __future__ import annotations

from idverify.app.dependencies import Dependencies, model_version
from idverify.config import Config
from idverify.policy import PolicySettings, load_policy
from idverify.profile.name_match import NameMatcher
from idverify.profile.settings import ProfileSettings

POLICY = """
version = "strict-2026-12"
default_effect = "reject"

[effects]
NAME_PARTIAL = "reject"
"""


def test_matcher_and_policy_come_from_the_configuration(tmp_path):
    policy_file = tmp_path / "policy.toml"
    policy_file.write_text(POLICY)
    strict = ProfileSettings(name_match_score=99.9, name_partial_score=0.0)
    deps = Dependencies(config=Config(profile=strict, policy=PolicySettings(path=str(policy_file))))
    assert deps.name_matcher.settings == strict
    assert deps.policy.version == "strict-2026-12"
    assert deps.policy.effect_of("NAME_PARTIAL") == "reject"


def test_given_matcher_and_policy_are_kept():
    matcher, policy = NameMatcher(), load_policy()
    deps = Dependencies(config=Config(), name_matcher=matcher, policy=policy)
    assert deps.name_matcher is matcher and deps.policy is policy


def test_model_version_changes_with_any_face_decision_setting():
    import dataclasses

    from idverify.faces.settings import FaceSettings

    base = Config()
    assert model_version(base) == Dependencies(config=base).model_version
    assert model_version(base).startswith("dlib_resnet_v1/0.55-0.62/")
    degraded = dataclasses.replace(base.faces.degraded_portrait, no_match_distance=0.75)
    for faces in (FaceSettings(match_distance=0.5), FaceSettings(degraded_portrait=degraded),
                  FaceSettings(per_class_thresholds=not base.faces.per_class_thresholds)):
        assert model_version(dataclasses.replace(base, faces=faces)) != model_version(base), faces


def test_close_runs_every_closer_even_when_one_fails():
    calls = []
    deps = Dependencies(config=Config())
    deps.closers.extend([lambda: calls.append("a"), lambda: 1 / 0, lambda: calls.append("c")])
    deps.close()
    deps.close()
    assert calls == ["c", "a"]
