"""Batch registration (``Linker.register_many``, the RegisterAccounts RPC) on both backends: it
decides every account exactly as one-by-one registration does, and is all or nothing."""

from __future__ import annotations

import random

import grpc
import numpy as np
import pytest

from idverify.client import error_info
from idverify.errors import InvalidInput, NotFound
from linker.engine import Linker, LinkResult, Registration
from linker.v1 import linking_service_pb2 as pb
from tests.test_linker_engine import A, ALLOW, BLOCK, REVIEW, C, F, card, email, face, ip, open_linker, sig
from tests.test_linker_service import KEY as SERVICE_KEY
from tests.test_linker_service import _config

pytest_plugins = ["tests.conftest_linker"]


def population(n: int, seed: int = 3) -> list[tuple[str, int, list[pb.Signal], str]]:
    """Accounts with every kind of link the engine knows, in registration order: duplicates by
    card, face, fuzzy name, document; households and an office sharing IPs; agencies; a fraud
    ring; strangers. Duplicates often follow their original closely, so that many land in the
    same batch as it."""
    rnd = random.Random(seed)
    out: list[tuple[str, int, list[pb.Signal], str]] = []
    names = ["Maria Garcia", "James Smith", "Jürgen Müller", "Aiko Tanaka", "Chidi Okafor", "Priya Patel"]
    for p in range(n):
        first = (f"p{p}", rnd.choice([F, C]))
        name = f"{names[p % len(names)]} {chr(65 + p % 26)}{chr(65 + (p // 26) % 26)}son"
        dob = f"19{60 + p % 40}-0{1 + p % 9}-1{p % 10}"
        base = [sig(pb.SIGNAL_TYPE_NAME_AND_BIRTH_DATE, name, birth_date=dob),
                sig(pb.SIGNAL_TYPE_FACE_EMBEDDING, embedding=face(p, 0)),
                email(f"user{p}@example.com"), ip(f"10.{p % 7}.0.1" if p % 3 else "203.0.113.9")]
        out.append((first[0], first[1], [*base, card(f"card-{p}")], ""))
        roll = rnd.random()
        if roll < 0.15:  # a second account of the same kind: a new photo, another name
            out.append((f"p{p}-face", first[1], [sig(pb.SIGNAL_TYPE_FACE_EMBEDDING, embedding=face(p, 1)),
                                                  email(f"alt{p}@example.com")], ""))
        elif roll < 0.25:  # the same card
            out.append((f"p{p}-card", first[1], [card(f"card-{p}"), email(f"x{p}@example.com")], ""))
        elif roll < 0.35:  # the name reordered, same birth date
            last, *rest = name.split()[::-1]
            out.append((f"p{p}-name", first[1], [sig(pb.SIGNAL_TYPE_NAME_AND_BIRTH_DATE, f"{last}, {' '.join(rest[::-1])}",
                                                     birth_date=dob)], ""))
        elif roll < 0.45:  # an agency owned by the person's account
            out.append((f"p{p}-agency", A, [email(f"user{p}@example.com")], first[0]))
        elif roll < 0.5:  # the other kind: allowed
            out.append((f"p{p}-other", C if first[1] == F else F, [email(f"user{p}@example.com")], ""))
        if p % 11 == 0:  # a fraud ring: invented identities sharing a card and a device
            for k in range(3):
                out.append((f"ring{p}-{k}", F, [card(f"ring-card-{p}"),
                                                sig(pb.SIGNAL_TYPE_DEVICE_ID, f"dev-{p}"),
                                                email(f"ring{p}.{k}@example.com")], ""))
    return out


def summary(result: LinkResult) -> tuple:
    """Everything of a result but timestamps."""
    return (result.decision, tuple(r.code for r in result.reasons), result.person_id,
            tuple(result.linked_account_ids), round(result.risk_score, 9),
            tuple(sorted((e.to_account_id, e.evidence.signal_type, e.evidence.strength, e.evidence.generic,
                          round(e.evidence.similarity, 4)) for e in result.evidence)))


