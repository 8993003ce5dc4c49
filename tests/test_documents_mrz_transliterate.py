"""Names into the MRZ alphabet per ICAO 9303 part 3."""

import pytest

from idverify.documents.mrz.transliterate import mrz_name_field, transliterate


@pytest.mark.parametrize(
    ("name", "mrz"),
    [
        ("Müller", "MUELLER"),
        ("Jäger", "JAEGER"),
        ("Öberg", "OEBERG"),
        ("Ångström", "AANGSTROEM"),
        ("Strauß", "STRAUSS"),
        ("Søren", "SOEREN"),
        ("Ærø", "AEROE"),
        ("Þór", "THOR"),
        ("José María", "JOSE<MARIA"),
        ("García-Márquez", "GARCIA<MARQUEZ"),
        ("O'Brien", "OBRIEN"),
        ("Łukasz", "LUKASZ"),
        ("Dvořák", "DVORAK"),
        ("Ñúñez", "NUNEZ"),
        ("Ольга", "OLGA"),
        ("Юлия", "IULIIA"),  # ICAO Table B, not anyascii's YULIYA
        ("Щукин", "SHCHUKIN"),
        ("  van der  Berg ", "VAN<DER<BERG"),
    ],
)
def test_transliterate(name, mrz):
    assert transliterate(name) == mrz


def test_name_field_pads_and_flags_truncation():
    field, truncated = mrz_name_field("Smith", "Anna Maria", 30)
    assert field == "SMITH<<ANNA<MARIA".ljust(30, "<") and not truncated
    field, truncated = mrz_name_field("Wolfeschlegelsteinhausen", "Hubert Blaine", 30)
    assert len(field) == 30 and truncated and field.startswith("WOLFESCHLEGELSTEINHAUSEN<<HUBE")
    field, truncated = mrz_name_field("A" * 40, "B", 30)
    assert field == "A" * 30 and truncated
