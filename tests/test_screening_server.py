"""ScreeningService through a real server on port 0: every category and disguise, clean
look-alikes, bad input, scopes, health, reflection, and no word of a message in the logs."""

from __future__ import annotations

import io
import logging

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from idverify.app import Application, Dependencies
from idverify.cli import main
from idverify.client import error_reason
from idverify.config import Config, ServerSettings
from idverify.config.transport import AuthSettings
from idverify.errors import InvalidInput
from idverify.logs import configure_logging
from idverify.screening import Screener
from idverify.screening.v1 import screening_service_pb2 as pb
from idverify.screening.v1 import screening_service_pb2_grpc as pb_grpc
from idverify.server.app import create_server
from idverify.server.auth import required_scope
from idverify.server.call_classes import LIGHT, call_class
from tests.screening_cases import CLEAN, CLEAN_PROFILE, PROFILE_VIOLATIONS, VIOLATIONS

SERVICE = "idverify.screening.v1.ScreeningService"


@pytest.fixture(scope="module")
def screener():
    return Screener.build()


def _serve(config: Config, screener: Screener):
    deps = Dependencies(config=config, screener=screener)
    running, port = create_server(config, Application(deps))
    running.start()
    return running, grpc.insecure_channel(f"127.0.0.1:{port}"), deps


@pytest.fixture(scope="module")
def stub(screener):
    running, channel, deps = _serve(Config(server=ServerSettings(port=0)), screener)
    yield pb_grpc.ScreeningServiceStub(channel)
    channel.close()
    running.stop(0).wait()
    deps.close()


@pytest.mark.parametrize("text,category,value,disguise", VIOLATIONS,
                         ids=[f"{c}-{i}" for i, (_, c, _, _) in enumerate(VIOLATIONS)])
def test_every_category_and_disguise(stub, text, category, value, disguise):
    response = stub.ScreenMessage(pb.ScreenMessageRequest(text=text, sender_account_id="a1",
                                                          recipient_account_id="a2",
                                                          kind=pb.MESSAGE_KIND_CHAT), timeout=10)
    hits = [f for f in response.findings if f.category == pb.Category.Value(f"CATEGORY_{category}")]
    assert hits, [pb.Category.Name(f.category) for f in response.findings]
    f = hits[0]
    assert f.field == "text" and 0 <= f.start < f.end <= len(text) and 0 < f.confidence <= 1
    if value is not None:
        assert f.value == value
    if disguise is not None:
        assert pb.Disguise.Value(f"DISGUISE_{disguise.upper()}") in f.disguises
    assert response.decision in (pb.DECISION_WARN, pb.DECISION_BLOCK)
    assert response.reasons and response.reasons[0].rule
    assert "[" in response.redacted_text and response.policy_version


@pytest.mark.parametrize("text", CLEAN)
def test_clean_look_alikes_are_allowed(stub, text):
    response = stub.ScreenMessage(pb.ScreenMessageRequest(text=text), timeout=10)
    assert response.decision == pb.DECISION_ALLOW
    assert not response.findings
    assert response.redacted_text == text


def test_contract_between_the_parties_applies_the_overrides(stub):
    request = pb.ScreenMessageRequest(text="the repo is at https://code.example.org/app")
    assert stub.ScreenMessage(request, timeout=10).decision == pb.DECISION_WARN
    request.contract_exists = True
    assert stub.ScreenMessage(request, timeout=10).decision == pb.DECISION_ALLOW


@pytest.mark.parametrize("title,description,category", PROFILE_VIOLATIONS)
def test_profile_content(stub, title, description, category):
    response = stub.ScreenProfile(pb.ScreenProfileRequest(title=title, description=description,
                                                          skills=["Python"]), timeout=10)
    assert pb.Category.Value(f"CATEGORY_{category}") in {f.category for f in response.findings}
    assert response.decision in (pb.DECISION_WARN, pb.DECISION_BLOCK)


def test_clean_profile_and_redacted_fields(stub):
    title, description, skills = CLEAN_PROFILE
    response = stub.ScreenProfile(pb.ScreenProfileRequest(title=title, description=description, skills=skills),
                                  timeout=10)
    assert response.decision == pb.DECISION_ALLOW and not response.findings
    response = stub.ScreenProfile(pb.ScreenProfileRequest(
        title="Designer", description="Nice work. Mail ann at example dot com.", skills=["Figma"]), timeout=10)
    assert response.redacted_description == "Nice work. Mail [EMAIL]."
    assert response.redacted_title == "Designer" and response.redacted_skills == "Figma"
    assert response.decision == pb.DECISION_BLOCK


@pytest.mark.parametrize("call,reason", [
    (lambda s: s.ScreenMessage(pb.ScreenMessageRequest(text="  "), timeout=10), "TEXT_MISSING"),
    # the server caps every string (idverify.server.validation), free text at 20,000 characters
    (lambda s: s.ScreenMessage(pb.ScreenMessageRequest(text="a" * 20_001), timeout=10), "FIELD_TOO_LONG"),
    (lambda s: s.ScreenProfile(pb.ScreenProfileRequest(title="a" * 4097), timeout=10), "FIELD_TOO_LONG"),
    (lambda s: s.ScreenProfile(pb.ScreenProfileRequest(skills=["x"]), timeout=10), "TEXT_MISSING"),
])
def test_bad_input_is_invalid_argument_with_reason(stub, call, reason):
    with pytest.raises(grpc.RpcError) as info:
        call(stub)
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert error_reason(info.value) == reason


