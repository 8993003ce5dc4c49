"""Readable terminal output of API responses, with rich."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

__all__ = ["print_response"]

_STYLE = {"MATCH": "green", "APPROVE": "green", "ALLOW": "green", "NO_MATCH": "red", "REJECT": "red",
          "BLOCK": "red", "INCONCLUSIVE": "yellow", "REVIEW": "yellow", "PARTIAL": "yellow"}


def _enum_name(message: Any, field: str) -> str:
    value = getattr(message, field)
    name = message.DESCRIPTOR.fields_by_name[field].enum_type.values_by_number[value].name
    prefix = message.DESCRIPTOR.fields_by_name[field].enum_type.name
    # FACE_DECISION_MATCH -> MATCH
    snake = "".join(f"_{c}" if c.isupper() else c for c in prefix).upper().lstrip("_") + "_"
    return name[len(snake):] if name.startswith(snake) else name


def _styled(word: str) -> str:
    style = _STYLE.get(word)
    return f"[bold {style}]{word}[/]" if style else word


def _reasons_table(reasons: Any) -> Table | None:
    if not reasons:
        return None
    with_rules = any(getattr(r, "rule", "") for r in reasons)
    table = Table("code", "source", "message", *(["rule"] if with_rules else []), title="reasons",
                  title_justify="left")
    for reason in reasons:
        table.add_row(reason.code, getattr(reason, "source", ""), reason.message,
                      *([reason.rule] if with_rules else []))
    return table


def print_response(method: str, response: Any, console: Console | None = None) -> None:
    """Print the decision, the key measurements and the reasons of a response."""
    console = console or Console()
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
    elif method == "ReadDocument":
        doc = response.document
        table = Table("field", "value", title="document", title_justify="left")
        for field in ("document_type", "issuing_country", "surname", "given_names", "document_number",
                      "nationality", "birth_date", "sex", "expiry_date"):
            table.add_row(field, getattr(doc, field))
        console.print(table)
        console.print(f"MRZ score: {response.mrz_score}/100")
        for line in doc.mrz_lines:
            console.print(f"  {line}", markup=False)
    elif method == "VerifyIdentity":
        console.print(f"decision: {_styled(_enum_name(response, 'decision'))}")
        console.print(f"steps: {', '.join(response.steps)}  policy: {response.policy_version}")
        if response.face.has_distance:
            console.print(f"face distance: {response.face.distance:.3f}")
        if response.profile.HasField("name"):
            console.print(f"name score: {response.profile.name.score:.1f}")
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
    table = _reasons_table(response.reasons)
    if table is not None:
        console.print(table)
    if response.DESCRIPTOR.fields_by_name.get("timings") and response.timings:
        total = sum(t.milliseconds for t in response.timings)
        console.print(f"time: {total:.0f} ms (" + ", ".join(f"{t.stage} {t.milliseconds:.0f}"
                                                       for t in response.timings) + ")")
