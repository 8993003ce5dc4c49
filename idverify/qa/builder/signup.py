"""Signup scenarios: Signup steps with real face photos on generated documents.

Five scenarios, built the same way from the packaged photos (suite ``signup``) and from a
folder of portraits (suite ``portraits_signup``, ``--from-portraits``):

- ``holder_approved``: a holder signs up (APPROVE, ALLOW); a dry run of the same identity under
  another account is a duplicate, and stores nothing.
- ``same_person_second_account``: the holder signs up again with another photo, another
  generated document (so another name, birth date and number) and another email: only the
  face can link the two accounts (REVIEW: a face alone is DUPLICATE_FACE_ONLY, the first
  account linked).
- ``family_shared_device_and_address``: another person on the holder's device and IP address,
  with their own face and document: not BLOCK, two persons.
- ``shared_card_two_people``: two people, each with their own face and document, paying with
  one card. The linker counts a card as strong evidence that joins on its own, and different
  faces demote only name evidence, so the second account is a duplicate (BLOCK).
- ``reverified_with_stranger_selfie``: the holder's account verified again with the same
  document and a stranger's selfie: FACE_MISMATCH and SHARED_ACCOUNT.

No installed package ships two photos of one person, so the packaged "second photo" is an
edited copy of the first (``genuine_pair = "edited_copy"``); from portraits the second signup
uses photos the first did not (``distinct_photos``). A face cannot be namespaced like a document
number, so the runner runs scenarios with Signup steps one at a time (see
:mod:`idverify.qa.runner`).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image, UnidentifiedImageError

from idverify.qa.builder import images as im
from idverify.qa.builder.spec import CaseSpec

__all__ = ["Person", "packaged_people", "portrait_people", "signup_cases"]

#: IP addresses of the signup scenarios: TEST-NET-1, apart from the linking suite's ranges.
_IP = "192.0.2.{}"


@dataclass(frozen=True)
class Person:
    """Someone who signs up: the portraits printed on their documents and their selfies."""

    slug: str
    #: Portraits for the first and (holder only) the second generated document.
    portraits: tuple[Image.Image, ...]
    #: Selfies for the first and (holder only) the second signup: (encoded bytes, file suffix).
    selfies: tuple[tuple[bytes, str], ...]


def packaged_people(seed: int) -> tuple[Person, Person]:
    """The holder (hopper, whose second photo and second portrait are edited copies) and the
    stranger (astronaut), from the packaged photos."""
    rng = random.Random(f"signup-people:{seed}")

    def selfie(face: Image.Image) -> tuple[bytes, str]:
        return im.encode(im.scaled(im.augment(face, rng, strength=0.7), 420), quality=85), ".jpg"

    hopper, astronaut = im.portrait("hopper"), im.portrait("astronaut")
    holder = Person("hopper", (hopper, im.augment(hopper, rng, strength=0.5, mirror=True)),
                    (selfie(hopper), selfie(hopper)))
    return holder, Person("astronaut", (astronaut,), (selfie(astronaut),))


def _open(path: Path) -> Image.Image | None:
    try:
        with Image.open(path) as image:
            return image.convert("RGB")
    except (OSError, UnidentifiedImageError):
        return None


def portrait_people(people: dict[str, list[Path]], rng: random.Random) -> tuple[Person, Person] | None:
    """A holder with at least three photos (the second signup uses photos the first did not:
    the third, and the fourth when there is one) and a stranger, chosen with ``rng`` among the
    people with the most photos and the rest; None when nobody has three readable photos."""
    readable = {name: [p for p in paths if _open(p) is not None] for name, paths in sorted(people.items())}
    candidates = [n for n, paths in readable.items() if len(paths) >= 3]
    if not candidates:
        return None
    most = max(len(readable[n]) for n in candidates)
    name = rng.choice([n for n in candidates if len(readable[n]) == most])
    photos = readable[name]
    second_selfie = photos[3] if len(photos) > 3 else photos[2]
    holder = Person(name, (_open(photos[0]), _open(photos[2])),
                    ((photos[1].read_bytes(), photos[1].suffix.lower()),
                     (second_selfie.read_bytes(), second_selfie.suffix.lower())))
    other = rng.choice([n for n in readable if n != name and len(readable[n]) >= 2] or
                       [n for n in readable if n != name and readable[n]])
    first, selfie = readable[other][0], readable[other][-1]
    return holder, Person(other, (_open(first),), ((selfie.read_bytes(), selfie.suffix.lower()),))


class _Builder:
    """Files and Signup steps of one scenario; image files are shared between its steps."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.steps: list[dict[str, Any]] = []

    def signup(self, account: str, document: tuple[list[str], dict[str, bytes]] | None, declared: dict[str, str],
               selfie: tuple[bytes, str], expect: dict[str, Any], *, signals: list[dict] | None = None,
               dry_run: bool = False, prefix: str | None = None) -> None:
        """Add a Signup step; ``document`` (names, files) from :func:`_document`."""
        prefix = prefix or f"step{len(self.steps) + 1}"
        photo = f"{prefix}_selfie{selfie[1]}"
        self.files[photo] = selfie[0]
        names, files = document
        self.files.update(files)
        step: dict[str, Any] = {"call": "Signup", "account": account, "kind": "FREELANCER", "photo": photo,
                                "documents": names, "declared": declared, "signals": signals or [],
                                "expect": expect}
        if dry_run:
            step["dry_run"] = True
        self.steps.append(step)


