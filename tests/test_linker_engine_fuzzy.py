"""The engine's fuzzy identity linking (issue 15) on both backends: the hard cases of every kind
as links and as near misses, what ExplainLink shows, sealing at rest, and erasure."""

from __future__ import annotations

import random

import pytest

from idverify.errors import DataLoss, Unavailable
from linker.engine import Linker, Registration
from linker.messages import evidence_message
from linker.sealing import Sealer, key_id
from linker.settings import LinkerSettings
from linker.signals import SignalHasher
from linker.store import open_store
from linker.v1 import linking_service_pb2 as pb
from tests.test_linker_engine import KEY, SEAL_KEY, email, open_linker, reg, sig

pytest_plugins = ["tests.conftest_linker"]

F = pb.ACCOUNT_KIND_FREELANCER
NAME, DOC, ADDRESS = pb.SIGNAL_TYPE_NAME_AND_BIRTH_DATE, pb.SIGNAL_TYPE_DOCUMENT_NUMBER, pb.SIGNAL_TYPE_POSTAL_ADDRESS


@pytest.fixture
def linker(store_url):
    lk = open_linker(store_url)
    yield lk
    lk.close()


def name(value: str, dob: str) -> pb.Signal:
    return sig(NAME, value, birth_date=dob)


def doc(number: str) -> pb.Signal:
    return sig(DOC, number, country="AUS")


def address(value: str) -> pb.Signal:
    return sig(ADDRESS, value)


def identity_edge(result, other: str):
    edges = [e.evidence for e in result.evidence if e.to_account_id == other and e.evidence.signal_type == NAME]
    return edges[0] if edges else None


@pytest.mark.parametrize(("first", "second", "level"), [
    (name("Robert Sondergeld", "1956-02-19"), name("Rob Sondergeld", "1956-02-19"), "nickname"),
    (name("Lachlan Berryman", "1999-02-19"), name("Lachlan Berryman", "1999-02-18"), "one digit"),
    (name("Deakin Waller", "1960-02-10"), name("Deakin Waller", "1960-10-02"), "day/month swapped"),
    (name("Jonathan Sondergeld", "1971-06-05"), name("Jonathon Sondergelt", "1971-06-05"), "typo"),
], ids=["nickname", "dob-digit", "dob-swap", "no-shared-exact-token"])
def test_hard_variants_link(linker, first, second, level):
    reg(linker, "a", F, first, email("first@example.com"))
    result = reg(linker, "b", F, second, email("second@example.com"))
    assert result.linked_account_ids == ["a"]
    edge = identity_edge(result, "a")
    assert edge.strength == pb.SIGNAL_STRENGTH_STRONG
    assert level in {lvl for _, lvl, _ in edge.weights}
    assert edge.weight == pytest.approx(sum(w for *_, w in edge.weights), abs=0.01)


def test_surname_typo_with_a_changed_email_links(linker):
    reg(linker, "st1", F, name("Harriet Belperio", "1916-01-15"), email("harriet@example.com"),
        address("3 Hawker Place, Roselands 3206 QLD"))
    result = reg(linker, "st2", F, name("Harriet Belperi", "1916-01-15"), email("h.b.1916@example.net"),
                 address("3 hawker pl roselands 3206 qld"))
    assert result.linked_account_ids == ["st1"]
    assert ("name token", "typo") in {(f, lvl) for f, lvl, _ in identity_edge(result, "st1").weights}


def test_document_typo_with_a_name_typo_links(linker):
    reg(linker, "dt1", F, name("Nicholas Campbell", "1904-12-12"), doc("7900575"))
    result = reg(linker, "dt2", F, name("Nichooas Campbell", "1904-12-21"), doc("7900557"))
    assert result.linked_account_ids == ["dt1"]
    levels = {(f, lvl) for f, lvl, _ in identity_edge(result, "dt1").weights}
    assert ("document", "one edit") in levels and ("birth date", "one digit") in levels