def test_batches_decide_exactly_as_one_by_one(store_url, tmp_path):
    accounts = population(90)
    one = open_linker(str(tmp_path / "one.sqlite3"))
    many = open_linker(store_url)
    try:
        expected = [summary(one.register(a, k, one.prepare(s), o, now=1000.0 + i))
                    for i, (a, k, s, o) in enumerate(accounts)]
        got: list[tuple] = []
        for start in range(0, len(accounts), 7):  # small batches: links within and across batches
            part = accounts[start : start + 7]
            results = many.register_many([Registration(a, k, many.prepare(s), o) for a, k, s, o in part],
                                         now=2000.0)
            got += [summary(r) for r in results]
        assert [g[:5] for g in got] == [e[:5] for e in expected]  # decisions, reasons, persons, links, risk
        assert got == expected  # and every evidence edge
        decisions = [e[0] for e in expected]
        assert decisions.count(BLOCK) >= 10 and decisions.count(ALLOW) >= 60  # the population exercises both
        # The batch's faces are in the index afterwards: a new photo of a batch account links.
        probe = many.register("late", F, many.prepare([sig(pb.SIGNAL_TYPE_FACE_EMBEDDING, embedding=face(5, 2))]))
        assert probe.linked_account_ids[0].startswith("p5")
        assert len(many.index) == len(one.index) + 1
    finally:
        one.close()
        many.close()


def test_batch_is_all_or_nothing(store_url):
    linker = open_linker(store_url)
    try:
        linker.register("owner", F, linker.prepare([email("owner@example.com")]))
        before = (linker.store.account_count(), len(linker.index))
        good = [Registration("b1", F, linker.prepare([card("c1"), sig(pb.SIGNAL_TYPE_FACE_EMBEDDING,
                                                                          embedding=face(1, 0))]))]
        with pytest.raises(NotFound) as info:
            linker.register_many([*good, Registration("b2", A, (), "ghost")])
        assert info.value.reason == "ACCOUNT_NOT_FOUND"
        assert info.value.metadata["field"] == "accounts[1].owner_account_id"
        with pytest.raises(InvalidInput) as info:
            linker.register_many([*good, Registration("b1", C, ())])
        assert info.value.reason == "DUPLICATE_ACCOUNT" and info.value.metadata["field"] == "accounts[1].account_id"
        with pytest.raises(InvalidInput) as info:
            linker.register_many([*good, Registration("b3", 0, ())])
        assert info.value.reason == "ACCOUNT_KIND_INVALID" and info.value.metadata["field"] == "accounts[1].kind"
        assert (linker.store.account_count(), len(linker.index)) == before
        # An owner registered earlier in the same batch counts.
        results = linker.register_many([Registration("me", F, linker.prepare([email("me@example.com")])),
                                        Registration("me-agency", A, linker.prepare([email("me@example.com")]), "me")])
        assert results[1].decision == ALLOW and results[1].linked_account_ids == ["me"]
        assert linker.register_many([]) == []
    finally:
        linker.close()


