"""Pure scheduling rules of re-verification: no I/O, times in seconds since the epoch (UTC).

An account is due when any of these holds (the reason codes are stored with each result):

- ``DOCUMENT_EXPIRED``: the document's expiry date has passed;
- ``DOCUMENT_EXPIRING``: it expires within ``expiring_within_days``;
- ``PERIODIC``: the last verification is older than ``period_days``;
- ``POLICY_CHANGED`` / ``MODEL_CHANGED``: it was decided under another policy or face model;
- ``NEW_LINK``: strong link evidence arrived after the last verification;
- ``REQUESTED``: someone asked for a re-check (API or CLI) after the last verification.

The store turns the time-based rules into one indexed column (``next_due_at``, see
:func:`next_due_at`), so the due query is a range scan; the version and event rules are
compared in the same query.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from idverify.reverify.settings import ReverifySettings

__all__ = ["AccountState", "DUE_REASONS", "backoff_seconds", "due_reasons", "expiry_timestamp", "next_due_at"]

DAY = 86_400.0
#: Every reason :func:`due_reasons` can give, most urgent first.
DUE_REASONS = ("DOCUMENT_EXPIRED", "DOCUMENT_EXPIRING", "REQUESTED", "NEW_LINK", "POLICY_CHANGED", "MODEL_CHANGED",
               "PERIODIC")


@dataclass(frozen=True)
class AccountState:
    """What the store knows about an account's last verification."""

    account_id: str
    #: When it was last verified (epoch seconds); 0 when never.
    verified_at: float
    #: The document's expiry as epoch seconds (end of the expiry day, UTC); None when unknown.
    document_expiry: float | None
    policy_version: str
    model_version: str
    #: The latest strong-link event seen for the account (epoch seconds); 0 when none.
    last_link_at: float = 0.0
    #: The latest explicit re-check request (epoch seconds); 0 when none.
    requested_at: float = 0.0


def expiry_timestamp(iso_date: str) -> float | None:
    """End of the given ``YYYY-MM-DD`` day in UTC as epoch seconds; None for unknown dates."""
    try:
        day = dt.date.fromisoformat(iso_date)
    except (TypeError, ValueError):
        return None
    end = dt.datetime.combine(day, dt.time.max, tzinfo=dt.timezone.utc)
    return end.timestamp()


def next_due_at(verified_at: float, document_expiry: float | None, settings: ReverifySettings) -> float:
    """When the time-based rules next make the account due (epoch seconds)."""
    due = verified_at + settings.period_days * DAY
    # A document already expired when verified was judged as such then; only the period applies.
    if document_expiry is not None and document_expiry > verified_at:
        warn = document_expiry - settings.expiring_within_days * DAY
        # Already inside the warning window at verification time: due again at expiry.
        due = min(due, warn if warn > verified_at else document_expiry)
    return due


def due_reasons(state: AccountState, now: float, policy_version: str, model_version: str,
                settings: ReverifySettings) -> tuple[str, ...]:
    """Every reason ``state`` is due at ``now``, most urgent first; empty when not due."""
    reasons = []
    if state.document_expiry is not None:
        if now > state.document_expiry:
            if state.verified_at < state.document_expiry:
                reasons.append("DOCUMENT_EXPIRED")
        elif now >= state.document_expiry - settings.expiring_within_days * DAY > state.verified_at:
            reasons.append("DOCUMENT_EXPIRING")
    if state.requested_at > state.verified_at:
        reasons.append("REQUESTED")
    if state.last_link_at > state.verified_at:
        reasons.append("NEW_LINK")
    if state.policy_version != policy_version:
        reasons.append("POLICY_CHANGED")
    if state.model_version != model_version:
        reasons.append("MODEL_CHANGED")
    if now >= state.verified_at + settings.period_days * DAY:
        reasons.append("PERIODIC")
    return tuple(reasons)


def backoff_seconds(attempt: int, settings: ReverifySettings, rng: random.Random | None = None) -> float:
    """Delay before retry number ``attempt`` (1-based): exponential with full jitter, capped."""
    cap = min(settings.backoff_max_seconds, settings.backoff_base_seconds * 2 ** max(0, attempt - 1))
    return (rng or random).uniform(cap / 2, cap)
