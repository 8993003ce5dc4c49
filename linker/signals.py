"""Signals: their types and strengths, canonical normalisation, and keyed hashing.

A raw signal from a request becomes a :class:`PreparedSignal`: the canonical form of its value
is hashed with HMAC-SHA256 under the service's secret (``linker.hash_key``) and only that
digest is kept; faces keep their embedding; identity values (names with birth dates,
documents, addresses) also carry their normalised form for the fuzzy identity, which the engine
keeps only sealed (:mod:`linker.fuzzy`). Canonical forms, per type:

- ``EMAIL``, ``PAYOUT_EMAIL``: :func:`idverify.profile.contacts.normalize_email`.
- ``PHONE``: E.164 via :func:`idverify.profile.contacts.normalize_phone`, ``country`` as region.
- ``DOCUMENT_NUMBER``: ``ISO3:NUMBER``, the number upper case without spaces, ``<`` fillers,
  dashes, dots or slashes; the issuing country (ISO or ICAO code) as ISO alpha-3. Required.
- ``NAME_AND_BIRTH_DATE``: ``YYYY-MM-DD:TOKENS`` (folded, sorted tokens; ``:TOKENS`` without
  a birth date, which is optional; a malformed one is refused).
- ``IP_ADDRESS``: IPv4 as is (IPv4-mapped IPv6 unwrapped); IPv6 as its /64 network, because one
  subscriber usually holds a whole /64 and rotates addresses within it.
- ``BANK_ACCOUNT``: upper case without spaces or dashes (IBAN print form folded).
- ``CARD_FINGERPRINT``, ``DEVICE_ID``, ``BROWSER_FINGERPRINT``: opaque, surrounding space only.
- ``FACE_EMBEDDING``: exactly 128 finite floats (dlib's space), kept as float32.
- ``POSTAL_ADDRESS``: one line, anyascii-folded upper-case letters and digits
  (:func:`linker.fuzzy.fold_address`); weak alone, compared fuzzily as part of the identity.

Names, documents and addresses also carry ``plain``, their normalised value for the fuzzy
identity scorer (:mod:`linker.fuzzy`): held in memory only and sealed before it is stored.

Pure: no I/O. Invalid values raise :class:`~idverify.errors.InvalidInput` with a reason; a
request that carries them records each as a :class:`RejectedSignal` (its position, type and
reason, never its value) and is evaluated with the others.
"""

from __future__ import annotations

import datetime as _dt
import hmac
import ipaddress
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as _field

import numpy as np

from idverify.errors import InvalidInput
from idverify.profile.contacts import normalize_email, normalize_phone
from idverify.profile.countries import to_alpha3
from linker.fuzzy import fold_address, fold_tokens, name_plain
from linker.names import fold_name
from linker.v1 import linking_service_pb2 as pb

__all__ = [
    "EMBEDDING_DIM",
    "EVIDENCE_STRENGTHS",
    "EXACT_TYPES",
    "IDENTITY_TYPES",
    "POSTED_KEYS",
    "STRENGTHS",
    "PostedSignal",
    "PreparedSignal",
    "RejectedSignal",
    "SignalHasher",
    "canonical_value",
    "crypto_canonical",
    "links_alone",
    "parse_embedding",
    "posted_name",
    "strength_of",
]

#: Dimensions of a face embedding (dlib's ResNet descriptor).
EMBEDDING_DIM = 128

#: Largest magnitude accepted in an embedding; dlib's values stay well below 1.
_EMBEDDING_MAX = 1e3

