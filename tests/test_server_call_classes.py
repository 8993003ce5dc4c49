"""Heavy and light calls are admitted separately: a light call never waits for a heavy one's slot.

The classification itself (which RPC, and when a registration carries a photo) is checked on
plain messages; the separation through a real server on port 0 with one worker process, real
dlib work on a large photo, and the service's own metrics registry.
"""

from __future__ import annotations

import io
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import grpc
import matplotlib
import pytest
from PIL import Image

from idverify.app.dependencies import build_dependencies
from idverify.client import error_info
from idverify.config import Config, LimitSettings, ServerSettings, StoreSettings
from idverify.server.call_classes import HEAVY, LIGHT, call_class
from idverify.v1 import verification_service_pb2 as pb
from idverify.v1 import verification_service_pb2_grpc as pb_grpc
from linker.settings import LinkerSettings
from linker.v1 import linking_service_pb2 as lpb
from linker.v1 import linking_service_pb2_grpc as lpb_grpc


def _email(value: str) -> lpb.Signal:
    return lpb.Signal(type=lpb.SIGNAL_TYPE_EMAIL, value=value)


def _photo() -> lpb.Signal:
    return lpb.Signal(type=lpb.SIGNAL_TYPE_FACE_PHOTO, photo=b"\xff\xd8 a photo")


@pytest.mark.parametrize("rpc", ["CompareFaces", "ReadDocument", "VerifyIdentity", "Signup"])
def test_face_document_and_signup_calls_are_heavy(rpc):
    assert call_class(rpc, None) == HEAVY


@pytest.mark.parametrize("rpc", ["MatchProfile", "GetLinkedAccounts", "ExplainLink", "DeleteAccount",
                                 "RecordReview", "RecordContract"])
def test_lookups_and_profile_matching_are_light(rpc):
    assert call_class(rpc, None) == LIGHT


def test_a_registration_is_heavy_only_when_it_carries_a_photo():
    plain = lpb.RegisterAccountRequest(account_id="a", signals=[_email("a@example.org")])
    with_photo = lpb.RegisterAccountRequest(account_id="a", signals=[_email("a@example.org"), _photo()])
    assert call_class("RegisterAccount", plain) == LIGHT
    assert call_class("RegisterAccount", with_photo) == HEAVY
    assert call_class("CheckAccount", lpb.CheckAccountRequest(account_id="a", signals=[_photo()])) == HEAVY
    assert call_class("CheckAccount", lpb.CheckAccountRequest(account_id="a")) == LIGHT
    batch = lpb.RegisterAccountsRequest(accounts=[plain, plain])
    assert call_class("RegisterAccounts", batch) == LIGHT
    batch.accounts.append(with_photo)
    assert call_class("RegisterAccounts", batch) == HEAVY


def test_a_request_that_did_not_parse_is_light():
    """It is refused with MALFORMED_REQUEST before any work; it must not take a heavy slot."""
    assert call_class("RegisterAccount", None) == LIGHT


def _large_photo() -> bytes:
    """The sample face (matplotlib ships it) scaled to about 8 MP: a second or more per call."""
    image = Image.open(Path(matplotlib.get_data_path()) / "sample_data" / "grace_hopper.jpg").resize((2560, 3000))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=90)
    return out.getvalue()


def _gauge(deps, name: str, call_class_: str) -> float:
    return deps.metrics.registry.get_sample_value(name, {"call_class": call_class_}) or 0.0


@pytest.mark.slow
def test_a_light_call_is_answered_while_heavy_calls_hold_every_slot(start_server, tmp_path):
    config = Config(
        server=ServerSettings(port=0, worker_processes=1),
        store=StoreSettings(url=str(tmp_path / "store.sqlite3")),
        limits=LimitSettings(max_concurrent_calls=1, max_queued_calls=2),
        linker=LinkerSettings(enabled=True, hash_key="call-class-test-key-0123456789abcdef",
                              seal_key="5ea1" * 16),
    )
    deps = build_dependencies(config)
    channel, _ = start_server(deps)
    verify, link = pb_grpc.VerificationServiceStub(channel), lpb_grpc.LinkingServiceStub(channel)
    photo = pb.Image(content=_large_photo())
    compare = pb.CompareFacesRequest(reference=photo, probe=photo)
    with ThreadPoolExecutor(3) as pool:
        heavy = [pool.submit(verify.CompareFaces, compare, timeout=600) for _ in range(3)]
        deadline = time.monotonic() + 120
        while not (_gauge(deps, "idverify_calls_running", HEAVY) == 1
                   and _gauge(deps, "idverify_calls_queued", HEAVY) == 2):
            assert time.monotonic() < deadline, "the heavy calls never filled their slot and queue"
            time.sleep(0.01)

        # the heavy class is full: one more heavy call is refused at once, naming its class
        with pytest.raises(grpc.RpcError) as refused:
            verify.CompareFaces(compare, timeout=60)
        assert refused.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
        info = error_info(refused.value)
        assert info.reason == "QUEUE_FULL" and info.metadata["call_class"] == HEAVY

        # light calls run meanwhile, on slots of their own
        declared = pb.DeclaredProfile(full_name="Ana María López", birth_date="1990-04-01")
        document = pb.Document(surname="LOPEZ", given_names="ANA MARIA", birth_date="1990-04-01")
        matched = verify.MatchProfile(pb.MatchProfileRequest(declared=declared, document=document), timeout=60)
        registered = link.RegisterAccount(lpb.RegisterAccountRequest(
            account_id="light-1", kind=lpb.ACCOUNT_KIND_FREELANCER, signals=[_email("ana@example.org")]),
            timeout=60)
        checked = link.CheckAccount(lpb.CheckAccountRequest(account_id="light-1", kind=lpb.ACCOUNT_KIND_FREELANCER),
                                    timeout=60)
        still_heavy = sum(not f.done() for f in heavy)
        assert still_heavy >= 1, "the light calls were answered only after the heavy ones finished"
        results = [f.result() for f in heavy]

    assert matched.name.level == pb.MATCH_LEVEL_MATCH
    assert registered.person_id and checked.person_id == registered.person_id
    assert all(r.decision == pb.FACE_DECISION_MATCH for r in results)
    registry = deps.metrics.registry
    assert registry.get_sample_value("idverify_calls_refused_total",
                                     {"call_class": HEAVY, "reason": "QUEUE_FULL"}) == 1
    assert not registry.get_sample_value("idverify_calls_refused_total",
                                         {"call_class": LIGHT, "reason": "QUEUE_FULL"})
