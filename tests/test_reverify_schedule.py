"""Pure re-verification schedule rules."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from idverify.reverify.schedule import DAY, AccountState, backoff_seconds, due_reasons, expiry_timestamp, next_due_at
from idverify.reverify.settings import ReverifySettings

S = ReverifySettings(period_days=365, expiring_within_days=30)
T0 = 1_800_000_000.0


def _state(**kw) -> AccountState:
    base = dict(account_id="a", verified_at=T0, document_expiry=T0 + 1000 * DAY,
                policy_version="p1", model_version="m1")
    return AccountState(**{**base, **kw})


def test_fresh_account_is_not_due():
    assert due_reasons(_state(), T0 + DAY, "p1", "m1", S) == ()


@pytest.mark.parametrize(
    ("state", "now", "expected"),
    [
        (_state(document_expiry=T0 + 10 * DAY), T0 + 11 * DAY, "DOCUMENT_EXPIRED"),
        (_state(document_expiry=T0 + 100 * DAY), T0 + 75 * DAY, "DOCUMENT_EXPIRING"),
        (_state(), T0 + 366 * DAY, "PERIODIC"),
        (_state(requested_at=T0 + 5), T0 + 10, "REQUESTED"),
        (_state(last_link_at=T0 + 5), T0 + 10, "NEW_LINK"),
    ],
)
def test_each_rule(state, now, expected):
    assert expected in due_reasons(state, now, "p1", "m1", S)


def test_version_changes():
    assert due_reasons(_state(), T0 + 1, "p2", "m1", S) == ("POLICY_CHANGED",)
    assert due_reasons(_state(), T0 + 1, "p1", "m2", S) == ("MODEL_CHANGED",)


def test_expired_document_verified_after_expiry_is_not_due_again_for_expiry():
    state = _state(verified_at=T0 + 20 * DAY, document_expiry=T0 + 10 * DAY)
    assert "DOCUMENT_EXPIRED" not in due_reasons(state, T0 + 21 * DAY, "p1", "m1", S)


def test_next_due_is_the_earliest_time_rule():
    assert next_due_at(T0, None, S) == T0 + 365 * DAY
    assert next_due_at(T0, T0 + 100 * DAY, S) == T0 + 70 * DAY
    # inside the warning window already: due at expiry
    assert next_due_at(T0, T0 + 10 * DAY, S) == T0 + 10 * DAY


@given(st.floats(0, 4000), st.one_of(st.none(), st.floats(-100, 4000)))
def test_next_due_agrees_with_due_reasons(verified_days, expiry_days):
    verified = T0 + verified_days * DAY
    expiry = None if expiry_days is None else T0 + expiry_days * DAY
    due = next_due_at(verified, expiry, S)
    state = _state(verified_at=verified, document_expiry=expiry)
    assert due_reasons(state, due - 1, "p1", "m1", S) == ()
    assert due_reasons(state, due + 1, "p1", "m1", S) != ()


def test_expiry_timestamp():
    assert expiry_timestamp("2030-01-31") == pytest.approx(1896134400 - 1e-6, abs=1)
    assert expiry_timestamp("2030-XX-01") is None
    assert expiry_timestamp("") is None


def test_backoff_grows_and_is_capped():
    rng = random.Random(1)
    s = ReverifySettings(backoff_base_seconds=10, backoff_max_seconds=100)
    delays = [backoff_seconds(a, s, rng) for a in range(1, 8)]
    assert 5 <= delays[0] <= 10
    assert 10 <= delays[1] <= 20
    assert all(d <= 100 for d in delays)
    assert delays[-1] >= 50
