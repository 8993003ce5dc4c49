"""Splitting a one-line name into the surname and given names a document holds."""

from __future__ import annotations

import pytest

from idverify.profile.name_fields import split_full_name


@pytest.mark.parametrize(
    ("name", "fields"),
    [
        ("NASSER, Karim Samir", ("NASSER", "Karim Samir")),
        ("Karim Samir NASSER", ("NASSER", "Karim Samir")),  # the surname in capitals
        ("Karim AL NASSER", ("AL NASSER", "Karim")),
        ("Karim al Nasser", ("al Nasser", "Karim")),  # particles go with the last token
        ("Ludwig van der Berg", ("van der Berg", "Ludwig")),
        ("KARIM SAMIR NASSER", ("NASSER", "KARIM SAMIR")),  # all capitals: the last token
        ("Park Ji-won", ("Park", "Ji-won")),  # family name first before a hyphenated given name
        ("Madonna", ("Madonna", "")),
        ("Ирина Соколова", ("Соколова", "Ирина")),
    ],
)
def test_split_full_name(name: str, fields: tuple[str, str]) -> None:
    assert split_full_name(name) == fields
