"""MatchProfile cases: name variants of every kind with their near misses, dates, contacts.

Each case pairs a declared profile with a document as ReadDocument returns it (MRZ forms:
upper case, transliterated). No image is involved.
"""

from __future__ import annotations

import random

from idverify.qa.builder.spec import CaseSpec

__all__ = ["profile_cases"]

_SUITE = "profile"
_MATCH = {"decision": "MATCH", "reasons_exclude": ["NAME_MISMATCH", "NAME_PARTIAL", "DOB_MISMATCH"]}
_NOT_MISMATCH = {"decision": ["MATCH", "PARTIAL"], "reasons_exclude": ["NAME_MISMATCH", "DOB_MISMATCH"]}
_NAME_MISMATCH = {"decision": "NO_MATCH", "reasons_include": ["NAME_MISMATCH"]}

#: (case name, description, declared full name, document surname, document given names, expectation)
_NAMES: tuple[tuple[str, str, str, str, str, dict], ...] = (
    ("exact", "the same name in another case", "john robert smith", "SMITH", "JOHN ROBERT", _MATCH),
    ("transliterated_umlaut", "Müller declared, MUELLER in the MRZ (ICAO Ü -> UE)", "Jürgen Müller", "MUELLER",
     "JUERGEN", _MATCH),
    ("transliterated_dropped_umlaut", "Müller declared, MULLER in an MRZ that dropped the diacritic", "Jürgen Müller",
     "MULLER", "JURGEN", _MATCH),
    ("diacritics_spanish", "José María Núñez García declared, the MRZ without accents",
     "José María Núñez García", "NUNEZ GARCIA", "JOSE MARIA", _MATCH),
    ("scandinavian_aa", "Åström declared, AASTROEM in the MRZ", "Björn Åström", "AASTROEM", "BJOERN", _MATCH),
    ("family_name_first", "family name first, as many users in East Asia write it", "WANG Wei", "WANG", "WEI", _MATCH),
    ("compound_surname_particles", "de la Cruz written as in the MRZ without spaces", "María José de la Cruz",
     "DELACRUZ", "MARIA JOSE", _NOT_MISMATCH),
    ("hyphenated_surname", "a hyphenated double surname", "Zofia Kowalczyk-Nowak", "KOWALCZYK NOWAK", "ZOFIA", _MATCH),
    ("missing_middle_name", "the declared name leaves out the middle name", "Anna Eriksson", "ERIKSSON", "ANNA MARIA",
     _NOT_MISMATCH),
    ("nickname_bob", "Bob for Robert", "Bob Johnson", "JOHNSON", "ROBERT", _NOT_MISMATCH),
    ("nickname_sasha", "Sasha for Alexander", "Sasha Ivanov", "IVANOV", "ALEXANDER", _NOT_MISMATCH),
    ("ocr_slip", "an OCR confusion in the document surname (1 for I)", "Giulia Rossi", "ROSS1", "GIULIA",
     _NOT_MISMATCH),
    ("typo_one_edit", "one typing slip in the declared surname", "Hiroshi Tanka", "TANAKA", "HIROSHI", _NOT_MISMATCH),
    ("initial_only", "an initial for the first given name is not enough for MATCH", "J. Smith", "SMITH", "JOHN",
     {"decision": ["PARTIAL", "NO_MATCH"]}),
    ("sibling_same_surname", "same surname, another given name (a sibling)", "Daniela Weber", "WEBER", "DANIEL",
     _NAME_MISMATCH),
    ("swapped_given_names_different_people", "Jane declared, JOHN on the document", "Jane Smith", "SMITH", "JOHN",
     _NAME_MISMATCH),
    ("different_person", "an unrelated name", "Maria Lopez", "OKONKWO", "CHUKWUEMEKA", _NAME_MISMATCH),
    ("common_surname_other_given", "a very common surname with another given name", "Michael Smith", "SMITH",
     "JOHN ROBERT", _NAME_MISMATCH),
)


