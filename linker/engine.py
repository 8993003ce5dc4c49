"""The linking engine: evidence from the store and the face index, persons, and decisions.

Data flow for :meth:`Linker.register` (``check`` is the same without writing)::

    raw signals --signals.SignalHasher--> keyed hashes, name keys, embeddings
      --exact lookups (store indexes), birth-date blocks + name match, face index k-NN-->
    evidence per other account --policy.joins--> joining accounts
      --persons.cluster + assign_person_ids (reviews as constraints)--> stable person ids
      --policy.decide_account--> ALLOW / REVIEW / BLOCK with reasons

Writes run in one serialised store transaction, so concurrent registrations (threads or
replicas) never both miss each other and never create two persons for one. The face index is
caught up from the store inside that transaction and after each commit.
"""

from __future__ import annotations

import copy
import functools
import json
import os
import secrets
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from idverify.db.url import is_postgres_url
from idverify.errors import ConfigError, DataLoss, InvalidInput, NotFound, Unavailable
from linker import fuzzy as _fuzzy
from linker import persons as _persons
from linker import policy as _policy
from linker import textsim as _textsim
from linker.faceindex import FaceIndex, exact_distances
from linker.policy import AccountView, Decision, Evidence, Reason
from linker.sealing import Sealer, previous_keys
from linker.settings import SEAL_KEY_HINT, LinkerSettings
from linker.signals import (EMBEDDING_DIM, EVIDENCE_STRENGTHS, IDENTITY_TYPES, POSTED_KEYS, STRENGTHS, PostedSignal,
                            PreparedSignal, RejectedSignal, SignalHasher, links_alone, posted_name)
from linker.store import LinkStore, open_store
from linker.store.batch import BatchReads
from linker.store.check import CheckReads
from linker.store.base import AccountRow, SealedRow, SealedValue, StoredAccount
from linker.v1 import linking_service_pb2 as pb

__all__ = [
    "Edge",
    "ExplainResult",
    "LinkResult",
    "LinkedAccountResult",
    "Linker",
    "Registration",
    "build_sealer",
    "resolve_hash_key",
    "resolve_seal_key",
]

#: Face embeddings one account may bring in one request: a profile photo and a few document
#: portraits. Bounds the exact comparisons inside a batch (faces squared) under the write lock.
MAX_FACES_PER_REQUEST = 16

#: Values of one identity type (names with birth dates, documents, addresses) one request may
#: bring; more are rejected signals (TOO_MANY_IDENTITY_VALUES). Each is sealed and indexed by
#: tens of fuzzy search terms inside the write transaction, so this bounds one call's work.
MAX_IDENTITY_VALUES_PER_TYPE = 4

_KINDS = (pb.ACCOUNT_KIND_FREELANCER, pb.ACCOUNT_KIND_CLIENT, pb.ACCOUNT_KIND_AGENCY)
_STRONG, _MEDIUM, _WEAK = pb.SIGNAL_STRENGTH_STRONG, pb.SIGNAL_STRENGTH_MEDIUM, pb.SIGNAL_STRENGTH_WEAK
_FACE, _NAME, _DOC = pb.SIGNAL_TYPE_FACE_EMBEDDING, pb.SIGNAL_TYPE_NAME_AND_BIRTH_DATE, pb.SIGNAL_TYPE_DOCUMENT_NUMBER
_ADDRESS = pb.SIGNAL_TYPE_POSTAL_ADDRESS
_POSTED, _TEXT = pb.SIGNAL_TYPE_POSTED_DETAIL, pb.SIGNAL_TYPE_PROFILE_TEXT
#: Registered types a posted detail may equal (they are looked up among posted details too).
_POSTABLE = frozenset(t for keys in POSTED_KEYS.values() for t in keys if t in STRENGTHS)


@dataclass(frozen=True)
class Edge:
    """Evidence between two accounts."""

    from_account_id: str
    to_account_id: str
    evidence: Evidence


@dataclass(frozen=True)
class Registration:
    """One account of a :meth:`Linker.register_many` batch (signals already prepared)."""

    account_id: str
    kind: int
    signals: Sequence[PreparedSignal]
    owner_account_id: str = ""
    #: The request's signals that could not be used (see :meth:`Linker.prepare_partial`).
    rejected: Sequence[RejectedSignal] = ()


@dataclass
class LinkResult:
    """The outcome of registering or checking an account."""

    decision: int
    reasons: tuple[Reason, ...]
    person_id: str
    linked_account_ids: list[str]
    risk_score: float
    evidence: list[Edge]
    #: The request's signals that were left out, as given to register or check.
    rejected: tuple[RejectedSignal, ...] = ()


@dataclass
class LinkedAccountResult:
    """One account linked with another (same person, or a weaker risk link)."""

    account_id: str
    kind: int
    person_id: str
    same_person: bool
    evidence: list[Edge]


@dataclass
class ExplainResult:
    """Why two accounts are linked: the evidence path and reviewer decisions."""

    same_person: bool
    person_id_a: str
    person_id_b: str
    path: list[Edge]
    reviews: list[Reason]


@dataclass
class _Probe:
    """An account's signals in stored form: exact digests, identity values and face embeddings."""

    exact: list[tuple[int, int, bytes, float]] = field(default_factory=list)  # type, strength, digest, seen
    faces: list[tuple[np.ndarray, float]] = field(default_factory=list)
    identity: list[tuple[int, bytes, str, float]] = field(default_factory=list)  # type, digest, plain, seen
    posted: list[tuple[int, bytes, str, float]] = field(default_factory=list)  # key type, digest, kind, seen
    texts: list[tuple[np.ndarray, float]] = field(default_factory=list)  # MinHash signature, seen
    _fields: tuple[int, _fuzzy.Identity] | None = field(default=None, repr=False, compare=False)
    #: The keyed fuzzy blocking terms of :meth:`fields`, once computed (see Linker._block_keys).
    block_keys: tuple[int, set[bytes]] | None = field(default=None, repr=False, compare=False)
    #: ``identity`` holds the account's stored values, whose terms the store counts for it already
    #: (term frequencies then leave the account itself out, as they do between stored accounts).
    with_stored: bool = False

    @classmethod
    def of(cls, signals: Iterable[PreparedSignal]) -> _Probe:
        probe = cls()
        for s in signals:
            if s.type == _FACE:
                probe.faces.append((s.embedding, s.observed_at))
                continue
            probe.exact.append((s.type, s.strength, s.digest, s.observed_at))
            if s.plain:
                probe.identity.append((s.type, s.digest, s.plain, s.observed_at))
        return probe

    def extend(self, other: _Probe) -> _Probe:
        return _Probe(self.exact + other.exact, self.faces + other.faces, self.identity + other.identity,
                      self.posted + other.posted, self.texts + other.texts)

    def fields(self) -> _fuzzy.Identity:
        """The probe's identity fields for the fuzzy scorer (parsed once: a registration asks
        for them to find candidates, to store its terms and to count its identities)."""
        key = len(self.identity)
        if self._fields is None or self._fields[0] != key:
            self._fields = (key, _identity([(t, plain) for t, _, plain, _ in self.identity]))
        return self._fields[1]


def _identity(values: Iterable[tuple[int, str]]) -> _fuzzy.Identity:
    names, docs, addresses = [], [], []
    for t, plain in values:
        if t == _NAME:
            names.append(_fuzzy.parse_name_plain(plain))
        elif t == _DOC:
            docs.append(plain)
        elif t == _ADDRESS:
            addresses.append(plain)
    return _fuzzy.Identity(tuple(dict.fromkeys(names)), tuple(dict.fromkeys(docs)), tuple(dict.fromkeys(addresses)))


def resolve_hash_key(settings: LinkerSettings, store_location: str) -> bytes:
    """The HMAC key: ``linker.hash_key`` (hex or text), or with ``dev_generate_key`` a random
    key persisted beside the SQLite store; anything else refuses to start (ConfigError)."""
    return _resolve_key(settings.hash_key, "hash_key", "HMAC secret for signal hashes", settings,
                        store_location + ".linker-key")


def resolve_seal_key(settings: LinkerSettings, store_location: str) -> bytes:
    """The AES-GCM key sealing identity values: ``linker.seal_key``, resolved like
    :func:`resolve_hash_key` (``<store>.linker-seal-key`` in development); never the hash key."""
    key = _resolve_key(settings.seal_key, "seal_key", "AES-GCM key sealing identity values", settings,
                       store_location + ".linker-seal-key")
    if len(key) != 32:
        raise ConfigError(f"linker.seal_key must be 64 hex characters (a 256-bit key); {SEAL_KEY_HINT}",
                          reason="CONFIG_VALUE")
    if key == resolve_hash_key(settings, store_location):
        raise ConfigError(f"linker.seal_key must differ from linker.hash_key; {SEAL_KEY_HINT}", reason="CONFIG_VALUE")
    return key


