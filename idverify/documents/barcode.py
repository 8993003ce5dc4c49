"""The PDF417 barcode on the back of North American driver's licences: decode with zxing-cpp,
parse the AAMVA DL/ID card design standard into document fields.

:func:`parse_aamva` is pure (tested on its own); :func:`decode_pdf417` wraps zxing-cpp and
translates its failures into "no barcode".
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import numpy as np

__all__ = ["AamvaLicence", "decode_pdf417", "parse_aamva"]

_ELEMENT = re.compile(r"^(D[A-Z]{2}|Z[A-Z]{2})(.*)$")


@dataclass(frozen=True)
class AamvaLicence:
    """Fields of an AAMVA licence barcode."""

    document_number: str  # DAQ
    surname: str  # DCS (older versions: DAB)
    given_names: str  # DAC + DAD (older: DCT)
    birth_date: dt.date | None  # DBB
    expiry_date: dt.date | None  # DBA
    issue_date: dt.date | None  # DBD
    sex: str  # DBC: 1 -> M, 2 -> F, 9 -> X
    country: str  # DCG: USA or CAN
    state: str  # DAJ
    iin: str  # issuer identification number from the header
    version: int  # AAMVA version from the header
    elements: dict[str, str]


def _date(value: str, country: str) -> dt.date | None:
    value = value.strip()
    if not re.fullmatch(r"\d{8}", value):
        return None
    try:
        if country == "CAN" or value[:2] in ("19", "20") and int(value[4:6]) <= 12 and int(value[:4]) > 1900 and country != "USA":
            return dt.date(int(value[:4]), int(value[4:6]), int(value[6:8]))
        return dt.date(int(value[4:8]), int(value[:2]), int(value[2:4]))
    except ValueError:
        return None


def parse_aamva(text: str) -> AamvaLicence | None:
    """Parse AAMVA barcode text; None when it is not AAMVA data. Dates are MMDDCCYY in the US
    and CCYYMMDD in Canada."""
    if "ANSI " not in text[:40] and "AAMVA" not in text[:40]:
        return None
    head = text.find("ANSI ")
    header = text[head + 5: head + 21] if head >= 0 else ""
    iin = header[:6]
    version = int(header[6:8]) if header[6:8].isdigit() else 0
    elements: dict[str, str] = {}
    body = text[head:] if head >= 0 else text
    # The first element follows the subfile type ("DL" or "ID") on the first subfile.
    for raw in re.split(r"[\n\r\x1e]+", body):
        raw = raw.strip()
        if not _ELEMENT.match(raw):
            # The header line: the first element follows the subfile designator(s).
            m = re.search(r"(DAQ|DCA|DCS|DAA|DBA|DAB)", raw[12:] if raw.startswith("ANSI") else raw)
            if m:
                raw = (raw[12:] if raw.startswith("ANSI") else raw)[m.start():]
        m = _ELEMENT.match(raw)
        if m and m.group(1) not in elements:
            elements[m.group(1)] = m.group(2).strip()
    if "DAQ" not in elements:
        return None
    country = elements.get("DCG", "USA")
    surname = elements.get("DCS") or elements.get("DAB", "")
    given = elements.get("DAC") or elements.get("DCT", "")
    middle = elements.get("DAD", "")
    if middle and middle.upper() != "NONE":
        given = f"{given} {middle}".strip()
    given = given.replace(",", " ")
    if not surname and "DAA" in elements:  # version 1: full name "LAST,FIRST,MIDDLE"
        parts = [p for p in re.split(r"[,$]", elements["DAA"]) if p]
        surname, given = (parts[0], " ".join(parts[1:])) if parts else ("", "")
    sex = {"1": "M", "2": "F", "9": "X", "M": "M", "F": "F"}.get(elements.get("DBC", "")[:1], "")
    return AamvaLicence(
        document_number=elements["DAQ"],
        surname=" ".join(surname.upper().split()),
        given_names=" ".join(given.upper().split()),
        birth_date=_date(elements.get("DBB", ""), country),
        expiry_date=_date(elements.get("DBA", ""), country),
        issue_date=_date(elements.get("DBD", ""), country),
        sex=sex,
        country=country,
        state=elements.get("DAJ", ""),
        iin=iin,
        version=version,
        elements=elements,
    )


def decode_pdf417(rgb: np.ndarray) -> str | None:
    """The text of the first PDF417 barcode on the image, or None."""
    import zxingcpp

    try:
        results = zxingcpp.read_barcodes(rgb, formats=zxingcpp.BarcodeFormat.PDF417, try_rotate=True, try_downscale=True)
    except (RuntimeError, ValueError):
        return None
    for r in results:
        # .text shows control characters as "<LF>"; the raw bytes keep AAMVA's separators.
        if r.valid and r.bytes:
            raw = bytes(r.bytes)
            try:
                return raw.decode("utf-8")
            except UnicodeDecodeError:
                return raw.decode("latin-1")
    return None
