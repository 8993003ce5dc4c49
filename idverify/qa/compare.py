"""Compare two JSON reports: which cases improved, which got worse (PassportEye's evaluate idea).

Cases are matched by id. A case *improved* when it failed (or errored) before and passes now,
*worsened* when it passed before and fails now; cases failing in both are listed as still
failing, and cases present in one report only as added or removed. Face distances and MRZ and
name scores that moved are listed too, so a regression inside the thresholds is visible.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Comparison", "compare_reports", "format_comparison"]

#: A key score must move at least this much to be listed (scores are distances or 0-100).
_SCORE_EPSILON = {"distance": 0.02, "similarity": 0.02, "mrz_score": 1.0, "name_score": 1.0}


@dataclass
class Comparison:
    """The differences between an old and a new report."""

    improved: list[str] = field(default_factory=list)
    worsened: list[str] = field(default_factory=list)
    still_failing: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    #: (case id, score name, old, new) for key scores that moved.
    score_changes: list[tuple[str, str, float, float]] = field(default_factory=list)
    #: (case id, old decision, new decision) where the decision changed.
    decision_changes: list[tuple[str, str | None, str | None]] = field(default_factory=list)

    @property
    def regressed(self) -> bool:
        """True when any case that passed before fails now."""
        return bool(self.worsened)


def compare_reports(old: Mapping[str, Any], new: Mapping[str, Any]) -> Comparison:
    """Compare two loaded JSON reports (see :func:`idverify.qa.report_json.load_report`)."""
    before = {c["id"]: c for c in old["cases"]}
    after = {c["id"]: c for c in new["cases"]}
    out = Comparison(added=sorted(after.keys() - before.keys()), removed=sorted(before.keys() - after.keys()))
    for case_id in sorted(before.keys() & after.keys()):
        was, now = before[case_id], after[case_id]
        was_ok, now_ok = was["status"] == "pass", now["status"] == "pass"
        if now_ok and not was_ok:
            out.improved.append(case_id)
        elif was_ok and not now_ok:
            out.worsened.append(case_id)
        elif not was_ok and not now_ok:
            out.still_failing.append(case_id)
        old_decision = (was.get("actual") or {}).get("decision")
        new_decision = (now.get("actual") or {}).get("decision")
        if old_decision != new_decision:
            out.decision_changes.append((case_id, old_decision, new_decision))
        old_scores = (was.get("actual") or {}).get("scores") or {}
        new_scores = (now.get("actual") or {}).get("scores") or {}
        for name in sorted(old_scores.keys() & new_scores.keys()):
            if abs(new_scores[name] - old_scores[name]) >= _SCORE_EPSILON.get(name, 1e-6):
                out.score_changes.append((case_id, name, old_scores[name], new_scores[name]))
    return out


def format_comparison(comparison: Comparison) -> str:
    """A readable summary, one case per line under each heading."""
    lines: list[str] = []
    by_id_failures: dict[str, str] = {}

    def section(title: str, ids: list[str]) -> None:
        lines.append(f"{title} ({len(ids)})")
        lines.extend(f"  {case_id}{by_id_failures.get(case_id, '')}" for case_id in ids)

    section("improved", comparison.improved)
    section("worsened", comparison.worsened)
    section("still failing", comparison.still_failing)
    section("added", comparison.added)
    section("removed", comparison.removed)
    if comparison.decision_changes:
        lines.append(f"decision changed ({len(comparison.decision_changes)})")
        lines.extend(f"  {case_id}: {old} -> {new}" for case_id, old, new in comparison.decision_changes)
    if comparison.score_changes:
        lines.append(f"scores moved ({len(comparison.score_changes)})")
        lines.extend(f"  {case_id}: {name} {old:.4g} -> {new:.4g}"
                     for case_id, name, old, new in comparison.score_changes)
    return "\n".join(lines)
