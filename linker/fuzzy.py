"""Fuzzy identity: normalised identity fields, their blocking terms, and Fellegi-Sunter weights.

An account's identity is what its name-and-birth-date, document and address signals say, in
normalised form (:class:`Identity`). The engine keeps those values only sealed at rest
(:mod:`linker.sealing`) and finds candidates through keyed hashes of *blocking terms*
(:func:`block_terms`): a phonetic code of each name token (and of its nickname full
forms) with the birth date, with each two of its three parts (year+month, year+day,
month+day) and with day and month swapped; pairs of phonetic codes; and the one-character
deletions of a document number with a name token's code or the birth year. Two records one typo apart share at least one term.

Candidates are then scored with real string comparisons (jellyfish's Jaro-Winkler, rapidfuzz's
Damerau-Levenshtein, the project's nicknames table, rapidfuzz for addresses), Fellegi-Sunter style:
each field's agreement level has an ``m`` probability (how often a true duplicate shows it) and
a ``u`` probability (how often two different people do), and the match weight is the sum of
``log2(m / u)`` over fields. Exact agreement on a name token or a birth date is adjusted for
its term frequency: ``u`` is the value's share of stored names, smoothed towards a default, so
``JOHN`` or ``1990-01-01`` counts for less than ``SONDERGELD`` or ``1956-02-19``. A missing
field weighs 0. An address contributes at most :data:`ADDRESS_CAP`: never enough alone.

The weights are documented constants here (m and u from the FEBRL and Splink literature,
rounded; see ``benchmarks/RESULTS.md``). Pure: no I/O, no keys.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Iterable, Sequence
from itertools import chain, repeat
from dataclasses import dataclass
from operator import add, attrgetter, itemgetter
from typing import NamedTuple

import jellyfish
import numpy as np
from anyascii import anyascii
from rapidfuzz import fuzz, process
from rapidfuzz.distance import DamerauLevenshtein

from idverify.profile.nickname_table import default_nickname_table
from linker.names import letter_tokens

__all__ = [
    "ADDRESS_CAP",
    "FieldWeight",
    "Identity",
    "Match",
    "NameFields",
    "block_terms",
    "fold_address",
    "fold_tokens",
    "name_plain",
    "parse_name_plain",
    "same_name",
    "score",
    "score_all_at_least",
    "score_at_least",
    "smoothed_u",
    "tf_terms",
]

_NON_ALNUM = re.compile(r"[^A-Z0-9]+")

#: Name tokens considered per name (the rest are ignored for blocking and scoring).
MAX_TOKENS = 4

#: The largest positive weight an address adds (log2 units): a shared address is medium
#: evidence at most, so it never lifts a stranger alone over the strong level.
ADDRESS_CAP = 6.0

#: Floors of the term-frequency ``u`` (as Splink's ``tf_minimum_u_value``): one holder among
#: a million does not make a surname or a birth date worth more than these allow.
_TOKEN_U_MIN, _DOB_U_MIN = 5e-4, 1 / (365.25 * 100)

#: Pseudo-count of the term-frequency smoothing: ``u = (count + K u0) / (total + K)``, so a
#: small store (a test, a new deployment) does not mistake one other holder for a common value.
TF_PSEUDO = 2000.0

# Name tokens: (m, u). Exact agreement's u is the token's frequency (u0 the default).
#: The ``m`` of each field's levels sum to 1 (exact's included).
_TOKEN_EXACT_M, _TOKEN_U0 = 0.87, 0.002
_TOKEN_LEVELS = {
    "nickname": (0.02, 0.0005),
    "typo": (0.06, 0.002),
    "phonetic": (0.01, 0.01),
    # A surname changes at marriage and records swap or replace a name part: about one true
    # pair in twenty-five disagrees on a whole name token (FEBRL 1-4: 3-5%).
    "different": (0.04, 0.98),
}
#: The most a name adds when either side has no birth date (log2 units).
_NAME_ONLY_CAP = 10.0
#: Weight of an unmatched third or fourth token of the shorter name.
_EXTRA_TOKEN = -2.0
# Birth dates: exact's u is the date's frequency (u0: one day of 80 years).
_DOB_EXACT_M, _DOB_U0 = 0.90, 1 / (365.25 * 80)
_DOB_LEVELS = {
    "day/month swapped": (0.02, 0.0001),
    "one digit": (0.04, 0.0007),
    "two of three parts": (0.02, 0.003),
    "different": (0.02, 0.99),
}
_DOC_LEVELS = {
    "exact": (0.80, 1e-6),
    "one edit": (0.05, 1e-5),
    # People hold several documents of one country (a passport, an identity card, a renewal
    # with a new number): a different number is weak evidence against, not a veto (FEBRL 1-4:
    # 10-14% of true pairs have another soc_sec_id).
    "different": (0.15, 1.0),
}
#: rapidfuzz token_set_ratio on the folded one-line address. On FEBRL 3, true pairs are same /
#: similar / partly / different in 41 / 35 / 21 / 4% and random pairs partly in 0.005%, similar
#: or same never; ``u`` here is far above that (neighbours, a building's flats, a household's
#: other members), and :data:`ADDRESS_CAP` bounds the rest.
_ADDRESS_LEVELS = {
    "same": (0.45, 0.005),
    "similar": (0.30, 0.005),
    "partly": (0.15, 0.01),
    "different": (0.10, 0.98),
}


_first = itemgetter(0)


def _w(mu: tuple[float, float]) -> float:
    return math.log2(mu[0] / mu[1])


#: Each level's weight, computed once (the scorer runs for every candidate of every check).
_TOKEN_W = {level: _w(mu) for level, mu in _TOKEN_LEVELS.items()}
_DOB_W = {level: _w(mu) for level, mu in _DOB_LEVELS.items()}
_DOC_W = {level: _w(mu) for level, mu in _DOC_LEVELS.items()}
_ADDRESS_W = {level: min(ADDRESS_CAP, _w(mu)) for level, mu in _ADDRESS_LEVELS.items()}

#: The (unrestricted) Damerau-Levenshtein distance: rapidfuzz's, equal to jellyfish's on
#: every pair (tests/test_linker_fuzzy.py) at a tenth of its cost.
_edits = DamerauLevenshtein.distance


@dataclass(frozen=True)
class NameFields:
    """A name (folded tokens, given names first) and its birth date (``YYYY-MM-DD``, or empty
    when the signal came without one)."""

    tokens: tuple[str, ...]
    birth_date: str


@dataclass(frozen=True)
class Identity:
    """An account's identity fields, normalised: names with birth dates, documents
    (``ISO3:NUMBER``) and folded addresses. Held in memory only."""

    names: tuple[NameFields, ...] = ()
    documents: tuple[str, ...] = ()
    addresses: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.names or self.documents or self.addresses)


class FieldWeight(NamedTuple):
    """One compared field: its name, the agreement level and the weight (log2 m/u). (A named
    tuple: the scorer makes several for each candidate of every check.)"""

    field: str
    level: str
    weight: float


@dataclass(frozen=True)
class Match:
    """The match weight of two identities (log2 likelihood ratio) and its parts."""

    weight: float
    fields: tuple[FieldWeight, ...]

    @property
    def conflict(self) -> bool:
        """The surnames agree but a given name disagrees entirely, and no document agrees: the
        pattern of twins (same surname, birth date and home, another given name and passport,
        or none). The engine never joins on such a match, whatever its weight. (A different
        surname with the same given name is not this pattern: surnames change at marriage.)"""
        levels = {(f.field, f.level) for f in self.fields}
        return ("name token", "different given name") in levels and not (
            ("document", "exact") in levels or ("document", "one edit") in levels)

    def explain(self) -> str:
        """The parts as a readable note (levels and weights, never the values)."""
        parts = ", ".join(f"{f.field} {f.level} {f.weight:+.1f}" for f in self.fields)
        return f"identity match weight {self.weight:.1f}: {parts}"


# ---- normalisation ----------------------------------------------------------------------------
def fold_tokens(raw: str) -> tuple[str, ...]:
    """Name tokens in given-name-first order: anyascii-folded, upper case, letters only, no
    initials, no repeats, at most :data:`MAX_TOKENS`. ``SURNAME, Given`` (the document and
    directory convention) is turned round to ``Given SURNAME``, so the last token is the surname."""
    if "," in raw:
        surname, _, given = raw.partition(",")
        raw = f"{given} {surname}"
    out: list[str] = []
    for t in letter_tokens(raw):
        if len(t) > 1 and t not in out:
            out.append(t)
    return tuple(out[:MAX_TOKENS])


def fold_address(raw: str) -> str:
    """A one-line address folded for comparison: upper case ASCII letters and digits."""
    return " ".join(_NON_ALNUM.sub(" ", anyascii(raw).upper()).split())


def name_plain(tokens: Sequence[str], birth_date: str) -> str:
    """The sealed form of a name and birth date: ``YYYY-MM-DD|TOKEN TOKEN``."""
    return f"{birth_date}|{' '.join(tokens)}"


def parse_name_plain(plain: str) -> NameFields:
    """Inverse of :func:`name_plain`."""
    dob, _, names = plain.partition("|")
    return NameFields(tuple(names.split()), dob)


# ---- blocking and term-frequency terms -----------------------------------------------------------
@functools.lru_cache(maxsize=200_000)
def _phonetic(token: str) -> str:
    return jellyfish.metaphone(token) or token


@functools.lru_cache(maxsize=200_000)
def _related(token: str) -> frozenset[str]:
    """The names ``token`` may stand for or be a short form of: the project's one nicknames
    table (:mod:`idverify.profile.nickname_table`, loaded on first use, never at import)."""
    return frozenset(c.upper() for c in default_nickname_table().related_names(token.lower()))


@functools.lru_cache(maxsize=200_000)
def _full_forms(token: str) -> frozenset[str]:
    """The related names longer than the token (``ROB`` -> ``ROBERT`` ...): its full forms."""
    return frozenset(c for c in _related(token) if len(c) > len(token))


@functools.lru_cache(maxsize=200_000)
def _known_given_name(token: str) -> bool:
    return default_nickname_table().is_known(token.lower())


def _nickname(a: str, b: str) -> bool:
    """One token is a nickname or variant of the other, or both are short forms of one full
    name (``BOB`` and ``ROB``). Two full names sharing only a short form (``ALEXANDER`` and
    ``ALEXANDRA``, both ``SASHA``) are not."""
    return b in _related(a) or bool(_full_forms(a) & _full_forms(b))


def _dob_parts(dob: str) -> tuple[str, str, str]:
    return dob[0:4], dob[5:7], dob[8:10]


def block_terms(identity: Identity) -> set[str]:
    """The blocking terms of an identity (hashed with the service key before storage)."""
    out: set[str] = set()
    for name in identity.names:
        y, m, d = _dob_parts(name.birth_date)
        lo, hi = sorted((m, d))
        primary = [_phonetic(t) for t in name.tokens]
        for t, code in zip(name.tokens if name.birth_date else (), primary, strict=False):
            out.update((f"d:{name.birth_date}:{code}", f"ym:{y}{m}:{code}", f"yd:{y}{d}:{code}",
                        f"md:{m}{d}:{code}", f"ys:{y}{lo}{hi}:{code}"))
            for alias in sorted(_full_forms(t))[:4]:
                out.add(f"d:{name.birth_date}:{_phonetic(alias)}")
            # The birth date with a token's first letter: finds two tokens whose typos changed
            # their phonetic codes (ETHAN BARTEL / ETAHN BARTNEL), about two names per million.
            out.add(f"df:{name.birth_date}:{t[0]}")
        for i, a in enumerate(primary):
            for b in primary[i + 1:]:
                out.add("nn:" + ":".join(sorted((a, b))))
    # A document one edit away says little alone (its weight stays below every level), and
    # document numbers are often issued in sequence, so their deletion neighbourhoods are
    # crowded: they find candidates only together with the phonetic code of a name token or
    # with the birth year (either may be the field with the typo).
    codes = sorted({_phonetic(t) for n in identity.names for t in n.tokens}
                   | {n.birth_date[:4] for n in identity.names if n.birth_date})
    for doc in identity.documents:
        country, _, number = doc.partition(":")
        for code in codes:
            out.update(f"doc:{country}:{code}:{number[:i]}{number[i + 1:]}" for i in range(len(number)))
    return out


def tf_terms(identity: Identity) -> set[str]:
    """The term-frequency terms whose counts adjust exact agreement: each name token and each
    birth date, plus ``names`` (the number of names, the denominator)."""
    out = {"names"} if identity.names else set()
    for name in identity.names:
        if name.birth_date:
            out.add(f"dob:{name.birth_date}")
        out.update(f"tok:{t}" for t in name.tokens)
    return out


# ---- comparison ------------------------------------------------------------------------------
@functools.lru_cache(maxsize=1 << 16)
def _token_level(a: str, b: str, hashed: bool) -> str:
    """The agreement level of two name tokens (pure; cached: common names meet again and
    again among a million accounts' candidates)."""
    if a == b:
        return "exact"
    if _nickname(a, b):  # keyed hashes of each token's related names allow this too
        return "nickname"
    if _known_given_name(a) and _known_given_name(b):
        return "different"  # two distinct given names (MARIA, MARTA) are never a typo of each other
    if min(len(a), len(b)) >= 3 and _edits(a, b) <= 1:
        return "typo"  # a one-deletion neighbourhood (SymSpell) finds these from hashes too
    if hashed:
        return "phonetic" if _phonetic(a) == _phonetic(b) else "different"
    jw = jellyfish.jaro_winkler_similarity(a, b)
    if jw >= 0.92:
        return "typo"
    if jw >= 0.85 or _phonetic(a) == _phonetic(b):
        return "phonetic"
    return "different"


def _dob_level(a: str, b: str) -> str:
    if a == b:
        return "exact"
    ya, ma, da = _dob_parts(a)
    yb, mb, db = _dob_parts(b)
    if ya == yb and ma == db and da == mb:
        return "day/month swapped"
    if _edits(a, b) <= 1:
        return "one digit"
    if (ya == yb) + (ma == mb) + (da == db) >= 2:
        return "two of three parts"
    return "different"


def _names_weight(a: NameFields, b: NameFields, u_of: Callable[[str], float], hashed: bool) -> list[FieldWeight]:
    """Token weights (one-to-one, best first) and the birth date's weight of two names."""
    pairs = []
    for i, x in enumerate(a.tokens):
        for j, y in enumerate(b.tokens):
            level = _token_level(x, y, hashed)
            if level == "different":
                continue  # never chosen below: a token without a counterpart is weighed after
            pairs.append((_token_weight(x, level, u_of), i, j, level))
    pairs.sort(key=_first, reverse=True)  # stable: equal weights keep the token order
    used_a: set[int] = set()
    used_b: set[int] = set()
    out: list[FieldWeight] = []
    chosen: set[tuple[int, int]] = set()
    for w, i, j, level in pairs:
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        chosen.add((i, j))
        out.append(FieldWeight("name token", level, w))
    # A token of the shorter name without a counterpart disagrees: fully for the first two
    # (given name and surname), weakly beyond (a dropped second surname or middle name). The
    # longer name's extra tokens do not count. When the surnames (last tokens) agree, the
    # disagreeing token is a given name: "different given name", the pattern of twins.
    missing = max(0, min(len(a.tokens), len(b.tokens)) - len(out))
    full = max(0, min(missing, 2 - len(out)))
    surnames_agree = len(a.tokens) > 1 and len(b.tokens) > 1 and (len(a.tokens) - 1, len(b.tokens) - 1) in chosen
    label = "different given name" if surnames_agree else "different"
    out += [FieldWeight("name token", label, _TOKEN_W["different"])] * full
    out += [FieldWeight("name token", "extra", _EXTRA_TOKEN)] * (missing - full)
    if not (a.birth_date and b.birth_date):
        # Without a birth date on both sides a name is medium evidence at most: its positive
        # weight is capped, so a name alone never joins (a document or more must agree too).
        total = sum(f.weight for f in out)
        if total > _NAME_ONLY_CAP:
            out.append(FieldWeight("birth date", "missing: name capped", _NAME_ONLY_CAP - total))
        return out
    level = _dob_level(a.birth_date, b.birth_date)
    out.append(FieldWeight("birth date", level, _dob_weight(a.birth_date, level, u_of)))
    return out


def _token_weight(token: str, level: str, u_of: Callable[[str], float]) -> float:
    """The weight of a name token of the probe at an agreement level (exact: by its frequency)."""
    return math.log2(_TOKEN_EXACT_M / u_of(f"tok:{token}")) if level == "exact" else _TOKEN_W[level]


def _dob_weight(dob: str, level: str, u_of: Callable[[str], float]) -> float:
    """The weight of the probe's birth date at an agreement level (exact: by its frequency)."""
    return math.log2(_DOB_EXACT_M / u_of(f"dob:{dob}")) if level == "exact" else _DOB_W[level]


def same_name(a: NameFields, b: NameFields) -> bool:
    """Whether two names of one account name one identity (the shared-account count): every
    token of the shorter name agrees exactly, as a nickname or as a typo, and the birth dates
    agree or one is missing. The same levels as :func:`score`, without term frequencies."""
    fields = _names_weight(a, b, lambda term: smoothed_u(term, 0, 0), hashed=False)
    tokens = [f.level for f in fields if f.field == "name token"]
    dates = [f.level for f in fields if f.field == "birth date"]
    return bool(tokens) and set(tokens) <= {"exact", "nickname", "typo"} and set(dates) <= {
        "exact", "missing: name capped"}


def _doc_weight(a: str, b: str) -> FieldWeight | None:
    ca, _, na = a.partition(":")
    cb, _, nb = b.partition(":")
    if ca != cb:
        return None  # documents of two countries say nothing about each other
    if na == nb:
        level = "exact"
    elif _edits(na, nb) <= 1:
        level = "one edit"
    else:
        level = "different"
    return FieldWeight("document", level, _DOC_W[level])


def _address_weight(a: str, b: str, hashed: bool) -> FieldWeight:
    if hashed:  # hashed tokens allow set overlap only: Jaccard in percent
        ta, tb = set(a.split()), set(b.split())
        ratio = 100.0 * len(ta & tb) / len(ta | tb)
    else:
        ratio = 100.0 if a == b else fuzz.token_set_ratio(a, b)
    level = "same" if ratio >= 96 else "similar" if ratio >= 85 else "partly" if ratio >= 70 else "different"
    return FieldWeight("address", level, _ADDRESS_W[level])


def _best(options: Iterable[list[FieldWeight]]) -> list[FieldWeight]:
    """The option of the largest summed weight, the first of equals ([] without options)."""
    best: list[FieldWeight] | None = None
    top = 0.0
    for fields in options:
        total = sum(f.weight for f in fields)
        if best is None or total > top:
            best, top = fields, total
    return [] if best is None else best


def score(a: Identity, b: Identity, u_of: Callable[[str], float], hashed: bool = False) -> Match | None:
    """The match weight of two identities, or None when they share no comparable field.

    ``u_of(term)`` is the smoothed relative frequency of a :func:`tf_terms` term of ``a``
    (see :func:`smoothed_u`). Per field kind the best-agreeing pair of values counts: an
    account may hold several names, documents or addresses. ``hashed`` restricts the levels
    to those computable from keyed hashes alone (equality of values, of nickname canonical
    forms and phonetic codes, one-deletion neighbourhoods, token-set overlap): no
    Jaro-Winkler, no nickname lists beyond canonical forms, no fuzzy address ratio."""
    if len(a.names) == 1 and len(b.names) == 1:  # the common case, without the generator
        fields = _names_weight(a.names[0], b.names[0], u_of, hashed)
    else:
        fields = _best([_names_weight(x, y, u_of, hashed) for x in a.names for y in b.names])
    if a.documents and b.documents:
        fields = fields + _best([[w] for x in a.documents for y in b.documents
                                 if (w := _doc_weight(x, y)) is not None])
    if a.addresses and b.addresses:
        fields = fields + _best([[_address_weight(x, y, hashed)] for x in a.addresses for y in b.addresses])
    if not fields:
        return None
    return Match(sum(f.weight for f in fields), tuple(fields))


def _names_bound(a: NameFields, b: NameFields, u_of: Callable[[str], float], hashed: bool) -> float:
    """An upper bound of the summed weights :func:`_names_weight` gives two names, without
    building them: each of ``a``'s tokens counts its best agreement with any of ``b``'s (the
    one-to-one choice can only do worse), at most as many as the shorter name has, and the
    disagreement penalties (all negative) count 0. The birth date is weighed exactly."""
    caps = []
    for x in a.tokens:
        cap = 0.0
        for y in b.tokens:
            level = _token_level(x, y, hashed)
            if level != "different":
                cap = max(cap, _token_weight(x, level, u_of))
        caps.append(cap)
    caps.sort(reverse=True)
    total = sum(caps[: min(len(a.tokens), len(b.tokens))])
    if not (a.birth_date and b.birth_date):
        return min(total, _NAME_ONLY_CAP)
    return total + _dob_weight(a.birth_date, _dob_level(a.birth_date, b.birth_date), u_of)


def _bound(a: Identity, b: Identity, u_of: Callable[[str], float], hashed: bool) -> float:
    """An upper bound of :func:`score`'s weight (names by :func:`_names_bound`, the best
    document exactly, an address at :data:`ADDRESS_CAP`), without building the match."""
    bound = max((_names_bound(x, y, u_of, hashed) for x in a.names for y in b.names), default=0.0)
    if a.documents and b.documents:
        bound += max((w.weight for x in a.documents for y in b.documents
                      if (w := _doc_weight(x, y)) is not None), default=0.0)
    if a.addresses and b.addresses:
        bound += ADDRESS_CAP
    return bound


def score_at_least(a: Identity, b: Identity, u_of: Callable[[str], float], floor: float,
                   hashed: bool = False) -> Match | None:
    """:func:`score` when its weight may reach ``floor``; None (without building the match)
    when an upper bound already says it cannot. The same matches as :func:`score` at or above
    ``floor``: the linker's candidates are scored only to find those over its medium level, and
    at a million accounts about 99 in 100 of them fall short (benchmarks/RESULTS.md)."""
    if _bound(a, b, u_of, hashed) < floor:
        return None
    match = score(a, b, u_of, hashed)
    return match if match is not None and match.weight >= floor else None


#: How far under the floor a batched bound (:func:`_bounds`) still sends a candidate to the
#: per-pair :func:`score_at_least`. The batched bound adds the same float64 numbers in the same
#: order as :func:`_bound` and equals it to the bit (tests/test_linker_fuzzy.py); the slack only
#: guards against a platform rounding one of them differently, and costs nothing measurable
#: (weights are multiples of log2 ratios tens of units apart, not 1e-9).
_BOUND_SLACK = 1e-9


def score_all_at_least(a: Identity, bs: Sequence[Identity], u_of: Callable[[str], float], floor: float,
                       hashed: bool = False) -> list[Match | None]:
    """``[score_at_least(a, b, u_of, floor, hashed) for b in bs]``, with the bound of all of
    ``bs`` computed together (:func:`_bounds`: a few numpy operations per probe instead of
    Python per pair). Only the candidates whose bound reaches ``floor`` are scored, each by
    :func:`score` with :func:`score_at_least`'s floor, so every result is the per-pair one (the
    per-pair bound is not taken again: a weight never exceeds it)."""
    out: list[Match | None] = [None] * len(bs)
    if not bs:
        return out
    for k in np.flatnonzero(_bounds(a, bs, u_of, hashed) >= floor - _BOUND_SLACK).tolist():
        match = score(a, bs[k], u_of, hashed)
        out[k] = match if match is not None and match.weight >= floor else None
    return out


def _bounds(a: Identity, bs: Sequence[Identity], u_of: Callable[[str], float], hashed: bool) -> np.ndarray:
    """:func:`_bound` of ``a`` against each of ``bs`` (float64, one per candidate), equal to it
    to the bit: per field the same numbers, added in the same order."""
    n = len(bs)
    bound = np.zeros(n)
    if a.names:
        per_b = list(map(_names_of, bs))
        names = list(chain.from_iterable(per_b))
        if names:
            bound = _per_candidate(_names_bounds(a.names, names, u_of, hashed), per_b, n)
    if a.documents:
        per_b = list(map(_documents_of, bs))
        documents = [d.partition(":") for d in chain.from_iterable(per_b)]
        if documents:
            countries = np.array(list(map(_first, documents)))
            numbers = list(map(_third, documents))
            best = np.full(len(documents), -np.inf)
            for x in a.documents:
                country, _, number = x.partition(":")
                edits = process.cdist([number], numbers, scorer=DamerauLevenshtein.distance, score_cutoff=2,
                                      dtype=np.int32)[0]
                weight = np.where(edits == 0, _DOC_W["exact"],
                                  np.where(edits == 1, _DOC_W["one edit"], _DOC_W["different"]))
                best = np.maximum(best, np.where(countries == country, weight, -np.inf))
            # x + 0.0 is x: a candidate without a document of the probe's countries adds nothing.
            bound = bound + _per_candidate(best, per_b, n)
    if a.addresses:
        bound = bound + np.where(np.fromiter(map(len, map(_addresses_of, bs)), np.intp, n) > 0, ADDRESS_CAP, 0.0)
    return bound


def _per_candidate(values: np.ndarray, per_b: Sequence[Sequence[object]], n: int) -> np.ndarray:
    """The largest of each candidate's ``values`` (its fields' in :func:`_bounds`'s flat order),
    0.0 for a candidate with none (``max(..., default=0.0)``); -inf stands for "not comparable"."""
    counts = np.fromiter(map(len, per_b), np.intp, n)
    if len(values) == n and (counts == 1).all():  # one name or document each: the common case
        best = values
    else:
        best = np.full(n, -np.inf)
        np.maximum.at(best, np.repeat(np.arange(n), counts), values)
    return np.where(best == -np.inf, 0.0, best)


_names_of = attrgetter("names")
_documents_of = attrgetter("documents")
_addresses_of = attrgetter("addresses")
_tokens_of = attrgetter("tokens")
_birth_date_of = attrgetter("birth_date")
_third = itemgetter(2)


def _names_bounds(mine: Sequence[NameFields], names: Sequence[NameFields], u_of: Callable[[str], float],
                  hashed: bool) -> np.ndarray:
    """The largest :func:`_names_bound` of any of ``mine`` against each of ``names``: each
    of a name's tokens weighed once against the distinct tokens of all ``names`` (the cached
    levels), then for every name at once the best agreements sorted, the shorter name's
    count of them summed (a cumulative sum: Python's ``sum`` order) and the birth date added."""
    tokens = list(map(_tokens_of, names))
    lengths = np.fromiter(map(len, tokens), np.intp, len(names))
    width = max(1, int(lengths.max()))
    words = list(dict.fromkeys(chain.from_iterable(tokens)))
    # Each name's token columns, padded with a column of weight 0 (a cap starts at 0): None is
    # never a token.
    column_of = dict(zip(words, range(len(words))))
    column_of[None] = len(words)
    padding = [(None,) * (width - k) for k in range(width + 1)]
    padded = chain.from_iterable(map(add, tokens, map(padding.__getitem__, lengths.tolist())))
    columns = np.fromiter(map(column_of.__getitem__, padded), np.intp, len(names) * width).reshape(-1, width)
    rows = np.arange(len(names))
    dates = list(map(_birth_date_of, names))
    dated = np.fromiter(map(len, dates), np.intp, len(names)) > 0
    best = None
    for x in mine:
        if x.tokens:
            weights = np.zeros((len(x.tokens), len(words) + 1))
            for i, t in enumerate(x.tokens):
                # A level's weight counts when it is not "different" and is positive (the cap
                # starts at 0); exact agreement's is the token's own, by its frequency.
                weight_of = dict(_TOKEN_CAP)
                if t in column_of:
                    weight_of["exact"] = max(0.0, _token_weight(t, "exact", u_of))
                levels = map(_token_level, repeat(t), words, repeat(hashed))
                weights[i, : len(words)] = list(map(weight_of.__getitem__, levels))
            caps = weights[:, columns].max(axis=2)
            if len(x.tokens) > 1:
                caps = -np.sort(-caps, axis=0)  # best first, per name
            sums = np.cumsum(caps, axis=0)  # sequential, as Python's sum: 0 + c0 is c0, then c1 ...
            total = np.where(lengths > 0, sums[np.minimum(len(x.tokens), lengths) - 1, rows], 0.0)
        else:
            total = np.zeros(len(names))
        capped = np.minimum(total, _NAME_ONLY_CAP)
        if x.birth_date:
            value = np.where(dated, total + _dob_weights(x.birth_date, dates, u_of), capped)
        else:
            value = capped
        best = value if best is None else np.maximum(best, value)
    return best


#: Each token level's weight as a cap counts it: a disagreement 0, every other level at least 0
#: (exact's by the token's frequency, filled in per token).
_TOKEN_CAP = {level: 0.0 if level == "different" else max(0.0, w) for level, w in _TOKEN_W.items()}
#: Birth-date columns compared for "day/month swapped": the candidate's day and month ...
_SWAPPED_THEIRS, _SWAPPED_MINE = [8, 9, 5, 6], [5, 6, 8, 9]  # ... against the probe's month and day


def _dob_weights(dob: str, dates: Sequence[str], u_of: Callable[[str], float]) -> np.ndarray:
    """:func:`_dob_weight` of ``dob`` at its :func:`_dob_level` against each of ``dates``
    (``YYYY-MM-DD``; any other length is weighed by the per-pair code; an empty date's weight
    is not used)."""
    n = len(dates)
    well_formed = np.fromiter(map(len, dates), np.intp, n) == 10
    if len(dob) != 10:
        well_formed[:] = False
    weights = np.full(n, _DOB_W["different"])
    if well_formed.any():
        # The dates' code points, one row each: _dob_parts's slices are columns 0-3, 5-6, 8-9.
        # (A date of another length is cut or padded here and weighed below instead.)
        points = np.array(dates, dtype="<U10").view(np.uint32).reshape(n, 10)
        mine = np.array([dob]).view(np.uint32)
        same = points == mine
        parts = same[:, 0:4].all(axis=1).astype(np.intp) + same[:, 5:7].all(axis=1) + same[:, 8:10].all(axis=1)
        swapped = same[:, 0:4].all(axis=1) & (points[:, _SWAPPED_THEIRS] == mine[_SWAPPED_MINE]).all(axis=1)
        # One edit by rapidfuzz's Damerau-Levenshtein, the very function _dob_level uses.
        edits = process.cdist([dob], dates, scorer=DamerauLevenshtein.distance, score_cutoff=2, dtype=np.int32)[0]
        exact = same.all(axis=1)
        # _dob_level's order, last first: two of three parts, one digit, swapped, exact.
        weights = np.where(parts >= 2, _DOB_W["two of three parts"], weights)
        weights = np.where(edits == 1, _DOB_W["one digit"], weights)
        weights = np.where(swapped, _DOB_W["day/month swapped"], weights)
        if exact.any():
            weights = np.where(exact, _dob_weight(dob, "exact", u_of), weights)
    for k in np.flatnonzero(~well_formed).tolist():
        if dates[k]:
            weights[k] = _dob_weight(dob, _dob_level(dob, dates[k]), u_of)
    return weights


def smoothed_u(term: str, count: int, total: int) -> float:
    """The ``u`` probability of exact agreement on a term held by ``count`` of ``total``
    stored names, smoothed towards the default by :data:`TF_PSEUDO` pseudo-names. (Callers
    pass ``u = 1`` for a placeholder birth date: agreeing on it then weighs nothing.)"""
    dob = term.startswith("dob:")
    u0, floor = (_DOB_U0, _DOB_U_MIN) if dob else (_TOKEN_U0, _TOKEN_U_MIN)
    return min(1.0, max(floor, (count + TF_PSEUDO * u0) / (total + TF_PSEUDO)))
