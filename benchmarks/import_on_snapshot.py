"""``idverify import-accounts`` against a prefilled PostgreSQL store: the real server and CLI.

Starts a throwaway PostgreSQL on a copy of a ``bench_linker.py --store throwaway-postgresql
--snapshot DIR`` data directory (the snapshot itself is left as it was), a real ``idverify
serve`` on it with the benchmark's keys and the snapshot's face graph as ``linker.index_path``,
writes the accounts that follow the prefilled ones in the same generated stream as JSON Lines
(``RegisterAccountRequest``, protobuf's JSON mapping), and times ``idverify import-accounts``
on them::

    PYTHONPATH=. python benchmarks/import_on_snapshot.py /work/pg1m-snap/1000000-950000-7-32-32-200-postgresql \\
        --accounts 1000000 --prefill 950000 --count 10000

Without a saved graph beside the snapshot, the server builds one from the store first (36 minutes
for 924,910 faces on 2 cores); ``--save-graph`` does only that, once, and keeps it::

    PYTHONPATH=. python benchmarks/import_on_snapshot.py DIR/<tag>-postgresql --accounts 1000000 \\
        --prefill 950000 --save-graph

The stream's parameters must be those the snapshot was made with (its folder name is
``<accounts>-<prefill>-<seed>-<face dim>-<M>-<ef_construction>-postgresql``).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from google.protobuf import json_format  # noqa: E402

from benchmarks.bench_linker import generate, messages  # noqa: E402
from linker.v1 import linking_service_pb2 as pb  # noqa: E402
from tests.postgres import ThrowawayPostgres, find_bin_dir  # noqa: E402
from tests.serverproc import ServerProcess  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("snapshot", type=Path, help="a <tag>-postgresql folder written by bench_linker.py --snapshot")
    ap.add_argument("--accounts", type=int, required=True)
    ap.add_argument("--prefill", type=int, required=True)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--face-dim", type=int, default=32)
    ap.add_argument("--count", type=int, default=10000, help="accounts to import after the prefilled ones")
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--pg-setting", action="append", default=[], metavar="NAME=VALUE",
                    help="a setting of the throwaway PostgreSQL (repeatable), e.g. shared_buffers=4GB")
    ap.add_argument("--decisions", type=Path, help="keep import-accounts' decisions (JSON Lines) here, to "
                    "compare two checkouts' runs")
    ap.add_argument("--save-graph", action="store_true",
                    help="only start the server on the snapshot (it builds the face graph from the store), stop "
                         "it (it saves the graph) and keep the graph beside the snapshot's data for later runs")
    args = ap.parse_args(argv)
    if args.snapshot.name.split("-")[:4] != [str(args.accounts), str(args.prefill), str(args.seed), str(args.face_dim)]:
        ap.error(f"{args.snapshot.name} was not made with --accounts {args.accounts} --prefill {args.prefill} "
                 f"--seed {args.seed} --face-dim {args.face_dim}")
    bin_dir = find_bin_dir()
    if bin_dir is None:
        print("PostgreSQL binaries not found under /usr/lib/postgresql/*/bin", file=sys.stderr)
        return 2
    stream, _ = generate(args.accounts, args.seed, args.face_dim)
    tail = stream[args.prefill : args.prefill + args.count]
    del stream
    with tempfile.TemporaryDirectory(prefix="import-on-snapshot-") as tmp:
        lines = Path(tmp) / "accounts.jsonl"
        with lines.open("w") as fh:
            for acc in tail:
                request = pb.RegisterAccountRequest(account_id=acc.account_id, kind=acc.kind,
                                                    signals=messages(acc.signals), owner_account_id=acc.owner)
                fh.write(json_format.MessageToJson(request, indent=None) + "\n")
        for name in ("faces.hnsw", "faces.hnsw.json"):  # the server saves its graph at shutdown: a copy
            if (args.snapshot / name).exists():
                shutil.copyfile(args.snapshot / name, Path(tmp) / name)
        t = time.perf_counter()
        pg = ThrowawayPostgres.from_data(bin_dir, args.snapshot / "data", args.pg_setting)
        server = None
        try:
            url = pg.url((args.snapshot / "database").read_text().strip())
            print(f"(PostgreSQL started on a copy of the snapshot in {time.perf_counter() - t:.0f} s)", flush=True)
            t = time.perf_counter()
            server = ServerProcess(url, env={"IDVERIFY_LINKER__HASH_KEY": "0" * 64,
                                             "IDVERIFY_LINKER__SEAL_KEY": bytes(range(32)).hex(),
                                             "IDVERIFY_LINKER__INDEX_PATH": str(Path(tmp) / "faces.hnsw")}).start()
            print(f"(idverify serve ready in {time.perf_counter() - t:.0f} s)", flush=True)
            if args.save_graph:
                server.stop()
                server = None
                return _keep_graph(Path(tmp), args.snapshot)
            t = time.perf_counter()
            cpu = os.times()
            done = subprocess.run(
                [sys.executable, "-m", "idverify.cli", "import-accounts", str(lines), "--target",
                 f"127.0.0.1:{server.port}", "--batch", str(args.batch), "--decisions", str(Path(tmp) / "out.jsonl")],
                env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)},
                capture_output=True, text=True)
            wall = time.perf_counter() - t
            cli_cpu = (os.times().children_user - cpu.children_user) + (os.times().children_system - cpu.children_system)
            print(done.stdout.strip().splitlines()[-1] if done.stdout.strip() else "", flush=True)
            if done.returncode:
                print(done.stderr[-2000:], file=sys.stderr)
                return done.returncode
            if args.decisions:
                shutil.copyfile(Path(tmp) / "out.jsonl", args.decisions)
            print(f"\n| import-accounts, {len(tail):,} accounts on top of {args.prefill:,} (PostgreSQL) | value |")
            print("|---|---|")
            seconds = json.loads(done.stdout.strip().splitlines()[-1]).get("seconds", float("nan"))
            print(f"| import-accounts' own time (its summary) | {seconds:.1f} s: {len(tail) / seconds:,.0f} accounts/s |")
            print(f"| wall time with the client's start | {wall:.1f} s: {len(tail) / wall:,.0f} accounts/s |")
            print(f"| CPU of the import-accounts client | {cli_cpu:.1f} s |")
            print(f"| server resident memory at the end | {server.rss_bytes() / 2**20:,.0f} MB |")
        finally:
            if server is not None:
                server.stop()
            pg.stop()
    return 0


def _keep_graph(tmp: Path, snapshot: Path) -> int:
    """Copy the graph the server saved at shutdown, before any import (so it holds exactly the
    snapshot's faces), beside the snapshot's data; the data itself stays as it was."""
    if not (tmp / "faces.hnsw").exists():
        print("the server saved no face graph", file=sys.stderr)
        return 1
    for name in ("faces.hnsw.json", "faces.hnsw"):  # the graph last: its presence means both are there
        shutil.copyfile(tmp / name, snapshot / f"{name}.part")
        os.replace(snapshot / f"{name}.part", snapshot / name)
    print(f"(face graph kept in {snapshot / 'faces.hnsw'}: later runs load it instead of building it)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
