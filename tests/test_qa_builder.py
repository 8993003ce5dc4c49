"""The suite builder: valid, deterministic suites whose images say what the cases claim."""

from __future__ import annotations

import datetime as dt
import filecmp
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from idverify.cli import main
from idverify.qa.builder import build_from_portraits, build_suite
from idverify.qa.builder import images as im
from idverify.qa.builder.documents import available as documents_available
from idverify.qa.suite import SuiteError, load_case, load_suite

TODAY = dt.date(2026, 11, 24)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("built")
    build_suite(out, seed=11, today=TODAY, suites=("faces", "profile", "linking"))
    return out


def test_the_built_suite_is_valid_and_covers_every_kind_of_case(built):
    suite = load_suite(built)
    ids = {c.id for c in suite.cases}
    for expected in ("faces/no_face_probe", "faces/multiple_faces_probe", "faces/unreadable_truncated_probe",
                     "faces/genuine_small_reference", "profile/name_transliterated_umlaut", "profile/name_nickname_bob",
                     "profile/name_sibling_same_surname", "profile/dob_day_month_swapped",
                     "linking/office_nat_shared_ip", "linking/duplicate_document_other_name",
                     "linking/feedback_building_self_hire", "linking/erasure_recomputes_person"):
        assert expected in ids
    pairs = [c.pair for c in suite.cases if c.rpc == "CompareFaces"]
    assert pairs.count("genuine") >= 4 and pairs.count("impostor") >= 2


def test_the_same_seed_rebuilds_the_same_bytes(built, tmp_path):
    build_suite(tmp_path, seed=11, today=TODAY, suites=("faces", "profile", "linking"))
    comparison = filecmp.dircmp(built, tmp_path)

    def same(c: filecmp.dircmp) -> bool:
        _, mismatch, errors = filecmp.cmpfiles(c.left, c.right, c.common_files, shallow=False)
        return not (c.left_only or c.right_only or mismatch or errors) and all(same(s) for s in c.subdirs.values())

    assert same(comparison)


def test_a_rebuild_removes_stale_cases(tmp_path):
    (tmp_path / "profile" / "stale_case").mkdir(parents=True)
    build_suite(tmp_path, seed=1, today=TODAY, suites=("profile",))
    assert not (tmp_path / "profile" / "stale_case").exists()


def test_office_nat_scenario_shares_only_the_ip(built):
    case = load_case(built / "linking" / "office_nat_shared_ip")
    values: dict[str, list[str]] = {}
    for step in case.steps:
        for signal in step.args["signals"]:
            values.setdefault(f"{signal['type']}:{signal['value']}", []).append(step.args["account"])
    shared = [k for k, accounts in values.items() if len(accounts) > 1]
    assert len(shared) == 1 and shared[0].startswith("IP_ADDRESS:")
    assert case.groups == (("a1",), ("a2",), ("a3",), ("a4",))


def _faces(path: Path, upsample: int = 1) -> tuple[list, list]:
    face_recognition = im.face_recognition_module()
    if face_recognition is None:
        pytest.skip("face_recognition is not importable")
    with Image.open(path) as image:
        pixels = np.asarray(image.convert("RGB"))
    boxes = face_recognition.face_locations(pixels, number_of_times_to_upsample=upsample)
    return boxes, face_recognition.face_encodings(pixels, boxes)


@pytest.mark.slow
def test_face_images_say_what_the_cases_claim(built):
    """Checked with plain face_recognition (not the service): genuine pairs are one person,
    impostors two, the no-face and two-face probes hold 0 and 2 faces."""
    for case in load_suite(built / "faces").cases:
        if case.pair is None:
            continue
        (_, [a]), (_, [b]) = _faces(case.inputs["reference"], 2), _faces(case.inputs["probe"])
        distance = float(np.linalg.norm(a - b))
        assert (distance < 0.5) if case.pair == "genuine" else (distance > 0.6), (case.id, distance)
    assert len(_faces(built / "faces" / "no_face_probe" / "probe.jpg")[0]) == 0
    assert len(_faces(built / "faces" / "multiple_faces_probe" / "probe.jpg")[0]) == 2
    truncated = built / "faces" / "unreadable_truncated_probe" / "probe.jpg"
    assert not truncated.read_bytes().endswith(b"\xff\xd9")  # a JPEG start without its end marker
    with Image.open(truncated) as image, pytest.raises(OSError):
        image.load()


