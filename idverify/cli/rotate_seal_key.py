"""``idverify rotate-seal-key``: re-seal the linker's stored identity values under ``linker.seal_key``.

    idverify rotate-seal-key --config idverify.toml [--db PATH|URL] [--batch 500]

Run it against the live store after every replica has ``seal_key`` set to the new key and the
old one in ``previous_seal_keys`` (the README's rotation procedure): it re-seals every value
under an older key, and every value from before seal key ids (format 0), in batches of
``--batch`` accounts, each in one short linking transaction, so registrations keep being served
between batches. It prints progress per batch and, at the end, how many values each key still
holds. Interrupted or run twice, it does only what is left.

Exit codes (:mod:`idverify.cli.exit_codes`): 0 every value is under the current key; 1 some
values are corrupt and were left (listed on stderr by account and signal type; re-registering
the account after ``DeleteAccount``, or restoring the rows, repairs them); 2 bad configuration,
or a value under a key that is in neither setting (add it to ``previous_seal_keys``; a value from
before key ids that opens under no key counts as corrupt once other such values open); 75 the
store is unavailable (run it again later).
"""

from __future__ import annotations

import argparse
import sys

from idverify.cli.exit_codes import ExitCode

__all__ = ["add_parser", "run"]


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register the ``rotate-seal-key`` sub-command."""
    p = sub.add_parser("rotate-seal-key", help="re-seal the linker's identity values under linker.seal_key",
                       description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--config", help="TOML configuration file (the one the server runs with)")
    p.add_argument("--db", help="SQLite file or postgresql:// URL (default: linker.store_url, else [store] url)")
    p.add_argument("--batch", type=int, default=500, help="accounts per transaction (default 500)")


def run(args: argparse.Namespace) -> int:
    """Re-seal from parsed arguments; return the exit code."""
    from idverify.config import load_config
    from idverify.errors import ConfigError, Unavailable

    if args.batch < 1:
        return _fail("--batch must be at least 1", ExitCode.USAGE)
    try:
        config = load_config(args.config)
        location = args.db or config.linker.store_url or config.store.resolved()
        return _rotate(location, config.linker, args.batch)
    except ConfigError as exc:
        return _fail(f"configuration error: {exc.message}", ExitCode.USAGE)
    except Unavailable as exc:
        if exc.reason == "SEAL_KEY_MISMATCH":
            return _fail(f"{exc.message} [{exc.reason}]; the batches reported above were re-sealed",
                         ExitCode.USAGE)
        return _fail(f"unavailable, run it again later: {exc.message} [{exc.reason}]", ExitCode.UNAVAILABLE)


def _rotate(location: str, settings, batch: int) -> int:
    from idverify.app.seal_rotation import ReSealReport, reseal_store
    from linker.engine import build_sealer
    from linker.store import open_store
    from linker.v1 import linking_service_pb2 as pb

    sealer = build_sealer(settings, location)
    store = open_store(location)
    try:
        def progress(report: ReSealReport, pending: int) -> None:
            share = f" ({100 * report.resealed / pending:.0f}%)" if pending else ""
            print(f"re-sealed {report.resealed} of {pending} values{share}", flush=True)

        print(f"sealing under key id {sealer.key_id}", flush=True)
        report = reseal_store(store, sealer, batch, progress)
        for account_id, signal_type in report.corrupt:
            print(f"idverify: account {account_id}: a sealed {_type_name(pb, signal_type)} value "
                  "is corrupt (SEALED_VALUE_CORRUPT); left as it is", file=sys.stderr)
        held = ", ".join(f"key id {kid or '(none, format 0)'}: {n}"
                         for (_fmt, kid), n in sorted(store.sealed_key_counts().items()))
        print(f"re-sealed {report.resealed} values; {len(report.corrupt)} corrupt; values by key: {held or 'none'}",
              flush=True)
        return ExitCode.FAILED if report.corrupt else ExitCode.OK
    finally:
        store.close()


def _type_name(pb, signal_type: int) -> str:
    try:
        return pb.SignalType.Name(signal_type)
    except ValueError:
        return f"type {signal_type}"


def _fail(message: str, code: ExitCode) -> int:
    print(f"idverify: {message}", file=sys.stderr)
    return code
