"""The heavy objects the servicers use, built once at start-up and passed in (house rule 2).

:func:`build_dependencies` loads models, opens the store and starts worker processes from the
validated :class:`~idverify.config.Config`; tests may build a :class:`Dependencies` of their
own. :meth:`Dependencies.close` releases everything on shutdown.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from idverify.config import Config
from idverify.server.metrics import Metrics

if TYPE_CHECKING:
    from linker.engine import Linker

__all__ = ["Dependencies", "build_dependencies"]

log = logging.getLogger(__name__)


@dataclass
class Dependencies:
    """Everything a servicer needs besides the request."""

    config: Config
    #: The service's Prometheus metrics.
    metrics: Metrics = field(default_factory=Metrics)
    #: The account linker (store, hash key, face index); None when ``linker.enabled`` is false.
    linker: Linker | None = None
    #: Called in reverse order by :meth:`close`.
    closers: list[Callable[[], None]] = field(default_factory=list)

    def close(self) -> None:
        """Release workers, stores and models; safe to call twice."""
        while self.closers:
            closer = self.closers.pop()
            try:
                closer()
            except Exception:  # one failing closer must not keep the others open
                log.exception("error while closing a dependency")


def build_dependencies(config: Config) -> Dependencies:
    """Build every heavy object once, from the validated configuration."""
    deps = Dependencies(config=config)
    if config.linker.enabled:
        from linker.engine import Linker

        deps.linker = Linker.open(config.linker, config.linker.store_url or config.store.resolved())
        deps.closers.append(deps.linker.close)
    return deps
