"""The linking engine on both backends: the issue's acceptance cases and the policy paths."""

from __future__ import annotations

import json
import threading

import numpy as np
import pytest

from idverify.errors import InvalidInput, NotFound
from linker.engine import MAX_FACES_PER_REQUEST, Linker
from linker.sealing import Sealer
from linker.settings import LinkerSettings
from linker.signals import SignalHasher
from linker.store import open_store
from linker.v1 import linking_service_pb2 as pb

pytest_plugins = ["tests.conftest_linker"]

KEY = bytes(range(32))
SEAL_KEY = bytes(range(32, 64))
F, C, A = pb.ACCOUNT_KIND_FREELANCER, pb.ACCOUNT_KIND_CLIENT, pb.ACCOUNT_KIND_AGENCY
ALLOW, REVIEW, BLOCK = pb.LINK_DECISION_ALLOW, pb.LINK_DECISION_REVIEW, pb.LINK_DECISION_BLOCK


def open_linker(url: str, **settings) -> Linker:
    return Linker(open_store(url), SignalHasher(KEY), LinkerSettings(hash_key=KEY.hex(), **settings),
                  sealer=Sealer(SEAL_KEY))


@pytest.fixture
def linker(store_url):
    lk = open_linker(store_url)
    yield lk
    lk.close()


def face(seed: int, jitter: int | None = None, scale: float = 0.02) -> list[float]:
    """A synthetic dlib-like embedding: persons ~0.9 apart, photos of one person ~0.3 apart."""
    base = np.random.default_rng(seed).normal(0, 0.056, 128)
    if jitter is not None:
        base = base + np.random.default_rng(10_000 + jitter).normal(0, scale, 128)
    return base.astype(np.float32).tolist()


def sig(t: int, value: str = "", **kw) -> pb.Signal:
    return pb.Signal(type=t, value=value, **kw)


def reg(linker: Linker, account_id: str, kind: int, *signals: pb.Signal, owner: str = ""):
    return linker.register(account_id, kind, linker.prepare(signals), owner)


def ip(value):
    return sig(pb.SIGNAL_TYPE_IP_ADDRESS, value)


def card(value):
    return sig(pb.SIGNAL_TYPE_CARD_FINGERPRINT, value)


def email(value):
    return sig(pb.SIGNAL_TYPE_EMAIL, value)


def test_office_nat_does_not_merge(linker):
    results = [reg(linker, f"office-{i}", F, ip("203.0.113.7"), email(f"worker{i}@example.com"))
               for i in range(60)]
    persons = {r.person_id for r in results}
    assert len(persons) == 60  # one IP never joins anyone
    assert all(not r.linked_account_ids for r in results)
    # A few accounts on one IP raise the risk score; past the cap the IP is generic.
    assert results[1].risk_score == pytest.approx(0.3)
    assert results[-1].risk_score < 0.1
    assert all(r.decision == ALLOW for r in results)


def test_shared_card_merges_and_blocks_second_freelancer(linker):
    first = reg(linker, "f1", F, card("card_abc"), email("ann@example.com"))
    second = reg(linker, "f2", F, card("card_abc"), email("other@example.com"))
    assert second.person_id == first.person_id
    assert second.linked_account_ids == ["f1"]
    assert second.decision == BLOCK and second.reasons[0].code == "DUPLICATE_PERSON"
    assert any(e.evidence.signal_type == pb.SIGNAL_TYPE_CARD_FINGERPRINT for e in second.evidence)
    # The older account is flagged for review, not blocked.
    assert linker.check("f1", 0, []).decision == REVIEW


def test_freelancer_plus_client_and_owned_agency_allowed(linker):
    reg(linker, "me-f", F, email("me@example.com"))
    client = reg(linker, "me-c", C, email("me@example.com"))
    assert client.decision == ALLOW and client.reasons[0].code == "SAME_PERSON_ALLOWED"
    agency = reg(linker, "me-a", A, email("me@example.com"), owner="me-f")
    assert agency.decision == ALLOW
    stranger_agency = reg(linker, "x-a", A, email("me@example.com"), owner="")
    assert stranger_agency.decision == REVIEW and stranger_agency.reasons[0].code == "AGENCY_OWNER_MISMATCH"
    dup_client = reg(linker, "me-c2", C, email("ME@example.com"))
    assert dup_client.decision == BLOCK


