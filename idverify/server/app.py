"""Server start-up: ``create_server(config, app) -> (server, port)``, ``serve()``.

:func:`create_server` builds a grpcio server with the error interceptor, the three services over the
application's use cases, the standard health service and server reflection, bound to
``host:port`` (port 0 picks a free one, for tests) but not started. :func:`serve` builds the
application once (models, store, workers), starts the server, sets each service's health
from what it can answer (:mod:`idverify.server.health`: a server without a linker reports
``linker.v1.LinkingService`` NOT_SERVING and logs why) and shuts it down gracefully on SIGTERM
or SIGINT: health turns NOT_SERVING, new calls are refused, in-flight calls get
``server.grace_seconds`` to finish. The ports and files it needs are checked before the models
load, so a port in use or an unreadable file fails in a second.
"""

from __future__ import annotations

import importlib.metadata
import logging
import signal
import socket
import threading
from concurrent import futures

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from idverify.app import Application, build_application
from idverify.config import Config
from idverify.db.url import redact_url
from idverify.errors import ConfigError
from idverify.metrics import Metrics
from idverify.server.auth import Authenticator, load_keys
from idverify.server.health import LINKING_SERVICE, OVERALL, SCREENING_SERVICE, VERIFICATION_SERVICE, service_health
from idverify.server.interceptors import ErrorInterceptor, Guard
from idverify.server.call_classes import CALL_CLASSES
from idverify.server.limits import REFUSAL_REASONS, Admission, RateLimiter
from idverify.server.linking import LinkingServicer
from idverify.server.screening import ScreeningServicer
from idverify.server.tls import server_credentials
from idverify.server.verification import VerificationServicer
from idverify.screening.v1 import screening_service_pb2_grpc
from idverify.v1 import verification_service_pb2_grpc
from linker.v1 import linking_service_pb2_grpc

__all__ = ["RunningServer", "create_server", "serve", "watch"]

log = logging.getLogger(__name__)


class RunningServer:
    """A created server with its health servicer, so start-up and shutdown can set status."""

    def __init__(self, server: grpc.Server, health_servicer: health.HealthServicer, grace: float,
                 app: Application) -> None:
        self.server = server
        self.health = health_servicer
        self.grace = grace
        self._app = app

    def start(self) -> None:
        """Start serving and report each service's status; log why a service is not serving."""
        self.server.start()
        for status in service_health(self._app):
            self.health.set(status.service, health_pb2.HealthCheckResponse.SERVING if status.serving
                            else health_pb2.HealthCheckResponse.NOT_SERVING)
            if not status.serving and status.service != OVERALL:
                log.warning("service not serving", extra={"service": status.service, "reason": status.reason})

    def stop(self, grace: float | None = None) -> threading.Event:
        """Report NOT_SERVING, refuse new calls and let in-flight ones finish within ``grace`` s."""
        self.health.enter_graceful_shutdown()
        return self.server.stop(self.grace if grace is None else grace)

    # Let tests and serve() use the grpc.Server API directly.
    def __getattr__(self, name: str):
        return getattr(self.server, name)


def create_server(config: Config, app: Application) -> tuple[RunningServer, int]:
    """Build the server (not started) over ``app``'s use cases, bound to ``config.server.host:port``;
    return it and the port."""
    settings = config.server
    options = [
        ("grpc.max_receive_message_length", settings.max_message_bytes),
        ("grpc.max_send_message_length", settings.max_message_bytes),
        ("grpc.so_reuseport", 1 if settings.reuse_port else 0),
    ]
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=settings.threads, thread_name_prefix="grpc"),
        interceptors=[ErrorInterceptor(_guards(config, app), app.deps.metrics)],
        options=options,
        maximum_concurrent_rpcs=settings.threads,
    )
    verification_service_pb2_grpc.add_VerificationServiceServicer_to_server(
        VerificationServicer(app.verification, app.signup, app.reverify_requests), server)
    linking_service_pb2_grpc.add_LinkingServiceServicer_to_server(LinkingServicer(app.linking), server)
    screening_service_pb2_grpc.add_ScreeningServiceServicer_to_server(ScreeningServicer(app.screening), server)

    health_servicer = health.HealthServicer(experimental_non_blocking=True)
    for name in (OVERALL, VERIFICATION_SERVICE, LINKING_SERVICE, SCREENING_SERVICE):
        health_servicer.set(name, health_pb2.HealthCheckResponse.NOT_SERVING)
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    reflection.enable_server_reflection(
        (
            VERIFICATION_SERVICE,
            LINKING_SERVICE,
            SCREENING_SERVICE,
            health_pb2.DESCRIPTOR.services_by_name["Health"].full_name,
            reflection.SERVICE_NAME,
        ),
        server,
    )
    address = f"{settings.host}:{settings.port}"
    try:
        if config.tls.enabled:
            port = server.add_secure_port(address, server_credentials(config.tls))
        else:
            port = server.add_insecure_port(address)
    except RuntimeError as exc:  # grpcio raises RuntimeError when it cannot bind
        raise ConfigError(f"cannot listen on {address}: {exc}", reason="CONFIG_BIND") from exc
    if port == 0:
        raise ConfigError(f"cannot listen on {address}", reason="CONFIG_BIND")
    watch(app)
    return RunningServer(server, health_servicer, settings.grace_seconds, app), port


