"""``idverify import-accounts``: backfill existing accounts through RegisterAccounts in batches.

A marketplace adopting the linker has accounts already; each must be registered once so that
new signups link against them. The input is JSON Lines, one ``RegisterAccountRequest`` per line
in protobuf's JSON mapping (field names as in the proto or camelCase; enums by name)::

    {"account_id": "u1", "kind": "ACCOUNT_KIND_FREELANCER", "signals": [
        {"type": "SIGNAL_TYPE_EMAIL", "value": "ann@example.com"},
        {"type": "SIGNAL_TYPE_DOCUMENT_NUMBER", "value": "X1234567", "country": "DE"}]}

Lines go to the server in batches (``--batch``, at most the server's ``linker.max_batch``); a
batch is all or nothing. A signal the server cannot use (a malformed email, a document number
without its country) does not stop the run: the account is imported with its other signals and
the line is reported on stderr (``line 7 (u7): signals[0] SIGNAL_TYPE_EMAIL rejected:
EMAIL_INVALID``; never the value). The run stops at the first refused batch (an account whose
signals are all unusable, an unknown owner, ...) and names the input line the server blamed,
with the ``--start-line`` that resumes after the lines already imported. With ``--decisions
FILE`` every account's decision, person, linked accounts and rejected signals are written as
JSON Lines, so the duplicates already in the backfill can be reviewed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

import grpc
from google.protobuf import json_format

from idverify.cli.exit_codes import ExitCode
from linker.v1 import linking_service_pb2 as pb
from linker.v1 import linking_service_pb2_grpc as pb_grpc

__all__ = ["add_parser", "run"]

_ITEM = re.compile(r"^accounts\[(\d+)\]\.?(.*)$")


def add_parser(sub) -> None:
    """Add the ``import-accounts`` subcommand to the ``idverify`` parser."""
    p = sub.add_parser("import-accounts", help="backfill accounts into the linker from JSON Lines",
                       description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("file", type=Path, help="JSON Lines file, one RegisterAccountRequest per line ('-': stdin)")
    p.add_argument("--target", default="127.0.0.1:50051", help="server host:port (default 127.0.0.1:50051)")
    p.add_argument("--api-key", default=os.environ.get("IDVERIFY_API_KEY", ""),
                   help="API key with the link scope (default: $IDVERIFY_API_KEY)")
    p.add_argument("--batch", type=int, default=256, help="accounts per RegisterAccounts call (default 256)")
    p.add_argument("--start-line", type=int, default=1, help="first input line to import (to resume)")
    p.add_argument("--decisions", type=Path, help="write each account's decision here (JSON Lines)")
    p.add_argument("--timeout", type=float, default=120.0, help="deadline per batch in seconds")


def _requests(lines: TextIO, start: int) -> Iterator[tuple[int, pb.RegisterAccountRequest]]:
    number = 0
    while True:
        try:
            line = lines.readline()
        except UnicodeDecodeError:
            raise _Stop(f"line {number + 1}: not UTF-8 text", ExitCode.USAGE) from None
        if not line:
            return
        number += 1
        if number < start or not line.strip():
            continue
        try:
            yield number, json_format.Parse(line, pb.RegisterAccountRequest())
        except json_format.ParseError as exc:
            raise _Stop(f"line {number}: not a RegisterAccountRequest in JSON: {exc}", ExitCode.USAGE) from None


class _Stop(Exception):
    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


def _blame(exc: grpc.RpcError, numbers: list[int]) -> str:
    """The refused batch's error, naming the input line of the item the server blamed."""
    from idverify.client import error_info

    info = error_info(exc)
    reason = f" [{info.reason}]" if info is not None and info.reason else ""
    where = f"lines {numbers[0]}-{numbers[-1]}"
    match = _ITEM.match(info.metadata.get("field", "")) if info is not None else None
    if match and int(match.group(1)) < len(numbers):
        where = f"line {numbers[int(match.group(1))]}" + (f" ({match.group(2)})" if match.group(2) else "")
    return f"{where}: {exc.code().name}{reason}: {exc.details()}"


