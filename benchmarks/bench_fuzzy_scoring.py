"""The fuzzy step's scorer, pair by pair and a probe's candidates together, on the candidates
CheckAccount meets at a million accounts (issue 17).

Candidates come from bench_linker.py's own generator (``generate``, seed 7, as the 1M snapshot)
without a store: the first ``--prefill`` accounts play the stored ones; their identity values go
through the service's normalisation (``SignalHasher.prepare``) and the engine's parsing
(``linker.engine._identity``), and their blocking and term-frequency terms
(``fuzzy.block_terms``, ``fuzzy.tf_terms``) are counted in memory, the plain terms standing in
for their keyed hashes (one to one). A probe's candidates are then what
``Linker._fuzzy_evidence`` reads: the holders of its blocks held by at most
``linker.fuzzy_block_cap`` accounts, with ``u_of`` from the engine's own ``_u_lookup`` over the
same counts. Probes are check_on_snapshot.py's identity probes: later accounts (new accounts)
and stored accounts' values under a new id (an existing person's).

Then, per probe, the CPU of the calling thread (``time.thread_time``) of the old path, one
``fuzzy.score_at_least`` per candidate (what ``Linker._fuzzy_item`` called), and of the new
``fuzzy.score_all_at_least`` over the probe's candidates, interleaved, ``--repeat`` times, with
the results compared on every pair (equal ``Match`` objects: the same weight to the bit, the
same fields) and the batched bound compared with the per-pair one. Medians, because the
machine is shared.

    PYTHONPATH=$PWD .venv/bin/python benchmarks/bench_fuzzy_scoring.py --accounts 1000000 \\
        --prefill 950000 --probes 300 --repeat 30 --cache /tmp/fuzzy-candidates-1m.pkl

``--cache FILE`` keeps the sampled probes and candidates (the generator and the term counts of
a million accounts take minutes); a later run with the same arguments reads them back.
"""

from __future__ import annotations

import argparse
import os
import pickle
import random
import statistics
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, os.getcwd())  # the checkout being measured (run from its root)

from linker import fuzzy  # noqa: E402
from linker.engine import Linker, _identity  # noqa: E402
from linker.settings import LinkerSettings  # noqa: E402
from linker.signals import SignalHasher  # noqa: E402
from linker.v1 import linking_service_pb2 as pb  # noqa: E402

_IDENTITY_TYPES = (pb.SIGNAL_TYPE_NAME_AND_BIRTH_DATE, pb.SIGNAL_TYPE_DOCUMENT_NUMBER,
                   pb.SIGNAL_TYPE_POSTAL_ADDRESS)


def identity_of(hasher: SignalHasher, signals) -> fuzzy.Identity:
    """An account's identity as the engine parses its opened sealed values."""
    values = []
    for t, v, c, b, _ in signals:
        if t in _IDENTITY_TYPES:
            values.append((t, hasher.prepare(t, v, c, b, (), 1.0).plain))
    return _identity(values)


