"""The client commands of the CLI (compare, read-document, verify, health): build requests from
files, call a running server, print the results."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import grpc
from google.protobuf import json_format
from grpc_health.v1 import health_pb2, health_pb2_grpc

from idverify.app.signup import CALLER_SIGNAL_TYPES
from idverify.cli.exit_codes import ExitCode
from idverify.client import error_reason
from idverify.v1 import verification_service_pb2 as pb
from idverify.v1 import verification_service_pb2_grpc as pb_grpc
from linker.v1 import linking_service_pb2 as lpb

__all__ = ["ClientError", "SIGNUP_SIGNALS", "run"]

_REFUSED = {grpc.StatusCode.INVALID_ARGUMENT, grpc.StatusCode.FAILED_PRECONDITION,
            grpc.StatusCode.NOT_FOUND, grpc.StatusCode.OUT_OF_RANGE}


class ClientError(Exception):
    """A failed client command, with the exit code the CLI returns."""

    def __init__(self, message: str, exit_code: ExitCode) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def _image(path: Path | None, label: str) -> pb.Image:
    if path is None:
        raise ClientError("missing image path", ExitCode.USAGE)
    try:
        return pb.Image(content=path.read_bytes(), label=label)
    except OSError as exc:
        raise ClientError(f"cannot read {path}: {exc.strerror}", ExitCode.USAGE) from exc


def _call(target: str, timeout: float, fn) -> Any:
    channel = grpc.insecure_channel(target)
    try:
        return fn(channel, timeout)
    except grpc.RpcError as exc:
        code = exc.code()  # type: ignore[attr-defined]
        details = exc.details()  # type: ignore[attr-defined]
        reason = error_reason(exc)
        suffix = f" [{reason}]" if reason else ""
        if code == grpc.StatusCode.UNAVAILABLE:
            raise ClientError(f"cannot reach the idverify server at {target}: {details}", ExitCode.UNAVAILABLE) from exc
        if code == grpc.StatusCode.DEADLINE_EXCEEDED:
            raise ClientError(f"no answer from {target} within {timeout:g} s", ExitCode.UNAVAILABLE) from exc
        exit_code = ExitCode.REFUSED if code in _REFUSED else ExitCode.RPC_ERROR
        raise ClientError(f"{code.name}{suffix}: {details}", exit_code) from exc
    finally:
        channel.close()


_ACCOUNT_KINDS = {"freelancer": lpb.ACCOUNT_KIND_FREELANCER, "client": lpb.ACCOUNT_KIND_CLIENT,
                  "agency": lpb.ACCOUNT_KIND_AGENCY}
#: The signals a signup caller may send, by their command-line name (``--signal device_id=...``).
SIGNUP_SIGNALS = {lpb.SignalType.Name(t).removeprefix("SIGNAL_TYPE_").lower(): t for t in sorted(CALLER_SIGNAL_TYPES)}


def _verify_request(args: argparse.Namespace) -> pb.VerifyIdentityRequest:
    labels = ["front", "back", "extra"]
    return pb.VerifyIdentityRequest(
        profile_photo=_image(args.photo, "profile"),
        document_images=[_image(p, labels[min(i, 2)]) for i, p in enumerate(args.document)],
        declared=pb.DeclaredProfile(full_name=args.name, birth_date=args.dob, email=args.email,
                                    phone=args.phone, country=args.country, nationality=args.nationality,
                                    residence_country=args.residence),
        account_id=args.account_id,
    )


def _signal(text: str) -> lpb.Signal:
    name, sep, value = text.partition("=")
    if not sep or name not in SIGNUP_SIGNALS or not value:
        raise ClientError(f"--signal {text!r}: use NAME=VALUE with NAME one of {', '.join(SIGNUP_SIGNALS)}",
                          ExitCode.USAGE)
    return lpb.Signal(type=SIGNUP_SIGNALS[name], value=value)


def run(args: argparse.Namespace) -> int:
    """Run one client command from parsed CLI arguments; return the exit code."""
    if args.command == "health":
        def check(channel, timeout):
            return health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=timeout)
        response = _call(args.target, args.timeout, check)
        status = health_pb2.HealthCheckResponse.ServingStatus.Name(response.status)
        print(json.dumps({"status": status}) if args.json else status)
        return ExitCode.OK if response.status == health_pb2.HealthCheckResponse.SERVING else ExitCode.RPC_ERROR

    if args.command == "compare":
        kinds = {"auto": pb.REFERENCE_KIND_UNSPECIFIED, "portrait": pb.REFERENCE_KIND_PORTRAIT, "document-portrait": pb.REFERENCE_KIND_DOCUMENT_PORTRAIT,
                 "document": pb.REFERENCE_KIND_DOCUMENT}
        request = pb.CompareFacesRequest(reference=_image(args.reference, "reference"),
                                         probe=_image(args.probe, "probe"),
                                         reference_kind=kinds[args.reference_kind])
        method = "CompareFaces"
    elif args.command == "read-document":
        images = [_image(args.front, "front")] + ([_image(args.back, "back")] if args.back else [])
        request = pb.ReadDocumentRequest(images=images)
        method = "ReadDocument"
    elif args.command == "verify":
        request = _verify_request(args)
        method = "VerifyIdentity"
    elif args.command == "signup":
        request = pb.SignupRequest(verification=_verify_request(args), kind=_ACCOUNT_KINDS[args.kind],
                                   owner_account_id=args.owner, signals=[_signal(s) for s in args.signal],
                                   dry_run=args.dry_run)
        method = "Signup"
    else:  # argparse only offers the commands above
        raise ClientError(f"unknown command {args.command}", ExitCode.USAGE)

    def call(channel, timeout):
        return getattr(pb_grpc.VerificationServiceStub(channel), method)(request, timeout=timeout)

    response = _call(args.target, args.timeout, call)
    if args.json:
        print(json_format.MessageToJson(response, preserving_proto_field_name=True))
    else:
        from idverify.cli import render

        render.print_response(method, response)
    return ExitCode.OK
