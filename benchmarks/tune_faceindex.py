"""Face index tuning: which usearch HNSW graph (M, ef_construction: usearch's connectivity and
expansion_add) and search breadth (ef: expansion_search) gives recall@1 >= 0.999 at the lowest
cost per registered account (one insert plus one search). Until issue 17 this tuned hnswlib; the
RESULTS.md table "Choosing the face graph" is from that version.

    PYTHONPATH=. python benchmarks/tune_faceindex.py --faces 200000
    PYTHONPATH=. python benchmarks/tune_faceindex.py --faces 1000000 --grid 16:100,24:200

Faces come from bench_linker's population generator (identity centres in a low-dimensional
subspace, photo noise on top), so the numbers match the linker benchmark's. Each graph is built
with all cores in batches, as the batch registration path does; insert cost is build time over
the number of faces. Queries are new photos (a stored face plus noise) searched one at a time
(the RegisterAccount path) and as one batch on all cores (the register_many path); recall@1 is
against exact numpy search. Timings are medians on a shared machine: read the ratios.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np
from usearch.index import Index

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from benchmarks.bench_linker import generate  # noqa: E402
from linker.v1 import linking_service_pb2 as pb  # noqa: E402


def faces(n: int, seed: int, face_dim: int) -> np.ndarray:
    """At least ``n`` face embeddings of the synthetic population (first ``n`` returned)."""
    out: list[np.ndarray] = []
    accounts = int(n * 1.05) + 100
    stream, _ = generate(accounts, seed, face_dim)
    for acc in stream:
        for t, _, _, _, e in acc.signals:
            if t == pb.SIGNAL_TYPE_FACE_EMBEDDING:
                out.append(e)
    return np.stack(out[:n]).astype(np.float32)


def workload(n: int, n_queries: int, seed: int, face_dim: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``n`` faces, ``n_queries`` new photos of stored faces (noise 0.02 per dimension), and the
    row of each query's exact nearest face."""
    data = faces(n, seed, face_dim)
    rng = np.random.default_rng(seed + 3)
    picks = rng.choice(len(data), n_queries, replace=False)
    queries = (data[picks] + rng.normal(0, 0.02, (len(picks), 128))).astype(np.float32)
    exact = np.empty(len(queries), dtype=np.int64)
    for i in range(0, len(queries), 100):
        q = queries[i : i + 100]
        d = (data**2).sum(1)[None, :] - 2 * q @ data.T
        exact[i : i + 100] = d.argmin(1)
    return data, queries, exact


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--faces", type=int, default=200_000)
    ap.add_argument("--queries", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--face-dim", type=int, default=32)
    ap.add_argument("--grid", default="16:100,16:200,24:200,32:200", help="M:ef_construction pairs")
    ap.add_argument("--ef", default="64,128,256,512", help="search breadths to try on each graph")
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    data, queries, exact = workload(args.faces, args.queries, args.seed, args.face_dim)
    print(f"# tune_faceindex: {len(data):,} faces, {len(queries)} queries (prepared in {time.perf_counter() - t0:.0f} s)\n")
    print("| M | ef_construction | build ms/face (all cores) | ef | search p50 ms (one) | "
          "search ms/query (batch, all cores) | recall@1 | insert + batch search ms/account |")
    print("|---|---|---|---|---|---|---|---|")
    for pair in args.grid.split(","):
        m, efc = (int(x) for x in pair.split(":"))
        index = Index(ndim=128, metric="l2sq", dtype="f32", connectivity=m, expansion_add=efc)
        t = time.perf_counter()
        for start in range(0, len(data), 256):  # the batch path's insert pattern
            index.add(np.arange(start, min(start + 256, len(data)), dtype=np.uint64), data[start : start + 256])
        build_ms = (time.perf_counter() - t) * 1000 / len(data)
        for ef in (int(x) for x in args.ef.split(",")):
            index.expansion_search = ef
            one = []
            for q in queries[:300]:
                t = time.perf_counter()
                index.search(q, 10, threads=1)
                one.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            labels = index.search(queries, 10).keys  # all cores
            batch_ms = (time.perf_counter() - t) * 1000 / len(queries)
            recall = float((labels[:, 0].astype(np.int64) == exact).mean())
            print(f"| {m} | {efc} | {build_ms:.3f} | {ef} | {np.median(one):.3f} | {batch_ms:.3f} | "
                  f"{recall:.4f} | {build_ms + batch_ms:.3f} |", flush=True)
        del index
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
