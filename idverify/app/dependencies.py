"""The heavy objects the use cases run on, built once at start-up and passed in (house rule 2).

:func:`build_dependencies` loads models, opens the store and starts worker processes from the
validated :class:`~idverify.config.Config`; tests may build a :class:`Dependencies` of their
own, giving only what they exercise (what they leave out is built from ``config``, or absent and
answered UNAVAILABLE). :meth:`Dependencies.close` releases everything on shutdown.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from idverify.config import Config
from idverify.metrics import Metrics
from idverify.policy import Policy, load_policy
from idverify.profile.name_match import NameMatcher

if TYPE_CHECKING:
    from idverify.documents.service import DocumentService
    from idverify.faces.service import FaceService
    from idverify.reverify.store import ReverifyStore
    from idverify.screening import Screener
    from idverify.workers import WorkerPool
    from linker.engine import Linker

__all__ = ["Dependencies", "build_dependencies", "model_version"]

log = logging.getLogger(__name__)


@dataclass
class Dependencies:
    """Every engine a use case needs besides the request."""

    config: Config
    #: The service's Prometheus metrics.
    metrics: Metrics = field(default_factory=Metrics)
    #: Name matcher shared by every call; built from ``config.profile`` when not given.
    name_matcher: NameMatcher | None = None
    #: The VerifyIdentity decision policy; loaded from ``config.policy.path`` when not given.
    policy: Policy | None = None
    #: Worker processes for CPU-bound work (dlib, Tesseract), shared by every engine.
    workers: WorkerPool | None = None
    #: CompareFaces: the face pipeline, run in ``workers``; None answers UNAVAILABLE.
    faces: FaceService | None = None
    #: ReadDocument: Tesseract and the portrait detector, run in ``workers``; None answers
    #: UNAVAILABLE.
    documents: DocumentService | None = None
    #: The account linker (store, hash key, face index); None when ``linker.enabled`` is false.
    linker: Linker | None = None
    #: Verification history and re-verification leases, in the store (``[store] url``); None
    #: records nothing (tests that do not need it).
    history: ReverifyStore | None = None
    #: ScreenMessage and ScreenProfile: word lists and tables loaded once; None is built from
    #: ``config.screening`` on first use (tests that do not screen never pay for it).
    screener: Screener | None = None
    #: Called in reverse order by :meth:`close`.
    closers: list[Callable[[], None]] = field(default_factory=list)

    def __post_init__(self) -> None:
        # Left out, the matcher and the policy follow the configuration, never the defaults:
        # a server started with [profile] or [policy] settings must decide by them.
        if self.name_matcher is None:
            self.name_matcher = NameMatcher(self.config.profile)
        if self.policy is None:
            self.policy = load_policy(self.config.policy.path)

    @property
    def model_version(self) -> str:
        """The face model and its decision thresholds: a change makes accounts due again."""
        return model_version(self.config)

    def close(self) -> None:
        """Release workers, stores and models; safe to call twice."""
        while self.closers:
            closer = self.closers.pop()
            try:
                closer()
            except Exception:  # one failing closer must not keep the others open
                log.exception("error while closing a dependency")


def model_version(config: Config) -> str:
    """The face model and every face setting that can change a decision, as recorded with each
    verification: the photo thresholds readably, then a digest of the whole ``[faces]`` section
    (the per-class thresholds, the class rule, quality floors), so any change makes accounts due."""
    faces = config.faces
    digest = hashlib.sha256(repr(faces).encode()).hexdigest()[:10]
    return f"dlib_resnet_v1/{faces.match_distance:g}-{faces.no_match_distance:g}/{digest}"


def build_dependencies(config: Config, metrics: Metrics | None = None) -> Dependencies:
    """Build every heavy object once, from the validated configuration (``metrics``: the
    service's metrics when already made, else new ones)."""
    from idverify.documents.service import DocumentService
    from idverify.faces.service import FaceService
    from idverify.reverify.store import open_reverify_store
    from idverify.workers import WorkerPool

    deps = Dependencies(config=config, metrics=metrics or Metrics())
    # The store is created here on first start (SQLite in the per-user data directory by default).
    deps.history = open_reverify_store(config.store.resolved())
    deps.closers.append(deps.history.close)
    # The linker opens first: a missing key or an unreachable store fails start-up at once, not
    # after the worker processes have loaded their models.
    if config.linker.enabled:
        from linker.engine import Linker

        try:
            deps.linker = Linker.open(config.linker, config.linker.store_url or config.store.resolved())
        except BaseException:
            deps.close()
            raise
        deps.closers.append(deps.linker.close)
    processes = config.server.worker_processes or os.cpu_count() or 1
    # Every engine that submits CPU work adds its initializer here, so each worker process
    # loads all models once, at start-up.
    pool = WorkerPool(processes, initializers=[FaceService.initializer(config.faces),
                                               DocumentService.initializer(config.documents)],
                      nice=config.server.worker_nice)
    deps.closers.append(pool.close)
    try:
        pool.warm_up()  # models load now, not on the first request
    except BaseException:
        deps.close()
        raise
    deps.workers = pool
    deps.faces = FaceService(config.faces, config.images, pool)
    deps.documents = DocumentService(config.documents, pool)
    from idverify.screening import Screener

    deps.screener = Screener.build(config.screening)  # word lists and tables, about a second
    return deps