def test_importing_face_recognition_leaves_pil_strict():
    from PIL import ImageFile

    im.face_recognition_module()
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


def _portrait_folder(root: Path) -> Path:
    import random

    rng = random.Random(3)
    for person in ("hopper", "astronaut"):
        folder = root / person
        folder.mkdir(parents=True)
        for index in range(3):
            (folder / f"{index}.jpg").write_bytes(im.encode(im.augment(im.portrait(person), rng, strength=0.5)))
    return root


def test_from_portraits_builds_genuine_and_impostor_cases_marked_ignored(tmp_path):
    out = tmp_path / "out"
    written = build_from_portraits(_portrait_folder(tmp_path / "people"), out, seed=5, today=TODAY)
    suite = load_suite(out)
    assert len(written) == len(suite.cases)
    compare = [c for c in suite.cases if c.rpc == "CompareFaces"]
    assert sum(c.pair == "genuine" for c in compare) == 6  # 3 pairs per person
    assert sum(c.pair == "impostor" for c in compare) == 2
    assert (out / ".gitignore").read_text().splitlines()[-1] == "*"
    verify = [c for c in suite.cases if c.rpc == "VerifyIdentity"]
    assert len(verify) == 4  # the document generator is part of the build: one per portrait pair


def test_from_portraits_needs_two_people(tmp_path):
    (tmp_path / "only" / "one").mkdir(parents=True)
    (tmp_path / "only" / "one" / "a.jpg").write_bytes(im.encode(im.portrait("hopper")))
    with pytest.raises(SuiteError, match="needs at least two person folders"):
        build_from_portraits(tmp_path / "only", tmp_path / "out")


def test_documents_are_left_out_with_a_note_without_the_generator(tmp_path, capsys, monkeypatch):
    """The generator is always in this build, so its absence is simulated to reach the note."""
    monkeypatch.setattr("idverify.qa.builder.documents_available", lambda: False)
    assert build_suite(tmp_path, seed=1, today=TODAY, suites=("documents", "verify")) == []
    err = capsys.readouterr().err
    assert "suite documents left out" in err and "suite verify left out" in err


@pytest.mark.slow
def test_document_suites_when_the_generator_is_there(tmp_path):
    assert documents_available()
    build_suite(tmp_path, seed=2, today=TODAY, suites=("documents", "verify"))
    suite = load_suite(tmp_path)
    by_id = suite.by_id()
    assert "DOCUMENT_EXPIRED" in by_id["documents/td3_expired"].expect.reasons_include
    assert "MRZ_INVALID" in by_id["documents/td3_check_digit_failure"].expect.reasons_include
    assert by_id["verify/impostor_on_hopper_document"].expect.decisions == ("REJECT",)
    assert sum(p.stat().st_size for p in tmp_path.rglob("*") if p.is_file()) < 8_000_000


def test_build_command(tmp_path, capsys):
    assert main(["qa", "build", "--out", str(tmp_path), "--seed", "4", "--today", "2026-01-02"]) == 0
    assert "cases under" in capsys.readouterr().out
    assert len(load_suite(tmp_path).cases) >= 40


_SIGNUP_SCENARIOS = {"holder_approved", "same_person_second_account", "family_shared_device_and_address",
                     "shared_card_two_people", "reverified_with_stranger_selfie"}


def _signup_steps(case):
    return [s for s in case.steps if s.call == "Signup"]


