"""TLS and mutual TLS on a real server, with certificates made by openssl for the test."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from idverify.config import Config, ServerSettings
from idverify.errors import ConfigError
from idverify.app.dependencies import Dependencies
from idverify.config.transport import TlsSettings
from idverify.settings import build

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is not installed")


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


@pytest.fixture(scope="module")
def pki(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("pki")
    _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
             "-days", "1", "-subj", "/CN=test-ca", cwd=d)
    (d / "san.ext").write_text("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
    for name in ("server", "client"):
        _openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{name}.key", "-out", f"{name}.csr",
                 "-subj", f"/CN={name}", cwd=d)
        _openssl("x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
                 "-CAcreateserial", "-out", f"{name}.pem", "-days", "1", "-extfile", "san.ext", cwd=d)
    return d


def _serving(channel: grpc.Channel) -> bool:
    stub = health_pb2_grpc.HealthStub(channel)
    return stub.Check(health_pb2.HealthCheckRequest(), timeout=5).status == health_pb2.HealthCheckResponse.SERVING


def _deps(tls: TlsSettings) -> Dependencies:
    return Dependencies(config=Config(server=ServerSettings(port=0), tls=tls))


def test_tls_server_accepts_tls_and_refuses_plaintext(pki, start_server):
    _, port = start_server(_deps(TlsSettings(cert_file=str(pki / "server.pem"), key_file=str(pki / "server.key"))))
    creds = grpc.ssl_channel_credentials(root_certificates=(pki / "ca.pem").read_bytes())
    with grpc.secure_channel(f"127.0.0.1:{port}", creds) as channel:
        assert _serving(channel)
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel, pytest.raises(grpc.RpcError):
        _serving(channel)


def test_mutual_tls_needs_a_client_certificate(pki, start_server):
    tls = TlsSettings(cert_file=str(pki / "server.pem"), key_file=str(pki / "server.key"),
                      client_ca_file=str(pki / "ca.pem"))
    _, port = start_server(_deps(tls))
    root = (pki / "ca.pem").read_bytes()
    with_cert = grpc.ssl_channel_credentials(root, (pki / "client.key").read_bytes(),
                                             (pki / "client.pem").read_bytes())
    with grpc.secure_channel(f"127.0.0.1:{port}", with_cert) as channel:
        assert _serving(channel)
    without = grpc.ssl_channel_credentials(root)
    with grpc.secure_channel(f"127.0.0.1:{port}", without) as channel, pytest.raises(grpc.RpcError):
        _serving(channel)


@pytest.mark.parametrize("data", [{"cert_file": "a.pem"}, {"client_ca_file": "ca.pem"}])
def test_incomplete_tls_settings_are_rejected(data):
    with pytest.raises(ConfigError):
        build(TlsSettings, data)


def test_unreadable_certificate_is_a_config_error(tmp_path, start_server):
    tls = TlsSettings(cert_file=str(tmp_path / "no.pem"), key_file=str(tmp_path / "no.key"))
    with pytest.raises(ConfigError) as info:
        start_server(_deps(tls))
    assert info.value.reason == "CONFIG_UNREADABLE"
