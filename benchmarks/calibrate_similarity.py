"""Fit the face similarity of each reference class: P(same person | distance) at even prior odds.

    PYTHONPATH=. .venv/bin/python benchmarks/calibrate_similarity.py   # from face_measurements' cache

The pairs are calibrate_faces.py's (../shared/faces photo pairs, and photo a printed on generated
documents at every docgen level against photo b), grouped by the reference's measured class. For
each class a logistic curve ``1 / (1 + exp(slope * (distance - centre)))`` is fitted as the
posterior of two normal distance distributions with one shared variance (genuine and impostor;
linear discriminant analysis), so the curve is the probability of one person for a pair drawn
with even prior odds (at prior odds ``k``, multiply
the odds ``p / (1 - p)`` by ``k``). Reported per class: the fitted centre and slope (the defaults
in idverify/faces/settings.py), and, leaving one person out (each person's pairs scored by the
curve fitted without them), the balanced log loss and Brier score of this probability against
the readable score used before (0.8 / 0.5 / 0.2 at the thresholds), and a reliability table.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

import numpy as np

sys.path[:0] = [str(Path(__file__).resolve().parent.parent), str(Path(__file__).resolve().parent)]

import calibrate_faces as cf  # noqa: E402
import face_measurements as fm  # noqa: E402

from idverify.faces.decide import thresholds_for  # noqa: E402
from idverify.faces.settings import FaceSettings  # noqa: E402

CLASSES = ("photo", "document_portrait", "degraded_portrait")


def fit_logistic(distance: np.ndarray, same: np.ndarray) -> tuple[float, float]:
    """(centre, slope) of the logistic curve of two normal distance distributions with a shared
    variance (linear discriminant analysis) at even prior odds: centre midway between the
    genuine and impostor means, slope their gap over the pooled variance. Unlike a maximum-
    likelihood logistic fit, it does not steepen without bound when a class separates almost
    perfectly (94 genuine photo pairs), so a genuine pair beyond the impostors' closest still
    gets a small probability rather than none."""
    g, i = distance[same], distance[~same]
    pooled = (((g - g.mean()) ** 2).sum() + ((i - i.mean()) ** 2).sum()) / (len(distance) - 2)
    return float((g.mean() + i.mean()) / 2), float((i.mean() - g.mean()) / pooled)


def readable_score(distance: float, match_distance: float, no_match_distance: float) -> float:
    """The similarity reported before (until 2026-12): a logistic curve through 0.8 at the
    MATCH threshold and 0.2 at the NO_MATCH one, readable but no probability; for comparison."""
    half_band = max((no_match_distance - match_distance) / 2.0, 1e-3)
    z = math.log(4.0) / half_band * (distance - (match_distance + no_match_distance) / 2.0)
    return 0.0 if z > 700 else 1.0 / (1.0 + math.exp(z))


def probability(distance: np.ndarray, centre: float, slope: float) -> np.ndarray:
    return 1 / (1 + np.exp(np.clip(slope * (distance - centre), -50, 50)))


def balanced_scores(p: np.ndarray, same: np.ndarray) -> tuple[float, float]:
    """Balanced log loss and Brier score (genuine and impostor halves weighted equally)."""
    p = np.clip(p, 1e-6, 1 - 1e-6)
    loss = [-np.log(np.where(same, p, 1 - p))[m].mean() for m in (same, ~same)]
    brier = [((p - same) ** 2)[m].mean() for m in (same, ~same)]
    return float(np.mean(loss)), float(np.mean(brier))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=fm.DEFAULT_SHARED)
    parser.add_argument("--cache", type=Path, default=fm.DEFAULT_CACHE)
    args = parser.parse_args(argv)
    data = fm.load_for_report(args.shared, args.cache)
    if data is None:
        return 2
    settings = FaceSettings()
    pairs = [p for p in cf.build_pairs(data, args.shared, settings) if p.distance is not None]
    print("| class | pairs (genuine / impostor) | centre | slope | P at the MATCH threshold | at NO_MATCH | "
          "held-out log loss: fitted / old score | Brier: fitted / old |")
    print("|---|---|---|---|---|---|---|---|")
    reliability = {}
    for cls in CLASSES:
        ps = [p for p in pairs if p.reference_class == cls]
        d = np.array([p.distance for p in ps])
        same = np.array([p.same for p in ps])
        centre, slope = fit_logistic(d, same)
        t = thresholds_for(cls, settings)
        held = np.empty_like(d)
        for person in {x for p in ps for x in p.people}:
            out = np.array([person in p.people for p in ps])
            if same[~out].any() and (~same[~out]).any():
                held[out] = probability(d[out], *fit_logistic(d[~out], same[~out]))
        old = np.array([readable_score(x, t.match_distance, t.no_match_distance) for x in d])
        (lf, bf), (lo, bo) = balanced_scores(held, same), balanced_scores(old, same)
        at = [float(probability(np.array([x]), centre, slope)[0]) for x in (t.match_distance, t.no_match_distance)]
        print(f"| {cls} | {same.sum()} / {(~same).sum()} | {centre:.4f} | {slope:.2f} | {at[0]:.3f} | {at[1]:.3f} | "
              f"{lf:.3f} / {lo:.3f} | {bf:.3f} / {bo:.3f} |")
        reliability[cls] = (held, same)
    print("\nReliability, held out (pairs binned by their held-out probability; genuine share with the two "
          "halves weighted equally, as the even prior assumes):\n")
    print("| class | bin | pairs | mean probability | genuine share (balanced) |")
    print("|---|---|---|---|---|")
    for cls, (held, same) in reliability.items():
        wg, wi = 0.5 / same.sum(), 0.5 / (~same).sum()
        for lo_, hi_ in ((0, 0.1), (0.1, 0.5), (0.5, 0.9), (0.9, 1.0001)):
            m = (held >= lo_) & (held < hi_)
            if not m.any():
                continue
            g, i = (same & m).sum() * wg, (~same & m).sum() * wi
            print(f"| {cls} | {lo_:.1f}-{min(hi_, 1):.1f} | {m.sum()} | {held[m].mean():.3f} | "
                  f"{g / (g + i) if g + i else math.nan:.3f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
