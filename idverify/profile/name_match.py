"""Name matching: a declared full name against a document's surname and given names.

Measuring and deciding are kept apart: every declared token is aligned with a document token
and the pair is explained (:class:`TokenKind`) and scored; the name score is the weighted mean
of the token scores; the level (:class:`MatchLevel`) then follows from the score and a few
structural rules. The alignment is independent of order (family name first or last) and runs
in three passes:

1. identical tokens, and tokens equal under one of the transliterations of
   :mod:`idverify.profile.name_normalize` (Müller, MUELLER, MULLER);
2. compounds: two or three adjacent tokens on one side joined into one token of the other
   (de la Cruz and DELACRUZ, Jean-Pierre and JEANPIERRE, 张小明 and ZHANG XIAOMING; by sound,
   Abd al-Rab and Abdulrab), the whole document name typed as one token (JohnSmith), and
   initials written together (JC for JEAN CLAUDE);
3. an optimal assignment (maximum total weighted score) over the remaining tokens, scored as
   nickname, initial, MRZ truncation, OCR confusion, typo, a given name of the same sound
   (Metaphone: Rafael and Raphael), or a near miss (see :func:`_near_miss`; given names
   written with other vowels, Maisa and Mayesa, are one too); in a declared name declined as a
   whole (a Russian patronymic in an oblique case: Olega Ivanovicha), given names whose
   stems agree once the case endings are off are a near miss.

Token scores (0-100): exact 100, transliterated 98, compound 97, a surname with its particle
glued on one side and left out on the other (LEBLANC and Blanc) 95, truncated 95, OCR
confusion 92, nickname 90 (85 when the nickname's full name is one letter away: Kate and
CATHERINE), typo 90 for one edit and 85 for two, same sound 88, initial 70, near miss 70. A typo never adds a suffix or
changes a given name's final vowel (Daniel and DANIELA, Francesco and FRANCESCA are other
names). Weights: each surname token and the first given name 1.0, middle names
``middle_name_weight``, particles (de, van, al) 0.1. A document token the declared name leaves
out counts with ``missing_token_factor`` of its weight (users omit middle names and second
surnames), except the first given name, and the surname when no surname token matched, which
count in full; a declared token that the document lacks counts ``extra_token_weight`` (nothing
when the document name is truncated; a particle or a title such as Dr, Mrs or Jr weighs 0.1 and
does not count as a name the document lacks).

Levels: MATCH needs the score at or above ``name_match_score``, some surname token matched,
the first given name matched by more than an initial, no declared token the document lacks
(a particle included: AL-IBRAHIM for IBRAHIM), no near miss, and the given names in the
document's order. NO_MATCH when no surname token or no given name matches (a declared name of
only the document's given names is PARTIAL: the surname left out, not contradicted, even when
the first given name alone is declared against a long document name; a declared particle
left over, as in Anna Le against NGUYEN, ANNA, is another surname: NO_MATCH), when a given name, middle name or patronymic is missing while the declared name has another one
instead (John and Jane Smith, Sergey Borisovich and Sergey Viktorovich: two different known
given names are never a typo of one another, and namesakes differ in their father's names),
and when given names change order around bin or ibn (father and son). Otherwise PARTIAL when
the score reaches ``name_partial_score``. A declared ``SURNAME, Given`` is read given names
first.

Pure; the :class:`NameMatcher` caches token-pair results and per-token keys, so build one and
share it (:meth:`NameMatcher.clear_caches` forgets them all, for cold benchmarks).
"""

from __future__ import annotations

import enum
import functools
import re
from collections.abc import Sequence
from typing import NamedTuple

from jellyfish import metaphone
from rapidfuzz.distance import OSA

from idverify.profile.name_normalize import NameToken, sino_key, skeleton, tokenize
from idverify.profile.name_normalize import clear_caches as clear_token_caches
from idverify.profile.nickname_table import NicknameTable, default_nickname_table
from idverify.profile.settings import ProfileSettings

__all__ = [
    "NameComparison",
    "MatchLevel",
    "NameMatcher",
    "TokenAlignment",
    "TokenKind",
    "compare_names",
    "default_name_matcher",
]


class TokenKind(enum.IntEnum):
    """How a token was matched; values equal ``idverify.v1.TokenMatchKind``."""

    EXACT = 1
    TRANSLITERATED = 2
    NICKNAME = 3
    INITIAL = 4
    FUZZY = 5
    TRUNCATED = 6
    MISSING = 7
    EXTRA = 8


class MatchLevel(enum.IntEnum):
    """A comparison verdict (names and other fields); values equal ``idverify.v1.MatchLevel``."""

    MATCH = 1
    PARTIAL = 2
    NO_MATCH = 3
    NOT_COMPARED = 4


