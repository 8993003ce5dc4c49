"""Compare what a case expects with what was observed. Pure: no I/O, no gRPC.

:func:`evaluate_case` checks one request/response case, :func:`evaluate_scenario` a linking
scenario (step by step, then the final grouping of accounts into persons). Both return a
:class:`Verdict`: ``pass``, ``fail`` (an expectation was not met) or ``error`` (the call could
not be evaluated: the RPC is unimplemented, the server unreachable, an internal error), with one
readable message per unmet expectation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from idverify.qa.suite import Case, Expectation, StepExpectation

__all__ = ["INFRASTRUCTURE_CODES", "Verdict", "evaluate_case", "evaluate_scenario", "lookup"]

#: Status codes that mean "the build or the server could not answer", not "the answer was wrong".
INFRASTRUCTURE_CODES = frozenset({"UNIMPLEMENTED", "UNAVAILABLE", "DEADLINE_EXCEEDED", "INTERNAL", "UNKNOWN",
                                  "CANCELLED", "UNAUTHENTICATED", "PERMISSION_DENIED"})


@dataclass(frozen=True)
class Verdict:
    """The outcome of one case."""

    status: str  # "pass", "fail" or "error"
    failures: tuple[str, ...] = field(default_factory=tuple)

    @property
    def passed(self) -> bool:
        return self.status == "pass"


def lookup(plain: Any, path: str) -> tuple[bool, Any]:
    """Follow a dotted path (``name.level``, ``reasons.0.code``) into a plain response."""
    node = plain
    for part in path.split("."):
        if isinstance(node, Mapping) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return False, None
    return True, node


def _values_equal(expected: Any, actual: Any) -> bool:
    if isinstance(expected, bool) or isinstance(actual, bool):
        return expected is actual
    if isinstance(expected, (int, float)) and isinstance(actual, (int, float)):
        return abs(float(expected) - float(actual)) <= 1e-6 * max(1.0, abs(float(expected)))
    return expected == actual


def _check_error(expected_code: str | None, expected_reason: str | None, error: Mapping[str, Any] | None,
                 where: str) -> tuple[list[str], bool]:
    """Failures about the call's status, and whether the rest of the checks can run."""
    prefix = f"{where}: " if where else ""
    if error is None:
        if expected_code:
            return [f"{prefix}expected the call to fail with {expected_code}"
                    + (f" [{expected_reason}]" if expected_reason else "") + ", but it succeeded"], False
        return [], True
    got = f"{error['code']}" + (f" [{error['reason']}]" if error.get("reason") else "")
    if not expected_code:
        return [f"{prefix}call failed: {got}: {error.get('message', '')}"], False
    failures = []
    if error["code"] != expected_code:
        failures.append(f"{prefix}expected status {expected_code}, got {got}")
    if expected_reason and error.get("reason") != expected_reason:
        failures.append(f"{prefix}expected error reason {expected_reason}, got {got}")
    return failures, False


def _status(failures: Sequence[str], errors: Sequence[Mapping[str, Any] | None],
            expected_codes: Sequence[str | None]) -> str:
    if not failures:
        return "pass"
    for error, expected in zip(errors, expected_codes):
        if error is not None and error["code"] in INFRASTRUCTURE_CODES and error["code"] != expected:
            return "error"
    return "fail"


def _check_decision_and_reasons(expect: Expectation | StepExpectation, decision: str | None,
                                reasons: Sequence[str], prefix: str) -> list[str]:
    failures = []
    if expect.decisions and decision not in expect.decisions:
        wanted = " or ".join(expect.decisions)
        failures.append(f"{prefix}expected decision {wanted}, got {decision}")
    have = set(reasons)
    missing = [code for code in expect.reasons_include if code not in have]
    if missing:
        failures.append(f"{prefix}missing reasons {', '.join(missing)} (got {', '.join(sorted(have)) or 'none'})")
    if expect.reasons_any and not have & set(expect.reasons_any):
        failures.append(f"{prefix}expected one of the reasons {', '.join(expect.reasons_any)} "
                        f"(got {', '.join(sorted(have)) or 'none'})")
    unwanted = [code for code in expect.reasons_exclude if code in have]
    if unwanted:
        failures.append(f"{prefix}unwanted reasons {', '.join(unwanted)}")
    return failures


