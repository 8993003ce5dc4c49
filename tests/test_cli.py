"""The idverify command against a real server (``idverify serve`` in its own process, the linker
on, real dlib and Tesseract): every RPC's command, readable and JSON output, the target from the
environment, errors naming the argument, a requested re-verification processed by
``idverify reverify --once``, and every metric the Grafana dashboard names present afterwards."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

import matplotlib
import pytest

from idverify.cli import calls, linking, main
from idverify.cli.exit_codes import ExitCode
from idverify.docgen import generate_document
from idverify.reverify.store import open_reverify_store
from idverify.v1 import verification_service_pb2 as pb
from linker.v1 import linking_service_pb2 as lpb
from tests.serverproc import ServerProcess

REPO_ROOT = Path(__file__).resolve().parent.parent
HOPPER = Path(matplotlib.get_data_path()) / "sample_data" / "grace_hopper.jpg"
DASHBOARD = REPO_ROOT / "scripts" / "grafana" / "idverify.json"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    store = tmp_path_factory.mktemp("cli") / "store.sqlite3"
    proc = ServerProcess(store).start()
    yield proc
    proc.stop()


@pytest.fixture(scope="module")
def document(tmp_path_factory) -> tuple[Path, object]:
    """A generated passport page (Grace Hopper's portrait) as a file, and its truth."""
    doc = generate_document(3, kind="td3", level="clean", portrait=HOPPER, expired=False)
    path = tmp_path_factory.mktemp("doc") / "passport.png"
    path.write_bytes(doc.images[0])
    return path, doc.truth


@pytest.fixture
def cli(server, monkeypatch, capsys):
    """``cli(*argv) -> (exit code, stdout, stderr)`` with the target taken from $IDVERIFY_TARGET."""
    monkeypatch.setenv("IDVERIFY_TARGET", f"127.0.0.1:{server.port}")

    def run(*argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        out = capsys.readouterr()
        return code, out.out, out.err
    return run


def _declared(truth) -> list[str]:
    return ["--name", f"{truth.given_names} {truth.surname}", "--dob", truth.birth_date.isoformat()]


def test_every_rpc_has_a_command():
    rpcs = {m.name for m in pb.DESCRIPTOR.services_by_name["VerificationService"].methods}
    rpcs |= {m.name for m in lpb.DESCRIPTOR.services_by_name["LinkingService"].methods}
    assert rpcs <= set(calls.COMMANDS.values()) | set(linking.COMMANDS.values())


def test_health_names_the_disabled_or_serving_services(cli):
    assert cli("health", "--json") == (0, '{"status": "SERVING"}\n', "")
    code, out, _ = cli("health", "--service", "linker.v1.LinkingService")
    assert (code, out) == (0, "SERVING\n")


def test_verification_commands_readable_and_json(cli, document, tmp_path):
    path, truth = document
    code, out, err = cli("compare", str(path), str(HOPPER), "--reference-kind", "document")
    assert code == 0, err
    assert "decision: MATCH" in out and re.search(r"time: \d+ ms wall; stages \d+ ms: ", out)

    code, out, err = cli("read-document", str(path), "--json")
    assert code == 0, err
    read = json.loads(out)
    assert read["document"]["surname"] == truth.mrz_surname
    portrait = read["portrait_png"]  # a summary, not a base64 dump
    assert set(portrait) == {"bytes", "sha256"} and portrait["bytes"] > 1000
    (tmp_path / "read.json").write_text(out)

    code, out, err = cli("match-profile", *_declared(truth), "--document-json", str(tmp_path / "read.json"))
    assert code == 0, err
    assert "match: MATCH" in out and "birth_date" in out

    code, out, err = cli("verify", "--photo", str(HOPPER), "--document", str(path), *_declared(truth))
    assert code == 0, err
    assert "decision: APPROVE" in out
    assert truth.document_number in out and "profile match" in out  # the document's fields and the per-field match
    wall = int(re.search(r"time: (\d+) ms wall", out).group(1))
    branches = [int(m) for m in re.findall(r"^\s+(?:document|face)\s+(\d+) ms:", out, re.M)]
    assert len(branches) == 2 and max(branches) <= wall  # parallel branches, each within the wall time

    code, out, err = cli("verify", "--photo", str(HOPPER), "--document", str(path), *_declared(truth), "--json",
                         "--include-images")
    assert code == 0, err
    assert isinstance(json.loads(out)["document"]["portrait_png"], str)  # base64 when asked for


def test_errors_name_the_argument(cli, tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("not a photo")
    code, _, err = cli("verify", "--photo", str(text), "--document", str(HOPPER))
    assert code == ExitCode.USAGE
    assert err.startswith("idverify: --photo: not an image")
    code, _, err = cli("compare", str(tmp_path / "absent.jpg"), str(HOPPER))
    assert code == ExitCode.USAGE and err.startswith("idverify: REFERENCE: cannot read")
    truncated = tmp_path / "truncated.jpg"
    truncated.write_bytes(HOPPER.read_bytes()[:2000])  # a JPEG header, then nothing
    code, _, err = cli("compare", str(HOPPER), str(truncated))
    assert code == ExitCode.REFUSED
    assert err.startswith("idverify: PROBE: INVALID_ARGUMENT [IMAGE_"), err
    code, _, err = cli("register-account", "a-x", "--signal", "document_number=X123")
    assert code == ExitCode.USAGE and "COUNTRY:NUMBER" in err


def test_linking_commands(cli, tmp_path):
    assert cli("register-account", "f-1", "--signal", "email=ann@example.org", "--signal", "device_id=d-1")[0] == 0
    code, out, err = cli("register-account", "f-2", "--kind", "freelancer", "--signal", "email=ann@example.org",
                         "--json")
    assert code == 0, err
    second = json.loads(out)
    assert second["decision"] == "LINK_DECISION_BLOCK" and second["linked_account_ids"] == ["f-1"]

    code, out, err = cli("check-account", "--kind", "client", "--signal", "email=ann@example.org")
    assert code == 0, err
    assert "linked accounts: f-1, f-2" in out
    code, out, _ = cli("linked-accounts", "f-1")
    assert "f-2" in out and "EMAIL" in out
    code, out, _ = cli("explain-link", "f-1", "f-2")
    assert "same person: yes" in out
    code, out, err = cli("record-review", "f-1", "f-2", "--action", "force-unlink", "--reviewer", "agent-7")
    assert code == 0 and "recorded review" in out, err
    assert cli("register-account", "c-1", "--kind", "client", "--signal", "card_fingerprint=fp-9")[0] == 0
    code, out, err = cli("record-contract", "k-1", "--client", "c-1", "--freelancer", "f-1")
    assert code == 0 and "decision: ALLOW" in out, err

    lines = tmp_path / "accounts.jsonl"
    lines.write_text("\n".join(json.dumps({"account_id": f"b-{i}", "kind": "ACCOUNT_KIND_FREELANCER",
                                           "signals": [{"type": "SIGNAL_TYPE_DEVICE_ID", "value": f"dev-{i}"}]})
                               for i in range(3)) + "\n")
    code, out, err = cli("register-accounts", str(lines), "--json")
    assert code == 0, err
    assert [r["decision"] for r in json.loads(out)["results"]] == ["LINK_DECISION_ALLOW"] * 3

    code, out, err = cli("delete-account", "b-2", "--reason", "test-erasure")
    assert code == 0 and "deleted: yes" in out, err
    code, _, err = cli("linked-accounts", "b-2")
    assert code == ExitCode.REFUSED and "NOT_FOUND" in err


def test_a_requested_reverification_is_processed_by_reverify_once(cli, server, document):
    path, truth = document
    code, out, err = cli("signup", "--photo", str(HOPPER), "--document", str(path), *_declared(truth),
                         "--account-id", "s-1", "--signal", "device_id=dev-s1")
    assert code == 0, err
    assert "decision: APPROVE" in out
    assert re.search(r"; stages \d+ ms: verify \d+, link \d+, record \d+\n  verify, in parallel:\n    document ", out)
    assert re.search(r'idverify_stage_seconds_count\{method="idverify.v1.VerificationService/Signup",stage="link"\} 1.0',
                     _scrape(server))
    code, _, err = cli("request-reverification", "never-verified", "--reason", "other")
    assert code == ExitCode.REFUSED and "ACCOUNT_NOT_VERIFIED" in err
    code, out, err = cli("request-reverification", "s-1", "--reason", "suspected-fraud", "--json")
    assert code == 0, err
    assert json.loads(out)["requested_by"] == "anonymous"
    assert 'idverify_reverify_due{reason="REQUESTED"} 1.0' in _scrape(server)

    result = subprocess.run([sys.executable, "-m", "idverify.cli", "reverify", "--once", "--db", str(server.store),
                             "--target", f"127.0.0.1:{server.port}", "--log-level", "WARNING"],
                            capture_output=True, text=True, env=server.env, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "re-verified 1" in result.stdout
    store = open_reverify_store(str(server.store))
    try:
        last = store.history("s-1")[-1]
        assert last[5] == "reverify" and "REQUESTED" in last[3].split(",")
        assert [r[1:] for r in store.recheck_requests("s-1")] == [("SUSPECTED_FRAUD", "anonymous")]
    finally:
        store.close()
    assert 'idverify_reverify_due{reason="REQUESTED"} 0.0' in _scrape(server)


def _scrape(server: ServerProcess) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{server.metrics_port()}/metrics", timeout=10) as reply:
        return reply.read().decode()


def test_every_metric_the_dashboard_names_exists_after_a_mixed_run(cli, server, document, tmp_path):
    path, truth = document
    assert cli("compare", str(path), str(HOPPER))[0] == 0  # heavy, with stage timings
    assert cli("match-profile", *_declared(truth))[0] == 0  # light
    assert cli("register-account", "m-1", "--signal", "phone=+34600000000")[0] == 0
    assert cli("check-account", "m-1")[0] == 0
    assert cli("linked-accounts", "no-such-account")[0] == ExitCode.REFUSED  # a failed call with a reason
    body = _scrape(server)
    dashboard = json.loads(DASHBOARD.read_text())
    exprs = [t["expr"] for p in dashboard["panels"] for t in p.get("targets", [])]
    names = {n for e in exprs for n in re.findall(r"\b((?:idverify|process)_[a-z_]+)\b", e)}
    assert len(names) >= 14
    missing = sorted(n for n in names if not re.search(rf"^{n}(\{{| )", body, re.M))
    assert not missing, f"the dashboard graphs metrics the server does not export: {missing}"
    assert 'method="linker.v1.LinkingService/GetLinkedAccounts",reason="ACCOUNT_NOT_FOUND"' in body
    assert re.search(r'idverify_stage_seconds_count\{method="idverify.v1.VerificationService/CompareFaces",'
                     r'stage="probe.detect"\} [1-9]', body)


def test_unreachable_server_gives_clear_message_and_exit_code(capsys):
    code = main(["health", "--target", "127.0.0.1:1", "--timeout", "3"])
    assert code == ExitCode.UNAVAILABLE
    assert "cannot reach the idverify server at 127.0.0.1:1" in capsys.readouterr().err


def test_serve_with_invalid_config_exits_with_usage_code(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text("[server]\nport = -1\n")
    assert main(["serve", "--config", str(bad)]) == ExitCode.USAGE
    assert "server.port" in capsys.readouterr().err


def test_unknown_command_is_rejected():
    with pytest.raises(SystemExit) as info:
        main(["nope"])
    assert info.value.code == 2
