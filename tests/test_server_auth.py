"""API keys and scopes on a real server: UNAUTHENTICATED, PERMISSION_DENIED, health stays open."""

from __future__ import annotations

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from idverify.cli import main
from idverify.client import error_reason
from idverify.config import Config, ServerSettings
from idverify.errors import ConfigError
from idverify.config.transport import AuthSettings
from idverify.server.auth import append_key, load_keys, required_scope
from idverify.app.dependencies import Dependencies
from idverify.v1 import verification_service_pb2 as pb
from idverify.v1 import verification_service_pb2_grpc as pb_grpc
from linker.v1 import linking_service_pb2 as lpb
from linker.v1 import linking_service_pb2_grpc as lpb_grpc


@pytest.fixture
def keys(tmp_path, capsys):
    path = tmp_path / "keys.toml"
    made = {}
    for client, scopes in {"signup": ["verify", "link"], "reviewer": ["review"]}.items():
        argv = ["keys", "create", "--client", client, "--keys-file", str(path)]
        for scope in scopes:
            argv += ["--scope", scope]
        assert main(argv) == 0
        made[client] = capsys.readouterr().out.strip()
    return path, made


def test_keys_file_holds_only_hashes(keys):
    path, made = keys
    text = path.read_text()
    assert all(key not in text for key in made.values())
    assert [k.client for k in load_keys(path)] == ["signup", "reviewer"]
    assert oct(path.stat().st_mode & 0o777) == "0o600"


@pytest.fixture
def secured(keys, start_server):
    path, made = keys
    config = Config(server=ServerSettings(port=0), auth=AuthSettings(enabled=True, keys_file=str(path)))
    channel, _ = start_server(Dependencies(config=config))
    return channel, made


def _code_and_reason(fn):
    with pytest.raises(grpc.RpcError) as info:
        fn()
    return info.value.code(), error_reason(info.value)


def test_missing_and_wrong_keys_are_unauthenticated(secured):
    channel, _ = secured
    stub = pb_grpc.VerificationServiceStub(channel)
    assert _code_and_reason(lambda: stub.ReadDocument(pb.ReadDocumentRequest(), timeout=5)) == (
        grpc.StatusCode.UNAUTHENTICATED, "API_KEY_MISSING")
    assert _code_and_reason(lambda: stub.ReadDocument(
        pb.ReadDocumentRequest(), timeout=5, metadata=(("authorization", "Bearer idv_nope"),))) == (
        grpc.StatusCode.UNAUTHENTICATED, "API_KEY_INVALID")


def test_missing_scope_is_permission_denied(secured):
    channel, made = secured
    stub = pb_grpc.VerificationServiceStub(channel)
    meta = (("authorization", f"Bearer {made['reviewer']}"),)
    code, reason = _code_and_reason(lambda: stub.ReadDocument(pb.ReadDocumentRequest(), timeout=5, metadata=meta))
    assert (code, reason) == (grpc.StatusCode.PERMISSION_DENIED, "SCOPE_MISSING")
    linking = lpb_grpc.LinkingServiceStub(channel)
    meta = (("x-api-key", made["signup"]),)
    code, reason = _code_and_reason(lambda: linking.DeleteAccount(
        lpb.DeleteAccountRequest(account_id="a"), timeout=5, metadata=meta))
    assert (code, reason) == (grpc.StatusCode.PERMISSION_DENIED, "SCOPE_MISSING")


def test_valid_key_with_scope_reaches_the_servicer(secured):
    channel, made = secured
    stub = pb_grpc.VerificationServiceStub(channel)
    meta = (("authorization", f"Bearer {made['signup']}"),)
    # Past authentication, a malformed request is judged on its own merits.
    call = channel.unary_unary("/idverify.v1.VerificationService/ReadDocument")
    with pytest.raises(grpc.RpcError) as info:
        call(b"\xff\xff", timeout=5, metadata=meta)
    assert error_reason(info.value) == "MALFORMED_REQUEST"
    del stub


def test_health_stays_open(secured):
    channel, _ = secured
    status = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=5).status
    assert status == health_pb2.HealthCheckResponse.SERVING


def test_scope_table():
    assert required_scope("/idverify.v1.VerificationService/VerifyIdentity") == "verify"
    assert required_scope("/linker.v1.LinkingService/RegisterAccount") == "link"
    assert required_scope("/linker.v1.LinkingService/RecordReview") == "review"
    assert required_scope("/linker.v1.LinkingService/DeleteAccount") == "admin"
    assert required_scope("/idverify.v1.VerificationService/RequestReverification") == "review"
    assert required_scope("/grpc.health.v1.Health/Check") is None


def test_a_reviewer_requests_a_reverification_from_the_cli_with_the_key_in_the_environment(
        keys, start_server, tmp_path, monkeypatch, capsys):
    from idverify.cli.exit_codes import ExitCode
    from idverify.reverify.settings import ReverifySettings
    from idverify.reverify.store import Result, open_reverify_store

    path, made = keys
    history = open_reverify_store(str(tmp_path / "history.sqlite3"))
    history.record_verification("acct-9", Result(1, ("OK",), None, None, None), policy_version="p",
                                model_version="m", settings=ReverifySettings(), source="signup")
    config = Config(server=ServerSettings(port=0), auth=AuthSettings(enabled=True, keys_file=str(path)))
    deps = Dependencies(config=config, history=history)
    deps.closers.append(history.close)
    _, port = start_server(deps)
    monkeypatch.setenv("IDVERIFY_TARGET", f"127.0.0.1:{port}")
    argv = ["request-reverification", "acct-9", "--reason", "account-takeover"]

    monkeypatch.setenv("IDVERIFY_API_KEY", made["signup"])  # verify and link, not review
    assert main(argv) == ExitCode.REFUSED
    assert "PERMISSION_DENIED" in capsys.readouterr().err
    monkeypatch.setenv("IDVERIFY_API_KEY", made["reviewer"])
    assert main(argv) == ExitCode.OK
    assert "acct-9 is due for re-verification" in capsys.readouterr().out
    assert [r[1:] for r in history.recheck_requests("acct-9")] == [("ACCOUNT_TAKEOVER", "reviewer")]
    monkeypatch.delenv("IDVERIFY_API_KEY")
    assert main(argv) == ExitCode.REFUSED
    assert "UNAUTHENTICATED" in capsys.readouterr().err


