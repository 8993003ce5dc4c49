"""MatchProfile through a real server on port 0 and a real channel."""

from __future__ import annotations

import grpc
import pytest

from idverify.client import error_reason
from idverify.v1 import verification_service_pb2 as pb
from idverify.v1 import verification_service_pb2_grpc as pb_grpc

DOCUMENT = pb.Document(
    surname="MUELLER",
    given_names="HANS PETER",
    birth_date="1980-03-14",
    nationality="D",
    issuing_country="D",
)


def _stub(start_server) -> pb_grpc.VerificationServiceStub:
    channel, _ = start_server()
    return pb_grpc.VerificationServiceStub(channel)


def test_match(start_server) -> None:
    request = pb.MatchProfileRequest(
        declared=pb.DeclaredProfile(
            full_name="Hans Müller", birth_date="1980-03-14", country="DE",
            email="Hans.Mueller+shop@googlemail.com", phone="0151 12345678",
        ),
        document=DOCUMENT,
        known_emails=["hansmueller@gmail.com"],
        known_phones=["+49 151 1234 5678"],
    )  # fmt: skip
    response = _stub(start_server).MatchProfile(request, timeout=10)
    assert response.level == pb.MATCH_LEVEL_MATCH
    assert response.name.level == pb.MATCH_LEVEL_MATCH
    kinds = {t.document: t.kind for t in response.name.tokens}
    assert kinds == {
        "mueller": pb.TOKEN_MATCH_KIND_TRANSLITERATED,
        "hans": pb.TOKEN_MATCH_KIND_EXACT,
        "peter": pb.TOKEN_MATCH_KIND_MISSING,
    }
    assert response.email.declared_normalized == "hansmueller@gmail.com"
    assert response.phone.declared_normalized == "+4915112345678"
    assert response.country.level == pb.MATCH_LEVEL_MATCH
    assert list(response.reasons) == []


def test_mismatch_is_a_result(start_server) -> None:
    request = pb.MatchProfileRequest(
        declared=pb.DeclaredProfile(full_name="Jana Mueller", birth_date="1982-03-14", country="FRA"),
        document=DOCUMENT,
    )
    response = _stub(start_server).MatchProfile(request, timeout=10)
    assert response.level == pb.MATCH_LEVEL_NO_MATCH
    codes = [r.code for r in response.reasons]
    assert codes == ["NAME_MISMATCH", "DOB_MISMATCH", "COUNTRY_MISMATCH"]
    assert all(r.source == "profile" for r in response.reasons)


@pytest.mark.parametrize(
    ("declared", "reason"),
    [
        (pb.DeclaredProfile(full_name="Hans Mueller", birth_date="14/03/1980"), "BIRTH_DATE_INVALID"),
        (pb.DeclaredProfile(full_name="Hans Mueller", country="Germany"), "COUNTRY_INVALID"),
        (pb.DeclaredProfile(), "MISSING_FIELD"),
    ],
)
def test_unevaluable_request_is_invalid_argument(start_server, declared, reason) -> None:
    stub = _stub(start_server)
    with pytest.raises(grpc.RpcError) as info:
        stub.MatchProfile(pb.MatchProfileRequest(declared=declared, document=DOCUMENT), timeout=10)
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert error_reason(info.value) == reason


def test_servicer_uses_the_shared_matcher(start_server, tmp_path) -> None:
    """The name thresholds come from the matcher built once in Dependencies."""
    from idverify.config import Config, ServerSettings, StoreSettings
    from idverify.profile.name_match import NameMatcher
    from idverify.profile.settings import ProfileSettings
    from idverify.app.dependencies import Dependencies

    strict = ProfileSettings(name_match_score=99.9, name_partial_score=0.0)
    config = Config(server=ServerSettings(port=0), store=StoreSettings(url=str(tmp_path / "s.sqlite3")), profile=strict)
    channel, _ = start_server(Dependencies(config=config, name_matcher=NameMatcher(strict)))
    request = pb.MatchProfileRequest(declared=pb.DeclaredProfile(full_name="Hans Muller"), document=DOCUMENT)
    response = pb_grpc.VerificationServiceStub(channel).MatchProfile(request, timeout=10)
    assert response.name.level == pb.MATCH_LEVEL_PARTIAL
    assert [r.code for r in response.reasons] == ["NAME_PARTIAL"]
