"""The fuzzy identity scorer (pure): levels, term-frequency adjustment, blocking terms."""

from __future__ import annotations

import pytest

from linker import fuzzy
from linker.fuzzy import Identity, NameFields


def u_default(term: str) -> float:
    return fuzzy.smoothed_u(term, 1, 1000)


def ident(value: str, dob: str, *docs: str, addresses: tuple[str, ...] = ()) -> Identity:
    return Identity((NameFields(fuzzy.fold_tokens(value), dob),), docs, addresses)


def levels(match: fuzzy.Match) -> set[tuple[str, str]]:
    return {(f.field, f.level) for f in match.fields}


@pytest.mark.parametrize(("a", "b", "level"), [
    ("ROBERT", "ROB", "nickname"),
    ("WILLIAM", "BILL", "nickname"),
    ("ZEBULON", "ZEBULUN", "typo"),
    ("SONDERGELD", "SONDERGELT", "typo"),
    ("BELPERIO", "BELPERI", "typo"),
    ("MARY", "ANNA", "different given name"),
    ("ALEXANDER", "SASHA", "nickname"),  # the project's nickname supplement
    ("ALEXANDER", "ALEXANDRA", "different given name"),  # two known names: never a typo (twins)
    ("BOB", "ROB", "nickname"),  # two short forms of one full name
])
def test_token_levels(a, b, level):
    m = fuzzy.score(ident(f"{a} QUARTERMAN", "1950-01-01"), ident(f"{b} QUARTERMAN", "1950-01-01"), u_default)
    assert ("name token", level) in levels(m)


@pytest.mark.parametrize(("a", "b", "level"), [
    ("1960-02-10", "1960-10-02", "day/month swapped"),
    ("1999-02-19", "1999-02-18", "one digit"),
    ("1999-02-19", "1989-02-19", "one digit"),
    ("1999-02-19", "1999-11-19", "two of three parts"),
    ("1999-02-19", "1962-08-30", "different"),
])
def test_birth_date_levels(a, b, level):
    m = fuzzy.score(ident("ANNA QUARTERMAN", a), ident("ANNA QUARTERMAN", b), u_default)
    assert ("birth date", level) in levels(m)


def test_token_order_and_middle_names_do_not_matter():
    a = fuzzy.score(ident("Anna Maria Quarterman", "1950-01-01"), ident("QUARTERMAN, Anna", "1950-01-01"), u_default)
    assert [f.level for f in a.fields if f.field == "name token"] == ["exact", "exact"]


def test_term_frequency_lowers_the_weight_of_common_values():
    rare = fuzzy.score(ident("Zebulon Quarterman", "1957-09-13"), ident("Zebulon Quarterman", "1957-09-13"),
                       lambda t: fuzzy.smoothed_u(t, 1, 1_000_000))
    common = fuzzy.score(ident("John Smith", "1990-01-01"), ident("John Smith", "1990-01-01"),
                         lambda t: fuzzy.smoothed_u(t, 20_000 if t.startswith("tok") else 3_000, 1_000_000))
    assert rare.weight - common.weight > 10
    # A value nobody else holds is capped (Splink's minimum u): never worth more than the floor.
    assert fuzzy.smoothed_u("tok:X", 0, 10**9) == pytest.approx(5e-4)


def test_documents_of_other_countries_are_not_compared():
    m = fuzzy.score(Identity(documents=("AUS:1234567",)), Identity(documents=("GBR:7654321",)), u_default)
    assert m is None
    one = fuzzy.score(Identity(documents=("AUS:1234567",)), Identity(documents=("AUS:1234576",)), u_default)
    assert levels(one) == {("document", "one edit")}


def test_an_address_alone_stays_below_every_level():
    m = fuzzy.score(Identity(addresses=("6 TULLAROOP STREET ST JAMES 4011 WA",)),
                    Identity(addresses=("6 TULLAROOP STREET ST JAMES 4011 WA",)), u_default)
    assert 0 < m.weight <= fuzzy.ADDRESS_CAP


