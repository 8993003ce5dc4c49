"""No personal data in any log line: canary values go through every RPC, then every line is scanned.

The server logs at DEBUG as JSON through :func:`idverify.logs.configure_logging`; the requests
carry canary names, emails, phones, document numbers, IP addresses, card fingerprints, face
embeddings and image bytes, both in valid calls and in calls that fail validation (error paths
are where values leak most often).
"""

from __future__ import annotations

import io
import logging
from pathlib import Path

import grpc
import matplotlib
import pytest

from idverify.logs import configure_logging
from idverify.screening.v1 import screening_service_pb2 as spb
from idverify.screening.v1 import screening_service_pb2_grpc as spb_grpc
from idverify.v1 import verification_service_pb2 as pb
from idverify.v1 import verification_service_pb2_grpc as pb_grpc
from linker.v1 import linking_service_pb2 as lpb
from linker.v1 import linking_service_pb2_grpc as lpb_grpc

NAME = "Zebulon Canaryfield"
EMAIL = "zebulon.canary@example.org"
PHONE = "+44 20 7946 0958"
DOCNO = "CNRY12345"
IP = "203.0.113.77"
CARD = "card_canary_9f8e7d"
EMBEDDING_VALUE = 0.0123456789
CANARIES = [NAME, "Zebulon", "Canaryfield", "CANARYFIELD", EMAIL, "zebulon.canary", PHONE, "2079460958",
            DOCNO, IP, CARD, "0.0123456"]


@pytest.fixture
def captured_logs():
    stream = io.StringIO()
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    configure_logging("DEBUG", stream)
    yield stream
    root.handlers[:], _ = saved[0], root.setLevel(saved[1])


