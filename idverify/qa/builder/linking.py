"""Linking scenarios: ordered LinkingService calls with the expected decisions and persons.

Values that identify someone (document numbers, cards, emails) carry ``{ns}``, which the runner
replaces by a per-run, per-scenario namespace, so scenarios never link to each other or to an
earlier run's data. IP addresses come from the documentation ranges, one per scenario. Face
embeddings are synthetic 128-d vectors on the scale of dlib's (a near-identical face is the same
vector plus noise of norm about 0.15; another person's is an independent vector, distance about
1.4), plus one pair measured with dlib on the packaged photos when face_recognition is there.
"""

from __future__ import annotations

import random
from typing import Any

import numpy as np

from idverify.qa.builder.spec import CaseSpec

__all__ = ["linking_cases"]

_SUITE = "linking"


def _sig(kind: str, value: str = "", **extra: Any) -> dict[str, Any]:
    return {"type": kind, "value": value, **extra}


def _register(account: str, kind: str, signals: list[dict], expect: dict | None = None, owner: str | None = None) -> dict:
    step: dict[str, Any] = {"call": "RegisterAccount", "account": account, "kind": kind, "signals": signals}
    if owner:
        step["owner"] = owner
    if expect:
        step["expect"] = expect
    return step


_GIVEN = ("Alice", "Bruno", "Chen", "Dana", "Tom", "Peter", "Olga", "Helga", "Ana", "Ben", "Ravi", "Sam", "Lena",
          "Marco", "Nora", "Kim", "Min", "Eva", "Ivo", "Jana", "Omar", "Pia", "Yusuf", "Aiko", "Lars", "Mira", "Tariq",
          "Ines", "Kofi", "Greta")
_SURNAMES = ("Martin", "Costa", "Li", "Weiss", "Baker", "Davison", "Ivanova", "Silva", "Okafor", "Kumar", "Carter",
             "Vogel", "Bianchi", "Lind", "Park", "Novak", "Petrov", "Horak", "Haddad", "Berg", "Demir", "Sato",
             "Nilsen", "Rahman", "Moreau", "Mensah", "Keller", "Quinn", "Duarte", "Lindqvist")
#: (given name, a nickname of it) as the nicknames package knows them.
_NICKNAMES = (("Robert", "Bob"), ("William", "Bill"), ("Alexander", "Sasha"), ("Elizabeth", "Liz"),
              ("Margaret", "Peggy"), ("Richard", "Rick"), ("Katherine", "Kate"), ("James", "Jim"))


class _People:
    """Names and dates of birth for scenario holders. Every date of birth is used once in a
    build, so a name and birth date never links two scenarios (names repeat, as in life)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def birth_date(self) -> str:
        while True:
            birth = f"{self.rng.randint(1950, 2003)}-{self.rng.randint(1, 12):02d}-{self.rng.randint(1, 28):02d}"
            if birth not in self.used:
                self.used.add(birth)
                return birth

    def person(self, given: str | None = None) -> tuple[str, str]:
        """(full name, birth date)."""
        return f"{given or self.rng.choice(_GIVEN)} {self.rng.choice(_SURNAMES)}", self.birth_date()


def _identity(rng: random.Random, tag: str, holder: tuple[str, str]) -> list[dict]:
    name, birth = holder
    number = f"X{rng.randrange(10**7):07d}{{ns}}"
    return [_sig("DOCUMENT_NUMBER", number, country="UTO"), _sig("NAME_AND_BIRTH_DATE", name, birth_date=birth),
            _sig("EMAIL", f"{tag}.{{ns}}@example.org")]


class _Faces:
    """Synthetic embeddings: independent people far apart, the same person close."""

    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)

    def person(self) -> np.ndarray:
        return self.rng.normal(0.0, 0.09, 128)

    def again(self, base: np.ndarray) -> np.ndarray:
        return base + self.rng.normal(0.0, 0.013, 128)

    @staticmethod
    def signal(vector: np.ndarray) -> dict[str, Any]:
        return {"type": "FACE_EMBEDDING", "embedding": [round(float(x), 5) for x in vector]}


def _real_embeddings() -> tuple[np.ndarray, np.ndarray] | None:
    """dlib embeddings of hopper's portrait and of a mirrored, relit copy; None without dlib."""
    from PIL import ImageEnhance, ImageOps

    from idverify.qa.builder.images import face_recognition_module, portrait

    face_recognition = face_recognition_module()
    if face_recognition is None:
        return None

    first = portrait("hopper")
    second = ImageEnhance.Brightness(ImageOps.mirror(first)).enhance(1.15)
    encodings = [face_recognition.face_encodings(np.asarray(image))[:1] for image in (first, second)]
    if not all(encodings):
        return None
    return encodings[0][0], encodings[1][0]


