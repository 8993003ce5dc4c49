"""CheckAccount's store reads (issue 17): a stored account is read in one round trip (seven
reads in one pipeline on PostgreSQL), and a check of it by id starts with that and then asks
who else holds its values in one more; an account of exact values alone (an email, an address)
without other accounts is then decided. A check of new values (CheckReads) reads in one round
trip, or two when it joins an account, and decides exactly as reading the store one question
at a time does. Both backends; the decision is registering's."""

from __future__ import annotations

import numpy as np
import pytest

from idverify.db import Database
from linker import engine as engine_module
from linker.engine import Linker
from linker.settings import LinkerSettings
from linker.v1 import linking_service_pb2 as pb

pytest_plugins = ["tests.conftest_linker"]

SETTINGS = LinkerSettings(enabled=True, hash_key="check-reads-test-key-0123456789abcdef", seal_key="5ea1" * 16)


def _signals(linker: Linker, email: str, doc: str, face: np.ndarray) -> list:
    return linker.prepare([
        pb.Signal(type=pb.SIGNAL_TYPE_EMAIL, value=email),
        pb.Signal(type=pb.SIGNAL_TYPE_NAME_AND_BIRTH_DATE, value="Ana Maria Lopez", birth_date="1990-04-01"),
        pb.Signal(type=pb.SIGNAL_TYPE_DOCUMENT_NUMBER, value=doc, country="FRA"),
        pb.Signal(type=pb.SIGNAL_TYPE_FACE_EMBEDDING, embedding=[float(x) for x in face])])


@pytest.fixture
def linker(store_url):
    linker = Linker.open(SETTINGS, store_url)
    yield linker
    linker.close()


def test_a_stored_account_is_read_together_as_its_parts_are_read_alone(linker):
    face = np.random.default_rng(5).normal(size=128)
    face /= np.linalg.norm(face)
    linker.register("a-1", pb.ACCOUNT_KIND_FREELANCER, _signals(linker, "ana@example.org", "X1234567", face))
    linker.register("a-2", pb.ACCOUNT_KIND_FREELANCER, _signals(linker, "ana@example.org", "X1234567", face))
    store = linker.store
    stored = store.stored_account("a-1")
    assert stored.row == store.account("a-1")
    assert sorted(stored.signals) == sorted(store.signals_of("a-1"))
    assert sorted(stored.sealed, key=repr) == sorted(store.sealed_of(["a-1"]), key=repr)
    assert [f.face_id for f in stored.faces] == [f.face_id for f in store.faces_of(["a-1"])]
    assert stored.posted == store.posted_of("a-1") and stored.texts == store.texts_of(["a-1"])
    person = store.persons_of(["a-1"])["a-1"]
    assert (stored.person_id, stored.members) == (person, ["a-1", "a-2"]) == (person, store.members([person])[person])
    assert store.stored_account("nobody") is None


def test_a_check_by_id_reads_the_account_in_one_round_trip_and_decides_as_registering_did(linker, monkeypatch):
    face = np.random.default_rng(6).normal(size=128)
    face /= np.linalg.norm(face)
    linker.register("b-1", pb.ACCOUNT_KIND_FREELANCER, _signals(linker, "bo@example.org", "Y7654321", face))
    registered = linker.register("b-2", pb.ACCOUNT_KIND_FREELANCER,
                                 _signals(linker, "bo@example.org", "Y7654321", face))
    reads = _reads(monkeypatch, lambda: linker.check("b-2", 0, []))
    # the account with its person, then the holders of its values and posted details; then
    # the fuzzy identity's candidates (counts, holders, own keys, their sealed values), the face
    # index hits' owners, the name-only candidates' faces, the mate's row and contracts
    assert reads[:2] == [7, 2] and len(reads) <= 10
    checked = linker.check("b-2", 0, [])
    assert (checked.decision, checked.person_id, checked.linked_account_ids) == \
        (registered.decision, registered.person_id, registered.linked_account_ids)
    linker.register("c-1", pb.ACCOUNT_KIND_FREELANCER, linker.prepare([
        pb.Signal(type=pb.SIGNAL_TYPE_EMAIL, value="cy@example.org"),
        pb.Signal(type=pb.SIGNAL_TYPE_IP_ADDRESS, value="10.1.2.3")]))
    assert _reads(monkeypatch, lambda: linker.check("c-1", 0, [])) == [7, 2]


def _reads(monkeypatch, call) -> list[int]:
    """The statements of each store round trip ``call`` makes."""
    reads: list[int] = []
    together = Database._all_rows_together

    def counted(self, queries):
        reads.append(len(queries))
        return together(self, queries)

    with monkeypatch.context() as patched:
        patched.setattr(Database, "_all_rows_together", counted)
        call()
    return reads


# ---- CheckAccount with new values (CheckReads) -------------------------------------------------
def _sig(t, value="", **kw) -> pb.Signal:
    return pb.Signal(type=t, value=value, **kw)