def test_twins_stay_two_persons(linker):
    """Same surname, birth date and home, other given names and passports: never one person,
    even with a rare surname whose exact agreement weighs a lot."""
    home = address("12 Slessor Crescent, Glebe Garden, Wisemans Ferry 2517 NSW")
    reg(linker, "tw1", F, name("Amelia Harrington", "1981-11-01"), doc("8853061"), home)
    result = reg(linker, "tw2", F, name("Edith Harrington", "1981-11-01"), doc("2349971"), home)
    assert not result.linked_account_ids and result.decision == pb.LINK_DECISION_ALLOW
    edge = identity_edge(result, "tw1")
    assert edge is None or edge.strength == pb.SIGNAL_STRENGTH_WEAK


def test_a_new_surname_and_document_link_on_birth_date_and_home(linker):
    """A name part and the document both replaced (a married name, a new passport): the given
    name, birth date and home still link; without the home they stay apart."""
    home = address("12 Slessor Crescent, Glebe Garden, Wisemans Ferry 2517 NSW")
    reg(linker, "mn1", F, name("Amelia Harrington", "1981-11-01"), doc("8853061"), home)
    result = reg(linker, "mn2", F, name("Amelia Quarterman", "1981-11-01"), doc("2349971"), home)
    assert result.linked_account_ids == ["mn1"]
    away = reg(linker, "mn3", F, name("Amelia Quint", "1981-11-01"), doc("5523190"))
    assert "mn1" not in away.linked_account_ids


def test_shared_address_alone_never_links(linker):
    home = address("6 Tullaroop Street, Willaroo, St James 4011 WA")
    reg(linker, "ad1", F, name("Lachlan Berry", "1990-03-04"), home)
    result = reg(linker, "ad2", F, name("Mary Quint", "1962-08-30"), home)
    assert not result.linked_account_ids


def test_same_name_another_birth_date_does_not_link(linker):
    reg(linker, "bd1", F, name("Deakin Waller", "1960-02-10"))
    result = reg(linker, "bd2", F, name("Deakin Waller", "1987-07-23"))
    assert not result.linked_account_ids


def _word(rnd: random.Random) -> str:
    return "".join(rnd.choice("BCDFGHKLMNPRSTVZ") + rnd.choice("AEIOU") for _ in range(4))


def test_a_common_name_and_a_common_birth_date_alone_do_not_link_strongly(tmp_path):
    """Term frequencies: where JOHN, SMITH and 1990-01-01 are each held by a third of the
    names, sharing all three is not strong evidence (a rare name and date would be). The
    counts are the store's (tested on both backends above); SQLite keeps this test cheap."""
    linker = open_linker(str(tmp_path / "tf.sqlite3"))
    rnd = random.Random(15)
    items = []
    for i in range(80):
        for prefix, value, dob in (
            ("j", f"John {_word(rnd)}", f"19{rnd.randint(40, 99)}-0{rnd.randint(2, 9)}-1{i % 10}"),
            ("s", f"{_word(rnd)} Smith", f"19{rnd.randint(40, 99)}-0{rnd.randint(2, 9)}-2{i % 8}"),
            ("d", f"{_word(rnd)} {_word(rnd)}", "1990-01-01"),
        ):
            items.append(Registration(f"{prefix}{i}", F, linker.prepare([name(value, dob)])))
    linker.register_many(items)
    reg(linker, "common-1", F, name("John Smith", "1990-01-01"))
    result = linker.check("", F, linker.prepare([name("John Smith", "1990-01-01")]))
    edge = identity_edge(result, "common-1")
    assert edge is None or edge.strength != pb.SIGNAL_STRENGTH_STRONG
    rare = linker.check("", F, linker.prepare([name("Zebulon Quarterman", "1990-01-01")]))
    assert not rare.linked_account_ids
    reg(linker, "rare-1", F, name("Zebulon Quarterman", "1957-09-13"))
    again = linker.check("", F, linker.prepare([name("Zebulon Quarterman", "1957-09-13")]))
    assert identity_edge(again, "rare-1").strength == pb.SIGNAL_STRENGTH_STRONG
    linker.close()


