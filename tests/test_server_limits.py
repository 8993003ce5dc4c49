"""Admission (concurrency + queue), per-client rate limits and deadlines."""

from __future__ import annotations

import threading
import time
from types import SimpleNamespace

import pytest

from idverify.errors import DeadlineExceeded, ResourceExhausted
from idverify.server.calls import CallInfo
from idverify.config.transport import LimitSettings
from idverify.server.limits import Admission, RateLimiter


def _call(remaining=None, client="c", method="/idverify.v1.VerificationService/CompareFaces"):
    context = SimpleNamespace(time_remaining=lambda: remaining)
    return CallInfo(method=method, request_id="r", metadata={}, context=context, client_id=client)


def test_admission_runs_queues_then_refuses():
    admission = Admission(LimitSettings(max_concurrent_calls=1, max_queued_calls=1, queue_timeout_seconds=5))
    release = threading.Event()
    entered = []

    def hold():
        with admission(_call()):
            entered.append(time.monotonic())
            release.wait(5)

    first = threading.Thread(target=hold)
    first.start()
    while admission.running < 1:
        time.sleep(0.01)
    second = threading.Thread(target=hold)
    second.start()
    while admission.waiting < 1:
        time.sleep(0.01)
    with pytest.raises(ResourceExhausted) as info:
        with admission(_call()):
            pass
    assert info.value.reason == "QUEUE_FULL"
    release.set()
    first.join(5)
    second.join(5)
    assert len(entered) == 2 and admission.running == 0 and admission.waiting == 0


def test_queued_call_gives_up_at_its_deadline():
    admission = Admission(LimitSettings(max_concurrent_calls=1, max_queued_calls=4))
    with admission(_call()):
        started = time.monotonic()
        with pytest.raises(DeadlineExceeded):
            with admission(_call(remaining=0.2)):
                pass
        assert 0.15 < time.monotonic() - started < 2


def test_call_past_its_deadline_is_not_started():
    admission = Admission(LimitSettings())
    with pytest.raises(DeadlineExceeded):
        with admission(_call(remaining=-0.1)):
            pass


def test_health_is_never_limited():
    admission = Admission(LimitSettings(max_concurrent_calls=1, max_queued_calls=0))
    with admission(_call()):
        with admission(_call(method="/grpc.health.v1.Health/Check")):
            pass


def test_rate_limiter_token_bucket_per_client():
    now = [0.0]
    limiter = RateLimiter(LimitSettings(rate_per_client=2, burst=3), clock=lambda: now[0])
    for _ in range(3):
        limiter.take("a")
    with pytest.raises(ResourceExhausted) as info:
        limiter.take("a")
    assert info.value.reason == "RATE_LIMITED"
    limiter.take("b")  # another client has its own bucket
    now[0] += 0.5  # one token back at 2 per second
    limiter.take("a")
    with pytest.raises(ResourceExhausted):
        limiter.take("a")


def test_a_full_heavy_class_leaves_light_calls_their_own_slots():
    refused = []
    admission = Admission(LimitSettings(max_concurrent_calls=1, max_queued_calls=0,
                                        max_concurrent_light_calls=1, max_queued_light_calls=0),
                          on_refused=lambda call_class, reason: refused.append((call_class, reason)))
    with admission(_call()):  # CompareFaces holds the one heavy slot
        with pytest.raises(ResourceExhausted) as info:
            with admission(_call()):
                pass
        assert info.value.reason == "QUEUE_FULL" and info.value.metadata["call_class"] == "heavy"
        with admission(_call(method="/idverify.v1.VerificationService/MatchProfile")):
            assert admission.classes["light"].running == 1 and admission.classes["heavy"].running == 1
            with pytest.raises(ResourceExhausted) as light:
                with admission(_call(method="/linker.v1.LinkingService/CheckAccount")):
                    pass
            assert light.value.metadata["call_class"] == "light"
    assert refused == [("heavy", "QUEUE_FULL"), ("light", "QUEUE_FULL")]
    assert admission.running == 0 and admission.waiting == 0
