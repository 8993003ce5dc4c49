"""The application layer: the use cases, built once in ``main()`` and called by every front end.

    request ─► idverify.server (servicers translate messages and statuses)
            ─► idverify.app    (use cases: Verification, Linking, Signup, Screening, AccountChecker)
            ─► engines         (faces, documents, profile, policy, linker, reverify store, screening)
            ─► plumbing        (db, images, workers, settings, errors, metrics)

:class:`Application` holds the use-case objects over one :class:`Dependencies`; the gRPC server,
``idverify reverify`` and the benchmarks all call these objects, never a servicer.
"""

from __future__ import annotations

from idverify.app.dependencies import Dependencies, build_dependencies, model_version
from idverify.app.linking import Linking
from idverify.app.reverify_requests import ReverifyRequests
from idverify.app.screening import Screening
from idverify.app.signup import Signup
from idverify.app.verification import Verification
from idverify.config import Config
from idverify.metrics import Metrics

__all__ = ["Application", "Dependencies", "Linking", "ReverifyRequests", "Screening", "Signup", "Verification", "build_application", "build_dependencies",
           "model_version"]


class Application:
    """The use cases over one set of engines; :meth:`close` releases the engines."""

    def __init__(self, deps: Dependencies) -> None:
        self.deps = deps
        self.verification = Verification(deps)
        self.linking = Linking(deps)
        self.signup = Signup(deps, self.verification, self.linking)
        self.screening = Screening(deps)
        self.reverify_requests = ReverifyRequests(deps)

    @property
    def config(self) -> Config:
        """The configuration the engines were built from."""
        return self.deps.config

    def close(self) -> None:
        """Release workers, stores and models; safe to call twice."""
        self.deps.close()


def build_application(config: Config, metrics: Metrics | None = None) -> Application:
    """Build the engines from ``config`` and the use cases over them (models load now);
    ``metrics`` when the caller made them first (to bind their port before loading models)."""
    return Application(build_dependencies(config, metrics))
