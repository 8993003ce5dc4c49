"""The worker pool: parallelism, errors carried back, crash recovery, deadlines."""

from __future__ import annotations

import os
import time

import pytest

from idverify.errors import DeadlineExceeded, ImageRejected, Unavailable
from idverify.workers import WorkerPool

_initialized: list[str] = []


def _init(tag: str) -> None:
    _initialized.append(tag)


def _state() -> tuple[int, list[str]]:
    return os.getpid(), list(_initialized)


def _busy(seconds: float) -> tuple[int, float, float]:
    start = time.time()
    end = time.process_time() + seconds  # CPU time, so the job really occupies a core
    while time.process_time() < end:
        pass
    return os.getpid(), start, time.time()


def _reject() -> None:
    raise ImageRejected("bad image", reason="IMAGE_TOO_LARGE", metadata={"field": "probe"})


def _crash() -> None:
    os._exit(3)


def _boom() -> None:
    raise ZeroDivisionError("not a domain error")


@pytest.fixture(scope="module")
def pool():
    pool = WorkerPool(2, initializers=[(_init, ("faces",)), (_init, ("documents",))])
    pool.warm_up()
    yield pool
    pool.close()


def test_initializers_run_once_per_process(pool):
    pids = set()
    for _ in range(6):
        pid, state = pool.run(_state)
        assert pid != os.getpid()
        assert state == ["faces", "documents"]
        pids.add(pid)
    assert len(pids) <= 2
    assert pids <= set(pool.worker_pids())


def test_two_processes_run_in_parallel(pool):
    (pid_a, start_a, end_a), (pid_b, start_b, end_b) = [f.result() for f in [pool.submit(_busy, 0.5) for _ in range(2)]]
    assert pid_a != pid_b
    # both jobs were computing at the same time (robust to a busy machine, unlike a stopwatch)
    assert start_a < end_b and start_b < end_a


def test_domain_error_keeps_class_reason_and_metadata(pool):
    with pytest.raises(ImageRejected) as info:
        pool.run(_reject)
    assert info.value.reason == "IMAGE_TOO_LARGE" and info.value.metadata == {"field": "probe"}


def test_other_errors_propagate(pool):
    with pytest.raises(ZeroDivisionError):
        pool.run(_boom)


def test_deadline(pool):
    with pytest.raises(DeadlineExceeded):
        pool.run(_busy, 1.0, timeout=0.1)


def test_crashed_worker_gives_unavailable_and_the_pool_recovers():
    pool = WorkerPool(1)
    try:
        before = pool.run(_state)[0]
        with pytest.raises(Unavailable) as info:
            pool.run(_crash, timeout=30)
        assert info.value.reason == "WORKER_CRASHED"
        assert pool.rebuilds == 1
        after = pool.run(_state, timeout=30)[0]
        assert after != before
    finally:
        pool.close()


def test_closed_pool_is_unavailable():
    pool = WorkerPool(1)
    pool.close()
    with pytest.raises(Unavailable):
        pool.run(_state)
    pool.close()


def test_processes_must_be_positive():
    with pytest.raises(ValueError):
        WorkerPool(0)


def test_workers_run_at_a_lower_cpu_priority_than_the_server():
    pool = WorkerPool(1, nice=5)
    try:
        assert pool.run(os.nice, 0) == min(19, os.nice(0) + 5)
    finally:
        pool.close()
    with pytest.raises(ValueError):
        WorkerPool(1, nice=20)