def test_near_identical_face_under_different_name_links(linker):
    a = reg(linker, "face-a", F, sig(pb.SIGNAL_TYPE_FACE_EMBEDDING, embedding=face(1, 1)),
            sig(pb.SIGNAL_TYPE_NAME_AND_BIRTH_DATE, "Maria Garcia", birth_date="1990-04-01"))
    b = reg(linker, "face-b", F, sig(pb.SIGNAL_TYPE_FACE_EMBEDDING, embedding=face(1, 2)),
            sig(pb.SIGNAL_TYPE_NAME_AND_BIRTH_DATE, "Petra Novak", birth_date="1985-11-30"))
    other = reg(linker, "face-c", F, sig(pb.SIGNAL_TYPE_FACE_EMBEDDING, embedding=face(1, 3)),
                sig(pb.SIGNAL_TYPE_DEVICE_ID, "dev-1"))
    stranger = reg(linker, "face-d", F, sig(pb.SIGNAL_TYPE_FACE_EMBEDDING, embedding=face(2, 1)))
    # Linked by the face alone: the same person, but reviewed, not blocked (a look-alike is as
    # likely at scale; see linker.policy).
    assert b.person_id == a.person_id and b.decision == REVIEW
    assert [r.code for r in b.reasons] == ["DUPLICATE_FACE_ONLY"]
    assert stranger.person_id != a.person_id and stranger.decision == ALLOW
    (edge,) = [e for e in b.evidence if e.evidence.signal_type == pb.SIGNAL_TYPE_FACE_EMBEDDING]
    assert edge.evidence.strength == pb.SIGNAL_STRENGTH_STRONG and "face distance" in edge.evidence.note
    # A third account with the face and the second's device: a face plus another signal blocks.
    device_too = reg(linker, "face-e", F, sig(pb.SIGNAL_TYPE_FACE_EMBEDDING, embedding=face(1, 4)),
                     sig(pb.SIGNAL_TYPE_DEVICE_ID, "dev-1"))
    assert other.decision == REVIEW and device_too.decision == BLOCK
    assert device_too.reasons[0].code == "DUPLICATE_PERSON"
    # A reviewer who confirms a face-only link turns the review into the duplicate's BLOCK.
    linker.review("face-a", "face-b", pb.REVIEW_ACTION_FORCE_LINK, "rev", "same person")
    assert linker.check("face-b", 0, []).reasons[0].code == "DUPLICATE_PERSON"


def test_fuzzy_name_and_birth_date_links(linker):
    reg(linker, "n1", F, sig(pb.SIGNAL_TYPE_NAME_AND_BIRTH_DATE, "Jürgen Müller", birth_date="1979-02-03"))
    typo = reg(linker, "n2", F, sig(pb.SIGNAL_TYPE_NAME_AND_BIRTH_DATE, "MUELLER, Jurgen", birth_date="1979-02-03"))
    # One wrong digit of the birth date with the same rare name links (issue 15); another
    # birth date altogether, or the same surname and birth date with another given name, does not.
    digit = reg(linker, "n3", F, sig(pb.SIGNAL_TYPE_NAME_AND_BIRTH_DATE, "Jurgen Muller", birth_date="1979-02-04"))
    other_day = reg(linker, "n5", F, sig(pb.SIGNAL_TYPE_NAME_AND_BIRTH_DATE, "Jurgen Muller", birth_date="1983-11-24"))
    sibling = reg(linker, "n4", F, sig(pb.SIGNAL_TYPE_NAME_AND_BIRTH_DATE, "Anna Muller", birth_date="1979-02-03"))
    assert typo.linked_account_ids == ["n1"]
    assert digit.linked_account_ids == ["n1", "n2"]
    assert not other_day.linked_account_ids and not sibling.linked_account_ids


