"""parse_mrz and compose_mrz: every layout, every check digit, the correction rules, bad input,
and hypothesis round trips (compose -> corrupt -> parse)."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from idverify.documents.mrz import MrzFields, MrzFormat, MrzFormatError, compose_mrz, parse_mrz
from idverify.documents.mrz.layout import LAYOUTS, detect_format

TODAY = dt.date(2026, 11, 24)

# ICAO Doc 9303 specimens (Anna Maria Eriksson of Utopia).
TD1 = ("I<UTOD231458907<<<<<<<<<<<<<<<", "7408122F1204159UTO<<<<<<<<<<<6", "ERIKSSON<<ANNA<MARIA<<<<<<<<<<")
TD2 = ("I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<", "D231458907UTO7408122F1204159<<<<<<<6")
TD3 = ("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902C36UTO7408122F1204159ZE184226B<<<<<10")
MRVA = ("V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L8988901C4XXX4009078F96121096ZE184226B<<<<<<")
MRVB = ("V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<", "L8988901C4XXX4009078F9612109<<<<<<<<")
SPECIMENS = {MrzFormat.TD1: TD1, MrzFormat.TD2: TD2, MrzFormat.TD3: TD3, MrzFormat.MRV_A: MRVA, MrzFormat.MRV_B: MRVB}


def parse(lines, **kw):
    return parse_mrz(list(lines), today=TODAY, **kw)


@pytest.mark.parametrize("fmt", list(SPECIMENS))
def test_specimens_parse_with_full_score(fmt):
    r = parse(SPECIMENS[fmt])
    assert r.format is fmt
    assert r.valid and r.score == 100 and not r.corrections
    assert r.surname == "ERIKSSON" and r.given_names == "ANNA MARIA" and not r.name_truncated
    assert r.issuing_country == "UTO" and r.sex == "F"
    expected_checks = {
        MrzFormat.TD1: ["document_number", "birth_date", "expiry_date", "composite"],
        MrzFormat.TD2: ["document_number", "birth_date", "expiry_date", "composite"],
        MrzFormat.TD3: ["document_number", "birth_date", "expiry_date", "optional_data", "composite"],
        MrzFormat.MRV_A: ["document_number", "birth_date", "expiry_date"],
        MrzFormat.MRV_B: ["document_number", "birth_date", "expiry_date"],
    }[fmt]
    assert [c.field for c in r.checks] == expected_checks


def test_td3_fields():
    r = parse(TD3)
    assert r.document_type == "P" and r.document_number == "L898902C3" and r.nationality == "UTO"
    assert r.birth_date.iso == "1974-08-12" and r.expiry_date.iso == "2012-04-15"
    assert r.optional_data == "ZE184226B"


def test_td1_fields():
    r = parse(TD1)
    assert r.document_type == "I" and r.document_number == "D23145890" and r.birth_date.iso == "1974-08-12"


def test_visa_fields():
    r = parse(MRVA)
    assert r.document_type == "V" and r.nationality == "XXX" and r.birth_date.iso == "1940-09-07"
    assert r.expiry_date.iso == "1996-12-10"  # more than 50 years ahead would be 2096


def _every_check_digit_cell():
    for fmt, lines in SPECIMENS.items():
        for check in LAYOUTS[fmt].checks:
            yield pytest.param(fmt, check.name, check.digit, id=f"{fmt.value}-{check.name}")


@pytest.mark.parametrize(("fmt", "name", "cell"), list(_every_check_digit_cell()))
def test_every_wrong_check_digit_is_caught(fmt, name, cell):
    lines = list(SPECIMENS[fmt])
    line, pos = cell
    right = lines[line][pos]
    for wrong in "0123456789":
        if wrong == right:
            continue
        bad = lines.copy()
        bad[line] = bad[line][:pos] + wrong + bad[line][pos + 1:]
        r = parse(bad, correct=False)
        failing = {c.field for c in r.checks if not c.valid}
        # The composite covers the other check digits, so it fails with them (not over TD1's
        # birth and expiry digits? it does: they are inside its spans too).
        assert name in failing
        assert failing <= {name, "composite"}
        assert r.score < 100


def test_detect_format():
    assert detect_format(TD1) is MrzFormat.TD1
    assert detect_format(TD3) is MrzFormat.TD3
    assert detect_format(MRVA) is MrzFormat.MRV_A
    assert detect_format(TD2) is MrzFormat.TD2
    assert detect_format(MRVB) is MrzFormat.MRV_B
    assert detect_format(["A" * 44]) is None


@pytest.mark.parametrize(
    "lines",
    [[], [""], TD1[:2], [TD3[0], TD3[1][:-1]], [TD3[0] + "<", TD3[1]], [TD1[0], TD1[1], TD1[2], TD1[2]], ["x" * 30] * 2],
)
def test_wrong_shapes_raise_format_error(lines):
    with pytest.raises(MrzFormatError):
        parse(lines)


def test_illegal_characters_give_a_low_score_not_a_crash():
    bad = (TD3[0], TD3[1][:3] + "#" + TD3[1][4:])
    r = parse(bad)
    assert not r.valid and r.score < 100
    doc = next(c for c in r.checks if c.field == "document_number")
    assert doc.computed == "?" and not doc.valid


def test_lower_case_and_spaces_are_normalised():
    r = parse([" ".join(TD3[0].lower()), TD3[1].lower()])
    assert r.valid and r.score == 100


# --- correction rules ------------------------------------------------------------------------

def _sub(lines, line, pos, ch):
    lines = list(lines)
    lines[line] = lines[line][:pos] + ch + lines[line][pos + 1:]
    return lines


@pytest.mark.parametrize(("pos", "letter"), [(15, "O"), (15, "D"), (15, "Q"), (14, "A"), (16, "B"), (18, "Z"), (21, "I"), (22, "Z"), (26, "S")])
def test_letters_in_dates_become_digits(pos, letter):
    bad = _sub(TD3, 1, pos, letter)
    r = parse(bad)
    assert r.valid and r.lines == TD3 and 0 < r.score < 100
    assert r.corrections[0].reason == "alphabet" and r.corrections[0].new == TD3[1][pos]
    assert next(c for c in r.checks if c.field in ("birth_date", "expiry_date") and c.corrected)


def test_digit_for_digit_needs_the_composite():
    # 7408122 -> 7403122 with the birth digit intact: 8/3 confusion, check digit and composite
    # decide together; a valid-looking but wrong date must never be produced silently.
    r = parse(_sub(TD3, 1, 16, "3"))
    assert r.valid and r.lines == TD3 and 0 < r.score < 100
    assert [(c.line, c.position, c.old, c.new) for c in r.corrections] == [(1, 16, "3", "8")]
    assert next(c for c in r.checks if c.field == "birth_date").corrected


def test_digits_in_names_and_countries_become_letters():
    bad = [TD3[0].replace("ERIKSSON", "ER1KSS0N").replace("UTO", "UT0"), TD3[1]]
    r = parse(bad)
    assert r.surname == "ERIKSSON" and r.issuing_country == "UTO"


def test_document_number_corrected_only_when_check_digit_agrees():
    # L898902C3 with the 0 read as O: the check digit picks the digit back.
    r = parse(_sub(TD3, 1, 5, "O"))
    assert r.document_number == "L898902C3" and r.valid
    assert next(c for c in r.checks if c.field == "document_number").corrected
    # The L read as W (no look-alike of each other). A look-alike elsewhere may then satisfy the
    # check digit by coincidence (one in ten); the composite cannot tell, since it weighs the
    # number exactly as its check digit does. Such a read is never reported as clean.
    r = parse(_sub(TD3, 1, 0, "W"))
    doc = next(c for c in r.checks if c.field == "document_number")
    assert r.document_number != "L898902C3"
    assert not doc.valid or (doc.corrected and r.score < 100)


def test_digit_for_digit_tie_is_not_corrected():
    # The number's check digit 6 read as 1. Not correctable by design: 1 and 6 are not OCR-B
    # look-alikes, so the digit itself is never a candidate, and three single look-alike edits
    # of the number satisfy the check digit equally (8->3 at 1 or 3, 3->8 at 8), all digit for
    # digit; the composite cannot break the tie, since it weighs the number exactly as its check
    # digit does. The corrector must give up and say so, never pick one of the three.
    bad = _sub(TD3, 1, 9, "1")
    r = parse(bad)
    doc = next(c for c in r.checks if c.field == "document_number")
    assert not doc.valid and not doc.corrected and not r.valid
    assert r.corrections == () and r.lines == tuple(bad) and r.document_number == "L898902C3"


def test_k_fillers_become_fillers():
    bad = [TD3[0][:26] + "K" * 18, TD3[1].replace("<<<<<", "KKKKK")]
    r = parse(bad)
    assert r.valid and r.given_names == "ANNA MARIA"


def test_k_inside_a_name_is_kept():
    lines, _ = compose_mrz(_fields(MrzFormat.TD3, surname="KOKKONEN", given_names="KARI"))
    r = parse(lines)
    assert r.surname == "KOKKONEN" and r.given_names == "KARI"


def test_filler_check_digit_of_empty_personal_number():
    lines, _ = compose_mrz(_fields(MrzFormat.TD3, optional_data="", empty_optional_check="<"))
    assert lines[1][42] == "<"
    r = parse(lines)
    assert r.valid and r.score == 100
    lines0, _ = compose_mrz(_fields(MrzFormat.TD3, optional_data="", empty_optional_check="0"))
    assert parse(lines0).valid


def test_germany_d_filler_and_two_letter_codes():
    lines, _ = compose_mrz(_fields(MrzFormat.TD3, issuing_country="D", nationality="D"))
    assert lines[0][2:5] == "D<<"
    r = parse(lines)
    assert r.issuing_country == "D" and r.nationality == "D" and r.field_validity["nationality"]
    lines, _ = compose_mrz(_fields(MrzFormat.TD1, issuing_country="FR", nationality="FR"))
    r = parse(lines)
    assert r.issuing_country == "FR" and r.field_validity["issuing_country"]
    lines, _ = compose_mrz(_fields(MrzFormat.TD1, issuing_country="QQQ"))
    r = parse(lines)
    assert not r.field_validity["issuing_country"] and r.score < 100


@pytest.mark.parametrize("birth", ["75<<<<", "75XXXX", "7503<<"])
def test_unknown_birth_day_and_month(birth):
    r = parse(compose_mrz(_fields(MrzFormat.TD3, birth_date=birth))[0])
    assert r.valid and r.birth_date.valid and "XX" in r.birth_date.iso


def test_long_document_number_td1():
    lines, _ = compose_mrz(_fields(MrzFormat.TD1, document_number="123456789ABC", optional_data="X1"))
    assert lines[0][14] == "<"
    r = parse(lines)
    assert r.valid and r.document_number == "123456789ABC" and r.optional_data.startswith("X1")


def test_truncated_name_is_flagged():
    r = parse(compose_mrz(_fields(MrzFormat.TD1, surname="Wolfeschlegelsteinhausen", given_names="Hubert"))[0])
    assert r.name_truncated and r.surname == "WOLFESCHLEGELSTEINHAUSEN"


def test_unspecified_sex():
    r = parse(compose_mrz(_fields(MrzFormat.TD3, sex="<"))[0])
    assert r.sex == "X" and r.valid


# --- hypothesis round trips -----------------------------------------------------------------

def _fields(fmt, **kw):
    base = dict(
        format=fmt, document_type={MrzFormat.TD3: "P", MrzFormat.MRV_A: "V", MrzFormat.MRV_B: "V"}.get(fmt, "ID"),
        issuing_country="UTO", surname="Eriksson", given_names="Anna Maria", document_number="L898902C3",
        nationality="UTO", birth_date="740812", sex="F", expiry_date="320415", optional_data="ZE1842",
    )
    base.update(kw)
    return MrzFields(**base)


_alnum = st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=5, max_size=9)
_name = st.text("ABCDEFGHIJLMNOPQRSTUVWXYZÄÖÜß", min_size=1, max_size=10)
_dates = st.dates(dt.date(1930, 1, 1), dt.date(2025, 12, 31))
_expiry = st.dates(dt.date(2000, 1, 1), dt.date(2060, 12, 31))


@st.composite
def mrz_fields(draw):
    fmt = draw(st.sampled_from(list(MrzFormat)))
    return _fields(
        fmt,
        surname=draw(_name), given_names=draw(_name), document_number=draw(_alnum),
        issuing_country=draw(st.sampled_from(["UTO", "DEU", "D", "FRA", "GBR", "XXA"])),
        nationality=draw(st.sampled_from(["UTO", "SWE", "D", "NLD", "UNO"])),
        birth_date=draw(_dates).strftime("%y%m%d"), expiry_date=draw(_expiry).strftime("%y%m%d"),
        sex=draw(st.sampled_from("MF<")), optional_data=draw(st.text("0123456789", max_size=6)),
    )


@settings(max_examples=300, deadline=None)
@given(mrz_fields())
def test_compose_then_parse_round_trip(f):
    lines, truncated = compose_mrz(f)
    r = parse(lines)
    assert r.valid and r.score == 100 and not r.corrections
    assert r.format is f.format
    assert r.document_number == f.document_number
    assert r.birth_date.raw == f.birth_date and r.expiry_date.raw == f.expiry_date
    assert r.issuing_country == f.issuing_country and r.nationality == f.nationality
    # A name that fills its field exactly cannot be told from a truncated one: it is flagged
    # as possibly truncated (found by hypothesis: AAAAAAÄÄÄÄ<<AAAAAAÄÄÄÄ fills TD1's 30).
    name_field = lines[2] if f.format is MrzFormat.TD1 else lines[0][5:]
    assert r.name_truncated == (truncated or not name_field.endswith("<"))


_TO_LETTER = {"0": "O", "1": "I", "2": "Z", "5": "S", "6": "G", "8": "B"}


@settings(max_examples=200, deadline=None)
@given(mrz_fields(), st.data())
def test_date_look_alikes_are_always_repaired(f, data):
    lines, _ = compose_mrz(f)
    layout = LAYOUTS[f.format]
    field = layout.field(data.draw(st.sampled_from(["birth_date", "expiry_date"])))
    text = lines[field.line]
    positions = [p for p in range(field.start, field.end) if text[p] in _TO_LETTER]
    if not positions:
        return
    pos = data.draw(st.sampled_from(positions))
    bad = list(lines)
    bad[field.line] = text[:pos] + _TO_LETTER[text[pos]] + text[pos + 1:]
    r = parse(bad)
    assert r.lines == tuple(lines) and r.valid


@settings(max_examples=300, deadline=None)
@given(st.sampled_from([(3, 30), (2, 36), (2, 44)]), st.data())
def test_arbitrary_text_never_crashes(shape, data):
    n, width = shape
    lines = [data.draw(st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<K#", min_size=width, max_size=width)) for _ in range(n)]
    r = parse(lines)
    assert 0 <= r.score <= 100
    assert all(len(line) == width for line in r.lines)


@settings(max_examples=200, deadline=None)
@given(mrz_fields(), st.data())
def test_a_correction_never_breaks_a_valid_check(f, data):
    """One random confusable substitution: whatever parse does, a check it reports valid is valid
    on the lines it returns, and corrections only touch characters the field allows."""
    lines, _ = compose_mrz(f)
    line = data.draw(st.integers(0, len(lines) - 1))
    pos = data.draw(st.integers(0, len(lines[line]) - 1))
    ch = data.draw(st.sampled_from("O0I1B8S5Z2DKG6<"))
    bad = list(lines)
    bad[line] = bad[line][:pos] + ch + bad[line][pos + 1:]
    r = parse(bad)
    r2 = parse(r.lines, correct=False)
    assert [c.valid for c in r.checks] == [c.valid for c in r2.checks]


def test_document_number_may_start_with_k():
    lines, _ = compose_mrz(_fields(MrzFormat.TD1, document_number="KK6725121"))
    r = parse(lines)
    assert r.valid and r.document_number == "KK6725121" and not r.corrections


@pytest.mark.parametrize("first", ["U", "Y", "V"])
@pytest.mark.parametrize("fmt", [MrzFormat.TD3, MrzFormat.TD2, MrzFormat.MRV_A, MrzFormat.MRV_B])
def test_code_repair_never_changes_the_format(fmt, first):
    # A passport's P misread as U or Y is one look-alike away from V, the visa code; the
    # repair chose it, so the corrected lines parsed again as a visa with other check
    # digits, and the reader's splice raised StopIteration (INTERNAL on a real photo).
    lines = list(SPECIMENS[fmt])
    lines[0] = first + lines[0][1:]
    r = parse(lines)
    assert r.format is detect_format(lines)
    assert parse(r.lines).format is r.format


@settings(max_examples=300, deadline=None)
@given(mrz_fields(), st.data())
def test_parsing_corrected_lines_again_keeps_the_format_and_checks(f, data):
    lines, _ = compose_mrz(f)
    line = data.draw(st.integers(0, len(lines) - 1))
    pos = data.draw(st.integers(0, len(lines[line]) - 1))
    ch = data.draw(st.sampled_from("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ<"))
    bad = list(lines)
    bad[line] = lines[line][:pos] + ch + lines[line][pos + 1:]
    r = parse(bad)
    again = parse(r.lines)
    assert again.format is r.format
    assert [c.field for c in again.checks] == [c.field for c in r.checks]


def test_an_all_filler_expiry_is_no_expiry_not_a_malformed_field():
    from idverify.docgen import generate_document
    from idverify.documents.checks import document_checks
    from idverify.documents.mrz.checkdigit import check_digit
    from idverify.documents.reader import _malformed_mrz_fields
    from idverify.documents.settings import DocumentSettings

    today = dt.date(2026, 11, 24)
    top, bottom = generate_document(41, kind="td3", level="clean", today=today).truth.mrz_lines
    # No expiry: six fillers, whose check digit is 0 (a filler weighs nothing); the composite
    # is computed again over the changed line.
    bottom = bottom[:21] + "<<<<<<0" + bottom[28:43]
    bottom += check_digit(bottom[0:10] + bottom[13:20] + bottom[21:43])
    r = parse_mrz([top, bottom], today=today)
    assert r.valid and r.field_validity["expiry_date"] and r.expiry_date.iso == ""
    assert _malformed_mrz_fields(r) == []
    codes = [f.code for f in document_checks(
        found=True, any_field_read=True, mrz_found=True, mrz_score=r.score, mrz_valid=r.valid, failed_check_digits=[],
        malformed_mrz_fields=_malformed_mrz_fields(r), expiry=None, birth=None, mismatched_fields=[],
        settings=DocumentSettings(), today=today)]
    assert codes == []