#: How much one shared value of each type says, before generic-value caps.
STRENGTHS: dict[int, int] = {
    pb.SIGNAL_TYPE_DOCUMENT_NUMBER: pb.SIGNAL_STRENGTH_STRONG,
    pb.SIGNAL_TYPE_NAME_AND_BIRTH_DATE: pb.SIGNAL_STRENGTH_STRONG,
    pb.SIGNAL_TYPE_FACE_EMBEDDING: pb.SIGNAL_STRENGTH_STRONG,
    pb.SIGNAL_TYPE_DEVICE_ID: pb.SIGNAL_STRENGTH_MEDIUM,
    pb.SIGNAL_TYPE_BROWSER_FINGERPRINT: pb.SIGNAL_STRENGTH_WEAK,
    pb.SIGNAL_TYPE_IP_ADDRESS: pb.SIGNAL_STRENGTH_WEAK,
    pb.SIGNAL_TYPE_CARD_FINGERPRINT: pb.SIGNAL_STRENGTH_STRONG,
    pb.SIGNAL_TYPE_BANK_ACCOUNT: pb.SIGNAL_STRENGTH_STRONG,
    pb.SIGNAL_TYPE_PAYOUT_EMAIL: pb.SIGNAL_STRENGTH_STRONG,
    pb.SIGNAL_TYPE_EMAIL: pb.SIGNAL_STRENGTH_STRONG,
    pb.SIGNAL_TYPE_PHONE: pb.SIGNAL_STRENGTH_STRONG,
    # Households and flats share addresses: alone an address only adds risk; within the fuzzy
    # identity score it adds at most linker.fuzzy.ADDRESS_CAP.
    pb.SIGNAL_TYPE_POSTAL_ADDRESS: pb.SIGNAL_STRENGTH_WEAK,
}

#: Evidence-only types: what screening found (issue 18), never accepted as a request signal.
#: A detail posted in a message is medium at most (anyone can type anyone's number); a
#: near-duplicate text is weak.
EVIDENCE_STRENGTHS: dict[int, int] = {
    pb.SIGNAL_TYPE_POSTED_DETAIL: pb.SIGNAL_STRENGTH_MEDIUM,
    pb.SIGNAL_TYPE_PROFILE_TEXT: pb.SIGNAL_STRENGTH_WEAK,
}

#: A posted detail (by screening's category) is keyed as the registered signal types it may
#: equal, with the same keyed hash (an e-mail may be a login or a payout address); a detail no
#: account registers gets a posted-only key code (1000 and up, never a SignalType), so posted
#: handles, card numbers and crypto addresses match only each other.
POSTED_KEYS: dict[str, tuple[int, ...]] = {
    "EMAIL": (pb.SIGNAL_TYPE_EMAIL, pb.SIGNAL_TYPE_PAYOUT_EMAIL),
    "PHONE": (pb.SIGNAL_TYPE_PHONE,),
    "BANK_ACCOUNT": (pb.SIGNAL_TYPE_BANK_ACCOUNT,),
    "MESSAGING_HANDLE": (1001,),
    "CARD_NUMBER": (1002,),
    "CRYPTO_ADDRESS": (1003,),
}
_POSTED_NAMES = {pb.SIGNAL_TYPE_EMAIL: "e-mail address", pb.SIGNAL_TYPE_PAYOUT_EMAIL: "e-mail address",
                 pb.SIGNAL_TYPE_PHONE: "phone number", pb.SIGNAL_TYPE_BANK_ACCOUNT: "bank account",
                 1001: "messaging handle", 1002: "card number", 1003: "crypto address"}


def posted_name(key_type: int) -> str:
    """What a posted detail's key code is, for reviewers ("phone number")."""
    return _POSTED_NAMES.get(key_type, "detail")


#: Types whose normalised value is sealed for the fuzzy identity scorer.
IDENTITY_TYPES = frozenset({pb.SIGNAL_TYPE_NAME_AND_BIRTH_DATE, pb.SIGNAL_TYPE_DOCUMENT_NUMBER,
                            pb.SIGNAL_TYPE_POSTAL_ADDRESS})

#: Types linked by exact digest lookups (faces go through the vector index).
EXACT_TYPES = frozenset(t for t in STRENGTHS if t != pb.SIGNAL_TYPE_FACE_EMBEDDING)

#: Longest name token accepted (letters); the longest real ones are about 35. Bounds the
#: sealed name and its fuzzy terms.
_MAX_NAME_TOKEN = 64
#: Most name parts accepted in one name (Picasso's full baptismal name has 15 distinct ones).
_MAX_NAME_TOKENS = 24
#: Longest document number accepted (national identity numbers run to about 20 characters).
_MAX_DOCUMENT_NUMBER = 32
#: Longest folded address accepted.
_MAX_ADDRESS = 200

_DOC_FILLERS = re.compile(r"[\s<\-./]+")
_BANK_FILLERS = re.compile(r"[\s\-.]+")


