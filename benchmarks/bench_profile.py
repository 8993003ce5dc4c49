"""Name matching: quality and speed against a naive rapidfuzz baseline, on the labelled set.

    PYTHONPATH=. /work/venv/bin/python benchmarks/bench_profile.py [--repeats 5]

Reads ``tests/data/name_pairs.csv`` (built by ``tests/data/build_name_pairs.py``) and the
hand-written ``tests/data/name_pairs_holdout.csv`` (76 pairs written after the matcher's rules
were set, to check for over-fitting to the generated set; quality only). A pair is
positive when its expected level is MATCH (the same person, to be accepted); the matcher
predicts positive when it returns MATCH. The baseline is ``rapidfuzz.fuzz.token_sort_ratio``
on the declared name against "given names + surname" (with rapidfuzz's default processor),
positive at or above the threshold that gives the baseline its best F1 on this very set (an
optimistic baseline). Speed is comparisons per CPU-second on one core (single-threaded,
``time.process_time``), median of the repeats:
"cold" clears every cache before each pass over the (distinct) pairs; "new names" clears the
cache of whole names but keeps the token and token-pair caches (a server meeting a name it has
not seen, made of given names and surnames it has); "warm" clears nothing (a
server sees the same given names and surnames over and over). Also prints the 3-level
confusion matrix, the errors by kind, and a sweep of ``name_match_score``.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

from rapidfuzz import fuzz, utils

from idverify.profile import name_normalize
from idverify.profile.name_match import MatchLevel, NameMatcher
from idverify.profile.settings import ProfileSettings

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "name_pairs.csv"
HOLDOUT = DATA.with_name("name_pairs_holdout.csv")


def load(path: Path = DATA) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def prf(labels: list[bool], predicted: list[bool]) -> tuple[float, float, float]:
    tp = sum(1 for y, p in zip(labels, predicted) if y and p)
    fp = sum(1 for y, p in zip(labels, predicted) if not y and p)
    fn = sum(1 for y, p in zip(labels, predicted) if y and not p)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def run_matcher(matcher: NameMatcher, rows: list[dict[str, str]]) -> list:
    return [matcher.compare(r["declared"], r["surname"], r["given_names"], r["truncated"] == "1") for r in rows]


def baseline_scores(rows: list[dict[str, str]]) -> list[float]:
    return [
        fuzz.token_sort_ratio(r["declared"], f"{r['given_names']} {r['surname']}", processor=utils.default_process)
        for r in rows
    ]


def timed(fn, repeats: int, before=None) -> float:
    """Median CPU seconds of ``fn()`` over ``repeats`` runs; ``before`` runs untimed before each.

    CPU time of this process (``time.process_time``), not wall-clock: the machine is shared,
    and time spent waiting for the CPU is not time spent comparing names.
    """
    times = []
    for _ in range(repeats):
        if before:
            before()
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("-v", "--verbose", action="store_true", help="list every misclassified pair")
    args = parser.parse_args()
    rows = load()
    labels = [r["expected"] == "MATCH" for r in rows]
    matcher = NameMatcher(ProfileSettings())

    results = run_matcher(matcher, rows)
    predicted = [c.level == MatchLevel.MATCH for c in results]
    p, r, f = prf(labels, predicted)

    base = baseline_scores(rows)
    best = max(
        ((t, *prf(labels, [s >= t for s in base])) for t in range(50, 101)), key=lambda x: (x[3], -x[0])
    )
    bt, bp, br, bf = best

    def cold_setup() -> None:
        name_normalize.clear_caches()
        matcher._pairs.clear()

    n = len(rows)
    t_cold = timed(lambda: run_matcher(matcher, rows), args.repeats, cold_setup)
    t_new = timed(lambda: run_matcher(matcher, rows), args.repeats, name_normalize.tokenize.cache_clear)
    t_warm = timed(lambda: run_matcher(matcher, rows), args.repeats)
    t_base = timed(lambda: baseline_scores(rows), args.repeats)

    print(f"labelled pairs: {n} ({sum(labels)} positive = expected MATCH), {args.repeats} repeats, one core")
    print()
    print(f"{'method':44s} {'precision':>9s} {'recall':>7s} {'F1':>6s} {'cmp/s cold':>11s} "
          f"{'new names':>11s} {'cmp/s warm':>11s}")  # fmt: skip
    print(f"{'idverify NameMatcher (level == MATCH)':44s} {p:9.4f} {r:7.4f} {f:6.4f} {n / t_cold:11,.0f} "
          f"{n / t_new:11,.0f} {n / t_warm:11,.0f}")  # fmt: skip
    label = f"rapidfuzz token_sort_ratio >= {bt} (best F1)"
    print(f"{label:44s} {bp:9.4f} {br:7.4f} {bf:6.4f} {n / t_base:11,.0f} {n / t_base:11,.0f} {n / t_base:11,.0f}")
    print(f"{'ratio idverify / baseline':44s} {'':9s} {'':7s} {f / bf:6.3f} {t_base / t_cold:11.3f} "
          f"{t_base / t_new:11.3f} {t_base / t_warm:11.3f}")  # fmt: skip

    print()
    print("3-level confusion (rows: expected, columns: returned)")
    confusion = Counter((row["expected"], c.level.name) for row, c in zip(rows, results))
    levels = ["MATCH", "PARTIAL", "NO_MATCH"]
    print(f"{'':10s}" + "".join(f"{x:>10s}" for x in levels))
    for e in levels:
        print(f"{e:10s}" + "".join(f"{confusion[(e, x)]:10d}" for x in levels))
    agree = sum(confusion[(x, x)] for x in levels)
    print(f"3-level agreement: {agree}/{n} = {agree / n:.4f}")

    print()
    print("errors by kind (binary MATCH decision):")
    by_kind: Counter[str] = Counter()
    errors: Counter[str] = Counter()
    for row, y, pr in zip(rows, labels, predicted):
        by_kind[row["kind"]] += 1
        errors[row["kind"]] += y != pr
    for kind in sorted(by_kind):
        print(f"  {kind:40s} {errors[kind]:3d} / {by_kind[kind]}")

    print()
    holdout = load(HOLDOUT)
    h_labels = [r["expected"] == "MATCH" for r in holdout]
    h_results = run_matcher(matcher, holdout)
    hp, hr, hf = prf(h_labels, [c.level == MatchLevel.MATCH for c in h_results])
    h_base = baseline_scores(holdout)
    hbp, hbr, hbf = prf(h_labels, [x >= bt for x in h_base])
    print(f"hand-written hold-out set: {len(holdout)} pairs ({sum(h_labels)} positive)")
    print(f"  idverify NameMatcher           precision {hp:.4f}  recall {hr:.4f}  F1 {hf:.4f}")
    print(f"  token_sort_ratio >= {bt:<3d}        precision {hbp:.4f}  recall {hbr:.4f}  F1 {hbf:.4f}")
    for row, c in zip(holdout, h_results):
        if (row["expected"] == "MATCH") != (c.level == MatchLevel.MATCH):
            print(f"  error: {row['kind']}: expected {row['expected']}, got {c.level.name}")

    print()
    print("sweep of name_match_score (binary F1)")
    for threshold in (60, 70, 75, 80, 85, 90, 95):
        m = NameMatcher(replace(ProfileSettings(), name_match_score=float(threshold)))
        pred = [c.level == MatchLevel.MATCH for c in run_matcher(m, rows)]
        sp, sr, sf = prf(labels, pred)
        print(f"  {threshold:5d}  precision {sp:.4f}  recall {sr:.4f}  F1 {sf:.4f}")

    if args.verbose:
        for row, y, pr, c in zip(rows, labels, predicted, results):
            if y != pr:
                print(row, c.level.name, c.score, [(t.declared, t.document, t.kind.name) for t in c.tokens])
    return 0


if __name__ == "__main__":
    sys.exit(main())
