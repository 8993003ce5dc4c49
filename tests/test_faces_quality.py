"""Quality measures on real faces and the verdict against thresholds."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import cv2
import matplotlib
import numpy as np
import pytest

from idverify.faces.detect import FaceBox, detect_faces
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


def _frontal_points68(centre_x: float, centre_y: float, scale: float) -> np.ndarray:
    """68 landmarks of an exactly frontal face (the pose model's points seen head-on), the nose
    tip at (centre_x, centre_y); points the pose fit does not read sit on the nose tip."""
    from idverify.faces.quality import _LANDMARK_IDS, _MODEL_POINTS

    points = np.tile([centre_x, centre_y], (68, 1)).astype(np.float64)
    for i, (x, y, _z) in zip(_LANDMARK_IDS, _MODEL_POINTS):
        points[i] = (centre_x + scale * x, centre_y - scale * y)  # image y points down
    return points


@pytest.mark.parametrize("where", ["centre", "left edge", "top right corner"])
def test_frontal_face_is_frontal_wherever_it_is_in_the_frame(where):
    # A portrait printed on a flat document is frontal wherever the card puts it: the pose must
    # come from the face's own landmarks, not from its offset to the image centre (a card with
    # the portrait at its left edge used to measure 20-50 degrees of yaw and fail POSE).
    width, height, face = 1000, 630, 60
    centre = {"centre": (500, 315), "left edge": (40, 330), "top right corner": (960, 40)}[where]
    scale = face / 450.0  # the model's outer eye corners are 450 units apart
    box = FaceBox(int(centre[0] - face / 2), int(centre[1] - face / 2), int(centre[0] + face / 2), int(centre[1] + face / 2), 1.0)
    rgb = np.full((height, width, 3), 128, dtype=np.uint8)
    m = measure_quality(rgb, box, _frontal_points68(*centre, scale))
    assert abs(m.yaw_degrees) < 3 and abs(m.pitch_degrees) < 3
    assert judge_quality(replace(GOOD, yaw_degrees=m.yaw_degrees, pitch_degrees=m.pitch_degrees), FaceSettings()) == []
