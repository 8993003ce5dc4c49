"""The VerificationService commands of the CLI and ``health``: build requests from files and
flags, call a running server, print the results (:mod:`idverify.cli.render`, or ``--json``).

    idverify compare REFERENCE PROBE                      CompareFaces
    idverify read-document FRONT [BACK]                   ReadDocument
    idverify match-profile --name ... [--document-json F] MatchProfile
    idverify verify --photo P --document F ...            VerifyIdentity
    idverify signup --photo P --document F ... --account-id A   Signup
    idverify request-reverification ACCOUNT --reason R    RequestReverification
    idverify health                                       grpc.health.v1.Health/Check
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from google.protobuf import json_format
from grpc_health.v1 import health_pb2, health_pb2_grpc

from idverify.app.signup import CALLER_SIGNAL_TYPES
from idverify.cli.connection import ClientError, add_client_options, call, read_bytes, read_image, to_json
from idverify.cli.exit_codes import ExitCode
from idverify.v1 import verification_service_pb2 as pb
from idverify.v1 import verification_service_pb2_grpc as pb_grpc
from linker.v1 import linking_service_pb2 as lpb

__all__ = ["ACCOUNT_KINDS", "COMMANDS", "ClientError", "SIGNUP_SIGNALS", "add_parsers", "print_result", "run"]

ACCOUNT_KINDS = {"freelancer": lpb.ACCOUNT_KIND_FREELANCER, "client": lpb.ACCOUNT_KIND_CLIENT,
                 "agency": lpb.ACCOUNT_KIND_AGENCY}
#: The signals a signup caller may send, by their command-line name (``--signal device_id=...``).
SIGNUP_SIGNALS = {lpb.SignalType.Name(t).removeprefix("SIGNAL_TYPE_").lower(): t for t in sorted(CALLER_SIGNAL_TYPES)}
_REFERENCE_KINDS = {"auto": pb.REFERENCE_KIND_UNSPECIFIED, "portrait": pb.REFERENCE_KIND_PORTRAIT,
                    "document-portrait": pb.REFERENCE_KIND_DOCUMENT_PORTRAIT, "document": pb.REFERENCE_KIND_DOCUMENT}
#: ``--reason`` of request-reverification: REVERIFICATION_REASON_SUSPECTED_FRAUD -> suspected-fraud.
REVERIFICATION_REASONS = {pb.ReverificationReason.Name(v).removeprefix("REVERIFICATION_REASON_").lower().replace("_", "-"): v
                          for v in pb.ReverificationReason.values() if v != pb.REVERIFICATION_REASON_UNSPECIFIED}
#: The commands this module runs, with the RPC each one calls.
COMMANDS = {"health": "Check", "compare": "CompareFaces", "read-document": "ReadDocument",
            "match-profile": "MatchProfile", "verify": "VerifyIdentity", "signup": "Signup",
            "request-reverification": "RequestReverification"}


def _declared_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--name", default="", help="declared full name")
    p.add_argument("--dob", default="", help="declared date of birth, YYYY-MM-DD")
    p.add_argument("--email", default="")
    p.add_argument("--phone", default="")
    p.add_argument("--country", default="", help="residence or nationality, ISO 3166 alpha-2 or alpha-3")
    p.add_argument("--nationality", default="", help="declared nationality (a difference is a mismatch)")
    p.add_argument("--residence", default="", help="country of residence (a difference is only noted)")


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Add the VerificationService commands and ``health``."""
    def client(name: str, help_text: str) -> argparse.ArgumentParser:
        return add_client_options(sub.add_parser(name, help=help_text))

    client("health", "ask the server's health service").add_argument(
        "--service", default="", help="one service, e.g. linker.v1.LinkingService (default: the server)")

    compare = client("compare", "compare the faces on two images (CompareFaces)")
    compare.add_argument("reference", type=Path, help="ID document photo or its portrait")
    compare.add_argument("probe", type=Path, help="profile photo")
    compare.add_argument("--reference-kind", choices=list(_REFERENCE_KINDS), default="auto")

    read = client("read-document", "read an ID document (ReadDocument)")
    read.add_argument("front", type=Path)
    read.add_argument("back", type=Path, nargs="?")

    match = client("match-profile", "match a declared profile against document fields (MatchProfile)")
    _declared_options(match)
    match.add_argument("--document-json", type=Path,
                       help="the document's fields: a Document, or a ReadDocumentResponse (read-document --json)")
    match.add_argument("--known-email", action="append", default=[], help="an email held elsewhere; repeatable")
    match.add_argument("--known-phone", action="append", default=[], help="a phone held elsewhere; repeatable")

    def identity(name: str, help_text: str) -> argparse.ArgumentParser:
        p = client(name, help_text)
        p.add_argument("--photo", type=Path, required=True, help="profile photo")
        p.add_argument("--document", type=Path, action="append", required=True,
                       help="document photo; give twice for front and back")
        _declared_options(p)
        return p

    verify = identity("verify", "verify a person: profile photo, document and declared profile (VerifyIdentity)")
    verify.add_argument("--account-id", default="")

    signup = identity("signup", "sign an account up: verify the person and link the account, one decision")
    signup.add_argument("--account-id", required=True, help="the new account's id")
    signup.add_argument("--kind", choices=list(ACCOUNT_KINDS), default="freelancer")
    signup.add_argument("--owner", default="", help="for an agency: the owning account's id")
    signup.add_argument("--signal", action="append", default=[], metavar="NAME=VALUE",
                        help="a device or payment signal, e.g. device_id=abc or ip_address=192.0.2.7; repeatable")
    signup.add_argument("--dry-run", action="store_true", help="check only: register and record nothing")

    again = client("request-reverification",
                   "ask for a verified account to be verified again by the next reverify run (review scope)")
    again.add_argument("account_id", help="the account to verify again")
    again.add_argument("--reason", required=True, choices=list(REVERIFICATION_REASONS))


