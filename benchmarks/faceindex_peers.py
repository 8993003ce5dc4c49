"""Vector-index libraries side by side on the same faces (issue 17): hnswlib (the index the linker
used until it was dropped because it ships no wheels), usearch (the linker's index now) and
faiss-cpu's HNSW, each built with the same graph (degree 32, build breadth 200) and searched at
the same breadths, through one small adapter per library.

    PYTHONPATH=. python benchmarks/faceindex_peers.py --faces 100000
    PYTHONPATH=. nice -n 10 python benchmarks/faceindex_peers.py --faces 1000000 --queries 300

A library that is not installed is reported as such and skipped (hnswlib is no dependency of the
project any more: `pip install hnswlib` needs a C++ compiler). Per library: batch build rate on
all cores, single inserts into the built index one at a time on one thread (the serving path),
search p50/p99 one query at a time on one thread with recall@1 against exact numpy search,
resident memory added by the index, save and load time and file size, and deletion: 1% of the
faces removed, then the same number re-added, checking removed faces are never returned and
whether the index reuses their slots (its size after delete + re-add).
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

__all__ = ["PEERS", "compare"]


def rss_mb() -> float:
    """Current resident set size of this process, MB."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


class Hnswlib:
    name = "hnswlib 0.8 (M 32, ef_construction 200)"

    def __init__(self, capacity: int) -> None:
        import hnswlib

        self.lib = hnswlib
        self.index = hnswlib.Index(space="l2", dim=128)
        self.index.init_index(max_elements=capacity, ef_construction=200, M=32, allow_replace_deleted=True)

    def add(self, labels, vectors, threads):
        need = self.index.get_current_count() + len(labels)
        if need > self.index.get_max_elements():
            self.index.resize_index(max(need, 2 * self.index.get_max_elements()))
        self.index.add_items(vectors, labels, num_threads=threads, replace_deleted=True)

    def set_ef(self, ef):
        self.index.set_ef(ef)

    def search1(self, q, k):
        labels, _ = self.index.knn_query(q[None, :], k=k, num_threads=1)
        return labels[0]

    def remove(self, labels):
        for lab in labels:
            self.index.mark_deleted(int(lab))

    def slots(self):
        return self.index.get_current_count()

    def save(self, path):
        self.index.save_index(path)

    def load(self, path):
        index = self.lib.Index(space="l2", dim=128)
        index.load_index(path, allow_replace_deleted=True)
        self.index = index


class Usearch:
    name = "usearch 2 (connectivity 32, expansion_add 200)"

    def __init__(self, capacity: int) -> None:
        from usearch.index import Index

        self.cls = Index
        self.index = Index(ndim=128, metric="l2sq", dtype="f32", connectivity=32, expansion_add=200)
        # usearch grows its capacity by itself as faces are added.

    def add(self, labels, vectors, threads):
        self.index.add(np.asarray(labels, dtype=np.uint64), vectors, threads=0 if threads < 0 else threads)

    def set_ef(self, ef):
        self.index.expansion_search = ef

    def search1(self, q, k):
        return self.index.search(q, k, threads=1).keys

    def remove(self, labels):
        self.index.remove(np.asarray(labels, dtype=np.uint64))

    def slots(self):
        return self.index.stats.nodes

    def save(self, path):
        self.index.save(path)

    def load(self, path):
        index = self.cls(ndim=128, metric="l2sq", dtype="f32", connectivity=32, expansion_add=200)
        index.load(path)
        self.index = index


class Faiss:
    """faiss's HNSW cannot remove vectors (``remove_ids`` raises for it): removed faces are
    filtered out at search time by an ID selector and their slots are never reused."""

    name = "faiss-cpu 1.15 IndexHNSWFlat (M 32, efConstruction 200)"

    def __init__(self, capacity: int) -> None:
        import faiss

        self.faiss = faiss
        self.index = faiss.IndexHNSWFlat(128, 32)
        self.index.hnsw.efConstruction = 200
        self.rows: list[int] = []  # faiss row -> label
        self.row_of: dict[int, int] = {}
        self.removed: set[int] = set()  # faiss rows
        self.params = None
        self.ef = 64

    def add(self, labels, vectors, threads):
        self.faiss.omp_set_num_threads(os.cpu_count() if threads < 0 else threads)
        start = len(self.rows)
        self.index.add(np.ascontiguousarray(vectors, dtype=np.float32))
        for i, lab in enumerate(labels):
            self.rows.append(int(lab))
            self.row_of[int(lab)] = start + i

    def set_ef(self, ef):
        self.ef = ef
        self._params()

    def _params(self):
        p = self.faiss.SearchParametersHNSW()
        p.efSearch = self.ef
        if self.removed:
            self._sel = self.faiss.IDSelectorBatch(np.fromiter(self.removed, dtype=np.int64))
            self._not = self.faiss.IDSelectorNot(self._sel)
            p.sel = self._not
        self.params = p

    def search1(self, q, k):
        self.faiss.omp_set_num_threads(1)
        _, rows = self.index.search(q[None, :], k, params=self.params)
        return np.array([self.rows[r] if r >= 0 else -1 for r in rows[0]])

    def remove(self, labels):
        self.removed.update(self.row_of.pop(int(lab)) for lab in labels)
        self._params()

    def slots(self):
        return self.index.ntotal

    def save(self, path):
        self.faiss.write_index(self.index, path)

    def load(self, path):
        self.index = self.faiss.read_index(path)


