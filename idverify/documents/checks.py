"""Document checks as reasons, never exceptions: expiry, age, check digits, MRZ/VIZ agreement,
readability. Pure: every input (including today's date) is passed in."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from idverify.documents.settings import DocumentSettings

__all__ = ["Finding", "document_checks", "age_on"]


@dataclass(frozen=True)
class Finding:
    """One reason: code (UPPER_SNAKE) and a readable message without personal data."""

    code: str
    message: str


def age_on(birth: dt.date, today: dt.date) -> int:
    """Whole years between ``birth`` and ``today``."""
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def document_checks(
    *,
    found: bool,
    any_field_read: bool,
    mrz_found: bool,
    barcode_read: bool = False,
    mrz_score: int | None,
    mrz_valid: bool | None,
    failed_check_digits: list[str],
    malformed_mrz_fields: list[str] = (),
    uncertain_mrz_fields: list[str] = (),
    obscured_mrz_fields: list[str] = (),
    expiry: dt.date | None,
    birth: dt.date | None,
    mismatched_fields: list[str],
    settings: DocumentSettings,
    today: dt.date,
) -> list[Finding]:
    """The reasons a read document raises, most severe first.

    ``found``: a document (outline, MRZ, barcode or portrait) was seen at all; ``any_field_read``:
    at least one field was read from any source; ``mrz_found``: an MRZ zone was located;
    ``mrz_score`` / ``mrz_valid``: its parse, or None when it could not be parsed;
    ``malformed_mrz_fields``: fields without a check digit that break their alphabet or code
    list (document_type, issuing_country, nationality, name, sex); ``uncertain_mrz_fields``: fields
    the MRZ's readings do not bear out where no check digit settles it (MRZ_UNCERTAIN: the
    read may be wrong though every digit passes); ``obscured_mrz_fields``: fields read in cells
    of the zone where no character was seen (MRZ_OBSCURED: a glare spot over the zone). Expiry
    and age are not judged on an uncertain or obscured field; ``barcode_read``: a licence barcode was
    decoded. Fields read from the printed text alone
    (no MRZ parsed and no barcode decoded: half a page, the zone covered) carry
    NO_MACHINE_READABLE_DATA, since nothing on them is checked.
    """
    out: list[Finding] = []
    if not found:
        return [Finding("DOCUMENT_NOT_FOUND", "no identity document was found on the image(s)")]
    if not any_field_read:
        out.append(Finding("DOCUMENT_UNREADABLE", "a document was found but none of its fields could be read"))
    elif not mrz_found and not barcode_read:
        out.append(Finding("NO_MACHINE_READABLE_DATA",
                           "neither a machine-readable zone nor a barcode could be read; the fields come from the printed text alone"))
    if mrz_found and (mrz_score is None or mrz_score < settings.min_mrz_score):
        out.append(Finding("MRZ_UNREADABLE", f"the machine-readable zone could not be read (score {mrz_score or 0}/100)"))
    elif mrz_valid is False or malformed_mrz_fields:
        # A field no digit checks (a code, the name) that breaks its alphabet or list is as sure
        # a sign of a misread as a failed digit: a stamp across the zone reads as a valid MRZ
        # with a nationality "GNG" and a garbled name.
        parts = []
        if failed_check_digits:
            parts.append("check digit(s) failed: " + ", ".join(failed_check_digits))
        if malformed_mrz_fields:
            parts.append("malformed field(s): " + ", ".join(malformed_mrz_fields))
        out.append(Finding("MRZ_INVALID", "; ".join(parts)))
    if mrz_found and mrz_score is not None and mrz_score >= settings.min_mrz_score and uncertain_mrz_fields:
        out.append(Finding("MRZ_UNCERTAIN", "the readings of the machine-readable zone disagree on field(s) no check digit "
                           "settles: " + ", ".join(uncertain_mrz_fields)))
    obscured = [f for f in obscured_mrz_fields if mrz_found]
    if obscured:
        out.append(Finding("MRZ_OBSCURED", "part of the machine-readable zone is hidden (glare, a shadow or the photo's "
                           "edge); field(s) read where no character was seen, which no pair of check digits confirms: " + ", ".join(obscured)))
    # Expiry and age are not judged on a field the reader doubts or did not see: a reject on a
    # guess (a glare spot, readings that disagree) turns away a genuine holder; the doubt is
    # a review.
    unsure = set(obscured) | set(uncertain_mrz_fields if mrz_found else ())
    if expiry is not None and "expiry_date" not in unsure:
        if expiry < today:
            out.append(Finding("DOCUMENT_EXPIRED", f"the document expired {(today - expiry).days} day(s) ago"))
        elif (expiry - today).days <= settings.expiring_within_days:
            out.append(Finding("DOCUMENT_EXPIRING", f"the document expires in {(expiry - today).days} day(s) (limit {settings.expiring_within_days})"))
    if birth is not None and "birth_date" not in unsure:
        age = age_on(birth, today)
        if age < settings.min_age_years:
            out.append(Finding("UNDERAGE", f"the holder is {age}, under the minimum age of {settings.min_age_years}"))
    if mismatched_fields:
        out.append(Finding("MRZ_VIZ_MISMATCH", "the printed fields disagree with the MRZ: " + ", ".join(mismatched_fields)))
    return out