def test_health_and_reflection_know_the_service(screener):
    running, channel, deps = _serve(Config(server=ServerSettings(port=0)), screener)
    try:
        health = health_pb2_grpc.HealthStub(channel)
        assert health.Check(health_pb2.HealthCheckRequest(service=SERVICE), timeout=5).status == \
            health_pb2.HealthCheckResponse.SERVING
        reflection = reflection_pb2_grpc.ServerReflectionStub(channel)
        answer = next(reflection.ServerReflectionInfo(iter([reflection_pb2.ServerReflectionRequest(
            list_services="")]), timeout=5))
        assert SERVICE in {s.name for s in answer.list_services_response.service}
    finally:
        channel.close()
        running.stop(0).wait()
        deps.close()


def test_screening_needs_the_screen_scope_and_is_a_light_call(tmp_path, capsys, screener):
    assert required_scope(f"/{SERVICE}/ScreenMessage") == "screen"
    assert call_class("ScreenMessage", pb.ScreenMessageRequest(text="x")) == LIGHT
    assert call_class("ScreenProfile", pb.ScreenProfileRequest(title="x")) == LIGHT
    keys = tmp_path / "keys.toml"
    made = {}
    for client, scope in (("chat", "screen"), ("kyc", "verify")):
        assert main(["keys", "create", "--client", client, "--scope", scope, "--keys-file", str(keys)]) == 0
        made[client] = capsys.readouterr().out.strip()
    config = Config(server=ServerSettings(port=0), auth=AuthSettings(enabled=True, keys_file=str(keys)))
    running, channel, deps = _serve(config, screener)
    try:
        stub = pb_grpc.ScreeningServiceStub(channel)
        request = pb.ScreenMessageRequest(text="call +44 7700 900123")
        with pytest.raises(grpc.RpcError) as info:
            stub.ScreenMessage(request, timeout=5, metadata=[("authorization", f"Bearer {made['kyc']}")])
        assert info.value.code() == grpc.StatusCode.PERMISSION_DENIED
        ok = stub.ScreenMessage(request, timeout=5, metadata=[("authorization", f"Bearer {made['chat']}")])
        assert ok.decision == pb.DECISION_BLOCK
    finally:
        channel.close()
        running.stop(0).wait()
        deps.close()


CANARY_TEXT = "Zebulon says: mail zebulon.canary at example dot org or ring +44 7700 900777, you idiot"
CANARIES = ["Zebulon", "zebulon.canary", "7700 900777", "447700900777", "idiot", "ring", "example.org"]


def test_no_word_of_a_message_is_logged(stub):
    stream = io.StringIO()
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    configure_logging("DEBUG", stream)
    try:
        stub.ScreenMessage(pb.ScreenMessageRequest(text=CANARY_TEXT, sender_account_id="acct-z"), timeout=10)
        stub.ScreenProfile(pb.ScreenProfileRequest(title="Zebulon", description=CANARY_TEXT), timeout=10)
        with pytest.raises(grpc.RpcError):
            stub.ScreenMessage(pb.ScreenMessageRequest(text=CANARY_TEXT * 300), timeout=10)
        stub.ScreenMessage(pb.ScreenMessageRequest(text=CANARY_TEXT * 60), timeout=10)  # long, screened
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])
    lines = stream.getvalue().splitlines()
    assert lines, "the server logged nothing to judge"
    leaks = [(c, line[:200]) for line in lines for c in CANARIES if c.lower() in line.lower()]
    assert not leaks, leaks


def test_a_long_proposal_is_screened(stub):
    text = "I have built many shops with Django and React. " * 200 + "Call me on +44 7700 900123."
    assert 4096 < len(text) <= 20_000
    response = stub.ScreenMessage(pb.ScreenMessageRequest(text=text), timeout=30)
    assert [pb.Category.Name(f.category) for f in response.findings] == ["CATEGORY_PHONE"]
    assert response.findings[0].start == text.index("+44")


def test_every_category_disguise_and_message_kind_maps_to_the_contract():
    # The response enums come from the screener's words: a word without a proto value would
    # be an INTERNAL error on the first finding that carries it.
    from idverify.screening.findings import CATEGORIES
    from idverify.screening.normalize import DISGUISE_BITS
    from idverify.server.screening import message_kind

    for category in CATEGORIES:
        assert pb.Category.Value(f"CATEGORY_{category}")
    for disguise in DISGUISE_BITS.values():
        assert pb.Disguise.Value(f"DISGUISE_{disguise.upper()}")
    assert [message_kind(v) for v in (0, pb.MESSAGE_KIND_PROPOSAL, pb.MESSAGE_KIND_INVITE, pb.MESSAGE_KIND_CHAT)] == \
        ["", "proposal", "invite", "chat"]
    with pytest.raises(InvalidInput) as err:
        message_kind(99)
    assert err.value.reason == "INVALID_ENUM" and err.value.metadata == {"field": "kind"}