def _calls(channel: grpc.Channel, photo: bytes) -> None:
    v = pb_grpc.VerificationServiceStub(channel)
    link = lpb_grpc.LinkingServiceStub(channel)
    screen = spb_grpc.ScreeningServiceStub(channel)
    message = f"{NAME} here: {EMAIL}, {PHONE}, card {CARD}"
    declared = pb.DeclaredProfile(full_name=NAME, birth_date="1990-02-03", email=EMAIL, phone=PHONE, country="GB")
    document = pb.Document(surname="CANARYFIELD", given_names="ZEBULON", document_number=DOCNO,
                           birth_date="1990-02-03", nationality="GBR", issuing_country="GBR")
    signals = [
        lpb.Signal(type=lpb.SIGNAL_TYPE_NAME_AND_BIRTH_DATE, value=NAME, birth_date="1990-02-03"),
        lpb.Signal(type=lpb.SIGNAL_TYPE_EMAIL, value=EMAIL),
        lpb.Signal(type=lpb.SIGNAL_TYPE_PHONE, value=PHONE, country="GB"),
        lpb.Signal(type=lpb.SIGNAL_TYPE_DOCUMENT_NUMBER, value=DOCNO, country="GBR"),
        lpb.Signal(type=lpb.SIGNAL_TYPE_IP_ADDRESS, value=IP),
        lpb.Signal(type=lpb.SIGNAL_TYPE_CARD_FINGERPRINT, value=CARD),
        lpb.Signal(type=lpb.SIGNAL_TYPE_FACE_EMBEDDING, embedding=[EMBEDDING_VALUE] * 128),
    ]
    attempts = [
        lambda: v.MatchProfile(pb.MatchProfileRequest(declared=declared, document=document,
                                                      known_emails=[EMAIL], known_phones=[PHONE]), timeout=60),
        lambda: v.MatchProfile(pb.MatchProfileRequest(declared=pb.DeclaredProfile(
            full_name=NAME, birth_date=f"{NAME} 1990", email=EMAIL), document=document), timeout=60),
        lambda: v.MatchProfile(pb.MatchProfileRequest(declared=pb.DeclaredProfile(
            full_name=NAME, email=f"{EMAIL}@@", phone=f"{PHONE}x"), document=document), timeout=60),
        lambda: v.CompareFaces(pb.CompareFacesRequest(reference=pb.Image(content=photo),
                                                      probe=pb.Image(content=photo)), timeout=120),
        lambda: v.CompareFaces(pb.CompareFacesRequest(reference=pb.Image(content=NAME.encode()),
                                                      probe=pb.Image(content=photo)), timeout=120),
        lambda: v.ReadDocument(pb.ReadDocumentRequest(images=[pb.Image(content=photo, label="front")]), timeout=120),
        lambda: v.VerifyIdentity(pb.VerifyIdentityRequest(profile_photo=pb.Image(content=photo),
                                                          document_images=[pb.Image(content=photo)],
                                                          declared=declared, account_id="acct-canary"), timeout=120),
        lambda: link.RegisterAccount(lpb.RegisterAccountRequest(account_id="acct-canary",
                                                                kind=lpb.ACCOUNT_KIND_FREELANCER,
                                                                signals=signals), timeout=60),
        lambda: link.RegisterAccount(lpb.RegisterAccountRequest(account_id="acct-canary-2",
                                                                kind=lpb.ACCOUNT_KIND_CLIENT,
                                                                signals=signals), timeout=60),
        lambda: link.RegisterAccount(lpb.RegisterAccountRequest(account_id="acct-bad", kind=lpb.ACCOUNT_KIND_CLIENT,
                                                                signals=[lpb.Signal(type=lpb.SIGNAL_TYPE_EMAIL,
                                                                                    value=f"{EMAIL} not an email")]),
                                     timeout=60),
        # Kept with its card, the malformed email rejected: the rejection is logged by reason only.
        lambda: link.RegisterAccounts(lpb.RegisterAccountsRequest(accounts=[lpb.RegisterAccountRequest(
            account_id="acct-partial", kind=lpb.ACCOUNT_KIND_CLIENT,
            signals=[lpb.Signal(type=lpb.SIGNAL_TYPE_EMAIL, value=f"{EMAIL}@@"),
                     lpb.Signal(type=lpb.SIGNAL_TYPE_PHONE, value=f"{PHONE} ext canary"),
                     lpb.Signal(type=lpb.SIGNAL_TYPE_CARD_FINGERPRINT, value=CARD)])]), timeout=60),
        lambda: link.CheckAccount(lpb.CheckAccountRequest(account_id="acct-canary-3", kind=lpb.ACCOUNT_KIND_CLIENT,
                                                          signals=signals), timeout=60),
        lambda: link.ExplainLink(lpb.ExplainLinkRequest(account_id_a="acct-canary", account_id_b="acct-canary-2"),
                                 timeout=60),
        lambda: screen.ScreenMessage(spb.ScreenMessageRequest(text=message, sender_account_id="acct-canary"),
                                     timeout=60),
        lambda: screen.ScreenMessage(spb.ScreenMessageRequest(text=message * 400), timeout=60),  # too long
        lambda: screen.ScreenProfile(spb.ScreenProfileRequest(title=NAME, description=message, skills=[EMAIL]),
                                     timeout=60),
        lambda: link.DeleteAccount(lpb.DeleteAccountRequest(account_id="acct-canary", reason=NAME), timeout=60),
    ]
    for attempt in attempts:
        try:
            attempt()
        except grpc.RpcError:
            pass  # refusals are fine; what matters is what was logged


@pytest.mark.slow
def test_no_personal_data_in_any_log_line(captured_logs, start_server, tmp_path):
    from idverify.config import load_config
    from idverify.app.dependencies import build_dependencies

    config = load_config(overrides={"server": {"port": 0}, "store": {"url": str(tmp_path / "s.sqlite3")},
                                    "linker": {"enabled": True, "hash_key": "test-key-" + "0" * 40,
                                               "seal_key": "5ea1" * 16}},
                         environ={})
    deps = build_dependencies(config)
    channel, _ = start_server(deps)
    photo = (Path(matplotlib.get_data_path()) / "sample_data" / "grace_hopper.jpg").read_bytes()
    _calls(channel, photo)
    lines = captured_logs.getvalue().splitlines()
    assert len(lines) >= 10, "the server logged too little to judge"
    leaks = [(c, line[:200]) for line in lines for c in CANARIES if c.lower() in line.lower()]
    assert not leaks, leaks
    assert not any(len(line) > 20_000 for line in lines), "a log line long enough to hold an image"