def test_namesake_with_a_different_face_does_not_join(linker):
    name = sig(pb.SIGNAL_TYPE_NAME_AND_BIRTH_DATE, "James Smith", birth_date="1980-05-05")
    reg(linker, "ns1", F, name, sig(pb.SIGNAL_TYPE_FACE_EMBEDDING, embedding=face(21, 1)))
    other = reg(linker, "ns2", F, name, sig(pb.SIGNAL_TYPE_FACE_EMBEDDING, embedding=face(22, 1)))
    assert not other.linked_account_ids and other.decision == ALLOW
    (edge,) = [e for e in other.evidence if e.evidence.signal_type == pb.SIGNAL_TYPE_NAME_AND_BIRTH_DATE]
    assert edge.evidence.strength == pb.SIGNAL_STRENGTH_MEDIUM and "faces differ" in edge.evidence.note
    same = reg(linker, "ns3", F, name)  # no face to contradict: the name and birth date join
    assert same.linked_account_ids


def test_placeholder_birth_date_stops_fuzzy_names(store_url):
    lk = open_linker(store_url, cap_birth_date=3)
    try:
        for i, name in enumerate(["Ann Lee", "Bo Chen", "Cy Diaz", "Di Eko"]):
            reg(lk, f"ph{i}", F, sig(pb.SIGNAL_TYPE_NAME_AND_BIRTH_DATE, name, birth_date="1900-01-01"))
        typo = reg(lk, "ph-typo", F, sig(pb.SIGNAL_TYPE_NAME_AND_BIRTH_DATE, "Anna Lee", birth_date="1900-01-01"))
        assert not typo.linked_account_ids  # a typo-level match inside a placeholder date says nothing
    finally:
        lk.close()


def test_device_joins_only_with_other_medium_evidence(linker):
    browser = sig(pb.SIGNAL_TYPE_BROWSER_FINGERPRINT, "bf-1")
    reg(linker, "d1", F, sig(pb.SIGNAL_TYPE_DEVICE_ID, "dev-1"), ip("198.51.100.4"), browser)
    only_device = reg(linker, "d2", C, sig(pb.SIGNAL_TYPE_DEVICE_ID, "dev-1"), ip("198.51.100.4"), browser)
    assert not only_device.linked_account_ids
    assert only_device.decision == REVIEW and only_device.reasons[0].code == "SHARED_WEAK_SIGNAL"
    reg(linker, "d3", F, sig(pb.SIGNAL_TYPE_DEVICE_ID, "dev-9"),
        sig(pb.SIGNAL_TYPE_NAME_AND_BIRTH_DATE, "Ana Maria Lopez Ruiz", birth_date="1991-01-01"))
    both = reg(linker, "d4", F, sig(pb.SIGNAL_TYPE_DEVICE_ID, "dev-9"),
               sig(pb.SIGNAL_TYPE_NAME_AND_BIRTH_DATE, "Ana Lopez Castro Diaz", birth_date="1991-01-01"))
    assert both.linked_account_ids == ["d3"]


def test_generic_card_stops_linking(store_url):
    lk = open_linker(store_url, cap_strong=3)
    try:
        results = [reg(lk, f"g{i}", F, card("card_test_4242")) for i in range(6)]
        assert results[2].linked_account_ids == ["g0", "g1"]
        assert not results[5].linked_account_ids  # the 4th+ holder: the value is generic now
        assert any(e.evidence.generic for e in results[5].evidence)
    finally:
        lk.close()


def test_explain_link_returns_the_path(linker):
    reg(linker, "p1", F, card("card-1"))
    reg(linker, "p2", C, card("card-1"), email("p@example.com"))
    reg(linker, "p3", C, email("p@example.com"))
    result = linker.explain("p1", "p3")
    assert result.same_person and result.person_id_a == result.person_id_b
    assert [(e.from_account_id, e.to_account_id, e.evidence.signal_type) for e in result.path] == [
        ("p1", "p2", pb.SIGNAL_TYPE_CARD_FINGERPRINT), ("p2", "p3", pb.SIGNAL_TYPE_EMAIL)]
    assert all(e.evidence.seen_at > 0 for e in result.path)
    person, linked = linker.linked_accounts("p2")
    assert person == result.person_id_a and [x.account_id for x in linked] == ["p1", "p3"]


