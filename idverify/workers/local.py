"""Objects built once per process and reused by every job that runs there."""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

__all__ = ["process_local"]

T = TypeVar("T")

_objects: dict[Hashable, Any] = {}
_lock = threading.Lock()


def process_local(key: Hashable, factory: Callable[[], T]) -> T:
    """The object stored under ``key`` in this process, built with ``factory()`` on first use.

    ``key`` should include the settings the object depends on (e.g. ``("faces", settings)``
    with a frozen settings dataclass), so different settings never share an object.
    """
    try:
        return _objects[key]
    except KeyError:
        pass
    with _lock:
        if key not in _objects:
            _objects[key] = factory()
        return _objects[key]