class TokenAlignment(NamedTuple):
    """One line of the explanation: a declared token (or run) against a document token (or run).

    ``declared`` and ``document`` are the normalised tokens, space-joined for a compound, empty
    for MISSING (``declared``) and EXTRA (``document``). ``score`` is 0-100.
    """

    declared: str
    document: str
    kind: TokenKind
    score: float


class NameComparison(NamedTuple):
    """The name score (0-100), its level, the token explanation and readable notes."""

    score: float
    level: MatchLevel
    tokens: tuple[TokenAlignment, ...]
    notes: tuple[str, ...] = ()


# Module constants: enum attribute look-ups are slow on the hot path.
_EXACT = TokenKind.EXACT
_TRANSLITERATED = TokenKind.TRANSLITERATED
_NICKNAME = TokenKind.NICKNAME
_INITIAL = TokenKind.INITIAL
_FUZZY = TokenKind.FUZZY
_TRUNCATED = TokenKind.TRUNCATED
_MISSING = TokenKind.MISSING
_EXTRA = TokenKind.EXTRA
_MATCH = MatchLevel.MATCH
_PARTIAL = MatchLevel.PARTIAL
_NO_MATCH = MatchLevel.NO_MATCH
_NOT_COMPARED = MatchLevel.NOT_COMPARED
_STRONG = frozenset({_EXACT, _TRANSLITERATED, _NICKNAME, _FUZZY, _TRUNCATED})
_PARTICLE_WEIGHT = 0.1
_VOWELS = frozenset("aeiouy")
_LINEAGE = frozenset("bin ibn bint binti ben ould".split())
# Titles and generational suffixes users type and documents rarely print: left over on the
# declared side they weigh like a particle and are not "a name the document lacks".
_HONORIFICS = frozenset(
    "mr mrs ms miss mx dr doctor prof professor sir dame sheikh shaikh shaykh haji hajji "
    "jr jnr sr snr ii iii iv".split()
)
_COMPOUND_SCORE = 97.0
# A given name spelt differently with the same Metaphone code (Rafael, Raphael), on tokens of
# at least this many letters: shorter ones share codes too easily (Jan, Jane, Joan, June).
_PHONETIC_SCORE = 88.0
_PHONETIC_MIN_LENGTH = 5
# A near miss (see _near_miss): enough to keep the name from NO_MATCH, never MATCH on its own.
_WEAK_SCORE = 70.0

# The document side: (token, block, index in block, weight); block 0 surname, 1 given names.
_DocToken = tuple[NameToken, int, int, float]