def _scenarios(rng: random.Random, faces: _Faces, people: _People, index: int) -> list[tuple[str, str, list[dict], list[list[str]] | None]]:
    """(name, description, steps, groups) of every scenario template, with fresh values."""
    ip = f"203.0.113.{index % 250 + 1}" if index else "198.51.100.20"
    card = f"card_{rng.randrange(10**8):08d}_{{ns}}"
    out = []

    office = []
    for n in range(4):
        office.append(_register(f"a{n + 1}", "FREELANCER", _identity(rng, f"office{n}", people.person())
                                + [_sig("IP_ADDRESS", ip)],
                                {"decision": ["ALLOW", "REVIEW"], "reasons_exclude": ["DUPLICATE_PERSON"]}))
    out.append(("office_nat_shared_ip", "four colleagues behind one office NAT address: weak evidence never merges",
                office, [["a1"], ["a2"], ["a3"], ["a4"]]))

    same_doc = _identity(rng, "dup", people.person())
    other_name = people.person()
    out.append(("duplicate_document_other_name", "a second freelancer account with the same document under "
                "another name and email",
                [_register("a1", "FREELANCER", same_doc, {"decision": "ALLOW"}),
                 _register("a2", "FREELANCER", [same_doc[0], _sig("NAME_AND_BIRTH_DATE", other_name[0],
                                                                  birth_date=other_name[1]),
                                                _sig("EMAIL", "am.second.{ns}@example.net")],
                           {"decision": "BLOCK", "reasons_include": ["DUPLICATE_PERSON"], "linked_include": ["a1"],
                            "same_person": [["a1", "a2"]]})],
                [["a1", "a2"]]))

    out.append(("shared_card_other_name", "two freelancer accounts under different names paying with one card",
                [_register("a1", "FREELANCER", _identity(rng, "cardA", people.person())
                           + [_sig("CARD_FINGERPRINT", card)], {"decision": "ALLOW"}),
                 _register("a2", "FREELANCER", _identity(rng, "cardB", people.person())
                           + [_sig("CARD_FINGERPRINT", card)],
                           {"decision": "BLOCK", "reasons_include": ["DUPLICATE_PERSON"], "same_person": [["a1", "a2"]]})],
                [["a1", "a2"]]))

    base = faces.person()
    out.append(("near_identical_face_other_name", "the same face under a new name, document and email: linked, "
                "and reviewed, since a face alone does not block",
                [_register("a1", "FREELANCER", _identity(rng, "faceA", people.person())
                           + [faces.signal(base)], {"decision": "ALLOW"}),
                 _register("a2", "FREELANCER", _identity(rng, "faceB", people.person())
                           + [faces.signal(faces.again(base))],
                           {"decision": "REVIEW", "reasons_include": ["DUPLICATE_FACE_ONLY"],
                            "same_person": [["a1", "a2"]]})],
                [["a1", "a2"]]))

    out.append(("different_faces_no_link", "two people with unrelated faces and data stay apart",
                [_register("a1", "FREELANCER", _identity(rng, "dfA", people.person()) + [faces.signal(faces.person())],
                           {"decision": "ALLOW"}),
                 _register("a2", "FREELANCER", _identity(rng, "dfB", people.person()) + [faces.signal(faces.person())],
                           {"decision": "ALLOW", "reasons_exclude": ["DUPLICATE_PERSON"],
                            "different_person": [["a1", "a2"]]})],
                [["a1"], ["a2"]]))

    person = _identity(rng, "fc", people.person())
    out.append(("freelancer_and_client_allowed", "one person with a freelancer and a client profile is allowed",
                [_register("f", "FREELANCER", person, {"decision": "ALLOW"}),
                 _register("c", "CLIENT", person, {"decision": "ALLOW", "reasons_exclude": ["DUPLICATE_PERSON"],
                                                   "same_person": [["f", "c"]]})],
                [["f", "c"]]))

    person = _identity(rng, "fb", people.person())
    out.append(("feedback_building_self_hire", "a person hires their own freelancer account from their client account",
                [_register("f", "FREELANCER", person, {"decision": "ALLOW"}),
                 _register("c", "CLIENT", person[:1] + [_sig("EMAIL", "sc.buyer.{ns}@example.net")], {"decision": "ALLOW"}),
                 {"call": "RecordContract", "contract": "k1", "client": "c", "freelancer": "f",
                  "expect": {"decision": "BLOCK", "reasons_include": ["FEEDBACK_BUILDING"]}}],
                [["f", "c"]]))

    out.append(("contract_between_strangers", "an ordinary contract between two different people",
                [_register("f", "FREELANCER", _identity(rng, "csF", people.person()), {"decision": "ALLOW"}),
                 _register("c", "CLIENT", _identity(rng, "csC", people.person()), {"decision": "ALLOW"}),
                 {"call": "RecordContract", "contract": "k1", "client": "c", "freelancer": "f",
                  "expect": {"decision": "ALLOW", "reasons_exclude": ["FEEDBACK_BUILDING", "FEEDBACK_BUILDING_SUSPECTED"]}}],
                [["f"], ["c"]]))

    person = _identity(rng, "ag", people.person())
    out.append(("agency_owned_by_person", "an agency owned by the person's freelancer account shares their identity",
                [_register("f", "FREELANCER", person + [_sig("CARD_FINGERPRINT", card.replace("card_", "agcard_"))],
                           {"decision": "ALLOW"}),
                 _register("agency", "AGENCY", [_sig("CARD_FINGERPRINT", card.replace("card_", "agcard_"))],
                           {"decision": "ALLOW", "reasons_exclude": ["DUPLICATE_PERSON", "AGENCY_OWNER_MISMATCH"]},
                           owner="f")],
                None))

    shared = _sig("CARD_FINGERPRINT", card.replace("card_", "rvcard_"))
    out.append(("review_force_unlink_sticks", "a reviewer separates two accounts linked by a family card; "
                "later evidence does not undo it",
                [_register("a1", "FREELANCER", _identity(rng, "rvA", people.person()) + [shared]),
                 _register("a2", "CLIENT", _identity(rng, "rvB", min_park := people.person()) + [shared],
                           {"same_person": [["a1", "a2"]]}),
                 {"call": "RecordReview", "a": "a1", "b": "a2", "action": "FORCE_UNLINK", "reviewer": "qa-reviewer-1",
                  "note": "spouses sharing a card", "expect": {"different_person": [["a1", "a2"]]}},
                 _register("a2", "CLIENT", _identity(rng, "rvB2", min_park) + [shared],
                           {"different_person": [["a1", "a2"]]})],
                [["a1"], ["a2"]]))

    doc = _identity(rng, "del", people.person())
    out.append(("erasure_recomputes_person", "erasing an account removes its evidence: a later account links to the "
                "remaining one only",
                [_register("a1", "FREELANCER", doc, {"decision": "ALLOW"}),
                 _register("a2", "CLIENT", doc[:1], {"same_person": [["a1", "a2"]]}),
                 {"call": "DeleteAccount", "account": "a2", "reason": "gdpr_erasure", "expect": {"deleted": True}},
                 _register("a3", "CLIENT", doc[:1], {"linked_include": ["a1"], "linked_exclude": ["a2"],
                                                     "same_person": [["a1", "a3"]]})],
                [["a1", "a3"]]))

    out.append(("shared_account_two_documents", "one account presents a second person's document and face later",
                [_register("a1", "FREELANCER", _identity(rng, "shA", people.person())
                           + [faces.signal(faces.person())], {"decision": "ALLOW"}),
                 _register("a1", "FREELANCER", _identity(rng, "shB", people.person())
                           + [faces.signal(faces.person())],
                           {"decision": ["REVIEW", "BLOCK"], "reasons_include": ["SHARED_ACCOUNT"]})],
                None))

    doc = _identity(rng, "dry", people.person())
    out.append(("check_account_dry_run", "CheckAccount decides like RegisterAccount but stores nothing",
                [_register("a1", "FREELANCER", doc, {"decision": "ALLOW"}),
                 {"call": "CheckAccount", "account": "probe", "kind": "FREELANCER", "signals": doc[:1],
                  "expect": {"decision": "BLOCK", "reasons_include": ["DUPLICATE_PERSON"], "linked_include": ["a1"]}},
                 _register("a2", "FREELANCER", _identity(rng, "dry2", people.person()),
                           {"decision": "ALLOW", "different_person": [["a1", "a2"]]})],
                [["a1"], ["a2"]]))

    device = f"device-{rng.randrange(10**8):08d}-{{ns}}"
    given, nickname = rng.choice(_NICKNAMES)
    surname, birth = rng.choice(_SURNAMES), people.birth_date()
    out.append(("name_and_birth_date_nickname", "a nickname (Bob for Robert) with the same surname and date of birth (medium) "
                "and the same phone app install (medium): together, one person",
                [_register("a1", "FREELANCER", [_sig("NAME_AND_BIRTH_DATE", f"{given} {surname}", birth_date=birth),
                                                _sig("EMAIL", "rs.{ns}@example.org"), _sig("DEVICE_ID", device)],
                           {"decision": "ALLOW"}),
                 _register("a2", "FREELANCER", [_sig("NAME_AND_BIRTH_DATE", f"{nickname} {surname}", birth_date=birth),
                                                _sig("EMAIL", "bob.{ns}@example.com"), _sig("DEVICE_ID", device)],
                           {"decision": ["REVIEW", "BLOCK"], "same_person": [["a1", "a2"]]})],
                [["a1", "a2"]]))
    return out


