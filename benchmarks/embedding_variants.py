"""Issue 20 items 2 and 3: each embedding variant, and main + ghost portrait fusion, measured one by one.

    PYTHONPATH=. /work/venv/bin/python benchmarks/face_measurements.py --reuse-naive   # once, ~12 min
    PYTHONPATH=. /work/venv/bin/python benchmarks/embedding_variants.py               # seconds

Reads the cache of benchmarks/face_measurements.py, which encodes every selected face with every
variant of ``face_measurements.VARIANTS`` (restorations only on document references; the photo
probe of such a pair is encoded with the same variant minus the restoration). Per set and
variant, on distances only (no quality gate, a missing face is a genuine reject):

    EER          the equal error rate (threshold where FAR = FRR, interpolated on the pairs)
    FRR@0.1%     same-person pairs rejected at the largest threshold accepting at most 0.1% of
                 different-person pairs (1 of 1,391)
and with the full decision (the reference's class, its thresholds as shipped, the quality gate):
    not MATCH    same-person pairs not decided MATCH at the shipped thresholds, and LOPO: held
                 out, thresholds chosen by calibrate_faces.choose_thresholds without the pair's people
    imp MATCH    different-person pairs decided MATCH (shipped / LOPO)
    ms/pair      median CPU milliseconds to align and encode both faces with the variant
                 (the pipeline's plain 68-point encoding is "base")

Fusion (``--fuse``): on a document whose ghost portrait was found, the reference distance is the
min or the mean of the main and the ghost portrait's distances to the probe; without a ghost,
the main portrait's. Nothing is written; no image or embedding is printed.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import calibrate_faces as cal  # noqa: E402
import face_measurements as fm  # noqa: E402

from idverify.faces.decide import thresholds_for  # noqa: E402
from idverify.faces.settings import FaceSettings  # noqa: E402

FAR_TARGET = 0.001


#: "<restoration>_small": the restoration only on a reference face narrower than
#: FaceSettings.degraded_below_face_width_px (70 px: the chip then enlarges the face about 1.5x
#: or more, so printed lines of 1-2 px become 3-6 px on the chip, where the 5x5 median or the 3x3
#: closing removes them); larger faces are encoded as they are. A rule chosen after seeing the
#: plain restorations hurt the clean level: read its rates as exploratory.
SMALL = "_small"


def probe_variant(name: str) -> str:
    """The variant a photo is encoded with when ``name`` restores document portraits only."""
    alignment, mirror, jitters, _ = fm.VARIANTS[name.removesuffix(SMALL)]
    return next(k for k, v in fm.VARIANTS.items() if v == (alignment, mirror, jitters, None))


def with_variant(pairs: list[cal.Pair], data: dict, variant: str, fuse: str | None) -> list[cal.Pair]:
    """``pairs`` with distances and encode times of ``variant`` (and ghost fusion)."""
    images = data["images"]
    out = []
    for p in pairs:
        ref, prb = images[p.a][p.set]["ours"], images[p.b]["photo"]["ours"]
        rv = ref.extra.get("variants", {})
        pv = prb.extra.get("variants", {})
        rname = variant if variant in rv else probe_variant(variant)
        if variant.endswith(SMALL):
            small = p.ref_measures is not None and p.ref_measures.face_width_px < FaceSettings().degraded_below_face_width_px
            rname = variant.removesuffix(SMALL) if small and variant.removesuffix(SMALL) in rv else probe_variant(variant)
        pname = probe_variant(variant)
        distance = p.distance
        cpu = p.cpu_ours
        if p.distance is not None and rname in rv and pname in pv:
            distance = float(np.linalg.norm(rv[rname][0] - pv[pname][0]))
            cpu = rv[rname][1] + pv[pname][1]
            ghost = ref.extra.get("ghost")
            if fuse and ghost is not None:
                g = float(np.linalg.norm(ghost["embedding"] - pv["base"][0]))
                distance = min(distance, g) if fuse == "min" else (distance + g) / 2.0
                cpu += ghost["cpu_seconds"]
        out.append(replace(p, distance=distance, cpu_ours=cpu))
    return out


def eer(gen: list[float | None], imp: list[float]) -> float:
    """Equal error rate in percent (missing genuine distances are rejects at every threshold)."""
    ts = np.unique(np.array([d for d in gen if d is not None] + imp))
    g = np.array([np.inf if d is None else d for d in gen])
    i = np.array(imp)
    far = np.array([(i <= t).mean() for t in ts])
    frr = np.array([(g > t).mean() for t in ts])
    k = int(np.argmin(np.abs(far - frr)))
    return 100.0 * (far[k] + frr[k]) / 2.0


def frr_at_far(gen: list[float | None], imp: list[float], far: float = FAR_TARGET) -> float:
    """FRR in percent at the largest threshold with at most ``far`` of impostors at or below it."""
    i = np.sort(np.array(imp))
    allowed = int(np.floor(far * len(i)))
    t = i[allowed] - 1e-9 if allowed < len(i) else np.inf  # just below the (allowed+1)-th closest
    return 100.0 * float(np.mean([d is None or d > t for d in gen]))


def rows(pairs: list[cal.Pair], settings: FaceSettings, margin: float) -> dict[str, tuple]:
    """set -> (EER, FRR@FAR, shipped not MATCH, shipped imp MATCH, LOPO not MATCH, LOPO imp MATCH, ms)."""
    held, _ = cal.lopo(pairs, settings, margin)
    out = {}
    for s in dict.fromkeys(p.set for p in pairs):
        ps = [p for p in pairs if p.set == s]
        gen, imp = [p for p in ps if p.same], [p for p in ps if not p.same]
        shipped = {id(p): cal.decision(p, thresholds_for(p.reference_class, settings), settings) for p in ps}
        lo = {id(p): held.get(id(p), ("INCONCLUSIVE", None))[0] for p in ps}
        imp_d = [p.distance for p in imp if p.distance is not None]
        gen_d = [p.distance for p in gen]
        out[s] = (
            eer(gen_d, imp_d),
            frr_at_far(gen_d, imp_d),
            100.0 * sum(shipped[id(p)] != "MATCH" for p in gen) / len(gen),
            sum(shipped[id(p)] == "MATCH" for p in imp),
            100.0 * sum(lo[id(p)] != "MATCH" for p in gen) / len(gen),
            sum(lo[id(p)] == "MATCH" for p in imp),
            1000.0 * statistics.median(p.cpu_ours for p in ps),
        )
    return out


def print_rows(runs: list[tuple[str, list[cal.Pair]]], settings: FaceSettings, margin: float,
               sets: list[str] | None = None) -> None:
    """The table of :func:`rows`, one line per (label, pairs) run and set (of ``sets``: all by default)."""
    print("| variant | set | EER % | FRR@FAR0.1% | not MATCH shipped | imp MATCH shipped | not MATCH LOPO | imp MATCH LOPO | ms/pair |")
    print("|---|---|---|---|---|---|---|---|---|")
    for label, pairs in runs:
        for s, (e, f, nm, im, lnm, lim, ms) in rows(pairs, settings, margin).items():
            if sets is not None and s not in sets:
                continue
            print(f"| {label} | {s} | {e:.1f} | {f:.1f} | {nm:.1f}% | {im} | {lnm:.1f}% | {lim} | {ms:.0f} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=fm.DEFAULT_SHARED)
    parser.add_argument("--cache", type=Path, default=fm.DEFAULT_CACHE)
    parser.add_argument("--margin", type=float, default=0.02)
    parser.add_argument("--variants", default=",".join(fm.VARIANTS), help="comma-separated, from face_measurements.VARIANTS")
    parser.add_argument("--fuse", choices=("min", "mean"), action="append", default=[],
                        help="also report main + ghost fusion with this rule (repeatable)")
    parser.add_argument("--fuse-variant", default="base", help="embedding variant the fusion rows use")
    args = parser.parse_args(argv)
    settings = FaceSettings()
    data = fm.load(args.cache, args.shared)
    if data.get("version") != fm.CACHE_VERSION:
        print("the cache has no variants; run face_measurements.py --reuse-naive", file=sys.stderr)
        return 2
    base = cal.build_pairs(data, args.shared, settings)
    ghosts = {s: sum(1 for e in data["images"].values() if s in e and "ghost" in e[s]["ours"].extra) for s in data["levels"]}
    total = {s: sum(1 for e in data["images"].values() if s in e) for s in data["levels"]}
    print("ghost portraits found (documents): " + ", ".join(f"{s} {ghosts[s]}/{total[s]}" for s in data["levels"]) + "\n")
    runs = [(v, None) for v in args.variants.split(",")] + [(args.fuse_variant, f) for f in args.fuse]
    print_rows([(variant + (f" + ghost {fuse}" if fuse else ""), with_variant(base, data, variant, fuse))
                for variant, fuse in runs], settings, args.margin)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
