"""Who holds each of many values, in as few statements as fit (the signal and posted-detail
lookups): with array parameters (PostgreSQL) one statement for all of them, each value's first
holders taken in a lateral join over ``unnest``; else one ``LIMIT``-ed select per value joined by
``UNION ALL``, 50 values per statement."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

__all__ = ["HolderTable", "distinct_values", "holder_queries", "holders_by_value"]

_PER_STATEMENT = 50


class HolderTable(NamedTuple):
    """A table keyed by ``(type, digest)`` and the columns a holder lookup returns of it."""

    table: str
    columns: str


def distinct_values(values: Sequence[tuple[int, bytes]],
                    limit: int | Sequence[int]) -> tuple[list[tuple[int, bytes]], list[int]]:
    """The values once each (in first-seen order), with each one's largest limit: a value
    asked for twice (a strong value that is also a posted detail, cut by each caller at its
    own cap) is read up to the larger cap."""
    limits = [limit] * len(values) if isinstance(limit, int) else list(limit)
    largest: dict[tuple[int, bytes], int] = {}
    for value, n in zip(values, limits, strict=True):
        key = (value[0], bytes(value[1]))
        largest[key] = max(n, largest.get(key, n))
    return list(largest), list(largest.values())


def holder_queries(source: HolderTable, values: Sequence[tuple[int, bytes]],
                   limits: Sequence[int], *, arrays: bool) -> list[tuple[str, list[Any]]]:
    """``(sql, params)`` statements returning ``type, digest`` and ``source``'s columns for up
    to ``limits[i]`` holders of ``values[i]``."""
    if not values:
        return []
    if arrays:
        return [(f"SELECT v.type, v.digest, s.* FROM unnest(?::int[], ?::bytea[], ?::int[]) AS v (type, digest, n) "
                 f"CROSS JOIN LATERAL (SELECT {source.columns} FROM {source.table} AS t "
                 f"WHERE t.type = v.type AND t.digest = v.digest LIMIT v.n) AS s",
                 [[t for t, _ in values], [d for _, d in values], list(limits)])]
    out = []
    for start in range(0, len(values), _PER_STATEMENT):
        part = values[start : start + _PER_STATEMENT]
        sql = " UNION ALL ".join(f"SELECT * FROM (SELECT type, digest, {source.columns} FROM {source.table} "
                                 f"WHERE type = ? AND digest = ? LIMIT ?) AS q{i}" for i in range(len(part)))
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
