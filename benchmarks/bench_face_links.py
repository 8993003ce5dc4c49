"""False and true face links 1:N: real photos of ../shared/faces searched against a gallery of
100k+ faces (the linker benchmark's synthetic population plus the real faces), at each candidate
linker face level, with the real impostor tail extrapolated to the gallery size.

    PYTHONPATH=. /work/venv/bin/python benchmarks/face_measurements.py      # once, cached in /tmp
    PYTHONPATH=. /work/venv/bin/python benchmarks/bench_face_links.py [--gallery 100000] [--level clean]

Reads the embeddings face_measurements.py cached (never measures, never writes: a cache of
another version stops the script, so a calibration in progress elsewhere is not overwritten).
Each real image brings the linker's two faces of a signup: the photo (the selfie) and the same
photo printed on a generated document at ``--level`` (the document portrait).

- Different-person queries: for each real person, the gallery holds the synthetic faces and the
  faces of every other real person; all of the person's faces are queried. A query links falsely
  at a level when its nearest gallery face is within the level.
- Same-person queries: the person's first image (photo and portrait) is added to the gallery;
  each other image is a second signup, linked when one of its faces is within the level of one
  of the first image's faces.
- Tail: synthetic faces are ~0.9 apart and, measured here, more than 1.2 from every real face,
  so they show the machinery at size, not the false-match rate. The rate at 100k comes from the
  1391 different-person photo pairs of pairs.csv: a normal fitted to all of them, and one fitted
  to their lowest 10% only (probit regression on the empirical quantiles), each giving the
  probability p(t) that one stranger is within t; a query against N strangers with two faces
  each, from two faces, expects about 4 N p(t) false hits (an upper bound: the four distances
  are correlated).

Exact search (numpy) over the whole gallery: the linker's HNSW graph has recall@1 1.0 at this
size (bench_linker.py), so exact search shows what the linker would find. Prints Markdown.
"""

from __future__ import annotations

import argparse
import collections
import math
import pickle
import sys
from pathlib import Path
from statistics import NormalDist

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_linker  # noqa: E402
import face_measurements as fm  # noqa: E402

LEVELS = (0.40, 0.44, 0.471, 0.50, 0.539, 0.573, 0.60)
_STD = NormalDist()


def load_cache(path: Path) -> dict:
    """The cached measurements, read only; SystemExit when absent or of another version."""
    if not path.is_file():
        raise SystemExit(f"no cache at {path}: run benchmarks/face_measurements.py first")
    with open(path, "rb") as fh:
        data = fm._Unpickler(fh).load()
    if data.get("version") != fm.CACHE_VERSION:
        raise SystemExit(f"{path} is cache version {data.get('version')}, this code reads {fm.CACHE_VERSION}; "
                         "pass --cache with a matching one (not re-measuring: another run may own it)")
    return data


def faces_of(data: dict, name: str, level: str) -> list[np.ndarray]:
    """The photo's embedding and its printed portrait's at ``level`` (those with a face)."""
    entry = data["images"][name]
    out = [entry["photo"]["ours"].embedding]
    if level in entry:
        out.append(entry[level]["ours"].embedding)
    return [np.asarray(e, dtype=np.float32) for e in out if e is not None]


def synthetic_faces(n_faces: int, seed: int) -> np.ndarray:
    """At least ``n_faces`` embeddings from bench_linker's population generator."""
    accounts, _ = bench_linker.generate(int(n_faces * 1.08) + 100, seed)
    faces = [e for acc in accounts for t, _, _, _, e in acc.signals if t == bench_linker.pb.SIGNAL_TYPE_FACE_EMBEDDING]
    assert len(faces) >= n_faces, len(faces)
    return np.stack(faces[:n_faces]).astype(np.float32)


def nearest(queries: list[np.ndarray], gallery: np.ndarray) -> float:
    """The smallest distance from any query face to any gallery face."""
    q = np.stack(queries)
    sq = (q * q).sum(1)[:, None] + (gallery * gallery).sum(1)[None, :] - 2 * q @ gallery.T
    return float(math.sqrt(max(float(sq.min()), 0.0)))


