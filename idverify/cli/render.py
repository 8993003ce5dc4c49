"""Readable terminal output of API responses, with rich.

Every response prints its decision (coloured), the measurements behind it and its reasons; a
response with stage timings ends with the wall time of the call and the server's stages, never
adding up stages that overlapped (VerifyIdentity reads the document beside comparing the faces:
the two branches are shown side by side, each with its own sum).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.table import Table

__all__ = ["print_response", "timing_lines"]

_STYLE = {"MATCH": "green", "APPROVE": "green", "ALLOW": "green", "NO_MATCH": "red", "REJECT": "red",
          "BLOCK": "red", "INCONCLUSIVE": "yellow", "REVIEW": "yellow", "PARTIAL": "yellow"}
#: Stage prefixes of branches that run at the same time (VerifyIdentity, Signup).
_PARALLEL_BRANCHES = ("document", "face")
_DOCUMENT_FIELDS = ("document_type", "issuing_country", "surname", "given_names", "document_number",
                    "nationality", "birth_date", "sex", "expiry_date")
_PROFILE_FIELDS = ("birth_date", "country", "nationality", "residence", "email", "phone")


def _enum_name(message: Any, field: str) -> str:
    value = getattr(message, field)
    descriptor = message.DESCRIPTOR.fields_by_name[field].enum_type
    name = descriptor.values_by_number[value].name
    # FACE_DECISION_MATCH -> MATCH
    snake = "".join(f"_{c}" if c.isupper() else c for c in descriptor.name).upper().lstrip("_") + "_"
    return name[len(snake):] if name.startswith(snake) else name


def _styled(word: str) -> str:
    style = _STYLE.get(word)
    return f"[bold {style}]{word}[/]" if style else word


def _reasons_table(reasons: Any, title: str = "reasons") -> Table | None:
    if not reasons:
        return None
    with_rules = any(getattr(r, "rule", "") for r in reasons)
    with_source = any(getattr(r, "source", "") for r in reasons)
    table = Table("code", *(["source"] if with_source else []), "message", *(["rule"] if with_rules else []),
                  title=title, title_justify="left")
    for reason in reasons:
        table.add_row(reason.code, *([reason.source] if with_source else []), reason.message,
                      *([reason.rule] if with_rules else []))
    return table


def _document_table(doc: Any) -> Table:
    table = Table("field", "value", title="document", title_justify="left")
    for field in _DOCUMENT_FIELDS:
        table.add_row(field, getattr(doc, field))
    return table


def _profile_table(profile: Any) -> Table:
    """The per-field match of a MatchProfileResponse: level, score, the normalised values."""
    table = Table("field", "match", "score", "declared", "reference", "note", title="profile match",
                  title_justify="left")
    if profile.HasField("name"):
        table.add_row("name", _styled(_enum_name(profile.name, "level")), f"{profile.name.score:.1f}",
                      " ".join(t.declared for t in profile.name.tokens if t.declared),
                      " ".join(t.document for t in profile.name.tokens if t.document), "")
    for field in _PROFILE_FIELDS:
        if profile.HasField(field):
            m = getattr(profile, field)
            table.add_row(field, _styled(_enum_name(m, "level")), f"{m.score:.1f}", m.declared_normalized,
                          m.reference_normalized, m.detail)
    return table


def _evidence_table(evidence: Any, title: str = "evidence") -> Table | None:
    if not evidence:
        return None
    table = Table("from", "to", "signal", "strength", "similarity", "note", title=title, title_justify="left")
    for e in evidence:
        table.add_row(e.from_account_id, e.to_account_id, _enum_name(e, "signal_type"), _enum_name(e, "strength"),
                      f"{e.similarity:.2f}" if e.similarity else "", e.note + (" (generic)" if e.generic else ""))
    return table


def _link_result(console: Console, link: Any) -> None:
    console.print(f"decision: {_styled(_enum_name(link, 'decision'))}  risk: {link.risk_score:.2f}")
    console.print(f"person: {link.person_id or '(none)'}  linked accounts: {', '.join(link.linked_account_ids) or 'none'}")
    _print(console, _evidence_table(link.evidence))


def _print(console: Console, table: Table | None) -> None:
    if table is not None:
        console.print(table)


def timing_lines(timings: Sequence[Any], wall_seconds: float | None, verification: Sequence[Any] = ()) -> list[str]:
    """The wall time of the call, then the server's stages without double counting: stages of
    branches that ran side by side (``document.*`` beside ``face.*``) are summed per branch and
    shown as parallel; the server's ``total`` is its own wall time, not a stage. ``verification``:
    the stages inside a Signup's ``verify`` step, shown beneath it."""
    stages = [(t.stage, t.milliseconds) for t in timings]
    server_total = next((ms for stage, ms in stages if stage == "total"), None)
    stages = [(stage, ms) for stage, ms in stages if stage != "total"]
    head = f"time: {wall_seconds * 1000:.0f} ms wall" if wall_seconds is not None else "time:"
    if server_total is not None:
        head += f", {server_total:.0f} ms in the server"
    lines, parallel = _parallel_lines(stages)
    if parallel:
        return [head + "; in parallel:", *lines]
    if stages:
        head += f"; stages {sum(ms for _, ms in stages):.0f} ms: " + ", ".join(f"{s} {ms:.0f}" for s, ms in stages)
    inner, inner_parallel = _parallel_lines([(t.stage, t.milliseconds) for t in verification if t.stage != "total"])
    if inner_parallel:
        return [head, "  verify, in parallel:", *("  " + line for line in inner)]
    return [head]


