"""Name folding for the linker's keys, and the one name scorer's same-identity test (the
shared-account count): names of one account naming one person or two."""

from __future__ import annotations

import pytest

from linker import fuzzy
from linker.fuzzy import NameFields
from linker.names import fold_name


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("John Smith", "SMITH, John", True),
        ("Jonathan Smith", "Jonathon Smith", True),  # one substitution
        ("Jürgen Müller", "Jurgen Mueller", True),  # folded, one insertion
        ("Łukasz Żółw", "Lukasz Zolw", True),
        ("John Smith", "John Michael Smith", True),  # an added middle name
        ("Robert Smith", "Bob Smith", True),  # a nickname
        ("John Smith", "Mary Smith", False),
        ("John Smith", "Jane Doe", False),
        ("Maria Smith", "Marta Smith", False),  # two known given names, not a typo
    ],
)
def test_same_name(a, b, same):
    x, y = NameFields(fuzzy.fold_tokens(a), "1980-01-01"), NameFields(fuzzy.fold_tokens(b), "1980-01-01")
    assert fuzzy.same_name(x, y) is same and fuzzy.same_name(y, x) is same


def test_same_name_needs_the_same_birth_date_unless_one_is_missing():
    a = NameFields(("JOHN", "SMITH"), "1980-01-01")
    assert not fuzzy.same_name(a, NameFields(("JOHN", "SMITH"), "1980-01-02"))
    assert fuzzy.same_name(a, NameFields(("JOHN", "SMITH"), ""))


def test_fold_drops_initials_and_punctuation():
    assert fold_name("J. R. R. Tolkien-Smith") == ("SMITH", "TOLKIEN")
    assert fold_name("") == ()

