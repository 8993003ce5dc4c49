"""Several replicas on one PostgreSQL store (issue 17): two real ``idverify serve`` processes.

Registrations of one person through both replicas at the same moment end in one person (the
linking write takes a PostgreSQL advisory lock); a face registered through one replica is found
by the next registration through the other (each replica's face index catches up with the
store's faces table before it searches); a review and an erasure made through one replica hold
on the other (both read them from the store). And with ``server.reuse_port`` two replicas serve
one address, so the address keeps answering when one of them is killed.
"""

from __future__ import annotations

import socket
from concurrent.futures import ThreadPoolExecutor

import grpc
import numpy as np
import pytest

from linker.v1 import linking_service_pb2 as lpb
from linker.v1 import linking_service_pb2_grpc as lpb_grpc
from serverproc import ServerProcess

pytest_plugins = ["tests.conftest_linker"]
pytestmark = [pytest.mark.postgres, pytest.mark.slow]

FREELANCER = lpb.ACCOUNT_KIND_FREELANCER


def _doc(number: str) -> lpb.Signal:
    return lpb.Signal(type=lpb.SIGNAL_TYPE_DOCUMENT_NUMBER, value=number, country="FRA")


def _face(vector: np.ndarray) -> lpb.Signal:
    return lpb.Signal(type=lpb.SIGNAL_TYPE_FACE_EMBEDDING, embedding=[float(x) for x in vector])


def _register(stub, account_id: str, *signals: lpb.Signal) -> lpb.RegisterAccountResponse:
    return stub.RegisterAccount(lpb.RegisterAccountRequest(account_id=account_id, kind=FREELANCER,
                                                           signals=list(signals)), timeout=60)


def _person(stub, account_id: str) -> str:
    return stub.GetLinkedAccounts(lpb.GetLinkedAccountsRequest(account_id=account_id), timeout=60).person_id


def _embedding(rng: np.random.Generator) -> np.ndarray:
    """A unit vector scaled to the norm of dlib's embeddings (about 1); far from any other draw."""
    v = rng.normal(size=128)
    return v / np.linalg.norm(v)


@pytest.fixture(scope="module")
def replicas(postgres_server):
    """Two servers on one fresh database, with their stubs (shared by the tests of this module,
    which use account ids of their own)."""
    url = postgres_server.new_database()
    first = ServerProcess(url).start()
    second = None
    try:
        second = ServerProcess(url).start()
        channels = [grpc.insecure_channel(f"127.0.0.1:{s.port}") for s in (first, second)]
        yield [lpb_grpc.LinkingServiceStub(c) for c in channels]
        for c in channels:
            c.close()
    finally:
        first.stop()
        if second is not None:
            second.stop()


def test_one_person_registered_through_both_replicas_at_once_is_one_person(replicas):
    a, b = replicas
    pairs = 24
    with ThreadPoolExecutor(8) as pool:
        futures = []
        for i in range(pairs):
            futures.append(pool.submit(_register, a, f"a-{i}", _doc(f"X{i:07d}")))
            futures.append(pool.submit(_register, b, f"b-{i}", _doc(f"X{i:07d}")))
        results = [f.result() for f in futures]
    assert len(results) == 2 * pairs
    for i in range(pairs):
        # asked through the other replica than the one that registered each account
        assert _person(b, f"a-{i}") == _person(a, f"b-{i}") != ""
    assert len({_person(a, f"a-{i}") for i in range(pairs)}) == pairs  # and no two pairs merged


def test_a_face_registered_through_one_replica_is_found_through_the_other(replicas):
    a, b = replicas
    rng = np.random.default_rng(17)
    face = _embedding(rng)
    _register(a, "face-1", _face(face))
    # the same person again, a slightly different template, through the other replica
    near = face + rng.normal(scale=0.01, size=128)
    second = _register(b, "face-2", _face(near))
    assert "face-1" in second.linked_account_ids
    assert _person(a, "face-2") == _person(b, "face-1")


def test_a_review_and_an_erasure_through_one_replica_hold_on_the_other(replicas):
    a, b = replicas
    _register(a, "r-1", _doc("R0000001"))
    _register(a, "r-2", _doc("R0000001"))
    assert _person(b, "r-1") == _person(b, "r-2")
    a.RecordReview(lpb.RecordReviewRequest(account_id_a="r-1", account_id_b="r-2",
                                           action=lpb.REVIEW_ACTION_FORCE_UNLINK, reviewer="qa-7"), timeout=60)
    assert _person(b, "r-1") != _person(b, "r-2")

    rng = np.random.default_rng(71)
    face = _embedding(rng)
    _register(b, "e-1", _face(face))  # b's index holds the face now
    a.DeleteAccount(lpb.DeleteAccountRequest(account_id="e-1", reason="erasure request"), timeout=60)
    with pytest.raises(grpc.RpcError) as gone:
        _person(b, "e-1")
    assert gone.value.code() == grpc.StatusCode.NOT_FOUND
    again = _register(b, "e-2", _face(face))
    assert "e-1" not in again.linked_account_ids and not again.linked_account_ids


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_two_replicas_on_one_port_keep_the_address_answering_when_one_dies(postgres_server):
    url = postgres_server.new_database()
    port = _free_port()
    env = {"IDVERIFY_SERVER__REUSE_PORT": "true"}
    first = ServerProcess(url, env=env, port=port).start()
    second = None
    try:
        second = ServerProcess(url, env=env, port=port).start()
        assert first.port == second.port == port
        first.kill()
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            stub = lpb_grpc.LinkingServiceStub(channel)
            reply = _register(stub, "p-1", _doc("P0000001"))
            assert reply.person_id and _person(stub, "p-1") == reply.person_id
    finally:
        first.stop()
        if second is not None:
            second.stop()