class NameMatcher:
    """Compares names; holds the settings, the nickname table and a cache of token pairs.

    Thread-safe: the cache is a plain dict whose worst case under a race is a recomputation.
    """

    def __init__(self, settings: ProfileSettings | None = None, nicknames: NicknameTable | None = None) -> None:
        self.settings = settings or ProfileSettings()
        self.nicknames = nicknames or default_nickname_table()
        self._pairs: dict[tuple[str, str, bool, bool], tuple[TokenKind, float] | None] = {}
        self._nicks: dict[str, frozenset[str]] = {}

    def clear_caches(self) -> None:
        """Forget every cached token pair and token (benchmarks measuring cold throughput)."""
        self._pairs.clear()
        self._nicks.clear()
        clear_token_caches()

    def _related(self, token: NameToken) -> frozenset[str]:
        """Every name any spelling of ``token`` is a nickname, full form or variant of."""
        try:
            return self._nicks[token.text]
        except KeyError:
            pass
        names = frozenset().union(*(self.nicknames.related_names(form) for form in token.forms))
        if len(self._nicks) > 100_000:  # bound memory on a long-running server
            self._nicks.clear()
        self._nicks[token.text] = names
        return names

    def compare(self, declared: str, surname: str, given_names: str, truncated: bool = False) -> NameComparison:
        """Compare a declared full name with a document's surname and given names.

        ``declared`` is the name as typed, in any order and script (``SURNAME, Given`` read
        as given names first); ``surname`` and
        ``given_names`` are the document's fields (MRZ fillers allowed). ``truncated`` says the
        document name may be cut short (the MRZ name field was full): its last token may be a
        prefix of the declared one and declared tokens it lacks are not held against it.
        Returns NOT_COMPARED when either side is empty.
        """
        if "," in declared:
            # "SURNAME, Given names": the given names come first in reading order, which the
            # order check of the given names relies on (AL GHABRA, MOHAMMED).
            head, _, tail = declared.partition(",")
            if head.strip() and tail.strip() and "," not in tail:
                declared = f"{tail} {head}"
        dec = tokenize(declared)
        sur = tokenize(surname)
        giv = tokenize(given_names)
        if not dec or not (sur or giv):
            return NameComparison(0.0, _NOT_COMPARED, ())
        return self._compare(dec, sur, giv, truncated)

    # -- alignment --------------------------------------------------------------------------

    def _compare(
        self, dec: Sequence[NameToken], sur: Sequence[NameToken], giv: Sequence[NameToken], truncated: bool
    ) -> NameComparison:
        s = self.settings
        doc: list[_DocToken] = []
        for k, tok in enumerate(sur):
            doc.append((tok, 0, k, _PARTICLE_WEIGHT if tok.particle and len(sur) > 1 else 1.0))
        for k, tok in enumerate(giv):
            doc.append((tok, 1, k, 1.0 if k == 0 else s.middle_name_weight))
        n_dec, n_doc = len(dec), len(doc)
        # dec_match[i] / doc_match[j]: index of the partner alignment in ``pairs``, or -1.
        dec_match = [-1] * n_dec
        doc_match = [-1] * n_doc
        # pairs: (declared indices, document indices, kind, score)
        pairs: list[tuple[tuple[int, ...], tuple[int, ...], TokenKind, float]] = []

        # Pass 1: identical or transliterated tokens. Given names pick first, each the first
        # declared token equal to it after the one the previous given name took (wrapping
        # round), so that a token repeated as given name and surname keeps the given names in
        # their declared order in either order of the name (Thomas Paul Thomas, Baba Caba Baba
        # against BABA, CABA BABA).
        after = 0
        for j in [*range(len(sur), n_doc), *range(len(sur))]:
            t = doc[j][0]
            for i in [*range(after, n_dec), *range(after)] if after else range(n_dec):
                if dec_match[i] >= 0:
                    continue
                d = dec[i]
                exact = d.text == t.text
                if exact or not d.forms.isdisjoint(t.forms):
                    dec_match[i] = doc_match[j] = len(pairs)
                    pairs.append(((i,), (j,), _EXACT, 100.0) if exact else ((i,), (j,), _TRANSLITERATED, 98.0))
                    if j >= len(sur):
                        after = i + 1
                    break

        if -1 not in dec_match and -1 not in doc_match:
            fast = self._all_paired(dec, doc, pairs, len(sur))
            if fast is not None:
                return fast

        # Pass 2: compounds, when both sides still have unmatched tokens.
        if -1 in dec_match and -1 in doc_match:
            self._compounds(dec, doc, dec_match, doc_match, pairs)

        # Pass 3: optimal assignment of the rest by nickname, initial, truncation, OCR, typo.
        rest_dec = [i for i in range(n_dec) if dec_match[i] < 0]
        rest_doc = [j for j in range(n_doc) if doc_match[j] < 0]
        if rest_dec and rest_doc:
            last = n_doc - 1
            candidates = []
            for i in rest_dec:
                for j in rest_doc:
                    tok, block, _, weight = doc[j]
                    found = self._pair(dec[i], tok, block == 1, truncated and j == last)
                    if found is not None:
                        candidates.append((i, j, found[0], found[1], weight * found[1]))
            for i, j, kind, score, _ in _best_assignment(candidates):
                dec_match[i] = doc_match[j] = len(pairs)
                pairs.append(((i,), (j,), kind, score))
            if any(d.oblique for d in dec):
                _declined_given_names(dec, doc, dec_match, doc_match, pairs)

        return self._verdict(dec, doc, dec_match, doc_match, pairs, truncated)

    def _all_paired(self, dec, doc, pairs, n_sur: int) -> NameComparison | None:
        """The common case: every token paired one to one in pass 1, given names in order.

        Gives the result :meth:`_verdict` would, without its general bookkeeping; ``None``
        when the given names are out of order (the general path explains that).
        """
        previous = -1
        numerator = denominator = 0.0
        tokens = []
        for d_idx, t_idx, kind, score in sorted(pairs, key=lambda p: p[1][0]):
            j = t_idx[0]
            if j >= n_sur:
                if d_idx[0] < previous:
                    return None
                previous = d_idx[0]
            weight = doc[j][3]
            numerator += weight * score
            denominator += weight
            tokens.append(TokenAlignment(dec[d_idx[0]].text, doc[j][0].text, kind, score))
        score = round(numerator / denominator, 2)
        s = self.settings
        level = (
            _MATCH
            if score >= s.name_match_score
            else _PARTIAL
            if score >= s.name_partial_score
            else _NO_MATCH
        )
        return NameComparison(score, level, tuple(tokens))

    def _compounds(self, dec, doc, dec_match, doc_match, pairs) -> None:
        # Declared run of 2-3 adjacent unmatched tokens against one unmatched document token,
        # then a document run (of one block) against one declared token. A run needs two
        # adjacent unmatched tokens (of one block on the document side): without them the
        # joins are skipped (the unmatched lists only shrink, so checking them first is safe).
        dec_free = [i for i, m in enumerate(dec_match) if m < 0]
        doc_free = [j for j, m in enumerate(doc_match) if m < 0]
        doc_tokens = blocks = None
        if any(y - x == 1 for x, y in zip(dec_free, dec_free[1:])):
            doc_tokens = [entry[0] for entry in doc]
            _join_runs(dec, dec_match, doc_tokens, doc_match, pairs, None, run_first=True)
        if any(y - x == 1 and doc[x][1] == doc[y][1] for x, y in zip(doc_free, doc_free[1:])):
            doc_tokens = doc_tokens or [entry[0] for entry in doc]
            blocks = [entry[1] for entry in doc]
            _join_runs(doc_tokens, doc_match, dec, dec_match, pairs, blocks, run_first=False)
        # Initials written together for two or three given names (JC for Jean-Claude).
        initials = [
            i for i in dec_free if dec_match[i] < 0 and 2 <= len(dec[i].plain) <= 3 and not dec[i].particle
        ]
        if initials:
            given = [j for j in range(len(doc)) if doc[j][1] == 1]
        for i in initials:
            d = dec[i]
            size = len(d.plain)
            for k in range(len(given) - size + 1):
                run = given[k : k + size]
                if all(doc_match[j] < 0 for j in run) and "".join(doc[j][0].plain[:1] for j in run) == d.plain:
                    for j in run:
                        doc_match[j] = len(pairs)
                    dec_match[i] = len(pairs)
                    pairs.append(((i,), tuple(run), _INITIAL, 70.0))
                    break
        # The whole document name written as one declared token (VladimirPutin, PolPot), given
        # names first or surname first.
        if len(doc_free) < len(doc) or not all(m < 0 for m in doc_match):
            return
        n_sur = sum(1 for entry in doc if entry[1] == 0)
        if 0 < n_sur < len(doc):
            orders = ([*range(n_sur, len(doc)), *range(n_sur)], list(range(len(doc))))
            length = sum(len(entry[0].plain) for entry in doc)
            for i, d in enumerate(dec):
                if dec_match[i] >= 0 or abs(len(d.plain) - length) > 2:
                    continue
                for order in orders:
                    joined = _joined_forms([doc[j][0] for j in order])
                    found = _compound_kind(joined, d, phonetic=False)
                    if found is not None:
                        for j in order:
                            doc_match[j] = len(pairs)
                        dec_match[i] = len(pairs)
                        pairs.append(((i,), tuple(order), *found))
                        return

    def _pair(self, d: NameToken, t: NameToken, given: bool, truncatable: bool) -> tuple[TokenKind, float] | None:
        key = (d.text, t.text, given, truncatable)
        try:
            return self._pairs[key]
        except KeyError:
            pass
        result = self._pair_uncached(d, t, given, truncatable)
        if len(self._pairs) > 200_000:  # bound memory on a long-running server
            self._pairs.clear()
        self._pairs[key] = result
        return result

    def _pair_uncached(self, d: NameToken, t: NameToken, given: bool, truncatable: bool) -> tuple[TokenKind, float] | None:
        s = self.settings
        a, b = d.plain, t.plain
        if d.syllabic or t.syllabic:
            # One Chinese character or Hangul syllable against another: a different syllable is
            # a different name (习近平 and 习近朋), however close the romanisations.
            return None
        if given and (len(a) == 1 or len(b) == 1):
            # An initial stands for a given name; a one-letter surname token is an initial
            # nowhere, and two different initials never match.
            if a[:1] == b[:1] or d.icao[:1] == t.icao[:1]:
                return _INITIAL, 70.0
            return None
        if given and not self._related(d).isdisjoint(t.forms):
            return _NICKNAME, 90.0
        if given and (self._nickname_of_spelling(a, b) or self._nickname_of_spelling(b, a)):
            return _NICKNAME, 85.0  # Kate -> Katherine, written Catherine
        if not given and (t.unprefixed in d.forms or d.unprefixed in t.forms):
            return _EXACT, 95.0  # a particle joined on one side, omitted on the other
        if truncatable and 2 <= len(b) and any(len(f) > len(b) and f.startswith(b) for f in d.forms):
            return _TRUNCATED, 95.0
        if (
            given
            and min(len(a), len(b)) >= _PHONETIC_MIN_LENGTH
            and d.phonetic == t.phonetic
            and _typo_like(a, b)
            and _same_ending(a, b)
        ):
            return _TRANSLITERATED, _PHONETIC_SCORE  # Rafael, Raphael; Hussein, Hussin
        if given and a != b and self.nicknames.is_known(a) and self.nicknames.is_known(b):
            # Two different given names (Maria, Marta) are not a typo of each other; at most
            # two spellings of one sound.
            return _same_vowels(d, t)
        (ocr_di, ocr_dp), (ocr_ti, ocr_tp) = d.ocr, t.ocr
        if (ocr_di == ocr_ti and len(d.icao) >= 3) or (ocr_dp == ocr_tp and len(a) >= 3):
            return _FUZZY, 92.0
        best: tuple[TokenKind, float] | None = None
        for x, y in ((d.icao, t.icao), (a, b)) if d.icao != a or t.icao != b else ((a, b),):
            shorter = min(len(x), len(y))
            allowed = 0 if shorter < s.fuzzy_min_length else 1 if shorter < s.fuzzy_two_edit_length else 2
            if not allowed or abs(len(x) - len(y)) > allowed or not _typo_like(x, y, given):
                continue
            edits = OSA.distance(x, y, score_cutoff=allowed)
            if edits <= allowed:
                score = 90.0 - 5.0 * (edits - 1)
                if best is None or score > best[1]:
                    best = (_FUZZY, score)
        return best or (given and _same_vowels(d, t)) or _near_miss(d, t, given)

    def _nickname_of_spelling(self, nickname: str, name: str) -> bool:
        """True when ``nickname`` stands for a spelling of ``name`` one letter different.

        Kate is a short form of Katherine, and Catherine is Katherine spelt with a C; an added
        letter, an added suffix or a changed final vowel (Alexandria, Alexandra) makes another
        name, not a spelling.
        """
        if len(name) < 5:
            return False
        return any(
            OSA.distance(full, name, score_cutoff=1) <= 1 and _typo_like(full, name)
            for full in self.nicknames.related_names_of_length(nickname, len(name))
        )

    # -- verdict ----------------------------------------------------------------------------

    def _verdict(self, dec, doc, dec_match, doc_match, pairs, truncated) -> NameComparison:
        s = self.settings
        tokens: list[TokenAlignment] = []
        notes: list[str] = []
        numerator = denominator = 0.0
        # Core surname tokens: the non-particle ones (all of them when all are particles, as
        # for the Vietnamese surname LE).
        core = [j for j, entry in enumerate(doc) if entry[1] == 0 and not entry[0].particle]
        if not core:
            core = [j for j, entry in enumerate(doc) if entry[1] == 0]
        surname_hits = sum(
            1 for j in core if doc_match[j] >= 0 and pairs[doc_match[j]][2] != _INITIAL
        )
        done = -1
        for j, (t, block, k, weight) in enumerate(doc):
            p_index = doc_match[j]
            if p_index >= 0:
                if p_index == done:  # the rest of a document run already reported
                    continue
                done = p_index
                d_idx, t_idx, kind, score = pairs[p_index]
                if len(t_idx) == 1:
                    w = weight
                    document = t.text
                else:
                    w = sum(doc[x][3] for x in t_idx)
                    document = " ".join(doc[x][0].text for x in t_idx)
                declared = dec[d_idx[0]].text if len(d_idx) == 1 else " ".join(dec[i].text for i in d_idx)
                numerator += w * score / 100.0
                denominator += w
                tokens.append(TokenAlignment(declared, document, kind, score))
                continue
            if (block == 1 and k == 0) or (surname_hits == 0 and j in core):
                denominator += weight  # the first given name, or the surname, left out
            else:
                denominator += weight * s.missing_token_factor
            tokens.append(TokenAlignment("", t.text, _MISSING, 0.0))
        extras = 0
        particle_extra = False
        extra_scripts: set[bool] = set()  # Latin or not, of each declared token the document lacks
        for i, d in enumerate(dec):
            if dec_match[i] >= 0:
                continue
            tokens.append(TokenAlignment(d.text, "", _EXTRA, 0.0))
            if truncated:
                continue
            if d.particle or d.plain in _HONORIFICS:
                denominator += _PARTICLE_WEIGHT
                # A particle the document lacks (AL-IBRAHIM for IBRAHIM) may make another
                # family name: a human should look.
                particle_extra = particle_extra or d.particle
            else:
                extras += 1
                extra_scripts.add(d.latin)
                denominator += s.extra_token_weight
        score = round(100.0 * numerator / denominator, 2) if denominator else 0.0

        given = [j for j, entry in enumerate(doc) if entry[1] == 1]
        first_kind = pairs[doc_match[given[0]]][2] if given and doc_match[given[0]] >= 0 else None
        given_order = []
        for j in given:
            if doc_match[j] >= 0 and (not given_order or given_order[-1][0] != doc_match[j]):
                given_order.append((doc_match[j], pairs[doc_match[j]][0][0]))
        given_order = [index for _, index in given_order]
        order_ok = all(x < y for x, y in zip(given_order, given_order[1:]))
        if not order_ok:
            notes.append("given names in a different order")
        # Only given names declared, the first of them among them: PARTIAL however low the score.
        # A declared particle the document lacks, with no surname matched, is itself a declared
        # surname that does not match (Le, Lo, Da, Del are family names: Anna Le against
        # NGUYEN, ANNA), not a name of given names only.
        other_surname = extras or (particle_extra and not surname_hits)
        lone_given = first_kind in _STRONG and not other_surname
        low = score < s.name_partial_score and not lone_given
        if core and surname_hits == 0 and (other_surname or not given_order or low):
            notes.append("surname not matched")
            level = _NO_MATCH
        elif core and surname_hits == 0:
            # Only given names declared, all of them the document's: the surname is left out,
            # not contradicted; a human should look.
            notes.append("surname not declared")
            level = _PARTIAL
        elif given and not given_order:
            notes.append("no given name matched")
            level = _NO_MATCH
        elif given and first_kind is None and extras:
            notes.append("a different first given name")
            level = _NO_MATCH
        elif extras and any(
            doc_match[j] < 0 and not doc[j][0].particle and doc[j][0].latin in extra_scripts
            for j in range(len(doc))
            if j not in given[:1] and (doc[j][1] == 1 or doc[j][0].syllabic)
        ):
            # A middle name or patronymic in place of another (Sergey Borisovich and Sergey
            # Viktorovich Lavrov): father's names and second names tell namesakes apart, as
            # does one syllable of a Chinese or Korean name (习近平, 习近朋). A second surname
            # in place of another (JASSO ROCHA, JASSO SERRATOS) is left to a human.
            notes.append("a different middle name")
            level = _NO_MATCH
        elif not order_ok and any(d.plain in _LINEAGE for d in dec):
            notes.append("given names in another order around bin or ibn: father and son")
            level = _NO_MATCH
        else:
            if first_kind == _INITIAL:
                notes.append("first given name only as an initial")
            elif given and first_kind is None:
                notes.append("first given name not declared")
            if extras:
                notes.append("declared name has tokens the document lacks")
            weak = any(p[3] <= _WEAK_SCORE and p[2] != _INITIAL for p in pairs)
            if weak:
                notes.append("a token only resembles its counterpart (sound, outline or two letters)")
            strict = (not given or first_kind in _STRONG) and not extras and order_ok and not weak and not particle_extra
            if strict and score >= s.name_match_score:
                level = _MATCH
            elif score >= s.name_partial_score:
                level = _PARTIAL
            else:
                level = _NO_MATCH
        return NameComparison(score, level, tuple(tokens), tuple(notes))


