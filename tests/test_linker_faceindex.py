"""The HNSW face index (usearch): search, deletion, growth, save and load, catch-up from the store."""

from __future__ import annotations

import json
import threading
import time

import numpy as np
import pytest

from linker.faceindex import FaceIndex
from linker.store import SqliteStore


def test_search_delete_resize_and_sync(tmp_path):
    rng = np.random.default_rng(0)
    vectors = rng.normal(0, 0.056, (3000, 128)).astype(np.float32)
    index = FaceIndex()  # the graph grows by itself
    index.add(range(1, 3001), vectors)
    assert len(index) == 3000
    probe = vectors[41] + rng.normal(0, 0.01, 128).astype(np.float32)
    (label, dist), *_ = index.search(probe, 5)
    assert label == 42 and dist < 0.2
    index.remove([42])
    assert all(lab != 42 for lab, _ in index.search(probe, 5))
    slots = index._index.stats.nodes
    index.add([5000], vectors[41:42])  # reuses the deleted slot
    assert index.search(probe, 1)[0][0] == 5000 and index._index.stats.nodes == slots
    assert FaceIndex().search(probe, 3) == []

    store = SqliteStore(tmp_path / "s.sqlite3")
    with store.write():
        store.upsert_account("a", 1, "", 1.0)
        ids = [store.add_face("a", v, 1.0) for v in vectors[:5]]
    fresh = FaceIndex()
    assert fresh.sync(store) == 5 and fresh.sync(store) == 0
    assert fresh.search(vectors[3], 1)[0][0] == ids[3]

    # Saved, then the store changes (one face erased, one added): loading catches up.
    fresh.save(tmp_path / "faces.hnsw")
    with store.write():
        store.erase_account("a")
        store.upsert_account("b", 1, "", 2.0)
        added = store.add_face("b", vectors[7], 2.0)
    loaded = FaceIndex.load(tmp_path / "faces.hnsw", store)
    assert loaded.labels() == {added}
    assert loaded.search(vectors[7], 1)[0][0] == added
    (tmp_path / "stale.hnsw.json").write_text("{}")  # metadata without a graph: rebuild
    assert FaceIndex.load(tmp_path / "stale.hnsw", store).labels() == {added}
    store.close()


def test_pending_faces_are_searchable_and_move_into_the_graph(tmp_path):
    rng = np.random.default_rng(1)
    vectors = rng.normal(0, 0.056, (2500, 128)).astype(np.float32)
    index = FaceIndex(background=False)  # no thread: small additions stay pending
    index.add(range(1200), vectors[:1200])  # a bulk addition: straight into the graph
    index.add(range(1200, 1210), vectors[1200:1210])
    assert len(index._pending) == 10 and len(index) == 1210 and len(index._labels) == 1200
    assert index.search(vectors[1204], 1)[0] == (1204, 0.0)  # found exactly among the pending
    hits = index.search_many(vectors[[3, 1207]], 2)
    assert hits[0][0][0] == 3 and hits[1][0][0] == 1207
    index.remove([1204, 3])
    assert 1204 not in index.labels() and 3 not in index.labels()
    assert all(lab != 1204 for lab, _ in index.search(vectors[1204], 5))
    index.save(tmp_path / "faces.hnsw")  # saving inserts what is pending first
    assert not index._pending and index._labels == index.labels() and len(index) == 1208
    index.add([1204], vectors[1204:1205])  # an erased face does not come back (a racing sync)
    assert 1204 not in index.labels()
    index.close()
    index.add([3000], vectors[1300:1301])  # after close: inserted at once
    assert 3000 in index._labels and not index._pending

    live = FaceIndex()
    live.add(range(2000), vectors[:2000])
    for label in range(2000, 2500):  # one at a time, as registrations add them
        live.add([label], vectors[label : label + 1])
        assert live.search(vectors[label], 1)[0][0] == label
    deadline = time.monotonic() + 60
    while live._pending and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not live._pending and len(live._labels) == 2500  # the background thread inserted them all
    live.close()


