"""Main and ghost portraits on generated documents (real dlib HOG detector)."""

import dlib
import pytest

from idverify.docgen import generate_document
from idverify.documents.portrait import detect_faces, portrait_box


@pytest.fixture(scope="module")
def detector():
    return dlib.get_frontal_face_detector()


@pytest.mark.parametrize("kind", ["td3", "td1"])
def test_main_portrait_is_the_largest_face_and_the_ghost_is_found(detector, kind):
    g = generate_document(6, kind=kind, level="clean")
    faces = detect_faces(detector, g.arrays[0])
    assert len(faces) >= 1
    x, y, w, h = faces[0].box
    px, py, pw, ph = g.truth.portrait_box
    cx, cy = x + w / 2, y + h / 2
    assert px <= cx <= px + pw and py <= cy <= py + ph
    if len(faces) > 1:
        gx, gy, gw, gh = g.truth.ghost_box
        sx, sy, sw, sh = faces[1].box
        assert gx - 10 <= sx + sw / 2 <= gx + gw + 10 and sw < w


def test_no_ghost_when_asked(detector):
    g = generate_document(6, kind="td1", level="clean", ghost=False)
    assert g.truth.ghost_box is None
    assert len(detect_faces(detector, g.arrays[0])) == 1


def test_portrait_box_is_clipped_to_the_image():
    assert portrait_box((0, 0, 100, 100), (120, 150, 3)) == (0, 0, 145, 120)
    left, top, w, h = portrait_box((200, 200, 100, 100), (1000, 1000, 3))
    assert left < 200 and top < 200 and w > 100 and h > 100