def evaluate_case(case: Case, observation: Mapping[str, Any]) -> Verdict:
    """Check a request/response case's observation against its expectation."""
    expect = case.expect
    failures, go_on = _check_error(expect.error_code, expect.error_reason, observation.get("error"), "")
    if go_on:
        failures += _check_decision_and_reasons(expect, observation.get("decision"), observation.get("reasons", ()), "")
        document = observation.get("document") or {}
        for name, wanted in expect.document.items():
            got = document.get(name, "")
            if got != wanted:
                failures.append(f"document.{name}: expected {wanted!r}, got {got!r}")
        plain = observation.get("response") or {}
        for path, wanted in expect.fields.items():
            found, got = lookup(plain, path)
            if not found:
                failures.append(f"{path}: expected {wanted!r}, field absent from the response")
            elif not _values_equal(wanted, got):
                failures.append(f"{path}: expected {wanted!r}, got {got!r}")
        for path, bound in expect.scores.items():
            found, got = lookup(plain, path)
            if not found or isinstance(got, bool) or not isinstance(got, (int, float)):
                failures.append(f"{path}: expected a number in {bound}, got {got!r}")
            elif not bound.contains(float(got)):
                failures.append(f"{path}: {float(got):.4g} is outside {bound}")
    status = _status(failures, [observation.get("error")], [expect.error_code])
    return Verdict(status, tuple(failures))


def _partition(persons: Mapping[str, str | None]) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for account, person in persons.items():
        # an account without a person (unknown to the server) stands alone
        groups.setdefault(person or f"<none:{account}>", set()).add(account)
    return {frozenset(g) for g in groups.values()}


def evaluate_scenario(case: Case, observation: Mapping[str, Any]) -> Verdict:
    """Check a linking scenario's observation: every step, then the final groups.

    ``observation["steps"][i]`` holds ``decision``, ``reasons``, ``linked`` (account names),
    ``deleted``, ``error`` and ``pairs`` (``"a|b"`` -> same person?) for step ``i``, and for a
    Signup ``link_decision`` (``decision`` and ``reasons`` are then the combined ones);
    ``observation["persons"]`` maps each grouped account name to its final person id.
    """
    failures: list[str] = []
    errors: list[Mapping[str, Any] | None] = []
    expected_codes: list[str | None] = []
    observed_steps = observation.get("steps", [])
    for step in case.steps:
        where = f"step {step.index + 1} {step.call}"
        if step.index >= len(observed_steps):
            failures.append(f"{where}: not run")
            break
        seen = observed_steps[step.index]
        expect = step.expect
        errors.append(seen.get("error"))
        expected_codes.append(expect.error_code)
        step_failures, go_on = _check_error(expect.error_code, expect.error_reason, seen.get("error"), where)
        failures += step_failures
        if seen.get("error") and not expect.error_code:
            break  # later steps depend on this one
        if not go_on:
            continue
        failures += _check_decision_and_reasons(expect, seen.get("decision"), seen.get("reasons", ()), f"{where}: ")
        if expect.link_decisions and seen.get("link_decision") not in expect.link_decisions:
            failures.append(f"{where}: expected link decision {' or '.join(expect.link_decisions)}, "
                            f"got {seen.get('link_decision')}")
        linked = set(seen.get("linked", ()))
        for name in expect.linked_include:
            if name not in linked:
                failures.append(f"{where}: expected {name} among the linked accounts, got {sorted(linked) or 'none'}")
        for name in expect.linked_exclude:
            if name in linked:
                failures.append(f"{where}: {name} must not be linked")
        pairs = seen.get("pairs", {})
        for a, b in expect.same_person:
            if pairs.get(f"{a}|{b}") is not True:
                failures.append(f"{where}: expected {a} and {b} to share a person")
        for a, b in expect.different_person:
            if pairs.get(f"{a}|{b}") is not False:
                failures.append(f"{where}: expected {a} and {b} to be different persons")
        if expect.deleted is not None and seen.get("deleted") is not expect.deleted:
            failures.append(f"{where}: expected deleted={expect.deleted}, got {seen.get('deleted')}")
    if case.groups is not None and not any(e and not x for e, x in zip(errors, expected_codes)):
        persons = observation.get("persons", {})
        expected = {frozenset(g) for g in case.groups}
        actual = _partition({name: persons.get(name) for name in set().union(*case.groups)})
        if actual != expected:
            show = lambda groups: " ".join("{" + ", ".join(sorted(g)) + "}" for g in sorted(groups, key=sorted))  # noqa: E731
            failures.append(f"groups: expected {show(expected)}, got {show(actual)}")
    return Verdict(_status(failures, errors, expected_codes), tuple(failures))