def test_concurrent_adds_searches_and_removals(tmp_path):
    rng = np.random.default_rng(2)
    vectors = rng.normal(0, 0.056, (4000, 128)).astype(np.float32)
    index = FaceIndex(max_pending=64)
    index.add(range(1000), vectors[:1000])  # pending, then drained or flushed at max_pending
    errors: list[BaseException] = []

    def writer(start: int) -> None:
        try:
            for label in range(start, start + 1000):
                index.add([label], vectors[label : label + 1])
                if label % 7 == 0:
                    index.remove([label])
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    def reader() -> None:
        try:
            for i in range(600):
                index.search_many(vectors[i : i + 4], 5)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(s,)) for s in (1000, 2000, 3000)] + \
              [threading.Thread(target=reader) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    expected = {lab for lab in range(4000) if lab < 1000 or lab % 7 != 0}
    assert index.labels() == expected and len(index) == len(expected)
    for label in (1002, 2500, 3999):  # not multiples of 7 (those were removed)
        assert index.search(vectors[label], 1)[0][0] == label
    index.close()


def test_an_index_nobody_closes_is_freed():
    import gc
    import weakref

    index = FaceIndex()
    index.add([1], np.zeros((1, 128), dtype=np.float32))
    worker, ref = index._worker, weakref.ref(index)
    del index
    gc.collect()
    assert ref() is None
    worker.join(timeout=5)
    assert not worker.is_alive()


def test_an_index_file_in_another_format_is_rebuilt_from_the_store(tmp_path, caplog):
    """A store whose saved index is hnswlib's (before issue 17), or a damaged file, starts with
    an index rebuilt from the store's embeddings, and the next save replaces the file."""
    rng = np.random.default_rng(3)
    vectors = rng.normal(0, 0.056, (40, 128)).astype(np.float32)
    store = SqliteStore(tmp_path / "s.sqlite3")
    with store.write():
        store.upsert_account("a", 1, "", 1.0)
        ids = [store.add_face("a", v, 1.0) for v in vectors]
    path = tmp_path / "faces.hnsw"
    # hnswlib's layout: a raw graph and metadata without "format" (labels and sync point only).
    path.write_bytes(np.arange(4096, dtype=np.int64).tobytes())
    (tmp_path / "faces.hnsw.json").write_text(json.dumps({"synced_to": ids[-1], "labels": ids}))
    loaded = FaceIndex.load(path, store)
    assert loaded.labels() == set(ids) and loaded.search(vectors[7], 1)[0][0] == ids[7]
    assert "rebuilding it from the store" in caplog.text
    loaded.save(path)
    assert json.loads((tmp_path / "faces.hnsw.json").read_text())["format"] == "usearch-2"
    again = FaceIndex.load(path, store)
    assert again.labels() == set(ids) and again.search(vectors[9], 1)[0][0] == ids[9]

    for damage in (path.read_bytes()[:100], b"", b"not an index"):  # truncated, empty, foreign
        path.write_bytes(damage)
        caplog.clear()
        rebuilt = FaceIndex.load(path, store)
        assert rebuilt.labels() == set(ids) and "rebuilding" in caplog.text
    for index in (loaded, again, rebuilt):
        index.close()
    store.close()


def test_a_half_precision_graph_finds_the_same_faces_at_nearly_the_same_distances(tmp_path, caplog):
    """``dtype="f16"`` (linker.hnsw_dtype) halves the graph's vectors: the same nearest face,
    distances within 1e-3 of float32's, and a file saved in the other dtype is rebuilt."""
    rng = np.random.default_rng(4)
    vectors = rng.normal(0, 0.056, (2000, 128)).astype(np.float32)
    probes = vectors[:50] + rng.normal(0, 0.01, (50, 128)).astype(np.float32)
    exact = np.linalg.norm(probes[:, None, :].astype(np.float64) - vectors[None, :, :], axis=2)
    half = FaceIndex(background=False, dtype="f16")
    half.add(range(2000), vectors)
    assert half._index.dtype.name.lower() == "f16"
    found = 0
    for row, hits in enumerate(half.search_many(probes, 3)):
        # The nearest face always; the 2nd and 3rd are an approximate graph's (the build runs
        # on several threads, so a near tie or a rare miss among them varies run to run).
        assert hits[0][0] == int(np.argmin(exact[row]))
        found += len({lab for lab, _ in hits} & set(np.argsort(exact[row])[:3].tolist()))
        assert np.allclose([d for _, d in hits], exact[row][[lab for lab, _ in hits]], atol=1e-3)
    assert found >= 0.95 * 3 * len(probes)
    with pytest.raises(ValueError, match="dtype"):
        FaceIndex(dtype="i8")

    store = SqliteStore(tmp_path / "s.sqlite3")
    with store.write():
        store.upsert_account("a", 1, "", 1.0)
        ids = [store.add_face("a", v, 1.0) for v in vectors[:30]]
    saved = FaceIndex.load(tmp_path / "faces.usearch", store, dtype="f16")
    saved.save(tmp_path / "faces.usearch")
    assert json.loads((tmp_path / "faces.usearch.json").read_text())["dtype"] == "f16"
    caplog.clear()
    again = FaceIndex.load(tmp_path / "faces.usearch", store, dtype="f16")
    assert "rebuilding" not in caplog.text and again.search(vectors[4], 1)[0][0] == ids[4]
    full = FaceIndex.load(tmp_path / "faces.usearch", store)  # configured f32: rebuilt, not misread
    assert "stores f16, configured f32" in caplog.text
    assert full.dtype == "f32" and full.labels() == set(ids) and full.search(vectors[4], 1)[0] == (ids[4], 0.0)
    for index in (half, saved, again, full):
        index.close()
    store.close()