def linking_cases(seed: int, size: str) -> list[CaseSpec]:
    """The linking suite; "large" repeats every template with fresh values."""
    rng = random.Random(f"linking:{seed}")
    faces = _Faces(seed)
    people = _People(random.Random(f"people:{seed}"))
    rounds = 1 if size == "small" else 10
    cases = []
    for round_index in range(rounds):
        suffix = "" if round_index == 0 else f"_{round_index:02d}"
        for name, description, steps, groups in _scenarios(rng, faces, people, round_index):
            data: dict[str, Any] = {"rpc": "LinkingScenario", "description": description, "steps": steps}
            if groups is not None:
                data["groups"] = groups
            cases.append(CaseSpec(_SUITE, f"{name}{suffix}", data))
    real = _real_embeddings()
    if real is not None:
        steps = [_register("a1", "FREELANCER", _identity(rng, "rf1", people.person("Grace"))
                           + [_Faces.signal(real[0])], {"decision": "ALLOW"}),
                 _register("a2", "FREELANCER", _identity(rng, "rf2", people.person("Amazing"))
                           + [_Faces.signal(real[1])],
                           {"decision": "REVIEW", "reasons_include": ["DUPLICATE_FACE_ONLY"],
                            "same_person": [["a1", "a2"]]})]
        cases.append(CaseSpec(_SUITE, "real_face_other_name", {
            "rpc": "LinkingScenario", "description": "dlib embeddings of two photos of one person (packaged photo, "
            "mirrored and relit) under different names: linked, and a face alone goes to review",
            "steps": steps, "groups": [["a1", "a2"]]}))
    return cases