def _case(name: str, description: str, declared: dict, document: dict, expect: dict, *,
          known_emails: list[str] | None = None, known_phones: list[str] | None = None, tags: tuple[str, ...] = ()) -> CaseSpec:
    inputs: dict = {"document": document}
    if known_emails:
        inputs["known_emails"] = known_emails
    if known_phones:
        inputs["known_phones"] = known_phones
    return CaseSpec(_SUITE, name, {"rpc": "MatchProfile", "description": description, "tags": list(tags),
                                   "inputs": inputs, "declared": declared, "expect": expect})


def _document(surname: str, given: str, birth: str = "1985-06-15", nationality: str = "UTO") -> dict:
    return {"document_type": "P", "issuing_country": "UTO", "surname": surname, "given_names": given,
            "document_number": "L898902C3", "nationality": nationality, "birth_date": birth, "sex": "F",
            "expiry_date": "2034-04-15"}


def profile_cases(seed: int, size: str) -> list[CaseSpec]:
    """The profile suite; "large" adds the name cases again with shuffled dates of birth."""
    rng = random.Random(f"profile:{seed}")
    cases = []
    rounds = 1 if size == "small" else 6
    for round_index in range(rounds):
        suffix = "" if round_index == 0 else f"_{round_index:02d}"
        birth = "1985-06-15" if round_index == 0 else f"{rng.randint(1940, 2004)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        for name, description, declared, surname, given, expect in _NAMES:
            cases.append(_case(f"name_{name}{suffix}", description, {"full_name": declared, "birth_date": birth},
                               _document(surname, given, birth), expect, tags=("name",)))
    cases.append(_case("dob_mismatch", "the declared date of birth is a year off", {"full_name": "John Smith",
                       "birth_date": "1986-06-15"}, _document("SMITH", "JOHN"),
                       {"decision": "NO_MATCH", "reasons_include": ["DOB_MISMATCH"]}, tags=("dob",)))
    cases.append(_case("dob_day_month_swapped", "day and month swapped, as users in another locale type them",
                       {"full_name": "John Smith", "birth_date": "1985-04-03"}, _document("SMITH", "JOHN", "1985-03-04"),
                       {"fields": {"birth_date.level": "PARTIAL"}, "reasons_exclude": ["NAME_MISMATCH"]}, tags=("dob",)))
    cases.append(_case("email_provider_rules", "gmail ignores dots and +tags: the same mailbox",
                       {"full_name": "John Smith", "birth_date": "1985-06-15", "email": "John.Smith+market@Gmail.com"},
                       _document("SMITH", "JOHN"), {"fields": {"email.level": "MATCH"}},
                       known_emails=["johnsmith@gmail.com"], tags=("contact",)))
    cases.append(_case("email_invalid", "an address without a domain",
                       {"full_name": "John Smith", "birth_date": "1985-06-15", "email": "john.smith@"},
                       _document("SMITH", "JOHN"), {"reasons_include": ["EMAIL_INVALID"]}, tags=("contact",)))
    cases.append(_case("phone_national_format", "a French number typed nationally matches its E.164 form",
                       {"full_name": "Hélène Lefèvre", "birth_date": "1985-06-15", "phone": "06 12 34 56 78",
                        "country": "FR"}, _document("LEFEVRE", "HELENE", nationality="FRA"),
                       {"fields": {"phone.level": "MATCH", "phone.declared_normalized": "+33612345678"}},
                       known_phones=["+33 6 12 34 56 78"], tags=("contact",)))
    cases.append(_case("phone_invalid", "too few digits for any number plan",
                       {"full_name": "John Smith", "birth_date": "1985-06-15", "phone": "12", "country": "GB"},
                       _document("SMITH", "JOHN", nationality="GBR"), {"reasons_include": ["PHONE_INVALID"]},
                       tags=("contact",)))
    return cases