def sample(accounts: int, prefill: int, probes: int, seed: int, cap: int):
    """``(probe identity, candidate identities, counts)`` per identity probe: what
    ``Linker._fuzzy_evidence`` would score for a check of it on a store of the first
    ``prefill`` generated accounts."""
    from benchmarks.bench_linker import generate

    t0 = time.perf_counter()
    stream, _ = generate(accounts, seed, 32)
    print(f"generated {len(stream):,} accounts in {time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)
    hasher = SignalHasher(bytes(32))
    rnd = random.Random(9)  # check_on_snapshot.py's probes
    later = rnd.sample(stream[prefill:], min(probes, len(stream) - prefill))
    stored = rnd.sample(stream[:prefill], probes // 2)
    mine = [identity_of(hasher, [s for s in acc.signals if s[0] != pb.SIGNAL_TYPE_FACE_EMBEDDING])
            for k, acc in enumerate(later + stored) if k % 2 == 0]
    mine = [m for m in mine if m.names or m.documents]
    wanted_blocks = set().union(*(fuzzy.block_terms(m) for m in mine))
    wanted_tf = set().union(*(fuzzy.tf_terms(m) for m in mine)) | {"names"}
    holders: dict[str, list[int]] = defaultdict(list)
    counts: Counter = Counter()
    identities: dict[int, fuzzy.Identity] = {}
    t0 = time.perf_counter()
    for i, acc in enumerate(stream[:prefill]):
        ident = identity_of(hasher, acc.signals)
        if not ident:
            continue
        blocks = fuzzy.block_terms(ident)
        for term in blocks:
            counts[term] += 1
        for term in blocks & wanted_blocks:
            holders[term].append(i)
            identities[i] = ident
        for term in fuzzy.tf_terms(ident) & wanted_tf:
            counts[term] += 1
        if i % 100_000 == 0 and i:
            print(f"  counted {i:,} ({time.perf_counter() - t0:.0f} s)", file=sys.stderr, flush=True)
    del stream
    out = []
    for m in mine:
        small = [t for t in fuzzy.block_terms(m) if 0 < counts[t] <= cap]
        candidates = sorted({i for t in small for i in holders[t]})
        terms = fuzzy.tf_terms(m) | {"names"}
        out.append((m, [identities[i] for i in candidates], {t: counts[t] for t in terms}))
    return out


def u_lookup(settings: LinkerSettings, probe: fuzzy.Identity, counts: dict[str, int]):
    """The engine's ``u_of`` for a new account's check (``Linker._u_lookup``, own rows 0), on
    plain terms standing in for their keys."""
    class _Engine:
        pass

    engine = _Engine()
    engine.settings = settings
    keys = {t: t for t in fuzzy.tf_terms(probe) | {"names"}}
    return Linker._u_lookup(engine, [probe], own=lambda _k: 0, keys=keys, counts=Counter(counts))


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(q / 100 * len(values)))]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--accounts", type=int, default=1_000_000)
    ap.add_argument("--prefill", type=int, default=950_000)
    ap.add_argument("--probes", type=int, default=300, help="later accounts sampled (half of them, and half "
                    "as many stored accounts' values, are the identity probes)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--repeat", type=int, default=30, help="timed passes over the probes, old and new interleaved")
    ap.add_argument("--cache", default="", help="keep the sampled probes and candidates in this file")
    args = ap.parse_args(argv)
    settings = LinkerSettings(hash_key="0" * 64)
    key = (args.accounts, args.prefill, args.probes, args.seed, settings.fuzzy_block_cap)
    cached = None
    if args.cache and Path(args.cache).exists():
        with open(args.cache, "rb") as fh:
            cached = pickle.load(fh)
        if cached[0] != key:
            cached = None
    if cached is None:
        probes = sample(args.accounts, args.prefill, args.probes, args.seed, settings.fuzzy_block_cap)
        if args.cache:
            with open(args.cache, "wb") as fh:
                pickle.dump((key, probes), fh)
    else:
        probes = cached[1]
    floor, hashed = settings.fuzzy_medium_weight, settings.fuzzy_compare == "hashed"
    cases = [(m, cands, u_lookup(settings, m, counts)) for m, cands, counts in probes if cands]
    n_cands = [len(c) for _, c, _ in cases]
    print(f"{len(cases)} identity probes with candidates; candidates per probe p50 {pct(n_cands, 50)}, "
          f"p90 {pct(n_cands, 90)}, max {max(n_cands)}; {sum(n_cands):,} pairs")

    def old(a, bs, u_of):
        return [fuzzy.score_at_least(a, b, u_of, floor, hashed) for b in bs]

    def new(a, bs, u_of):
        return fuzzy.score_all_at_least(a, bs, u_of, floor, hashed)

    # Same results on every pair, and the batched bound equal to the per-pair one.
    pairs = matches = bound_diff = 0
    for a, bs, u_of in cases:
        want, got = old(a, bs, u_of), new(a, bs, u_of)
        assert got == want, "batched scorer differs from the per-pair one"
        pairs += len(bs)
        matches += sum(m is not None for m in want)
        per_pair = [fuzzy._bound(a, b, u_of, hashed) for b in bs]
        batched = fuzzy._bounds(a, bs, u_of, hashed).tolist()
        bound_diff = max(bound_diff, max(abs(x - y) for x, y in zip(per_pair, batched, strict=True)))
    print(f"identical results on {pairs:,} pairs ({matches} at or above the medium weight {floor}); "
          f"largest difference of the bounds {bound_diff:.3g}")

    times = {"old": defaultdict(list), "new": defaultdict(list)}
    for r in range(args.repeat):
        for k, (a, bs, u_of) in enumerate(cases):
            order = (("old", old), ("new", new)) if (r + k) % 2 == 0 else (("new", new), ("old", old))
            for name, fn in order:
                c = time.thread_time()
                fn(a, bs, u_of)
                times[name][k].append(time.thread_time() - c)
    per_probe = {name: [statistics.median(v) * 1000 for v in t.values()] for name, t in times.items()}
    print(f"\n| per-probe CPU of the scorer, ms ({len(cases)} probes, median of {args.repeat} passes each) "
          f"| p50 | p90 | p99 | sum over probes |\n|---|---|---|---|---|")
    for name, label in (("old", "pair by pair (score_at_least per candidate)"),
                        ("new", "a probe's candidates together (score_all_at_least)")):
        v = per_probe[name]
        print(f"| {label} | {pct(v, 50):.3f} | {pct(v, 90):.3f} | {pct(v, 99):.3f} | {sum(v):.1f} |")
    ratios = [o / n for o, n in zip(per_probe["old"], per_probe["new"], strict=True)]
    print(f"ratio old/new per probe: p50 {statistics.median(ratios):.2f}x; of the sums "
          f"{sum(per_probe['old']) / sum(per_probe['new']):.2f}x; per pair old "
          f"{sum(per_probe['old']) / pairs * 1000:.2f} us, new {sum(per_probe['new']) / pairs * 1000:.2f} us")
    # Beside it, what the same candidates cost to open and parse (Linker._stored_identities
    # without the store: their values sealed as a registration seals them, opened and parsed).
    from linker.fuzzy import name_plain
    from linker.sealing import Sealer

    sealer = Sealer(bytes(range(32)))
    sealed = []
    for a, bs, _ in cases:
        rows = []
        for k, b in enumerate(bs):
            values = [(pb.SIGNAL_TYPE_NAME_AND_BIRTH_DATE, name_plain(n.tokens, n.birth_date)) for n in b.names]
            values += [(pb.SIGNAL_TYPE_DOCUMENT_NUMBER, d) for d in b.documents]
            rows += [(f"c{k}", t, bytes(32), sealer.seal(v, f"c{k}", t, bytes(32))) for t, v in values]
        sealed.append(rows)
    opening = defaultdict(list)
    for _ in range(max(3, args.repeat // 3)):
        for k, rows in enumerate(sealed):
            c = time.thread_time()
            values: dict[str, list] = {}
            for account, t, digest, value in rows:
                values.setdefault(account, []).append((t, sealer.open(value, account, t, digest)))
            {a: _identity(v) for a, v in values.items()}
            opening[k].append(time.thread_time() - c)
    v = [statistics.median(x) * 1000 for x in opening.values()]
    print(f"opening and parsing the same candidates' {sum(map(len, sealed)):,} sealed values, per probe: "
          f"p50 {pct(v, 50):.3f} ms, p90 {pct(v, 90):.3f} ms (median of {len(next(iter(opening.values())))} passes)")
    print(f"load average {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