def _name(value: str, dob: str) -> pb.Signal:
    return _sig(pb.SIGNAL_TYPE_NAME_AND_BIRTH_DATE, value, birth_date=dob)


def _doc(number: str) -> pb.Signal:
    return _sig(pb.SIGNAL_TYPE_DOCUMENT_NUMBER, number, country="DEU")


def _populate(linker: Linker) -> None:
    """A store where checks meet every read CheckReads answers: exact values held by one
    account and by more than their cap, fuzzy candidates (a typo, a twin, a namesake with
    another date), persons of several accounts, reviewer links and unlinks, a contract, a
    posted detail and an agency account."""
    F, C, A = pb.ACCOUNT_KIND_FREELANCER, pb.ACCOUNT_KIND_CLIENT, pb.ACCOUNT_KIND_AGENCY
    ip = _sig(pb.SIGNAL_TYPE_IP_ADDRESS, "10.9.8.7")
    reg = linker.register
    reg("ana-1", F, linker.prepare([_name("Ana Maria Lopez", "1990-04-01"), _doc("L1234567"),
                                    _sig(pb.SIGNAL_TYPE_EMAIL, "ana@example.org"), ip]), now=10.0)
    reg("ana-2", C, linker.prepare([_name("Ana Lopez", "1990-04-01"), _sig(pb.SIGNAL_TYPE_EMAIL, "ana@example.org"),
                                    _sig(pb.SIGNAL_TYPE_POSTAL_ADDRESS, "12 Calle Mayor, Madrid")]), now=11.0)
    reg("ana-twin", F, linker.prepare([_name("Eva Lopez", "1990-04-01"), _doc("L7654321"), ip]), now=12.0)
    reg("ana-typo", F, linker.prepare([_name("Anna Lopes", "1990-04-01"), _doc("L1234576")]), now=13.0)
    reg("namesake", F, linker.prepare([_name("Ana Lopez", "1972-11-30"), _doc("M5550001")]), now=14.0)
    reg("bo-1", F, linker.prepare([_name("Bo Svensson", "1985-06-15"), _sig(pb.SIGNAL_TYPE_PHONE, "+46701234567")]),
        now=15.0)
    reg("bo-2", C, linker.prepare([_name("Bo Svensson", "1985-06-15"), _sig(pb.SIGNAL_TYPE_PHONE, "+46701234567"),
                                   _sig(pb.SIGNAL_TYPE_DEVICE_ID, "dev-bo")]), now=16.0)
    reg("bo-agency", A, linker.prepare([_sig(pb.SIGNAL_TYPE_DEVICE_ID, "dev-bo")]), owner_account_id="bo-1", now=17.0)
    for k in range(24):  # one IP address behind more accounts than any cap: generic
        reg(f"office-{k}", F, linker.prepare([ip, _sig(pb.SIGNAL_TYPE_BROWSER_FINGERPRINT, "office-image")]),
            now=20.0 + k)
    linker.review("ana-1", "ana-twin", pb.REVIEW_ACTION_FORCE_UNLINK, "rev", "twins", now=50.0)
    linker.review("bo-2", "office-3", pb.REVIEW_ACTION_FORCE_LINK, "rev", "same desk", now=51.0)
    linker.contract("k-1", "bo-2", "bo-1", now=52.0)
    linker.post_details("office-5", linker.hasher.prepare_posted("EMAIL", "ana@example.org", "chat", 53.0))


_PROBES = [
    ("", [_name("Ana Lopez", "1990-04-01")]),
    ("new-1", [_name("Ana Maria Lopez", "1990-04-01"), _doc("L1234567")]),
    ("new-2", [_name("Anna Lopez", "1990-04-01"), _doc("L1234576"), _sig(pb.SIGNAL_TYPE_EMAIL, "ana@example.org")]),
    ("new-3", [_name("Eva Lopez", "1990-04-01"), _doc("L7654321")]),
    ("new-3b", [_doc("L1234567"), _doc("L7654321")]),  # joins both twins, whom a reviewer kept apart
    ("new-4", [_name("Ana Lopez", "1972-11-30")]),
    ("new-5", [_sig(pb.SIGNAL_TYPE_PHONE, "+46701234567"), _sig(pb.SIGNAL_TYPE_DEVICE_ID, "dev-bo")]),
    ("new-6", [_sig(pb.SIGNAL_TYPE_IP_ADDRESS, "10.9.8.7"), _sig(pb.SIGNAL_TYPE_BROWSER_FINGERPRINT, "office-image")]),
    ("new-7", [_sig(pb.SIGNAL_TYPE_EMAIL, "nobody@example.org")]),
    ("new-8", [_sig(pb.SIGNAL_TYPE_POSTAL_ADDRESS, "12 Calle Mayor, Madrid"), _name("Ana Lopez", "")]),
    ("bo-1", [_sig(pb.SIGNAL_TYPE_DEVICE_ID, "dev-bo")]),  # stored accounts with new values
    ("ana-twin", [_doc("L1234567")]),
    ("office-3", [_sig(pb.SIGNAL_TYPE_PHONE, "+46701234567")]),
    ("bo-2", [_name("Bo Svensson", "1985-06-15")]),
]