def _guards(config: Config, app: Application) -> list[Guard]:
    """Authentication first (so rate limits know the client), then rate limits, then admission."""
    guards: list[Guard] = []
    if config.auth.enabled:
        guards.append(Authenticator(load_keys(config.auth.keys_file)))
    guards.append(RateLimiter(config.limits))
    guards.append(Admission(config.limits, on_change=app.deps.metrics.set_queue,
                            on_refused=app.deps.metrics.count_refused))
    return guards


def serve(config: Config) -> int:
    """Run the service until SIGTERM or SIGINT; return the process exit code.

    Start-up failures raise before anything serves: ConfigError (CONFIG_BIND for a port in use,
    CONFIG_UNREADABLE for a file that cannot be read, others for bad settings) and Unavailable
    (the store cannot be reached); the CLI turns each into one line and an exit code.
    """
    _check_free(config.server.host, config.server.port, reuse_port=config.server.reuse_port)
    if config.auth.enabled:
        load_keys(config.auth.keys_file)
    if config.tls.enabled:
        server_credentials(config.tls)
    metrics = Metrics()
    if config.metrics.enabled:
        metrics_port = metrics.serve(config.metrics)
        log.info("metrics", extra={"host": config.metrics.host, "port": metrics_port})
    log.info("loading models and opening the store")
    try:
        app = build_application(config, metrics)
    except BaseException:
        metrics.close()
        raise
    app.deps.closers.insert(0, metrics.close)  # closed last
    try:
        running, port = create_server(config, app)
        stopped = threading.Event()

        def on_signal(signum: int, _frame) -> None:
            log.info("shutting down", extra={"signal": signal.Signals(signum).name})
            running.stop().wait()
            stopped.set()

        signal.signal(signal.SIGTERM, on_signal)
        signal.signal(signal.SIGINT, on_signal)
        running.start()
        log.info("serving", extra={"host": config.server.host, "port": port,
                                   "store": _store_label(config)})
        print(f"idverify serving on {config.server.host}:{port}", flush=True)
        if config.metrics.enabled:
            print(f"idverify metrics on {config.metrics.host}:{metrics_port}", flush=True)
        running.server.wait_for_termination()
        stopped.wait(timeout=config.server.grace_seconds + 5)
    finally:
        app.close()
    return 0


def _check_free(host: str, port: int, reuse_port: bool = False) -> None:
    """ConfigError (CONFIG_BIND) now, before the models load, when ``host:port`` is taken
    (with ``reuse_port``, only when taken by a socket that does not share it: another replica's
    SO_REUSEPORT listener is no conflict).

    grpcio only finds out when the server is created (after the models have loaded) and logs
    its own error line; :func:`create_server` still refuses a port taken in between.
    """
    if port == 0:
        return
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise ConfigError(f"cannot listen on {host}:{port}: {exc.strerror}", reason="CONFIG_BIND") from exc
    family, _, _, _, address = infos[0]
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as grpcio binds: TIME_WAIT is no conflict
        if reuse_port:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            raise ConfigError(f"cannot listen on {host}:{port}: {exc.strerror} (set --port or server.port)",
                              reason="CONFIG_BIND", metadata={"port": str(port)}) from exc


def watch(app: Application) -> None:
    """Point the metrics at what they sample (build, worker restarts, face index, backlog)."""
    deps = app.deps
    deps.metrics.set_build(_version(), deps.model_version, deps.policy.version)
    deps.metrics.start_at_zero(CALL_CLASSES, REFUSAL_REASONS)
    workers, linker, history = deps.workers, deps.linker, deps.history
    deps.metrics.watch(
        worker_restarts=(lambda: workers.rebuilds) if workers is not None else None,
        face_index_size=(lambda: len(linker.index)) if linker is not None else None,
        reverify_due=(lambda: history.due_by_reason(deps.policy.version, deps.model_version,
                                                    deps.config.reverify)) if history is not None else None,
    )


def _version() -> str:
    try:
        return importlib.metadata.version("idverify")
    except importlib.metadata.PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown"


def _store_label(config: Config) -> str:
    """The store location for the start-up log, its password (if any) masked."""
    return redact_url(config.store.resolved())