def test_explain_link_shows_what_agreed_and_its_weight(linker):
    reg(linker, "ex1", F, name("Robert Sondergeld", "1956-02-19"), doc("2635962"))
    reg(linker, "ex2", F, name("Bob Sondergeld", "1956-02-19"), doc("2635926"))
    result = linker.explain("ex1", "ex2")
    assert result.same_person
    (edge,) = result.path
    message = evidence_message(edge)
    assert message.match_weight > LinkerSettings().fuzzy_strong_weight
    got = {(w.field, w.level) for w in message.match_weights}
    assert {("name token", "nickname"), ("name token", "exact"), ("birth date", "exact"),
            ("document", "one edit")} <= got
    assert "SONDERGELD" not in message.note.upper() and "2635962" not in message.note


def test_identity_values_are_sealed_at_rest(linker):
    reg(linker, "sealed-1", F, name("Zebulon Quarterman", "1957-09-13"), doc("7364009"),
        address("69 Giblin Street, Killarney, Bittern 4814 QLD"))
    text = repr(linker.store.dump()).upper()
    for clear in ("QUARTERMAN", "ZEBULON", "1957-09-13", "7364009", "GIBLIN", "BITTERN"):
        assert clear not in text


def test_a_wrong_seal_key_is_refused_not_ignored(store_url):
    lk = open_linker(store_url)
    reg(lk, "k1", F, name("Zebulon Quarterman", "1957-09-13"))
    lk.close()
    other = Linker(open_store(store_url), SignalHasher(KEY), LinkerSettings(hash_key=KEY.hex()),
                   sealer=Sealer(bytes(32)))
    try:
        with pytest.raises(Unavailable) as err:
            other.check("", F, other.prepare([name("Zebulon Quarterman", "1957-09-13")]))
        assert err.value.reason == "SEAL_KEY_MISMATCH"
        assert err.value.metadata["key_id"] == key_id(SEAL_KEY) != other.sealer.key_id
    finally:
        other.close()


def test_sealed_values_swapped_between_rows_of_one_account_and_type_are_detected(linker):
    """Two documents of one account: their sealed values swapped between the two rows (same
    account, same type) no longer open, and the call says why instead of failing as INTERNAL."""
    reg(linker, "sw", F, name("Zebulon Quarterman", "1957-09-13"), doc("7364009"), doc("1111111"))
    a, b = [r for r in linker.store.sealed_of(["sw"]) if r.type == DOC]
    swap = "UPDATE link_sealed SET sealed = ? WHERE account_id = ? AND type = ? AND digest = ?"
    with linker.store.write():
        linker.store._exec(swap, (b.value.data, "sw", DOC, a.digest))
        linker.store._exec(swap, (a.value.data, "sw", DOC, b.digest))
    with pytest.raises(DataLoss) as err:
        linker.check("sw", 0, [])
    assert err.value.reason == "SEALED_VALUE_CORRUPT"
    with pytest.raises(DataLoss):  # as a candidate of another account, too
        linker.check("", F, linker.prepare([name("Zebulon Quarterman", "1957-09-13"), doc("7364009")]))


def test_erasure_removes_sealed_values_and_variant_hashes(linker):
    reg(linker, "keep", F, name("Lachlan Berry", "1999-02-19"), doc("1111111"))
    reg(linker, "gone", F, name("Zebulon Quarterman", "1957-09-13"), doc("7364009"),
        address("69 Giblin Street, Killarney, Bittern 4814 QLD"))
    before = linker.store.dump()
    assert [r for r in before["link_sealed"] if r[0] == "gone"]
    assert [r for r in before["link_fuzzy_keys"] if r[1] == "gone"]
    kept_counts = {bytes(r[0]) for r in before["link_fuzzy_counts"]}
    linker.delete("gone", "gdpr_erasure")
    after = linker.store.dump()
    assert not [r for r in after["link_sealed"] if r[0] == "gone"]
    assert not [r for r in after["link_fuzzy_keys"] if r[1] == "gone"]
    keep_keys = {bytes(r[0]) for r in after["link_fuzzy_keys"]}
    # Every remaining count is a term of the remaining account, counted once.
    assert {bytes(r[0]): int(r[1]) for r in after["link_fuzzy_counts"]} == dict.fromkeys(keep_keys, 1)
    assert keep_keys < kept_counts
    assert not linker.check("", F, linker.prepare([name("Zebulon Quarterman", "1957-09-13")])).evidence


