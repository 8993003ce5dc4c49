"""Document outline in photos, rectification and rotation."""

import cv2
import numpy as np
import pytest

from idverify.docgen import generate_document
from idverify.documents.locate import locate_document, rotate_bound


def _corner_error(found, truth):
    truth = np.asarray(truth)
    return min(np.abs(np.roll(found, k, axis=0) - truth).max() for k in range(4))


@pytest.mark.parametrize("seed", range(4))
def test_mild_photos_are_located(seed):
    g = generate_document(seed, kind="td1", level="mild")
    found = locate_document(g.arrays[0])
    assert found is not None
    assert _corner_error(found.quad, g.truth.quads[0]) < 25
    h, w = found.image.shape[:2]
    assert w > h  # landscape


def test_most_strong_photos_are_located():
    good = 0
    for seed in range(10):
        g = generate_document(seed, kind="td1", level="strong")
        found = locate_document(g.arrays[0])
        good += found is not None and _corner_error(found.quad, g.truth.quads[0]) < 40
    assert good >= 6


def test_no_document_on_a_plain_photo():
    rng = np.random.default_rng(0)
    img = cv2.GaussianBlur(rng.integers(0, 255, (480, 640, 3), dtype=np.uint8), (0, 0), 8)
    assert locate_document(img) is None


def test_rotate_bound_keeps_everything():
    img = np.zeros((100, 200), np.uint8)
    out, m = rotate_bound(img, 90)
    assert out.shape == (200, 100) and m.shape == (2, 3)