def build_sealer(settings: LinkerSettings, store_location: str) -> Sealer:
    """The sealer of ``linker.seal_key``, opening values under ``linker.previous_seal_keys`` too."""
    return Sealer(resolve_seal_key(settings, store_location), previous_keys(settings.previous_seal_keys))


def _resolve_key(value: str, name: str, what: str, settings: LinkerSettings, dev_path: str) -> bytes:
    if value:
        try:
            key = bytes.fromhex(value)
            if len(key) >= 16:
                return key
        except ValueError:
            pass
        return value.encode()
    if not settings.dev_generate_key:
        raise ConfigError(
            f"linker.{name} is required ({what}); for development only, "
            "set linker.dev_generate_key = true to generate one beside the SQLite store",
            reason="CONFIG_MISSING",
        )
    if is_postgres_url(dev_path):
        raise ConfigError(f"linker.dev_generate_key needs an SQLite store; set linker.{name}",
                          reason="CONFIG_VALUE")
    path = Path(dev_path)
    if path.exists():
        return bytes.fromhex(path.read_text().strip())
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key.hex())
    return key


class Linker:
    """Links accounts into persons and decides on them; built once and shared by all calls."""

    def __init__(self, store: LinkStore, hasher: SignalHasher, settings: LinkerSettings,
                 index: FaceIndex | None = None, *, sealer: Sealer) -> None:
        self.store = store
        self.hasher = hasher
        self.sealer = sealer
        self.settings = settings
        # ``is None``, not ``or``: an empty index is falsy (``len``), and one given empty but
        # caught up with the store must not be replaced by a new one that re-reads every face.
        self.index = index if index is not None else FaceIndex(
            settings.hnsw_m, settings.hnsw_ef_construction, settings.hnsw_ef_search, dtype=settings.hnsw_dtype)
        self.index.sync(store)
        self._caps = {_STRONG: settings.cap_strong, _MEDIUM: settings.cap_medium, _WEAK: settings.cap_weak}
        self._bands_cache: dict[bytes, list[bytes]] = {}
        # A registration hashes its fuzzy terms twice (to find candidates, then to store them),
        # and term-frequency terms (a common surname, a birth date) recur across accounts: a
        # bounded in-process cache of the keyed hashes saves those HMACs.
        self._term_key = functools.lru_cache(maxsize=1 << 16)(hasher.term_key)

    @classmethod
    def open(cls, settings: LinkerSettings, store_location: str) -> Linker:
        """Open the store (migrating it), resolve the hash key and rebuild the face index."""
        key = resolve_hash_key(settings, store_location)
        sealer = build_sealer(settings, store_location)
        store = open_store(store_location)
        try:
            index = None
            if settings.index_path:
                index = FaceIndex.load(settings.index_path, store, settings.hnsw_m, settings.hnsw_ef_construction,
                                       settings.hnsw_ef_search, dtype=settings.hnsw_dtype)
            return cls(store, SignalHasher(key), settings, index, sealer=sealer)
        except BaseException:
            store.close()
            raise

    def close(self) -> None:
        """Save the face index (when ``index_path`` is set) and close the store's connections."""
        if self.settings.index_path:
            self.index.save(self.settings.index_path)
        self.index.close()
        self.store.close()

    # ---- input ------------------------------------------------------------------------------
    def prepare(self, signals: Iterable[pb.Signal], now: float | None = None) -> list[PreparedSignal]:
        """Validate, normalise and hash request signals; the first unusable one raises
        InvalidInput naming it (``signals[2].country``). See :meth:`prepare_partial`."""
        prepared, rejected = self.prepare_partial(signals, now)
        if rejected:
            raise rejected[0].error()
        return prepared

    def prepare_partial(self, signals: Iterable[pb.Signal],
                        now: float | None = None) -> tuple[list[PreparedSignal], list[RejectedSignal]]:
        """Validate, normalise and hash request signals, keeping the usable ones: returns them
        and a :class:`RejectedSignal` for each one that is not (nothing of its value is kept).
        More than MAX_FACES_PER_REQUEST faces is a request error (TOO_MANY_FACES), raised."""
        now = time.time() if now is None else now
        out: list[PreparedSignal] = []
        rejected: list[RejectedSignal] = []
        faces = 0
        identities: dict[int, int] = {}
        for i, s in enumerate(signals):
            faces += s.type == pb.SIGNAL_TYPE_FACE_EMBEDDING
            if faces > MAX_FACES_PER_REQUEST:
                raise InvalidInput(f"at most {MAX_FACES_PER_REQUEST} face embeddings per account in one request",
                                   reason="TOO_MANY_FACES", metadata={"field": f"signals[{i}]"})
            try:
                if s.type in IDENTITY_TYPES:
                    # Each identity value becomes sealed values and fuzzy search terms written in the
                    # linking transaction: a bounded number per request keeps one call bounded.
                    identities[s.type] = identities.get(s.type, 0) + 1
                    if identities[s.type] > MAX_IDENTITY_VALUES_PER_TYPE:
                        raise InvalidInput(
                            f"at most {MAX_IDENTITY_VALUES_PER_TYPE} values of this identity type per request",
                            reason="TOO_MANY_IDENTITY_VALUES")
                out.append(self._prepare_one(i, s, now))
            except InvalidInput as exc:
                rejected.append(RejectedSignal.of(i, s.type, exc))
        return out, rejected

    def _prepare_one(self, i: int, s: pb.Signal, now: float) -> PreparedSignal:
        if s.type == pb.SIGNAL_TYPE_UNSPECIFIED:
            raise InvalidInput(f"signals[{i}].type is unspecified", reason="SIGNAL_TYPE_INVALID",
                               metadata={"field": f"signals[{i}].type"})
        if s.type == pb.SIGNAL_TYPE_FACE_PHOTO:
            # The engine links embeddings; the service's face pipeline turns photos into them.
            raise InvalidInput(f"signals[{i}] is a face photo that was not embedded", reason="FACE_PHOTO_NOT_EMBEDDED",
                               metadata={"field": f"signals[{i}]"})
        seen = s.observed_at.ToDatetime().timestamp() if s.HasField("observed_at") else now
        return self.hasher.prepare(s.type, s.value, s.country, s.birth_date, s.embedding, seen)

    def _require(self, account_id: str, field_name: str = "account_id") -> AccountRow:
        if not account_id:
            raise InvalidInput(f"{field_name} is empty", reason="MISSING_FIELD", metadata={"field": field_name})
        row = self.store.account(account_id)
        if row is None:
            raise NotFound(f"unknown account in {field_name}", reason="ACCOUNT_NOT_FOUND",
                           metadata={"field": field_name})
        return row

    @staticmethod
    def _check_kind(account_id: str, kind: int) -> None:
        if not account_id:
            raise InvalidInput("account_id is empty", reason="MISSING_FIELD", metadata={"field": "account_id"})
        if kind not in _KINDS:
            raise InvalidInput("kind must be FREELANCER, CLIENT or AGENCY", reason="ACCOUNT_KIND_INVALID",
                               metadata={"field": "kind"})

    # ---- evidence ---------------------------------------------------------------------------
    def _stored_probe(self, account_id: str, stored: StoredAccount | None = None) -> _Probe:
        """The account's stored signals as a probe (``stored``: read already; else read now, in
        one round trip). An account not stored has an empty probe."""
        stored = stored or self.store.stored_account(account_id)
        probe = _Probe()
        if stored is None:
            return probe
        for t, digest, seen in stored.signals:
            probe.exact.append((t, _policy_strength(t), digest, seen))
        probe.identity += self._opened(stored.sealed)
        probe.with_stored = bool(probe.identity)
        for face in stored.faces:
            probe.faces.append((face.embedding, face.first_seen))
        probe.posted = stored.posted
        probe.texts = [(_textsim.from_bytes(sig), seen) for _a, sig, seen in stored.texts]
        return probe

    def _sealed_identity(self, account_id: str) -> list[tuple[int, bytes, str, float]]:
        """The account's stored identity values, opened: ``(type, digest, plain, first_seen)``."""
        return self._opened(self.store.sealed_of([account_id]))

    def _opened(self, rows: Iterable[SealedRow]) -> list[tuple[int, bytes, str, float]]:
        return [(row.type, row.digest, self._open(row), row.first_seen) for row in rows]

    def _new_evidence(self, account_id: str, new: _Probe, stored: bool,
                      face_hits: Sequence[Sequence[tuple[int, float]]] | None = None,
                      ) -> tuple[dict[str, list[Evidence]], _Probe]:
        """Evidence for new signals of ``account_id`` (``stored``: the account exists), with the
        identity the fuzzy score compared: the new values with the account's stored ones, so a
        document alone still meets the name given earlier. :meth:`register` and :meth:`check`
        both call this, so a check predicts what registering the same signals decides."""
        whole = new
        if new.identity and stored:
            whole = _Probe(identity=new.identity + self._sealed_identity(account_id), with_stored=True)
        return self._evidence(account_id, new, face_hits, whole), whole

    def _evidence(self, account_id: str, probe: _Probe,
                  face_hits: Sequence[Sequence[tuple[int, float]]] | None = None,
                  identity: _Probe | None = None) -> dict[str, list[Evidence]]:
        """Evidence between the probe and every other account, by other account id.

        ``face_hits`` (per probe face, ``(face id, distance)`` candidates) replaces the index
        search when the caller searched already (the batch path); otherwise the index is caught
        up with the store and searched here. ``identity`` (default: the probe) holds the
        identity values the fuzzy score compares: a stored account's whole identity when a
        later call adds to it (a document alone then still meets its name)."""
        found: dict[str, dict[int, Evidence]] = {}

        def add(other: str, ev: Evidence) -> None:
            if other == account_id:
                return
            per = found.setdefault(other, {})
            old = per.get(ev.signal_type)
            if old is None or _rank(ev) > _rank(old):
                per[ev.signal_type] = ev

        caps = [self._caps[strength] + 2 for _, strength, _, _ in probe.exact]
        # Who holds the probe's values, and who posted or holds what screening matches, at once.
        holders_of, posters = self.store.holders_together(*self._holder_lookups(probe))
        same_name: set[str] = set()  # holders of the same name and birth date: fuzzy candidates
        generic_name: set[str] = set()
        for (t, strength, digest, seen), limit in zip(probe.exact, caps, strict=True):
            cap = self._caps[strength]
            holders = holders_of[(t, digest)][:limit]
            count = len({h for h, _ in holders} | {account_id})
            generic = count > cap
            if t == _NAME:
                # A name and birth date is weighed by the fuzzy identity score (term-frequency
                # adjusted), not as an exact value; one held by too many accounts still is generic.
                same_name.update(h for h, _ in holders)
                if generic:
                    generic_name.update(h for h, _ in holders)
                continue
            for other, first in holders:
                add(other, Evidence(t, strength, max(first, seen), 1.0, generic,
                                    "generic value" if generic else "same value"))
        s = self.settings
        for other, ev in self._fuzzy_evidence(account_id, identity or probe, same_name, generic_name).items():
            add(other, ev)
        posted = self._posted_evidence(account_id, probe, (posters, holders_of))
        for other, ev in posted + self._text_evidence(account_id, probe):
            add(other, ev)
        if probe.faces:
            if face_hits is None:
                self.index.sync(self.store)
                face_hits = [self.index.search(embedding, s.face_search_k) for embedding, _ in probe.faces]
            hits: dict[int, float] = {}
            for per_face in face_hits:
                for label, dist in per_face:
                    if dist <= s.face_medium_distance:
                        hits[label] = min(dist, hits.get(label, dist))
            owners = self.store.faces_by_id(hits) if hits else {}
            seen_face = max(t for _, t in probe.faces)
            for label, dist in hits.items():
                if label not in owners:
                    continue  # erased by another replica
                other, first = owners[label]
                strength = _STRONG if dist <= s.face_match_distance else _MEDIUM
                add(other, Evidence(_FACE, strength, max(first, seen_face), _face_similarity(dist), False,
                                    f"face distance {dist:.3f}"))
        out = {o: sorted(per.values(), key=_order) for o, per in found.items()}
        return self._contradictions(out, [f for f, _ in probe.faces])

    def _holder_lookups(self, probe: _Probe) -> tuple[list[tuple[int, bytes]], list[int],
                                                      list[tuple[int, bytes]], int]:
        """The arguments of :meth:`_evidence`'s ``holders_together``: the probe's values and
        the posted details of a linking type (each with its limit: its strength's cap, plus two
        to tell a generic value), and the values whose posters are looked up, with their limit."""
        caps = [self._caps[strength] + 2 for _, strength, _, _ in probe.exact]
        poster_values, holder_values = _posted_lookups(probe)
        posted_limit = self._caps[_MEDIUM] + 2
        return ([(t, d) for t, _, d, _ in probe.exact] + holder_values, caps + [posted_limit] * len(holder_values),
                poster_values, posted_limit)

    # ---- what screening found ---------------------------------------------------------------
    def _posted_evidence(self, account_id: str, probe: _Probe, found: tuple[Mapping, Mapping] | None = None,
                         ) -> list[tuple[str, Evidence]]:
        """Posted-detail evidence: the probe's registered values that other accounts posted in
        messages, and the probe's posted details that others registered or posted too.
        ``found``: the posters and holders of :func:`_posted_lookups`' values, read already."""
        registered = [(t, d, seen) for t, _, d, seen in probe.exact if t in _POSTABLE]
        if not registered and not probe.posted:
            return []
        cap = self._caps[_MEDIUM]
        poster_values, holder_values = _posted_lookups(probe)
        if found is None:
            found_holders, found_posters = self.store.holders_together(holder_values, cap + 2, poster_values, cap + 2)
        else:
            found_posters, found_holders = found
        posters = {v: found_posters[v] for v in poster_values}
        holders = {v: found_holders[v][:cap + 2] for v in holder_values}

        def generic(t: int, d: bytes) -> bool:
            held = {a for a, _, _ in posters.get((t, d), ())} | {a for a, _ in holders.get((t, d), ())}
            return len(held | {account_id}) > cap

        out = []
        for t, d, seen in registered:
            for other, kind, first in posters[(t, d)]:
                out.append((other, _posted_item(t, kind, "", max(first, seen), generic(t, d))))
        for t, d, kind, seen in probe.posted:
            for other, first in holders.get((t, d), ()):
                out.append((other, _posted_item(t, kind, "", max(first, seen), generic(t, d))))
            for other, other_kind, first in posters[(t, d)]:
                out.append((other, _posted_item(t, kind, other_kind, max(first, seen), generic(t, d))))
        return out

    def _text_evidence(self, account_id: str, probe: _Probe) -> list[tuple[str, Evidence]]:
        """Near-duplicate text evidence toward accounts sharing an LSH band with a probe text."""
        best = self._text_scores(account_id, probe.texts)
        return [(other, _text_item(j, seen)) for other, (j, seen) in best.items()
                if j >= self.settings.text_link_similarity]

    def _text_scores(self, account_id: str, texts: Sequence[tuple[np.ndarray, float]]) -> dict[str, tuple[float, float]]:
        """Per candidate account (sharing a band that is not boilerplate), the highest estimated
        Jaccard similarity of its texts to ``texts`` and when the pair was last seen."""
        if not texts:
            return {}
        bands = {k for sig, _ in texts for k in self._band_keys(_textsim.to_bytes(sig))}
        candidates = self.store.text_candidates(bands, self._caps[_WEAK]) - {account_id}
        best: dict[str, tuple[float, float]] = {}
        for other, data, first in self.store.texts_of(candidates):
            theirs = _textsim.from_bytes(data)
            for sig, seen in texts:
                j = _textsim.similarity(sig, theirs)
                if j > best.get(other, (-1.0, 0.0))[0]:
                    best[other] = (j, max(first, seen))
        return best

    def _band_keys(self, signature: bytes) -> list[bytes]:
        """The keyed LSH band terms of a stored-form signature (the last few cached: a screened
        profile's are needed to search and then to store)."""
        cached = self._bands_cache.get(signature)
        if cached is None:
            cached = [self.hasher.term_key("mh", b) for b in _textsim.band_terms(_textsim.from_bytes(signature))]
            if len(self._bands_cache) >= 64:
                self._bands_cache.clear()
            self._bands_cache[signature] = cached
        return cached

    def fingerprint_text(self, text: str) -> np.ndarray | None:
        """The MinHash signature of a profile or job-post text over shingles keyed with the hash
        key (None for a text under ``textsim.MIN_WORDS`` words); nothing of the text is kept."""
        return _textsim.fingerprint(text, lambda shingle: self.hasher.digest("sh", shingle))

    def text_matches(self, account_id: str, signature: np.ndarray) -> list[tuple[str, float]]:
        """Other accounts whose stored texts resemble ``signature``: ``(account, estimated
        Jaccard)``, most similar first (read only; ``account_id`` may be empty or unknown)."""
        best = self._text_scores(account_id, [(signature, 0.0)])
        return sorted(((a, j) for a, (j, _) in best.items()), key=lambda x: (-x[1], x[0]))

    def add_text(self, account_id: str, signature: np.ndarray, now: float | None = None) -> bool:
        """Keep a text's signature and keyed band terms as the account's weak linking signal
        (once per text; the newest ``texts_per_account``). False when the account is not
        registered. Text evidence is weak, so no person changes."""
        now = time.time() if now is None else now
        data = _textsim.to_bytes(signature)
        with self.store.write():
            if self.store.account(account_id) is None:
                return False
            self.store.add_text(account_id, self.hasher.digest("text", data.hex()), data, self._band_keys(data), now,
                                self.settings.texts_per_account)
        return True

    def post_details(self, account_id: str, details: Sequence[PostedSignal], now: float | None = None,
                     recipient_account_id: str = "") -> list[PostedSignal] | None:
        """Keep contact and payment details the account posted in a message as its signals
        (keyed hashes with their provenance; a detail posted before adds nothing) and re-link
        the account when a new one is shared with another account. A detail that is the
        recipient's own (registered or posted by it) is left out: quoting someone's number back
        to them says nothing about who the sender is. Returns the details kept, or None when
        the account is not registered."""
        now = time.time() if now is None else now
        if self.store.account(account_id) is None:
            return None
        if recipient_account_id and recipient_account_id != account_id:
            theirs = {(t, d) for t, d, _ in self.store.signals_of(recipient_account_id)}
            theirs |= {(t, d) for t, d, _, _ in self.store.posted_of(recipient_account_id)}
            details = [p for p in details if (p.key_type, p.digest) not in theirs]
        rows = [(p.key_type, p.digest, p.message_kind, p.observed_at) for p in details]
        if {(t, d) for t, d, _, _ in rows} <= {(t, d) for t, d, _, _ in self.store.posted_of(account_id)}:
            return list(details)  # none, or all posted before (a message screened again): no write
        with self.store.write():
            row = self.store.account(account_id)
            if row is None:
                return None
            known = {(t, d) for t, d, _, _ in self.store.posted_of(account_id)}
            new = _Probe(posted=[r for r in rows if (r[0], r[1]) not in known])
            self.store.add_posted(account_id, rows, self.settings.posted_per_account)
            if new.posted and self._posted_evidence(account_id, new):
                self._relink(row, now)
        return list(details)

    def _relink(self, row: AccountRow, now: float) -> None:
        """Link a stored account anew from all its stored evidence (inside the write lock)."""
        evidence = self._evidence(row.account_id, self._stored_probe(row.account_id))
        joined = {o for o, ev in evidence.items() if _policy.joins(ev)}
        person = self.store.persons_of([row.account_id]).get(row.account_id, "")
        if not joined - set(self.store.members([person]).get(person, [])):
            return
        assignment = self._place(row, joined)
        previous = self.store.persons_of(assignment.person_of)
        refs = {a: r.ref for a, r in self.store.accounts(assignment.person_of).items()}
        self._apply(assignment, previous, now, refs)

    # ---- fuzzy identity ---------------------------------------------------------------------
    def _fuzzy_evidence(self, account_id: str, probe: _Probe, same_name: Iterable[str],
                        generic_name: set[str]) -> dict[str, Evidence]:
        """Fuzzy identity evidence toward candidates found through keyed blocking terms (and
        the holders of the same name and birth date), scored on their opened sealed values."""
        mine = probe.fields()
        if not (mine.names or mine.documents):
            return {}
        s = self.settings
        blocks = self._block_keys(probe)
        tf_keys = self._tf_keys([mine])
        counts = self.store.fuzzy_counts(blocks | set(tf_keys.values()))  # one round trip for both
        small = [k for k in blocks if 0 < counts[k] <= s.fuzzy_block_cap]
        candidates = (self.store.fuzzy_holders(small) | set(same_name)) - {account_id}
        if not candidates:
            return {}
        held = self.store.fuzzy_keys_of(account_id) if probe.with_stored else set()
        u_of = self._u_lookup([mine], own=lambda k: int(k in held), keys=tf_keys, counts=counts)
        seen = max(t for *_, t in probe.identity)
        out = {}
        scored = self._stored_identities(candidates)
        # All candidates' bounds at once (fuzzy.score_all_at_least): the same matches as one
        # score_at_least per candidate, at a fraction of the CPU (benchmarks/RESULTS.md).
        matches = _fuzzy.score_all_at_least(mine, [theirs for theirs, _ in scored.values()], u_of,
                                            s.fuzzy_medium_weight, hashed=s.fuzzy_compare == "hashed")
        for (other, (_, first)), match in zip(scored.items(), matches, strict=True):
            ev = self._match_evidence(match, max(seen, first), other in generic_name)
            if ev is not None:
                out[other] = ev
        for other in set(same_name) - set(scored) - {account_id}:
            out[other] = _exact_name_evidence(seen, other in generic_name)
        return out

    def _fuzzy_item(self, a: _fuzzy.Identity, b: _fuzzy.Identity, u_of, seen: float,
                    generic: bool = False) -> Evidence | None:
        s = self.settings
        match = _fuzzy.score_at_least(a, b, u_of, s.fuzzy_medium_weight, hashed=s.fuzzy_compare == "hashed")
        return self._match_evidence(match, seen, generic)

    def _match_evidence(self, match: _fuzzy.Match | None, seen: float, generic: bool = False) -> Evidence | None:
        """The evidence of a fuzzy match at or above the medium weight (None without one)."""
        s = self.settings
        if match is None:
            return None
        strength = _STRONG if match.weight >= s.fuzzy_strong_weight else _MEDIUM
        note = match.explain()
        if match.conflict:
            strength = _WEAK  # twins or namesakes: risk for a reviewer, never a join
            note = "conflicting name token and document; " + note
        return Evidence(_NAME, strength, seen, min(1.0, match.weight / s.fuzzy_strong_weight), generic,
                        "generic value; " + note if generic else note,
                        round(match.weight, 3), tuple((f.field, f.level, round(f.weight, 3)) for f in match.fields))

    def _stored_identities(self, accounts: Iterable[str]) -> dict[str, tuple[_fuzzy.Identity, float]]:
        """Each account's identity from its opened sealed values, with when it was last added."""
        values: dict[str, list[tuple[int, str]]] = {}
        seen: dict[str, float] = {}
        for row in self.store.sealed_of(accounts):
            values.setdefault(row.account_id, []).append((row.type, self._open(row)))
            seen[row.account_id] = max(row.first_seen, seen.get(row.account_id, row.first_seen))
        return {a: (_identity(v), seen[a]) for a, v in values.items()}

    def _open(self, row: SealedRow) -> str:
        """A stored value opened in memory; an unknown key or a damaged value raises its reason
        (SEAL_KEY_MISMATCH, SEALED_VALUE_CORRUPT), never a silently missing identity."""
        return self.sealer.open(row.value, row.account_id, row.type, row.digest)

    def _block_keys(self, probe: _Probe) -> set[bytes]:
        """The keyed blocking terms of the probe's identity, computed once per probe (found
        with, then stored for, one registration)."""
        if probe.block_keys is None or probe.block_keys[0] != len(probe.identity):
            keys = {self._term_key("fz", t) for t in _fuzzy.block_terms(probe.fields())}
            probe.block_keys = (len(probe.identity), keys)
        return probe.block_keys[1]

    def _tf_keys(self, identities: Sequence[_fuzzy.Identity]) -> dict[str, bytes]:
        """The keyed term-frequency terms of ``identities`` (with ``names``, the denominator)."""
        terms = set().union(*(_fuzzy.tf_terms(i) for i in identities)) if identities else set()
        return {t: self._term_key("tf", t) for t in terms | {"names"}}

    def _u_lookup(self, identities: Sequence[_fuzzy.Identity], own: Callable[[bytes], int],
                  keys: Mapping[str, bytes] | None = None, counts: Mapping[bytes, int] | None = None):
        """``u_of(term)`` for the term-frequency terms of ``identities``: smoothed shares of
        stored names. ``own(key)`` is how many of a term's counted rows are the identities' own
        (discounted: registering and comparing two stored accounts then weigh a pair alike).

        ``u`` weighs exact agreement with a candidate, which holds the term itself: it is the
        term's share among the *other* stored names (leave one out), so in a small store the
        candidate alone does not make its birth date look common."""
        keys = keys if keys is not None else self._tf_keys(identities)
        counts = counts if counts is not None else self.store.fuzzy_counts(keys.values())
        total = max(0, counts[keys["names"]] - own(keys["names"]) - 1)
        cache = {t: _fuzzy.smoothed_u(t, max(0, counts[k] - own(k) - 1), total) for t, k in keys.items()}
        for t, k in keys.items():
            if t.startswith("dob:") and counts[k] - own(k) > self.settings.cap_birth_date:
                cache[t] = 1.0  # a placeholder birth date (1900-01-01): agreeing on it says nothing
        return cache.__getitem__

    def _identity_rows(self, account_id: str, probe: _Probe,
                       whole: _Probe) -> tuple[list[tuple[int, bytes, SealedValue, float]], set[bytes]]:
        """What :meth:`LinkStore.add_identity` stores for new signals: their sealed values, and
        the keys of the account's ``whole`` identity (the new values with the stored ones: a
        document added later is found with the name given earlier)."""
        sealed = [(t, digest, self.sealer.seal(plain, account_id, t, digest), seen)
                  for t, digest, plain, seen in probe.identity]
        fields = whole.fields()
        keys = self._block_keys(whole) | {self._term_key("tf", t) for t in _fuzzy.tf_terms(fields)}
        return sealed, keys

    def _contradictions(self, evidence: dict[str, list[Evidence]],
                        probe_faces: Sequence[np.ndarray]) -> dict[str, list[Evidence]]:
        """Demote name evidence to accounts whose faces show a different person."""
        name_only = [o for o, ev in evidence.items()
                     if any(e.signal_type == _NAME and e.strength == _STRONG for e in ev)
                     and not any(e.strength == _STRONG and not e.generic and e.signal_type != _NAME for e in ev)]
        if not name_only or not probe_faces:
            return evidence
        theirs: dict[str, list[np.ndarray]] = {}
        for face in self.store.faces_of(name_only):
            theirs.setdefault(face.account_id, []).append(face.embedding)
        for other in name_only:
            if other in theirs:
                evidence[other] = _policy.demote_contradicted(
                    evidence[other], _min_distance(probe_faces, theirs[other]),
                    self.settings.face_different_distance)
        return evidence

    def _pair_evidence(self, accounts: Sequence[str]) -> dict[tuple[str, str], list[Evidence]]:
        """Evidence between every pair within ``accounts`` (a person or two), a < b."""
        out: dict[tuple[str, str], dict[int, Evidence]] = {}

        def add(a: str, b: str, ev: Evidence) -> None:
            key = (min(a, b), max(a, b))
            per = out.setdefault(key, {})
            old = per.get(ev.signal_type)
            if old is None or _rank(ev) > _rank(old):
                per[ev.signal_type] = ev

        generic_cache: dict[tuple[int, bytes], bool] = {}
        idents = self._stored_identities(accounts)
        for a, b, t, digest, seen in self.store.shared_signals(accounts):
            if t == _NAME and a in idents and b in idents:
                continue  # weighed by the fuzzy identity score below
            strength = _policy_strength(t)
            if (t, digest) not in generic_cache:
                cap = self._caps[strength]
                generic_cache[(t, digest)] = len(self.store.signal_holders(t, digest, cap + 1)) > cap
            generic = generic_cache[(t, digest)]
            if t == _NAME:
                add(a, b, _exact_name_evidence(seen, generic))
                continue
            add(a, b, Evidence(t, strength, seen, 1.0, generic, "generic value" if generic else "same value"))
        shared_posted = self.store.shared_posted(accounts)
        if shared_posted:
            cap = self._caps[_MEDIUM]
            values = list({(t, d) for _, _, t, d, *_ in shared_posted})
            posters = self.store.posted_holders_many(values, cap + 1)
            holders = self.store.signal_holders_many([v for v in values if v[0] in STRENGTHS], cap + 1)
            for poster, other, t, digest, kind, other_kind, seen in shared_posted:
                held = {a for a, *_ in posters[(t, digest)]} | {a for a, _ in holders.get((t, digest), ())}
                add(poster, other, _posted_item(t, kind, other_kind, seen, len(held) > cap))
        texts: dict[str, list[tuple[np.ndarray, float]]] = {}
        for account, data, first in self.store.texts_of(accounts):
            texts.setdefault(account, []).append((_textsim.from_bytes(data), first))
        text_owners = sorted(texts)
        for i, a in enumerate(text_owners):
            for b in text_owners[i + 1:]:
                j, seen = max((_textsim.similarity(x, y), max(p, q)) for x, p in texts[a] for y, q in texts[b])
                if j >= self.settings.text_link_similarity:
                    add(a, b, _text_item(j, seen))
        s = self.settings
        ordered = sorted(idents)
        u_of = self._u_lookup([idents[a][0] for a in ordered], own=lambda _k: 1)
        for i, a in enumerate(ordered):
            for b in ordered[i + 1:]:
                ev = self._fuzzy_item(idents[a][0], idents[b][0], u_of, max(idents[a][1], idents[b][1]))
                if ev is not None:
                    add(a, b, ev)
        faces = self.store.faces_of(accounts)
        if len(faces) > 1:
            matrix = np.stack([f.embedding for f in faces])
            dists = np.linalg.norm(matrix[:, None, :] - matrix[None, :, :], axis=2)
            for i, x in enumerate(faces):
                for j in range(i + 1, len(faces)):
                    y, dist = faces[j], float(dists[i, j])
                    if x.account_id == y.account_id or dist > s.face_medium_distance:
                        continue
                    strength = _STRONG if dist <= s.face_match_distance else _MEDIUM
                    add(x.account_id, y.account_id, Evidence(_FACE, strength, max(x.first_seen, y.first_seen),
                                                             _face_similarity(dist), False, f"face distance {dist:.3f}"))
        by_account: dict[str, list[np.ndarray]] = {}
        for f in faces:
            by_account.setdefault(f.account_id, []).append(f.embedding)
        result = {}
        for (a, b), per in out.items():
            evs = sorted(per.values(), key=_order)
            if a in by_account and b in by_account:
                evs = _policy.demote_contradicted(evs, _min_distance(by_account[a], by_account[b]),
                                                  s.face_different_distance)
            result[(a, b)] = evs
        return result

    # ---- persons ----------------------------------------------------------------------------
    def _constraints(self, accounts: Iterable[str]) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
        must, cannot = [], []
        for a, b, action, *_ in self.store.reviews_for(accounts):
            (must if action == pb.REVIEW_ACTION_FORCE_LINK else cannot).append((a, b))
        return must, cannot

    def _place(self, account: AccountRow, joined: Iterable[str]) -> _persons.Assignment:
        """Persons after ``account`` joins ``joined``: existing persons stay whole (their links
        go first), reviewer unlinks are honoured, merges keep the oldest id."""
        joined = set(joined) - {account.account_id}
        previous = self.store.persons_of(joined | {account.account_id})
        members = self.store.members(set(previous.values()))
        scope = {account.account_id} | joined | {m for ms in members.values() for m in ms}
        previous = self.store.persons_of(scope)
        chain = [(ms[i], ms[i + 1]) for ms in members.values() for i in range(len(ms) - 1)]
        must, cannot = self._constraints(scope)
        comps = _persons.cluster(scope, [(account.account_id, o) for o in joined], chain + must, cannot)
        seqs = {a: r.seq for a, r in self.store.accounts(scope).items()}
        seqs.setdefault(account.account_id, account.seq)
        return _persons.assign_person_ids(comps, previous, seqs, self.store.person_ranks(set(previous.values())))

    def _recompute(self, accounts: Iterable[str]) -> _persons.Assignment:
        """Persons of ``accounts`` recomputed from scratch from evidence and reviews."""
        scope = sorted(set(accounts))
        if not scope:
            return _persons.Assignment()
        previous = self.store.persons_of(scope)
        evidence = self._pair_evidence(scope)
        edges = [pair for pair, ev in evidence.items() if _policy.joins(ev)]
        must, cannot = self._constraints(scope)
        comps = _persons.cluster(scope, edges, must, cannot)
        seqs = {a: r.seq for a, r in self.store.accounts(scope).items()}
        return _persons.assign_person_ids(comps, previous, seqs, self.store.person_ranks(set(previous.values())))

    def _apply(self, assignment: _persons.Assignment, previous: Mapping[str, str], now: float,
               refs: Mapping[str, str]) -> list[str]:
        """Write an assignment and its events; returns the accounts whose person changed."""
        changed = {a: p for a, p in assignment.person_of.items() if previous.get(a) != p}
        self.store.set_persons(changed, {p: assignment.rank[p] for p in set(changed.values())}, now)
        for retired, kept in sorted(assignment.merged.items()):
            self.store.log_event("merge", person_id=kept, other_person_id=retired, now=now)
        for piece, parent in sorted(assignment.split.items()):
            self.store.log_event("split", person_id=piece, other_person_id=parent, now=now)
        for account_id, person_id in sorted(changed.items()):
            kind = "link" if previous.get(account_id) is None else "unlink" if person_id in assignment.split else "move"
            self.store.log_event(kind, account_ref=refs.get(account_id, ""), person_id=person_id,
                                    other_person_id=previous.get(account_id, ""), now=now)
        return sorted(changed)

    # ---- decisions --------------------------------------------------------------------------
    def _decide(self, account: AccountView, person_id: str, mates: Sequence[str],
                evidence: Mapping[str, list[Evidence]], probe: _Probe,
                rejected: Sequence[RejectedSignal] = ()) -> LinkResult:
        rows = self.store.accounts(mates)
        same = [AccountView(r.account_id, r.kind, r.owner_account_id, r.seq) for r in rows.values()]
        mate_set = set(mates)
        risk = max((_policy.pair_risk(ev) for o, ev in evidence.items() if o not in mate_set), default=0.0)
        facts = _policy.PolicyInput(
            account=account,
            same_person=same,
            risk_score=risk,
            face_spread=_spread([f for f, _ in probe.faces]),
            distinct_documents=len({d for t, _, d, _ in probe.exact if t == _DOC}),
            distinct_identities=self._identities(probe),
            self_contracts=len(self.store.contracts_between(account.account_id, mates)) if mates else 0,
            face_only=self._face_only(account.account_id, mates, evidence),
            unusable=tuple((r.type, r.reason) for r in rejected if links_alone(r.type)),
        )
        decision: Decision = _policy.decide_account(
            facts, risk_threshold=self.settings.risk_review_threshold,
            face_different_distance=self.settings.face_different_distance)
        edges = [Edge(account.account_id, o, ev) for o in sorted(evidence) for ev in evidence[o]]
        return LinkResult(decision.decision, decision.reasons, person_id, sorted(mate_set), risk, edges,
                          tuple(rejected))

    def _face_only(self, account_id: str, mates: Sequence[str], evidence: Mapping[str, list[Evidence]]) -> bool:
        """The account reaches its mates through face evidence alone: no other strong or medium
        signal toward any of them and no reviewer's forced link (see ``policy.face_only``)."""
        toward = [e for m in mates for e in evidence.get(m, ())]
        if not _policy.face_only(toward):
            return False
        mate_set = set(mates)
        return not any(action == pb.REVIEW_ACTION_FORCE_LINK and ({a, b} - {account_id}) <= mate_set
                       for a, b, action, *_ in self.store.reviews_for([account_id]))

    @staticmethod
    def _identities(probe: _Probe) -> int:
        """How many different people the account's names and birth dates name (the fuzzy
        identity's name levels, :func:`linker.fuzzy.same_name`)."""
        groups: list[_fuzzy.NameFields] = []
        for n in probe.fields().names:
            if not any(_fuzzy.same_name(n, g) for g in groups):
                groups.append(n)
        return len(groups)

    # ---- public operations ------------------------------------------------------------------
    def register(self, account_id: str, kind: int, signals: Sequence[PreparedSignal],
                 owner_account_id: str = "", now: float | None = None,
                 rejected: Sequence[RejectedSignal] = ()) -> LinkResult:
        """Store an account's signals, link it into a person and decide on it; ``rejected``
        (the request's unusable signals) weigh in the decision (IDENTITY_SIGNAL_UNUSABLE)."""
        self._check_kind(account_id, kind)
        now = time.time() if now is None else now
        if owner_account_id:
            self._require(owner_account_id, "owner_account_id")
        with self.store.write():
            result, _ = self._register_locked(account_id, kind, signals, owner_account_id, now,
                                              rejected=rejected)
        self.index.sync(self.store)
        return result

    def register_many(self, items: Sequence[Registration], now: float | None = None) -> list[LinkResult]:
        """Register accounts in order, deciding each exactly as :meth:`register` would one after
        the other, but in one store transaction: all or nothing, one commit, and one face
        search for the whole batch on all cores (faces of earlier accounts in the batch are
        compared exactly). The batch's faces reach the graph through the index's background
        thread after the commit.

        Every item is validated before anything is written; errors name the item
        (``accounts[i]...``). Holds the write lock for the whole batch, so keep batches to a
        few hundred accounts when single registrations are being served at the same time."""
        now = time.time() if now is None else now
        for i, item in enumerate(items):
            try:
                self._check_kind(item.account_id, item.kind)
            except InvalidInput as exc:
                exc.metadata["field"] = f"accounts[{i}].{exc.metadata.get('field', 'account_id')}"
                raise
        s = self.settings
        with self.store.write():
            owners = self.store.accounts({it.owner_account_id for it in items if it.owner_account_id})
            earlier: set[str] = set()
            for i, item in enumerate(items):
                if item.owner_account_id and item.owner_account_id not in owners \
                        and item.owner_account_id not in earlier:
                    raise NotFound(f"unknown account in accounts[{i}].owner_account_id", reason="ACCOUNT_NOT_FOUND",
                                   metadata={"field": f"accounts[{i}].owner_account_id"})
                if item.account_id in earlier:
                    raise InvalidInput(f"accounts[{i}] repeats an account id of this batch", reason="DUPLICATE_ACCOUNT",
                                       metadata={"field": f"accounts[{i}].account_id"})
                earlier.add(item.account_id)
            self.index.sync(self.store)
            probes = [_Probe.of(item.signals) for item in items]
            vectors = [e for p in probes for e, _ in p.faces]
            searched = self.index.search_many(np.stack(vectors), s.face_search_k) if vectors else []
            from_index = iter(searched)
            linker = self._prefetched(items, probes, searched, now)
            batch_ids: list[int] = []  # faces stored by this batch so far, and their embeddings
            batch_vectors = np.empty((len(vectors), EMBEDDING_DIM), dtype=np.float32)
            results = []
            for i, (item, probe) in enumerate(zip(items, probes, strict=True)):
                hits = []
                for embedding, _ in probe.faces:
                    per = next(from_index)
                    if batch_ids:  # the index does not hold this batch's faces yet: exact search
                        dist = exact_distances(embedding, batch_vectors[: len(batch_ids)])[0]
                        near = np.flatnonzero(dist <= s.face_medium_distance)
                        # The k nearest of both, as one search of an index holding them would give.
                        per = sorted(per + [(batch_ids[j], float(dist[j])) for j in near],
                                     key=lambda hit: hit[1])[: s.face_search_k]
                    hits.append(per)
                try:
                    result, added = linker._register_locked(item.account_id, item.kind, item.signals,
                                                            item.owner_account_id, now, hits, item.rejected, probe)
                except (Unavailable, DataLoss) as exc:  # a sealed value that does not open: name the item
                    if exc.reason in ("SEAL_KEY_MISMATCH", "SEALED_VALUE_CORRUPT"):
                        exc.metadata.setdefault("field", f"accounts[{i}]")
                    raise
                for face_id, embedding in added:
                    batch_vectors[len(batch_ids)] = embedding
                    batch_ids.append(face_id)
                results.append(result)
        self.index.sync(self.store)
        return results

    def _prefetched(self, items: Sequence[Registration], probes: Sequence[_Probe],
                    searched: Sequence[Sequence[tuple[int, float]]], now: float) -> Linker:
        """This linker over the store as the batch sees it (:class:`BatchReads`): the batch's
        new accounts inserted and what their registrations read fetched, one statement per
        table for the whole batch instead of one per account (inside the write transaction)."""
        s = self.settings
        fuzzy_keys: set[bytes] = set()
        block_keys: set[bytes] = set()
        for probe in probes:
            if probe.identity:
                blocks = self._block_keys(probe)
                block_keys |= blocks
                fuzzy_keys |= blocks | set(self._tf_keys([probe.fields()]).values())
        view = BatchReads(self.store)
        view.prefetch(
            [(it.account_id, it.kind, it.owner_account_id) for it in items], now,
            exact=[(t, d) for p in probes for t, _, d, _ in p.exact], holders_limit=max(self._caps.values()) + 2,
            name_type=_NAME, fuzzy_keys=fuzzy_keys, block_keys=block_keys, block_cap=s.fuzzy_block_cap,
            posted=[(t, d) for p in probes for t, _, d, _ in p.exact if t in _POSTABLE],
            posted_limit=self._caps[_MEDIUM] + 2,
            face_ids={label for per in searched for label, dist in per if dist <= s.face_medium_distance},
            joining_limit=max(self._caps[_STRONG], self._caps[_MEDIUM]))
        linker = copy.copy(self)  # shares the index, settings and caches; only the store differs
        linker.store = view  # type: ignore[assignment]
        return linker

    def _register_locked(self, account_id: str, kind: int, signals: Sequence[PreparedSignal],
                         owner_account_id: str, now: float,
                         face_hits: Sequence[Sequence[tuple[int, float]]] | None = None,
                         rejected: Sequence[RejectedSignal] = (), new: _Probe | None = None,
                         ) -> tuple[LinkResult, list[tuple[int, np.ndarray]]]:
        """The body of :meth:`register`, inside the caller's write transaction; also returns the
        stored faces as ``(face id, embedding)`` (``new``: the signals' probe, if made already)."""
        account, is_new = self.store.upsert_account(account_id, kind, owner_account_id, now)
        new = new if new is not None else _Probe.of(signals)
        evidence, whole = self._new_evidence(account_id, new, not is_new, face_hits)
        joined = [o for o, ev in evidence.items() if _policy.joins(ev)]
        self.store.add_signals(account_id, [(t, d, s) for t, _, d, s in new.exact])
        if new.identity:
            self.store.add_identity(account_id, *self._identity_rows(account_id, new, whole), new_account=is_new)
        # The same template again (a retried call, a re-verification of the same retained selfie)
        # is not stored twice: the account's faces and the index stay one row per template.
        known = set() if is_new or not new.faces else {
            f.embedding.tobytes() for f in self.store.faces_of([account_id])}
        added = []
        for embedding, seen in new.faces:
            key = np.asarray(embedding, dtype=np.float32).tobytes()
            if key not in known:
                known.add(key)
                added.append((self.store.add_face(account_id, embedding, seen), embedding))
        if is_new and not joined:
            # The common case: a new account with no joining evidence is a new person.
            person_id = _persons.new_person_id(account.seq)
            self.store.add_person(account_id, person_id, account.seq, now)
            mates: list[str] = []
        else:
            assignment = self._place(account, joined)
            previous = self.store.persons_of(assignment.person_of)
            refs = {a: r.ref for a, r in self.store.accounts(assignment.person_of).items()}
            self._apply(assignment, previous, now, refs)
            person_id = assignment.person_of[account_id]
            mates = [m for m in self.store.members([person_id]).get(person_id, []) if m != account_id]
        view = AccountView(account_id, kind, owner_account_id, account.seq)
        history = new if is_new else self._stored_probe(account_id)
        result = self._decide(view, person_id, mates, evidence, history, rejected)
        self.store.log_event("register", account_ref=account.ref, person_id=person_id, now=now,
                                detail=json.dumps({"decision": result.decision, "signals": len(signals),
                                                   "rejected": [r.reason for r in rejected],
                                                   "new_person": is_new and not joined,
                                                   "reasons": [r.code for r in result.reasons]}))
        return result, added

    def check(self, account_id: str, kind: int, signals: Sequence[PreparedSignal],
              owner_account_id: str = "", rejected: Sequence[RejectedSignal] = ()) -> LinkResult:
        """What :meth:`register` would decide, without storing anything. With no signals (and
        none rejected), the stored account is re-evaluated from its stored signals; with
        signals, ``account_id`` may be empty (a prospective account)."""
        if not signals and not rejected:
            everything = self.store.stored_account(account_id) if account_id else None  # one round trip
            if everything is None:
                self._require(account_id)
            assert everything is not None
            stored = everything.row
            kind = kind or stored.kind
            owner_account_id = owner_account_id or stored.owner_account_id
            probe = self._stored_probe(account_id, everything)
            evidence = self._evidence(account_id, probe)
            person_id = everything.person_id
            mates = [m for m in everything.members if m != account_id]
            view = AccountView(account_id, kind, owner_account_id, stored.seq)
            return self._decide(view, person_id, mates, evidence, probe)
        if kind not in _KINDS:
            raise InvalidInput("kind must be FREELANCER, CLIENT or AGENCY", reason="ACCOUNT_KIND_INVALID",
                               metadata={"field": "kind"})
        new = _Probe.of(signals)
        # The same evidence and placement code as a registration, over the store as this check
        # sees it (CheckReads): what they read fetched in one round trip before the evidence
        # and one before the placement, instead of a statement at a time.
        reads = CheckReads(self.store)
        linker = copy.copy(self)  # shares the index, settings and caches; only the store differs
        linker.store = reads  # type: ignore[assignment]
        stored = linker._check_prefetch(reads, account_id, new)
        everything = self.store.stored_account(account_id) if stored else None
        evidence, _ = linker._new_evidence(account_id, new, stored is not None)
        joined = [o for o, ev in evidence.items() if _policy.joins(ev)]
        reads.around({*joined, account_id} - {""}, account_id)
        seq = stored.seq if stored else 1 << 62
        ghost = stored or AccountRow(seq, account_id, kind, owner_account_id, "", 0.0)
        assignment = linker._place(ghost, joined)
        person_id = assignment.person_of[account_id]
        if person_id in assignment.created:
            person_id = ""
        mates = sorted(a for a, p in assignment.person_of.items() if p == assignment.person_of[account_id]
                       and a != account_id)
        probe = new.extend(self._stored_probe(account_id, everything)) if everything else new
        return linker._decide(AccountView(account_id, kind, owner_account_id, seq), person_id, mates, evidence,
                              probe, rejected)

    def _check_prefetch(self, reads: CheckReads, account_id: str, new: _Probe) -> AccountRow | None:
        """Fetch what weighing ``new`` reads (:meth:`CheckReads.prefetch`): the holders
        :meth:`_evidence` asks for, and the fuzzy terms :meth:`_fuzzy_evidence` counts and
        blocks on; returns the account's row (None when it is not stored)."""
        values, limits, poster_values, posted_limit = self._holder_lookups(new)
        counted: set[bytes] = set()
        blocks: set[bytes] = set()
        mine = new.fields()
        if mine.names or mine.documents:
            blocks = self._block_keys(new)
            counted = blocks | set(self._tf_keys([mine]).values())
        return reads.prefetch(account_id, values, limits, poster_values, posted_limit, counted, blocks,
                              self.settings.fuzzy_block_cap)

    def linked_accounts(self, account_id: str, include_weak: bool = False) -> tuple[str, list[LinkedAccountResult]]:
        """The account's person and its linked accounts (with weaker risk links on request)."""
        self._require(account_id)
        person_id = self.store.persons_of([account_id]).get(account_id, "")
        mates = [m for m in self.store.members([person_id]).get(person_id, []) if m != account_id]
        pairs = self._pair_evidence([account_id, *mates])
        direct: dict[str, list[Evidence]] = {}
        for (a, b), ev in pairs.items():
            if account_id in (a, b):
                direct[b if a == account_id else a] = ev
        if include_weak:
            for other, ev in self._evidence(account_id, self._stored_probe(account_id)).items():
                direct.setdefault(other, ev)
        others = sorted(set(mates) | set(direct))
        rows = self.store.accounts(others)
        persons = self.store.persons_of(others)
        out = []
        for other in others:
            if other not in rows:
                continue
            out.append(LinkedAccountResult(other, rows[other].kind, persons.get(other, ""), other in mates,
                                           [Edge(account_id, other, e) for e in direct.get(other, [])]))
        return person_id, out

    def explain(self, a: str, b: str) -> ExplainResult:
        """The shortest evidence path from ``a`` to ``b`` (joining evidence first) and reviews."""
        self._require(a, "account_id_a")
        self._require(b, "account_id_b")
        persons = self.store.persons_of([a, b])
        pa, pb_ = persons.get(a, ""), persons.get(b, "")
        members = self.store.members({pa, pb_} - {""})
        scope = sorted({a, b} | {m for ms in members.values() for m in ms})
        pairs = self._pair_evidence(scope)
        reviews = []
        for x, y, action, reviewer, note, at in self.store.reviews_for([a, b]):
            edge_ev = Evidence(pb.SIGNAL_TYPE_UNSPECIFIED, _STRONG, at, 1.0, False,
                               f"reviewer {'forced link' if action == pb.REVIEW_ACTION_FORCE_LINK else 'forced unlink'}")
            if {x, y} == {a, b}:
                name = pb.ReviewAction.Name(action)
                reviews.append(Reason(name.removeprefix("REVIEW_ACTION_"), f"by {reviewer}: {note}"))
            if action == pb.REVIEW_ACTION_FORCE_LINK:
                pairs.setdefault((x, y), []).insert(0, edge_ev)
        path = _shortest_path(a, b, pairs, joining_only=True) or _shortest_path(a, b, pairs, joining_only=False)
        return ExplainResult(bool(pa) and pa == pb_, pa, pb_, path, reviews)

    def delete(self, account_id: str, reason: str = "", now: float | None = None) -> tuple[bool, int, list[str]]:
        """Erase an account everywhere and recompute its person; returns (deleted, signals
        erased, accounts whose person changed)."""
        if not account_id:
            raise InvalidInput("account_id is empty", reason="MISSING_FIELD", metadata={"field": "account_id"})
        now = time.time() if now is None else now
        with self.store.write():
            row = self.store.account(account_id)
            if row is None:
                return False, 0, []
            person_id = self.store.persons_of([account_id]).get(account_id, "")
            mates = [m for m in self.store.members([person_id]).get(person_id, []) if m != account_id]
            face_ids = [f.face_id for f in self.store.faces_of([account_id])]
            erased = self.store.erase_account(account_id)
            self.store.append_event("delete", account_ref=row.ref, person_id=person_id, now=now,
                                    detail=json.dumps({"reason": reason[:64], "signals_erased": erased}))
            assignment = self._recompute(mates)
            previous = {m: person_id for m in mates}
            refs = {a: r.ref for a, r in self.store.accounts(mates).items()}
            affected = self._apply(assignment, previous, now, refs)
        self.index.remove(face_ids)
        return True, erased, affected

    def review(self, a: str, b: str, action: int, reviewer: str = "", note: str = "",
               now: float | None = None) -> tuple[int, str, str]:
        """Record a reviewer decision on a pair and re-link their persons; returns (event id,
        person of a, person of b)."""
        if action not in (pb.REVIEW_ACTION_FORCE_LINK, pb.REVIEW_ACTION_FORCE_UNLINK, pb.REVIEW_ACTION_CLEAR):
            raise InvalidInput("action must be FORCE_LINK, FORCE_UNLINK or CLEAR", reason="REVIEW_ACTION_INVALID",
                               metadata={"field": "action"})
        if a == b:
            raise InvalidInput("a review needs two different accounts", reason="SAME_ACCOUNT",
                               metadata={"field": "account_id_b"})
        now = time.time() if now is None else now
        with self.store.write():
            ra, rb = self._require(a, "account_id_a"), self._require(b, "account_id_b")
            if action == pb.REVIEW_ACTION_CLEAR:
                self.store.clear_review(a, b)
            else:
                self.store.set_review(a, b, action, reviewer, note, now)
            event_id = self.store.append_event(
                "review", account_ref=ra.ref, other_ref=rb.ref, now=now,
                detail=json.dumps({"action": pb.ReviewAction.Name(action), "reviewer": reviewer[:64]}))
            previous = self.store.persons_of([a, b])
            members = self.store.members(set(previous.values()))
            scope = {a, b} | {m for ms in members.values() for m in ms}
            previous = self.store.persons_of(scope)
            assignment = self._recompute(scope)
            refs = {x: r.ref for x, r in self.store.accounts(scope).items()}
            self._apply(assignment, previous, now, refs)
        return event_id, assignment.person_of.get(a, ""), assignment.person_of.get(b, "")

    def contract(self, contract_id: str, client: str, freelancer: str,
                 now: float | None = None) -> tuple[Decision, list[Edge]]:
        """Record a contract; self-hiring (both accounts one person) is feedback building."""
        if not contract_id:
            raise InvalidInput("contract_id is empty", reason="MISSING_FIELD", metadata={"field": "contract_id"})
        if client == freelancer and client:
            raise InvalidInput("an account cannot hire itself", reason="SAME_ACCOUNT",
                               metadata={"field": "freelancer_account_id"})
        now = time.time() if now is None else now
        rc = self._require(client, "client_account_id")
        rf = self._require(freelancer, "freelancer_account_id")
        explained = self.explain(client, freelancer)
        direct = self._pair_evidence([client, freelancer]).get((min(client, freelancer), max(client, freelancer)), [])
        decision = _policy.decide_contract(explained.same_person, _policy.pair_risk(direct),
                                           risk_threshold=self.settings.risk_review_threshold)
        with self.store.write():
            self.store.add_contract(contract_id, client, freelancer, decision.decision, now)
            self.store.append_event("contract", account_ref=rc.ref, other_ref=rf.ref, now=now,
                                    detail=json.dumps({"decision": decision.decision,
                                                       "reasons": [r.code for r in decision.reasons]}))
        path = explained.path if (explained.same_person or direct) else []
        return decision, path


