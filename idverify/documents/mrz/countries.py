"""Country codes in an MRZ: ISO 3166-1 alpha-3 (pycountry) plus the ICAO 9303 special codes.

Pure lookup tables: ISO codes loaded lazily from pycountry's bundled data (no network, no files
of ours), the ICAO additions from the project's one table in :mod:`idverify.icao.codes`.
"""

from __future__ import annotations

import functools

from idverify.icao.codes import ICAO_SPECIAL_CODES

__all__ = ["ICAO_SPECIAL_CODES", "normalize_country", "is_known_country"]


@functools.cache
def _alpha3() -> frozenset[str]:
    import pycountry

    return frozenset(c.alpha_3 for c in pycountry.countries)


@functools.cache
def _alpha2() -> frozenset[str]:
    import pycountry

    return frozenset(c.alpha_2 for c in pycountry.countries)


def normalize_country(field: str) -> str:
    """The code in a 3-character MRZ country field with fillers removed (``D<<`` -> ``D``)."""
    return field.replace("<", "")


def is_known_country(code: str) -> bool:
    """True for an ISO 3166-1 alpha-3 code, an ICAO special code, or (as some national ID cards
    write) an ISO 3166-1 alpha-2 code. ``code`` is already stripped of fillers."""
    if code in ICAO_SPECIAL_CODES or code in _alpha3():
        return True
    return len(code) == 2 and code in _alpha2()
