"""The ``idverify`` command: run the server, or call a running one.

    idverify serve [--host H] [--port 50051] [--db PATH|URL] [--config FILE]
    idverify compare REFERENCE PROBE [--reference-kind auto|portrait|document|document-portrait]
    idverify read-document FRONT [BACK]
    idverify verify --photo P --document FRONT [--document BACK] --name ... --dob ...
    idverify signup --photo P --document FRONT --name ... --dob ... --account-id A [--kind client]
                    [--signal device_id=...] [--dry-run]
    idverify health
    idverify qa run|compare|build ...   (fixture suites; see idverify/qa/cli.py)
    idverify keys create --client NAME --scope verify [--scope link] --keys-file FILE
    idverify reverify [--once] [--target host:port] [--concurrency N]
    idverify import-accounts FILE.jsonl [--batch 256] [--start-line N] [--decisions OUT.jsonl]
    idverify qa run PATH | qa compare OLD.json NEW.json | qa build

Client commands take ``--target host:port`` (default 127.0.0.1:50051), ``--timeout`` seconds
and ``--json``. Exit codes are one table for every command: :mod:`idverify.cli.exit_codes`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from idverify.cli.exit_codes import ExitCode

__all__ = ["main"]

DEFAULT_TARGET = "127.0.0.1:50051"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="idverify", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    from idverify.cli.serve import add_parser as add_serve

    add_serve(sub)

    def client(name: str, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text)
        p.add_argument("--target", default=DEFAULT_TARGET, help=f"server host:port (default {DEFAULT_TARGET})")
        p.add_argument("--timeout", type=float, default=60.0, help="deadline in seconds (default 60)")
        p.add_argument("--json", action="store_true", help="print the response as JSON")
        return p

    compare = client("compare", "compare the faces on two images")
    compare.add_argument("reference", type=Path, help="ID document photo or its portrait")
    compare.add_argument("probe", type=Path, help="profile photo")
    compare.add_argument("--reference-kind", choices=["auto", "portrait", "document", "document-portrait"], default="auto")

    read = client("read-document", "read an ID document")
    read.add_argument("front", type=Path)
    read.add_argument("back", type=Path, nargs="?")

    def identity(name: str, help_text: str) -> argparse.ArgumentParser:
        p = client(name, help_text)
        p.add_argument("--photo", type=Path, required=True, help="profile photo")
        p.add_argument("--document", type=Path, action="append", required=True,
                       help="document photo; give twice for front and back")
        p.add_argument("--name", default="", help="declared full name")
        p.add_argument("--dob", default="", help="declared date of birth, YYYY-MM-DD")
        p.add_argument("--email", default="")
        p.add_argument("--phone", default="")
        p.add_argument("--country", default="", help="residence or nationality, ISO 3166 alpha-2 or alpha-3")
        p.add_argument("--nationality", default="", help="declared nationality (a difference is a mismatch)")
        p.add_argument("--residence", default="", help="country of residence (a difference is only noted)")
        return p

    verify = identity("verify", "verify a person: profile photo, document and declared profile")
    verify.add_argument("--account-id", default="")

    signup = identity("signup", "sign an account up: verify the person and link the account, one decision")
    signup.add_argument("--account-id", required=True, help="the new account's id")
    signup.add_argument("--kind", choices=["freelancer", "client", "agency"], default="freelancer")
    signup.add_argument("--owner", default="", help="for an agency: the owning account's id")
    signup.add_argument("--signal", action="append", default=[], metavar="NAME=VALUE",
                        help="a device or payment signal, e.g. device_id=abc or ip_address=192.0.2.7; repeatable")
    signup.add_argument("--dry-run", action="store_true", help="check only: register and record nothing")

    client("health", "ask the server's health service")

    from idverify.qa.cli import add_parser as add_qa_parser  # argparse only; the runner loads lazily

    add_qa_parser(sub)
    keys = sub.add_parser("keys", help="manage API keys").add_subparsers(dest="keys_command", required=True)
    create = keys.add_parser("create", help="make a key, print it once, store only its hash")
    create.add_argument("--client", required=True, help="client id, e.g. signup-backend")
    create.add_argument("--scope", action="append", required=True,
                        choices=["verify", "link", "review", "admin"], help="repeat for several")
    create.add_argument("--keys-file", required=True, help="TOML keys file (auth.keys_file)")

    from idverify.cli.reverify import add_parser as add_reverify

    add_reverify(sub)
    from idverify.cli.import_accounts import add_parser as add_import

    add_import(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``idverify`` console script; returns the exit code."""
    args = _parser().parse_args(argv)
    if args.command == "serve":
        from idverify.cli.serve import run as run_serve

        return run_serve(args)
    if args.command == "qa":
        from idverify.qa.cli import run as run_qa

        return run_qa(args)
    if args.command == "keys":
        return _create_key(args)
    if args.command == "reverify":
        from idverify.cli.reverify import run as run_reverify

        return run_reverify(args)
    if args.command == "import-accounts":
        from idverify.cli.import_accounts import run as run_import

        return run_import(args)
    from idverify.cli import calls  # grpc stubs only for client commands

    try:
        return calls.run(args)
    except calls.ClientError as exc:
        print(f"idverify: {exc}", file=sys.stderr)
        return exc.exit_code


def _create_key(args: argparse.Namespace) -> int:
    from idverify.errors import ConfigError
    from idverify.server.auth import append_key, new_key

    key, digest = new_key()
    try:
        append_key(args.keys_file, args.client, digest, args.scope)
    except ConfigError as exc:
        print(f"idverify: {exc.message}", file=sys.stderr)
        return ExitCode.USAGE
    except OSError as exc:
        print(f"idverify: cannot write {args.keys_file}: {exc.strerror}", file=sys.stderr)
        return ExitCode.USAGE
    print(key)
    print(f"stored the hash for client {args.client!r} in {args.keys_file}; the key is shown only now",
          file=sys.stderr)
    return ExitCode.OK

