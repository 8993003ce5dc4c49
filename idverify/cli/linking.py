"""The LinkingService commands of the CLI, one per RPC.

    idverify register-account ACCOUNT --kind freelancer --signal email=ann@example.org
                              [--signal document_number=DE:X1234567] [--face-photo P] [--owner A]
    idverify register-accounts FILE.jsonl          RegisterAccounts: the file's lines in one call
    idverify check-account ACCOUNT | --kind K --signal ...      CheckAccount (registers nothing)
    idverify linked-accounts ACCOUNT [--include-weak]           GetLinkedAccounts
    idverify explain-link ACCOUNT_A ACCOUNT_B                   ExplainLink
    idverify record-review ACCOUNT_A ACCOUNT_B --action force-link|force-unlink|clear --reviewer R
    idverify delete-account ACCOUNT --reason R                  DeleteAccount (admin scope)
    idverify record-contract CONTRACT --client A --freelancer B RecordContract

A signal is ``NAME=VALUE`` with NAME the signal type in lower case (``email``, ``device_id``,
``card_fingerprint``, ...); a document number carries its issuing country first
(``document_number=DE:X1234567``) and a name its date of birth first
(``name_and_birth_date=1990-04-01:Ann Lee``). ``--request-json FILE`` sends a whole
RegisterAccountRequest or CheckAccountRequest in protobuf's JSON mapping instead. For large
backfills in batches, with resumable progress, use ``idverify import-accounts``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from google.protobuf import json_format

from idverify.cli.calls import ACCOUNT_KINDS, print_result
from idverify.cli.connection import ClientError, add_client_options, call, read_bytes, read_image
from idverify.cli.exit_codes import ExitCode
from linker.v1 import linking_service_pb2 as lpb
from linker.v1 import linking_service_pb2_grpc as lpb_grpc

__all__ = ["COMMANDS", "add_parsers", "run"]

#: ``--signal`` names: SIGNAL_TYPE_DEVICE_ID -> device_id (face photos come with --face-photo).
SIGNALS = {lpb.SignalType.Name(v).removeprefix("SIGNAL_TYPE_").lower(): v for v in lpb.SignalType.values()
           if v not in (lpb.SIGNAL_TYPE_UNSPECIFIED, lpb.SIGNAL_TYPE_FACE_EMBEDDING, lpb.SIGNAL_TYPE_FACE_PHOTO)}
_ACTIONS = {"force-link": lpb.REVIEW_ACTION_FORCE_LINK, "force-unlink": lpb.REVIEW_ACTION_FORCE_UNLINK,
            "clear": lpb.REVIEW_ACTION_CLEAR}
#: The commands this module runs, with the RPC each one calls.
COMMANDS = {"register-account": "RegisterAccount", "register-accounts": "RegisterAccounts",
            "check-account": "CheckAccount", "linked-accounts": "GetLinkedAccounts", "explain-link": "ExplainLink",
            "record-review": "RecordReview", "delete-account": "DeleteAccount", "record-contract": "RecordContract"}
_ACCOUNT_ARGUMENTS = {"account_id": "ACCOUNT", "kind": "--kind", "owner_account_id": "--owner",
                      "signals": "--signal/--face-photo"}


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Add one command per LinkingService RPC."""
    def client(name: str, help_text: str) -> argparse.ArgumentParser:
        return add_client_options(sub.add_parser(name, help=f"{help_text} ({COMMANDS[name]})"))

    def account_options(p: argparse.ArgumentParser, account_required: bool) -> None:
        p.add_argument("account_id", nargs=None if account_required else "?", default="",
                       metavar="ACCOUNT", help="the account's id")
        p.add_argument("--kind", choices=list(ACCOUNT_KINDS), help="the account's kind (default freelancer)")
        p.add_argument("--owner", default="", help="for an agency: the owning account's id")
        p.add_argument("--signal", action="append", default=[], metavar="NAME=VALUE",
                       help=f"repeatable; NAME one of {', '.join(SIGNALS)}")
        p.add_argument("--face-photo", type=Path, action="append", default=[],
                       help="a face photo the service embeds; repeatable")
        p.add_argument("--request-json", type=Path, help="the whole request in protobuf JSON instead of flags")

    account_options(client("register-account", "register an account and decide on it"), account_required=False)
    many = client("register-accounts", "register the accounts of a JSON Lines file in one call")
    many.add_argument("file", type=Path, help="one RegisterAccountRequest per line, protobuf JSON")
    account_options(client("check-account", "what registering would decide, registering nothing"),
                    account_required=False)
    linked = client("linked-accounts", "the accounts linked to one")
    linked.add_argument("account_id", metavar="ACCOUNT")
    linked.add_argument("--include-weak", action="store_true", help="also accounts sharing only weak signals")
    explain = client("explain-link", "the evidence path between two accounts")
    explain.add_argument("account_a", metavar="ACCOUNT_A")
    explain.add_argument("account_b", metavar="ACCOUNT_B")
    review = client("record-review", "force a link or an unlink that sticks, or clear one")
    review.add_argument("account_a", metavar="ACCOUNT_A")
    review.add_argument("account_b", metavar="ACCOUNT_B")
    review.add_argument("--action", required=True, choices=list(_ACTIONS))
    review.add_argument("--reviewer", required=True, help="who decided (an agent id)")
    review.add_argument("--note", default="")
    delete = client("delete-account", "erase an account's signals, faces and history")
    delete.add_argument("account_id", metavar="ACCOUNT")
    delete.add_argument("--reason", required=True, help="why (recorded), e.g. gdpr-erasure")
    contract = client("record-contract", "record a contract between a client and a freelancer account")
    contract.add_argument("contract_id", metavar="CONTRACT")
    contract.add_argument("--client", required=True, dest="client_account", help="the client account")
    contract.add_argument("--freelancer", required=True, help="the freelancer account")