# A declared name declined as a whole is marked by ``NameToken.oblique`` (Olega Ivanovicha).
# Case endings and nominative endings of given names (Oleg, Olega; Sergei, Sergey, Sergeya).
_CASE_ENDING = re.compile(r"(?:ya|yu|ye|yem|yom|iy|ii|yi|ij|a|u|e|om|em|ym|im|i|y|oy|oi|oj)$")


def _declined_given_names(dec, doc, dec_match, doc_match, pairs) -> None:
    """In a declined declared name, pair given names whose stems agree (Sergeya and SERGEI).

    Only a near miss: without the context a case ending reads as another name (Ivana, Ivan).
    """
    for j, entry in enumerate(doc):
        if doc_match[j] >= 0 or entry[1] != 1 or len(entry[0].plain) < 4:
            continue
        stem = _CASE_ENDING.sub("", entry[0].plain)
        if len(stem) < 3:
            continue
        for i, d in enumerate(dec):
            if dec_match[i] < 0 and d.latin == entry[0].latin and _CASE_ENDING.sub("", d.plain) == stem:
                dec_match[i] = doc_match[j] = len(pairs)
                pairs.append(((i,), (j,), _FUZZY, _WEAK_SCORE))
                break


def _typo_like(x: str, y: str, given: bool = True) -> bool:
    """False for differences that make another name rather than a typo.

    A prefix is an added suffix (Daniel, Daniela; Paul, Paula); in a given name a different
    final vowel changes its gender or form (Francesco, Francesca; Giovanni, Giovanna).
    """
    if x.startswith(y) or y.startswith(x):
        return False
    return not (given and len(x) == len(y) and x[:-1] == y[:-1] and x[-1] in _VOWELS and y[-1] in _VOWELS)