def _exact_name_evidence(seen: float, generic: bool) -> Evidence:
    """The same name and birth date (equal keyed digests) toward an account that has no sealed
    identity to score: one registered before store migration 3 sealed identity values. It links
    as it did then (strong), so an upgrade does not silently stop name and birth-date links; a
    re-registration of the account seals its values and the fuzzy score takes over."""
    note = "same name and birth date (exact; registered before sealed identities)"
    return Evidence(_NAME, _STRONG, seen, 1.0, generic, "generic value; " + note if generic else note)


def _posted_lookups(probe: _Probe) -> tuple[list[tuple[int, bytes]], list[tuple[int, bytes]]]:
    """The values :meth:`Linker._posted_evidence` looks up: whose posters (the probe's
    postable registered values and its posted details) and whose holders (its posted details
    of a linking type)."""
    posted = [(t, d) for t, d, _, _ in probe.posted]
    registered = [(t, d) for t, _, d, _ in probe.exact if t in _POSTABLE]
    return registered + posted, [v for v in posted if v[0] in STRENGTHS]


def _policy_strength(signal_type: int) -> int:
    return STRENGTHS.get(signal_type, _WEAK)


def _posted_item(key_type: int, kind: str, other_kind: str, seen: float, generic: bool) -> Evidence:
    """A detail posted in a message and equal to the other account's registered value
    (``other_kind`` empty) or posted detail: medium, one kind however many (see policy)."""
    name = posted_name(key_type)
    if other_kind:
        note = f"{name} posted in a message by both accounts ({kind or 'message'}, {other_kind or 'message'})"
    else:
        note = f"{name} posted in a message ({kind or 'message'}) by one account, registered by the other"
    return Evidence(_POSTED, EVIDENCE_STRENGTHS[_POSTED], seen, 1.0, generic,
                    "generic value; " + note if generic else note)