def strength_of(signal_type: int) -> int:
    """The :class:`SignalStrength` of a signal type; raises InvalidInput for unknown types."""
    try:
        return STRENGTHS[signal_type]
    except KeyError:
        raise InvalidInput(
            f"signal type {signal_type} is not supported", reason="SIGNAL_TYPE_INVALID"
        ) from None


@dataclass(frozen=True)
class PreparedSignal:
    """A signal ready to store: never the raw value.

    ``digest`` is the keyed hash of the canonical value (every type but faces); identity values
    carry ``plain`` (their normalised form, sealed before storage); faces carry ``embedding``.
    ``observed_at`` is in seconds since the epoch.
    """

    type: int
    strength: int
    observed_at: float
    digest: bytes = b""
    embedding: np.ndarray | None = None
    plain: str = ""


@dataclass(frozen=True)
class PostedSignal:
    """A contact or payment detail posted in a message, ready to store: its key code (a
    SignalType or a posted-only code, see :data:`POSTED_KEYS`), keyed hash and provenance."""

    key_type: int
    digest: bytes
    message_kind: str
    observed_at: float


def links_alone(signal_type: int) -> bool:
    """True for types whose shared value joins two accounts on its own (strong), face photos
    included: losing one of them can hide a duplicate."""
    return signal_type == pb.SIGNAL_TYPE_FACE_PHOTO or STRENGTHS.get(signal_type) == pb.SIGNAL_STRENGTH_STRONG


@dataclass(frozen=True)
class RejectedSignal:
    """A request signal that could not be used: where it was, its type and why; never its value.

    ``index`` is its position in the request's signals; ``reason`` and ``message`` are those of
    the :class:`~idverify.errors.InvalidInput` it raised, ``metadata`` that error's metadata
    with ``field`` naming the field at fault (``signals[1].country``).
    """

    index: int
    type: int
    reason: str
    message: str
    metadata: Mapping[str, str] = _field(default_factory=dict)

    @classmethod
    def of(cls, index: int, signal_type: int, error: InvalidInput) -> RejectedSignal:
        """The rejection of ``signals[index]`` by ``error`` (its field made request-relative)."""
        inner = error.metadata.get("field", "")
        where = inner if inner.startswith("signals[") else f"signals[{index}].{inner}" if inner else f"signals[{index}]"
        return cls(index, signal_type, error.reason, error.message, {**error.metadata, "field": where})

    @property
    def field(self) -> str:
        """The field at fault within the request, such as ``signals[1].country``."""
        return self.metadata.get("field", f"signals[{self.index}]")

    def error(self) -> InvalidInput:
        """The error a request holding only this signal is refused with."""
        return InvalidInput(self.message, reason=self.reason, metadata=self.metadata)


def canonical_value(signal_type: int, value: str, country: str = "", birth_date: str = "") -> str:
    """The canonical string of a non-face signal's value (what is hashed); see the module doc."""
    strength_of(signal_type)
    value = value.strip()
    if signal_type == pb.SIGNAL_TYPE_FACE_EMBEDDING:
        raise InvalidInput("face embeddings have no canonical string", reason="SIGNAL_TYPE_INVALID")
    if not value:
        raise InvalidInput("signal value is empty", reason="SIGNAL_VALUE_EMPTY")
    if signal_type in (pb.SIGNAL_TYPE_EMAIL, pb.SIGNAL_TYPE_PAYOUT_EMAIL):
        return normalize_email(value)
    if signal_type == pb.SIGNAL_TYPE_PHONE:
        return normalize_phone(value, country.strip().upper() or None)
    if signal_type == pb.SIGNAL_TYPE_DOCUMENT_NUMBER:
        return f"{_document_country(country)}:{_document_number(value)}"
    if signal_type == pb.SIGNAL_TYPE_NAME_AND_BIRTH_DATE:
        tokens = fold_name(value)
        if not tokens:
            raise InvalidInput("name has no letters", reason="NAME_INVALID")
        if max(len(t) for t in tokens) > _MAX_NAME_TOKEN:
            raise InvalidInput(f"a name token is longer than {_MAX_NAME_TOKEN} letters", reason="NAME_INVALID")
        if len(tokens) > _MAX_NAME_TOKENS:
            raise InvalidInput(f"a name has more than {_MAX_NAME_TOKENS} parts", reason="NAME_INVALID")
        # The birth date may be absent (a record without one): the name then links only
        # together with other agreeing fields (linker.fuzzy caps a dateless name's weight).
        dob = _birth_date(birth_date) if birth_date.strip() else ""
        return f"{dob}:{' '.join(tokens)}"
    if signal_type == pb.SIGNAL_TYPE_IP_ADDRESS:
        return _ip_group(value)
    if signal_type == pb.SIGNAL_TYPE_BANK_ACCOUNT:
        return _BANK_FILLERS.sub("", value).upper()
    if signal_type == pb.SIGNAL_TYPE_POSTAL_ADDRESS:
        folded = fold_address(value)
        if not folded:
            raise InvalidInput("address has no letters or digits", reason="ADDRESS_INVALID")
        if len(folded) > _MAX_ADDRESS:
            raise InvalidInput(f"address longer than {_MAX_ADDRESS} characters", reason="ADDRESS_INVALID")
        return folded
    return value  # card and device fingerprints: opaque identifiers from upstream systems


