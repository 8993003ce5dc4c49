"""Screening meets linking (issue 18, item 3), through a real server on port 0 on both store
backends: contact and payment details posted in a sender's messages become medium evidence
that never joins alone, near-duplicate profile text is weak evidence and a DUPLICATE_TEXT
finding, erasure removes both, and nothing is recorded when linking is off."""

from __future__ import annotations

import grpc
import numpy as np
import pytest

from idverify.app.dependencies import Dependencies
from idverify.config import Config, ServerSettings, StoreSettings
from idverify.screening import Screener, ScreeningSettings
from idverify.screening.v1 import screening_service_pb2 as spb
from idverify.screening.v1 import screening_service_pb2_grpc as spb_grpc
from linker.engine import Linker
from linker.settings import LinkerSettings
from linker.store.base import TABLES
from linker.v1 import linking_service_pb2 as pb
from linker.v1 import linking_service_pb2_grpc as pb_grpc

pytest_plugins = ["tests.conftest_linker"]

KEY = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
PHONE = "+447911123456"
EMAIL = "jo.posted@example.com"
# A description long enough for a trustworthy estimate; B's copy changes one word.
PROFILE = ("Full stack developer with nine years of experience building web shops and booking systems "
           "for small businesses in Python Django React and PostgreSQL, including payment integration "
           "search, automated testing, continuous delivery on AWS and careful documentation for the client "
           "team so they can keep the system running after handover")
COPY = PROFILE.replace("careful", "thorough")
UNRELATED = ("Illustrator and motion designer making explainer videos, character animation and "
             "storyboards for education companies, with a friendly process, two revision rounds and "
             "source files delivered in After Effects and Illustrator formats")


@pytest.fixture(scope="module")
def screener():
    return Screener.build()


@pytest.fixture
def serve(start_server, tmp_path, store_url, screener):
    """Start a server with the linker on ``store_url``; returns (linking stub, screening stub, deps)."""

    def start(**screening):
        config = Config(server=ServerSettings(port=0), store=StoreSettings(url=str(tmp_path / "store.sqlite3")),
                        linker=LinkerSettings(enabled=True, store_url=store_url, hash_key=KEY,
                                              seal_key="5ea1" * 16),
                        screening=ScreeningSettings(**screening))
        # Only what screening and linking need: no face workers to start.
        deps = Dependencies(config=config, screener=screener, linker=Linker.open(config.linker, store_url))
        deps.closers.append(deps.linker.close)
        channel, _ = start_server(deps)
        return pb_grpc.LinkingServiceStub(channel), spb_grpc.ScreeningServiceStub(channel), deps

    return start


def _register(stub, account_id: str, *signals: pb.Signal, kind=pb.ACCOUNT_KIND_FREELANCER):
    return stub.RegisterAccount(pb.RegisterAccountRequest(account_id=account_id, kind=kind, signals=signals),
                                timeout=10)


def _signal(signal_type: int, value: str) -> pb.Signal:
    return pb.Signal(type=signal_type, value=value)


def _say(stub, sender: str, text: str, recipient: str = "z9", **fields) -> spb.ScreenMessageResponse:
    return stub.ScreenMessage(spb.ScreenMessageRequest(text=text, sender_account_id=sender,
                                                       recipient_account_id=recipient, **fields), timeout=10)


def _weak_links(stub, account_id: str) -> dict[str, pb.LinkedAccount]:
    response = stub.GetLinkedAccounts(pb.GetLinkedAccountsRequest(account_id=account_id, include_weak=True),
                                      timeout=10)
    return {a.account_id: a for a in response.accounts}


