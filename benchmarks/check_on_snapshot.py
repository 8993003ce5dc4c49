"""CheckAccount on a PostgreSQL snapshot of bench_linker.py, probe by probe: wall and CPU per
kind of probe, round trips and statements per call, and every result written out, so that two
checkouts can be compared call for call (issue 17).

Run it from each checkout on the same snapshot, then compare the two result files:

    PYTHONPATH=$PWD .venv/bin/python benchmarks/check_on_snapshot.py \\
        /work/pg1m-snap/1000000-950000-7-32-32-200-postgresql --accounts 1000000 --prefill 950000 \\
        --probes 500 --out /tmp/new.pkl
    (cd /tmp/old && PYTHONPATH=$PWD python /path/to/this/script ... --out /tmp/old.pkl)
    python benchmarks/check_on_snapshot.py --compare /tmp/old.pkl /tmp/new.pkl

``--blocks`` says, per identity probe, how many fuzzy candidates it opened and scored and which
kind of blocking term brought them. ``--profile FILE`` profiles the checks (CPU of the calling thread; the profiler's own cost
inflates the times, so read it for shares, and take the timings from a run without it).

Probes: ``--probes`` accounts after the prefill (as bench_linker's ``--checks-without-faces``:
every other one with its identity and exact values but no face, the others with only an IP
address and a browser fingerprint), half as many prefilled accounts' values under a new id
(an existing person's), and 20 prefilled accounts checked by id, alone and with two of their
values. Signals are prepared with a fixed time, so results of two runs compare exactly. The
snapshot's data directory is copied into a throwaway server (never modified).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import pickle
import random
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, os.getcwd())  # the checkout being measured (run from its root)


def _compare(old: str, new: str) -> int:
    a, b = (pickle.load(open(p, "rb")) for p in (old, new))
    differing = [x[0] for x, y in zip(a, b, strict=True) if x != y]
    print(f"{len(a)} results; identical {len(a) - len(differing)}; differing: {differing[:20]}")
    return 1 if differing else 0


def _watch_blocks(linker, cap: int) -> tuple[list, Counter]:
    """Wrap ``linker._fuzzy_evidence`` to record, per call with candidates, the CPU of the step,
    the candidates and the evidence items; and per kind of blocking term (the prefix of
    :func:`linker.fuzzy.block_terms`) the holders of the blocks under the cap."""
    from linker import fuzzy

    calls: list[tuple[float, int, int]] = []
    by_kind: Counter = Counter()
    step, opened = linker._fuzzy_evidence, linker._stored_identities
    scored = [0]

    def stored_identities(accounts):
        accounts = list(accounts)
        scored[0] = len(accounts)
        return opened(accounts)

    def fuzzy_evidence(account_id, probe, same_name, generic_name):
        keyed = {linker._term_key("fz", t): t.split(":")[0] for t in fuzzy.block_terms(probe.fields())}
        counts = linker.store.fuzzy_counts(set(keyed))
        for key, kind in keyed.items():
            if 0 < counts[key] <= cap:
                by_kind[kind] += counts[key]
        scored[0] = 0
        c = time.thread_time()
        out = step(account_id, probe, same_name, generic_name)
        if scored[0]:
            calls.append(((time.thread_time() - c) * 1000, scored[0], len(out)))
        return out

    linker._fuzzy_evidence, linker._stored_identities = fuzzy_evidence, stored_identities
    return calls, by_kind


def _print_blocks(calls: list[tuple[float, int, int]], by_kind: Counter) -> None:
    import numpy as np

    cpu, candidates = np.array([c[0] for c in calls]), np.array([c[1] for c in calls])
    print(f"\n| fuzzy step of {len(calls)} probes with candidates | p50 | p90 | p99 | max |\n|---|---|---|---|---|")
    for label, values in (("candidates opened and scored", candidates), ("CPU ms", cpu)):
        print(f"| {label} | " + " | ".join(f"{np.percentile(values, q):.1f}" for q in (50, 90, 99, 100)) + " |")
    print(f"correlation of CPU and candidates: {np.corrcoef(cpu, candidates)[0, 1]:.2f}; evidence items per "
          f"probe: {sum(c[2] for c in calls) / len(calls):.2f}")
    print("\n| blocking term kind | holders of its blocks under the cap, all probes |\n|---|---|")
    for kind, n in by_kind.most_common():
        print(f"| {kind} | {n:,} |")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("snapshot", nargs="?", help="DIR/<tag>-postgresql of bench_linker.py --snapshot")
    ap.add_argument("--accounts", type=int, default=1_000_000)
    ap.add_argument("--prefill", type=int, default=950_000)
    ap.add_argument("--probes", type=int, default=500)
    ap.add_argument("--out", default="", help="write every result here (pickle)")
    ap.add_argument("--profile", default="", help="profile the checks (cProfile, this thread): write the "
                    "stats here and print the 25 costliest functions by their own time")
    ap.add_argument("--blocks", action="store_true", help="per identity probe: fuzzy candidates, CPU of the fuzzy "
                    "step, and which kind of blocking term brought the candidates (an extra count read per probe, "
                    "outside the timings)")
    ap.add_argument("--pg-setting", action="append", default=[], metavar="NAME=VALUE",
                    help="a setting of the throwaway PostgreSQL (repeatable), e.g. shared_buffers=4GB")
    ap.add_argument("--compare", nargs=2, metavar=("OLD", "NEW"), help="compare two result files and exit")
    args = ap.parse_args(argv)
    if args.compare:
        return _compare(*args.compare)
    import numpy as np
    import psycopg

    from benchmarks.bench_linker import F, generate, messages
    from linker.engine import Linker
    from linker.faceindex import FaceIndex
    from linker.sealing import Sealer
    from linker.settings import LinkerSettings
    from linker.signals import SignalHasher
    from linker.store import open_store
    from linker.v1 import linking_service_pb2 as pb
    from tests.postgres import ThrowawayPostgres, find_bin_dir

    settings = LinkerSettings(hash_key="0" * 64)
    stream, _ = generate(args.accounts, 7, 32)
    snap = Path(args.snapshot)
    server = ThrowawayPostgres.from_data(find_bin_dir(), snap / "data", args.pg_setting)
    try:
        store = open_store(server.url((snap / "database").read_text().strip()))
        index = FaceIndex(settings.hnsw_m, settings.hnsw_ef_construction, settings.hnsw_ef_search)
        index.synced_to = int(store._all_rows("SELECT COALESCE(MAX(face_id), 0) FROM link_faces")[0][0])
        linker = Linker(store, SignalHasher(bytes(32)), settings, index, sealer=Sealer(bytes(range(32))))
        rnd = random.Random(9)
        later = rnd.sample(stream[args.prefill:], min(args.probes, len(stream) - args.prefill))
        stored = rnd.sample(stream[: args.prefill], args.probes // 2)
        probes, kinds = [], []
        for k, acc in enumerate(later + stored):
            identity = k % 2 == 0
            sigs = [s for s in acc.signals if s[0] != pb.SIGNAL_TYPE_FACE_EMBEDDING] if identity else \
                [s for s in acc.signals if s[0] in (pb.SIGNAL_TYPE_IP_ADDRESS, pb.SIGNAL_TYPE_BROWSER_FINGERPRINT)]
            probes.append((f"probe-{k}", messages(sigs)))
            kinds.append(("new account, identity" if identity else "new account, IP and browser only")
                         if k < len(later) else ("existing person, identity" if identity else
                                                 "existing person, IP and browser only"))
        for acc in stored[:20]:
            probes += [(acc.account_id, []),
                       (acc.account_id, messages([s for s in acc.signals if s[0] != pb.SIGNAL_TYPE_FACE_EMBEDDING][:2]))]
            kinds += ["stored account by id", "stored account with new values"]

        # Round trips: a statement outside a pipeline, or a whole pipeline, is one.
        counts = Counter()
        execute, pipeline = psycopg.Connection.execute, psycopg.Connection.pipeline
        depth = [0]

        def counted_execute(self, *a, **k):
            counts["statements"] += 1
            counts["round trips"] += depth[0] == 0
            return execute(self, *a, **k)

        @contextlib.contextmanager
        def counted_pipeline(self, *a, **k):
            with pipeline(self, *a, **k) as p:
                counts["round trips"] += depth[0] == 0
                depth[0] += 1
                try:
                    yield p
                finally:
                    depth[0] -= 1

        psycopg.Connection.execute, psycopg.Connection.pipeline = counted_execute, counted_pipeline
        for account_id, sigs in probes[:2]:  # warm up
            linker.check(account_id, F, linker.prepare(sigs, now=1.7e9))
        blocks = _watch_blocks(linker, settings.fuzzy_block_cap) if args.blocks else None
        results, rows = [], []
        profiler = None
        if args.profile:
            import cProfile

            profiler = cProfile.Profile(time.thread_time)  # CPU of this thread: waits on the server not counted
            profiler.enable()
        for (account_id, sigs), kind in zip(probes, kinds, strict=True):
            counts.clear()
            t, c = time.perf_counter(), time.thread_time()
            r = linker.check(account_id, F if sigs else 0, linker.prepare(sigs, now=1.7e9))
            rows.append((kind, (time.perf_counter() - t) * 1000, (time.thread_time() - c) * 1000,
                         counts["round trips"], counts["statements"]))
            results.append((account_id, r.decision, r.reasons, r.person_id, r.linked_account_ids, r.risk_score,
                            [(e.from_account_id, e.to_account_id, e.evidence) for e in r.evidence], r.rejected))
        psycopg.Connection.execute, psycopg.Connection.pipeline = execute, pipeline
        if profiler is not None:
            import pstats

            profiler.disable()
            profiler.dump_stats(args.profile)
            pstats.Stats(args.profile).sort_stats("tottime").print_stats(25)
        print(f"| probes ({len(probes)}) | calls | wall p50 / p99 ms | CPU p50 / p99 ms | round trips p50 (max) | "
              "statements p50 |\n|---|---|---|---|---|---|")
        for kind in dict.fromkeys(kinds):
            mine = [r for r in rows if r[0] == kind]
            wall, cpu, trips, stmts = (np.array([r[i] for r in mine]) for i in range(1, 5))
            print(f"| {kind} | {len(mine)} | {np.percentile(wall, 50):.2f} / {np.percentile(wall, 99):.2f} | "
                  f"{np.percentile(cpu, 50):.2f} / {np.percentile(cpu, 99):.2f} | {np.median(trips):.0f} "
                  f"({trips.max()}) | {np.median(stmts):.0f} |")
        if blocks is not None:
            _print_blocks(*blocks)
        print(f"decisions: {sorted(Counter(r[1] for r in results).items())}; "
              f"load average {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
        if args.out:
            with open(args.out, "wb") as fh:
                pickle.dump(results, fh)
        linker.close()
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
