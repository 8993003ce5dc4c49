"""Tests for idverify.profile.nickname_table."""

from __future__ import annotations

from idverify.profile.nickname_table import NicknameTable, default_nickname_table


def test_package_pairs_are_symmetric() -> None:
    table = default_nickname_table()
    assert table.related("bob", "robert") and table.related("robert", "bob")
    assert table.related("peggy", "margaret")


def test_supplement_adds_international_forms() -> None:
    table = default_nickname_table()
    assert table.related("sasha", "alexander")
    assert table.related("pepe", "jose")
    assert table.related("iuliia", "yulia")


def test_unrelated_names() -> None:
    table = default_nickname_table()
    assert not table.related("bob", "bill")  # two nicknames of different names
    assert not table.related("maria", "marta")
    assert table.is_known("marta") and table.is_known("daniela")
    assert not table.is_known("xqzv")


def test_default_table_is_built_once() -> None:
    assert default_nickname_table() is default_nickname_table()


def test_custom_table() -> None:
    table = NicknameTable([("elizabeth", "liz")], [("ana", "anita")])
    assert table.related("liz", "elizabeth")
    assert table.related("anita", "ana")
    assert not table.related("bob", "robert")


def test_related_names_of_length() -> None:
    table = NicknameTable([("katherine", "kate"), ("kathleen", "kate")])
    assert set(table.related_names_of_length("kate", 9)) == {"katherine"}
    assert table.related_names_of_length("kate", 3) == ()
