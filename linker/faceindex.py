"""1:N face search: a usearch HNSW graph over 128-d embeddings, labelled by store face ids.

Why usearch (issue 17, measured against hnswlib and faiss-cpu in ``benchmarks/faceindex_peers.py``
and ``benchmarks/bench_linker.py``; table in benchmarks/RESULTS.md): the linker adds faces one at a
time while serving searches and must erase single faces on request. usearch inserts
incrementally, removes by key (the slot is reused by later inserts), saves and loads, releases the
GIL in its calls, and ships manylinux wheels that pick the CPU's vector instructions at run time,
so installing needs no compiler. hnswlib, the index used before, does all of that but ships no
wheels: pip compiles it with ``-march=native``, which needs a C++ compiler and can crash with an
illegal instruction on another CPU. FAISS's HNSW index cannot remove vectors (removal there is a
search-time filter whose slots are never reused), its IVF indexes need training and re-training
as the population drifts, and its exact flat index costs O(N) per query.
The price: usearch computes as many distances per query as hnswlib or faiss but takes about
twice as long for each, so 2.8-4x hnswlib's CPU per query at the same search breadth and 2.3x
per insert; no option of usearch's closes that (RESULTS.md, "why usearch is slower").
Half-precision storage (``dtype="f16"``, ``linker.hnsw_dtype``) halves the vectors and cuts the
build by a third, but lost recall and moves distances by ~1e-4, so float32 is the default.

The index is derived data: the store's ``faces`` table is the truth. :meth:`FaceIndex.sync`
catches the index up with faces committed since its last sync (by this or another replica), so
a new process rebuilds it on start; erased faces are deleted here and, for erasures by other
replicas, filtered out when search results are checked against the store. With
``linker.index_path`` set, :meth:`FaceIndex.save` writes the graph at shutdown and
:meth:`FaceIndex.load` reads it back at start, then catches up with the store (new faces added,
erased ones dropped), so a restart at a million faces takes seconds instead of minutes. A file in
another format (an hnswlib graph saved before issue 17, or a damaged file) is not read: the index
is rebuilt from the store's embeddings instead, and the next save replaces the file.
"""

from __future__ import annotations

import json
import logging
import os
import weakref
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

import numpy as np
from usearch.index import Index, MetricKind

from linker.signals import EMBEDDING_DIM
from linker.store.base import LinkStore

__all__ = ["DTYPES", "Dtype", "FaceIndex", "exact_distances"]

_log = logging.getLogger(__name__)

#: Written into ``<index_path>.json``; a file without it (hnswlib's, before issue 17) is rebuilt.
_FORMAT = "usearch-2"
_ALL_CORES = 0  # usearch's "threads" for every core
#: How the graph may store embeddings (usearch's dtype); see :class:`FaceIndex`.
Dtype = Literal["f32", "f16"]
DTYPES: tuple[Dtype, ...] = ("f32", "f16")