def test_a_posted_phone_is_medium_evidence_but_not_one_person(serve):
    link, screen, deps = serve()
    _register(link, "b1", _signal(pb.SIGNAL_TYPE_PHONE, PHONE))
    _register(link, "a1", _signal(pb.SIGNAL_TYPE_DEVICE_ID, "dev-a1"), kind=pb.ACCOUNT_KIND_CLIENT)
    said = _say(screen, "a1", "whatsapp me on +44 7911 123456 and we skip the fees", kind=spb.MESSAGE_KIND_CHAT)
    assert said.decision == spb.DECISION_BLOCK and said.linked_details == 1
    links = _weak_links(link, "a1")
    assert set(links) == {"b1"} and not links["b1"].same_person
    (ev,) = links["b1"].evidence
    assert ev.signal_type == pb.SIGNAL_TYPE_POSTED_DETAIL and ev.strength == pb.SIGNAL_STRENGTH_MEDIUM
    assert ev.note.startswith("phone number posted in a message (chat)") and ev.risk_weight == pytest.approx(0.5)
    explained = link.ExplainLink(pb.ExplainLinkRequest(account_id_a="a1", account_id_b="b1"), timeout=10)
    assert not explained.same_person and explained.person_id_a != explained.person_id_b
    assert [e.signal_type for e in explained.path] == [pb.SIGNAL_TYPE_POSTED_DETAIL]
    assert "phone number posted in a message" in explained.path[0].note
    assert not link.GetLinkedAccounts(pb.GetLinkedAccountsRequest(account_id="a1"), timeout=10).accounts
    for account_id in ("a1", "b1"):
        checked = link.CheckAccount(pb.CheckAccountRequest(account_id=account_id), timeout=10)
        assert checked.decision == pb.LINK_DECISION_ALLOW and not checked.linked_account_ids
    # The same message screened again adds nothing: one keyed row, no clear value anywhere.
    assert _say(screen, "a1", "whatsapp me on +44 7911 123456 and we skip the fees").linked_details == 1
    rows = deps.linker.store.posted_of("a1")
    assert len(rows) == 1 and rows[0][2] == "chat"
    dump = [v for rows in deps.linker.store.dump().values() for row in rows for v in row]
    assert not [v for v in dump if isinstance(v, str) and ("7911" in v or "123456" in v)]
    assert not [v for v in dump if isinstance(v, bytes | memoryview) and b"7911123456" in bytes(v)]


def test_posted_details_alone_never_join_however_many(serve):
    link, screen, _ = serve()
    _register(link, "b2", _signal(pb.SIGNAL_TYPE_PHONE, PHONE), _signal(pb.SIGNAL_TYPE_EMAIL, EMAIL))
    _register(link, "a2", _signal(pb.SIGNAL_TYPE_IP_ADDRESS, "198.51.100.7"))
    _register(link, "c2", _signal(pb.SIGNAL_TYPE_IP_ADDRESS, "203.0.113.9"))
    text = f"call +44 7911 123456 or mail {EMAIL}, my card is 4111 1111 1111 1111"
    assert _say(screen, "a2", text, kind=spb.MESSAGE_KIND_PROPOSAL).linked_details == 3
    assert _say(screen, "c2", text, kind=spb.MESSAGE_KIND_INVITE).linked_details == 3
    for a, b in (("a2", "b2"), ("a2", "c2"), ("b2", "c2")):
        explained = link.ExplainLink(pb.ExplainLinkRequest(account_id_a=a, account_id_b=b), timeout=10)
        assert not explained.same_person, (a, b)
        assert [e.signal_type for e in explained.path] == [pb.SIGNAL_TYPE_POSTED_DETAIL]
    both = _weak_links(link, "a2")["c2"].evidence
    assert [e.signal_type for e in both] == [pb.SIGNAL_TYPE_POSTED_DETAIL]
    assert "posted in a message by both accounts (proposal, invite)" in both[0].note
    for account_id in ("a2", "b2", "c2"):
        checked = link.CheckAccount(pb.CheckAccountRequest(account_id=account_id), timeout=10)
        assert checked.decision == pb.LINK_DECISION_ALLOW and not checked.linked_account_ids


def test_a_posted_detail_adds_to_other_evidence(serve):
    link, screen, _ = serve()
    _register(link, "b3", _signal(pb.SIGNAL_TYPE_PHONE, PHONE), _signal(pb.SIGNAL_TYPE_DEVICE_ID, "shared-tablet"))
    second = _register(link, "a3", _signal(pb.SIGNAL_TYPE_DEVICE_ID, "shared-tablet"))
    assert not second.linked_account_ids  # one medium kind: not one person yet
    assert _say(screen, "a3", "text me: +44 7911 123456").linked_details == 1
    explained = link.ExplainLink(pb.ExplainLinkRequest(account_id_a="a3", account_id_b="b3"), timeout=10)
    assert explained.same_person and explained.person_id_a == explained.person_id_b
    kinds = {e.signal_type for e in _weak_links(link, "a3")["b3"].evidence}
    assert kinds == {pb.SIGNAL_TYPE_POSTED_DETAIL, pb.SIGNAL_TYPE_DEVICE_ID}
    # Two freelancer accounts of one person: the newer one is blocked, as for any joining evidence.
    assert link.CheckAccount(pb.CheckAccountRequest(account_id="a3"), timeout=10).decision == pb.LINK_DECISION_BLOCK


