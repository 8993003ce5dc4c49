"""Canonical forms and keyed hashes of every signal type."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from idverify.errors import InvalidInput
from linker.signals import (
    EVIDENCE_STRENGTHS,
    STRENGTHS,
    RejectedSignal,
    SignalHasher,
    canonical_value,
    links_alone,
    parse_embedding,
    strength_of,
)
from linker.v1 import linking_service_pb2 as pb

H = SignalHasher(b"k" * 32)


@pytest.mark.parametrize(
    ("signal_type", "value", "country", "birth_date", "expected"),
    [
        (pb.SIGNAL_TYPE_DOCUMENT_NUMBER, "c01x 00t4<7", "D", "", "DEU:C01X00T47"),
        (pb.SIGNAL_TYPE_DOCUMENT_NUMBER, "L898-9026.3", "utopia" and "GBR", "", "GBR:L89890263"),
        (pb.SIGNAL_TYPE_DOCUMENT_NUMBER, "AB123", "de", "", "DEU:AB123"),
        (pb.SIGNAL_TYPE_DOCUMENT_NUMBER, "AB123", "XXA", "", "XXA:AB123"),
        (pb.SIGNAL_TYPE_NAME_AND_BIRTH_DATE, "Müller, Jürgen J.", "", "1979-02-03", "1979-02-03:JURGEN MULLER"),
        (pb.SIGNAL_TYPE_IP_ADDRESS, "2001:db8:1:2:3:4:5:6", "", "", "2001:db8:1:2::/64"),
        (pb.SIGNAL_TYPE_IP_ADDRESS, "::ffff:192.0.2.1", "", "", "192.0.2.1"),
        (pb.SIGNAL_TYPE_IP_ADDRESS, " 203.0.113.9 ", "", "", "203.0.113.9"),
        (pb.SIGNAL_TYPE_BANK_ACCOUNT, "de89 3704-0044 0532 0130 00", "", "", "DE89370400440532013000"),
        (pb.SIGNAL_TYPE_CARD_FINGERPRINT, " Xyz9AbC ", "", "", "Xyz9AbC"),
        (pb.SIGNAL_TYPE_EMAIL, "John.Doe+shop@Gmail.com", "", "", "johndoe@gmail.com"),
        (pb.SIGNAL_TYPE_PHONE, "030 1234567", "DE", "", "+49301234567"),
    ],
)
def test_canonical_values(signal_type, value, country, birth_date, expected):
    assert canonical_value(signal_type, value, country, birth_date) == expected


@pytest.mark.parametrize(
    ("signal_type", "value", "country", "birth_date", "reason"),
    [
        (pb.SIGNAL_TYPE_DOCUMENT_NUMBER, "AB123", "", "", "MISSING_FIELD"),
        (pb.SIGNAL_TYPE_DOCUMENT_NUMBER, "AB#123", "DE", "", "DOCUMENT_NUMBER_INVALID"),
        (pb.SIGNAL_TYPE_DOCUMENT_NUMBER, "AB123", "ZZ9", "", "COUNTRY_INVALID"),
        (pb.SIGNAL_TYPE_NAME_AND_BIRTH_DATE, "Ann Lee", "", "03/02/1979", "BIRTH_DATE_INVALID"),
        (pb.SIGNAL_TYPE_NAME_AND_BIRTH_DATE, "Ann Lee", "", "19790203", "BIRTH_DATE_INVALID"),
        (pb.SIGNAL_TYPE_NAME_AND_BIRTH_DATE, "42", "", "1979-02-03", "NAME_INVALID"),
        (pb.SIGNAL_TYPE_IP_ADDRESS, "300.1.1.1", "", "", "IP_ADDRESS_INVALID"),
        (pb.SIGNAL_TYPE_CARD_FINGERPRINT, "   ", "", "", "SIGNAL_VALUE_EMPTY"),
        (99, "x", "", "", "SIGNAL_TYPE_INVALID"),
    ],
)
def test_invalid_values_raise_with_reason(signal_type, value, country, birth_date, reason):
    with pytest.raises(InvalidInput) as info:
        canonical_value(signal_type, value, country, birth_date)
    assert info.value.reason == reason


def test_every_proto_type_has_a_strength():
    # A face photo is embedded by the service before it reaches the linker: it is never stored.
    types = [v.number for v in pb.SignalType.DESCRIPTOR.values if v.number and v.number != pb.SIGNAL_TYPE_FACE_PHOTO]
    assert sorted([*STRENGTHS, *EVIDENCE_STRENGTHS]) == sorted(types)
    # What screening found is evidence only: never accepted as a request signal.
    for signal_type in EVIDENCE_STRENGTHS:
        with pytest.raises(InvalidInput) as info:
            strength_of(signal_type)
        assert info.value.reason == "SIGNAL_TYPE_INVALID"
    assert EVIDENCE_STRENGTHS[pb.SIGNAL_TYPE_POSTED_DETAIL] == pb.SIGNAL_STRENGTH_MEDIUM
    assert EVIDENCE_STRENGTHS[pb.SIGNAL_TYPE_PROFILE_TEXT] == pb.SIGNAL_STRENGTH_WEAK
    assert strength_of(pb.SIGNAL_TYPE_IP_ADDRESS) == pb.SIGNAL_STRENGTH_WEAK
    assert strength_of(pb.SIGNAL_TYPE_DEVICE_ID) == pb.SIGNAL_STRENGTH_MEDIUM


def test_hashes_are_keyed_domain_separated_and_never_raw():
    a = H.prepare(pb.SIGNAL_TYPE_CARD_FINGERPRINT, "card_1")
    assert len(a.digest) == 32 and b"card_1" not in a.digest
    assert a.digest == H.prepare(pb.SIGNAL_TYPE_CARD_FINGERPRINT, " card_1 ").digest
    assert a.digest != H.prepare(pb.SIGNAL_TYPE_DEVICE_ID, "card_1").digest
    assert a.digest != SignalHasher(b"x" * 32).prepare(pb.SIGNAL_TYPE_CARD_FINGERPRINT, "card_1").digest
    assert "k" * 32 not in repr(H)
    with pytest.raises(ValueError):
        SignalHasher(b"short")


def test_name_signal_carries_its_normalised_identity():
    a = H.prepare(pb.SIGNAL_TYPE_NAME_AND_BIRTH_DATE, "Ann Lee", birth_date="1980-01-01")
    b = H.prepare(pb.SIGNAL_TYPE_NAME_AND_BIRTH_DATE, "LEE, Ann", birth_date="1980-01-01")
    c = H.prepare(pb.SIGNAL_TYPE_NAME_AND_BIRTH_DATE, "Ann Lee", birth_date="1980-01-02")
    assert a.digest == b.digest != c.digest and a.plain == b.plain == "1980-01-01|ANN LEE"


def test_embeddings():
    assert parse_embedding([0.25] * 128).dtype.name == "float32"
    for bad in ([0.1] * 127, [0.1] * 129, [math.inf] + [0.0] * 127, [1e39] + [0.0] * 127,
                [math.nan] * 128, [1e300] + [0.0] * 127, [[0.1, 0.2]] * 128, ["x"] * 128):
        with pytest.raises(InvalidInput) as info:
            parse_embedding(bad)
        assert info.value.reason == "EMBEDDING_INVALID"


@settings(deadline=None)  # the machine is shared: no wall-clock deadline
@given(st.text(max_size=40))
def test_card_canonicalisation_is_idempotent(value):
    try:
        once = canonical_value(pb.SIGNAL_TYPE_CARD_FINGERPRINT, value)
    except InvalidInput:
        return
    assert canonical_value(pb.SIGNAL_TYPE_CARD_FINGERPRINT, once) == once


@settings(deadline=None)  # the machine is shared: no wall-clock deadline
@given(st.ip_addresses(v=6))
def test_ipv6_addresses_in_one_64_share_a_group(address):
    sibling = address.exploded[:19] + ":ffff:ffff:ffff:ffff"
    assert canonical_value(pb.SIGNAL_TYPE_IP_ADDRESS, str(address)) == \
        canonical_value(pb.SIGNAL_TYPE_IP_ADDRESS, sibling) or address.ipv4_mapped is not None


def test_name_tokens_are_bounded():
    long_token = "A" * 65
    with pytest.raises(InvalidInput) as info:
        canonical_value(pb.SIGNAL_TYPE_NAME_AND_BIRTH_DATE, f"Ann {long_token}", birth_date="1990-01-01")
    assert info.value.reason == "NAME_INVALID"
    hasher = SignalHasher(bytes(32))
    name = "Pablo Diego José Francisco de Paula Juan Nepomuceno María de los Remedios Cipriano Ruiz y Picasso"
    assert hasher.prepare(pb.SIGNAL_TYPE_NAME_AND_BIRTH_DATE, name, birth_date="1881-10-25").plain
    many = " ".join(f"Part{chr(65 + i // 26)}{chr(65 + i % 26)}" for i in range(25))  # 25 distinct parts
    with pytest.raises(InvalidInput) as info:
        canonical_value(pb.SIGNAL_TYPE_NAME_AND_BIRTH_DATE, many, birth_date="1990-01-01")
    assert info.value.reason == "NAME_INVALID"


def test_document_numbers_and_addresses_are_bounded_and_errors_do_not_echo_the_input():
    with pytest.raises(InvalidInput) as info:
        canonical_value(pb.SIGNAL_TYPE_DOCUMENT_NUMBER, "X" * 33, country="FRA")
    assert info.value.reason == "DOCUMENT_NUMBER_INVALID"
    assert canonical_value(pb.SIGNAL_TYPE_DOCUMENT_NUMBER, "X" * 32, country="FRA") == "FRA:" + "X" * 32
    with pytest.raises(InvalidInput) as info:
        canonical_value(pb.SIGNAL_TYPE_POSTAL_ADDRESS, "12 Long Street " * 20)
    assert info.value.reason == "ADDRESS_INVALID"
    with pytest.raises(InvalidInput) as info:
        canonical_value(pb.SIGNAL_TYPE_DOCUMENT_NUMBER, "X1234567", country="Zq-canary-land")
    assert info.value.reason == "COUNTRY_INVALID" and "canary" not in info.value.message.lower()


def test_rejected_signal_names_the_field_and_rebuilds_the_error():
    inner = RejectedSignal.of(3, pb.SIGNAL_TYPE_DOCUMENT_NUMBER,
                              InvalidInput("needs its country", reason="MISSING_FIELD", metadata={"field": "country"}))
    assert inner.field == "signals[3].country" and inner.error().metadata["field"] == "signals[3].country"
    whole = RejectedSignal.of(0, pb.SIGNAL_TYPE_EMAIL, InvalidInput("not an email", reason="EMAIL_INVALID"))
    assert (whole.field, whole.error().reason, whole.error().message) == ("signals[0]", "EMAIL_INVALID", "not an email")
    assert all(links_alone(t) for t in (pb.SIGNAL_TYPE_EMAIL, pb.SIGNAL_TYPE_FACE_PHOTO, pb.SIGNAL_TYPE_CARD_FINGERPRINT))
    assert not any(links_alone(t) for t in (pb.SIGNAL_TYPE_IP_ADDRESS, pb.SIGNAL_TYPE_DEVICE_ID,
                                            pb.SIGNAL_TYPE_UNSPECIFIED, 99))


def test_a_posted_detail_has_the_keyed_hash_of_the_registered_value():
    hasher = SignalHasher(b"k" * 32)
    (phone,) = hasher.prepare_posted("PHONE", "+447911123456", "chat", 5.0)
    assert phone.key_type == pb.SIGNAL_TYPE_PHONE and phone.message_kind == "chat" and phone.observed_at == 5.0
    assert phone.digest == hasher.prepare(pb.SIGNAL_TYPE_PHONE, "07911 123456", country="GB").digest
    login, payout = hasher.prepare_posted("EMAIL", "Jo@Example.com", "proposal", 0.0)
    assert login.digest == hasher.prepare(pb.SIGNAL_TYPE_EMAIL, "jo@example.com").digest
    assert payout.digest == hasher.prepare(pb.SIGNAL_TYPE_PAYOUT_EMAIL, "jo@example.com").digest
    (iban,) = hasher.prepare_posted("BANK_ACCOUNT", "GB82WEST12345698765432", "", 0.0)
    assert iban.digest == hasher.prepare(pb.SIGNAL_TYPE_BANK_ACCOUNT, "GB82 WEST 1234 5698 7654 32").digest
    # Details no account registers get posted-only codes: they match only each other.
    (card,) = hasher.prepare_posted("CARD_NUMBER", "4111111111111111", "", 0.0)
    assert card.key_type >= 1000 and card.digest == hasher.prepare_posted("CARD_NUMBER", "4111111111111111", "", 1.0)[0].digest
    assert b"4111" not in card.digest and card.digest != hasher.prepare_posted("CRYPTO_ADDRESS", "4111111111111111", "", 0)[0].digest
    # Nothing that identifies an account: a payment service's name, an app without a handle.
    assert hasher.prepare_posted("PAYMENT_SERVICE", "paypal", "", 0.0) == []
    assert hasher.prepare_posted("MESSAGING_HANDLE", "whatsapp", "", 0.0) == []
    assert hasher.prepare_posted("MESSAGING_HANDLE", "telegram:jo_smith", "", 0.0)[0].key_type >= 1000
    assert hasher.prepare_posted("URL", "https://example.com", "", 0.0) == []
    # A number screening found possible but not valid still meets the same number posted elsewhere.
    (drama,) = hasher.prepare_posted("PHONE", "+447700900123", "", 0.0)
    assert drama.digest == hasher.prepare_posted("PHONE", "+447700900123", "invite", 1.0)[0].digest
    with pytest.raises(InvalidInput):
        hasher.prepare_posted("EMAIL", "not an address", "", 0.0)


@pytest.mark.parametrize(("a", "b", "same"), [
    # EIP-55: the case of a 0x address is a checksum over the same address.
    ("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed", True),
    # BIP-173: a bech32 address is written in one case, either.
    ("BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4", "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", True),
    # base58: the case is part of the value.
    ("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", "1bvbmseystwetqtfn5au4m4gfg7xjanvn2", False),
    ("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", "3j98t1wpez73cnmqviecrnyiwrnqrhwnly", False),
], ids=["eip55", "bech32", "base58-p2pkh", "base58-p2sh"])
def test_crypto_addresses_are_keyed_without_case_only_where_case_means_nothing(a, b, same):
    hasher = SignalHasher(b"k" * 32)
    (x,), (y,) = hasher.prepare_posted("CRYPTO_ADDRESS", a, "", 0.0), hasher.prepare_posted("CRYPTO_ADDRESS", b, "", 0.0)
    assert (x.digest == y.digest) is same