def test_a_name_without_a_birth_date_links_only_with_more_agreeing(linker):
    reg(linker, "nd1", F, name("Brooklyn Quarterman", "1984-12-05"), doc("9674605"))
    alone = reg(linker, "nd2", F, name("Brooklyn Quarterman", ""))
    assert not alone.linked_account_ids
    with_doc = reg(linker, "nd3", F, name("Brooklyn Quarterman", ""), doc("9676405"))
    assert with_doc.linked_account_ids == ["nd1", "nd2"] or with_doc.linked_account_ids == ["nd1"]
    assert ("document", "one edit") in {(f, lvl) for f, lvl, _ in identity_edge(with_doc, "nd1").weights}


def test_an_account_registered_before_sealed_identities_still_links_on_its_exact_name(linker):
    """Store migration 3 adds the sealed identity values but has no plain values to seal for the
    accounts already stored: those keep linking on the same name and birth date (their keyed
    digest), strong as before, instead of silently never linking again."""
    reg(linker, "old", F, name("Maria Kowalczyk", "1984-03-09"), email("old@example.com"))
    with linker.store.write():
        linker.store._exec("DELETE FROM link_sealed WHERE account_id = ?", ("old",))  # the state before migration 3
    result = reg(linker, "new", F, name("Maria Kowalczyk", "1984-03-09"), email("new@example.com"))
    assert result.linked_account_ids == ["old"]
    edge = identity_edge(result, "new") or identity_edge(result, "old")
    assert edge is not None and "registered before sealed identities" in edge.note
    assert linker.explain("old", "new").path


def test_a_request_brings_a_bounded_number_of_identity_values(linker):
    """Every identity value is sealed and indexed by fuzzy search terms inside the write
    transaction; past MAX_IDENTITY_VALUES_PER_TYPE of one type the extra ones are rejected
    signals (TOO_MANY_IDENTITY_VALUES), the rest are kept, so one call's work stays bounded."""
    from linker.engine import MAX_IDENTITY_VALUES_PER_TYPE

    docs = [doc(f"N{i:07d}") for i in range(MAX_IDENTITY_VALUES_PER_TYPE + 3)]
    prepared, rejected = linker.prepare_partial([name("Ann Lee", "1990-01-01"), *docs])
    assert len([p for p in prepared if p.type == DOC]) == MAX_IDENTITY_VALUES_PER_TYPE
    assert [r.reason for r in rejected] == ["TOO_MANY_IDENTITY_VALUES"] * 3
    assert [r.index for r in rejected] == [MAX_IDENTITY_VALUES_PER_TYPE + 1 + i for i in range(3)]


def test_a_document_added_later_without_a_name_is_scored_with_the_stored_name(linker):
    """A later call may bring a document alone: it is found and scored together with the name
    the account gave earlier, and the account stores the fuzzy terms of its whole identity
    (the document's terms are built with the name's phonetic codes)."""
    from linker import fuzzy

    reg(linker, "dl1", F, name("Zebulon Quarterman", "1957-09-13"), doc("7900575"))
    first = reg(linker, "dl2", F, name("Zebulon Quarterman", "1984-02-27"))  # another birth date
    assert not first.linked_account_ids
    later = reg(linker, "dl2", F, doc("7900557"))  # a transposition of dl1's number, no name
    assert later.linked_account_ids == ["dl1"]
    assert ("document", "one edit") in {(f, lvl) for f, lvl, _ in identity_edge(later, "dl1").weights}
    whole = linker._stored_identities(["dl2"])["dl2"][0]
    assert whole.documents == ("AUS:7900557",) and whole.names
    held = {bytes(r[0]) for r in linker.store.dump()["link_fuzzy_keys"] if r[1] == "dl2"}
    doc_terms = {t for t in fuzzy.block_terms(whole) if t.startswith("doc:")}
    assert doc_terms and {linker.hasher.term_key("fz", t) for t in doc_terms} <= held


