"""TLS and mutual TLS for the server, from PEM files named in the configuration."""

from __future__ import annotations

from pathlib import Path

import grpc

from idverify.config.transport import TlsSettings
from idverify.errors import ConfigError

__all__ = ["server_credentials"]


def _read(path: str, what: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read {what} {path}: {exc.strerror}", reason="CONFIG_UNREADABLE") from exc


def server_credentials(settings: TlsSettings) -> grpc.ServerCredentials:
    """grpc server credentials for ``settings`` (TLS, or mTLS with a client CA)."""
    pair = (_read(settings.key_file, "TLS key"), _read(settings.cert_file, "TLS certificate"))
    if settings.client_ca_file:
        return grpc.ssl_server_credentials(
            [pair], root_certificates=_read(settings.client_ca_file, "client CA"),
            require_client_auth=settings.require_client_cert,
        )
    return grpc.ssl_server_credentials([pair])
