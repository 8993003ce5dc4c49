"""Server start-up: ``create_server(config, app) -> (server, port)``, ``serve()``.

:func:`create_server` builds a grpcio server with the error interceptor, the three services over the
application's use cases, the standard health service and server reflection, bound to
``host:port`` (port 0 picks a free one, for tests) but not started. :func:`serve` builds the
application once (models, store, workers), starts the server, marks it
SERVING and shuts it down gracefully on SIGTERM or SIGINT: health turns NOT_SERVING, new calls
are refused, in-flight calls get ``server.grace_seconds`` to finish.
"""

from __future__ import annotations

import logging
import signal
import threading
from concurrent import futures

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from idverify.app import Application, build_application
from idverify.config import Config
from idverify.db.url import redact_url
from idverify.errors import ConfigError
from idverify.server.auth import Authenticator, load_keys
from idverify.server.interceptors import ErrorInterceptor, Guard
from idverify.server.limits import Admission, RateLimiter
from idverify.server.linking import LinkingServicer
from idverify.server.screening import ScreeningServicer
from idverify.server.tls import server_credentials
from idverify.server.verification import VerificationServicer
from idverify.screening.v1 import screening_service_pb2, screening_service_pb2_grpc
from idverify.v1 import verification_service_pb2, verification_service_pb2_grpc
from linker.v1 import linking_service_pb2, linking_service_pb2_grpc

__all__ = ["RunningServer", "create_server", "serve"]

log = logging.getLogger(__name__)

VERIFICATION_SERVICE = verification_service_pb2.DESCRIPTOR.services_by_name["VerificationService"].full_name
LINKING_SERVICE = linking_service_pb2.DESCRIPTOR.services_by_name["LinkingService"].full_name
SCREENING_SERVICE = screening_service_pb2.DESCRIPTOR.services_by_name["ScreeningService"].full_name


class RunningServer:
    """A created server with its health servicer, so start-up and shutdown can set status."""

    def __init__(self, server: grpc.Server, health_servicer: health.HealthServicer, grace: float) -> None:
        self.server = server
        self.health = health_servicer
        self.grace = grace

    def start(self) -> None:
        """Start serving and report SERVING for the server and every service."""
        self.server.start()
        for name in ("", VERIFICATION_SERVICE, LINKING_SERVICE, SCREENING_SERVICE):
            self.health.set(name, health_pb2.HealthCheckResponse.SERVING)

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
        VerificationServicer(app.verification, app.signup), server)
    linking_service_pb2_grpc.add_LinkingServiceServicer_to_server(LinkingServicer(app.linking), server)
    screening_service_pb2_grpc.add_ScreeningServiceServicer_to_server(ScreeningServicer(app.screening), server)

    health_servicer = health.HealthServicer(experimental_non_blocking=True)
    for name in ("", VERIFICATION_SERVICE, LINKING_SERVICE, SCREENING_SERVICE):
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
    return RunningServer(server, health_servicer, settings.grace_seconds), port


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
    """Run the service until SIGTERM or SIGINT; return the process exit code."""
    log.info("loading models and opening the store")
    app = build_application(config)
    try:
        running, port = create_server(config, app)
        stopped = threading.Event()

        def on_signal(signum: int, _frame) -> None:
            log.info("shutting down", extra={"signal": signal.Signals(signum).name})
            running.stop().wait()
            stopped.set()

        signal.signal(signal.SIGTERM, on_signal)
        signal.signal(signal.SIGINT, on_signal)
        if config.metrics.enabled:
            metrics_port = app.deps.metrics.serve(config.metrics)
            app.deps.closers.append(app.deps.metrics.close)
            log.info("metrics", extra={"host": config.metrics.host, "port": metrics_port})
        running.start()
        log.info("serving", extra={"host": config.server.host, "port": port,
                                   "store": _store_label(config)})
        print(f"idverify serving on {config.server.host}:{port}", flush=True)
        running.server.wait_for_termination()
        stopped.wait(timeout=config.server.grace_seconds + 5)
    finally:
        app.close()
    return 0


def _store_label(config: Config) -> str:
    """The store location for the start-up log, its password (if any) masked."""
    return redact_url(config.store.resolved())