PEERS = {"hnswlib": Hnswlib, "usearch": Usearch, "faiss": Faiss}


def build(peer, labels: np.ndarray, data: np.ndarray) -> float:
    """Add ``data`` in chunks of 4,096 on all cores (a rebuild from the store); seconds taken."""
    t = time.perf_counter()
    for start in range(0, len(data), 4096):
        peer.add(labels[start : start + 4096], data[start : start + 4096], threads=-1)
    return time.perf_counter() - t


def timed_searches(peer, queries: np.ndarray, exact, k: int = 10) -> tuple[list[float], float, float]:
    """Milliseconds per query (one at a time, one thread), recall@1 against ``exact``, and CPU
    milliseconds per query (``time.process_time``, which other processes' load disturbs least)."""
    times, agree = [], 0
    c0 = time.process_time()
    for q, best in zip(queries, exact, strict=True):
        t = time.perf_counter()
        got = peer.search1(q, k)
        times.append((time.perf_counter() - t) * 1000)
        agree += int(got[0]) == int(best)
    return times, agree / len(queries), (time.process_time() - c0) * 1000 / len(queries)


def compare(data: np.ndarray, queries: np.ndarray, exact: np.ndarray, peers: list[str],
            efs: list[int], singles: int = 2000) -> None:
    """Print one table row per (library, search breadth) and one per library for the rest."""
    print("| library | ef | search p50 ms | p99 ms | recall@1 vs exact |")
    print("|---|---|---|---|---|")
    other: list[str] = []
    n_base = len(data) - singles
    labels = np.arange(len(data), dtype=np.int64)
    for key in peers:
        try:
            peer = PEERS[key](len(data))
        except ImportError:
            print(f"| {key}: not installed | | | | |")
            continue
        gc.collect()
        before = rss_mb()
        build_s = build(peer, labels[:n_base], data[:n_base])
        one = []
        for i in range(n_base, len(data)):  # serving: one face at a time, one thread
            t = time.perf_counter()
            peer.add(labels[i : i + 1], data[i : i + 1], threads=1)
            one.append((time.perf_counter() - t) * 1000)
        grown = rss_mb() - before
        for ef in efs:
            peer.set_ef(ef)
            times, recall, _ = timed_searches(peer, queries, exact)
            print(f"| {peer.name} | {ef} | {np.percentile(times, 50):.3f} | {np.percentile(times, 99):.3f} | "
                  f"{recall:.4f} |", flush=True)
        # Deletion: the exact nearest faces of the queries plus random others, 1% in all.
        rng = np.random.default_rng(5)
        gone = np.unique(np.concatenate([exact, rng.choice(len(data), len(data) // 100, replace=False)]))
        t = time.perf_counter()
        peer.remove(gone)
        remove_ms = (time.perf_counter() - t) * 1000 / len(gone)
        leaked = sum(bool(set(peer.search1(q, 10).tolist()) & {int(best)})
                     for q, best in zip(queries, exact, strict=True))
        before_slots = peer.slots()
        peer.add(gone + len(data), data[gone], threads=-1)  # same number of new faces
        reused = "yes" if peer.slots() == before_slots else f"no (+{peer.slots() - before_slots:,} slots)"
        with tempfile.TemporaryDirectory() as tmp:
            path = str(Path(tmp) / "index")
            t = time.perf_counter()
            peer.save(path)
            save_s = time.perf_counter() - t
            size = os.path.getsize(path) / 2**20
            t = time.perf_counter()
            peer.load(path)
            load_s = time.perf_counter() - t
        other.append(f"| {peer.name} | {n_base / build_s:,.0f} | {np.median(one):.3f} / {np.percentile(one, 99):.3f} | "
                     f"{grown:,.0f} | {size:,.0f} | {save_s:.2f} / {load_s:.2f} | {remove_ms * 1000:.1f} | "
                     f"{leaked} | {reused} |")
        del peer
        gc.collect()
    print(f"\n| library | build faces/s (all cores) | single insert p50 / p99 ms ({singles:,}) | RSS added MB | "
          "file MB | save / load s | remove µs/face | removed faces returned | slots reused |")
    print("|---|---|---|---|---|---|---|---|---|")
    print("\n".join(other))


def main(argv: list[str] | None = None) -> int:
    from benchmarks.tune_faceindex import workload

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--faces", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=500)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--face-dim", type=int, default=32)
    ap.add_argument("--peers", default="hnswlib,usearch,faiss")
    ap.add_argument("--ef", default="64,96,128")
    args = ap.parse_args(argv)
    if set(args.peers.split(",")) - set(PEERS):
        ap.error(f"--peers: choose from {', '.join(PEERS)}")
    t0 = time.perf_counter()
    data, queries, exact = workload(args.faces, args.queries, args.seed, args.face_dim)
    print(f"# faceindex_peers: {len(data):,} faces, {len(queries)} queries, seed {args.seed}, face dim "
          f"{args.face_dim} (prepared in {time.perf_counter() - t0:.0f} s)\n")
    compare(data, queries, exact, args.peers.split(","), [int(x) for x in args.ef.split(",")])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