def test_a_surname_document_order_puts_the_surname_last():
    assert fuzzy.fold_tokens("MUELLER, Jürgen") == ("JURGEN", "MUELLER")


def test_conflict_marks_twins():
    twins = fuzzy.score(ident("Amelia Harrington", "1981-11-01", "AUS:8853061"),
                        ident("Edith Harrington", "1981-11-01", "AUS:2349971"), u_default)
    assert twins.conflict
    renewed = fuzzy.score(ident("Amelia Harrington", "1981-11-01", "AUS:8853061"),
                          ident("Amelia Harrington", "1981-11-01", "AUS:2349971"), u_default)
    assert not renewed.conflict
    no_documents = fuzzy.score(ident("Amelia Harrington", "1981-11-01"), ident("Edith Harrington", "1981-11-01"),
                               u_default)
    assert no_documents.conflict
    married = fuzzy.score(ident("Amelia Harrington", "1981-11-01", "AUS:8853061"),
                          ident("Amelia Quarterman", "1981-11-01", "AUS:2349971"), u_default)
    assert not married.conflict and ("name token", "different") in levels(married)


def test_one_typo_apart_share_a_blocking_term():
    a = ident("Jonathan Sondergeld", "1971-06-05", "AUS:7900575")
    pairs = [
        ident("Jonathon Sondergelt", "1971-06-05"),  # no exact token
        ident("Jonathan Sondergeld", "1971-05-06"),  # day/month swapped
        ident("Jonathan Sondergeld", "1981-06-05"),  # year digit
        ident("Jon Sondergeld", "1917-06-05"),  # nickname and a year typo
        ident("Jon Sondergelt", "1934-08-30", "AUS:7900557"),  # document transposition, surname typo
        ident("Jonahtan Sondregeldt", "1971-06-05"),  # typos that change both phonetic codes
    ]
    for b in pairs:
        assert fuzzy.block_terms(a) & fuzzy.block_terms(b)
    assert not fuzzy.block_terms(a) & fuzzy.block_terms(ident("Mary Quint", "1962-08-30"))


def test_explanations_carry_no_values():
    m = fuzzy.score(ident("Zebulon Quarterman", "1957-09-13"), ident("Zeb Quartermann", "1957-09-13"), u_default)
    note = m.explain().upper()
    assert "QUARTERMAN" not in note and "1957" not in note and note.startswith("IDENTITY MATCH WEIGHT")


def test_a_rare_full_name_with_another_birth_date_is_not_strong_even_at_a_million():
    """Namesakes: two tokens at the frequency floor with a disagreeing birth date stay below
    the strong level (settings.fuzzy_strong_weight, 18)."""
    m = fuzzy.score(ident("Zebulon Quarterman", "1957-09-13"), ident("Zebulon Quarterman", "1984-02-27"),
                    lambda t: fuzzy.smoothed_u(t, 1, 1_000_000))
    assert m.weight < 18


def test_the_edit_distance_is_jellyfish_damerau_levenshtein():
    # The scorer's typo levels use rapidfuzz's Damerau-Levenshtein for speed; it must be the
    # same distance as jellyfish's (unrestricted, adjacent transpositions), which the levels
    # were written against.
    import random

    import jellyfish

    rnd = random.Random(17)
    pairs = [("JOHNSON", "JOHNSTON"), ("1990-01-02", "1990-02-01"), ("P00001234", "P00001243"), ("CA", "ABC"),
             ("", "A"), ("ABCD", "BADC"), ("SONDERGELD", "SONDERGELT")]
    for _ in range(20000):
        a = "".join(rnd.choice("ABCD") for _ in range(rnd.randint(0, 7)))
        b = "".join(rnd.choice("ABCD") for _ in range(rnd.randint(0, 7)))
        pairs.append((a, b))
    assert [fuzzy._edits(a, b) for a, b in pairs] == [jellyfish.damerau_levenshtein_distance(a, b) for a, b in pairs]


