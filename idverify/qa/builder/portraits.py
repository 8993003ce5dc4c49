"""A suite from any folder of portraits organised one sub-folder per person.

Genuine pairs are two photos of one person, impostor pairs photos of two people (seeded
sample). With the document generator, each person's first photo is also printed on a
generated passport: a VerifyIdentity case with the person's other photo (APPROVE) and with
another person's (REJECT, FACE_MISMATCH).

The output holds copies of the portraits: it is marked ignored for git (a ``.gitignore`` of
``*``) so a consented corpus or ../shared never lands in a commit by accident.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from idverify.qa.builder.spec import CaseSpec
from idverify.qa.suite import SuiteError

__all__ = ["IMAGE_SUFFIXES", "portrait_cases", "portraits_by_person"]

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".heic", ".heif", ".bmp", ".tif", ".tiff")


def portraits_by_person(root: Path) -> dict[str, list[Path]]:
    """Person folder name -> its image files (sorted); SuiteError if fewer than two people."""
    if not root.is_dir():
        raise SuiteError([f"{root}: not a folder of person folders"], file=str(root))
    people = {}
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        files = sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file())
        if files:
            people[folder.name] = files
    if len(people) < 2:
        raise SuiteError([f"{root}: needs at least two person folders with images, found {len(people)}"], file=str(root))
    return people


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in text)[:40]


def _compare(name: str, a: Path, b: Path, pair: str) -> CaseSpec:
    expect = {"decision": "MATCH"} if pair == "genuine" else {"decision": "NO_MATCH"}
    data = {"rpc": "CompareFaces", "description": f"{pair} pair from a portrait folder", "tags": [pair], "pair": pair,
            "genuine_pair": "distinct_photos" if pair == "genuine" else None,
            "inputs": {"reference": f"reference{a.suffix.lower()}", "probe": f"probe{b.suffix.lower()}",
                       "reference_kind": "portrait"},
            "expect": expect}
    return CaseSpec("portraits_faces", name, data, {f"reference{a.suffix.lower()}": a.read_bytes(),
                                                    f"probe{b.suffix.lower()}": b.read_bytes()})


def portrait_cases(root: Path, seed: int, *, max_genuine_per_person: int = 6, impostors_per_person: int = 3,
                   documents: bool = True, today: dt.date | None = None) -> list[CaseSpec]:
    """CompareFaces (and, with the generator, VerifyIdentity) cases from ``root``."""
    rng = random.Random(f"portraits:{seed}")
    people = portraits_by_person(root)
    names = sorted(people)
    cases: list[CaseSpec] = []
    for person in names:
        pairs = list(itertools.combinations(people[person], 2))
        rng.shuffle(pairs)
        for index, (a, b) in enumerate(pairs[:max_genuine_per_person]):
            cases.append(_compare(f"genuine_{_slug(person)}_{index:02d}", a, b, "genuine"))
        others = [n for n in names if n != person]
        for index, other in enumerate(rng.sample(others, min(impostors_per_person, len(others)))):
            cases.append(_compare(f"impostor_{_slug(person)}_{_slug(other)}_{index:02d}",
                                  rng.choice(people[person]), rng.choice(people[other]), "impostor"))
    if documents:
        cases += _document_cases(people, rng, today or dt.date.today())
    return cases


def _document_cases(people: dict[str, list[Path]], rng: random.Random, today: dt.date) -> list[CaseSpec]:
    from idverify.qa.builder.documents import _declared, _files, _valid, available

    if not available():
        return []
    from idverify.docgen import generate_document

    cases = []
    names = sorted(people)
    for index, person in enumerate(names):
        photos = people[person]
        try:
            with Image.open(photos[0]) as image:
                face = image.convert("RGB")
        except (OSError, UnidentifiedImageError):
            continue
        document = _valid(generate_document, 4000 + index, today, kind="td3", level="mild", portrait=face)
        doc_names, doc_files = _files(document)
        declared = _declared(document.truth)
        candidates = [("genuine", p) for p in photos[1:2]]
        other = rng.choice([n for n in names if n != person])
        candidates.append(("impostor", rng.choice(people[other])))
        for pair, photo in candidates:
            expect = ({"decision": "APPROVE", "reasons_exclude": ["FACE_MISMATCH"]} if pair == "genuine"
                      else {"decision": "REJECT", "reasons_include": ["FACE_MISMATCH"]})
            files = dict(doc_files)
            files[f"profile_photo{photo.suffix.lower()}"] = photo.read_bytes()
            cases.append(CaseSpec("portraits_verify", f"{pair}_{_slug(person)}", {
                "rpc": "VerifyIdentity", "description": f"{pair}: a generated passport printed with a portrait",
                "tags": [pair], "pair": pair, "genuine_pair": "distinct_photos" if pair == "genuine" else None,
                "inputs": {"profile_photo": f"profile_photo{photo.suffix.lower()}", "document_images": doc_names},
                "declared": declared, "expect": expect}, files))
    return cases
