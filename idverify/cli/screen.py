"""``idverify screen FILE``: screen a text file in-process, no server needed.

    idverify screen message.txt                    # the whole file is one message
    idverify screen chat.txt --lines               # each non-empty line is a message
    idverify screen post.txt --profile             # first line title, the rest description
    idverify screen message.txt --contract --json --fail-on block

Prints the decision, each finding (line:column, category, normalised value, disguises,
confidence) and, with ``--redact``, the redacted text. Exit codes (:mod:`idverify.cli.exit_codes`):
0 when screened (whatever the decision), 1 when ``--fail-on`` is given and a decision reaches it,
2 for an unreadable file or a bad configuration.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from idverify.cli.exit_codes import ExitCode

__all__ = ["add_parser", "run"]

_SEVERITY = {"ALLOW": 0, "WARN": 1, "BLOCK": 2}


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Add the ``screen`` subcommand."""
    p = sub.add_parser("screen", help="screen a text file for contact and payment details, intent, abuse")
    p.add_argument("file", type=Path, help="UTF-8 text file")
    shape = p.add_mutually_exclusive_group()
    shape.add_argument("--lines", action="store_true", help="screen each non-empty line as its own message")
    shape.add_argument("--profile", action="store_true",
                       help="a profile or job post: first line the title, the rest the description")
    p.add_argument("--skills", default="", help="for --profile: skills, comma-separated")
    p.add_argument("--contract", action="store_true", help="the parties have a contract (policy overrides apply)")
    p.add_argument("--config", help="TOML configuration file ([screening] policy_path, phone_regions...)")
    p.add_argument("--redact", action="store_true", help="print the redacted text too")
    p.add_argument("--json", action="store_true", help="print JSON Lines, one object per screened text")
    p.add_argument("--fail-on", choices=["warn", "block"], help="exit 1 when a decision is at least this")


def _position(text: str, index: int) -> str:
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return f"{line}:{column}"


def _report(result, texts: dict[str, str], where: str, args: argparse.Namespace) -> None:
    if args.json:
        print(json.dumps({
            "where": where, "decision": result.decision, "policy_version": result.policy_version,
            "findings": [{"category": f.category, "field": f.field, "start": f.start, "end": f.end, "value": f.value,
                          "disguises": list(f.disguises), "confidence": f.confidence, "detail": f.detail}
                         for f in result.findings],
            "reasons": [{"category": r.category, "effect": r.effect, "rule": r.rule} for r in result.reasons],
            **({"redacted": dict(result.redacted)} if args.redact else {}),
        }, ensure_ascii=False))
        return
    print(f"{where}: {result.decision}")
    for f in result.findings:
        disguised = f" disguised: {', '.join(f.disguises)}" if f.disguises else ""
        value = f" {f.value}" if f.value else ""
        print(f"  {f.field} {_position(texts[f.field], f.start)} {f.category}{value}{disguised} "
              f"(confidence {f.confidence:.2f})")
    if args.redact:
        for name, text in result.redacted.items():
            if text:
                print(f"  redacted {name}: {text}")


def run(args: argparse.Namespace) -> int:
    """Screen ``args.file``; return the exit code."""
    from idverify.app import Dependencies, Screening
    from idverify.config import load_config
    from idverify.errors import ConfigError, InvalidInput

    try:
        content = args.file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"idverify: cannot read {args.file} as UTF-8 text: {exc}", file=sys.stderr)
        return ExitCode.USAGE
    try:
        screening = Screening(Dependencies(config=load_config(args.config)))
        screening.screener  # load the tables now: a bad policy file is a usage error
    except ConfigError as exc:
        print(f"idverify: {exc.message}", file=sys.stderr)
        return ExitCode.USAGE
    worst = 0
    try:
        if args.profile:
            title, _, description = content.partition("\n")
            skills = [s.strip() for s in args.skills.split(",") if s.strip()]
            result = screening.profile(title.strip(), description.strip(), skills)
            _report(result, {"title": title.strip(), "description": description.strip(),
                             "skills": ", ".join(skills)}, str(args.file), args)
            worst = _SEVERITY[result.decision]
        else:
            pieces = ([(n, line) for n, line in enumerate(content.splitlines(), 1) if line.strip()]
                      if args.lines else [(0, content)])
            for number, text in pieces:
                result = screening.message(text, contract_exists=args.contract)
                _report(result, {"text": text}, f"{args.file}:{number}" if args.lines else str(args.file), args)
                worst = max(worst, _SEVERITY[result.decision])
    except InvalidInput as exc:
        print(f"idverify: {exc.message} ({exc.reason})", file=sys.stderr)
        return ExitCode.USAGE
    if args.fail_on and worst >= _SEVERITY[args.fail_on.upper()]:
        return ExitCode.FAILED
    return ExitCode.OK
