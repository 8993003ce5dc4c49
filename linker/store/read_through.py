"""Read-through lookups shared by the store's in-memory views (BatchReads, CheckReads).

A view holds what it fetched or wrote in dicts keyed like the store's own questions; what a
dict does not hold is asked of the store in one call, so the answers stay the store's own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

__all__ = ["counts_through", "holders_through", "reviews_through"]


def counts_through(cached: Mapping[bytes, int], keys: Iterable[bytes],
                   fetch: Callable[[list[bytes]], Mapping[bytes, int]]) -> dict[bytes, int]:
    """Each fuzzy key's count: from ``cached``, else from one ``fetch`` of the keys it lacks."""
    out, missing = {}, []
    for k in keys:
        n = cached.get(k)
        if n is None:
            missing.append(k)
        else:
            out[k] = n
    if missing:
        out.update(fetch(missing))
    return out


def holders_through(cached: Mapping[bytes, Iterable[str]], keys: Iterable[bytes],
                    fetch: Callable[[list[bytes]], set[str]]) -> set[str]:
    """The accounts holding any of the fuzzy keys: from ``cached``, else from one ``fetch``."""
    out: set[str] = set()
    missing = []
    for k in keys:
        holders = cached.get(k)
        if holders is None:
            missing.append(k)
        else:
            out.update(holders)
    if missing:
        out |= fetch(missing)
    return out


def reviews_through(cached: dict[str, list[tuple]], missing: list[str],
                    fetch: Callable[[list[str]], Iterable[tuple]]) -> None:
    """Fill ``cached`` (account -> its reviews) for the ``missing`` accounts with one ``fetch``:
    each review (account_a, account_b, ...) under each of its two ends that was asked about."""
    if not missing:
        return
    asked = set(missing)
    for a in missing:
        cached[a] = []
    for review in fetch(missing):
        for end in {review[0], review[1]} & asked:
            cached[end].append(review)