def fit_normal(impostor: np.ndarray, tail: float | None) -> tuple[float, float]:
    """(mean, sd) of a normal fitted to all distances, or to the lowest ``tail`` fraction by
    regressing them on the normal quantiles of their plotting positions."""
    if tail is None:
        return float(impostor.mean()), float(impostor.std())
    xs = np.sort(impostor)
    n = len(xs)
    k = max(10, int(n * tail))
    z = np.array([_STD.inv_cdf((i + 0.5) / n) for i in range(k)])
    sd, mean = np.polyfit(z, xs[:k], 1)
    return float(mean), float(sd)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=fm.DEFAULT_SHARED)
    ap.add_argument("--cache", type=Path, default=fm.DEFAULT_CACHE)
    ap.add_argument("--gallery", type=int, default=100_000, help="synthetic faces in the gallery")
    ap.add_argument("--level", default="clean", help="docgen level of the printed portraits")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    data = load_cache(args.cache)
    by_person: dict[str, list[str]] = collections.defaultdict(list)
    for name in sorted(data["images"]):
        if data["images"][name]["photo"]["ours"].embedding is not None:
            by_person[fm.person(name)].append(name)
    synthetic = synthetic_faces(args.gallery, args.seed)
    real = {p: [f for n in names for f in faces_of(data, n, args.level)] for p, names in by_person.items()}
    n_real = sum(len(v) for v in real.values())
    print(f"# 1:N face links: {len(synthetic):,} synthetic + {n_real} real faces ({len(by_person)} people, "
          f"photo and {args.level} portrait each), exact search\n")

    # Different people: every face of a person against the gallery without them.
    diff_nearest: dict[str, list[float]] = {}
    for person, names in by_person.items():
        others = np.concatenate([synthetic, np.stack([f for p, fs in real.items() if p != person for f in fs])])
        diff_nearest[person] = [nearest(faces_of(data, n, args.level), others) for n in names]
    to_synthetic = min(nearest(fs, synthetic) for fs in real.values())
    # Same person: the first image registered, every other image a second signup.
    same: list[tuple[str, float, float]] = []  # person, distance to own first image, nearest stranger
    for person, names in by_person.items():
        first = np.stack(faces_of(data, names[0], args.level))
        for n in names[1:]:
            q = faces_of(data, n, args.level)
            same.append((person, nearest(q, first), min(diff_nearest[person])))

    queries = [d for ds in diff_nearest.values() for d in ds]
    print(f"Nearest synthetic face to any real face: {to_synthetic:.3f}. Different-person queries: {len(queries)} "
          f"signups (each image of each person, against everyone else); same-person: {len(same)} second signups "
          f"of {len({p for p, *_ in same})} people (one person has a single photo).\n")
    print("| level | different-person signups linked (nearest stranger within) | same-person second signups linked "
          "| people with a second signup linked |")
    print("|---|---|---|---|")
    for t in LEVELS:
        wrong = sum(d <= t for d in queries)
        right = sum(d <= t for _, d, _ in same)
        people = len({p for p, d, _ in same if d <= t})
        print(f"| {t:.3f} | {wrong} / {len(queries)} | {right} / {len(same)} ({100 * right / len(same):.0f}%) "
              f"| {people} / {len({p for p, *_ in same})} |")
    print(f"\nClosest stranger to any query: {min(queries):.3f} (real; the synthetic faces are farther).\n")

    pairs = fm.read_pairs(args.shared)
    photo = {n: np.asarray(data["images"][n]["photo"]["ours"].embedding) for ns in by_person.values() for n in ns}
    impostor = np.array([np.linalg.norm(photo[a] - photo[b]) for a, b, s in pairs if not s and a in photo and b in photo])
    genuine = np.array([np.linalg.norm(photo[a] - photo[b]) for a, b, s in pairs if s and a in photo and b in photo])
    fits = {"normal, all pairs": fit_normal(impostor, None), "normal, lowest 10%": fit_normal(impostor, 0.10)}
    print(f"Real different-person photo pairs: {len(impostor)} (min {impostor.min():.3f}, mean {impostor.mean():.3f}, "
          f"sd {impostor.std():.3f}); same-person: {len(genuine)}. Fits (mean, sd): "
          + "; ".join(f"{k} {m:.3f}, {s:.3f}" for k, (m, s) in fits.items()) + "\n")
    print("| level | genuine photo pairs within | measured FAR (pairs) | " + " | ".join(
        f"{k}: p(one stranger) | false hits per signup at 100k | at 1M" for k in fits) + " |")
    print("|---|---|---|" + "---|---|---|" * len(fits))
    for t in LEVELS:
        cells = []
        for m, s in fits.values():
            p = _STD.cdf((t - m) / s)
            cells.append(f"{p:.1e} | {4 * 100_000 * p:.3g} | {4 * 1_000_000 * p:.3g}")
        print(f"| {t:.3f} | {100 * (genuine <= t).mean():.1f}% | {int((impostor <= t).sum())} / {len(impostor)} | "
              + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
