"""TLS and mutual TLS for the server, from PEM files named in the configuration."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import grpc

from idverify.errors import ConfigError

__all__ = ["TlsSettings", "server_credentials"]


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
