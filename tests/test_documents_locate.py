"""Document outline in photos, and the MRZ zone with its character grid."""

import cv2
import numpy as np
import pytest

from idverify.docgen import generate_document
from idverify.documents.locate import locate_document, rotate_bound
from idverify.documents.mrz_locate import find_mrz


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


@pytest.mark.parametrize(("kind", "lines", "length"), [("td3", 2, 44), ("td1", 3, 30)])
def test_mrz_zone_and_grid(kind, lines, length):
    g = generate_document(5, kind=kind, level="clean")
    gray = cv2.cvtColor(g.arrays[-1], cv2.COLOR_RGB2GRAY)
    zone = find_mrz(gray)
    assert zone is not None and len(zone.lines) == lines
    assert all(line.length == length for line in zone.lines)
    assert abs(zone.angle) < 0.5 and not zone.upper_half
    # 10 characters per inch at about 12 pixels per millimetre.
    assert 28 < zone.lines[0].pitch < 33


def test_no_mrz_on_a_licence_front():
    g = generate_document(5, kind="dl", level="clean")
    assert find_mrz(cv2.cvtColor(g.arrays[0], cv2.COLOR_RGB2GRAY)) is None


def test_rotate_bound_keeps_everything():
    img = np.zeros((100, 200), np.uint8)
    out, m = rotate_bound(img, 90)
    assert out.shape == (200, 100) and m.shape == (2, 3)
