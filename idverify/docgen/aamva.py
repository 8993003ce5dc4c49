"""Compose the AAMVA DL/ID card design standard text that a licence's PDF417 barcode holds.
Pure: no I/O. The reader's parser lives in :mod:`idverify.documents.barcode`."""

from __future__ import annotations

import datetime as dt

__all__ = ["compose_aamva"]


def _us_date(date: dt.date) -> str:
    return f"{date.month:02d}{date.day:02d}{date.year:04d}"


def compose_aamva(
    *,
    iin: str,
    document_number: str,
    surname: str,
    first_name: str,
    middle_names: str,
    birth_date: dt.date,
    expiry_date: dt.date,
    issue_date: dt.date,
    sex: str,
    state: str,
    country: str = "USA",
) -> str:
    """The barcode text: header, one subfile designator and the DL subfile (version 08 layout)."""
    elements = [
        ("DCA", "C"), ("DCB", "NONE"), ("DCD", "NONE"),
        ("DBA", _us_date(expiry_date)),
        ("DCS", surname.upper()), ("DAC", first_name.upper()), ("DAD", middle_names.upper() or "NONE"),
        ("DBD", _us_date(issue_date)), ("DBB", _us_date(birth_date)),
        ("DBC", {"M": "1", "F": "2"}.get(sex, "9")),
        ("DAY", "BRO"), ("DAU", "070 IN"),
        ("DAG", "123 MAIN ST"), ("DAI", "SPRINGFIELD"), ("DAJ", state), ("DAK", "123450000"),
        ("DAQ", document_number), ("DCF", "0123456789"), ("DCG", country),
        ("DDE", "N"), ("DDF", "N"), ("DDG", "N"),
    ]
    body = "DL" + "\n".join(code + value for code, value in elements) + "\r"
    header_len = 21 + 10  # header plus one subfile designator
    header = f"@\n\x1e\rANSI {iin}08" + "00" + "01"
    designator = f"DL{header_len:04d}{len(body):04d}"
    return header + designator + body
