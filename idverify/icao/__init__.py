"""Facts ICAO Doc 9303 (8th edition) fixes, kept once for every engine that needs them.

    transliteration  national characters into the Latin letters an MRZ holds (Part 3, section 6)
    codes            the three-letter codes Part 3 adds to ISO 3166-1 alpha-3 (D, GBD, XXA, ...)

Pure tables and functions with no I/O and no imports from the rest of ``idverify``, so that the
document engine (``documents.mrz``) and the profile engine (``profile``) both depend on this
package and never on each other.
"""

from idverify.icao.codes import ICAO_SPECIAL_CODES, SpecialCode
from idverify.icao.transliteration import ICAO_TRANSLITERATION, to_latin

__all__ = ["ICAO_SPECIAL_CODES", "ICAO_TRANSLITERATION", "SpecialCode", "to_latin"]