def test_of_several_names_the_first_with_the_largest_weight_counts():
    # A name that folds to no token weighs nothing: it beats two disagreeing tokens (a
    # negative weight), and with nothing else comparable there is no match at all.
    empty_and_other = Identity((NameFields((), ""), NameFields(("MARY", "QUARTERMAN"), "")))
    assert fuzzy.score(empty_and_other, ident("Zebulon Oswald", ""), u_default) is None
    # Two names of equal weight: the first one's fields are the match's.
    twice = Identity((NameFields(("ANNA", "QUARTERMAN"), "1950-01-01"), NameFields(("QUARTERMAN", "ANNA"), "1950-01-01")))
    m = fuzzy.score(twice, ident("Anna Quarterman", "1950-01-01"), u_default)
    alone = fuzzy.score(Identity(twice.names[:1]), ident("Anna Quarterman", "1950-01-01"), u_default)
    assert m == alone and [f.level for f in m.fields] == ["exact", "exact", "exact"]


def _near_identities(rnd):
    """Two identities a few edits apart (or strangers), from a small pool so that exact,
    nickname, typo, phonetic and different tokens, every birth-date level, documents and
    addresses all occur."""
    tokens = ["JOHN", "JON", "JONATHAN", "ROBERT", "BOB", "ROB", "MARIA", "MARTA", "SMITH", "SMYTH",
              "SONDERGELD", "SONDERGELT", "QUARTERMAN", "QUARTERMANN", "ANNA", "ANN", "LEE", "LI"]
    dates = ["1971-06-05", "1971-05-06", "1981-06-05", "1971-06-15", "1934-08-30", "", "1971-07-05"]
    docs = ["AUS:7900575", "AUS:7900557", "AUS:1234567", "DEU:7900575"]
    addresses = ["12 HIGH STREET LEEDS", "12 HIGH ST LEEDS", "12 HIGH STREET", "4 LOW ROAD YORK"]

    def one():
        names = tuple(NameFields(tuple(dict.fromkeys(rnd.sample(tokens, rnd.randint(0, 4)))), rnd.choice(dates))
                      for _ in range(rnd.choice((1, 1, 1, 2))))
        return Identity(names, tuple(rnd.sample(docs, rnd.randint(0, 2))), tuple(rnd.sample(addresses, rnd.randint(0, 1))))

    return one(), one()


@pytest.mark.parametrize("hashed", [False, True])
def test_score_at_least_finds_exactly_the_matches_score_finds_over_the_floor(hashed):
    import random

    rnd = random.Random(29)
    counts = {}

    def u_of(term):  # some tokens and dates common, others at the floor
        return fuzzy.smoothed_u(term, counts.setdefault(term, rnd.choice((0, 3, 300, 30000))), 1_000_000)

    skipped = kept = 0
    for _ in range(20000):
        a, b = _near_identities(rnd)
        full = fuzzy.score(a, b, u_of, hashed)
        for floor in (4.0, 12.0, 16.0, 18.0):
            got = fuzzy.score_at_least(a, b, u_of, floor, hashed)
            want = full if full is not None and full.weight >= floor else None
            assert got == want, (a, b, floor)
            skipped += want is None
            kept += want is not None
    assert skipped > 1000 and kept > 1000  # both branches taken, at every floor


# ---- a probe's candidates together (score_all_at_least) -------------------------------------------
# Raw names as a client sends them, folded by the service's own fold_tokens: transliterated
# pairs (JÜRGEN -> JURGEN against JUERGEN), nicknames, typos, one-token names, names that fold
# to no token at all (initials only) or to a lone given name.
_RAW_NAMES = ["Jürgen Müller", "Juergen Mueller", "JURGEN MULLER", "Łukasz Nowak", "Lukasz Nowak", "Søren Øberg",
              "Soeren Oeberg", "Zoë Dubois", "Zoe Dubois", "José Muñoz", "Jose Munoz", "Robert Smith", "Bob Smith",
              "Rob Smyth", "Maria Garcia", "Marta Garcia", "Alexander Kowalski", "Alexandra Kowalski", "Smith",
              "Madonna", "J. R.", "", "Anna Maria Quarterman", "QUARTERMAN, Anna", "Ethan Bartel", "Etahn Bartnel",
              "Sondergeld", "Li Lee", "Dmitri Yamamoto"]