@pytest.mark.parametrize("body", [
    '[[keys]]\nclient = ""\nsha256 = "' + "a" * 64 + '"\nscopes = ["verify"]\n',
    '[[keys]]\nclient = "x"\nsha256 = "short"\nscopes = ["verify"]\n',
    '[[keys]]\nclient = "x"\nsha256 = "' + "a" * 64 + '"\nscopes = ["root"]\n',
])
def test_bad_keys_file_is_rejected(tmp_path, body):
    path = tmp_path / "k.toml"
    path.write_text(body)
    with pytest.raises(ConfigError):
        load_keys(path)


def test_keys_create_with_a_quote_in_the_client_keeps_the_file_loadable(tmp_path, capsys):
    # The keys file was once written by hand, and a quote in the client id broke its TOML.
    path = tmp_path / "k.toml"
    assert main(["keys", "create", "--client", "signup", "--scope", "link", "--keys-file", str(path)]) == 0
    assert main(["keys", "create", "--client", 'ops"team', "--scope", "verify", "--keys-file", str(path)]) == 0
    capsys.readouterr()
    loaded = {k.client: k.scopes for k in load_keys(path)}
    assert loaded == {"signup": frozenset({"link"}), 'ops"team': frozenset({"verify"})}
    assert oct(path.stat().st_mode & 0o777) == "0o600"


@pytest.mark.parametrize(("body", "reason", "needle"), [
    ('[[keys]]\nclient = "x"\nsha256 = "' + "a" * 64 + '"\nscopes = ["verify", "root"]\n', "CONFIG_VALUE",
     "keys[0].scopes[1]"),
    ('[[keys]]\nclient = "x"\nsha256 = "' + "a" * 64 + '"\nscopes = "verify"\n', "CONFIG_TYPE", "keys[0].scopes"),
    ('[[keys]]\nclient = "x"\nsha256 = "' + "A" * 64 + '"\n', "CONFIG_VALUE", "keys[0]: sha256"),
    ('[[keys]]\nclient = "x"\nsha265 = "' + "a" * 64 + '"\n', "CONFIG_UNKNOWN_KEY", "did you mean 'sha256'?"),
    ('[[keys]]\nclient = "x"\n', "CONFIG_VALUE", "keys[0].sha256 is required"),
    ('keys = "x"\n', "CONFIG_TYPE", "keys must be a list"),
    ('[[keys]\n', "CONFIG_SYNTAX", "not valid TOML"),
])
def test_keys_file_errors_name_the_file_and_entry_with_config_reasons(tmp_path, body, reason, needle):
    path = tmp_path / "k.toml"
    path.write_text(body)
    with pytest.raises(ConfigError) as info:
        load_keys(path)
    assert info.value.reason == reason
    assert needle in info.value.message and str(path) in info.value.message


def test_appending_to_a_broken_keys_file_leaves_it_alone(tmp_path):
    path = tmp_path / "k.toml"
    path.write_text('[[keys]]\nclient = ""\n')
    with pytest.raises(ConfigError):
        append_key(path, "x", "a" * 64, ["verify"])
    assert path.read_text() == '[[keys]]\nclient = ""\n'


def test_signup_needs_both_the_verify_and_the_link_scope(tmp_path, capsys, start_server):
    path = tmp_path / "keys.toml"
    made = {}
    for client, scopes in {"verifier": ["verify"], "signup": ["verify", "link"]}.items():
        assert main(["keys", "create", "--client", client, "--keys-file", str(path),
                     *[a for s in scopes for a in ("--scope", s)]]) == 0
        made[client] = capsys.readouterr().out.strip()
    config = Config(server=ServerSettings(port=0), auth=AuthSettings(enabled=True, keys_file=str(path)))
    channel, _ = start_server(Dependencies(config=config))
    stub = pb_grpc.VerificationServiceStub(channel)
    request = pb.SignupRequest(verification=pb.VerifyIdentityRequest(account_id="a1"))
    with pytest.raises(grpc.RpcError) as info:
        stub.Signup(request, timeout=10, metadata=(("authorization", f"Bearer {made['verifier']}"),))
    assert info.value.code() == grpc.StatusCode.PERMISSION_DENIED and error_reason(info.value) == "SCOPE_MISSING"
    # With both scopes the call gets past the guard (this server has no linker configured).
    with pytest.raises(grpc.RpcError) as info:
        stub.Signup(request, timeout=10, metadata=(("authorization", f"Bearer {made['signup']}"),))
    assert info.value.code() == grpc.StatusCode.FAILED_PRECONDITION


def test_keys_create_refuses_a_broken_file_or_a_missing_folder_with_usage(tmp_path, capsys):
    broken = tmp_path / "broken.toml"
    broken.write_text("[[keys]\n")
    for target in (broken, tmp_path / "no-such-folder" / "keys.toml"):
        assert main(["keys", "create", "--client", "c", "--scope", "verify", "--keys-file", str(target)]) == 2
        err = capsys.readouterr().err
        assert err.startswith("idverify: ") and "Traceback" not in err
