"""The name cells the reads disagree on, and when another reader's vote settles one (pure
logic: ``idverify.documents.mrz.agreement``, no images)."""

import datetime as dt

from idverify.documents.mrz import parse_mrz
from idverify.documents.mrz.agreement import NAME_VOTE_SURE, NameDoubt, doubts, name_doubts, settle_name_cells
from idverify.documents.mrz.ocr import LineRead

TODAY = dt.date(2026, 11, 24)
# The ICAO 9303 specimen passport (public, in the standard itself).
_SPECIMEN = ("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902C36UTO7408122F1204159ZE184226B<<<<<10")
_SLIP = (_SPECIMEN[0].replace("ANNA", "ANMA"), _SPECIMEN[1])  # N read M at line 0, cell 17
_CELL = (0, 17)


def _by_method(**lines):
    return {m: [LineRead(t, (0.9,) * len(t)) for t in texts] for m, texts in lines.items()}


def test_a_tie_between_two_binarisations_is_a_name_cell_in_doubt():
    result = parse_mrz(_SPECIMEN, today=TODAY)
    cells = name_doubts(result, _by_method(otsu=_SPECIMEN, adaptive=_SLIP))
    assert cells == (NameDoubt(0, 17, "N", ("M",)),)
    assert cells[0].candidates == ("N", "M")
    # Outvoted two to one: no cell in doubt; one binarisation alone: no vote at all.
    assert name_doubts(result, _by_method(otsu=_SPECIMEN, adaptive=_SLIP, clahe=_SPECIMEN)) == ()
    assert name_doubts(result, _by_method(otsu=_SLIP)) == ()


def test_a_sure_vote_for_a_candidate_settles_the_cell():
    cell = NameDoubt(*_CELL, "N", ("M",))
    assert settle_name_cells([cell], {_CELL: [("M", 0.95), ("N", 0.02)]}) == {_CELL: "M"}
    # A vote for the chosen letter settles the doubt too, keeping the letter.
    assert settle_name_cells([cell], {_CELL: [("N", NAME_VOTE_SURE), ("M", 0.05)]}) == {_CELL: "N"}


def test_an_unsure_vote_or_a_third_letter_leaves_the_doubt():
    cell = NameDoubt(*_CELL, "N", ("M",))
    assert settle_name_cells([cell], {_CELL: [("M", NAME_VOTE_SURE - 0.01), ("N", 0.05)]}) == {}
    # Sure of a letter no read saw: a vote never makes a letter, so the doubt stands.
    assert settle_name_cells([cell], {_CELL: [("H", 0.99), ("N", 0.005)]}) == {}
    # No vote at the cell (the classifier did not read it): nothing settled.
    assert settle_name_cells([cell], {}) == {}
    assert settle_name_cells([cell], {_CELL: [("M", 0.95)]}, sure=0.97) == {}


def test_a_sure_vote_never_turns_a_letter_into_a_filler_or_a_filler_into_a_letter():
    # A filler ends a name part (or joins two): the vote settles letters, not the name's
    # structure, so the doubt stands (and the caller reports MRZ_UNCERTAIN).
    letter = NameDoubt(*_CELL, "N", ("<",))
    assert settle_name_cells([letter], {_CELL: [("<", 0.99), ("N", 0.005)]}) == {}
    filler = NameDoubt(*_CELL, "<", ("K",))
    assert settle_name_cells([filler], {_CELL: [("K", 0.99), ("<", 0.005)]}) == {}
    # Confirming the chosen symbol, filler or letter, still settles the cell.
    assert settle_name_cells([filler], {_CELL: [("<", 0.99)]}) == {_CELL: "<"}
    assert settle_name_cells([letter], {_CELL: [("N", 0.99)]}) == {_CELL: "N"}
    # The old rule, kept measurable: with filler swaps allowed the vote is taken.
    assert settle_name_cells([letter], {_CELL: [("<", 0.99)]}, filler_swaps=True) == {_CELL: "<"}


def test_a_vote_that_keeps_the_chosen_letter_needs_less_than_one_that_changes_it():
    # Confirming changes nothing: the chosen letter at 0.8 or more with every rival under a
    # tenth of it settles the doubt (KARI on a phone photo: I at 0.86, the rival L at 0.01).
    cell = NameDoubt(*_CELL, "I", ("L",))
    assert settle_name_cells([cell], {_CELL: [("I", 0.86), ("1", 0.05), ("L", 0.01)]}) == {_CELL: "I"}
    # A rival at a tenth or more, or the chosen letter under 0.8 (a wrong T at 0.65 under a
    # CANCELLED stamp): the doubt stands.
    assert settle_name_cells([cell], {_CELL: [("I", 0.86), ("L", 0.09)]}) == {}
    assert settle_name_cells([NameDoubt(*_CELL, "T", ("I",))], {_CELL: [("T", 0.65), ("1", 0.05)]}) == {}
    # Changing the letter still needs a sure vote.
    other = NameDoubt(*_CELL, "L", ("I",))
    assert settle_name_cells([other], {_CELL: [("I", 0.86), ("L", 0.01)]}) == {}