def _join_runs(runs_side, runs_match, other, other_match, pairs, blocks, run_first: bool) -> None:
    """Pair runs of 2-3 adjacent unmatched tokens of one side with one token of the other.

    ``blocks`` (the document's block of each token) keeps a document run within the surname
    or the given names. ``run_first`` says the runs are the declared side (pairs are stored
    declared first). Runs whose letters cannot add up to any candidate's (within three) are
    skipped before their forms are built.
    """
    n = len(runs_side)
    if n < 2:
        return
    free = [(k, len(t.plain)) for k, t in enumerate(other) if other_match[k] < 0]
    if not free:
        return
    # Bounds on a run's letters from the candidates free at the start (a candidate taken later
    # is rechecked below, so stale bounds only let a run through to that check).
    low = min(length for _, length in free) - 3
    high = max(length for _, length in free) + 3
    lengths = [len(t.plain) for t in runs_side]
    for size in (3, 2):
        for start in range(n - size + 1):
            end = start + size
            total = sum(lengths[start:end])
            if total < low or total > high:
                continue
            run = range(start, end)
            if any(runs_match[k] >= 0 for k in run):
                continue
            if blocks is not None and blocks[start] != blocks[end - 1]:
                continue
            candidates = [k for k, length in free if other_match[k] < 0 and abs(length - total) <= 3]
            if not candidates:
                continue
            joined = _joined_forms([runs_side[k] for k in run])
            for k in candidates:
                found = _compound_kind(joined, other[k])
                if found is not None:
                    for x in run:
                        runs_match[x] = len(pairs)
                    other_match[k] = len(pairs)
                    pairs.append((tuple(run), (k,), *found) if run_first else ((k,), tuple(run), *found))
                    break


