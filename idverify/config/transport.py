"""Settings of the transport: how the server listens, where the store is, TLS, API keys, limits.

Plain frozen dataclasses with documented defaults, validated by :func:`idverify.settings.build`.
They live here, below the server layer, so that the configuration (which composes every
section) never imports the server, and the server reads them as it reads any other section.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from idverify.errors import ConfigError

__all__ = ["AuthSettings", "LimitSettings", "ServerSettings", "StoreSettings", "TlsSettings", "default_db_path"]


def default_db_path() -> Path:
    """The embedded SQLite store's default location: the per-user data directory."""
    import platformdirs

    return Path(platformdirs.user_data_dir("idverify", appauthor=False)) / "idverify.sqlite3"


@dataclass(frozen=True)
class ServerSettings:
    """How the gRPC server listens and bounds its work."""

    #: Interface to listen on.
    host: str = "127.0.0.1"
    #: TCP port; 0 picks a free one (tests).
    port: int = 50051
    #: Largest request or response message in bytes (16 MiB).
    max_message_bytes: int = 16 * 1024 * 1024
    #: Seconds in-flight calls get to finish after SIGTERM or SIGINT.
    grace_seconds: float = 10.0
    #: Threads handling calls, running or queued (see [limits]); CPU-heavy work goes to worker
    #: processes. Calls beyond this many at once are refused by grpc with RESOURCE_EXHAUSTED.
    threads: int = 128
    #: Processes for CPU-bound work (face and document pipelines); 0 means one per core.
    worker_processes: int = 0
    #: How much lower the worker processes' CPU priority is than the server's (added to their
    #: niceness at start, 0-19; 0 keeps the server's). Cheap calls then get the CPU first while
    #: faces and documents keep every core the server leaves idle (README, "Deployment").
    worker_nice: int = 0
    #: Let several ``idverify serve`` processes on this host listen on one port (SO_REUSEPORT; the
    #: kernel spreads connections over them). For replicas sharing one store: PostgreSQL, or a
    #: SQLite file on this host (writes are serialised by its lock either way).
    reuse_port: bool = False

    def validate(self) -> None:
        if not 0 <= self.port <= 65535:
            raise ConfigError(f"server.port must be 0-65535, not {self.port}", reason="CONFIG_VALUE")
        if not 1024 <= self.max_message_bytes <= 1024 * 1024 * 1024:
            raise ConfigError("server.max_message_bytes must be 1 KiB to 1 GiB", reason="CONFIG_VALUE")
        if self.grace_seconds < 0:
            raise ConfigError("server.grace_seconds must be >= 0", reason="CONFIG_VALUE")
        if self.threads < 1:
            raise ConfigError("server.threads must be >= 1", reason="CONFIG_VALUE")
        if self.worker_processes < 0:
            raise ConfigError("server.worker_processes must be >= 0", reason="CONFIG_VALUE")
        if not 0 <= self.worker_nice <= 19:
            raise ConfigError("server.worker_nice must be 0-19", reason="CONFIG_VALUE")


@dataclass(frozen=True)
class StoreSettings:
    """Where accounts, links and verification history live."""

    #: A SQLite file path, or a ``postgresql://`` URL; empty means the per-user default file.
    url: str = ""

    def resolved(self) -> str:
        """The store location with the default filled in."""
        return self.url or str(default_db_path())


@dataclass(frozen=True)
class TlsSettings:
    """Server certificate and, for mutual TLS, the CA that signs client certificates."""

    #: PEM certificate chain of the server; empty serves plaintext (loopback and tests only).
    cert_file: str = ""
    #: PEM private key of the server.
    key_file: str = ""
    #: PEM CA bundle for client certificates; set it to turn on mutual TLS.
    client_ca_file: str = ""
    #: With a client CA: refuse clients that present no certificate.
    require_client_cert: bool = True

    @property
    def enabled(self) -> bool:
        """True when a certificate is configured."""
        return bool(self.cert_file)

    def validate(self) -> None:
        if bool(self.cert_file) != bool(self.key_file):
            raise ConfigError("tls.cert_file and tls.key_file go together", reason="CONFIG_VALUE")
        if self.client_ca_file and not self.cert_file:
            raise ConfigError("tls.client_ca_file needs tls.cert_file", reason="CONFIG_VALUE")


@dataclass(frozen=True)
class AuthSettings:
    """Whether calls need an API key, and where the hashed keys live."""

    #: When false every call is accepted as client "anonymous" (development only).
    enabled: bool = False
    #: TOML file of hashed keys (see the module docstring); required when enabled.
    keys_file: str = ""

    def validate(self) -> None:
        if self.enabled and not self.keys_file:
            raise ConfigError("auth.enabled needs auth.keys_file", reason="CONFIG_VALUE")


@dataclass(frozen=True)
class LimitSettings:
    """Concurrency, queue and rate limits, per call class (``idverify/server/call_classes.py``).

    Heavy calls (faces, documents, signups, registrations carrying a photo) and light calls
    (profile matching, the linker without photos) have separate slots and queues, so a light
    call never waits behind a heavy one.
    """

    #: Heavy calls that run at once; their CPU work is further bounded by the worker processes.
    max_concurrent_calls: int = 8
    #: Heavy calls that may wait for a slot; more are refused with RESOURCE_EXHAUSTED.
    max_queued_calls: int = 32
    #: Light calls that run at once (each takes milliseconds: the store and a little CPU).
    max_concurrent_light_calls: int = 16
    #: Light calls that may wait for a slot; more are refused with RESOURCE_EXHAUSTED.
    max_queued_light_calls: int = 64
    #: Longest wait for a slot in seconds when the caller set no shorter deadline.
    queue_timeout_seconds: float = 30.0
    #: Sustained calls per second per client; 0 turns rate limiting off.
    rate_per_client: float = 0.0
    #: Calls a client may make at once above the sustained rate.
    burst: int = 20

    @property
    def threads_needed(self) -> int:
        """Call-handling threads for every running and queued call of both classes, plus probes."""
        return (self.max_concurrent_calls + self.max_queued_calls + self.max_concurrent_light_calls
                + self.max_queued_light_calls + 2)

    def validate(self) -> None:
        if self.max_concurrent_calls < 1 or self.max_queued_calls < 0:
            raise ConfigError("limits.max_concurrent_calls must be >= 1 and max_queued_calls >= 0",
                              reason="CONFIG_VALUE")
        if self.max_concurrent_light_calls < 1 or self.max_queued_light_calls < 0:
            raise ConfigError("limits.max_concurrent_light_calls must be >= 1 and max_queued_light_calls >= 0",
                              reason="CONFIG_VALUE")
        if self.queue_timeout_seconds <= 0 or self.rate_per_client < 0 or self.burst < 1:
            raise ConfigError("limits: queue_timeout_seconds > 0, rate_per_client >= 0, burst >= 1",
                              reason="CONFIG_VALUE")
