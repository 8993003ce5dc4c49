"""Prometheus metrics, served by prometheus-client on a port of their own.

Requests by method and status, latency histograms by method and by processing stage (from the
responses' own stage timings), failed calls by status and reason, decisions and reasons by
method, running and queued calls and admission refusals by call class (heavy or light), the
process's memory and CPU (prometheus-client's process collector), a build info gauge (version,
face model, policy version), and values sampled when scraped: worker-pool restarts, the face
index's size, the re-verification backlog by due reason (:meth:`Metrics.watch`).

Method labels carry the service (``linker.v1.LinkingService/CheckAccount``, never just
``CheckAccount``: the health service has a ``Check`` too). Labels hold method names, status
codes, stage names, call classes, decision and reason codes: never personal data. Each
:class:`Metrics` has its own registry so several servers (tests) can live in one process.
The Grafana dashboard over these is ``scripts/grafana/idverify.json``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from prometheus_client import (CollectorRegistry, Counter, Gauge, Histogram, PlatformCollector, ProcessCollector,
                               start_http_server)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.exposition import generate_latest
from prometheus_client.registry import Collector

from idverify.errors import ConfigError

__all__ = ["Metrics", "MetricsSettings", "method_label"]

log = logging.getLogger(__name__)

_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
_STAGE_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


def method_label(method: str) -> str:
    """The method label of a gRPC method path: ``/pkg.Service/Method`` -> ``pkg.Service/Method``."""
    return method.lstrip("/")


@dataclass(frozen=True)
class MetricsSettings:
    """Where Prometheus scrapes the metrics."""

    #: Serve /metrics over HTTP.
    enabled: bool = True
    #: Interface of the metrics endpoint.
    host: str = "127.0.0.1"
    #: Port of the metrics endpoint; 0 picks a free one.
    port: int = 9464

    def validate(self) -> None:
        if not 0 <= self.port <= 65535:
            raise ConfigError("metrics.port must be 0-65535", reason="CONFIG_VALUE")


class Metrics:
    """The service's metrics in a registry of their own."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.requests = Counter("idverify_requests", "Calls by method and status code.",
                                ["method", "code"], registry=r)
        self.latency = Histogram("idverify_request_seconds", "Call latency in seconds by method.",
                                 ["method"], buckets=_LATENCY_BUCKETS, registry=r)
        self.stages = Histogram("idverify_stage_seconds", "Processing-stage latency in seconds, by method and "
                                "stage, from the stage timings the responses carry (decode, detect, mrz, ...).",
                                ["method", "stage"], buckets=_STAGE_BUCKETS, registry=r)
        self.failed = Counter("idverify_failed_calls", "Calls that ended in an error status, by method, status "
                              "code and machine-readable reason (the ErrorInfo reason).",
                              ["method", "code", "reason"], registry=r)
        self.build_info = Gauge("idverify_build_info", "Always 1; the labels name the running build: package "
                                "version, face model with its thresholds, decision policy version.",
                                ["version", "model", "policy_version"], registry=r)
        self.decisions = Counter("idverify_decisions", "Decisions by method and decision.",
                                 ["method", "decision"], registry=r)
        self.reasons = Counter("idverify_reasons", "Reasons given, by method and reason code.",
                               ["method", "reason"], registry=r)
        self.running = Gauge("idverify_calls_running", "Calls running now, by call class (heavy or light).",
                             ["call_class"], registry=r)
        self.queued = Gauge("idverify_calls_queued", "Calls waiting for a slot now, by call class.",
                            ["call_class"], registry=r)
        self.refused = Counter("idverify_calls_refused", "Calls refused for want of a slot (QUEUE_FULL, "
                               "QUEUE_TIMEOUT, DEADLINE_PASSED_IN_QUEUE), by call class and reason.",
                               ["call_class", "reason"], registry=r)
        self.backlog = Gauge("idverify_reverify_backlog", "Accounts due for re-verification.", registry=r)
        self.reverified = Counter("idverify_reverify_processed", "Accounts re-verified, by decision.",
                                  ["decision"], registry=r)
        self.reverify_failures = Counter("idverify_reverify_failed", "Re-checks that failed, by reason.",
                                         ["reason"], registry=r)
        self.screening_link_failures = Counter(
            "idverify_screening_link_failures", "Screenings whose decision was returned but whose linking "
            "(posted details, profile text) failed, by what it was and reason (store down, seal key).",
            ["what", "reason"], registry=r)
        ProcessCollector(registry=r)  # process_resident_memory_bytes, process_cpu_seconds_total, ...
        PlatformCollector(registry=r)  # python_info
        self._sampled = _Sampled()
        r.register(self._sampled)
        self._server: Any = None

    def observe_call(self, method: str, code: str, seconds: float, response: Any = None, reason: str = "") -> None:
        """Record one finished call (``method`` is the gRPC path ``/pkg.Service/Method``): its
        status, latency and, when it failed, its ``reason``; its decision, reasons and stage
        timings when the response has them."""
        name = method_label(method)
        self.requests.labels(name, code).inc()
        self.latency.labels(name).observe(seconds)
        if code != "OK":
            self.failed.labels(name, code, reason or code).inc()
        if response is None or not hasattr(response, "DESCRIPTOR"):
            return
        fields = response.DESCRIPTOR.fields_by_name
        for stage, milliseconds in _timings(response):
            self.stages.labels(name, stage).observe(milliseconds / 1000.0)
        decision = fields.get("decision")
        if decision is not None and decision.enum_type is not None:
            value = decision.enum_type.values_by_number.get(getattr(response, "decision"))
            if value is not None:
                self.decisions.labels(name, value.name).inc()
        if "reasons" in fields:
            for reason in response.reasons:
                code_ = getattr(reason, "code", "")
                if code_:
                    self.reasons.labels(name, code_).inc()

    def set_queue(self, call_class: str, running: int, queued: int) -> None:
        """Update the running and queued gauges of one call class."""
        self.running.labels(call_class).set(running)
        self.queued.labels(call_class).set(queued)

    def start_at_zero(self, call_classes: Sequence[str], refusal_reasons: Sequence[str]) -> None:
        """Export the admission series at 0 before the first call, so graphs and alerts see
        "none yet" rather than "no data"."""
        for call_class in call_classes:
            self.set_queue(call_class, 0, 0)
            for reason in refusal_reasons:
                self.refused.labels(call_class, reason)

    def count_refused(self, call_class: str, reason: str) -> None:
        """Count a call refused by admission."""
        self.refused.labels(call_class, reason).inc()

    def set_build(self, version: str, model: str, policy_version: str) -> None:
        """Name the running build in ``idverify_build_info``."""
        self.build_info.clear()
        self.build_info.labels(version, model, policy_version).set(1)

    def watch(self, *, worker_restarts: Callable[[], int] | None = None,
              face_index_size: Callable[[], int] | None = None,
              reverify_due: Callable[[], Mapping[str, int]] | None = None) -> None:
        """Sample these when scraped: worker-pool restarts (a count), the face index's size
        (faces), and the accounts due for re-verification by due reason (an account due for two
        reasons counts under both)."""
        self._sampled.worker_restarts = worker_restarts or self._sampled.worker_restarts
        self._sampled.face_index_size = face_index_size or self._sampled.face_index_size
        self._sampled.reverify_due = reverify_due or self._sampled.reverify_due

    def serve(self, settings: MetricsSettings) -> int:
        """Start the HTTP endpoint; return its port. ConfigError (CONFIG_BIND) when the address
        cannot be bound (a port in use: give each replica its own ``metrics.port``)."""
        try:
            server, _thread = start_http_server(settings.port, addr=settings.host, registry=self.registry)
        except OSError as exc:
            raise ConfigError(f"cannot listen on {settings.host}:{settings.port} for metrics: {exc.strerror} "
                              "(set --metrics-port or metrics.port, 0 for a free port)",
                              reason="CONFIG_BIND", metadata={"port": str(settings.port)}) from exc
        self._server = server
        return server.server_port

    def close(self) -> None:
        """Stop the HTTP endpoint, if started."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def render(self) -> bytes:
        """The metrics in the Prometheus text format."""
        return generate_latest(self.registry)


def _timings(response: Any) -> Iterator[tuple[str, float]]:
    """``(stage, milliseconds)`` of a response's stage timings, then of the verification inside
    it (Signup: ``verify.document.mrz``, ...); never the ``total`` stage, which the request
    latency already measures."""
    fields = response.DESCRIPTOR.fields_by_name
    if "timings" in fields:
        yield from ((t.stage, t.milliseconds) for t in response.timings if t.stage != "total")
    if "verification" in fields and response.HasField("verification"):
        yield from ((f"verify.{t.stage}", t.milliseconds) for t in response.verification.timings
                    if t.stage != "total")


class _Sampled(Collector):
    """Values read when Prometheus scrapes, from callables the server sets (:meth:`Metrics.watch`)."""

    def __init__(self) -> None:
        self.worker_restarts: Callable[[], int] | None = None
        self.face_index_size: Callable[[], int] | None = None
        self.reverify_due: Callable[[], Mapping[str, int]] | None = None

    def describe(self) -> list[Metric]:
        return []  # sampled lazily: nothing is read at registration

    def collect(self) -> Iterator[Metric]:
        restarts = CounterMetricFamily("idverify_worker_restarts", "Times the worker pool was rebuilt after "
                                       "a worker process died.")
        size = GaugeMetricFamily("idverify_face_index_size", "Faces in the linker's face index.")
        due = GaugeMetricFamily("idverify_reverify_due", "Accounts due for re-verification and not leased, "
                                "by due reason (REQUESTED, PERIODIC, DOCUMENT_EXPIRED, ...).", labels=["reason"])
        if self.worker_restarts is not None:
            value = _sample(self.worker_restarts, "worker restarts")
            if value is not None:
                restarts.add_metric([], value)
        if self.face_index_size is not None:
            value = _sample(self.face_index_size, "face index size")
            if value is not None:
                size.add_metric([], value)
        if self.reverify_due is not None:
            counts = _sample(self.reverify_due, "re-verification backlog")
            for reason, count in sorted((counts or {}).items()):
                due.add_metric([reason], count)
        yield from (restarts, size, due)


def _sample(read: Callable[[], Any], what: str) -> Any:
    # A scrape must never fail because one source (the store, say) is down for a moment.
    try:
        return read()
    except Exception:
        log.warning("could not sample a metric", extra={"metric": what}, exc_info=True)
        return None