def test_each_cell_is_settled_on_its_own():
    a, b = NameDoubt(0, 17, "N", ("M",)), NameDoubt(0, 22, "I", ("L", "E"))
    votes = {(0, 17): [("M", 0.96)], (0, 22): [("E", 0.6), ("I", 0.3)]}
    assert settle_name_cells([a, b], votes) == {(0, 17): "M"}


def test_settled_cells_cast_no_doubt_on_the_name():
    result = parse_mrz(_SPECIMEN, today=TODAY)
    reads = _by_method(otsu=_SPECIMEN, adaptive=_SLIP)
    assert doubts(result, reads) == ("name",)
    assert doubts(result, reads, settled={_CELL}) == ()
    # A second cell in doubt that is not settled keeps the name in doubt.
    two = (_SLIP[0].replace("MARIA", "MAPIA"), _SLIP[1])
    assert doubts(result, _by_method(otsu=_SPECIMEN, adaptive=two), settled={_CELL}) == ("name",)


def _passport(number):
    from idverify.documents.mrz import MrzFormat
    from idverify.documents.mrz.compose import MrzFields, compose_mrz

    lines, _ = compose_mrz(MrzFields(MrzFormat.TD3, "P", "UTO", "VAN DER BERG", "ANNEKE", number, "NLD", "970828", "F", "340917"))
    return lines


def test_letters_among_a_numbers_digits_that_cancel_in_its_digit_are_in_doubt():
    # Two O-for-0 slips at cells weighted 7 and 3 move the sum by 24 x 10: the number's digit and
    # the composite pass on KM0OO1977 as on KM0001977 (a phone photo read so, with no reason).
    # A read that saw the digits there puts the number in doubt; with no such read, or with a
    # letter before the number's first digit (a prefix), there is nothing to doubt.
    true = _passport("KM0001977")
    slipped = (true[0], true[1].replace("KM0001977", "KM0OO1977"))
    result = parse_mrz(slipped, today=TODAY)
    assert result.valid and result.document_number == "KM0OO1977"
    assert "document_number" in doubts(result, _by_method(otsu=true, adaptive=slipped, clahe=slipped))
    assert "document_number" not in doubts(result, _by_method(otsu=slipped, adaptive=slipped))
    right = parse_mrz(true, today=TODAY)
    assert "document_number" not in doubts(right, _by_method(otsu=true, adaptive=slipped, clahe=true))
    prefix = _passport("OO1234567")
    digits = (prefix[0], prefix[1].replace("OO1", "001"))
    assert "document_number" not in doubts(parse_mrz(prefix, today=TODAY), _by_method(otsu=digits, adaptive=prefix, clahe=prefix))


def test_a_correction_is_doubtful_only_where_a_clear_majority_of_the_reads_is_against_another_cell():
    import dataclasses

    from idverify.documents.mrz import Correction
    from idverify.documents.mrz.agreement import doubtful

    # A check-digit correction of the number's fourth character (to its 8) that no read saw.
    result = dataclasses.replace(parse_mrz(_SPECIMEN, today=TODAY),
                                 corrections=(Correction(1, 3, "5", "8", "document_number"),))

    def at_fifth(*chars):  # reads of the zone, each with ``chars[k]`` at the number's fifth cell
        lines = [(_SPECIMEN[0], _SPECIMEN[1][:3] + "5" + ch + _SPECIMEN[1][5:]) for ch in chars]
        return _by_method(**{f"read{k}": line for k, line in enumerate(lines)})

    assert doubtful(result, at_fifth("5", "5", "9", "4")) == 1  # two of four saw 5 for its 9
    assert doubtful(result, at_fifth("9", "9", "9", "5")) == 0  # the majority agrees with it
    # A tie for the most is no majority (the order of a set broke it, by the string hashing).
    assert doubtful(result, at_fifth("5", "5", "6", "6")) == 0
    assert doubtful(result, at_fifth("5", "5", "9", "9")) == 0
    # The majority a letter where the cell holds a digit: a slip of kind, not a rival digit.
    assert doubtful(result, at_fifth("A", "A", "A", "5", "5")) == 0
