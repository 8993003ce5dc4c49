"""The damaged-document generator: deterministic, and each damage does what it says."""

import datetime as dt
import io

import numpy as np
import pytest
from PIL import Image

from idverify.docgen import generate_document
from idverify.docgen.damage import DAMAGES, damage_document, damaged_corpus

TODAY = dt.date(2026, 11, 24)


def _array(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))


def test_same_seed_same_bytes():
    a = damaged_corpus(3, 2, levels=("clean",), today=TODAY)
    b = damaged_corpus(3, 2, levels=("clean",), today=TODAY)
    assert [d.images for d in a] == [d.images for d in b]
    assert [d.damage for d in a] == list(DAMAGES[:2])


@pytest.mark.parametrize("damage", DAMAGES)
def test_each_damage_changes_the_mrz_side(damage):
    g = generate_document(5, kind="td3", level="clean", today=TODAY)
    d = damage_document(5, damage, kind="td3", level="clean", today=TODAY)
    assert d.description and d.truth == g.truth
    before, after = g.arrays[0], _array(d.images[0])
    assert before.shape != after.shape or np.abs(before.astype(int) - after).max() > 50


def test_cut_removes_the_last_characters():
    g = generate_document(6, kind="td3", level="clean", today=TODAY)
    d = damage_document(6, "mrz_cut", kind="td3", level="clean", today=TODAY)
    x, _, w, _ = g.truth.mrz_box
    width = _array(d.images[0]).shape[1]
    pitch = w / 44
    assert x + w - 3 * pitch <= width < x + w - 0.5 * pitch


def test_truth_locates_the_mrz():
    for kind, index in (("td3", 0), ("td1", 1)):
        t = generate_document(2, kind=kind, level="clean", today=TODAY).truth
        assert t.mrz_image_index == index and t.mrz_box is not None and min(t.mrz_box[2:]) > 0
    assert generate_document(2, kind="dl", level="clean", today=TODAY).truth.mrz_box is None


def test_unknown_damage_is_refused():
    with pytest.raises(ValueError):
        damage_document(1, "burnt", today=TODAY)
