"""The [faces] and [images] configuration sections: defaults, validation, environment."""

from __future__ import annotations

import pytest

from idverify.config import load_config
from idverify.errors import ConfigError
from idverify.faces.settings import FaceSettings


def test_defaults_are_valid_and_ordered():
    s = FaceSettings()
    s.validate()
    assert 0 < s.match_distance <= s.no_match_distance < 1
    assert s.detector == "hog"


@pytest.mark.parametrize(
    "table",
    [
        {"match_distance": 0.7, "no_match_distance": 0.6},
        {"detector": "mtcnn"},
        {"working_max_side": 10},
        {"upsample": 3, "max_upsample": 2},
        {"dominance_ratio": 0},
        {"min_brightness": 200, "max_brightness": 100},
        {"num_jitters": 0},
        {"threshold": 0.5},
    ],
)
def test_invalid_faces_settings_are_refused(table):
    with pytest.raises(ConfigError):
        load_config(overrides={"faces": table}, environ={})


def test_environment_overrides_faces_and_images():
    config = load_config(
        environ={"IDVERIFY_FACES__MATCH_DISTANCE": "0.5", "IDVERIFY_FACES__DETECTOR": '"cnn"', "IDVERIFY_IMAGES__MAX_PIXELS": "1000000"}
    )
    assert config.faces.match_distance == 0.5 and config.faces.detector == "cnn"
    assert config.images.max_pixels == 1_000_000


def test_reading_the_configuration_does_not_import_dlib():
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(root)}
    code = "import sys, idverify.config; print('dlib' in sys.modules, 'cv2' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root, env=env).stdout
    assert out.split() == ["False", "False"]


@pytest.mark.parametrize(
    "table",
    [
        {"degraded_portrait": {"match_distance": 0.7, "no_match_distance": 0.6}},
        {"document_portrait": {"match_distance": 0.7}},
        {"degraded_portrait": {"match_distance": 0.5, "no_match_distance": 0.6, "min_sharpness": -1}},
        {"grey_below_saturation": -1},
        {"document_portrait": 0.5},
    ],
)
def test_invalid_class_thresholds_are_refused(table):
    with pytest.raises(ConfigError):
        load_config(overrides={"faces": table}, environ={})


def test_class_thresholds_load_from_tables_and_the_old_keys_still_work():
    config = load_config(
        overrides={"faces": {"match_distance": 0.5, "no_match_distance": 0.6,
                             "degraded_portrait": {"match_distance": 0.58, "no_match_distance": 0.7, "min_sharpness": 4}}},
        environ={"IDVERIFY_FACES__DOCUMENT_PORTRAIT": "{match_distance = 0.52, no_match_distance = 0.65}"},
    )
    f = config.faces
    assert (f.match_distance, f.no_match_distance) == (0.5, 0.6)
    assert (f.degraded_portrait.match_distance, f.degraded_portrait.min_sharpness) == (0.58, 4.0)
    assert (f.document_portrait.match_distance, f.document_portrait.min_sharpness) == (0.52, None)
