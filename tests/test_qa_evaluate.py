"""Expected versus observed, without gRPC: every kind of expectation passes and fails."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from idverify.qa.evaluate import evaluate_case, evaluate_scenario, lookup
from idverify.qa.suite import Bound, Case, Expectation, Step, StepExpectation


def _case(**expect) -> Case:
    return Case(id="s/c", suite="s", path=Path("."), file=Path("case.toml"), rpc="CompareFaces",
                expect=Expectation(**expect))


def _seen(decision="MATCH", reasons=(), response=None, document=None, error=None) -> dict:
    return {"decision": decision, "reasons": list(reasons), "response": response or {}, "document": document or {},
            "error": error, "scores": {}}


def test_a_met_expectation_passes():
    verdict = evaluate_case(_case(decisions=("MATCH",), reasons_exclude=("NO_FACE",)), _seen())
    assert verdict.status == "pass" and verdict.failures == ()


@pytest.mark.parametrize(("expect", "seen", "needle"), [
    ({"decisions": ("MATCH",)}, _seen("NO_MATCH"), "expected decision MATCH, got NO_MATCH"),
    ({"decisions": ("NO_MATCH", "INCONCLUSIVE")}, _seen("MATCH"), "expected decision NO_MATCH or INCONCLUSIVE"),
    ({"reasons_include": ("NO_FACE",)}, _seen(reasons=["LOW_QUALITY"]), "missing reasons NO_FACE (got LOW_QUALITY)"),
    ({"reasons_exclude": ("FACE_MISMATCH",)}, _seen(reasons=["FACE_MISMATCH"]), "unwanted reasons FACE_MISMATCH"),
    ({"reasons_any": ("A", "B")}, _seen(reasons=["C"]), "expected one of the reasons A, B"),
    ({"document": {"surname": "HOPPER"}}, _seen(document={"surname": "HOPER"}), "document.surname: expected 'HOPPER'"),
    ({"fields": {"name.level": "MATCH"}}, _seen(response={"name": {"level": "PARTIAL"}}),
     "name.level: expected 'MATCH', got 'PARTIAL'"),
    ({"fields": {"name.level": "MATCH"}}, _seen(response={}), "field absent from the response"),
    ({"fields": {"has_distance": True}}, _seen(response={"has_distance": 1}), "expected True, got 1"),
    ({"scores": {"distance": Bound(max=0.5)}}, _seen(response={"distance": 0.61}), "0.61 is outside [-inf, 0.5]"),
    ({"scores": {"distance": Bound(min=0.1)}}, _seen(response={"distance": "x"}), "expected a number"),
    ({"error_code": "INVALID_ARGUMENT"}, _seen(), "expected the call to fail with INVALID_ARGUMENT"),
    ({"error_code": "INVALID_ARGUMENT", "error_reason": "IMAGE_UNREADABLE"},
     _seen(error={"code": "INVALID_ARGUMENT", "reason": "IMAGE_TOO_LARGE", "message": ""}),
     "expected error reason IMAGE_UNREADABLE, got INVALID_ARGUMENT [IMAGE_TOO_LARGE]"),
    ({"decisions": ("MATCH",)}, _seen(error={"code": "INVALID_ARGUMENT", "reason": "NO", "message": "m"}),
     "call failed: INVALID_ARGUMENT [NO]: m"),
])
def test_an_unmet_expectation_fails_with_a_readable_message(expect, seen, needle):
    verdict = evaluate_case(_case(**expect), seen)
    assert verdict.status == "fail"
    assert any(needle in f for f in verdict.failures), verdict.failures


def test_an_expected_error_passes():
    error = {"code": "INVALID_ARGUMENT", "reason": "IMAGE_UNREADABLE", "message": ""}
    verdict = evaluate_case(_case(error_code="INVALID_ARGUMENT", error_reason="IMAGE_UNREADABLE"), _seen(error=error))
    assert verdict.passed


@pytest.mark.parametrize("code", ["UNIMPLEMENTED", "UNAVAILABLE", "INTERNAL", "DEADLINE_EXCEEDED"])
def test_infrastructure_failures_are_errors_not_failures(code):
    error = {"code": code, "reason": None, "message": ""}
    assert evaluate_case(_case(decisions=("MATCH",)), _seen(error=error)).status == "error"
    # a case expecting INVALID_ARGUMENT does not pass on an unimplemented RPC either
    assert evaluate_case(_case(error_code="INVALID_ARGUMENT"), _seen(error=error)).status == "error"


def test_lookup_follows_dicts_and_list_indexes():
    plain = {"face": {"reasons": [{"code": "A"}, {"code": "B"}]}}
    assert lookup(plain, "face.reasons.1.code") == (True, "B")
    assert lookup(plain, "face.reasons.7.code") == (False, None)
    assert lookup(plain, "face.missing") == (False, None)


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e6, max_value=1e6),
       st.floats(allow_nan=False, allow_infinity=False, min_value=-1e6, max_value=1e6))
def test_bound_contains_exactly_its_closed_interval(a, b):
    low, high = min(a, b), max(a, b)
    bound = Bound(min=low, max=high)
    assert bound.contains(low) and bound.contains(high)
    assert not bound.contains(high + 1.0) and not bound.contains(low - 1.0)


def _scenario(steps, groups=None) -> Case:
    return Case(id="l/s", suite="l", path=Path("."), file=Path("case.toml"), rpc="LinkingScenario",
                steps=tuple(steps), groups=groups)


def _step(index, call="RegisterAccount", **expect) -> Step:
    return Step(index=index, call=call, args={"account": f"a{index}"}, expect=StepExpectation(**expect))


def test_scenario_steps_pairs_and_groups_pass():
    case = _scenario([_step(0, decisions=("ALLOW",)),
                      _step(1, decisions=("BLOCK",), linked_include=("a0",), same_person=(("a0", "a1"),))],
                     groups=(("a0", "a1"),))
    seen = {"steps": [{"decision": "ALLOW", "error": None},
                      {"decision": "BLOCK", "linked": ["a0"], "pairs": {"a0|a1": True}, "error": None}],
            "persons": {"a0": "p1", "a1": "p1"}}
    assert evaluate_scenario(case, seen).passed


def test_scenario_failures_name_the_step():
    case = _scenario([_step(0, decisions=("ALLOW",)),
                      _step(1, decisions=("BLOCK",), linked_exclude=("a0",), different_person=(("a0", "a1"),)),
                      _step(2, call="DeleteAccount", deleted=True)],
                     groups=(("a0",), ("a1",)))
    seen = {"steps": [{"decision": "REVIEW", "error": None},
                      {"decision": "BLOCK", "linked": ["a0"], "pairs": {"a0|a1": True}, "error": None},
                      {"deleted": False, "error": None}],
            "persons": {"a0": "p1", "a1": "p1"}}
    verdict = evaluate_scenario(case, seen)
    text = "\n".join(verdict.failures)
    assert verdict.status == "fail"
    assert "step 1 RegisterAccount: expected decision ALLOW, got REVIEW" in text
    assert "step 2 RegisterAccount: a0 must not be linked" in text
    assert "step 2 RegisterAccount: expected a0 and a1 to be different persons" in text
    assert "step 3 DeleteAccount: expected deleted=True, got False" in text
    assert "groups: expected {a0} {a1}, got {a0, a1}" in text


def test_an_unimplemented_step_stops_the_scenario_as_an_error():
    case = _scenario([_step(0, decisions=("ALLOW",)), _step(1, decisions=("ALLOW",))], groups=(("a0",),))
    seen = {"steps": [{"error": {"code": "UNIMPLEMENTED", "reason": None, "message": "m"}}], "persons": {}}
    verdict = evaluate_scenario(case, seen)
    assert verdict.status == "error"
    assert verdict.failures == ("step 1 RegisterAccount: call failed: UNIMPLEMENTED: m",)


def test_a_signup_step_checks_the_combined_and_the_link_decision():
    case = _scenario([_step(0, call="Signup", decisions=("REVIEW", "REJECT"), link_decisions=("BLOCK",),
                            reasons_include=("DUPLICATE_PERSON",), linked_include=("a9",))])
    met = {"steps": [{"decision": "REJECT", "link_decision": "BLOCK", "reasons": ["DUPLICATE_PERSON"],
                      "linked": ["a9"], "error": None}], "persons": {}}
    assert evaluate_scenario(case, met).passed
    unmet = {"steps": [{"decision": "APPROVE", "link_decision": "ALLOW", "reasons": [], "linked": [], "error": None}],
             "persons": {}}
    text = "\n".join(evaluate_scenario(case, unmet).failures)
    assert "step 1 Signup: expected decision REVIEW or REJECT, got APPROVE" in text
    assert "step 1 Signup: expected link decision BLOCK, got ALLOW" in text
    assert "step 1 Signup: missing reasons DUPLICATE_PERSON" in text
    assert "expected a9 among the linked accounts" in text