def test_erasure_leaves_no_trace(linker):
    a = reg(linker, "keep-1", F, card("c-9"), sig(pb.SIGNAL_TYPE_FACE_EMBEDDING, embedding=face(5, 1)))
    reg(linker, "erase-me", C, card("c-9"), email("bridge@example.com"),
        sig(pb.SIGNAL_TYPE_FACE_EMBEDDING, embedding=face(6, 1)),
        sig(pb.SIGNAL_TYPE_NAME_AND_BIRTH_DATE, "Eve Erased", birth_date="1990-01-01"))
    c = reg(linker, "keep-2", C, email("bridge@example.com"))
    assert a.person_id == c.person_id
    ref = linker.store.account("erase-me").ref
    # Values only the erased account held must vanish; shared ones stay with their other holders.
    digests = {d for t, d, _ in linker.store.signals_of("erase-me")
               if [h for h, _ in linker.store.signal_holders(t, d, 10)] == ["erase-me"]}
    assert len(digests) == 1  # the name
    face_ids = {f.face_id for f in linker.store.faces_of(["erase-me"])}
    deleted, erased, affected = linker.delete("erase-me", "gdpr_erasure")
    assert deleted and erased == 4 and affected == ["keep-2"]  # card, email, name and face
    dump = linker.store.dump()
    text = repr(dump)
    assert "erase-me" not in text
    assert not any(d in text for d in map(repr, digests))
    assert face_ids.isdisjoint(linker.index.labels())
    assert not linker.index.search(np.asarray(face(6, 1), dtype=np.float32), 1) or \
        linker.index.search(np.asarray(face(6, 1), dtype=np.float32), 1)[0][1] > 0.5
    # The bridge is gone: the two remaining accounts are different persons again, stable ids.
    pa, pc = linker.store.persons_of(["keep-1", "keep-2"]).values()
    assert pa == a.person_id and pc != pa
    assert ref in {r[3] for r in dump["link_events"]}  # the log keeps only the erased pseudonym
    assert linker.delete("erase-me") == (False, 0, [])


def test_review_survives_restart_and_later_evidence(store_url):
    lk = open_linker(store_url)
    try:
        reg(lk, "r1", F, card("shared-family-card"))
        r2 = reg(lk, "r2", C, card("shared-family-card"))
        assert r2.linked_account_ids == ["r1"]
        event_id, p1, p2 = lk.review("r1", "r2", pb.REVIEW_ACTION_FORCE_UNLINK, "rev-7", "spouses")
        assert event_id > 0 and p1 != p2
    finally:
        lk.close()
    lk = open_linker(store_url)  # a restart: new connections, new face index
    try:
        again = reg(lk, "r2", C, card("shared-family-card"), email("r2@example.com"))
        assert not again.linked_account_ids
        bridge = reg(lk, "r3", F, card("shared-family-card"))
        assert lk.explain("r1", "r2").same_person is False
        assert {bridge.person_id} & set(lk.store.persons_of(["r1", "r2"]).values())
        assert lk.explain("r1", "r2").reviews[0].code == "FORCE_UNLINK"
        _, p1, p2 = lk.review("r1", "r2", pb.REVIEW_ACTION_CLEAR, "rev-7", "withdrawn")
        assert p1 == p2
    finally:
        lk.close()


def test_force_link_joins(linker):
    reg(linker, "x1", F, email("x1@example.com"))
    reg(linker, "x2", C, email("x2@example.com"))
    _, p1, p2 = linker.review("x1", "x2", pb.REVIEW_ACTION_FORCE_LINK, "rev", "same passport seen")
    assert p1 == p2
    path = linker.explain("x1", "x2").path
    assert len(path) == 1 and "forced link" in path[0].evidence.note


def test_shared_account_and_feedback_building(linker):
    reg(linker, "s1", F, sig(pb.SIGNAL_TYPE_FACE_EMBEDDING, embedding=face(11, 1)))
    later = reg(linker, "s1", F, sig(pb.SIGNAL_TYPE_FACE_EMBEDDING, embedding=face(12, 1)))
    assert later.decision == REVIEW and later.reasons[0].code == "SHARED_ACCOUNT"
    reg(linker, "hire-f", F, card("self-card"))
    reg(linker, "hire-c", C, card("self-card"))
    decision, path = linker.contract("k-1", "hire-c", "hire-f")
    assert decision.decision == BLOCK and decision.reasons[0].code == "FEEDBACK_BUILDING" and path
    # A contract first, the link later: the account that reveals it is blocked for it.
    reg(linker, "late-f", F, email("late-f@example.com"))
    reg(linker, "late-c", C, email("late-c@example.com"))
    assert linker.contract("k-0", "late-c", "late-f")[0].decision == ALLOW
    revealed = reg(linker, "late-c", C, card("late-card"), email("late-c@example.com"))
    assert revealed.decision == ALLOW
    revealed = reg(linker, "late-f", F, card("late-card"))
    assert revealed.decision == BLOCK and revealed.reasons[0].code == "FEEDBACK_BUILDING"
    reg(linker, "ok-c", C, email("someone@example.com"))
    ok, path = linker.contract("k-2", "ok-c", "hire-f")
    assert ok.decision == ALLOW and not path


