"""Generic request limits: string length, NUL, item counts, finite floats."""

from __future__ import annotations

import pytest

from idverify.errors import InvalidInput
from idverify.server.validation import MAX_REPEATED, MAX_STRING_CHARS, validate_request
from idverify.v1 import verification_service_pb2 as pb
from linker.v1 import linking_service_pb2 as lpb


def test_ordinary_requests_pass():
    validate_request(pb.VerifyIdentityRequest(
        declared=pb.DeclaredProfile(full_name="Zoë O'Brien-Łukasiewicz", birth_date="1990-01-02"),
        document_images=[pb.Image(content=b"x" * 10_000)]))
    validate_request(lpb.RegisterAccountRequest(account_id="a", signals=[
        lpb.Signal(type=lpb.SIGNAL_TYPE_FACE_EMBEDDING, embedding=[0.1] * 128)]))


@pytest.mark.parametrize(
    ("request_", "reason", "field"),
    [
        (pb.VerifyIdentityRequest(declared=pb.DeclaredProfile(full_name="x" * (MAX_STRING_CHARS + 1))),
         "FIELD_TOO_LONG", "declared.full_name"),
        (pb.MatchProfileRequest(declared=pb.DeclaredProfile(email="a\x00b@example.org")),
         "FIELD_INVALID", "declared.email"),
        (lpb.RegisterAccountRequest(signals=[lpb.Signal(embedding=[0.0, float("nan")])]),
         "NOT_FINITE", "signals[0].embedding"),
        (lpb.RegisterAccountRequest(signals=[lpb.Signal(embedding=[float("inf")])]),
         "NOT_FINITE", "signals[0].embedding"),
        (lpb.RegisterAccountRequest(signals=[lpb.Signal()] * (MAX_REPEATED + 1)),
         "TOO_MANY_ITEMS", "signals"),
    ],
)
def test_violations_name_the_field(request_, reason, field):
    with pytest.raises(InvalidInput) as info:
        validate_request(request_)
    assert info.value.reason == reason
    assert info.value.metadata["field"] == field
