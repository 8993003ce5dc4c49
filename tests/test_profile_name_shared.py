"""The name matcher against the real labelled pairs of ``../shared/names`` (issue 15 targets).

Reads the pairs at run time (never copied into the repository) and scores them as
``benchmarks/bench_profile.py --shared`` does; asserts aggregates only, so no row reaches a log.
Targets: MATCH precision >= 0.99, MATCH-or-PARTIAL recall >= 0.95 and F1 >= 0.92.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from idverify.profile.name_match import NameMatcher

pytestmark = pytest.mark.shared

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_profile.py"


@pytest.fixture(scope="module")
def metrics(shared_dir) -> dict[str, float]:
    pairs = shared_dir / "names" / "pairs.csv"
    if not pairs.is_file():
        pytest.skip(f"{pairs} is absent: the real name pairs are not available here")
    spec = importlib.util.spec_from_file_location("bench_profile", BENCH)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    rows = bench.load(pairs)
    levels = bench.shared_levels(NameMatcher(), bench.shared_inputs(rows))
    return bench.level_metrics([r["same"] == "1" for r in rows], levels)


def test_match_is_safe_to_auto_approve(metrics) -> None:
    assert metrics["match_precision"] >= 0.99


def test_f1_of_match_or_partial(metrics) -> None:
    assert metrics["f1"] >= 0.92


def test_recall_of_match_or_partial(metrics) -> None:
    assert metrics["recall"] >= 0.95