def _near_miss(d: NameToken, t: NameToken, given: bool) -> tuple[TokenKind, float] | None:
    """A weak relation that a human should judge: the pair scores :data:`_WEAK_SCORE`.

    A token written backwards (within one slip) or, from six letters, with its letters
    scrambled (ikslawoK, Kowalski); a given-name syllable with its final consonant dropped (Su, Sun);
    the same sound (Metaphone: Scholz and Schulze), the same consonant outline against a script
    that writes no vowels (فرناندو and Fernando), a surname of five letters or more two edits
    away with the same first letter (Carney and Cooney; in Latin script from three letters: Hay
    and Hale) or with two letters left out (Mann and Hamann, from four), or one edit in a token
    of two to four letters (a syllable; in a given name only a changed vowel: Jong Un and Jong
    On, while Un and Il differ in two letters and stay apart). Never between particles, nor between two known
    given names (Miguel and Manuel are two names: _pair_uncached returns before), nor between
    given names that end differently (a vowel against a consonant, or two vowels).
    """
    a, b = d.plain, t.plain
    if d.particle or t.particle:
        return None
    shorter = min(len(a), len(b))
    apart = abs(len(a) - len(b))
    if shorter >= 4 and apart <= 1 and _backwards_or_scrambled(a, b, shorter, apart):
        return _FUZZY, _WEAK_SCORE  # written backwards or scrambled (samoT ikslawoK): look
    if given and shorter == 2 and apart == 1 and _dropped_final_consonant(a, b):
        return _FUZZY, _WEAK_SCORE  # a syllable with its final consonant dropped: Su, Sun
    if given and d.latin and t.latin and not _same_ending(a, b):
        return None  # Milan, Milena; Alexander, Alexandra: another name, not a spelling
    if shorter >= 3 and d.phonetic == t.phonetic:
        return _TRANSLITERATED, _WEAK_SCORE
    if d.abjad != t.abjad and (
        (len(d.skeleton) >= 2 and d.skeleton == t.skeleton)
        or (shorter >= 3 and len(skeleton(a, True)) >= 2 and skeleton(a, True) == skeleton(b, True))
    ):
        # Only against a script that leaves vowels unwritten (Arabic, Hebrew): where the
        # romanisation has the vowels (Cyrillic, Greek) the spellings themselves are compared.
        return _TRANSLITERATED, _WEAK_SCORE
    if (
        shorter >= 5
        and a[0] == b[0]
        and apart <= 1
        and d.skeleton == t.skeleton
        and len(d.skeleton) >= 2
        and OSA.distance(d.phonetic, t.phonetic, score_cutoff=1) <= 1
    ):
        return _FUZZY, _WEAK_SCORE  # one consonant outline, sounds one step apart: Sobhi, Soubi
    if shorter >= 2 and max(len(a), len(b)) <= 12 and d.sino == t.sino:
        return _TRANSLITERATED, _WEAK_SCORE  # Hsi, Xi: Wade-Giles against pinyin
    if (
        not given
        and apart <= 2
        and shorter >= 3
        and ((shorter >= 5 and a[0] == b[0]) or (d.latin and t.latin and _short_latin_surnames(a, b, shorter, apart)))
    ):
        # A surname two letters away (Carney, Cooney; Hay, Hale), or two letters left out
        # anywhere (Mann, Hamann).
        if OSA.distance(a, b, score_cutoff=2) <= 2:
            return _FUZZY, _WEAK_SCORE
    if shorter >= 2 and apart <= 1 and max(len(a), len(b)) <= 4 and OSA.distance(a, b, score_cutoff=1) <= 1:
        if not given or (d.skeleton == t.skeleton and len(a) == len(b)):
            return _FUZZY, _WEAK_SCORE  # Sin, Shin; Jong Un, Jong On
    return None


