"""ICAO 9303 machine-readable zones: from a photo to checked fields, in one place.

Reading an image (OpenCV and Tesseract; imported on their own, not by this package):

    locate       the MRZ zone and its character grid (morphology + geometry)
    ocr          cells, filler templates, Tesseract per line, two binarisations
    read         orientation search and best-read selection by check-digit score
    agreement    what several reads agree on: doubtful corrections, settled fields, doubts

Pure logic with no I/O (house rule 4), exported here:

    layout       where each field sits in TD1, TD2, TD3, MRV-A and MRV-B
    checkdigit   the 7-3-1 check digit
    dates        YYMMDD with century inference and unknown day/month
    countries    ISO 3166 alpha-3 plus the ICAO special codes
    transliterate  names into the MRZ alphabet (the ICAO table in idverify.icao, MRZ fillers)
    parse        parse_mrz(lines) -> MrzResult (coercion, check-digit-guided correction, score)
    compose      the inverse: fields -> MRZ lines with correct check digits
"""

from idverify.documents.mrz.checkdigit import check_digit, is_valid
from idverify.documents.mrz.compose import MrzFields, compose_mrz
from idverify.documents.mrz.countries import ICAO_SPECIAL_CODES, is_known_country
from idverify.documents.mrz.dates import MrzDate, parse_mrz_date
from idverify.documents.mrz.layout import LAYOUTS, MrzFormat, detect_format
from idverify.documents.mrz.parse import CheckResult, Correction, MrzFormatError, MrzResult, parse_mrz, with_symbol
from idverify.documents.mrz.transliterate import mrz_name_field, transliterate

__all__ = [
    "ICAO_SPECIAL_CODES",
    "LAYOUTS",
    "CheckResult",
    "Correction",
    "MrzDate",
    "MrzFields",
    "MrzFormat",
    "MrzFormatError",
    "MrzResult",
    "check_digit",
    "compose_mrz",
    "detect_format",
    "is_known_country",
    "is_valid",
    "mrz_name_field",
    "parse_mrz",
    "parse_mrz_date",
    "with_symbol",
    "transliterate",
]