def _text_item(similarity: float, seen: float) -> Evidence:
    """Near-duplicate profile or job-post text: weak, ``similarity`` the estimated Jaccard."""
    return Evidence(_TEXT, EVIDENCE_STRENGTHS[_TEXT], seen, similarity, False,
                    f"near-duplicate profile or job-post text (estimated Jaccard {similarity:.2f})")


def _rank(ev: Evidence) -> tuple[int, int, float]:
    order = {_STRONG: 3, _MEDIUM: 2, _WEAK: 1}
    return (0 if ev.generic else 1, order.get(ev.strength, 0), ev.similarity)


def _order(ev: Evidence) -> tuple[int, int, float, int]:
    generic, strength, similarity = _rank(ev)
    return (-generic, -strength, -similarity, ev.signal_type)


def _face_similarity(distance: float) -> float:
    """Face distance mapped to [0, 1]: 1 at distance 0, 0 at distance 1 and beyond."""
    return max(0.0, 1.0 - distance)


def _min_distance(xs: Sequence[np.ndarray], ys: Sequence[np.ndarray]) -> float:
    """The smallest distance between any face of one account and any of the other."""
    a, b = np.stack(xs), np.stack(ys)
    return float(np.linalg.norm(a[:, None, :] - b[None, :, :], axis=2).min())


