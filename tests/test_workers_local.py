"""process_local builds once per key."""

from __future__ import annotations

import threading

from idverify.workers import process_local


def test_built_once_per_key_even_under_threads():
    calls = []

    def factory():
        calls.append(1)
        return object()

    results = []
    threads = [threading.Thread(target=lambda: results.append(process_local(("test", 1), factory))) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1 and len({id(r) for r in results}) == 1
    assert process_local(("test", 2), factory) is not results[0]