def test_register_accounts_through_the_server(start_server, tmp_path, store_url):
    from idverify.app.dependencies import build_dependencies
    from linker.v1 import linking_service_pb2_grpc as pb_grpc

    deps = build_dependencies(_config(tmp_path, store_url, hash_key=SERVICE_KEY, seal_key=SERVICE_KEY[::-1], max_batch=3))
    channel, _ = start_server(deps)
    stub = pb_grpc.LinkingServiceStub(channel)
    reply = stub.RegisterAccounts(pb.RegisterAccountsRequest(accounts=[
        pb.RegisterAccountRequest(account_id="s1", kind=F, signals=[card("k9")]),
        pb.RegisterAccountRequest(account_id="s2", kind=F, signals=[card("k9")]),
    ]), timeout=10)
    assert [r.decision for r in reply.results] == [ALLOW, BLOCK]
    assert list(reply.results[1].linked_account_ids) == ["s1"]
    assert reply.results[0].person_id == reply.results[1].person_id
    bad = [
        (pb.RegisterAccountsRequest(), "MISSING_FIELD", "accounts"),
        (pb.RegisterAccountsRequest(accounts=[pb.RegisterAccountRequest(account_id=f"t{i}", kind=F)
                                              for i in range(4)]), "BATCH_TOO_LARGE", "accounts"),
        (pb.RegisterAccountsRequest(accounts=[
            pb.RegisterAccountRequest(account_id="t1", kind=F, signals=[card("k1")]),
            pb.RegisterAccountRequest(account_id="t2", kind=F, signals=[
                pb.Signal(type=pb.SIGNAL_TYPE_FACE_EMBEDDING, embedding=[0.1] * 5)])]),
         "EMBEDDING_INVALID", "accounts[1].signals[0]"),
        (pb.RegisterAccountsRequest(accounts=[  # an item with nothing usable refuses the batch
            pb.RegisterAccountRequest(account_id="t1", kind=F, signals=[card("k1")]),
            pb.RegisterAccountRequest(account_id="t2", kind=F, signals=[pb.Signal(
                type=pb.SIGNAL_TYPE_DOCUMENT_NUMBER, value="X1234567"), email("john@@example")])]),
         "MISSING_FIELD", "accounts[1].signals[0].country"),
        (pb.RegisterAccountsRequest(accounts=[
            pb.RegisterAccountRequest(account_id="t1", kind=F),
            pb.RegisterAccountRequest(account_id="t2", kind=A, owner_account_id="ghost")]),
         "ACCOUNT_NOT_FOUND", "accounts[1].owner_account_id"),
    ]
    for request, reason, field in bad:
        with pytest.raises(grpc.RpcError) as info:
            stub.RegisterAccounts(request, timeout=10)
        expected_code = grpc.StatusCode.NOT_FOUND if reason == "ACCOUNT_NOT_FOUND" else grpc.StatusCode.INVALID_ARGUMENT
        assert info.value.code() == expected_code
        assert error_info(info.value).reason == reason
        assert error_info(info.value).metadata["field"] == field
        if reason == "MISSING_FIELD" and field != "accounts":
            assert error_info(info.value).metadata["rejected"] == ("signals[0].country=MISSING_FIELD,"
                                                                "signals[1]=EMAIL_INVALID")
    # Nothing of the refused batches was stored.
    assert stub.GetLinkedAccounts(pb.GetLinkedAccountsRequest(account_id="s1"), timeout=10).accounts
    with pytest.raises(grpc.RpcError) as info:
        stub.GetLinkedAccounts(pb.GetLinkedAccountsRequest(account_id="t1"), timeout=10)
    assert info.value.code() == grpc.StatusCode.NOT_FOUND
    # Items with some unusable signals are kept, each result listing its own.
    reply = stub.RegisterAccounts(pb.RegisterAccountsRequest(accounts=[
        pb.RegisterAccountRequest(account_id="r1", kind=C, signals=[email("name@host"), card("k9")]),
        pb.RegisterAccountRequest(account_id="r2", kind=F, signals=[card("r2"), pb.Signal(
            type=pb.SIGNAL_TYPE_DOCUMENT_NUMBER, value="X1234567"), ip("not-an-ip")]),
        pb.RegisterAccountRequest(account_id="r3", kind=F, signals=[card("r3")]),
    ]), timeout=10)
    assert [[(r.index, r.signal_type, r.reason, r.field) for r in x.rejected_signals] for x in reply.results] == [
        [(0, pb.SIGNAL_TYPE_EMAIL, "EMAIL_INVALID", "signals[0]")],
        [(1, pb.SIGNAL_TYPE_DOCUMENT_NUMBER, "MISSING_FIELD", "signals[1].country"),
         (2, pb.SIGNAL_TYPE_IP_ADDRESS, "IP_ADDRESS_INVALID", "signals[2]")],
        [],
    ]
    assert sorted(reply.results[0].linked_account_ids) == ["s1", "s2"]  # linked on the card
    assert [r.decision for r in reply.results] == [REVIEW, REVIEW, ALLOW]
    assert [r.code for r in reply.results[1].reasons] == ["IDENTITY_SIGNAL_UNUSABLE"]  # the document, not the IP


def test_batch_face_search_matches_exact(store_url):
    """Faces within one batch are compared exactly; faces already indexed go through HNSW."""
    linker = open_linker(store_url)
    try:
        rng = np.random.default_rng(0)
        people = [rng.normal(0, 0.056, 128).astype(np.float32) for _ in range(40)]
        first = linker.register_many([Registration(f"a{i}", F, linker.prepare(
            [sig(pb.SIGNAL_TYPE_FACE_EMBEDDING, embedding=v.tolist())])) for i, v in enumerate(people)])
        assert all(not r.linked_account_ids for r in first)
        again = linker.register_many([Registration(f"b{i}", F, linker.prepare(
            [sig(pb.SIGNAL_TYPE_FACE_EMBEDDING, embedding=(v + rng.normal(0, 0.01, 128)).tolist())]))
            for i, v in enumerate(people)] + [Registration(f"c{i}", C, linker.prepare(
                [sig(pb.SIGNAL_TYPE_FACE_EMBEDDING, embedding=(v + rng.normal(0, 0.01, 128)).tolist())]))
                for i, v in enumerate(people)])
        assert [r.linked_account_ids for r in again[:40]] == [[f"a{i}"] for i in range(40)]
        assert [r.linked_account_ids for r in again[40:]] == [sorted([f"a{i}", f"b{i}"]) for i in range(40)]
    finally:
        linker.close()