def _rejected(signal: pb.RejectedSignal) -> dict[str, object]:
    """A rejected signal for the report: where, what type and why (the server never echoes the value)."""
    number = signal.signal_type
    name = pb.SignalType.Name(number) if number in pb.SignalType.values() else str(number)
    return {"index": signal.index, "field": signal.field, "type": name, "reason": signal.reason}


def run(args: argparse.Namespace) -> int:
    """Import the file; returns the exit code (0 done, 1 a batch refused, 2 bad input, 75 unreachable)."""
    if args.batch < 1:
        print("idverify: --batch must be at least 1", file=sys.stderr)
        return ExitCode.USAGE
    try:
        source = sys.stdin if str(args.file) == "-" else args.file.open(encoding="utf-8-sig")
    except OSError as exc:
        print(f"idverify: cannot read {args.file}: {exc.strerror}", file=sys.stderr)
        return ExitCode.USAGE
    try:
        out = args.decisions.open("a", encoding="utf-8") if args.decisions else None
    except OSError as exc:
        print(f"idverify: cannot write {args.decisions}: {exc.strerror}", file=sys.stderr)
        if source is not sys.stdin:
            source.close()
        return ExitCode.USAGE
    metadata = (("authorization", f"Bearer {args.api_key}"),) if args.api_key else ()
    channel = grpc.insecure_channel(args.target)
    stub = pb_grpc.LinkingServiceStub(channel)
    counts: Counter[str] = Counter()
    rejected: Counter[str] = Counter()
    done, last_line, started = 0, args.start_line - 1, time.perf_counter()

    def send(batch: list[tuple[int, pb.RegisterAccountRequest]]) -> None:
        nonlocal done, last_line
        numbers = [n for n, _ in batch]
        try:
            reply = stub.RegisterAccounts(pb.RegisterAccountsRequest(accounts=[r for _, r in batch]),
                                          timeout=args.timeout, metadata=metadata)
        except grpc.RpcError as exc:
            if exc.code() in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED):
                raise _Stop(f"{_blame(exc, numbers)} (the server may have stored this batch before the "
                            "error; sending it again registers those accounts again, which is safe but "
                            "stores their face embeddings twice)", ExitCode.UNAVAILABLE) from None
            raise _Stop(_blame(exc, numbers), ExitCode.FAILED) from None
        for (number, request), result in zip(batch, reply.results, strict=True):
            decision = pb.LinkDecision.Name(result.decision).removeprefix("LINK_DECISION_")
            counts[decision] += 1
            dropped = [_rejected(r) for r in result.rejected_signals]
            for r in dropped:
                rejected[r["reason"]] += 1
                print(f"line {number} ({request.account_id}): {r['field']} {r['type']} rejected: {r['reason']}",
                      file=sys.stderr)
            if out is not None:
                out.write(json.dumps({"line": number, "account_id": request.account_id, "decision": decision,
                                      "person_id": result.person_id,
                                      "linked_account_ids": list(result.linked_account_ids),
                                      "reasons": [r.code for r in result.reasons],
                                      "rejected_signals": dropped}) + "\n")
        done += len(batch)
        last_line = numbers[-1]
        rate = done / max(time.perf_counter() - started, 1e-9)
        print(f"imported {done:,} accounts (to line {last_line:,}, {rate:,.0f}/s)", file=sys.stderr, flush=True)

    try:
        batch: list[tuple[int, pb.RegisterAccountRequest]] = []
        for item in _requests(source, args.start_line):
            batch.append(item)
            if len(batch) == args.batch:
                send(batch)
                batch = []
        if batch:
            send(batch)
    except _Stop as stop:
        print(f"idverify: {stop}", file=sys.stderr)
        print(f"idverify: {done:,} accounts imported before this; resume with --start-line {last_line + 1}",
              file=sys.stderr)
        return stop.code
    finally:
        channel.close()
        if out is not None:
            out.close()
        if source is not sys.stdin:
            source.close()
    summary = {"accounts": done, **{k: counts[k] for k in ("ALLOW", "REVIEW", "BLOCK")},
               "rejected_signals": dict(sorted(rejected.items())),
               "seconds": round(time.perf_counter() - started, 2)}
    print(json.dumps(summary))
    return ExitCode.OK
