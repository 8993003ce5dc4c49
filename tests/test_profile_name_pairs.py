"""The labelled name-pair set is what its generator builds (no hand edits, no drift)."""

from __future__ import annotations

import csv
import importlib.util
from collections import Counter
from pathlib import Path

DATA = Path(__file__).parent / "data"


def _builder():
    spec = importlib.util.spec_from_file_location("build_name_pairs", DATA / "build_name_pairs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_csv_is_the_generators_output() -> None:
    module = _builder()
    builder = module.Builder()
    builder.build()
    with (DATA / "name_pairs.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert rows == builder.rows


def test_every_kind_and_both_labels_are_present() -> None:
    with (DATA / "name_pairs.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    kinds = Counter(row["kind"] for row in rows)
    for kind in ("exact", "diacritics", "transliteration", "middle_name", "initial", "compound", "nickname",
                 "truncation", "ocr", "typo", "same_surname", "siblings", "common_name", "swapped_given"):  # fmt: skip
        assert kinds[kind] >= 10, kind
    expected = Counter(row["expected"] for row in rows)
    assert len(rows) >= 500 and expected["MATCH"] >= 300 and expected["NO_MATCH"] >= 150
