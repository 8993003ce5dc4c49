"""The codes ICAO Doc 9303 Part 3 (8th edition, section 5) adds to ISO 3166-1 alpha-3. Pure: no I/O.

An MRZ's issuing state and nationality are ISO 3166-1 alpha-3 codes, except for these: Germany's
one-letter ``D``, the five British-nationality codes, the codes for the United Nations and
other organisations that issue travel documents, the stateless and refugee codes, ICAO's
specimen state Utopia, and codes in use for Kosovo. This is the one table of them; the MRZ
parser (is the field a known code?) and the profile matcher (which state does it name?) both
read it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

__all__ = ["ICAO_SPECIAL_CODES", "SpecialCode"]


@dataclass(frozen=True, slots=True)
class SpecialCode:
    """One ICAO code: what it stands for and the ISO 3166-1 alpha-2 of the state it belongs to.

    ``alpha2`` is ``None`` where the code names no state (an organisation, a stateless person,
    a refugee, the fictional Utopia), so such a code never equals a declared country.
    """

    name: str
    alpha2: str | None


def _code(name: str, alpha2: str | None = None) -> SpecialCode:
    return SpecialCode(name, alpha2)


#: ICAO 9303 code -> :class:`SpecialCode`. The MRZ pads ``D`` with fillers (``D<<``).
ICAO_SPECIAL_CODES: Mapping[str, SpecialCode] = MappingProxyType({
    "D": _code("Germany", "DE"),
    # British nationals who are not British citizens; all are documents of the United Kingdom.
    "GBD": _code("British Overseas Territories Citizen", "GB"),
    "GBN": _code("British National (Overseas)", "GB"),
    "GBO": _code("British Overseas Citizen", "GB"),
    "GBP": _code("British Protected Person", "GB"),
    "GBS": _code("British Subject", "GB"),
    # Kosovo is not in ISO 3166; XK is the user-assigned alpha-2 code in common use.
    "RKS": _code("Kosovo", "XK"),
    "XKX": _code("Kosovo (user-assigned ISO code)", "XK"),
    "UNK": _code("Resident of Kosovo (UNMIK travel document)", "XK"),
    # Organisations issuing travel documents: they name no state.
    "EUE": _code("European Union"),
    "UNO": _code("United Nations Organization official"),
    "UNA": _code("United Nations specialized agency official"),
    "XBA": _code("African Development Bank"),
    "XIM": _code("African Export-Import Bank"),
    "XCC": _code("Caribbean Community"),
    "XCE": _code("Council of Europe"),
    "XCO": _code("Common Market for Eastern and Southern Africa"),
    "XDC": _code("Southern African Development Community"),
    "XEC": _code("Economic Community of West African States"),
    "XES": _code("Organisation of Eastern Caribbean States"),
    "XMP": _code("Parliamentary Assembly of the Council of Europe"),
    "XOM": _code("Sovereign Military Order of Malta"),
    "XPO": _code("International Criminal Police Organization (Interpol)"),
    "INP": _code("International Criminal Police Organization (Interpol)"),
    # Persons without a nationality to print.
    "XXA": _code("Stateless person (1954 Convention)"),
    "XXB": _code("Refugee (1951 Convention)"),
    "XXC": _code("Refugee (other)"),
    "XXX": _code("Unspecified nationality"),
    # ICAO's specimen state, on the sample documents of Doc 9303 itself.
    "UTO": _code("Utopia (ICAO specimen state)"),
})  # fmt: skip