def test_the_builder_emits_the_signup_scenarios(tmp_path):
    build_suite(tmp_path, seed=3, today=TODAY, suites=("signup",))
    by_name = {c.id.split("/")[1]: c for c in load_suite(tmp_path / "signup").cases}
    assert set(by_name) == _SIGNUP_SCENARIOS
    first = _signup_steps(by_name["holder_approved"])[0]
    assert first.expect.decisions == ("APPROVE",) and first.expect.link_decisions == ("ALLOW",)
    assert "{ns}" in first.args["declared"]["email"]
    assert _signup_steps(by_name["holder_approved"])[1].args["dry_run"] is True

    h1, h2 = _signup_steps(by_name["same_person_second_account"])
    assert by_name["same_person_second_account"].genuine_pair == "edited_copy"
    assert h1.args["photo"].read_bytes() != h2.args["photo"].read_bytes()  # another (edited) photo
    assert h1.args["documents"][0].read_bytes() != h2.args["documents"][0].read_bytes()
    assert h1.args["declared"]["full_name"] != h2.args["declared"]["full_name"]
    assert h2.expect.link_decisions == ("REVIEW",) and h2.expect.reasons_include == ("DUPLICATE_FACE_ONLY",)
    assert h2.expect.linked_include == ("h1",)

    h, o = _signup_steps(by_name["family_shared_device_and_address"])
    assert {s["type"] for s in o.args["signals"]} == {"DEVICE_ID", "IP_ADDRESS"}
    assert h.args["signals"] == o.args["signals"] and "BLOCK" not in o.expect.link_decisions
    assert o.expect.different_person == (("h", "o"),)

    h, o = _signup_steps(by_name["shared_card_two_people"])
    assert [s["type"] for s in o.args["signals"]] == ["CARD_FINGERPRINT"] and h.args["signals"] == o.args["signals"]

    first, again = _signup_steps(by_name["reverified_with_stranger_selfie"])
    assert first.args["account"] == again.args["account"] and first.args["documents"] == again.args["documents"]
    assert first.args["photo"] != again.args["photo"] and "SHARED_ACCOUNT" in again.expect.reasons_include


def test_genuine_pairs_of_the_packaged_suite_are_marked_edited_copies(built):
    genuine = [c for c in load_suite(built).cases if c.pair == "genuine"]
    assert genuine and {c.genuine_pair for c in genuine} == {"edited_copy"}


def test_from_portraits_builds_signup_scenarios_from_distinct_photos(tmp_path):
    out = tmp_path / "out"
    people = _portrait_folder(tmp_path / "people")
    (people / "hopper" / "3.jpg").write_bytes((people / "hopper" / "0.jpg").read_bytes()[::-1])  # unreadable: skipped
    build_from_portraits(people, out, seed=5, today=TODAY)
    cases = {c.id.split("/")[1]: c for c in load_suite(out / "portraits_signup").cases}
    assert set(cases) == _SIGNUP_SCENARIOS
    case = cases["same_person_second_account"]
    assert case.genuine_pair == "distinct_photos"
    h1, h2 = _signup_steps(case)
    holder = next(p for p in ("hopper", "astronaut") if p in case.description)
    photos = {(people / holder / f"{i}.jpg").read_bytes(): i for i in range(3)}
    # the first signup: photo 0 printed, photo 1 as the selfie; the second: photo 2 only
    assert photos[h1.args["photo"].read_bytes()] == 1 and photos[h2.args["photo"].read_bytes()] == 2


@pytest.mark.slow
@pytest.mark.shared
def test_signup_scenarios_from_the_shared_faces_pass_through_the_server(shared_dir, tmp_path):
    """Real second photos of one person: the holder signs up twice with photos the first signup
    did not use (on two generated passports), and the duplicate is caught through the face. (One
    build of the shared faces serves this and the count of impostor pairs: it takes ~20 s.)"""
    import json

    out = tmp_path / "shared_suite"  # never inside the repository: these are real people
    assert main(["qa", "build", "--from-portraits", str(shared_dir / "faces"), "--out", str(out), "--seed", "7",
                 "--today", TODAY.isoformat()]) == 0
    people = [p for p in (shared_dir / "faces").iterdir() if p.is_dir()]
    assert sum(c.pair == "impostor" and c.rpc == "CompareFaces" for c in load_suite(out).cases) == 3 * len(people)
    suite = load_suite(out / "portraits_signup")
    assert {c.id.split("/")[1] for c in suite.cases} == _SIGNUP_SCENARIOS
    assert suite.by_id()["portraits_signup/same_person_second_account"].genuine_pair == "distinct_photos"
    report = tmp_path / "report"
    assert main(["qa", "run", str(out / "portraits_signup"), "--jobs", "2", "--out", str(report)]) == 0
    data = json.loads((report / "report.json").read_text())
    assert data["summary"]["pass"] == len(_SIGNUP_SCENARIOS) and data["notes"] == []
    (step,) = [s for s in next(c for c in data["cases"] if c["id"].endswith("same_person_second_account"))
               ["actual"]["steps"] if s["args"]["account"] == "h2"]
    assert step["link_decision"] in ("REVIEW", "BLOCK") and "h1" in step["linked"]
