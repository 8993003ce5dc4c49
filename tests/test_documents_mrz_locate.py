"""The MRZ zone and its character grid, found by geometry on generated documents."""

import cv2
import pytest

from idverify.docgen import generate_document
from idverify.documents.mrz.locate import find_mrz


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
