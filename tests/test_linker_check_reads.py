"""CheckAccount's store reads (issue 17): a stored account is read in one round trip (seven
reads in one pipeline on PostgreSQL), and a check of it by id starts with that and then asks
who else holds its values in one more; an account of exact values alone (an email, an address)
without other accounts is then decided. Both backends; the decision is registering's."""

from __future__ import annotations

import numpy as np
import pytest

from idverify.db import Database
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
