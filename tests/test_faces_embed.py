"""Embeddings equal face_recognition's for the same box, crop or no crop."""

from __future__ import annotations

from pathlib import Path

import cv2
import matplotlib
import numpy as np
import pytest

from idverify.faces.detect import detect_faces
from idverify.faces.embed import crop_around, encode_face, landmarks68
from idverify.faces.models import load_face_models
from idverify.faces.settings import FaceSettings
from idverify.images import decode_image

GRACE = Path(matplotlib.get_data_path()) / "sample_data" / "grace_hopper.jpg"


@pytest.fixture(scope="module")
def models():
    return load_face_models(FaceSettings())


@pytest.fixture(scope="module")
def grace():
    return decode_image(GRACE.read_bytes()).rgb


def test_encoding_equals_face_recognition(models, grace, monkeypatch):
    # face_recognition.api builds its models at import (fine in a test, never in the service)
    # and sets Pillow's LOAD_TRUNCATED_IMAGES globally; monkeypatch restores it afterwards so
    # truncated uploads stay refused in the other tests.
    from PIL import ImageFile

    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", ImageFile.LOAD_TRUNCATED_IMAGES)
    import face_recognition

    box = detect_faces(grace, models, FaceSettings())[0]
    crop = crop_around(grace, box)
    shape, points = landmarks68(crop, models)
    ours = encode_face(crop, models, shape)
    css = (box.top, box.right - 1, box.bottom - 1, box.left)
    theirs = face_recognition.face_encodings(grace, known_face_locations=[css], model="large")[0]
    assert ours.shape == (128,)
    assert np.max(np.abs(ours - theirs)) < 1e-6
    their_points = face_recognition.face_landmarks(grace, [css])[0]
    assert tuple(points[36]) == their_points["left_eye"][0]


def test_five_point_alignment_is_close_to_68_point(grace):
    settings5 = FaceSettings(landmark_model="5")
    m5 = load_face_models(settings5)
    box = detect_faces(grace, m5, settings5)[0]
    crop = crop_around(grace, box)
    e5 = encode_face(crop, m5)
    m68 = load_face_models(FaceSettings())
    e68 = encode_face(crop, m68)
    assert np.linalg.norm(e5 - e68) < 0.2


def test_same_face_at_12mp_encodes_like_the_original(models, grace):
    big = cv2.resize(grace, (4000, round(4000 * grace.shape[0] / grace.shape[1])), interpolation=cv2.INTER_CUBIC)
    settings = FaceSettings()
    e = []
    for img in (grace, big):
        box = detect_faces(img, models, settings)[0]
        crop = crop_around(img, box)
        e.append(encode_face(crop, models))
        assert crop.pixels.size < img.size  # dlib never sees the whole 12 MP image
    assert np.linalg.norm(e[0] - e[1]) < 0.15