def test_check_is_a_dry_run(linker):
    reg(linker, "c1", F, card("dry"))
    before = linker.store.dump()
    result = linker.check("c2", F, linker.prepare([card("dry")]))
    assert result.decision == BLOCK and result.person_id and result.linked_account_ids == ["c1"]
    fresh = linker.check("", F, linker.prepare([card("nobody")]))  # a prospective account
    assert fresh.decision == ALLOW and fresh.person_id == ""
    assert linker.store.dump() == before


def test_bad_input(linker):
    with pytest.raises(InvalidInput) as exc:
        linker.register("", F, [])
    assert exc.value.reason == "MISSING_FIELD"
    with pytest.raises(InvalidInput) as exc:
        linker.register("a", pb.ACCOUNT_KIND_UNSPECIFIED, [])
    assert exc.value.reason == "ACCOUNT_KIND_INVALID"
    with pytest.raises(InvalidInput) as exc:
        linker.prepare([sig(pb.SIGNAL_TYPE_UNSPECIFIED, "x")])
    assert exc.value.reason == "SIGNAL_TYPE_INVALID"
    with pytest.raises(InvalidInput) as exc:
        linker.prepare([sig(pb.SIGNAL_TYPE_FACE_EMBEDDING, embedding=[0.1] * 127)])
    assert exc.value.reason == "EMBEDDING_INVALID"
    with pytest.raises(InvalidInput):
        linker.prepare([sig(pb.SIGNAL_TYPE_FACE_EMBEDDING, embedding=[float("nan")] * 128)])
    with pytest.raises(NotFound):
        linker.explain("nobody", "nobody-else")
    with pytest.raises(NotFound):
        linker.register("ag", A, [], owner_account_id="missing-owner")
    with pytest.raises(InvalidInput) as exc:
        linker.prepare([sig(pb.SIGNAL_TYPE_FACE_EMBEDDING, embedding=face(i, 0)) for i in range(17)])
    assert exc.value.reason == "TOO_MANY_FACES" and exc.value.metadata["field"] == "signals[16]"


def test_concurrent_registration_loses_nothing(linker):
    errors = []

    def worker(t: int) -> None:
        try:
            for i in range(6):
                # Every thread registers accounts of the same 6 people (one card each).
                reg(linker, f"t{t}-{i}", F if t % 2 else C, card(f"conc-{i}"), ip(f"192.0.2.{t}"))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors
    assert linker.store.account_count() == 48
    persons = linker.store.persons_of([f"t{t}-{i}" for t in range(8) for i in range(6)])
    assert len(persons) == 48
    assert len(set(persons.values())) == 6
    for i in range(6):
        assert len({persons[f"t{t}-{i}"] for t in range(8)}) == 1


def test_a_very_long_name_is_stored_on_both_backends(linker):
    """A name key of several kilobytes (24 tokens, the most a name may have) fits every index of both stores."""
    long_name = " ".join(f"Name{chr(65 + i % 26)}{chr(65 + i // 26)}xyzuvw" for i in range(24))
    first = reg(linker, "long-1", F, sig(pb.SIGNAL_TYPE_NAME_AND_BIRTH_DATE, long_name, birth_date="1970-07-07"))
    again = reg(linker, "long-2", F, sig(pb.SIGNAL_TYPE_NAME_AND_BIRTH_DATE, long_name, birth_date="1970-07-07"))
    assert again.linked_account_ids == ["long-1"] and again.person_id == first.person_id


def test_the_same_face_registered_again_is_stored_once(linker):
    """A retried call or a re-verification of the same retained selfie adds no second template."""
    selfie = sig(pb.SIGNAL_TYPE_FACE_EMBEDDING, embedding=face(7, 1))
    for _ in range(3):
        reg(linker, "same-face", F, selfie)
    assert len(linker.store.faces_of(["same-face"])) == 1
    reg(linker, "same-face", F, sig(pb.SIGNAL_TYPE_FACE_EMBEDDING, embedding=face(7, 2)))  # a new photo
    assert len(linker.store.faces_of(["same-face"])) == 2