def test_erasure_removes_posted_details_and_texts(serve):
    link, screen, deps = serve()
    _register(link, "b4", _signal(pb.SIGNAL_TYPE_PHONE, PHONE))
    _register(link, "a4", _signal(pb.SIGNAL_TYPE_IP_ADDRESS, "192.0.2.4"))
    assert _say(screen, "a4", "my number is +44 7911 123456").linked_details == 1
    assert screen.ScreenProfile(spb.ScreenProfileRequest(account_id="a4", title="Developer", description=PROFILE),
                                timeout=10).text_linked
    before = deps.linker.store.dump()
    assert {t for t in TABLES for row in before[t] if "a4" in row} >= {"link_posted", "link_texts", "link_text_bands"}
    deleted = link.DeleteAccount(pb.DeleteAccountRequest(account_id="a4", reason="gdpr_erasure"), timeout=10)
    assert deleted.deleted and deleted.signals_erased == 3  # the IP, the posted phone, the text
    assert not _weak_links(link, "b4")
    dump = deps.linker.store.dump()
    assert not [(t, row) for t in TABLES for row in dump[t] if "a4" in row]


def test_nothing_is_recorded_when_linking_is_off(serve):
    link, screen, deps = serve(link_posted_details=False, link_profile_text=False)
    _register(link, "a5", _signal(pb.SIGNAL_TYPE_IP_ADDRESS, "192.0.2.5"))
    assert _say(screen, "a5", "call +44 7911 123456").linked_details == 0
    assert not screen.ScreenProfile(spb.ScreenProfileRequest(account_id="a5", title="Dev", description=PROFILE),
                                    timeout=10).text_linked
    assert not deps.linker.store.posted_of("a5") and not deps.linker.store.texts_of(["a5"])


def test_dry_runs_and_unregistered_senders_record_nothing(serve):
    link, screen, deps = serve()
    _register(link, "a6", _signal(pb.SIGNAL_TYPE_IP_ADDRESS, "192.0.2.6"))
    assert _say(screen, "a6", "call +44 7911 123456", dry_run=True).linked_details == 0
    assert _say(screen, "nobody", "call +44 7911 123456").linked_details == 0
    assert _say(screen, "", "call +44 7911 123456").linked_details == 0
    assert _say(screen, "a6", "pay me via paypal, whatsapp me").linked_details == 0  # nothing identifies anyone
    assert not deps.linker.store.posted_of("a6") and not deps.linker.store.posted_of("nobody")


def test_near_duplicate_profiles_link_weakly_and_unrelated_ones_do_not(serve):
    link, screen, deps = serve()
    for account_id in ("a7", "b7", "c7"):
        _register(link, account_id, _signal(pb.SIGNAL_TYPE_IP_ADDRESS, f"192.0.2.{len(account_id) + ord(account_id[0])}"))
    first = screen.ScreenProfile(spb.ScreenProfileRequest(account_id="a7", title="Developer", description=PROFILE),
                                 timeout=10)
    assert first.text_linked and first.decision == spb.DECISION_ALLOW
    copied = screen.ScreenProfile(spb.ScreenProfileRequest(account_id="b7", title="Developer", description=COPY),
                                  timeout=10)
    duplicate = [f for f in copied.findings if f.category == spb.CATEGORY_DUPLICATE_TEXT]
    assert duplicate and duplicate[0].field == "description" and duplicate[0].confidence >= 0.8
    assert copied.decision == spb.DECISION_WARN and copied.text_linked
    (ev,) = _weak_links(link, "b7")["a7"].evidence
    assert ev.signal_type == pb.SIGNAL_TYPE_PROFILE_TEXT and ev.strength == pb.SIGNAL_STRENGTH_WEAK
    assert 0.8 <= ev.similarity <= 1 and "near-duplicate profile" in ev.note
    explained = link.ExplainLink(pb.ExplainLinkRequest(account_id_a="a7", account_id_b="b7"), timeout=10)
    assert not explained.same_person and explained.path[0].signal_type == pb.SIGNAL_TYPE_PROFILE_TEXT
    other = screen.ScreenProfile(spb.ScreenProfileRequest(account_id="c7", title="Designer", description=UNRELATED),
                                 timeout=10)
    assert not [f for f in other.findings if f.category == spb.CATEGORY_DUPLICATE_TEXT]
    assert not _weak_links(link, "c7")
    # The same text again: still one fingerprint for the account, its bands not added twice.
    store = deps.linker.store
    bands = sum("a7" in row for row in store.dump()["link_text_bands"])
    again = screen.ScreenProfile(spb.ScreenProfileRequest(account_id="a7", title="Developer", description=PROFILE),
                                 timeout=10)
    assert again.text_linked
    assert len(store.texts_of(["a7"])) == 1
    assert bands > 0 and sum("a7" in row for row in store.dump()["link_text_bands"]) == bands