def _spread(embeddings: Sequence[np.ndarray]) -> float:
    if len(embeddings) < 2:
        return 0.0
    m = np.stack(embeddings)
    return float(np.linalg.norm(m[:, None, :] - m[None, :, :], axis=2).max())


def _shortest_path(a: str, b: str, pairs: Mapping[tuple[str, str], list[Evidence]], joining_only: bool) -> list[Edge]:
    graph: dict[str, list[tuple[str, Evidence]]] = {}
    for (x, y), evs in pairs.items():
        if not evs:
            continue
        if joining_only and not (_policy.joins(evs) or evs[0].signal_type == pb.SIGNAL_TYPE_UNSPECIFIED):
            continue
        best = evs[0]
        graph.setdefault(x, []).append((y, best))
        graph.setdefault(y, []).append((x, best))
    prev: dict[str, tuple[str, Evidence]] = {}
    queue, seen = deque([a]), {a}
    while queue:
        node = queue.popleft()
        if node == b:
            break
        for nxt, ev in sorted(graph.get(node, []), key=lambda t: t[0]):
            if nxt not in seen:
                seen.add(nxt)
                prev[nxt] = (node, ev)
                queue.append(nxt)
    if b not in prev:
        return []
    path, node = [], b
    while node != a:
        parent, ev = prev[node]
        path.append(Edge(parent, node, ev))
        node = parent
    return path[::-1]
