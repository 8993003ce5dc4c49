"""Document checks as reasons (pure)."""

import datetime as dt

from idverify.documents.checks import age_on, document_checks
from idverify.documents.settings import DocumentSettings

TODAY = dt.date(2026, 11, 24)


def run(**kw):
    base = dict(found=True, any_field_read=True, mrz_found=True, mrz_score=100, mrz_valid=True, failed_check_digits=[],
                expiry=dt.date(2030, 1, 1), birth=dt.date(1990, 1, 1), mismatched_fields=[], settings=DocumentSettings(), today=TODAY)
    base.update(kw)
    return [f.code for f in document_checks(**base)]


def test_clean_document_has_no_reasons():
    assert run() == []


def test_not_found_is_the_only_reason():
    assert run(found=False, any_field_read=False) == ["DOCUMENT_NOT_FOUND"]


def test_expired_and_expiring():
    assert run(expiry=TODAY - dt.timedelta(days=1)) == ["DOCUMENT_EXPIRED"]
    assert run(expiry=TODAY) == ["DOCUMENT_EXPIRING"]
    assert run(expiry=TODAY + dt.timedelta(days=30)) == ["DOCUMENT_EXPIRING"]
    assert run(expiry=TODAY + dt.timedelta(days=31)) == []
    assert run(expiry=TODAY + dt.timedelta(days=60), settings=DocumentSettings(expiring_within_days=90)) == ["DOCUMENT_EXPIRING"]


def test_underage_on_the_birthday_boundary():
    assert run(birth=dt.date(2008, 11, 24)) == []  # 18 today
    assert run(birth=dt.date(2008, 11, 25)) == ["UNDERAGE"]
    assert run(birth=dt.date(2008, 11, 25), settings=DocumentSettings(min_age_years=16)) == []
    assert age_on(dt.date(2000, 2, 29), dt.date(2026, 2, 28)) == 25


def test_mrz_reasons():
    assert run(mrz_valid=False, failed_check_digits=["birth_date"]) == ["MRZ_INVALID"]
    assert run(mrz_score=20, mrz_valid=False) == ["MRZ_UNREADABLE"]
    assert run(mrz_score=None, mrz_valid=None) == ["MRZ_UNREADABLE"]
    assert run(mismatched_fields=["surname"]) == ["MRZ_VIZ_MISMATCH"]


def test_unreadable_document():
    assert run(any_field_read=False, mrz_found=False, mrz_score=None, mrz_valid=None, expiry=None, birth=None) == ["DOCUMENT_UNREADABLE"]


def test_printed_text_alone_is_said():
    # Half a page or a covered zone: what was read is unchecked, and the response says so.
    assert run(mrz_found=False, mrz_score=None, mrz_valid=None) == ["NO_MACHINE_READABLE_DATA"]
    assert run(mrz_found=False, barcode_read=True, mrz_score=None, mrz_valid=None) == []


def test_malformed_unchecked_field_is_an_invalid_mrz():
    assert run(malformed_mrz_fields=["nationality"]) == ["MRZ_INVALID"]


def test_fields_the_readings_do_not_bear_out_are_uncertain():
    codes = run(uncertain_mrz_fields=["name"])
    assert codes == ["MRZ_UNCERTAIN"]
    msg = [f.message for f in document_checks(found=True, any_field_read=True, mrz_found=True, mrz_score=100, mrz_valid=True,
                                              failed_check_digits=[], uncertain_mrz_fields=["name"], expiry=None, birth=None,
                                              mismatched_fields=[], settings=DocumentSettings(), today=TODAY)]
    assert "name" in msg[0]
    # An MRZ too weak to use says MRZ_UNREADABLE alone.
    assert run(mrz_score=20, mrz_valid=False, uncertain_mrz_fields=["name"]) == ["MRZ_UNREADABLE"]


def test_fields_read_where_glare_hid_the_zone_are_said_and_not_judged():
    # A glare spot over the zone: the expiry's cells were read on their positions alone, so
    # the document is neither called expired (a reject) nor fine on a guess.
    codes = run(obscured_mrz_fields=["expiry_date"], expiry=TODAY - dt.timedelta(days=300))
    assert codes == ["MRZ_OBSCURED"]
    assert run(obscured_mrz_fields=["birth_date"], birth=dt.date(2015, 1, 1)) == ["MRZ_OBSCURED"]
    # Another field hidden: the expiry read in plain sight is judged as ever.
    assert run(obscured_mrz_fields=["name"], expiry=TODAY - dt.timedelta(days=1)) == ["MRZ_OBSCURED", "DOCUMENT_EXPIRED"]
    msg = [f.message for f in document_checks(found=True, any_field_read=True, mrz_found=True, mrz_score=90, mrz_valid=False,
                                              failed_check_digits=[], obscured_mrz_fields=["name", "expiry_date"], expiry=None,
                                              birth=None, mismatched_fields=[], settings=DocumentSettings(), today=TODAY)]
    assert any("name, expiry_date" in m for m in msg)
    # No zone, nothing obscured to speak of.
    assert "MRZ_OBSCURED" not in run(mrz_found=False, mrz_score=None, mrz_valid=None, obscured_mrz_fields=["name"])


def test_an_expiry_or_birth_date_the_readings_doubt_is_not_judged():
    # Readings that disagree on the expiry (a digit misread that its check digit passes): the
    # doubt is a review, not a reject for expiry on a date that may be misread.
    assert run(uncertain_mrz_fields=["expiry_date"], expiry=TODAY - dt.timedelta(days=5)) == ["MRZ_UNCERTAIN"]
    assert run(uncertain_mrz_fields=["birth_date"], birth=dt.date(2015, 1, 1)) == ["MRZ_UNCERTAIN"]
    assert run(uncertain_mrz_fields=["name"], expiry=TODAY - dt.timedelta(days=5)) == ["MRZ_UNCERTAIN", "DOCUMENT_EXPIRED"]
