"""Prometheus metrics, served by prometheus-client on a port of their own.

Requests by method and status, latency histograms by method, decisions and reasons by method,
running and queued calls and admission refusals by call class (heavy or light). Labels hold
method names, status codes, call classes, decision and reason codes:
never personal data. Each :class:`Metrics` has its own registry so several servers (tests) can
live in one process.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, start_http_server
from prometheus_client.exposition import generate_latest

from idverify.errors import ConfigError

__all__ = ["Metrics", "MetricsSettings"]

_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


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
        self._server: Any = None

    def observe_call(self, method: str, code: str, seconds: float, response: Any = None) -> None:
        """Record one finished call, and its decision and reasons when the response has them."""
        name = method.rsplit("/", 1)[-1]
        self.requests.labels(name, code).inc()
        self.latency.labels(name).observe(seconds)
        if response is None or not hasattr(response, "DESCRIPTOR"):
            return
        fields = response.DESCRIPTOR.fields_by_name
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

    def count_refused(self, call_class: str, reason: str) -> None:
        """Count a call refused by admission."""
        self.refused.labels(call_class, reason).inc()

    def serve(self, settings: MetricsSettings) -> int:
        """Start the HTTP endpoint; return its port."""
        server, _thread = start_http_server(settings.port, addr=settings.host, registry=self.registry)
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
