"""PooledEngine: one engine object per process, in the pool or here, and the same results."""

from __future__ import annotations

import os
import threading
import time

import pytest

from idverify.errors import InvalidInput
from idverify.workers import EngineSpec, PooledEngine, WorkerPool


class Counter:
    """A stand-in engine that records which process built it and how often it ran."""

    def __init__(self, start: int) -> None:
        self.pid = os.getpid()
        self.value = start
        self.busy = False


def make_counter(start: int) -> Counter:
    return Counter(start)


def bump(engine: Counter, by: int) -> tuple[int, int]:
    if engine.busy:  # two threads inside one engine at once would be a bug
        raise AssertionError("engine used concurrently")
    engine.busy = True
    time.sleep(0.01)
    engine.value += by
    engine.busy = False
    return engine.pid, engine.value


def refuse(engine: Counter) -> None:
    raise InvalidInput("no", reason="NOPE", metadata={"field": "x"})


SPEC = EngineSpec("test.counter", make_counter, (100,))


def test_without_a_pool_the_engine_is_built_here_and_calls_are_serialised():
    runner = PooledEngine(SPEC)
    assert runner.local is not None and runner.local.pid == os.getpid()
    threads = [threading.Thread(target=runner.run, args=(bump, 1)) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert runner.run(bump, 0) == (os.getpid(), 108)


def test_in_the_pool_each_worker_builds_the_engine_once_at_start_up():
    pool = WorkerPool(1, initializers=[SPEC.initializer()])
    try:
        runner = PooledEngine(SPEC, pool)
        assert runner.local is None
        first_pid, first = runner.run(bump, 1, timeout=60)
        second_pid, second = runner.run(bump, 1, timeout=60)
        assert first_pid == second_pid != os.getpid()
        assert (first, second) == (101, 102)  # the same object, kept between jobs
    finally:
        pool.close()


@pytest.mark.parametrize("pooled", [False, True])
def test_domain_errors_arrive_with_their_reason(pooled):
    pool = WorkerPool(1) if pooled else None
    try:
        with pytest.raises(InvalidInput) as info:
            PooledEngine(SPEC, pool).run(refuse, timeout=60)
        assert info.value.reason == "NOPE" and info.value.metadata == {"field": "x"}
    finally:
        if pool is not None:
            pool.close()
