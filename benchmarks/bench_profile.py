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
"cold" clears every cache before each pass over the (distinct) pairs
(``NameMatcher.clear_caches``); "new names" clears the
cache of whole names but keeps the token and token-pair caches (a server meeting a name it has
not seen, made of given names and surnames it has); "warm" clears nothing (a
server sees the same given names and surnames over and over). Also prints the 3-level
confusion matrix, the errors by kind, and a sweep of ``name_match_score``.

With ``--shared`` it measures instead on the real labelled pairs in ``../shared/names/pairs.csv``
(see that folder's README; skipped with a message when absent), where column ``a`` is the
document side, split into surname and given names by
:func:`idverify.profile.name_fields.split_full_name`, and ``b`` the declared name. There a
pair is "same person" when ``same == 1``; the matcher is scored twice: MATCH alone (its
precision is the auto-approve error rate) and MATCH-or-PARTIAL (what reaches a human or is
approved), beside the anchor ``rapidfuzz.fuzz.token_set_ratio(a, b) >= 85`` (default
processor) in the same run, for the whole set, without and with only the
``nomenklatura:synth_people`` rows, two halves by a stable hash of the row, and per kind. It
prints aggregates only, never a row:

    PYTHONPATH=. /work/main/.venv/bin/python benchmarks/bench_profile.py --shared [--repeats 5]

With ``--drift`` it counts, on generated pairs of two different people, how many reach PARTIAL
and which of the near-miss rules of 2026-12-02 sends each there (each rule switched off in
turn; a rule "adds" a PARTIAL when the pair is NO_MATCH without it). The pairs combine the
generated set's given names and surnames (``tests/data/build_name_pairs.py``) with short and
particle-like family names (Le, Lo, Da, Del, Van, Nguyen, Kim ...): one given name shared and
another surname (declared given-first, and family-first), or one surname shared and another
first given name. Seeded, so the pairs are the same on every run:

    PYTHONPATH=. /work/main/.venv/bin/python benchmarks/bench_profile.py --drift
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import random
import statistics
import zlib
import sys
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

from rapidfuzz import fuzz, utils

from idverify.profile import name_match, name_normalize
from idverify.profile.name_fields import split_full_name
from idverify.profile.name_match import MatchLevel, NameMatcher
from idverify.profile.settings import ProfileSettings

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "name_pairs.csv"
HOLDOUT = DATA.with_name("name_pairs_holdout.csv")
SHARED = Path(__file__).resolve().parents[2] / "shared" / "names" / "pairs.csv"
SYNTH = "nomenklatura:synth_people"
ANCHOR_THRESHOLD = 85


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


def shared_inputs(rows: list[dict[str, str]]) -> list[tuple[str, str, str]]:
    """(declared, surname, given names) of each shared pair: ``b`` against ``a`` split."""
    return [(r["b"], *split_full_name(r["a"])) for r in rows]


def shared_levels(matcher: NameMatcher, inputs: list[tuple[str, str, str]]) -> list[MatchLevel]:
    return [matcher.compare(*x).level for x in inputs]


def anchor_positive(rows: list[dict[str, str]]) -> list[bool]:
    """The anchor: ``token_set_ratio(a, b) >= 85`` with rapidfuzz's default processor."""
    return [
        fuzz.token_set_ratio(r["a"], r["b"], processor=utils.default_process) >= ANCHOR_THRESHOLD for r in rows
    ]


def level_metrics(labels: list[bool], levels: list[MatchLevel]) -> dict[str, float]:
    """MATCH precision (and how many MATCH), and precision, recall, F1 of MATCH-or-PARTIAL."""
    match = [lv == MatchLevel.MATCH for lv in levels]
    reach = [lv in (MatchLevel.MATCH, MatchLevel.PARTIAL) for lv in levels]
    match_p = prf(labels, match)[0]
    p, r, f = prf(labels, reach)
    return {"match_precision": match_p, "match_n": sum(match), "precision": p, "recall": r, "f1": f}


def half(row: dict[str, str]) -> int:
    """0 or 1, stable across runs and machines: the CRC-32 of the pair's two names."""
    return zlib.crc32(f"{row['a']}\x1f{row['b']}".encode()) & 1


def shared_main(repeats: int) -> int:
    if not SHARED.exists():
        print(f"skipped: {SHARED} is absent (the real name pairs live outside the repository)")
        return 0
    rows = load(SHARED)
    inputs = shared_inputs(rows)
    labels = [r["same"] == "1" for r in rows]
    matcher = NameMatcher(ProfileSettings())
    levels = shared_levels(matcher, inputs)
    anchor = anchor_positive(rows)
    subsets = {
        "all": [True] * len(rows),
        f"without {SYNTH}": [r["source"] != SYNTH for r in rows],
        f"only {SYNTH}": [r["source"] == SYNTH for r in rows],
        "half 0 (CRC-32 of a, b)": [half(r) == 0 for r in rows],
        "half 1": [half(r) == 1 for r in rows],
    }
    print(f"shared pairs: {len(rows)} ({sum(labels)} same person), {SHARED.parent}")
    print()
    print(f"{'subset':36s} {'n':>4s} {'same':>4s} | {'MATCH prec':>10s} {'#MATCH':>6s} | "
          f"{'M|P prec':>8s} {'recall':>6s} {'F1':>6s} | {'anchor prec':>11s} {'recall':>6s} {'F1':>6s}")  # fmt: skip
    for name, mask in subsets.items():
        lab = [y for y, m in zip(labels, mask) if m]
        lev = [x for x, m in zip(levels, mask) if m]
        anc = [x for x, m in zip(anchor, mask) if m]
        q = level_metrics(lab, lev)
        ap, ar, af = prf(lab, anc)
        print(f"{name:36s} {len(lab):4d} {sum(lab):4d} | {q['match_precision']:10.3f} {q['match_n']:6d} | "
              f"{q['precision']:8.3f} {q['recall']:6.3f} {q['f1']:6.3f} | {ap:11.3f} {ar:6.3f} {af:6.3f}")  # fmt: skip

    print()
    print("per kind (a pair counts under each part of its kind; same: reached MATCH|PARTIAL / MATCH;")
    print("different: wrongly MATCH|PARTIAL / MATCH; anchor: same found, different wrongly found)")
    kinds: dict[str, list[tuple[bool, MatchLevel, bool, bool]]] = {}
    for row, y, lv, an in zip(rows, labels, levels, anchor):
        for kind in set(row["kind"].replace(":", "+").split("+")):
            kinds.setdefault(kind, []).append((y, lv, an, row["source"] == SYNTH))
    print(f"{'kind':38s} {'same':>4s} {'reach':>5s} {'MATCH':>5s} {'anchor':>6s} | {'diff':>4s} {'M|P':>4s} "
          f"{'MATCH':>5s} {'anchor':>6s} | {'without synth: same reach, diff M|P':>35s}")  # fmt: skip
    for kind in sorted(kinds):
        items = kinds[kind]
        pos = [x for x in items if x[0]]
        neg = [x for x in items if not x[0]]

        def reached(xs):
            return sum(1 for x in xs if x[1] in (MatchLevel.MATCH, MatchLevel.PARTIAL))

        def matched(xs):
            return sum(1 for x in xs if x[1] == MatchLevel.MATCH)

        pos_ns = [x for x in pos if not x[3]]
        neg_ns = [x for x in neg if not x[3]]
        print(f"{kind:38s} {len(pos):4d} {reached(pos):5d} {matched(pos):5d} {sum(x[2] for x in pos):6d} | "
              f"{len(neg):4d} {reached(neg):4d} {matched(neg):5d} {sum(x[2] for x in neg):6d} | "
              f"{reached(pos_ns):>10d}/{len(pos_ns):<4d} {reached(neg_ns):>10d}/{len(neg_ns):<4d}")  # fmt: skip

    print()
    distinct = list(dict.fromkeys(inputs))

    def run() -> None:
        for x in distinct:
            matcher.compare(*x)

    def cold_setup() -> None:
        matcher.clear_caches()

    t_cold = timed(run, repeats, cold_setup)
    t_warm = timed(run, repeats)
    pairs = list(dict.fromkeys((r["a"], r["b"]) for r in rows))
    t_anchor = timed(
        lambda: [fuzz.token_set_ratio(a, b, processor=utils.default_process) for a, b in pairs], repeats
    )
    n = len(distinct)
    print(f"speed on the {n} distinct shared pairs, median of {repeats}, CPU seconds of one core:")
    print(f"  idverify NameMatcher  cold {n / t_cold:9,.0f}/s   warm {n / t_warm:9,.0f}/s")
    print(f"  anchor token_set_ratio       {len(pairs) / t_anchor:9,.0f}/s")
    return 0


# Family names short enough, or particle-like enough, for the short-surname and lone-given
# rules to bite (Le is the second most common Vietnamese surname; Lo, Da, Del, Van are
# surnames too).
DRIFT_SURNAMES = """Le Lo La Ly Li Lee Da Di De Del Van Al El Nguyen Tran Pham Kim Park Pak Sun Wu Ng Ho Ha
Chen Chan Wong Wang Lin Hay Hale Mann Hamann Orlov Ivanov Ivanova Hassan Abbas""".split()
# Each near-miss rule of 2026-12-02 by the module function that decides it, with the value
# that switches it off.
DRIFT_RULES = {
    "backwards or scrambled token": ("_backwards_or_scrambled", lambda *a: False),
    "dropped final consonant (Su, Sun)": ("_dropped_final_consonant", lambda *a: False),
    "short Latin surname two letters away": ("_short_latin_surnames", lambda *a: False),
    "given names with other vowels": ("_same_vowels", lambda *a: None),
    "declined given names": ("_declined_given_names", lambda *a: None),
}


def drift_pairs(seed: int = 15) -> list[tuple[str, str, str, str]]:
    """(shape, declared, surname, given names) of different people, built from name lists."""
    spec = importlib.util.spec_from_file_location("build_name_pairs", DATA.with_name("build_name_pairs.py"))
    lists = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(lists)
    rng = random.Random(seed)
    given = sorted(set(lists.MALE) | set(lists.FEMALE) | {"Anna", "Thi", "Van", "Minh", "Su", "Sun", "Jong"})
    surnames = sorted(set(lists.SURNAMES) | set(DRIFT_SURNAMES))
    pairs = []
    for s1 in surnames:
        for s2 in surnames:
            if s1 == s2:
                continue
            g = rng.choice(given)
            middle = rng.choice(given)
            pairs.append(("same given, other surname", f"{g} {s1}", s2.upper(), g.upper()))
            pairs.append(("same given, other surname, family first", f"{s1} {g}", s2.upper(), g.upper()))
            if middle not in (g, s1):
                pairs.append(("same given + doc middle, other surname", f"{g} {s1}", s2.upper(), f"{g} {middle}".upper()))
    for s in surnames:
        for _ in range(40):
            g1, g2 = rng.sample(given, 2)
            pairs.append(("same surname, other given", f"{g1} {s}", s.upper(), g2.upper()))
    return pairs


def drift_levels(pairs, off: str | None = None) -> list:
    """Each pair's comparison, with the rule ``off`` (a key of DRIFT_RULES) switched off."""
    saved = None
    if off is not None:
        name, value = DRIFT_RULES[off]
        saved = getattr(name_match, name)
        setattr(name_match, name, value)
    try:
        matcher = NameMatcher(ProfileSettings())
        return [matcher.compare(declared, surname, given) for _, declared, surname, given in pairs]
    finally:
        if saved is not None:
            setattr(name_match, DRIFT_RULES[off][0], saved)


def drift_main() -> int:
    pairs = drift_pairs()
    partial_score = ProfileSettings().name_partial_score
    now = drift_levels(pairs)
    reached = [c.level in (MatchLevel.MATCH, MatchLevel.PARTIAL) for c in now]
    shapes = Counter(shape for shape, *_ in pairs)
    print(f"different-person pairs: {len(pairs)} (seeded); MATCH or PARTIAL per shape:")
    for shape in sorted(shapes):
        hits = [c.level for (sh, *_), c in zip(pairs, now) if sh == shape]
        print(f"  {shape:44s} {shapes[shape]:6d}  MATCH {hits.count(MatchLevel.MATCH):4d}  "
              f"PARTIAL {hits.count(MatchLevel.PARTIAL):5d}")  # fmt: skip
    print(f"  {'all':44s} {len(pairs):6d}  MATCH {sum(c.level == MatchLevel.MATCH for c in now):4d}  "
          f"PARTIAL {sum(c.level == MatchLevel.PARTIAL for c in now):5d}")  # fmt: skip
    print("PARTIALs each rule adds (NO_MATCH with that rule off):")
    lone = sum(
        1
        for c in now
        if c.level == MatchLevel.PARTIAL and "surname not declared" in c.notes and c.score < partial_score
    )
    print(f"  {'lone given name (PARTIAL below the PARTIAL score)':44s} {lone:6d}")
    for rule in DRIFT_RULES:
        without = drift_levels(pairs, rule)
        added = sum(1 for r, c in zip(reached, without) if r and c.level == MatchLevel.NO_MATCH)
        print(f"  {rule:44s} {added:6d}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("-v", "--verbose", action="store_true", help="list every misclassified pair")
    parser.add_argument("--shared", action="store_true", help="measure on ../shared/names (real pairs)")
    parser.add_argument("--drift", action="store_true", help="count different-person pairs sent to PARTIAL, by rule")
    args = parser.parse_args()
    if args.drift:
        return drift_main()
    if args.shared:
        return shared_main(args.repeats)
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
        matcher.clear_caches()

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
    doc_names = [(r["declared"], f"{r['given_names']} {r['surname']}") for r in rows]
    t_anchor = timed(
        lambda: [fuzz.token_set_ratio(a, b, processor=utils.default_process) for a, b in doc_names], args.repeats
    )
    print(f"{'anchor token_set_ratio (speed only)':44s} {'':9s} {'':7s} {'':6s} {n / t_anchor:11,.0f}")

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
