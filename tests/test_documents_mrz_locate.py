"""The MRZ zone and its character grid, found by geometry on generated documents."""

import datetime as dt

import cv2
import numpy as np
import pytest

from idverify.docgen import generate_document
from idverify.documents.mrz.locate import _split_merged, find_mrz


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


def test_a_tilted_card_back_under_glare_is_found_by_the_strict_search():
    # A phone photo (benchmark seed 1007): the paper's grain merges with the fillers under the
    # ordinary threshold, and a glare spot cuts every line in two; the strict search (a
    # smoothed image, a higher threshold) with rows joined along their slope finds all three.
    g = generate_document(1007, kind="td1", level="phone", today=dt.date(2026, 12, 2))
    gray = cv2.imdecode(np.frombuffer(g.images[-1], np.uint8), cv2.IMREAD_GRAYSCALE)
    zone = find_mrz(gray, strict=True)
    assert zone is not None and [line.length for line in zone.lines] == [30, 30, 30]
    # Turned about 7 degrees, as photographed.
    assert 4 < abs(zone.angle) < 10


def test_components_spanning_two_cells_count_as_two_characters():
    # Blurred small print merges neighbours: a component a cell and a glyph wide is two cells,
    # one a glyph wide is one (a wide W or M included), so the grid is not fitted half a cell off.
    pitch = 10.0
    boxes = [(0, 0, 7, 11), (10, 0, 17, 11), (30, 0, 9, 11), (40, 0, 27, 11)]
    split = _split_merged(boxes, pitch)
    assert [round(x + w / 2, 1) for x, _, w, _ in split] == [3.5, 13.5, 23.5, 34.5, 43.5, 53.5, 63.5]


def _phone(seed, kind="td3"):
    g = generate_document(seed, kind=kind, level="phone", today=dt.date(2026, 12, 4))
    return g, cv2.imdecode(np.frombuffer(g.images[g.truth.mrz_image_index], np.uint8), cv2.IMREAD_GRAYSCALE)


def test_a_zone_glare_cuts_short_is_found_as_its_visible_part():
    # A phone photo of a passport page (benchmark seed 1054): a glare spot over the right half
    # of both lines. Neither search finds a zone (rows of 20-24 characters fit no layout); the
    # glare search takes the two monospaced rows as the start of a 44-cell zone first.
    from idverify.documents.mrz.locate import find_mrz_beside_glare

    g, gray = _phone(1054)
    assert find_mrz(gray) is None and find_mrz(gray, strict=True) is None
    zones = find_mrz_beside_glare(gray)
    assert zones and [line.length for line in zones[0].lines] == [44, 44]
    left, top, width, height = g.truth.mrz_box
    first = zones[0].lines[0]
    # The first cell on the first character, within a cell; the zone's foot inside the MRZ.
    assert abs(first.centers[0, 0] - first.pitch * 0.345 - left) < 1.5 * first.pitch
    assert top <= zones[0].box[1] <= top + height
    # The cells right of what was seen are hidden on both lines, the left ones are not.
    hidden = {(line, i) for line, a, b in zones[0].hidden for i in range(a, b)}
    assert {(0, 40), (1, 40)} <= hidden and not {(0, 0), (1, 0), (1, 10)} & hidden


def test_the_glare_search_finds_no_zone_on_pages_without_one():
    from idverify.documents.mrz.locate import find_mrz_beside_glare

    for seed, kind in [(5, "dl"), (6, "td1"), (1040, "dl"), (1041, "td1")]:
        for level in ("clean", "phone"):
            g = generate_document(seed, kind=kind, level=level, today=dt.date(2026, 12, 4))
            assert find_mrz_beside_glare(cv2.cvtColor(g.arrays[0], cv2.COLOR_RGB2GRAY)) == [], (seed, kind, level)


def test_a_card_line_whose_grid_the_other_two_contradict_takes_theirs():
    from idverify.documents.mrz.locate import MrzLine, _aligned, _Chain

    def line(x0, pitch, y):
        xs = x0 + pitch * np.arange(30)
        return MrzLine(np.stack([xs, np.full(30, y)], axis=1), pitch, 12.0)

    def chars(x0, pitch, y, noise=()):
        return _Chain([(int(x - 4), y - 6, 8, 12) for x in (*noise, *(x0 + pitch * np.arange(30)))])

    # A phone photo (benchmark seed 1045): a speck of grain left of the name line stretched
    # its fit (first cell 46 px early, pitch 15.6 against 14), and TANAKA was read IMITANAA.
    good = [line(218.0, 14.0, 420), line(218.5, 14.0, 445)]
    bad = line(172.0, 15.6, 469)
    group = [chars(218, 14.0, 420), chars(218, 14.0, 445), chars(219, 14.0, 469, noise=(167.0,))]
    fixed = _aligned((*good, bad), group)
    assert fixed[:2] == tuple(good)
    assert abs(fixed[2].centers[0, 0] - 219.0) < 1.0 and abs(fixed[2].pitch - 14.0) < 0.1
    assert np.allclose(fixed[2].centers[:, 1], 469)
    # Lines that agree, and two lines alone, are left as fitted.
    assert _aligned((*good, line(218.2, 14.1, 469)), group)[2].centers[0, 0] == 218.2
    assert _aligned(tuple(good), group[:2]) == tuple(good)


def test_a_line_seen_on_both_sides_of_a_glare_gap_keeps_its_first_cells():
    # Both ends of the line at the zone's edges, 13 cells hidden between (benchmark seed 1036),
    # on a tilted photo whose pitch grows along the line: the walk across the gap counts a
    # cell too many, and pinning the whole line to the right end slipped every character
    # before the gap (11-25 px off); now only the part after the gap takes the right end.
    from idverify.documents.mrz.locate import _fitted_grid

    n, pitch, left = 44, 10.0, 100.0
    for growth in (0.0, 0.02, 0.03, 0.05):
        centre = [left + 0.345 * pitch + pitch * i + growth * i * i for i in range(n)]
        seen = [*range(21), *range(34, 44)]
        chain = [(int(round(centre[i] - 3)), 50, 6, 10) for i in seen]
        line, first, last = _fitted_grid(chain, n, left, centre[-1] + 0.345 * pitch)
        assert (first, last) == (0, 43) and line.length == n
        assert max(abs(line.centers[i, 0] - centre[i]) for i in seen) < 2.0, growth