def test_import_accounts_command(start_server, tmp_path, capsys):
    """``idverify import-accounts``: a JSON Lines backfill in batches, decisions written out, a
    refused batch naming its input line and the line to resume from."""
    import json

    from idverify.cli import main
    from idverify.app.dependencies import build_dependencies

    deps = build_dependencies(_config(tmp_path, str(tmp_path / "links.sqlite3"), hash_key=SERVICE_KEY, seal_key=SERVICE_KEY[::-1]))
    _, port = start_server(deps)
    lines = [json.dumps({"account_id": f"u{i}", "kind": "ACCOUNT_KIND_FREELANCER",
                         "signals": [{"type": "SIGNAL_TYPE_CARD_FINGERPRINT", "value": f"card-{i // 2}"},
                                     {"type": "SIGNAL_TYPE_EMAIL", "value": f"u{i}@example.com"}]})
             for i in range(10)]
    source = tmp_path / "accounts.jsonl"
    source.write_text("\n".join(lines) + "\n")
    decisions = tmp_path / "decisions.jsonl"
    target = ["--target", f"127.0.0.1:{port}"]
    assert main(["import-accounts", str(source), "--batch", "3", "--decisions", str(decisions), *target]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["accounts"] == 10 and summary["ALLOW"] == 5 and summary["BLOCK"] == 5
    rows = [json.loads(x) for x in decisions.read_text().splitlines()]
    assert [r["line"] for r in rows] == list(range(1, 11))
    assert rows[3]["decision"] == "BLOCK" and rows[3]["linked_account_ids"] == ["u2"]

    # A bad item in the second batch: the first batch lands, the error names line 5.
    broken = lines[:4] + [json.dumps({"account_id": "v", "kind": "ACCOUNT_KIND_FREELANCER", "signals": [
        {"type": "SIGNAL_TYPE_DOCUMENT_NUMBER", "value": "X1"}]})] + lines[5:]
    source.write_text("\n".join(x.replace('"u', '"w') for x in broken) + "\n")
    assert main(["import-accounts", str(source), "--batch", "3", *target]) == 1
    err = capsys.readouterr().err
    assert "line 5 (signals[0].country)" in err and "[MISSING_FIELD]" in err
    assert "resume with --start-line 4" in err
    # A row with a malformed email is imported with its card and reported, never with the value.
    partial = [json.dumps({"account_id": "x1", "kind": "ACCOUNT_KIND_CLIENT", "signals": [
        {"type": "SIGNAL_TYPE_EMAIL", "value": "john@@example"},
        {"type": "SIGNAL_TYPE_CARD_FINGERPRINT", "value": "card-0"}]}), lines[9].replace('"u', '"x')]
    source.write_text("\n".join(partial) + "\n")
    decisions.unlink()
    assert main(["import-accounts", str(source), "--decisions", str(decisions), *target]) == 0
    out, err = capsys.readouterr()
    assert "line 1 (x1): signals[0] SIGNAL_TYPE_EMAIL rejected: EMAIL_INVALID" in err and "john@@" not in err
    assert json.loads(out)["accounts"] == 2 and json.loads(out)["rejected_signals"] == {"EMAIL_INVALID": 1}
    rows = [json.loads(x) for x in decisions.read_text().splitlines()]
    assert rows[0]["rejected_signals"] == [{"index": 0, "field": "signals[0]", "type": "SIGNAL_TYPE_EMAIL",
                                            "reason": "EMAIL_INVALID"}]
    assert "u0" in rows[0]["linked_account_ids"] and rows[1]["rejected_signals"] == []
    assert "john@@" not in decisions.read_text()
    source.write_text("not json\n")
    assert main(["import-accounts", str(source), *target]) == 2
    assert "line 1: not a RegisterAccountRequest" in capsys.readouterr().err


def test_batch_keeps_the_k_nearest_faces_like_one_by_one(tmp_path):
    """More than face_search_k accounts with one face: the batch path keeps the same k nearest
    as a search of an index holding the earlier accounts would."""
    one = open_linker(str(tmp_path / "one.sqlite3"), face_search_k=3)
    many = open_linker(str(tmp_path / "many.sqlite3"), face_search_k=3)
    try:
        accounts = [(f"x{i}", F if i % 2 else C, [sig(pb.SIGNAL_TYPE_FACE_EMBEDDING, embedding=face(7, i, 0.002))])
                    for i in range(8)]
        expected = [summary(one.register(a, k, one.prepare(s), now=1.0)) for a, k, s in accounts[:3]]
        many.register_many([Registration(a, k, many.prepare(s)) for a, k, s in accounts[:3]], now=1.0)
        expected += [summary(one.register(a, k, one.prepare(s), now=1.0)) for a, k, s in accounts[3:]]
        got = [summary(r) for r in many.register_many([Registration(a, k, many.prepare(s))
                                                       for a, k, s in accounts[3:]], now=1.0)]
        assert [len(g[5]) for g in got] == [3, 3, 3, 3, 3]  # k edges, not every face in the batch
        assert [(g[0], g[5]) for g in got] == [(e[0], e[5]) for e in expected[3:]]
    finally:
        one.close()
        many.close()
