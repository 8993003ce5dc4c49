"""ReadDocument and VerifyIdentity cases on documents from the project's generator.

Uses :mod:`idverify.docgen` (``generate_document``; for a check-digit failure its TD3 renderer
with one MRZ digit changed). The packaged portraits (:mod:`~idverify.qa.builder.images`) are
printed on the documents, so VerifyIdentity cases compare a real face with its own other photo
(genuine) or with the other person's (impostor).

Dates drift: a document is "valid" for years after the build (expiry at least five years on)
and "expired" for ever; rebuild the suite (same seed) to refresh.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from idverify.qa.builder import images as im
from idverify.qa.builder.spec import CaseSpec

__all__ = ["available", "document_cases", "verify_cases"]

_MIN_VALID_YEARS = 5


def available() -> bool:
    """True when the document generator is importable in this build."""
    try:
        import idverify.docgen  # noqa: F401
    except ImportError:
        return False
    return True


def _valid(generate, seed: int, today: dt.date, **kwargs):
    """The first document from ``seed`` on whose expiry is at least five years away."""
    for attempt in range(200):
        document = generate(seed * 1000 + attempt, today=today, expired=False, **kwargs)
        if document.truth.expiry_date >= today.replace(year=today.year + _MIN_VALID_YEARS):
            return document
    raise RuntimeError("the document generator never gave a far expiry")


def _fields(truth, *, names: bool = True) -> dict[str, str]:
    out = {"document_number": truth.document_number, "birth_date": truth.birth_date.isoformat(),
           "expiry_date": truth.expiry_date.isoformat()}
    if truth.mrz_lines:
        out.update(nationality=truth.nationality, issuing_country=truth.issuing_country, sex=truth.sex)
        if names:
            out.update(surname=truth.mrz_surname, given_names=truth.mrz_given_names)
    return out


#: A lossless page larger than this (bytes) is stored as a JPEG scan, to keep the suite small.
_MAX_PNG_BYTES = 150_000


def _compact(content: bytes) -> bytes:
    if content[:4] != b"\x89PNG" or len(content) <= _MAX_PNG_BYTES:
        return content
    import io

    from PIL import Image

    with Image.open(io.BytesIO(content)) as image:
        return im.encode(image.convert("RGB"), "JPEG", quality=82)


def _files(document, prefix: str = "document") -> tuple[list[str], dict[str, bytes]]:
    names, files = [], {}
    for index, content in enumerate(document.images):
        content = _compact(content)
        ext = "png" if content[:4] == b"\x89PNG" else "jpg"
        name = f"{prefix}_{'front' if index == 0 else 'back'}.{ext}"
        names.append(name)
        files[name] = content
    return names, files


def _read_case(name: str, description: str, document, expect: dict, tags: tuple[str, ...]) -> CaseSpec:
    names, files = _files(document)
    return CaseSpec("documents", name, {"rpc": "ReadDocument", "description": description, "tags": list(tags),
                                        "inputs": {"images": names}, "expect": expect}, files)


def _bad_check_digit(seed: int, today: dt.date, portrait) -> Any:
    """A TD3 page whose MRZ birth-date check digit is wrong (a forged or misprinted page)."""
    from idverify.docgen import DocumentTruth, GeneratedDocument
    from idverify.docgen.degrade import degrade
    from idverify.docgen.identities import random_identity
    from idverify.docgen.render import render_td3, soften
    from idverify.documents.mrz import MrzFields, MrzFormat, compose_mrz

    rng = random.Random(f"bad-check:{seed}")
    ident = random_identity(rng, today, expired=False)
    fields = MrzFields(MrzFormat.TD3, "P", "UTO", ident.surname, ident.given_names, ident.document_number,
                       ident.nationality, ident.birth_date.strftime("%y%m%d"), ident.sex,
                       ident.expiry_date.strftime("%y%m%d"), optional_data=ident.personal_number)
    lines, _ = compose_mrz(fields)
    line2 = lines[1]
    # position 19 of TD3 line 2 is the birth-date check digit; 3, 4, 6, 7 and 9 are no OCR
    # confusion of any other character, so a reader cannot "correct" them back
    wrong = next(d for d in "34679" if d != line2[19])
    lines = (lines[0], line2[:19] + wrong + line2[20:])
    drawn = render_td3(ident, lines, portrait, rng, issuing="UTO", ghost=True)
    photo = degrade(soften(drawn.image), "clean", rng)
    truth = DocumentTruth(kind="td3", mrz_format=MrzFormat.TD3, mrz_lines=lines, document_type="P",
                          issuing_country="UTO", surname=ident.surname, given_names=ident.given_names,
                          mrz_surname="", mrz_given_names="", name_truncated=False,
                          document_number=ident.document_number, nationality=ident.nationality,
                          birth_date=ident.birth_date, expiry_date=ident.expiry_date, sex=ident.sex,
                          portrait_image_index=0, portrait_box=drawn.portrait_box, ghost_box=drawn.ghost_box,
                          barcode_text="", level="clean", rotations=(0.0,), quads=())
    return GeneratedDocument((photo.encoded,), (photo.image,), truth)


def document_cases(seed: int, size: str, today: dt.date) -> list[CaseSpec]:
    """The documents suite: clean, mild and strong photos of TD3, TD1 and licences, expired
    documents, a check-digit failure, a photo without a document, a corrupt upload."""
    from idverify.docgen import generate_document

    hopper, astronaut = im.portrait("hopper"), im.portrait("astronaut")
    cases = []
    levels = [("td3", "clean"), ("td3", "mild"), ("td1", "clean"), ("td1", "mild"), ("td3", "strong")]
    if size == "large":
        levels = [(k, lv) for k in ("td3", "td1") for lv in ("clean", "mild", "strong") for _ in range(8)]
    for index, (kind, level) in enumerate(levels):
        document = _valid(generate_document, seed + index, today, kind=kind, level=level,
                          portrait=hopper if index % 2 == 0 else astronaut)
        cases.append(_read_case(f"{kind}_{level}_{index:02d}", f"a {kind.upper()} document photographed at level "
                                f"{level}: every MRZ field read", document,
                                {"document": _fields(document.truth), "reasons_exclude": ["MRZ_INVALID", "DOCUMENT_EXPIRED"]},
                                (kind, level)))
    licence = _valid(generate_document, seed + 50, today, kind="dl", level="clean", portrait=hopper)
    cases.append(_read_case("dl_pdf417_clean", "an AAMVA driver's licence, front and PDF417 back", licence,
                            {"document": _fields(licence.truth, names=False), "reasons_exclude": ["DOCUMENT_EXPIRED"]},
                            ("dl", "barcode")))
    expired = generate_document(seed + 60, kind="td3", level="clean", portrait=astronaut, today=today, expired=True)
    cases.append(_read_case("td3_expired", "a passport that expired before the build date", expired,
                            {"reasons_include": ["DOCUMENT_EXPIRED"],
                             "document": {"expiry_date": expired.truth.expiry_date.isoformat()}}, ("expired",)))
    bad = _bad_check_digit(seed, today, hopper)
    cases.append(_read_case("td3_check_digit_failure", "the MRZ birth-date check digit does not match the date",
                            bad, {"reasons_include": ["MRZ_INVALID"]}, ("check_digit",)))
    cases.append(CaseSpec("documents", "no_document_photo", {
        "rpc": "ReadDocument", "description": "a photo of a coffee cup instead of a document: a clear reason, no crash",
        "tags": ["unreadable"], "inputs": {"images": ["front.jpg"]},
        "expect": {"reasons_any": ["DOCUMENT_NOT_FOUND", "DOCUMENT_UNREADABLE"]}},
        {"front.jpg": im.encode(im.scene("coffee"))}))
    cases.append(CaseSpec("documents", "corrupt_upload", {
        "rpc": "ReadDocument", "description": "a document photo cut off mid-upload",
        "tags": ["unreadable"], "inputs": {"images": ["front.jpg"]},
        "expect": {"error": {"code": "INVALID_ARGUMENT", "reason": "IMAGE_UNREADABLE"}}},
        {"front.jpg": im.truncated(_compact(expired.images[0]), 0.3)}))
    return cases


def _verify_case(name: str, description: str, photo: bytes, document, declared: dict[str, str], expect: dict, *,
                 pair: str | None, tags: tuple[str, ...]) -> CaseSpec:
    names, files = _files(document)
    files["profile_photo.jpg"] = photo
    return CaseSpec("verify", name, {"rpc": "VerifyIdentity", "description": description, "tags": list(tags),
                                     "pair": pair, "genuine_pair": "edited_copy" if pair == "genuine" else None,
                                     "inputs": {"profile_photo": "profile_photo.jpg", "document_images": names},
                                     "declared": declared, "expect": expect}, files)


def _declared(truth, **override: str) -> dict[str, str]:
    out = {"full_name": f"{truth.given_names} {truth.surname}", "birth_date": truth.birth_date.isoformat()}
    out.update(override)
    return out


def verify_cases(seed: int, size: str, today: dt.date) -> list[CaseSpec]:
    """The verify suite: the holder approved, another person's photo, a wrong name, a wrong date
    of birth, an expired document, an unreadable document, no face on the profile photo, an
    MRZ check-digit failure, an underage holder. Decisions follow the default policy
    (idverify/policy/default_policy.toml)."""
    from idverify.docgen import generate_document

    rng = random.Random(f"verify:{seed}")
    cases = []
    people = {"hopper": im.portrait("hopper"), "astronaut": im.portrait("astronaut")}
    rounds = 1 if size == "small" else 6
    for round_index in range(rounds):
        suffix = "" if round_index == 0 else f"_{round_index:02d}"
        for index, (person, face) in enumerate(people.items()):
            other = people["astronaut" if person == "hopper" else "hopper"]
            kind = "td3" if index == 0 else "td1"
            document = _valid(generate_document, seed + 100 + index + 10 * round_index, today, kind=kind,
                              level="mild", portrait=face)
            truth = document.truth
            photo = im.encode(im.scaled(im.augment(face, rng, strength=0.7), 420), quality=85)
            cases.append(_verify_case(f"genuine_{person}{suffix}", f"the holder ({person}) with another photo of "
                                      "themselves and the name as printed", photo, document, _declared(truth),
                                      {"decision": "APPROVE", "reasons_exclude": ["FACE_MISMATCH", "NAME_MISMATCH",
                                                                                  "DOB_MISMATCH", "DOCUMENT_EXPIRED"]},
                                      pair="genuine", tags=("genuine",)))
            impostor = im.encode(im.scaled(im.augment(other, rng, strength=0.5), 420), quality=85)
            cases.append(_verify_case(f"impostor_on_{person}_document{suffix}", "another person's photo with "
                                      f"{person}'s document and name", impostor, document, _declared(truth),
                                      {"decision": "REJECT", "reasons_include": ["FACE_MISMATCH"]},
                                      pair="impostor", tags=("impostor",)))
    hopper_doc = _valid(generate_document, seed + 200, today, kind="td3", level="mild", portrait=people["hopper"])
    truth = hopper_doc.truth
    photo = im.encode(im.scaled(im.augment(people["hopper"], rng, strength=0.5), 420), quality=85)
    cases.append(_verify_case("wrong_name", "the holder's face and document, but somebody else's name", photo,
                              hopper_doc, _declared(truth, full_name="Margaret Hamilton"),
                              {"decision": "REJECT", "reasons_include": ["NAME_MISMATCH"]}, pair="genuine",
                              tags=("name",)))
    wrong_dob = truth.birth_date.replace(year=truth.birth_date.year - 3).isoformat()
    cases.append(_verify_case("wrong_birth_date", "the declared date of birth three years off", photo, hopper_doc,
                              _declared(truth, birth_date=wrong_dob),
                              {"decision": "REJECT", "reasons_include": ["DOB_MISMATCH"]}, pair="genuine",
                              tags=("dob",)))
    expired = generate_document(seed + 300, kind="td3", level="mild", portrait=people["hopper"], today=today,
                                expired=True)
    cases.append(_verify_case("expired_document", "the holder with an expired passport", photo, expired,
                              _declared(expired.truth),
                              {"decision": "REJECT", "reasons_include": ["DOCUMENT_EXPIRED"]}, pair="genuine",
                              tags=("expired",)))
    scene = im.scene("rocket")
    unreadable = type(hopper_doc)((im.encode(scene),), (), hopper_doc.truth)
    cases.append(_verify_case("unreadable_document", "a photo of a rocket instead of the document", photo, unreadable,
                              _declared(truth), {"decision": "REJECT",
                                                 "reasons_any": ["DOCUMENT_UNREADABLE", "DOCUMENT_NOT_FOUND"]},
                              pair=None, tags=("unreadable",)))
    cases.append(_verify_case("no_face_on_profile_photo", "a profile photo of a coffee cup", im.encode(im.scene("coffee")),
                              hopper_doc, _declared(truth),
                              {"decision": "REJECT", "reasons_include": ["NO_FACE_ON_PROFILE_PHOTO"],
                               "reasons_exclude": ["FACE_MISMATCH"]}, pair=None, tags=("no_face",)))
    bad = _bad_check_digit(seed + 400, today, people["astronaut"])
    astronaut_photo = im.encode(im.scaled(im.augment(people["astronaut"], rng, strength=0.5), 420), quality=85)
    cases.append(_verify_case("mrz_check_digit_failure", "the holder, but the MRZ birth-date check digit is wrong: "
                              "a misread or a forgery, for a human", astronaut_photo, bad, _declared(bad.truth),
                              {"decision": "REVIEW", "reasons_include": ["MRZ_INVALID"],
                               "reasons_exclude": ["FACE_MISMATCH", "NAME_MISMATCH"]}, pair="genuine",
                              tags=("check_digit",)))
    minor = _valid(generate_document, seed + 500, today, kind="td3", level="mild", portrait=people["astronaut"], age=12)
    cases.append(_verify_case("underage_holder", "a genuine holder aged 12 at the build date", astronaut_photo, minor,
                              _declared(minor.truth), {"decision": "REJECT", "reasons_include": ["UNDERAGE"]},
                              pair="genuine", tags=("underage",)))
    return cases