def _declared(args: argparse.Namespace) -> pb.DeclaredProfile:
    return pb.DeclaredProfile(full_name=args.name, birth_date=args.dob, email=args.email, phone=args.phone,
                              country=args.country, nationality=args.nationality, residence_country=args.residence)


def _verify_request(args: argparse.Namespace) -> pb.VerifyIdentityRequest:
    labels = ["front", "back", "extra"]
    return pb.VerifyIdentityRequest(
        profile_photo=read_image(args.photo, "--photo", "profile"),
        document_images=[read_image(p, "--document", labels[min(i, 2)]) for i, p in enumerate(args.document)],
        declared=_declared(args), account_id=args.account_id)


#: Request fields (ErrorInfo ``field``) of the identity commands, by the argument that gave them.
_IDENTITY_ARGUMENTS = {"profile_photo": "--photo", "probe": "--photo", "document_images": "--document",
                       "reference": "--document", "account_id": "--account-id", "declared": "--name/--dob/...",
                       "verification.profile_photo": "--photo", "verification.document_images": "--document",
                       "verification.account_id": "--account-id", "owner_account_id": "--owner",
                       "signals": "--signal", "kind": "--kind"}


def _signal(text: str) -> lpb.Signal:
    name, sep, value = text.partition("=")
    if not sep or name not in SIGNUP_SIGNALS or not value:
        raise ClientError(f"--signal {text!r}: use NAME=VALUE with NAME one of {', '.join(SIGNUP_SIGNALS)}",
                          ExitCode.USAGE)
    return lpb.Signal(type=SIGNUP_SIGNALS[name], value=value)


def _document(path: Path | None) -> pb.Document:
    if path is None:
        return pb.Document()
    text = read_bytes(path, "--document-json")
    try:
        data = json.loads(text)
        if isinstance(data, dict) and isinstance(data.get("document"), dict):
            data = data["document"]  # a ReadDocumentResponse, as read-document --json prints it
        return json_format.ParseDict(data, pb.Document(), ignore_unknown_fields=False)
    except (ValueError, json_format.ParseError) as exc:
        raise ClientError(f"--document-json: not a Document in JSON: {exc}", ExitCode.USAGE) from exc


def run(args: argparse.Namespace) -> int:
    """Run one command of :data:`COMMANDS` from parsed CLI arguments; return the exit code."""
    if args.command == "health":
        called = call(args, health_pb2_grpc.HealthStub, "Check", health_pb2.HealthCheckRequest(service=args.service))
        status = health_pb2.HealthCheckResponse.ServingStatus.Name(called.response.status)
        print(json.dumps({"status": status}) if args.json else status)
        return ExitCode.OK if called.response.status == health_pb2.HealthCheckResponse.SERVING else ExitCode.RPC_ERROR

    arguments: dict[str, str] = dict(_IDENTITY_ARGUMENTS)
    if args.command == "compare":
        request = pb.CompareFacesRequest(reference=read_image(args.reference, "REFERENCE", "reference"),
                                         probe=read_image(args.probe, "PROBE", "probe"),
                                         reference_kind=_REFERENCE_KINDS[args.reference_kind])
        method, arguments = "CompareFaces", {"reference": "REFERENCE", "probe": "PROBE",
                                             "reference_kind": "--reference-kind"}
    elif args.command == "read-document":
        images = [read_image(args.front, "FRONT", "front")] + ([read_image(args.back, "BACK", "back")] if args.back else [])
        request = pb.ReadDocumentRequest(images=images)
        method, arguments = "ReadDocument", {"images[0]": "FRONT", "images[1]": "BACK", "images": "FRONT/BACK"}
    elif args.command == "match-profile":
        request = pb.MatchProfileRequest(declared=_declared(args), document=_document(args.document_json),
                                         known_emails=args.known_email, known_phones=args.known_phone)
        method, arguments = "MatchProfile", {"declared": "--name/--dob/...", "document": "--document-json",
                                             "known_emails": "--known-email", "known_phones": "--known-phone"}
    elif args.command == "verify":
        request, method = _verify_request(args), "VerifyIdentity"
    elif args.command == "signup":
        request = pb.SignupRequest(verification=_verify_request(args), kind=ACCOUNT_KINDS[args.kind],
                                   owner_account_id=args.owner, signals=[_signal(s) for s in args.signal],
                                   dry_run=args.dry_run)
        method = "Signup"
    elif args.command == "request-reverification":
        request = pb.RequestReverificationRequest(account_id=args.account_id,
                                                  reason=REVERIFICATION_REASONS[args.reason])
        method, arguments = "RequestReverification", {"account_id": "ACCOUNT", "reason": "--reason"}
    else:  # argparse only offers the commands above
        raise ClientError(f"unknown command {args.command}", ExitCode.USAGE)
    called = call(args, pb_grpc.VerificationServiceStub, method, request, arguments)
    print_result(args, method, called)
    return ExitCode.OK


def print_result(args: argparse.Namespace, method: str, called) -> None:
    """``--json`` (binary fields summarised unless ``--include-images``), or readable output
    with the wall time and the server's stages."""
    if args.json:
        print(to_json(called.response, include_images=args.include_images))
        return
    from idverify.cli import render

    render.print_response(method, called.response, wall_seconds=called.wall_seconds)