def _signal(text: str) -> lpb.Signal:
    name, sep, value = text.partition("=")
    if not sep or name not in SIGNALS or not value:
        raise ClientError(f"--signal {text!r}: use NAME=VALUE with NAME one of {', '.join(SIGNALS)}", ExitCode.USAGE)
    kind = SIGNALS[name]
    if kind == lpb.SIGNAL_TYPE_DOCUMENT_NUMBER:
        country, colon, number = value.partition(":")
        if not colon or not country or not number:
            raise ClientError(f"--signal {text!r}: a document number needs its country: "
                              "document_number=COUNTRY:NUMBER", ExitCode.USAGE)
        return lpb.Signal(type=kind, value=number, country=country)
    if kind == lpb.SIGNAL_TYPE_NAME_AND_BIRTH_DATE:
        birth_date, colon, full_name = value.partition(":")
        if not colon or not birth_date or not full_name:
            raise ClientError(f"--signal {text!r}: a name needs its date of birth: "
                              "name_and_birth_date=YYYY-MM-DD:NAME", ExitCode.USAGE)
        return lpb.Signal(type=kind, value=full_name, birth_date=birth_date)
    return lpb.Signal(type=kind, value=value)


def _account_request(args: argparse.Namespace, cls):
    if args.request_json is not None:
        if args.signal or args.face_photo or args.account_id or args.kind:
            raise ClientError("--request-json: give the request as JSON or as flags, not both", ExitCode.USAGE)
        try:
            return json_format.Parse(read_bytes(args.request_json, "--request-json"), cls())
        except json_format.ParseError as exc:
            raise ClientError(f"--request-json: not a {cls.DESCRIPTOR.name} in JSON: {exc}", ExitCode.USAGE) from exc
    signals = [_signal(s) for s in args.signal]
    signals += [lpb.Signal(type=lpb.SIGNAL_TYPE_FACE_PHOTO, photo=read_image(p, "--face-photo").content)
                for p in args.face_photo]
    if args.kind:
        kind = ACCOUNT_KINDS[args.kind]
    elif cls is lpb.RegisterAccountRequest or signals:
        kind = lpb.ACCOUNT_KIND_FREELANCER
    else:  # a check by account id alone: the stored account's kind
        kind = lpb.ACCOUNT_KIND_UNSPECIFIED
    return cls(account_id=args.account_id, kind=kind, signals=signals, owner_account_id=args.owner)


def _register_many(path: Path) -> lpb.RegisterAccountsRequest:
    text = read_bytes(path, "FILE")
    try:
        lines = text.decode("utf-8-sig").splitlines()
    except UnicodeDecodeError as exc:
        raise ClientError(f"FILE: {path} is not UTF-8 text", ExitCode.USAGE) from exc
    request = lpb.RegisterAccountsRequest()
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            request.accounts.append(json_format.Parse(line, lpb.RegisterAccountRequest()))
        except json_format.ParseError as exc:
            raise ClientError(f"FILE: line {number}: not a RegisterAccountRequest in JSON: {exc}", ExitCode.USAGE) from exc
    return request


def run(args: argparse.Namespace) -> int:
    """Run one command of :data:`COMMANDS`; return the exit code."""
    method = COMMANDS[args.command]
    arguments = dict(_ACCOUNT_ARGUMENTS)
    if args.command == "register-account":
        request = _account_request(args, lpb.RegisterAccountRequest)
    elif args.command == "register-accounts":
        request, arguments = _register_many(args.file), {"accounts": "FILE"}
    elif args.command == "check-account":
        request = _account_request(args, lpb.CheckAccountRequest)
    elif args.command == "linked-accounts":
        request = lpb.GetLinkedAccountsRequest(account_id=args.account_id, include_weak=args.include_weak)
    elif args.command == "explain-link":
        request = lpb.ExplainLinkRequest(account_id_a=args.account_a, account_id_b=args.account_b)
        arguments = {"account_id_a": "ACCOUNT_A", "account_id_b": "ACCOUNT_B"}
    elif args.command == "record-review":
        request = lpb.RecordReviewRequest(account_id_a=args.account_a, account_id_b=args.account_b,
                                          action=_ACTIONS[args.action], reviewer=args.reviewer, note=args.note)
        arguments = {"account_id_a": "ACCOUNT_A", "account_id_b": "ACCOUNT_B", "action": "--action",
                     "reviewer": "--reviewer", "note": "--note"}
    elif args.command == "delete-account":
        request = lpb.DeleteAccountRequest(account_id=args.account_id, reason=args.reason)
        arguments = {"account_id": "ACCOUNT", "reason": "--reason"}
    else:
        request = lpb.RecordContractRequest(contract_id=args.contract_id, client_account_id=args.client_account,
                                            freelancer_account_id=args.freelancer)
        arguments = {"contract_id": "CONTRACT", "client_account_id": "--client", "freelancer_account_id": "--freelancer"}
    print_result(args, method, call(args, lpb_grpc.LinkingServiceStub, method, request, arguments))
    return ExitCode.OK