# The near-miss rules of 2026-12-02 are small functions so that ``bench_profile.py --drift`` can
# switch each one off and count the different-person pairs it sends to a human.
def _backwards_or_scrambled(a: str, b: str, shorter: int, apart: int) -> bool:
    """``a`` is ``b`` written backwards within one slip, or (six letters or more) scrambled."""
    return OSA.distance(a[::-1], b, score_cutoff=1) <= 1 or (shorter >= 6 and not apart and sorted(a) == sorted(b))


def _dropped_final_consonant(a: str, b: str) -> bool:
    """One of two given-name syllables is the other with a final consonant dropped (Su, Sun)."""
    longer, short = (a, b) if len(a) > len(b) else (b, a)
    return longer.startswith(short) and longer[-1] not in _VOWELS


def _short_latin_surnames(a: str, b: str, shorter: int, apart: int) -> bool:
    """Latin surnames (from three letters) that may be two letters apart: the same first letter
    and a letter added (Hay, Hale), or two letters left out from four (Mann, Hamann). Two
    letters changed in a short name of one length make another name (Wolf, Wood; Lee, Lin)."""
    return (a[0] == b[0] and apart > 0) or (shorter >= 4 and apart == 2)


def _same_vowels(d: NameToken, t: NameToken) -> tuple[TokenKind, float] | None:
    """A near miss for two Latin given names of five letters or more, ending alike, that differ
    only in how their vowels are written (``NameToken.vowel_key``: Maisa and Mayesa)."""
    a, b = d.plain, t.plain
    if (
        min(len(a), len(b)) >= _PHONETIC_MIN_LENGTH
        and d.latin
        and t.latin
        and _same_ending(a, b)
        and d.vowel_key == t.vowel_key
    ):
        return _TRANSLITERATED, _WEAK_SCORE
    return None


