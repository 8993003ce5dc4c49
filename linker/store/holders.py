"""Who holds each of many values, in as few statements as fit: one ``LIMIT``-ed select per value
joined by ``UNION ALL``, 50 values per statement (the signal and posted-detail lookups)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = ["distinct_values", "holder_queries", "holders_by_value"]

_PER_STATEMENT = 50


def distinct_values(values: Sequence[tuple[int, bytes]],
                    limit: int | Sequence[int]) -> tuple[list[tuple[int, bytes]], list[int]]:
    """The values once each (first one wins), with each one's limit."""
    limits = [limit] * len(values) if isinstance(limit, int) else list(limit)
    first: dict[tuple[int, bytes], int] = {}
    for value, n in zip(values, limits, strict=True):
        first.setdefault((value[0], bytes(value[1])), n)
    return list(first), list(first.values())


def holder_queries(select: str, values: Sequence[tuple[int, bytes]],
                   limits: Sequence[int]) -> list[tuple[str, list[Any]]]:
    """``(sql, params)`` statements returning ``select``'s rows (``type, digest, ...`` first)
    for up to ``limits[i]`` holders of ``values[i]``."""
    out = []
    for start in range(0, len(values), _PER_STATEMENT):
        part = values[start : start + _PER_STATEMENT]
        sql = " UNION ALL ".join(f"SELECT * FROM ({select} WHERE type = ? AND digest = ? LIMIT ?) AS q{i}"
                                 for i in range(len(part)))
        params: list[Any] = []
        for (t, d), n in zip(part, limits[start : start + _PER_STATEMENT], strict=True):
            params += [t, d, n]
        out.append((sql, params))
    return out


def holders_by_value(values: Sequence[tuple[int, bytes]], rowsets: Sequence[Sequence[tuple]]) -> dict:
    """``{value: [row after type and digest, ...]}`` from :func:`holder_queries`' results."""
    out: dict[tuple[int, bytes], list[tuple]] = {v: [] for v in values}
    for rows in rowsets:
        for t, d, *rest in rows:
            out[(int(t), bytes(d))].append(tuple(rest))
    return out