def test_malformed_identity_signals_are_listed_and_the_valid_ones_link(linker):
    """Item 3 of issue 15 with identity signals: an impossible birth date refuses only its name
    signal (listed with its reason); the document and address are kept and link."""
    home = address("12 Slessor Crescent, Glebe Garden, Wisemans Ferry 2517 NSW")
    reg(linker, "ok1", F, name("Zebulon Quarterman", "1957-09-13"), doc("7900575"), home)
    prepared, rejected = linker.prepare_partial([name("Zebulon Quarterman", "1957-13-09"), doc("7900575"), home])
    assert [(r.index, r.type) for r in rejected] == [(0, NAME)] and rejected[0].reason
    result = linker.register("ok2", F, prepared, rejected=rejected)
    assert result.linked_account_ids == ["ok1"] and [r.index for r in result.rejected] == [0]


def test_registering_one_account_again_at_the_same_time_stores_each_term_once(linker):
    """A retry may reach the store at the very time of the first call: the account is then not
    new (its held terms are read, not inserted twice), and its document is keyed with its name."""
    from linker import fuzzy

    def at_once(*signals: pb.Signal):
        return linker.register("a", F, linker.prepare(signals), now=1000.0)

    at_once(name("Robert Sondergeld", "1956-02-19"))
    at_once(doc("PA1234567"))
    at_once(name("Robert Sondergeld", "1956-02-19"), email("x@example.com"))
    rows = linker.store.dump()
    held = {bytes(k) for k, account in rows["link_fuzzy_keys"] if account == "a"}
    assert len(held) == len([k for k, account in rows["link_fuzzy_keys"] if account == "a"])
    assert all(n == 1 for _k, n in rows["link_fuzzy_counts"])  # one account: each term counted once
    whole = linker._stored_identities(["a"])["a"][0]
    doc_terms = {linker.hasher.term_key("fz", t) for t in fuzzy.block_terms(whole) if t.startswith("doc:")}
    assert doc_terms and doc_terms <= held


def _later_document(linker):
    """The reviewer's case: dl2 shares dl1's name under another birth date, then brings a
    transposition of dl1's document number alone."""
    reg(linker, "dl1", F, name("Zebulon Quarterman", "1957-09-13"), doc("7900575"))
    reg(linker, "dl2", F, name("Zebulon Quarterman", "1984-02-27"))
    return linker.prepare([doc("7900557")])


def test_check_predicts_what_register_decides_for_values_added_later(linker):
    signals = _later_document(linker)
    checked = linker.check("dl2", F, signals)
    registered = linker.register("dl2", F, signals)
    assert registered.linked_account_ids == ["dl1"]
    assert (checked.decision, list(checked.linked_account_ids)) == (
        registered.decision, list(registered.linked_account_ids))
    assert identity_edge(checked, "dl1").weight == identity_edge(registered, "dl1").weight


def test_a_later_call_weighs_a_pair_as_comparing_the_stored_accounts_does(linker):
    """Term frequencies leave the account's own stored rows out at registration as between two
    stored accounts (relink, LinkedAccounts, ExplainLink): one pair, one weight."""
    registered = linker.register("dl2", F, _later_document(linker))
    at_register = identity_edge(registered, "dl1").weight
    stored = [e for e in linker._pair_evidence(["dl1", "dl2"])[("dl1", "dl2")] if e.signal_type == NAME]
    assert at_register > 0 and stored[0].weight == pytest.approx(at_register, abs=1e-3)
    rechecked = linker.check("dl2", F, [])  # re-evaluating from stored signals alone agrees too
    assert identity_edge(rechecked, "dl1").weight == pytest.approx(at_register, abs=1e-3)