def test_prepare_partial_keeps_the_usable_signals_and_lists_the_rest(linker):
    """``prepare_partial`` never raises for one bad signal: it names each by position, type, reason
    and field; ``prepare`` keeps raising the first one's error, as before."""
    raw = [email("john@@example"), card("pp-card"), sig(pb.SIGNAL_TYPE_DOCUMENT_NUMBER, "X1"),
           sig(pb.SIGNAL_TYPE_UNSPECIFIED, "x"), sig(pb.SIGNAL_TYPE_FACE_EMBEDDING, embedding=[0.1] * 3)]
    prepared, rejected = linker.prepare_partial(raw)
    assert [p.type for p in prepared] == [pb.SIGNAL_TYPE_CARD_FINGERPRINT]
    assert [(r.index, r.type, r.reason, r.field) for r in rejected] == [
        (0, pb.SIGNAL_TYPE_EMAIL, "EMAIL_INVALID", "signals[0]"),
        (2, pb.SIGNAL_TYPE_DOCUMENT_NUMBER, "MISSING_FIELD", "signals[2].country"),
        (3, pb.SIGNAL_TYPE_UNSPECIFIED, "SIGNAL_TYPE_INVALID", "signals[3].type"),
        (4, pb.SIGNAL_TYPE_FACE_EMBEDDING, "EMBEDDING_INVALID", "signals[4]"),
    ]
    assert rejected[3].metadata["dimensions"] == "3"  # the error's own metadata is kept
    assert not any("john@@example" in r.message for r in rejected)
    with pytest.raises(InvalidInput) as info:
        linker.prepare(raw)
    assert (info.value.reason, info.value.metadata["field"]) == ("EMAIL_INVALID", "signals[0]")
    too_many = [sig(pb.SIGNAL_TYPE_FACE_EMBEDDING, embedding=face(i)) for i in range(MAX_FACES_PER_REQUEST + 1)]
    with pytest.raises(InvalidInput) as info:
        linker.prepare_partial(too_many)  # a bound on the request, not one bad signal
    assert info.value.reason == "TOO_MANY_FACES"


def test_a_lost_identity_signal_reviews_and_is_logged_by_reason_only(linker):
    prepared, rejected = linker.prepare_partial([email("name@host"), card("lost-card")])
    result = linker.register("lost1", F, prepared, rejected=rejected)
    assert result.decision == REVIEW and [r.code for r in result.reasons] == ["IDENTITY_SIGNAL_UNUSABLE"]
    assert result.rejected == tuple(rejected)
    assert "EMAIL" in result.reasons[0].message and "name@host" not in result.reasons[0].message
    detail = json.loads(linker.store.events()[-1][-1])
    assert detail["rejected"] == ["EMAIL_INVALID"] and "name@host" not in json.dumps(detail)
    # A rejected weak signal is listed only; checking with nothing usable is a prospective account.
    prepared, rejected = linker.prepare_partial([ip("999.0.0.1"), card("weak-card")])
    assert linker.register("lost2", F, prepared, rejected=rejected).decision == ALLOW
    dry = linker.check("lost3", F, [], rejected=linker.prepare_partial([email("a@@b")])[1])
    assert dry.decision == REVIEW and dry.person_id == "" and linker.store.account("lost3") is None


def test_an_empty_face_index_given_to_the_linker_is_the_one_it_uses(store_url):
    # An empty FaceIndex is falsy (it has a length): `index or FaceIndex(...)` used to replace
    # it with a new one that re-read every stored face (the million-account bench's index,
    # caught up with the store without a graph, rebuilt 925k faces).
    from linker.faceindex import FaceIndex

    settings = LinkerSettings(hash_key=KEY.hex())
    index = FaceIndex(settings.hnsw_m, settings.hnsw_ef_construction, settings.hnsw_ef_search)
    linker = Linker(open_store(store_url), SignalHasher(KEY), settings, index, sealer=Sealer(bytes(range(32))))
    try:
        assert linker.index is index
    finally:
        linker.close()