_DATES = ["1971-06-05", "1971-05-06", "1981-06-05", "1971-06-15", "1971-06-50", "1934-08-30", "1971-07-05",
          "", "", "1900-01-01", "1971-6-5", "1971-06-055"]  # the last two malformed (never stored, still weighed)
_DOCS = ["DEU:P00012345", "DEU:P00012354", "DEU:P00012346", "DEU:P99999999", "AUS:P00012345", "DEU:"]
_ADDRESSES = ["12 HIGH STREET LEEDS", "12 HIGH ST LEEDS", "4 LOW ROAD YORK"]


def _random_identity(rnd) -> Identity:
    names = tuple(NameFields(fuzzy.fold_tokens(rnd.choice(_RAW_NAMES)), rnd.choice(_DATES))
                  for _ in range(rnd.choice((0, 1, 1, 1, 1, 2))))
    return Identity(names, tuple(rnd.sample(_DOCS, rnd.choice((0, 0, 1, 1, 2)))),
                    tuple(rnd.sample(_ADDRESSES, rnd.choice((0, 0, 0, 1)))))


@pytest.mark.parametrize("hashed", [False, True])
def test_a_probes_candidates_together_score_exactly_as_one_pair_at_a_time(hashed):
    """The batched bound equals the per-pair one to the bit on every pair (so a drift in
    either fails here, even one that would leave today's matches unchanged), and the batched
    results are the per-pair ones at every floor, weights and fields included."""
    import random

    rnd = random.Random(17)
    counts = {}

    def u_of(term):  # some tokens and dates common, others at the floor; a placeholder date says nothing
        if term == "dob:1900-01-01":
            return 1.0
        return fuzzy.smoothed_u(term, counts.setdefault(term, rnd.choice((0, 3, 300, 30000, 900_000))), 1_000_000)

    pairs = matched = 0
    seen_levels: set[tuple[str, str]] = set()
    for _ in range(120):
        probe = _random_identity(rnd)
        candidates = [_random_identity(rnd) for _ in range(rnd.choice((0, 1, 5, 40)))]
        # The probe against itself and a copy with day and month swapped are among its candidates.
        swapped = Identity(tuple(NameFields(n.tokens, f"{n.birth_date[:4]}-{n.birth_date[8:]}-{n.birth_date[5:7]}"
                                            if n.birth_date else "") for n in probe.names), probe.documents)
        candidates += [probe, swapped]
        per_pair = [fuzzy._bound(probe, b, u_of, hashed) for b in candidates]
        assert fuzzy._bounds(probe, candidates, u_of, hashed).tolist() == per_pair
        for floor in (-20.0, 0.0, 4.0, 12.0, 16.0, 18.0):
            want = [fuzzy.score_at_least(probe, b, u_of, floor, hashed) for b in candidates]
            assert fuzzy.score_all_at_least(probe, candidates, u_of, floor, hashed) == want, (probe, floor)
        for b in candidates:
            full = fuzzy.score(probe, b, u_of, hashed)
            if full is not None:
                seen_levels |= levels(full)
                matched += full.weight >= 16.0
        pairs += len(candidates)
    assert pairs >= 300 and matched >= 20
    # The edge cases occurred: every birth-date level, a dateless name, transliterations (typo or phonetic).
    assert {("birth date", lvl) for lvl in ("exact", "day/month swapped", "one digit", "two of three parts",
                                            "different", "missing: name capped")} <= seen_levels
    assert {("name token", "typo"), ("name token", "nickname"), ("document", "one edit")} <= seen_levels


def test_score_all_at_least_without_candidates_or_comparable_fields():
    probe = ident("Anna Quarterman", "1950-01-01", "DEU:P1")
    assert fuzzy.score_all_at_least(probe, [], u_default, 16.0) == []
    assert fuzzy.score_all_at_least(Identity(), [probe], u_default, -1.0) == [None]
    nothing = Identity(addresses=("12 HIGH STREET LEEDS",))
    assert fuzzy.score_all_at_least(probe, [nothing, Identity()], u_default, -1.0) == [None, None]