def _same_ending(a: str, b: str) -> bool:
    """Both end in the same vowel, or both in a consonant: Milan and Milena do not."""
    x, y = a[-1:] in _VOWELS, b[-1:] in _VOWELS
    return x == y and (not x or a[-1] == b[-1])


def _joined_forms(tokens: Sequence[NameToken]) -> tuple[frozenset[str], str, str]:
    """The forms of adjacent tokens written as one: (spellings, text, consonant outline)."""
    plain = "".join(t.plain for t in tokens)
    return (
        frozenset(("".join(t.icao for t in tokens), plain, "".join(t.folded for t in tokens))),
        "".join(t.text for t in tokens),
        plain,
    )


def _compound_kind(
    joined: tuple[frozenset[str], str, str], t: NameToken, phonetic: bool = True
) -> tuple[TokenKind, float] | None:
    """How a run of tokens written as one relates to token ``t``, or ``None``.

    The same spelling (DELACRUZ) scores :data:`_COMPOUND_SCORE`; with ``phonetic``, the same
    Metaphone code of the joined run (Abd al-Aziz and Abdul Aziz, Abd-al-Rab and Abdulrab)
    scores like a phonetic given-name variant, on joins of six letters or more; the same
    consonant outline across scripts (贝拉克 and Barack) is a near miss.
    """
    forms, text, plain = joined
    if not forms.isdisjoint(t.forms):
        return (_EXACT if text == t.text else _TRANSLITERATED), _COMPOUND_SCORE
    if not phonetic or len(plain) < 6 or len(t.plain) < 5 or abs(len(plain) - len(t.plain)) > 3:
        return None
    if metaphone(plain) == t.phonetic:
        return _TRANSLITERATED, _PHONETIC_SCORE
    if len(plain) <= 12 and sino_key(plain) == t.sino:
        return _TRANSLITERATED, _WEAK_SCORE  # Tse-tung, Zedong
    if not t.latin or not text.isascii():
        if skeleton(plain) == t.skeleton:
            return _TRANSLITERATED, _WEAK_SCORE
    return None


def _best_assignment(candidates: list[tuple]) -> list[tuple]:
    """The set of candidate pairs, no token used twice, with the largest total weighted score.

    Exhaustive over the (few) candidates left after the exact and compound passes; beyond 12
    candidates it falls back to the greedy choice by weighted score.
    """
    if len(candidates) <= 1:
        return candidates
    if len(candidates) > 12:
        chosen, used_i, used_j = [], set(), set()
        for c in sorted(candidates, key=lambda c: -c[4]):
            if c[0] not in used_i and c[1] not in used_j:
                chosen.append(c)
                used_i.add(c[0])
                used_j.add(c[1])
        return chosen
    best: list[tuple] = []
    best_total = -1.0

    def search(start: int, used_i: frozenset, used_j: frozenset, chosen: list, total: float) -> None:
        nonlocal best, best_total
        if total > best_total:
            best, best_total = list(chosen), total
        for n in range(start, len(candidates)):
            c = candidates[n]
            if c[0] in used_i or c[1] in used_j:
                continue
            chosen.append(c)
            search(n + 1, used_i | {c[0]}, used_j | {c[1]}, chosen, total + c[4])
            chosen.pop()

    search(0, frozenset(), frozenset(), [], 0.0)
    return best


@functools.cache
def default_name_matcher() -> NameMatcher:
    """A matcher with default settings and the package nickname table, built on first use.

    Every later call returns the same matcher. Two threads racing on the very first call may
    each build one (the cache does not lock); both are equal and one is kept.
    """
    return NameMatcher()


def compare_names(declared: str, surname: str, given_names: str, truncated: bool = False) -> NameComparison:
    """Compare names with :func:`default_name_matcher` (see :meth:`NameMatcher.compare`)."""
    return default_name_matcher().compare(declared, surname, given_names, truncated)
