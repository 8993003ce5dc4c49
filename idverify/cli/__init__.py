"""The ``idverify`` command: run the server, or call a running one.

    idverify serve [--host H] [--port 50051] [--metrics-port 9464] [--db PATH|URL] [--config FILE] ...
    idverify compare REFERENCE PROBE [--reference-kind auto|portrait|document|document-portrait]
    idverify read-document FRONT [BACK]
    idverify match-profile --name ... --dob ... [--document-json DOC.json]
    idverify verify --photo P --document FRONT [--document BACK] --name ... --dob ...
    idverify signup --photo P --document FRONT --name ... --dob ... --account-id A [--kind client]
                    [--signal device_id=...] [--dry-run]
    idverify request-reverification ACCOUNT --reason suspected-fraud
    idverify register-account | register-accounts | check-account | linked-accounts | explain-link
             | record-review | delete-account | record-contract ...   (see idverify/cli/linking.py)
    idverify health [--service linker.v1.LinkingService]
    idverify qa run|compare|build ...   (fixture suites; see idverify/qa/cli.py)
    idverify keys create --client NAME --scope verify [--scope link] --keys-file FILE
    idverify reverify [--once] [--target host:port] [--concurrency N]
    idverify import-accounts FILE.jsonl [--batch 256] [--start-line N] [--decisions OUT.jsonl]
    idverify rotate-seal-key [--config FILE] [--db PATH|URL] [--batch 500]   (see the README's rotation)
    idverify screen FILE [--lines | --profile] [--contract] [--redact] [--json] [--fail-on block]
    idverify qa run PATH | qa compare OLD.json NEW.json | qa build

Client commands take ``--target host:port`` (or ``$IDVERIFY_TARGET``; default 127.0.0.1:50051),
``--api-key`` (or ``$IDVERIFY_API_KEY``), ``--tls-ca``, ``--timeout`` seconds, ``--json`` and
``--include-images`` (:mod:`idverify.cli.connection`). Exit codes are one table for every command: :mod:`idverify.cli.exit_codes`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from idverify.cli.exit_codes import ExitCode

__all__ = ["main"]



def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="idverify", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    from idverify.cli.serve import add_parser as add_serve

    add_serve(sub)

    from idverify.cli import calls, linking  # argparse only; grpc is imported, the stubs are not called

    calls.add_parsers(sub)
    linking.add_parsers(sub)

    from idverify.qa.cli import add_parser as add_qa_parser  # argparse only; the runner loads lazily

    add_qa_parser(sub)
    keys = sub.add_parser("keys", help="manage API keys").add_subparsers(dest="keys_command", required=True)
    create = keys.add_parser("create", help="make a key, print it once, store only its hash")
    create.add_argument("--client", required=True, help="client id, e.g. signup-backend")
    create.add_argument("--scope", action="append", required=True,
                        choices=["verify", "link", "review", "screen", "admin"], help="repeat for several")
    create.add_argument("--keys-file", required=True, help="TOML keys file (auth.keys_file)")

    from idverify.cli.reverify import add_parser as add_reverify

    add_reverify(sub)
    from idverify.cli.import_accounts import add_parser as add_import

    add_import(sub)
    from idverify.cli.rotate_seal_key import add_parser as add_rotate

    add_rotate(sub)
    from idverify.cli.screen import add_parser as add_screen

    add_screen(sub)
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
    if args.command == "screen":
        from idverify.cli.screen import run as run_screen

        return run_screen(args)
    if args.command == "rotate-seal-key":
        from idverify.cli.rotate_seal_key import run as run_rotate

        return run_rotate(args)
    if args.command == "import-accounts":
        from idverify.cli.import_accounts import run as run_import

        return run_import(args)
    from idverify.cli import calls, linking
    from idverify.cli.connection import ClientError

    try:
        return linking.run(args) if args.command in linking.COMMANDS else calls.run(args)
    except ClientError as exc:
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

