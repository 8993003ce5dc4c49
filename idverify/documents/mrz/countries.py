"""Country codes in an MRZ: ISO 3166-1 alpha-3 (pycountry) plus the ICAO 9303 special codes.

Pure lookup tables, loaded lazily from pycountry's bundled data (no network, no files of ours).
"""

from __future__ import annotations

import functools

__all__ = ["ICAO_SPECIAL_CODES", "normalize_country", "is_known_country"]

#: Codes ICAO 9303 part 3 defines beyond ISO 3166-1 alpha-3, with what each stands for.
ICAO_SPECIAL_CODES: dict[str, str] = {
    "D": "Germany",
    "GBD": "British Overseas Territories Citizen",
    "GBN": "British National (Overseas)",
    "GBO": "British Overseas Citizen",
    "GBP": "British Protected Person",
    "GBS": "British Subject",
    "UNO": "United Nations Organization official",
    "UNA": "United Nations specialized agency official",
    "UNK": "Resident of Kosovo (UNMIK)",
    "XXA": "Stateless person (1954 Convention)",
    "XXB": "Refugee (1951 Convention)",
    "XXC": "Refugee (other)",
    "XXX": "Unspecified nationality",
    "EUE": "European Union",
    "XOM": "Sovereign Military Order of Malta",
    "XPO": "Interpol",
    "INP": "Interpol",
    "XBA": "African Development Bank",
    "XIM": "African Export-Import Bank",
    "XCC": "Caribbean Community",
    "XCO": "Common Market for Eastern and Southern Africa",
    "XEC": "Economic Community of West African States",
    "XES": "Organisation of Eastern Caribbean States",
    "XMP": "Parliamentary Assembly of the Council of Europe",
    "RKS": "Kosovo",
    "XKX": "Kosovo",
    "UTO": "Utopia (ICAO specimen state)",
}


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
