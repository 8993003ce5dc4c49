"""Name matching against the holder names of the real specimen documents in ../shared.

The names are read from ``../shared/documents/truth.json`` at run time (never copied into the
repository). Each holder's name, typed the ways users type it, must MATCH the document's MRZ
name; the given names of another holder must not.
"""

from __future__ import annotations

import json

import pytest

from idverify.profile.match import match_profile
from idverify.profile.name_match import MatchLevel, compare_names
from idverify.v1 import verification_service_pb2 as pb

pytestmark = pytest.mark.shared


@pytest.fixture(scope="module")
def holders(shared_dir) -> list[dict]:
    truth = json.loads((shared_dir / "documents" / "truth.json").read_text(encoding="utf-8"))
    return [doc for doc in truth["documents"].values() if doc.get("surname") and doc.get("given_names")]


def _typed(doc: dict) -> list[str]:
    surname = doc["surname"].title()
    given = doc["given_names"].title()
    first = given.split()[0]
    return [
        f"{given} {surname}",
        f"{surname} {given}",
        f"{surname.upper()}, {given}",
        f"{first} {surname.replace(' ', '-')}",
        f"{given.lower()} {surname.replace(' ', '').lower()}",
    ]


def test_every_holder_matches_their_document(holders) -> None:
    assert holders
    for doc in holders:
        for declared in _typed(doc):
            result = compare_names(declared, doc["surname"], doc["given_names"])
            assert result.level == MatchLevel.MATCH, (doc["mrz"][0][:5], declared, result)


def test_truncation_and_mrz_lines_of_real_documents(holders) -> None:
    for doc in holders:
        document = pb.Document(surname=doc["surname"], given_names=doc["given_names"],
                               mrz_lines=doc["mrz"], mrz_format=getattr(pb, f"MRZ_FORMAT_{doc['mrz_type']}", 0)
                               if doc["mrz_type"] in ("TD1", "TD2", "TD3") else 0)  # fmt: skip
        response = match_profile(pb.DeclaredProfile(full_name=f"{doc['given_names']} {doc['surname']}"), document)
        assert response.name.level == pb.MATCH_LEVEL_MATCH


def test_another_holders_given_names_do_not_match(holders) -> None:
    distinct = {doc["given_names"]: doc for doc in holders}
    docs = list(distinct.values())
    for doc, other in zip(docs, docs[1:] + docs[:1]):
        if other["given_names"] == doc["given_names"]:
            continue
        declared = f"{other['given_names'].title()} {doc['surname'].title()}"
        result = compare_names(declared, doc["surname"], doc["given_names"])
        assert result.level == MatchLevel.NO_MATCH, (declared, result)
