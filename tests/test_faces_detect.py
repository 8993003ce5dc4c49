"""Detection on real faces: working copy, small portraits, large photos, faceless images."""

from __future__ import annotations

import os
from pathlib import Path

import cv2
import matplotlib
import numpy as np
import pytest
import skimage.data

from idverify.faces.detect import detect_faces, working_scale
from idverify.faces.models import load_face_models
from idverify.faces.settings import FaceSettings
from idverify.images import decode_image

GRACE = Path(matplotlib.get_data_path()) / "sample_data" / "grace_hopper.jpg"
BRICK = Path(os.path.dirname(skimage.data.__file__)) / "brick.png"


@pytest.fixture(scope="module")
def models():
    return load_face_models(FaceSettings())


@pytest.fixture(scope="module")
def grace():
    return decode_image(GRACE.read_bytes()).rgb


def test_working_scale_bounds_the_longest_side():
    s = FaceSettings()
    assert working_scale(4000, 3000, s) == pytest.approx(640 / 4000)
    assert working_scale(640, 480, s) == 1.0
    assert working_scale(60, 75, s) == pytest.approx(200 / 75)
    assert working_scale(10, 10, s) == 8.0  # enlarging stops at 8x


def test_finds_the_face_on_a_photo(models, grace):
    boxes = detect_faces(grace, models, FaceSettings())
    assert len(boxes) == 1
    box = boxes[0]
    assert 150 <= box.width <= 260 and box.score > 0


def test_boxes_map_back_to_full_resolution(models, grace):
    big = cv2.resize(grace, (grace.shape[1] * 6, grace.shape[0] * 6), interpolation=cv2.INTER_CUBIC)
    small_box = detect_faces(grace, models, FaceSettings())[0]
    big_box = detect_faces(big, models, FaceSettings())[0]
    # the same face, six times larger: HOG boxes vary with the pyramid level that fired, so
    # compare centres and sizes relative to the face
    width = small_box.width * 6
    assert (big_box.left + big_box.right) / 2 == pytest.approx((small_box.left + small_box.right) * 3, abs=0.15 * width)
    assert (big_box.top + big_box.bottom) / 2 == pytest.approx((small_box.top + small_box.bottom) * 3, abs=0.15 * width)
    assert big_box.width == pytest.approx(width, rel=0.25)


@pytest.mark.parametrize("face_px", [40, 60, 80])
def test_small_portrait_is_found(models, grace, face_px):
    box = detect_faces(grace, models, FaceSettings())[0]
    scale = face_px / box.width
    small = cv2.resize(grace, (round(grace.shape[1] * scale), round(grace.shape[0] * scale)), interpolation=cv2.INTER_AREA)
    found = detect_faces(small, models, FaceSettings())
    assert len(found) == 1
    assert found[0].width == pytest.approx(face_px, rel=0.3)


def test_portrait_cropped_and_shrunk_to_40px_wide_is_found(models, grace):
    box = detect_faces(grace, models, FaceSettings())[0]
    margin = box.width // 4
    crop = grace[max(0, box.top - margin) : box.bottom + margin, max(0, box.left - margin) : box.right + margin]
    tiny = cv2.resize(crop, (40, round(40 * crop.shape[0] / crop.shape[1])), interpolation=cv2.INTER_AREA)
    assert len(detect_faces(np.ascontiguousarray(tiny), models, FaceSettings())) == 1


def test_no_face_on_brick(models):
    assert detect_faces(decode_image(BRICK.read_bytes()).rgb, models, FaceSettings()) == []


def test_blank_image_has_no_face(models):
    assert detect_faces(np.full((480, 640, 3), 128, np.uint8), models, FaceSettings()) == []


@pytest.mark.slow
def test_cnn_detector_option(grace):
    settings = FaceSettings(detector="cnn", upsample=0, max_upsample=0, working_max_side=320)
    boxes = detect_faces(grace, load_face_models(settings), settings)
    assert len(boxes) == 1 and 120 <= boxes[0].width <= 300
