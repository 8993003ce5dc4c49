"""Country codes: ISO 3166 alpha-2 and alpha-3, and the ICAO 9303 codes printed on documents.

A declared country arrives as ISO 3166 alpha-2 (``DE``) or alpha-3 (``DEU``); a document's
issuing state and nationality arrive as ICAO 9303 codes, which are ISO alpha-3 except for a few
additions (``D`` for Germany, the five British-national codes ``GBD`` ... ``GBS``, ``RKS`` for
Kosovo, ``EUE`` for the European Union, the UN and stateless codes), held once in
:mod:`idverify.icao.codes` for the MRZ parser and this module alike. This module resolves either
to one canonical ISO alpha-2 code so that the two sides can be compared. Pure: pycountry's
tables are read by pycountry on first use, and the results are cached.
"""

from __future__ import annotations

from functools import lru_cache

import pycountry

from idverify.icao.codes import ICAO_SPECIAL_CODES

__all__ = ["ICAO_SPECIAL_CODES", "to_alpha2", "to_alpha3"]

_KOSOVO = {"XK": "XKX"}


def to_alpha2(code: str) -> str | None:
    """The ISO 3166 alpha-2 code for an alpha-2, alpha-3 or ICAO 9303 country code.

    Case and surrounding spaces or MRZ fillers (``<``) are ignored. Returns ``None`` when the
    code names no known country (including ICAO codes for organisations and stateless persons).
    """
    return _to_alpha2(code.strip().strip("<").upper())


def to_alpha3(code: str) -> str | None:
    """The ISO 3166 alpha-3 code (``XKX`` for Kosovo) for any code :func:`to_alpha2` accepts."""
    alpha2 = to_alpha2(code)
    if alpha2 is None:
        return None
    if alpha2 in _KOSOVO:
        return _KOSOVO[alpha2]
    country = pycountry.countries.get(alpha_2=alpha2)
    return country.alpha_3 if country is not None else None


@lru_cache(maxsize=1024)
def _to_alpha2(code: str) -> str | None:
    if code in ICAO_SPECIAL_CODES:
        return ICAO_SPECIAL_CODES[code].alpha2
    if code in _KOSOVO:
        return code
    if len(code) == 2 and code.isalpha():
        country = pycountry.countries.get(alpha_2=code)
    elif len(code) == 3 and code.isalpha():
        country = pycountry.countries.get(alpha_3=code)
    else:
        return None
    return country.alpha_2 if country is not None else None