def _document(seed: int, today: dt.date, portrait: Image.Image, prefix: str):
    """A generated passport (expiry at least five years on) and its declared profile."""
    from idverify.docgen import generate_document
    from idverify.qa.builder.documents import _declared, _files, _valid

    document = _valid(generate_document, seed, today, kind="td3", level="clean", portrait=portrait)
    return _files(document, prefix), _declared(document.truth)


_APPROVED = {"decision": "APPROVE", "link_decision": "ALLOW",
             "reasons_exclude": ["DUPLICATE_PERSON", "SHARED_ACCOUNT", "FACE_MISMATCH"]}


def signup_cases(suite: str, holder: Person, stranger: Person, *, seed: int, today: dt.date,
                 genuine_pair: str) -> list[CaseSpec]:
    """The five signup scenarios (module docstring) for ``holder`` and ``stranger``."""
    rng = random.Random(f"signup:{seed}")
    base = 7000 + 100 * (seed % 50)
    first_doc, first_declared = _document(base, today, holder.portraits[0], "doc1")
    other_doc, other_declared = _document(base + 1, today, stranger.portraits[0], "doc2")

    def declared(profile: dict[str, str], tag: str, **extra: str) -> dict[str, str]:
        return {**profile, "email": f"{tag}.{{ns}}@example.org", **extra}

    def signals(*pairs: tuple[str, str]) -> list[dict[str, str]]:
        return [{"type": kind, "value": value} for kind, value in pairs]

    h, s = holder.slug, stranger.slug
    cases = []

    b = _Builder()
    # the residence differs from the document's nationality: information, not a reason to review
    b.signup("h", first_doc, declared(first_declared, "holder", residence_country="FR"), holder.selfies[0],
             dict(_APPROVED), signals=signals(("DEVICE_ID", f"dev-{rng.randrange(10**8):08d}-{{ns}}")))
    b.signup("probe", first_doc, declared(first_declared, "holder.again"), holder.selfies[0],
             {"link_decision": "BLOCK", "decision": "REJECT", "reasons_include": ["DUPLICATE_PERSON"],
              "linked_include": ["h"]}, dry_run=True, prefix="step1")
    cases.append(CaseSpec(suite, "holder_approved", {
        "rpc": "LinkingScenario", "description": f"{h} signs up with a selfie and their passport: one APPROVE over "
        "both rules; a dry run of the same identity under another account is a duplicate and stores nothing",
        "tags": ["signup"], "steps": b.steps, "groups": [["h"]]}, b.files))

    b = _Builder()
    second_doc, second_declared = _document(base + 2, today, holder.portraits[1], "doc2")
    b.signup("h1", first_doc, declared(first_declared, "first"), holder.selfies[0], dict(_APPROVED))
    b.signup("h2", second_doc, declared(second_declared, "second"), holder.selfies[1],
             {"decision": "REVIEW", "link_decision": "REVIEW",
              "reasons_include": ["DUPLICATE_FACE_ONLY"], "reasons_exclude": ["FACE_MISMATCH"], "linked_include": ["h1"],
              "same_person": [["h1", "h2"]]})
    cases.append(CaseSpec(suite, "same_person_second_account", {
        "rpc": "LinkingScenario", "description": f"{h} signs up again with another photo, another generated passport "
        "(another name, birth date and number) and another email: only the face links the accounts",
        "tags": ["signup", "genuine"], "genuine_pair": genuine_pair, "steps": b.steps, "groups": [["h1", "h2"]]},
        b.files))

    b = _Builder()
    device, ip = f"dev-{rng.randrange(10**8):08d}-{{ns}}", _IP.format(10 + seed % 200)
    shared = signals(("DEVICE_ID", device), ("IP_ADDRESS", ip))
    b.signup("h", first_doc, declared(first_declared, "parent"), holder.selfies[0], dict(_APPROVED), signals=shared)
    b.signup("o", other_doc, declared(other_declared, "child"), stranger.selfies[0],
             {"decision": ["APPROVE", "REVIEW"], "link_decision": ["ALLOW", "REVIEW"],
              "reasons_exclude": ["DUPLICATE_PERSON", "FACE_MISMATCH"], "linked_exclude": ["h"],
              "different_person": [["h", "o"]]}, signals=shared)
    cases.append(CaseSpec(suite, "family_shared_device_and_address", {
        "rpc": "LinkingScenario", "description": f"{s} signs up on {h}'s device and home IP address with their own "
        "face and passport: shared weak and medium signals never make one person", "tags": ["signup"],
        "steps": b.steps, "groups": [["h"], ["o"]]}, b.files))

    b = _Builder()
    card = signals(("CARD_FINGERPRINT", f"card_{rng.randrange(10**8):08d}_{{ns}}"))
    b.signup("h", first_doc, declared(first_declared, "cardholder"), holder.selfies[0], dict(_APPROVED), signals=card)
    b.signup("o", other_doc, declared(other_declared, "cardborrower"), stranger.selfies[0],
             {"decision": "REJECT", "link_decision": "BLOCK", "reasons_include": ["DUPLICATE_PERSON"],
              "reasons_exclude": ["FACE_MISMATCH"], "linked_include": ["h"], "same_person": [["h", "o"]]},
             signals=card)
    cases.append(CaseSpec(suite, "shared_card_two_people", {
        "rpc": "LinkingScenario", "description": f"{h} and {s}, each verified with their own face and passport, pay "
        "with one card: a card is strong evidence that joins on its own (different faces demote only name "
        "evidence), so the second freelancer account is a duplicate", "tags": ["signup"], "steps": b.steps,
        "groups": [["h", "o"]]}, b.files))

    b = _Builder()
    b.signup("h", first_doc, declared(first_declared, "owner"), holder.selfies[0], dict(_APPROVED))
    b.signup("h", first_doc, declared(first_declared, "owner"), stranger.selfies[0],
             {"decision": "REJECT", "link_decision": ["REVIEW", "BLOCK"],
              "reasons_include": ["SHARED_ACCOUNT", "FACE_MISMATCH"]})
    cases.append(CaseSpec(suite, "reverified_with_stranger_selfie", {
        "rpc": "LinkingScenario", "description": f"{h}'s account verified again with the same passport and {s}'s "
        "selfie: the face does not match the document, and the account now shows two people",
        "tags": ["signup", "impostor"], "steps": b.steps, "groups": [["h"]]}, b.files))
    return cases
