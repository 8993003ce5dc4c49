"""The fixture format: valid cases load, every kind of mistake names its file and field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import tomli_w

from idverify.errors import InvalidInput
from idverify.qa.suite import Bound, SuiteError, load_case, load_suite

REPO_ROOT = Path(__file__).resolve().parent.parent
PNG = b"\x89PNG\r\n\x1a\n fake bytes are fine: the loader checks files exist, the server decodes"


def _case(root: Path, name: str, data: dict, files: dict[str, bytes] | None = None, *, as_json: bool = False) -> Path:
    folder = root / "suite" / name
    folder.mkdir(parents=True)
    for file, content in (files or {"ref.png": PNG, "probe.png": PNG}).items():
        (folder / file).write_bytes(content)
    if as_json:
        (folder / "case.json").write_text(json.dumps(data))
    else:
        (folder / "case.toml").write_text(tomli_w.dumps(data))
    return folder


def _compare(**expect) -> dict:
    return {"rpc": "CompareFaces", "inputs": {"reference": "ref.png", "probe": "probe.png"},
            "expect": expect or {"decision": "MATCH"}}


def _problems(folder: Path) -> list[str]:
    with pytest.raises(SuiteError) as info:
        load_case(folder)
    return info.value.problems


def test_a_valid_face_case_loads_with_absolute_image_paths(tmp_path):
    folder = _case(tmp_path, "ok", _compare(decision=["MATCH", "INCONCLUSIVE"], reasons_exclude=["NO_FACE"],
                                            scores={"distance": {"max": 0.5}}))
    case = load_case(folder)
    assert case.id == "suite/ok" and case.suite == "suite" and case.rpc == "CompareFaces"
    assert case.inputs["reference"] == (folder / "ref.png").resolve()
    assert case.inputs["reference_kind"] == "auto"
    assert case.expect.decisions == ("MATCH", "INCONCLUSIVE")
    assert case.expect.scores == {"distance": Bound(max=0.5)}
    assert case.images() == [(folder / "ref.png").resolve(), (folder / "probe.png").resolve()]


def test_json_and_toml_are_the_same_schema(tmp_path):
    a = load_case(_case(tmp_path, "a", _compare()))
    b = load_case(_case(tmp_path, "b", _compare(), as_json=True))
    assert a.expect == b.expect and a.rpc == b.rpc


def test_suite_error_is_invalid_input_with_file_and_field_metadata(tmp_path):
    folder = _case(tmp_path, "bad", _compare(decision="MACTH"))
    with pytest.raises(InvalidInput) as info:
        load_case(folder)
    assert info.value.reason == "QA_SUITE_INVALID"
    assert info.value.metadata["field"] == "expect.decision"
    assert info.value.metadata["file"].endswith("case.toml")
    assert "'MACTH' is not one of INCONCLUSIVE, MATCH, NO_MATCH" in info.value.message


@pytest.mark.parametrize(("data", "needle"), [
    ({"rpc": "CompareFace"}, "rpc: 'CompareFace' is not one of"),
    ({**_compare(), "expcet": {}}, "expcet: unknown key (did you mean 'expect'?)"),
    (_compare(reason_include=["X"]), "expect.reason_include: unknown key (did you mean 'reasons_include'?)"),
    ({"rpc": "CompareFaces", "inputs": {"reference": "ref.png"}, "expect": {"decision": "MATCH"}},
     "inputs.probe: is required"),
    ({"rpc": "CompareFaces", "inputs": {"reference": "nope.png", "probe": "probe.png"}, "expect": {"decision": "MATCH"}},
     "inputs.reference: file 'nope.png' does not exist"),
    ({"rpc": "CompareFaces", "inputs": {"reference": "../../etc.png", "probe": "probe.png"},
      "expect": {"decision": "MATCH"}}, "is outside the case folder"),
    ({"rpc": "CompareFaces", "inputs": {"reference": "ref.png", "probe": "probe.png"}}, "expect: is required"),
    (_compare(scores={"distance": {"min": 0.9, "max": 0.1}}), "expect.scores.distance: min 0.9 is above max 0.1"),
    (_compare(scores={"distance": 0.3}), "expect.scores.distance: must be a table with min and/or max"),
    (_compare(error={"code": "INVALID_ARGUMENTS"}), "expect.error.code: 'INVALID_ARGUMENTS' is not one of"),
    (_compare(decision="MATCH", error={"code": "INVALID_ARGUMENT"}), "cannot also expect a decision"),
    (_compare(reasons_include=["A"], reasons_exclude=["A"]), "A also in reasons_include"),
    (_compare(reasons_include="NO_FACE"), "expect.reasons_include: must be a list of strings"),
    ({**_compare(), "pair": "twins"}, "pair: 'twins' is not one of genuine, impostor"),
    ({"rpc": "ReadDocument", "inputs": {"images": ["ref.png"]}, "expect": {"decision": "MATCH"}},
     "ReadDocument returns no decision"),
    ({"rpc": "MatchProfile", "inputs": {"document": {"surname": "X"}}, "expect": {"decision": "MATCH"}},
     "declared: is required"),
    ({"rpc": "MatchProfile", "declared": {"full_name": "A"}, "inputs": {"document": {"surnam": "X"}},
      "expect": {"decision": "MATCH"}}, "inputs.document.surnam: unknown key (did you mean 'surname'?)"),
    ({**_compare(), "steps": []}, "steps: only a LinkingScenario has steps"),
])
def test_mistakes_name_the_file_and_the_field(tmp_path, data, needle):
    problems = _problems(_case(tmp_path, "bad", data))
    assert any(needle in p for p in problems), problems
    assert all(p.startswith(str(tmp_path / "suite" / "bad" / "case.toml")) for p in problems)


def _scenario(steps: list[dict], groups=None) -> dict:
    data = {"rpc": "LinkingScenario", "steps": steps}
    if groups is not None:
        data["groups"] = groups
    return data


_REG = {"call": "RegisterAccount", "account": "a1", "kind": "FREELANCER",
        "signals": [{"type": "DOCUMENT_NUMBER", "value": "X1", "country": "UTO"}], "expect": {"decision": "ALLOW"}}


def test_a_valid_scenario_loads(tmp_path):
    face = {"type": "FACE_EMBEDDING", "embedding": [0.01] * 128}
    steps = [_REG, {**_REG, "account": "a2", "signals": [face], "expect": {"same_person": [["a1", "a2"]]}},
             {"call": "RecordContract", "client": "a2", "freelancer": "a1", "expect": {"decision": "BLOCK"}},
             {"call": "DeleteAccount", "account": "a2", "expect": {"deleted": True}}]
    case = load_case(_case(tmp_path, "s", _scenario(steps, [["a1"]]), files={}))
    assert [s.call for s in case.steps] == ["RegisterAccount", "RegisterAccount", "RecordContract", "DeleteAccount"]
    assert case.steps[1].args["signals"][0]["embedding"] == (0.01,) * 128
    assert case.steps[1].expect.same_person == (("a1", "a2"),)
    assert case.groups == (("a1",),)
    assert case.accounts() == ["a1", "a2"]


@pytest.mark.parametrize(("steps", "groups", "needle"), [
    ([], None, "steps: is required"),
    ([{**_REG, "call": "Register"}], None, "steps[0].call: 'Register' is not one of"),
    ([{**_REG, "kind": "BUYER"}], None, "steps[0].kind: 'BUYER' is not one of AGENCY, CLIENT, FREELANCER"),
    ([{**_REG, "signals": [{"type": "IP", "value": "1.2.3.4"}]}], None, "steps[0].signals[0].type: 'IP' is not one of"),
    ([{**_REG, "signals": [{"type": "FACE_EMBEDDING", "embedding": [1.0] * 12}]}], None,
     "steps[0].signals[0].embedding: must be a list of 128 numbers"),
    ([{**_REG, "signals": [{"type": "EMAIL"}]}], None, "steps[0].signals[0].value: is required for EMAIL"),
    ([_REG, {"call": "RecordContract", "client": "zz", "freelancer": "a1"}], None,
     "steps[1].client: account 'zz' is not registered by an earlier step"),
    ([{**_REG, "expect": {"same_person": [["a1", "ghost"]]}}], None, "account 'ghost' is not registered"),
    ([{**_REG, "expect": {"same_person": ["a1"]}}], None, "must be a list of account-name pairs"),
    ([{"call": "ExplainLink", "a": "a1", "b": "a1", "expect": {"decision": "ALLOW"}}], None,
     "steps[0].a: account 'a1' is not registered"),
    ([{**_REG, "expect": {"deleted": True}}], None, "deleted: is a boolean, for DeleteAccount only"),
    ([{**_REG, "expect": {}}], None, "groups: is required when no step has an expectation"),
    ([_REG], [["a1"], ["a1"]], "account 'a1' is in two groups"),
    ([_REG], [["nobody"]], "account 'nobody' is not registered by any step"),
    ([_REG, {"call": "DeleteAccount", "account": "a1"}], [["a1"]], "account 'a1' is deleted by a step"),
])
def test_scenario_mistakes_name_the_step_and_field(tmp_path, steps, groups, needle):
    problems = _problems(_case(tmp_path, "s", _scenario(steps, groups), files={}))
    assert any(needle in p for p in problems), problems


def test_load_suite_reports_every_broken_case_at_once(tmp_path):
    _case(tmp_path, "good", _compare())
    _case(tmp_path, "bad1", _compare(decision="NOPE"))
    _case(tmp_path, "bad2", {"rpc": "CompareFaces"})
    with pytest.raises(SuiteError) as info:
        load_suite(tmp_path / "suite")
    text = "\n".join(info.value.problems)
    assert "bad1/case.toml: expect.decision" in text and "bad2/case.toml: inputs.reference" in text
    assert "good" not in text


def test_load_suite_accepts_a_root_a_suite_or_one_case(tmp_path):
    _case(tmp_path, "one", _compare())
    _case(tmp_path, "two", _compare())
    assert [c.id for c in load_suite(tmp_path).cases] == ["suite/one", "suite/two"]
    assert [c.id for c in load_suite(tmp_path / "suite").cases] == ["suite/one", "suite/two"]
    assert [c.id for c in load_suite(tmp_path / "suite" / "two").cases] == ["suite/two"]


@pytest.mark.parametrize(("content", "needle"), [
    ('rpc = "CompareFaces"\n[expect\n', "not valid TOML"),
])
def test_unparsable_files_are_named(tmp_path, content, needle):
    folder = tmp_path / "suite" / "x"
    folder.mkdir(parents=True)
    (folder / "case.toml").write_text(content)
    assert any(needle in p for p in _problems(folder))


def test_json_syntax_errors_and_both_files_are_named(tmp_path):
    folder = tmp_path / "suite" / "x"
    folder.mkdir(parents=True)
    (folder / "case.json").write_text("{not json")
    assert any("not valid JSON" in p for p in _problems(folder))
    (folder / "case.toml").write_text('rpc = "CompareFaces"\n')
    assert any("holds both case.toml and case.json" in p for p in _problems(folder))


def test_empty_or_missing_paths_are_errors(tmp_path):
    with pytest.raises(SuiteError, match="no such file"):
        load_suite(tmp_path / "absent")
    with pytest.raises(SuiteError, match="no case folders"):
        load_suite(tmp_path)


def test_the_projects_own_fixtures_are_valid():
    suite = load_suite(REPO_ROOT / "fixtures")
    assert len(suite.cases) >= 40
    assert {"CompareFaces", "MatchProfile", "LinkingScenario"} <= {c.rpc for c in suite.cases}


@pytest.mark.parametrize(("data", "reason"), [
    ({**_compare(), "expcet": {}}, "CONFIG_UNKNOWN_KEY"),
    (_compare(reasons_include="NO_FACE"), "CONFIG_TYPE"),
    (_compare(scores={"distance": 0.3}), "CONFIG_TYPE"),
    ({"rpc": "CompareFace"}, "CONFIG_VALUE"),
    ({"rpc": "CompareFaces", "inputs": {"reference": "ref.png"}, "expect": {"decision": "MATCH"}}, "CONFIG_VALUE"),
])
def test_problems_carry_the_configuration_reasons(tmp_path, data, reason):
    with pytest.raises(SuiteError) as info:
        load_case(_case(tmp_path, "bad", data))
    assert len(info.value.reasons) == len(info.value.problems)
    assert info.value.reasons[0] == reason == info.value.metadata["config_reason"]
    assert info.value.reason == "QA_SUITE_INVALID"


def test_unreadable_and_malformed_case_files_carry_the_read_toml_reasons(tmp_path):
    folder = tmp_path / "suite" / "x"
    folder.mkdir(parents=True)
    (folder / "case.toml").write_text('rpc = "CompareFaces"\n[expect\n')
    with pytest.raises(SuiteError) as info:
        load_suite(tmp_path)
    assert info.value.reasons == ["CONFIG_SYNTAX"]
    assert info.value.problems[0].startswith(f"{folder / 'case.toml'}: ")
    (folder / "case.toml").write_bytes('rpc = "caf\xe9"\n'.encode("latin-1"))
    with pytest.raises(SuiteError) as info:
        load_case(folder)
    assert info.value.reasons == ["CONFIG_SYNTAX"] and "UTF-8" in info.value.message


def test_an_unknown_key_with_no_close_match_lists_the_known_ones(tmp_path):
    problems = _problems(_case(tmp_path, "bad", {**_compare(), "zzzzzz": 1}))
    assert any("zzzzzz: unknown key (known: declared, description, expect, genuine_pair, groups, inputs" in p for p in problems), problems


_SIGNUP = {"call": "Signup", "account": "h1", "kind": "FREELANCER", "photo": "selfie.jpg",
           "documents": ["front.jpg", "back.png"],
           "declared": {"full_name": "Ada Test", "birth_date": "1980-02-03", "email": "ada.{ns}@example.org",
                        "residence_country": "FR"},
           "signals": [{"type": "DEVICE_ID", "value": "dev-{ns}"}],
           "expect": {"decision": "APPROVE", "link_decision": "ALLOW", "reasons_exclude": ["DUPLICATE_PERSON"]}}
_SIGNUP_FILES = {"selfie.jpg": PNG, "front.jpg": PNG, "back.png": PNG}


def test_a_valid_signup_scenario_loads(tmp_path):
    second = {**_SIGNUP, "account": "h2", "documents": "front.jpg", "dry_run": True,
              "expect": {"decision": ["REVIEW", "REJECT"], "link_decision": ["REVIEW", "BLOCK"],
                         "linked_include": ["h1"], "reasons_any": ["DUPLICATE_PERSON"]}}
    folder = _case(tmp_path, "s", {**_scenario([_SIGNUP, second], [["h1"]]), "genuine_pair": "edited_copy"},
                   files=_SIGNUP_FILES)
    case = load_case(folder)
    first, check = case.steps
    assert first.call == "Signup" and first.args["photo"] == (folder / "selfie.jpg").resolve()
    assert first.args["documents"] == ((folder / "front.jpg").resolve(), (folder / "back.png").resolve())
    assert first.args["declared"]["email"] == "ada.{ns}@example.org"  # substituted by the runner
    assert first.args["declared"]["residence_country"] == "FR" and first.args["dry_run"] is False
    assert first.expect.decisions == ("APPROVE",) and first.expect.link_decisions == ("ALLOW",)
    assert check.args["dry_run"] is True and check.args["documents"] == ((folder / "front.jpg").resolve(),)
    assert check.expect.link_decisions == ("REVIEW", "BLOCK") and check.expect.linked_include == ("h1",)
    assert case.genuine_pair == "edited_copy"
    assert (folder / "selfie.jpg").resolve() in case.images() and len(case.images()) == 5


@pytest.mark.parametrize(("step", "groups", "needle"), [
    ({**_SIGNUP, "phot": "selfie.jpg"}, None, "steps[0].phot: unknown key (did you mean 'photo'?)"),
    ({k: v for k, v in _SIGNUP.items() if k != "photo"}, None, "steps[0].photo: is required for Signup"),
    ({k: v for k, v in _SIGNUP.items() if k != "documents"}, None, "steps[0].documents: is required for Signup"),
    ({k: v for k, v in _SIGNUP.items() if k != "declared"}, None, "steps[0].declared: is required for Signup"),
    ({**_SIGNUP, "photo": "absent.jpg"}, None, "steps[0].photo: file 'absent.jpg' does not exist"),
    ({**_SIGNUP, "photo": "../../escape.jpg"}, None, "steps[0].photo: '../../escape.jpg' is outside the case folder"),
    ({**_SIGNUP, "documents": ["front.jpg", "nope.png"]}, None, "steps[0].documents[1]: file 'nope.png' does not exist"),
    ({**_SIGNUP, "documents": []}, None, "steps[0].documents: must name one to three document images"),
    ({**_SIGNUP, "documents": ["front.jpg"] * 4}, None, "steps[0].documents: at most three images"),
    ({**_SIGNUP, "declared": {"full_nam": "A"}}, None, "steps[0].declared.full_nam: unknown key (did you mean 'full_name'?)"),
    ({**_SIGNUP, "declared": {"nationalty": "FRA"}}, None,
     "steps[0].declared.nationalty: unknown key (did you mean 'nationality'?)"),
    ({**_SIGNUP, "dry_run": "yes"}, None, "steps[0].dry_run: must be a boolean"),
    ({**_SIGNUP, "signals": [{"type": "EMAIL", "value": "a@example.org"}]}, None,
     "steps[0].signals[0].type: EMAIL is an identity signal, which Signup derives from the verification"),
    ({**_SIGNUP, "signals": [{"type": "FACE_EMBEDDING", "embedding": [0.0] * 128}]}, None,
     "steps[0].signals[0].type: FACE_EMBEDDING is an identity signal"),
    ({**_SIGNUP, "expect": {"decision": "ALLOW"}}, None,
     "steps[0].expect.decision: 'ALLOW' is not one of APPROVE, REJECT, REVIEW"),
    ({**_SIGNUP, "expect": {"link_decision": "APPROVE"}}, None,
     "steps[0].expect.link_decision: 'APPROVE' is not one of ALLOW, BLOCK, REVIEW"),
    ({**_SIGNUP, "expect": {"link_decison": "ALLOW"}}, None,
     "steps[0].expect.link_decison: unknown key (did you mean 'link_decision'?)"),
    ({**_REG, "expect": {"link_decision": "ALLOW"}}, None, "only a Signup has a link decision"),
    ({**_SIGNUP, "owner": "boss"}, None, "steps[0].owner: account 'boss' is not registered by an earlier step"),
    ({**_SIGNUP, "dry_run": True, "expect": {"same_person": [["h1", "h1"]]}}, None,
     "account 'h1' is not registered by this or an earlier step"),
    ({**_SIGNUP, "dry_run": True}, [["h1"]], "groups: account 'h1' is not registered by any step"),
])
def test_signup_step_mistakes_name_the_step_and_field(tmp_path, step, groups, needle):
    problems = _problems(_case(tmp_path, "s", _scenario([step], groups), files=_SIGNUP_FILES))
    assert any(needle in p for p in problems), problems
    assert all(p.startswith(str(tmp_path / "suite" / "s" / "case.toml")) for p in problems)


def test_a_signup_mistake_is_a_suite_error_naming_file_and_field(tmp_path):
    folder = _case(tmp_path, "s", _scenario([{**_SIGNUP, "photo": "absent.jpg"}]), files=_SIGNUP_FILES)
    with pytest.raises(SuiteError) as info:
        load_case(folder)
    assert info.value.metadata["field"] == "steps[0].photo"
    assert info.value.metadata["file"].endswith("case.toml")


@pytest.mark.parametrize(("data", "needle"), [
    ({**_compare(), "genuine_pair": "copy"}, "genuine_pair: 'copy' is not one of distinct_photos, edited_copy"),
    ({**_compare(), "pair": "impostor", "genuine_pair": "edited_copy"}, "genuine_pair: says how a genuine pair was made"),
])
def test_genuine_pair_is_checked(tmp_path, data, needle):
    assert any(needle in p for p in _problems(_case(tmp_path, "bad", data)))