def _parallel_lines(stages: list[tuple[str, float]]) -> tuple[list[str], bool]:
    """One line per parallel branch with its sum, and whether both branches are there."""
    branches = {b: [(s.split(".", 1)[1], ms) for s, ms in stages if s.startswith(b + ".")] for b in _PARALLEL_BRANCHES}
    if not all(branches.values()):
        return [], False
    width = max(len(b) for b in branches)
    return [f"  {branch:<{width}} {sum(ms for _, ms in items):.0f} ms: " + ", ".join(f"{s} {ms:.0f}" for s, ms in items)
            for branch, items in branches.items()], True


def print_response(method: str, response: Any, console: Console | None = None,
                   wall_seconds: float | None = None) -> None:
    """Print the decision, the key measurements and the reasons of a response."""
    console = console or Console()
    timings: Sequence[Any] = ()
    if method == "CompareFaces":
        console.print(f"decision: {_styled(_enum_name(response, 'decision'))}")
        if response.has_distance:
            console.print(f"distance: {response.distance:.3f}  similarity: {response.similarity:.3f}  "
                          f"(match <= {response.thresholds.match_distance:.2f}, "
                          f"no match > {response.thresholds.no_match_distance:.2f})")
        for side in ("reference", "probe"):
            analysis = getattr(response, side)
            console.print(f"{side}: {analysis.width}x{analysis.height} {analysis.format}, "
                          f"{len(analysis.faces)} face(s), used #{analysis.selected_face_index}")
        timings = response.timings
    elif method == "ReadDocument":
        console.print(_document_table(response.document))
        console.print(f"MRZ score: {response.mrz_score}/100")
        for line in response.document.mrz_lines:
            console.print(f"  {line}", markup=False)
        timings = response.timings
    elif method == "MatchProfile":
        console.print(f"match: {_styled(_enum_name(response, 'level'))}")
        console.print(_profile_table(response))
    elif method == "VerifyIdentity":
        console.print(f"decision: {_styled(_enum_name(response, 'decision'))}")
        console.print(f"steps: {', '.join(response.steps)}  policy: {response.policy_version}")
        if response.face.has_distance:
            console.print(f"face: {_styled(_enum_name(response.face, 'decision'))}  distance: {response.face.distance:.3f}")
        console.print(_document_table(response.document.document))
        console.print(_profile_table(response.profile))
        timings = response.timings
    elif method == "Signup":
        verification = response.verification
        link = getattr(response, response.WhichOneof("link") or "registered")
        console.print(f"decision: {_styled(_enum_name(response, 'decision'))}"
                      f"{'  (replayed: the answer to the first identical call)' if response.replayed else ''}")
        console.print(f"verification: {_styled(_enum_name(verification, 'decision'))}  "
                      f"link: {_styled(_enum_name(link, 'decision'))}"
                      f"{'  (dry run: nothing stored)' if response.WhichOneof('link') == 'checked' else ''}")
        if verification.face.has_distance:
            console.print(f"face distance: {verification.face.distance:.3f}")
        console.print(f"person: {link.person_id or '(new)'}  linked accounts: "
                      f"{', '.join(link.linked_account_ids) or 'none'}  risk: {link.risk_score:.2f}")
        console.print(f"policy: {response.policy_version}")
        timings = response.timings
    elif method == "RequestReverification":
        console.print(f"account {response.account_id} is due for re-verification "
                      f"(requested {response.requested_at.ToJsonString()} by {response.requested_by})")
    elif method in ("RegisterAccount", "CheckAccount"):
        _link_result(console, response)
    elif method == "RegisterAccounts":
        table = Table("#", "decision", "person", "linked accounts", "reasons", title="accounts", title_justify="left")
        for i, result in enumerate(response.results):
            table.add_row(str(i), _styled(_enum_name(result, "decision")), result.person_id,
                          ", ".join(result.linked_account_ids), ", ".join(r.code for r in result.reasons))
        console.print(table)
    elif method == "GetLinkedAccounts":
        console.print(f"person: {response.person_id or '(none)'}")
        table = Table("account", "kind", "person", "same person", "evidence", title="linked accounts",
                      title_justify="left")
        for a in response.accounts:
            table.add_row(a.account_id, _enum_name(a, "kind"), a.person_id, "yes" if a.same_person else "no",
                          ", ".join(sorted({_enum_name(e, "signal_type") for e in a.evidence})))
        console.print(table)
    elif method == "ExplainLink":
        console.print(f"same person: {'yes' if response.same_person else 'no'}  "
                      f"({response.person_id_a or '-'} / {response.person_id_b or '-'})")
        _print(console, _evidence_table(response.path, "path"))
        _print(console, _reasons_table(response.reviews, "reviews"))
    elif method == "RecordReview":
        console.print(f"recorded review {response.event_id}: persons now {response.person_id_a or '-'} / "
                      f"{response.person_id_b or '-'}")
    elif method == "DeleteAccount":
        console.print(f"deleted: {'yes' if response.deleted else 'no (unknown account)'}  "
                      f"signals erased: {response.signals_erased}  "
                      f"affected accounts: {', '.join(response.affected_account_ids) or 'none'}")
    elif method == "RecordContract":
        console.print(f"decision: {_styled(_enum_name(response, 'decision'))}")
        _print(console, _evidence_table(response.path, "path"))
    if "reasons" in response.DESCRIPTOR.fields_by_name:
        _print(console, _reasons_table(response.reasons))
    if timings or wall_seconds is not None:
        inner = response.verification.timings if method == "Signup" else ()
        for line in timing_lines(timings, wall_seconds, inner):
            console.print(line, markup=False)
