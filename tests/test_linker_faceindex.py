"""The HNSW face index: search, deletion, growth and catch-up from the store."""

from __future__ import annotations

import numpy as np

from linker.faceindex import FaceIndex
from linker.store import SqliteStore


def test_search_delete_resize_and_sync(tmp_path):
    rng = np.random.default_rng(0)
    vectors = rng.normal(0, 0.056, (3000, 128)).astype(np.float32)
    index = FaceIndex(capacity=16)  # grows by doubling
    index.add(range(1, 3001), vectors)
    assert len(index) == 3000
    probe = vectors[41] + rng.normal(0, 0.01, 128).astype(np.float32)
    (label, dist), *_ = index.search(probe, 5)
    assert label == 42 and dist < 0.2
    index.remove([42])
    assert all(lab != 42 for lab, _ in index.search(probe, 5))
    index.add([5000], vectors[41:42])  # reuses the deleted slot
    assert index.search(probe, 1)[0][0] == 5000
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