_E164 = re.compile(r"\+[1-9]\d{6,14}")


def _posted_canonical(signal_type: int, value: str) -> str:
    """A posted value's canonical form: the registered one; a phone number screening found
    possible but not valid (unassigned ranges, drama numbers) keeps its E.164 form, so two
    accounts posting it still meet (no account can register it)."""
    try:
        return canonical_value(signal_type, value)
    except InvalidInput:
        if signal_type == pb.SIGNAL_TYPE_PHONE and _E164.fullmatch(value):
            return value
        raise


_ETH_ADDRESS = re.compile(r"0[xX][0-9a-fA-F]{40}")
_BECH32_CHARS = frozenset("qpzry9x8gf2tvdw0s3jn54khce6mua7l")
#: The posted-detail key type of crypto addresses (:data:`POSTED_KEYS`).
_CRYPTO_KEY = 1003


def crypto_canonical(address: str) -> str:
    """A crypto address as it is keyed: a ``0x`` address (EIP-55 puts a checksum in the case of
    the same address) and a bech32 one (``bc1...``: one case, either) in lower case; anything
    else (base58, where case is part of the value) as it is."""
    if _ETH_ADDRESS.fullmatch(address):
        return address.lower()
    hrp, sep, data = address.rpartition("1")
    if (sep and hrp and len(data) >= 6 and len(address) <= 90 and (address.islower() or address.isupper())
            and set(data.lower()) <= _BECH32_CHARS):
        return address.lower()
    return address


def _document_number(value: str) -> str:
    number = _DOC_FILLERS.sub("", value).upper()
    if not number.isalnum():
        raise InvalidInput("document number must be letters and digits", reason="DOCUMENT_NUMBER_INVALID")
    if len(number) > _MAX_DOCUMENT_NUMBER:
        raise InvalidInput(f"document number longer than {_MAX_DOCUMENT_NUMBER} characters",
                           reason="DOCUMENT_NUMBER_INVALID")
    return number


def _document_country(country: str) -> str:
    code = country.strip().strip("<").upper()
    if not code:
        raise InvalidInput(
            "document number needs its issuing country", reason="MISSING_FIELD", metadata={"field": "country"}
        )
    alpha3 = to_alpha3(code)
    if alpha3 is not None:
        return alpha3
    if code.isalpha() and len(code) == 3:
        return code  # ICAO codes for organisations and stateless persons (UNO, XXA, ...)
    raise InvalidInput("unknown issuing country (neither an ISO 3166 nor an ICAO code)", reason="COUNTRY_INVALID")


def _birth_date(raw: str) -> str:
    try:
        day = _dt.date.fromisoformat(raw.strip())
    except ValueError:
        raise InvalidInput(
            "birth_date must be YYYY-MM-DD", reason="BIRTH_DATE_INVALID", metadata={"field": "birth_date"}
        ) from None
    if len(raw.strip()) != 10:
        raise InvalidInput("birth_date must be YYYY-MM-DD", reason="BIRTH_DATE_INVALID")
    return day.isoformat()


def _ip_group(raw: str) -> str:
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        raise InvalidInput("not an IP address", reason="IP_ADDRESS_INVALID") from None
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


