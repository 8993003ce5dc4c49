"""CompareFaces cases from the packaged photos: genuine pairs, impostors, no face, two faces,
small portraits, refused inputs."""

from __future__ import annotations

import random

from idverify.qa.builder import images as im
from idverify.qa.builder.spec import CaseSpec

__all__ = ["face_cases"]

_SUITE = "faces"
_NOT_A_MATCH = ["NO_MATCH", "INCONCLUSIVE"]


def _case(name: str, description: str, reference: bytes, probe: bytes, expect: dict, *, pair: str | None = None,
          ref_ext: str = "jpg", probe_ext: str = "jpg", tags: tuple[str, ...] = ()) -> CaseSpec:
    # the packaged photos hold one photo per person: a genuine probe is an edited copy of the reference
    data = {"rpc": "CompareFaces", "description": description, "tags": list(tags), "pair": pair,
            "genuine_pair": "edited_copy" if pair == "genuine" else None,
            "inputs": {"reference": f"reference.{ref_ext}", "probe": f"probe.{probe_ext}", "reference_kind": "portrait"},
            "expect": expect}
    return CaseSpec(_SUITE, name, data, {f"reference.{ref_ext}": reference, f"probe.{probe_ext}": probe})


def _genuine(person: str, index: int, rng: random.Random, strength: float) -> CaseSpec:
    reference = im.portrait(person)
    probe = im.augment(im.portrait(person), rng, strength=strength, mirror=index % 2 == 0)
    return _case(f"genuine_{person}_{index:02d}", f"{person}: the portrait against an edited photo of the same face "
                 f"(edit strength {strength:.1f})", im.encode(im.scaled(reference, 300)),
                 im.encode(im.scaled(probe, rng.choice([280, 360, 480])), quality=rng.choice([60, 75, 90])),
                 {"decision": "MATCH", "reasons_exclude": ["NO_FACE", "MULTIPLE_FACES", "FACE_MISMATCH"]},
                 pair="genuine", tags=("genuine",))


def _impostor(a: str, b: str, index: int, rng: random.Random) -> CaseSpec:
    reference = im.augment(im.portrait(a), rng, strength=0.5)
    probe = im.augment(im.portrait(b), rng, strength=0.5)
    return _case(f"impostor_{a}_vs_{b}_{index:02d}", f"{a}'s portrait against {b}'s photo: different people",
                 im.encode(im.scaled(reference, 300)), im.encode(im.scaled(probe, 360)),
                 {"decision": "NO_MATCH", "reasons_exclude": ["NO_FACE", "MULTIPLE_FACES"]},
                 pair="impostor", tags=("impostor",))


def face_cases(seed: int, size: str) -> list[CaseSpec]:
    """The faces suite; ``size`` "large" adds many more edited genuine and impostor pairs."""
    rng = random.Random(f"faces:{seed}")
    people = sorted(im.PEOPLE)
    repeats = 2 if size == "small" else 20
    cases: list[CaseSpec] = []
    for person in people:
        for index in range(repeats):
            cases.append(_genuine(person, index, rng, strength=0.6 + 0.8 * index / max(1, repeats - 1)))
    for index in range(repeats):
        a, b = people if index % 2 == 0 else people[::-1]
        cases.append(_impostor(a, b, index, rng))

    hopper = im.portrait("hopper")
    # an ID portrait is small: the face is 40-60 px wide on the reference
    cases.append(_case("genuine_small_reference", "hopper's portrait shrunk so the face is about 50 px wide, "
                       "against a full-size photo", im.encode(im.scaled(hopper, 110), "PNG"),
                       im.encode(im.augment(hopper, rng, strength=0.5)),
                       {"decision": "MATCH", "reasons_exclude": ["NO_FACE"]}, pair="genuine", ref_ext="png",
                       tags=("genuine", "small_face")))
    cases.append(_case("no_face_probe", "a photo of a coffee cup as the profile photo: never a match",
                       im.encode(im.scaled(hopper, 300)), im.encode(im.scene("coffee")),
                       {"decision": _NOT_A_MATCH, "reasons_include": ["NO_FACE"]}, tags=("no_face",)))
    cases.append(_case("multiple_faces_probe", "two people, faces of the same size, on the profile photo",
                       im.encode(im.scaled(hopper, 300)),
                       im.encode(im.two_faces()),
                       {"decision": _NOT_A_MATCH, "reasons_include": ["MULTIPLE_FACES"]}, tags=("multiple_faces",)))
    whole = im.encode(im.scaled(im.augment(hopper, rng, strength=0.4), 300))
    cases.append(_case("unreadable_truncated_probe", "an upload cut off after a third of the JPEG",
                       im.encode(im.scaled(hopper, 300)), im.truncated(whole),
                       {"error": {"code": "INVALID_ARGUMENT", "reason": "IMAGE_UNREADABLE"}}, tags=("unreadable",)))
    cases.append(_case("not_an_image_probe", "a text file uploaded as the profile photo",
                       im.encode(im.scaled(hopper, 300)), b"this is not an image, it is a note\n" * 8,
                       {"error": {"code": "INVALID_ARGUMENT"}}, probe_ext="txt", tags=("unreadable",)))
    return cases
