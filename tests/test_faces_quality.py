"""Quality measures on real faces and the verdict against thresholds."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import cv2
import matplotlib
import numpy as np
import pytest

from idverify.faces.detect import detect_faces
from idverify.faces.embed import crop_around, landmarks68
from idverify.faces.models import load_face_models
from idverify.faces.quality import QualityMeasures, judge_quality, measure_quality
from idverify.faces.settings import FaceSettings
from idverify.images import decode_image

GRACE = Path(matplotlib.get_data_path()) / "sample_data" / "grace_hopper.jpg"
GOOD = QualityMeasures(200, 80, 300, 130, 50, 3, 2)


@pytest.fixture(scope="module")
def models():
    return load_face_models(FaceSettings())


@pytest.fixture(scope="module")
def grace():
    return decode_image(GRACE.read_bytes()).rgb


def _measure(rgb, models):
    box = detect_faces(rgb, models, FaceSettings())[0]
    _, points = landmarks68(crop_around(rgb, box), models)
    return measure_quality(rgb, box, points)


def test_real_frontal_photo_is_acceptable(models, grace):
    m = _measure(grace, models)
    assert judge_quality(m, FaceSettings()) == []
    assert abs(m.yaw_degrees) < 20 and abs(m.pitch_degrees) < 25
    assert 0.3 < m.inter_eye_distance_px / m.face_width_px < 0.6


def test_blur_lowers_sharpness_below_threshold(models, grace):
    sharp = _measure(grace, models)
    blurred = _measure(cv2.GaussianBlur(grace, (0, 0), 6), models)
    assert blurred.sharpness < FaceSettings().min_sharpness < sharp.sharpness
    assert [c for c, _ in judge_quality(blurred, FaceSettings())] == ["BLURRY"]


def test_dark_and_bright_and_flat_faces(models, grace):
    dark = _measure((grace * 0.2).astype(np.uint8), models)
    assert "TOO_DARK" in [c for c, _ in judge_quality(dark, FaceSettings())]
    bright = _measure(np.clip(grace.astype(int) + 150, 0, 255).astype(np.uint8), models)
    assert "OVEREXPOSED" in [c for c, _ in judge_quality(bright, FaceSettings())]


def test_sharpness_does_not_depend_on_face_size(models, grace):
    big = _measure(cv2.resize(grace, None, fx=3, fy=3, interpolation=cv2.INTER_CUBIC), models)
    small = _measure(grace, models)
    assert big.face_width_px > 2.5 * small.face_width_px
    # enlarging adds no detail: the normalised sharpness must not grow with the pixel count
    assert big.sharpness < small.sharpness * 1.5


def test_turned_head_has_yaw(models, grace):
    # a horizontal squeeze of one half mimics a turned head poorly; use landmarks directly:
    box = detect_faces(grace, models, FaceSettings())[0]
    _, points = landmarks68(crop_around(grace, box), models)
    shifted = points.copy()
    shifted[27:36, 0] += 0.25 * box.width  # nose moved towards one cheek
    m = measure_quality(grace, box, shifted)
    assert abs(m.yaw_degrees) > 25


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"face_width_px": 30}, "FACE_TOO_SMALL"),
        ({"inter_eye_distance_px": 10}, "FACE_TOO_SMALL"),
        ({"sharpness": 5}, "BLURRY"),
        ({"brightness": 20}, "TOO_DARK"),
        ({"brightness": 240}, "OVEREXPOSED"),
        ({"contrast": 5}, "LOW_CONTRAST"),
        ({"yaw_degrees": -60}, "POSE"),
        ({"pitch_degrees": 50}, "POSE"),
    ],
)
def test_each_threshold_gives_its_reason(change, code):
    assert judge_quality(GOOD, FaceSettings()) == []
    reasons = judge_quality(replace(GOOD, **change), FaceSettings())
    assert [c for c, _ in reasons] == [code]
    assert reasons[0][1]  # a readable message with the measured value