def _outcome(result) -> tuple:
    return (result.decision, result.reasons, result.person_id, result.linked_account_ids, result.risk_score,
            [(e.from_account_id, e.to_account_id, e.evidence) for e in result.evidence])


class _OneByOne:
    """The store itself where a check expects :class:`CheckReads`: the two batched reads do
    nothing, so every question the evidence and placement code asks goes to the store, one
    statement at a time, as before CheckReads."""

    def __init__(self, store) -> None:
        self._store = store

    def __getattr__(self, name: str):
        return getattr(self._store, name)

    def prefetch(self, account_id: str, *_args):
        return self._store.account(account_id) if account_id else None

    def around(self, *_args) -> None:
        pass


def test_a_check_of_new_values_decides_as_reading_the_store_one_question_at_a_time(linker, monkeypatch):
    _populate(linker)
    kind = pb.ACCOUNT_KIND_FREELANCER
    batched = [_outcome(linker.check(a, kind, linker.prepare(s, now=60.0))) for a, s in _PROBES]
    with monkeypatch.context() as patched:
        patched.setattr(engine_module, "CheckReads", _OneByOne)
        one_by_one = [_outcome(linker.check(a, kind, linker.prepare(s, now=60.0))) for a, s in _PROBES]
    assert batched == one_by_one
    decisions = {d for d, *_ in batched}
    assert len(decisions) >= 2 and any(linked for _, _, _, linked, *_ in batched)


def test_a_check_of_new_values_takes_one_round_trip_and_one_more_to_place_a_joined_account(linker, monkeypatch):
    _populate(linker)
    kind = pb.ACCOUNT_KIND_FREELANCER
    stranger = linker.prepare([_sig(pb.SIGNAL_TYPE_EMAIL, "new@example.org"), _name("Zoe Quarterman", "1961-02-03"),
                               _doc("Q1112223")])
    assert len(_reads(monkeypatch, lambda: linker.check("new-9", kind, stranger))) == 1
    joining = linker.prepare([_name("Ana Maria Lopez", "1990-04-01"), _doc("L1234567")])
    reads = _reads(monkeypatch, lambda: linker.check("new-10", kind, joining))
    assert len(reads) == 2, reads
    assert {"ana-1", "ana-2"} <= set(linker.check("new-10", kind, joining).linked_account_ids)


def test_check_rows_and_persons_rows_answer_as_the_single_reads(linker):
    _populate(linker)
    store = linker.store
    probe = linker.prepare([_name("Ana Lopez", "1990-04-01"), _doc("L1234567"), _sig(pb.SIGNAL_TYPE_IP_ADDRESS, "10.9.8.7"),
                            _sig(pb.SIGNAL_TYPE_EMAIL, "ana@example.org")])
    values = [(s.type, s.digest) for s in probe]
    keys = store.fuzzy_keys_of("ana-1") | store.fuzzy_keys_of("namesake")
    counts = store.fuzzy_counts(keys)
    cap = sorted(counts.values())[len(counts) // 2]  # some blocks small, some not
    rows = store.check_rows("ana-2", values, 12, values[-1:], 22, keys, keys, cap)
    assert rows.account == store.account("ana-2")
    assert (rows.holders, rows.posters) == store.holders_together(values, 12, values[-1:], 22)
    assert rows.counts == counts
    small = [k for k in keys if 0 < counts[k] <= cap]
    assert {k: sorted(v) for k, v in rows.block_holders.items()} == \
        {k: sorted(v) for k, v in store.fuzzy_holders_by_key(small).items()}
    holders = store.fuzzy_holders(small)
    assert set(rows.sealed) == holders and rows.sealed and any(rows.sealed.values())
    assert [r for a in sorted(holders) for r in rows.sealed[a]] == store.sealed_of(holders)
    assert store.check_rows("nobody", [], 1, [], 1, [], [], cap).account is None

    around = store.persons_rows(["ana-1", "bo-2"], "bo-2")
    assert sorted(around.memberships) == sorted(store.memberships_around(["ana-1", "bo-2"]))
    everyone = {"ana-1", "bo-2"} | {a for a, _ in around.memberships}
    assert around.accounts == store.accounts(everyone)
    assert around.ranks == store.person_ranks({p for _, p in around.memberships})
    assert around.reviews == store.reviews_for(everyone) and len(around.reviews) == 2
    assert [c for c, other in around.contracts if other in everyone] == store.contracts_between("bo-2", everyone) == ["k-1"]