def exact_distances(queries: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    """Euclidean distances between each query row and each matrix row, in float64 (the one
    formula for every exact comparison, so that the batch and one-by-one paths agree)."""
    q = np.asarray(queries, dtype=np.float64).reshape(-1, EMBEDDING_DIM)
    m = np.asarray(matrix, dtype=np.float64).reshape(-1, EMBEDDING_DIM)
    sq = (q**2).sum(1)[:, None] - 2 * q @ m.T + (m**2).sum(1)[None, :]
    return np.sqrt(np.maximum(sq, 0.0))


class FaceIndex:
    """An HNSW index of face embeddings (Euclidean distance), thread-safe.

    Inserting a face into the graph is the dearest step of a registration (about 0.8 ms of CPU
    at a million faces with the default graph), so small additions are not inserted by the caller:
    they wait in a *pending* buffer that every search also scans exactly, and a background
    thread moves them into the graph a few at a time, on the other core, without the GIL. A
    face is therefore searchable as soon as :meth:`add` returns. Large additions (a rebuild or
    a catch-up at start) and additions past ``max_pending`` are inserted at once with all
    threads. usearch's Python binding makes no promise that two calls on one graph may run at
    once (each call numbers its own worker threads), so one lock serialises graph calls, as with
    hnswlib before; the background thread holds it for one small chunk at a time. The graph
    grows by itself.
    """

    def __init__(self, m: int = 32, ef_construction: int = 200, ef_search: int = 96,
                 background: bool = True, max_pending: int = 4096, chunk: int = 8, *,
                 dtype: Dtype = "f32") -> None:
        """``m`` is the graph degree (usearch's connectivity), ``ef_construction`` and
        ``ef_search`` the insert and search breadths (its expansion_add and expansion_search).
        ``dtype`` is how the graph stores embeddings: ``f32`` exactly, ``f16`` in half the
        memory (distances then differ from float32 ones by about 1e-4).
        ``background=False`` starts no thread: small additions wait in the pending buffer until
        :meth:`flush`, :meth:`save` or ``max_pending``."""
        if dtype not in DTYPES:
            raise ValueError(f"face index dtype must be one of {', '.join(DTYPES)}, not {dtype!r}")
        self.dtype = dtype
        self._index = _new_graph(m, ef_construction, ef_search, dtype)
        self._lock = threading.Lock()  # graph calls, and every move between pending and graph
        self._labels: set[int] = set()  # labels in the graph
        self._pending: dict[int, np.ndarray] = {}  # label -> vector, searchable, not in the graph yet
        self._pending_view: tuple[list[int], np.ndarray] | None = None  # its labels and matrix, cached
        self._max_pending, self._chunk = max_pending, chunk
        self._erased: set[int] = set()  # removed labels: store face ids are never reused
        self._wake = threading.Condition()
        self._closed = False
        self._worker: threading.Thread | None = None
        if background:
            # The thread holds only a weak reference: an index nobody closes can still be freed.
            self._worker = threading.Thread(target=_insert_pending, args=(weakref.ref(self), self._wake),
                                            name="faceindex-insert", daemon=True)
            self._worker.start()
        self.synced_to = 0  # highest store face id added

    def __len__(self) -> int:
        with self._lock:
            return len(self._labels) + len(self._pending)

    def set_ef(self, ef_search: int) -> None:
        """Change the search breadth (higher: better recall, slower queries)."""
        with self._lock:
            self._index.expansion_search = ef_search

    def add(self, labels: Iterable[int], vectors: np.ndarray) -> None:
        """Add embeddings (rows of ``vectors``) under integer labels; known labels are skipped.
        Searchable on return; inserted into the graph now (large additions) or soon after."""
        labels = np.asarray(list(labels), dtype=np.int64)
        vectors = np.asarray(vectors, dtype=np.float32).reshape(-1, EMBEDDING_DIM)
        with self._lock:
            fresh = [i for i, lab in enumerate(labels.tolist())
                     if lab not in self._labels and lab not in self._pending and lab not in self._erased]
            if not fresh:
                return
            if self._closed or len(fresh) >= 1024 or len(self._pending) + len(fresh) > self._max_pending:
                self._insert_all(labels[fresh].tolist(), vectors[fresh])
                return
            for i in fresh:
                self._pending[int(labels[i])] = vectors[i].copy()
            self._pending_view = None
        with self._wake:
            self._wake.notify()

    def _insert(self, labels: list[int], vectors: np.ndarray, threads: int) -> None:
        """Insert into the graph; the caller holds ``_lock``."""
        # One thread for a few inserts: a pool costs more than it saves.
        self._index.add(np.asarray(labels, dtype=np.uint64), np.ascontiguousarray(vectors, dtype=np.float32),
                        threads=1 if len(labels) < 64 else threads)
        self._labels.update(labels)

    def _insert_all(self, labels: list[int] = (), vectors: np.ndarray | None = None) -> None:
        """Insert the pending faces, then these, with all threads; the caller holds ``_lock``."""
        labels = list(labels)
        if vectors is None:
            vectors = np.empty((0, EMBEDDING_DIM), dtype=np.float32)
        if self._pending:
            labels = [*self._pending, *labels]
            vectors = np.vstack([np.stack(list(self._pending.values())), vectors])
            self._pending.clear()
            self._pending_view = None
        if labels:
            self._insert(labels, vectors, threads=_ALL_CORES)

    def _insert_chunk(self) -> bool:
        """Move the oldest pending faces into the graph; False when none were pending."""
        with self._lock:
            chunk = list(self._pending)[: self._chunk]
            if not chunk:
                return False
            self._insert(chunk, np.stack([self._pending[lab] for lab in chunk]), threads=1)
            for lab in chunk:
                del self._pending[lab]
            self._pending_view = None
            return True

    def flush(self) -> None:
        """Insert every pending face into the graph now."""
        with self._lock:
            self._insert_all()

    def close(self) -> None:
        """Stop the background thread; pending faces stay searchable and later additions are
        inserted at once."""
        self._stop_worker()

    def _stop_worker(self) -> None:
        with self._wake:
            self._closed = True
            self._wake.notify_all()
        worker, self._worker = self._worker, None
        if worker is not None and worker is not threading.current_thread():
            worker.join(timeout=30)

    def remove(self, labels: Iterable[int]) -> None:
        """Delete embeddings by label; unknown labels are ignored."""
        with self._lock:
            for label in labels:
                label = int(label)
                self._erased.add(label)  # a sync racing this erasure must not bring it back
                if self._pending.pop(label, None) is not None:
                    self._pending_view = None
                    continue
                if label in self._labels:
                    self._index.remove(label)  # its slot is reused by a later insert
                    self._labels.discard(label)

    def search(self, vector: np.ndarray, k: int) -> list[tuple[int, float]]:
        """The ``k`` nearest faces as ``(label, Euclidean distance)``, nearest first."""
        return self.search_many(np.asarray(vector, dtype=np.float32).reshape(1, EMBEDDING_DIM), k, threads=1)[0]

    def search_many(self, vectors: np.ndarray, k: int, threads: int = _ALL_CORES) -> list[list[tuple[int, float]]]:
        """:meth:`search` for each row of ``vectors`` in one call, on all cores by default
        (usearch's threads run without the GIL): the batch registration path."""
        vectors = np.asarray(vectors, dtype=np.float32).reshape(-1, EMBEDDING_DIM)
        if not len(vectors) or k < 1:
            return [[] for _ in range(len(vectors))]
        labels: list[int] = []
        with self._lock:
            out = self._graph_search(vectors, min(k, len(self._labels)), threads)
            if self._pending:
                if self._pending_view is None:
                    self._pending_view = (list(self._pending), np.stack(list(self._pending.values())))
                labels, pending = self._pending_view
        if not labels:
            return out
        dist = exact_distances(vectors, pending)  # the pending faces, exactly
        near = np.argsort(dist, axis=1)[:, :k]
        for row, hits in enumerate(out):
            merged = dict(hits)
            for j in near[row].tolist():
                merged.setdefault(labels[j], float(dist[row, j]))
            out[row] = sorted(merged.items(), key=lambda item: item[1])[:k]
        return out

    def _graph_search(self, vectors: np.ndarray, k: int, threads: int) -> list[list[tuple[int, float]]]:
        """k-NN in the graph; the caller holds ``_lock``."""
        if k == 0:
            return [[] for _ in range(len(vectors))]
        found = self._index.search(vectors, k, threads=threads)
        if len(vectors) == 1:  # one query comes back as one list of matches, already cut
            keys, sq, counts = found.keys[None, :], found.distances[None, :], [len(found.keys)]
        else:
            keys, sq, counts = found.keys, found.distances, found.counts.tolist()
        dist = np.sqrt(np.maximum(sq.astype(np.float64), 0.0))  # l2sq: squared distances
        return [list(zip(row[:n].tolist(), d[:n].tolist(), strict=True))
                for row, d, n in zip(keys, dist, counts, strict=True)]

    def sync(self, store: LinkStore, batch: int = 20000) -> int:
        """Add faces committed to ``store`` since the last sync; returns how many were added."""
        added = 0
        while True:
            rows = store.faces_after(self.synced_to, batch)
            if not rows:
                return added
            self.add([r.face_id for r in rows], np.stack([r.embedding for r in rows]))
            self.synced_to = max(self.synced_to, rows[-1].face_id)
            added += len(rows)

    def save(self, path: str | Path) -> None:
        """Write the graph and its labels to ``path`` (and ``path.json``), atomically."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock:
            self._insert_all()
            self._index.save(str(path) + ".tmp")
            meta = {"format": _FORMAT, "dtype": self.dtype, "synced_to": self.synced_to,
                    "labels": sorted(self._labels)}
        Path(str(path) + ".json.tmp").write_text(json.dumps(meta))
        os.replace(str(path) + ".tmp", path)
        os.replace(str(path) + ".json.tmp", str(path) + ".json")

    @classmethod
    def load(cls, path: str | Path, store: LinkStore, m: int = 32, ef_construction: int = 200,
             ef_search: int = 96, *, dtype: Dtype = "f32") -> FaceIndex:
        """The index saved at ``path`` caught up with ``store``; a fresh rebuild from the
        store's embeddings when the file is missing, unreadable, in another format (an hnswlib
        graph saved before issue 17) or stores embeddings in another ``dtype``: the store is
        the truth, the file only a cache."""
        index = cls(m, ef_construction, ef_search, dtype=dtype)
        path = Path(path)
        try:
            meta = json.loads(Path(str(path) + ".json").read_text())
            if meta.get("format") != _FORMAT:
                raise ValueError(f"face index file in format {meta.get('format', 'hnswlib')!r}")
            if meta.get("dtype", "f32") != dtype:  # files before the option stored float32
                raise ValueError(f"face index file stores {meta.get('dtype', 'f32')}, configured {dtype}")
            labels, synced_to = set(meta["labels"]), int(meta["synced_to"])
            loaded = _new_graph(m, ef_construction, ef_search, dtype)
            loaded.load(str(path))
            if loaded.ndim != EMBEDDING_DIM or len(loaded) != len(labels):
                raise ValueError("face index file does not match its metadata")
            loaded.expansion_search = ef_search
        except (OSError, ValueError, KeyError, TypeError, AttributeError, RuntimeError) as exc:
            level = logging.INFO if isinstance(exc, FileNotFoundError) else logging.WARNING  # first start
            _log.log(level, "face index: %s not loaded (%s); rebuilding it from the store", path, exc)
            index.sync(store)
            return index
        with index._lock:
            index._index = loaded
            index._labels = labels
            index.synced_to = synced_to
        index.remove(index._labels - store.face_ids())
        index._erased.clear()  # erased before this start: the store no longer has them
        index.sync(store)
        return index

    def labels(self) -> set[int]:
        """The labels currently searchable (for erasure audits)."""
        with self._lock:
            return self._labels | set(self._pending)


def _new_graph(m: int, ef_construction: int, ef_search: int, dtype: Dtype) -> Index:
    """An empty usearch graph of embeddings under squared Euclidean distance, on the raw
    embeddings the linker's distance thresholds are calibrated on (cosine or inner product rank
    vectors that are not unit length otherwise)."""
    return Index(ndim=EMBEDDING_DIM, metric=MetricKind.L2sq, dtype=dtype, connectivity=m,
                 expansion_add=ef_construction, expansion_search=ef_search)


def _insert_pending(ref: weakref.ref, wake: threading.Condition) -> None:
    """The background thread of a :class:`FaceIndex`: pending faces into the graph, a chunk at a
    time, until the index is closed or freed. An insert that fails is logged and the faces stay
    pending (and searchable); the next large addition retries them in the caller."""
    while True:
        with wake:
            index = ref()
            if index is None or index._closed:
                return
            if not index._pending:
                del index
                wake.wait(1.0)
                continue
        try:
            index._insert_chunk()
        except Exception:  # noqa: BLE001 - a failed insert must not kill the thread
            _log.exception("face index: background insert failed; faces stay pending")
            del index
            time.sleep(1.0)
            continue
        del index
        time.sleep(0.0002)  # let a waiting search take the lock between chunks