def parse_embedding(values: Sequence[float]) -> np.ndarray:
    """A face embedding as a float32 vector; exactly 128 finite floats or InvalidInput."""
    if len(values) != EMBEDDING_DIM:
        raise InvalidInput(
            f"face embedding must have {EMBEDDING_DIM} values, not {len(values)}",
            reason="EMBEDDING_INVALID",
            metadata={"dimensions": str(len(values))},
        )
    try:
        wide = np.asarray(values, dtype=np.float64)  # checked before narrowing: 1e300 is not inf
    except (TypeError, ValueError):
        raise InvalidInput("face embedding values must be numbers", reason="EMBEDDING_INVALID") from None
    if wide.shape != (EMBEDDING_DIM,):
        raise InvalidInput(f"face embedding must be {EMBEDDING_DIM} numbers", reason="EMBEDDING_INVALID")
    if not (np.isfinite(wide).all() and np.abs(wide).max() <= _EMBEDDING_MAX):
        raise InvalidInput(f"face embedding values must be finite and within ±{_EMBEDDING_MAX:g}",
                           reason="EMBEDDING_INVALID")
    return wide.astype(np.float32)


class SignalHasher:
    """Keyed hashing (HMAC-SHA256) of canonical values; the key never leaves this object."""

    def __init__(self, key: bytes) -> None:
        if len(key) < 16:
            raise ValueError("the hash key must be at least 16 bytes")
        self._key = key

    def __repr__(self) -> str:
        return "SignalHasher(<key hidden>)"

    def digest(self, domain: str, canonical: str) -> bytes:
        """HMAC-SHA256 of ``domain:canonical`` (32 bytes); domains keep types apart."""
        return hmac.digest(self._key, f"{domain}:{canonical}".encode(), "sha256")

    def prepare(
        self,
        signal_type: int,
        value: str = "",
        country: str = "",
        birth_date: str = "",
        embedding: Sequence[float] = (),
        observed_at: float = 0.0,
    ) -> PreparedSignal:
        """Validate, normalise and hash one raw signal; ``observed_at`` in epoch seconds."""
        strength = strength_of(signal_type)
        if signal_type == pb.SIGNAL_TYPE_FACE_EMBEDDING:
            return PreparedSignal(signal_type, strength, observed_at, embedding=parse_embedding(embedding))
        canonical = canonical_value(signal_type, value, country, birth_date)
        digest = self.digest(str(signal_type), canonical)
        if signal_type != pb.SIGNAL_TYPE_NAME_AND_BIRTH_DATE:
            plain = canonical if signal_type in IDENTITY_TYPES else ""
            return PreparedSignal(signal_type, strength, observed_at, digest=digest, plain=plain)
        dob = canonical.partition(":")[0]
        return PreparedSignal(signal_type, strength, observed_at, digest=digest,
                              plain=name_plain(fold_tokens(value), dob))

    def prepare_posted(self, category: str, value: str, message_kind: str,
                       observed_at: float) -> list[PostedSignal]:
        """The keyed hashes of a detail screening found (``category`` as screening names it,
        ``value`` its normalised value): one per registered type it may equal, hashed exactly
        as that type's registered values are. Empty for a category that identifies nobody
        (a payment service's name, a messaging app named without a handle); an unusable value
        raises InvalidInput."""
        keys = POSTED_KEYS.get(category, ())
        value = value.strip()
        if not keys or not value or (category == "MESSAGING_HANDLE" and ":" not in value):
            return []
        out = []
        for key_type in keys:
            if key_type in STRENGTHS:
                digest = self.digest(str(key_type), _posted_canonical(key_type, value))
            else:
                # Handles and card numbers come normalised from screening; a crypto address is
                # folded only where its case means nothing (crypto_canonical).
                posted = crypto_canonical(value) if key_type == _CRYPTO_KEY else value
                digest = self.digest(f"posted{key_type}", posted)
            out.append(PostedSignal(key_type, digest, message_kind, observed_at))
        return out

    def term_key(self, domain: str, term: str) -> bytes:
        """The keyed hash of a fuzzy blocking or term-frequency term (16 bytes)."""
        return self.digest(domain, term)[:16]