def test_a_posted_detail_does_not_turn_a_face_only_look_alike_into_a_block(serve):
    link, screen, _ = serve()
    rng = np.random.default_rng(1)
    face = rng.normal(size=128)
    face *= 0.6 / np.linalg.norm(face)
    _register(link, "a10", pb.Signal(type=pb.SIGNAL_TYPE_FACE_EMBEDDING, embedding=list(face)),
              _signal(pb.SIGNAL_TYPE_PHONE, PHONE))
    signup = _register(link, "b10", pb.Signal(type=pb.SIGNAL_TYPE_FACE_EMBEDDING, embedding=list(face + 0.01)))
    assert signup.decision == pb.LINK_DECISION_REVIEW
    assert [r.code for r in signup.reasons] == ["DUPLICATE_FACE_ONLY"]
    # The look-alike posts the other account's phone number: screening evidence, not a second account.
    assert _say(screen, "b10", "call me on +44 7911 123456", recipient="c10").linked_details == 1
    checked = link.CheckAccount(pb.CheckAccountRequest(account_id="b10", kind=pb.ACCOUNT_KIND_FREELANCER), timeout=10)
    assert checked.decision == pb.LINK_DECISION_REVIEW
    assert "DUPLICATE_PERSON" not in [r.code for r in checked.reasons]
    assert [r.code for r in checked.reasons][0] == "DUPLICATE_FACE_ONLY"


def test_evidence_only_types_are_refused_as_request_signals(serve):
    link, _, _ = serve()
    for signal_type in (pb.SIGNAL_TYPE_POSTED_DETAIL, pb.SIGNAL_TYPE_PROFILE_TEXT):
        with pytest.raises(grpc.RpcError) as info:
            _register(link, "x8", _signal(signal_type, PHONE))
        assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT


def test_the_recipients_own_detail_quoted_back_is_left_out(serve):
    link, screen, deps = serve()
    _register(link, "b9", _signal(pb.SIGNAL_TYPE_PHONE, PHONE))
    _register(link, "a9", _signal(pb.SIGNAL_TYPE_IP_ADDRESS, "192.0.2.9"))
    said = _say(screen, "a9", f"is +44 7911 123456 still your number? mail me at {EMAIL}", recipient="b9")
    assert said.linked_details == 1  # the e-mail; the phone is the recipient's own
    assert not _weak_links(link, "a9")
    assert {t for t, *_ in deps.linker.store.posted_of("a9")} == {pb.SIGNAL_TYPE_EMAIL, pb.SIGNAL_TYPE_PAYOUT_EMAIL}


def test_one_value_found_twice_in_a_message_counts_once(serve):
    link, screen, _ = serve()
    _register(link, "a11", _signal(pb.SIGNAL_TYPE_IP_ADDRESS, "192.0.2.11"))
    said = _say(screen, "a11", f"call +44 7911 123456, again: +44 7911 123456, or mail {EMAIL} / {EMAIL}")
    assert said.linked_details == 2  # one phone, one e-mail


def test_a_profile_screened_without_an_account_is_no_duplicate_of_its_own_stored_text(serve):
    link, screen, _ = serve()
    _register(link, "a12", _signal(pb.SIGNAL_TYPE_IP_ADDRESS, "192.0.2.12"))
    stored = screen.ScreenProfile(spb.ScreenProfileRequest(account_id="a12", title="Developer", description=PROFILE),
                                  timeout=10)
    assert stored.text_linked
    for request in (spb.ScreenProfileRequest(account_id="a12", title="Developer", description=PROFILE),
                    spb.ScreenProfileRequest(title="Developer", description=PROFILE)):
        again = screen.ScreenProfile(request, timeout=10)
        assert not [f for f in again.findings if f.category == spb.CATEGORY_DUPLICATE_TEXT]
        assert again.decision == spb.DECISION_ALLOW


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)  # a dropped table is STORE_UNAVAILABLE on SQLite
def test_a_linker_failure_does_not_lose_the_screening(serve):
    link, screen, deps = serve()
    _register(link, "a13", _signal(pb.SIGNAL_TYPE_IP_ADDRESS, "192.0.2.13"))
    with deps.linker.store.write():
        for table in ("link_posted", "link_text_bands"):
            deps.linker.store._exec(f"DROP TABLE {table}")
    said = _say(screen, "a13", "whatsapp me on +44 7911 123456 and we skip the fees")
    assert said.decision == spb.DECISION_BLOCK and said.linked_details == 0
    profile = screen.ScreenProfile(spb.ScreenProfileRequest(account_id="a13", title="Developer", description=PROFILE),
                                   timeout=10)
    assert profile.decision == spb.DECISION_ALLOW and not profile.text_linked
    failures = deps.metrics.registry.get_sample_value
    for what in ("posted_details", "profile_text"):
        assert failures("idverify_screening_link_failures_total", {"what": what, "reason": "STORE_UNAVAILABLE"}) == 1
