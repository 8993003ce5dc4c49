"""Linker benchmark: a synthetic marketplace population with ground truth, ingested through the
real engine and store, then measured side by side with the naive/exact alternatives.

    PYTHONPATH=. python benchmarks/bench_linker.py --accounts 100000
    PYTHONPATH=. python benchmarks/bench_linker.py --accounts 1000000 --face-only   # 1:N faces at 1M
    PYTHONPATH=. python benchmarks/bench_linker.py --accounts 1000000 --face-only --peers hnswlib,faiss
    PYTHONPATH=. python benchmarks/bench_linker.py --accounts 100000 --face-only --face-dtype f16 --peers hnswlib,usearch,faiss
    PYTHONPATH=. python benchmarks/bench_linker.py --accounts 20000 --store postgresql://...
    PYTHONPATH=. python benchmarks/bench_linker.py --febrl febrl1,febrl3,febrl4 --old c1aaee9 --splink  # issue 15

The population (seeded, reproducible):

- persons with a name, a birth date, a face, an email, a phone, a passport, a card and a home
  IP. Faces: an identity centre drawn in a ``--face-dim``-dimensional subspace of the 128-d
  space (default 32: Gong, Boddeti and Jain, CVPR 2019, measured the intrinsic dimensionality of
  128-d face representations at roughly 10-20, so 32 is on the hard side for a vector index),
  scaled so two people are ~0.9 apart as in dlib's space; each photo adds isotropic noise so two
  photos of one person are ~0.25-0.45 apart. ``--face-dim 128`` is the isotropic worst case;
- 10% hold a freelancer and a client account (allowed), 3% own an agency account (allowed);
- 5% open a duplicate account of the same kind: a varied name (typo, diacritics, order, a
  middle name, or a nickname the matcher cannot know), a new email, and each of face (new
  photo), card, phone, document, device, IP reused with its own probability;
- households of 2-5 different people share a home IP and often a device (must not merge);
- offices of 100-300 different people share one NAT IP and a browser fingerprint (must not
  merge);
- fraud rings: one operator opens 3-6 accounts under invented identities sharing a card and a
  device (ground truth: one person, so BLOCK is right).

Quality: a BLOCK is correct when the account's true person already held an account of the same
kind; precision is over BLOCK decisions, recall over those true duplicates. Timings are medians
and percentiles of wall-clock per call on this (shared, noisy) machine.
"""

from __future__ import annotations

import argparse
import atexit
import collections
import functools
import gc
import os
import random
import resource
import signal
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from linker.engine import Linker, Registration  # noqa: E402
from linker.faceindex import FaceIndex  # noqa: E402
from linker.settings import LinkerSettings  # noqa: E402
from linker.sealing import Sealer  # noqa: E402
from linker.signals import SignalHasher  # noqa: E402
from linker.store import open_store  # noqa: E402
from linker.v1 import linking_service_pb2 as pb  # noqa: E402

FIRST = ("James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara Richard Susan "
         "Joseph Jessica Thomas Sarah Charles Karen Christopher Lisa Daniel Nancy Matthew Betty Anthony Sandra "
         "Mark Margaret Donald Ashley Steven Kimberly Andrew Emily Paul Donna Joshua Michelle Kenneth Carol "
         "Kevin Amanda Brian Melissa George Deborah Timothy Stephanie Ronald Rebecca Jason Sharon Edward Laura "
         "Jeffrey Cynthia Ryan Dorothy Jacob Amy Gary Kathleen Nicholas Angela Eric Shirley Jonathan Emma "
         "Stephen Brenda Larry Pamela Justin Nicole Scott Anna Brandon Samantha Benjamin Katherine Samuel "
         "Christine Gregory Debra Alexander Rachel Patrick Carolyn Frank Janet Raymond Maria Jack Olivia "
         "Dennis Heather Jerry Helen Tyler Catherine Aaron Diane José Julie Adam Victoria Nathan Joyce Henry "
         "Lauren Zachary Kelly Douglas Christina Peter Ruth Kyle Joan Noah Virginia Ethan Judith Jeremy "
         "Evelyn Christian Hannah Walter Andrea Keith Megan Austin Cheryl Roger Jacqueline Terry Madison "
         "Sean Teresa Gerald Abigail Carl Sophia Dylan Martha Harold Sara Jordan Gloria Jesse Janice Bryan "
         "Kathryn Lawrence Ann Arthur Isabella Gabriel Judy Bruce Charlotte Logan Julia Billy Grace Joe Amber "
         "Alan Alice Juan Jean Elijah Denise Willie Frances Albert Danielle Wayne Marilyn Randy Natalie "
         "Mason Beverly Vincent Diana Liam Brittany Roy Theresa Bobby Kayla Caleb Alexis Bradley Doris "
         "Russell Lori Lucas Tiffany Jürgen Łukasz Zoë Søren Dmitri Aiko Chidi Priya Mateus Ingrid").split()
LAST = ("Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Gonzalez "
        "Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark "
        "Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill Flores Green Adams "
        "Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Gomez Phillips Evans Turner Diaz Parker "
        "Cruz Edwards Collins Reyes Stewart Morris Morales Murphy Cook Rogers Gutierrez Ortiz Morgan Cooper "
        "Peterson Bailey Reed Kelly Howard Ramos Kim Cox Ward Richardson Watson Brooks Chavez Wood James "
        "Bennett Gray Mendoza Ruiz Hughes Price Alvarez Castillo Sanders Patel Myers Long Ross Foster "
        "Jimenez Powell Jenkins Perry Russell Sullivan Bell Coleman Butler Henderson Barnes Gonzales Fisher "
        "Vasquez Simmons Romero Jordan Patterson Alexander Hamilton Graham Reynolds Griffin Wallace Moreno "
        "West Cole Hayes Bryant Herrera Gibson Ellis Tran Medina Aguilar Stevens Murray Ford Castro Marshall "
        "Owens Harrison Fernandez McDonald Woods Washington Kennedy Wells Vargas Henry Chen Freeman Webb "
        "Tucker Guzman Burns Crawford Olson Simpson Porter Hunter Gordon Mendez Silva Shaw Snyder Mason "
        "Dixon Muñoz Hunt Hicks Holmes Palmer Wagner Black Robertson Boyd Rose Stone Salazar Fox Warren "
        "Mills Meyer Rice Schmidt Garza Daniels Ferguson Nichols Stephens Soto Weaver Ryan Gardner Payne "
        "Grant Dunn Kelley Spencer Hawkins Arnold Pierce Vazquez Hansen Peters Santos Hart Bradley Knight "
        "Müller Schäfer Kowalski Nowak Dubois Rossi Bianchi Yamamoto Okafor Novák Øberg Svensson").split()
NICK = {"Robert": "Bob", "William": "Bill", "Richard": "Dick", "Elizabeth": "Liz", "Margaret": "Peggy",
        "James": "Jim", "Michael": "Mike", "Katherine": "Kate", "Jennifer": "Jen", "Thomas": "Tom"}

F, C, A = pb.ACCOUNT_KIND_FREELANCER, pb.ACCOUNT_KIND_CLIENT, pb.ACCOUNT_KIND_AGENCY


@dataclass
class Person:
    pid: int
    first: str
    last: str
    dob: str
    centre: np.ndarray
    spread: float
    email: str
    phone: str
    passport: str
    card: str
    ip: str
    device: str
    browser: str
    synthetic_identity: bool = False


@dataclass
class Account:
    account_id: str
    person: int
    kind: int
    signals: list = field(default_factory=list)
    owner: str = ""


def photo(p: Person, rng: np.random.Generator) -> np.ndarray:
    return (p.centre + rng.normal(0, p.spread, 128)).astype(np.float32)


def vary_name(first: str, last: str, rnd: random.Random) -> tuple[str, bool]:
    """A duplicate's name and whether a matcher on hashed tokens can be expected to match it."""
    roll = rnd.random()
    if roll < 0.25:
        return f"{last}, {first}", True
    if roll < 0.45:
        i = rnd.randrange(1, len(last)) if len(last) > 4 else 1
        return f"{first} {last[:i]}{rnd.choice('aeiou')}{last[i + 1:]}", True  # one substitution
    if roll < 0.6:
        return f"{first} {rnd.choice(FIRST)} {last}", True  # an added middle name
    if roll < 0.75 and first in NICK:
        return f"{NICK[first]} {last}", False
    return f"{first} {last}".upper(), True


def generate(n_accounts: int, seed: int, face_dim: int = 32) -> tuple[list[Account], dict[str, int]]:
    rnd = random.Random(seed)
    rng = np.random.default_rng(seed)
    basis = np.linalg.qr(rng.normal(size=(128, face_dim)))[0].T.astype(np.float32)
    centre_scale = 0.9 / np.sqrt(2 * face_dim)

    def centre() -> np.ndarray:
        return (rng.normal(0, centre_scale, face_dim).astype(np.float32) @ basis).astype(np.float32)
    accounts: list[Account] = []
    persons: list[Person] = []

    def new_person(ip: str, device: str, browser: str) -> Person:
        pid = len(persons)
        day = rnd.randrange(0, 20000)
        year, rest = 1950 + day // 365, day % 365
        p = Person(pid, rnd.choice(FIRST), rnd.choice(LAST),
                   f"{year:04d}-{1 + rest // 31 % 12:02d}-{1 + rest % 28:02d}",
                   centre(), rnd.uniform(0.015, 0.026),
                   f"user{pid}@mail{pid % 97}.example", f"+4915{pid:09d}", f"P{pid:08d}", f"card_{pid:x}",
                   ip, device, browser)
        persons.append(p)
        return p

    def signals(p: Person, *, face=True, card=True, phone=True, doc=True, device=True, ip=True,
                name: str | None = None, email: str | None = None) -> list[tuple]:
        # Plain tuples, turned into protobuf messages just before each call: a million accounts'
        # worth of standalone messages would hold gigabytes of protobuf arenas.
        out = [(pb.SIGNAL_TYPE_EMAIL, email or p.email, "", "", None),
               (pb.SIGNAL_TYPE_NAME_AND_BIRTH_DATE, name or f"{p.first} {p.last}", "", p.dob, None),
               (pb.SIGNAL_TYPE_BROWSER_FINGERPRINT, p.browser, "", "", None)]
        if face:
            out.append((pb.SIGNAL_TYPE_FACE_EMBEDDING, "", "", "", photo(p, rng)))
        if card:
            out.append((pb.SIGNAL_TYPE_CARD_FINGERPRINT, p.card, "", "", None))
        if phone:
            out.append((pb.SIGNAL_TYPE_PHONE, p.phone, "", "", None))
        if doc:
            out.append((pb.SIGNAL_TYPE_DOCUMENT_NUMBER, p.passport, "DEU", "", None))
        if device:
            out.append((pb.SIGNAL_TYPE_DEVICE_ID, p.device, "", "", None))
        if ip:
            out.append((pb.SIGNAL_TYPE_IP_ADDRESS, p.ip, "", "", None))
        return out

    def ip_of(i: int) -> str:
        return f"10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}"

    group = 0
    late: list[Account] = []
    while len(accounts) + len(late) < n_accounts:
        group += 1
        roll = rnd.random()
        if roll < 0.002:  # an office behind one NAT address, one standard browser image
            members = [new_person(ip_of(group), f"dev-{group}-{k}", f"office-browser-{group}")
                       for k in range(rnd.randrange(100, 300))]
        elif roll < 0.25:  # a household: shared home IP, often a shared device
            shared_dev = f"dev-{group}-home"
            members = [new_person(ip_of(group), shared_dev if rnd.random() < 0.6 else f"dev-{group}-{k}",
                                  f"browser-{group}-{k}") for k in range(rnd.randrange(2, 6))]
        elif roll < 0.255:  # a fraud ring: one operator, invented identities, one card, one device
            op = new_person(ip_of(group), f"dev-{group}-ring", f"browser-{group}")
            for k in range(rnd.randrange(3, 7)):
                fake = Person(op.pid, rnd.choice(FIRST), rnd.choice(LAST), f"19{rnd.randrange(60, 99)}-0{rnd.randrange(1, 9)}-1{k}",
                              centre(), 0.02, f"ring{group}-{k}@x.example",
                              f"+4916{group:06d}{k:03d}", f"R{group:06d}{k}", op.card, op.ip, op.device, op.browser)
                accounts.append(Account(f"a{len(accounts)}", op.pid, F if k % 2 == 0 else C,
                                        signals(fake, phone=False, doc=False)))
            continue
        else:
            members = [new_person(ip_of(group), f"dev-{group}", f"browser-{group}")]
        for p in members:
            first_kind = F if rnd.random() < 0.6 else C
            main = Account(f"a{len(accounts)}", p.pid, first_kind, signals(p))
            accounts.append(main)
            if rnd.random() < 0.10:
                late.append(Account("", p.pid, C if first_kind == F else F,
                                    signals(p, doc=False, email=f"alt.{p.email}")))
            if rnd.random() < 0.03:
                late.append(Account("", p.pid, A, signals(p, face=False, doc=False, email=f"biz.{p.email}"),
                                    owner=main.account_id))
            if rnd.random() < 0.05:
                name, _ = vary_name(p.first, p.last, rnd)
                late.append(Account("", p.pid, first_kind, signals(
                    p, name=name, email=f"second.{p.pid}@other.example",
                    face=rnd.random() < 0.9, card=rnd.random() < 0.5, phone=rnd.random() < 0.3,
                    doc=rnd.random() < 0.4, device=rnd.random() < 0.6, ip=rnd.random() < 0.7)))
    # Later accounts arrive spread through the rest of the stream, always after their person's first.
    first_at = {}
    for i, acc in enumerate(accounts):
        first_at.setdefault(acc.person, i)
    timed = [(float(i), acc) for i, acc in enumerate(accounts)]
    for k, acc in enumerate(late):
        acc.account_id = f"a{len(accounts) + k}"
        timed.append((rnd.uniform(first_at[acc.person] + 0.5, len(accounts) + 0.5), acc))
    timed.sort(key=lambda t: t[0])
    merged = [acc for _, acc in timed][:n_accounts]
    return merged, {a.account_id: a.person for a in merged}


def messages(signals: list[tuple]) -> list[pb.Signal]:
    """The protobuf messages a client would send for an account's signals."""
    return [pb.Signal(type=t, value=v, country=c, birth_date=b,
                      embedding=e.tolist() if e is not None else ()) for t, v, c, b, e in signals]


def prefill(store, hasher: SignalHasher, accounts: list[Account], sealer: Sealer, chunk: int = 10000,
            workers: int = 1) -> None:
    """Bulk-load accounts as singleton persons, without linking, to reach a large store quickly.

    Values from the generator are already canonical, so they are hashed directly; the first
    500 accounts are checked against the full normalisation path to prove the digests agree.
    Identity values (names, documents) go through the full path and are sealed and given their
    fuzzy terms as a registration would store them (the engine's own ``_identity_rows``; keyed
    terms repeat across accounts, so their hashes are memoised here). The rows go in through
    :meth:`LinkStore.load_singletons`: ``COPY`` with the big tables' indexes built after the
    load on PostgreSQL, ``executemany`` on SQLite; each account also gets the ``register``
    event of a new person without evidence. With ``workers`` > 1, that many forked processes
    build the rows (the hashing and sealing: most of the time) while this one loads them.
    """
    from linker.persons import new_person_id

    global _PREFILL
    _PREFILL = (hasher, sealer, accounts)
    t0 = time.perf_counter()
    ranges = [(start, min(start + chunk, len(accounts))) for start in range(0, len(accounts), chunk)]

    def progress(n: int) -> None:
        if n % 100000 < chunk:
            print(f"  prefilled {n:,} ({n / (time.perf_counter() - t0):,.0f}/s)", file=sys.stderr, flush=True)

    try:
        if workers > 1:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            # A process pool, not multiprocessing.Pool: when a worker dies (one did at ~900k
            # accounts in an earlier run, most likely killed for memory) Pool.imap waits forever
            # for the lost chunk, where the executor's map raises BrokenProcessPool and the
            # load's transaction rolls back. gc.freeze() keeps the collector from writing to
            # every inherited object, so a forked worker copies only the pages of the accounts it
            # reads (reference counts), not all of them at its first collection.
            gc.freeze()
            try:
                with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
                    store.load_singletons(pool.map(_singletons, ranges), new_person_id, progress)
            finally:
                gc.unfreeze()
        else:
            store.load_singletons(map(_singletons, ranges), new_person_id, progress)
    finally:
        _PREFILL = None
    print(f"(prefilled {len(accounts):,} accounts without linking in {time.perf_counter() - t0:.0f} s, "
          f"indexes and statistics included)")


_PREFILL = None  # (hasher, sealer, accounts) of the running prefill, inherited by its workers


@functools.cache
def _row_builder(hasher: SignalHasher, sealer: Sealer):
    """The engine's ``_identity_rows`` on a stand-in holding only what it uses."""
    import types

    engine = types.SimpleNamespace(hasher=hasher, sealer=sealer,
                                   _term_key=functools.lru_cache(maxsize=1 << 20)(hasher.term_key))
    engine._block_keys = functools.partial(Linker._block_keys, engine)
    return functools.partial(Linker._identity_rows, engine)


def _singletons(span: tuple[int, int]) -> list:
    """The :class:`~linker.store.bulk.Singleton` rows of ``_PREFILL``'s accounts[start:stop]."""
    import json

    from linker.engine import _Probe
    from linker.store.bulk import Singleton

    hasher, sealer, accounts = _PREFILL
    rows_of = _row_builder(hasher, sealer)
    out = []
    for k in range(*span):
        acc = accounts[k]
        exact, identity, faces = [], [], []
        for t, v, c, b, e in acc.signals:
            if t == pb.SIGNAL_TYPE_FACE_EMBEDDING:
                faces.append((e, 1.0))
            elif t in (pb.SIGNAL_TYPE_NAME_AND_BIRTH_DATE, pb.SIGNAL_TYPE_DOCUMENT_NUMBER):
                ps = hasher.prepare(t, v, c, b, (), 1.0)
                exact.append((t, ps.digest, 1.0))
                identity.append(ps)
            else:
                digest = hasher.digest(str(t), v)
                if k < 500:
                    assert digest == hasher.prepare(t, v, c, b, (), 1.0).digest, pb.SignalType.Name(t)
                exact.append((t, digest, 1.0))
        probe = _Probe.of(identity)
        sealed, keys = rows_of(acc.account_id, probe, probe) if identity else ([], ())
        detail = json.dumps({"decision": pb.LINK_DECISION_ALLOW, "signals": len(acc.signals), "rejected": [],
                             "new_person": True, "reasons": []})
        out.append(Singleton(acc.account_id, acc.kind, acc.owner, 1.0, exact, sealed, keys, faces, detail))
    return out


class Breakdown:
    """``--breakdown``: wall time inside the engine's and the store's calls, per account.

    Wraps the methods in place (this process only) and times a write transaction's commit
    separately; nested calls are counted in both their own row and their caller's."""

    CALLS = (("Linker", "register_many"), ("Linker", "_register_locked"), ("Linker", "_evidence"),
             ("Linker", "prepare"), ("FaceIndex", "search_many"),
             ("Linker", "_fuzzy_evidence"), ("Linker", "_identity_rows"), ("Linker", "_decide"))

    def __init__(self, store) -> None:
        import contextlib
        import functools

        from idverify.db.base import Database
        from linker.store.base import LinkStore

        self.seconds: collections.Counter[str] = collections.Counter()
        owners = {"Linker": Linker, "FaceIndex": FaceIndex, "LinkStore": LinkStore}
        # Every public store method (the SQL), besides the engine's steps above.
        store_calls = sorted({("LinkStore", n) for c in LinkStore.__mro__ if c.__module__.startswith("linker.store")
                              for n, f in vars(c).items() if callable(f) and not n.startswith("_")} - {("LinkStore", "write")})
        for owner, name in self.CALLS + tuple(store_calls):
            cls = owners[owner]
            fn = getattr(cls, name)

            def timed(*a, _fn=fn, _key=f"{owner}.{name}", **k):
                t = time.perf_counter()
                try:
                    return _fn(*a, **k)
                finally:
                    self.seconds[_key] += time.perf_counter() - t

            setattr(cls, name, functools.wraps(fn)(timed))
        write = Database.write

        @contextlib.contextmanager
        def timed_write(store):
            context = write(store)
            context.__enter__()
            try:
                yield
            except BaseException:
                context.__exit__(*sys.exc_info())
                raise
            t = time.perf_counter()
            context.__exit__(None, None, None)
            self.seconds["commit"] += time.perf_counter() - t

        Database.write = timed_write
        self.trips: collections.Counter[str] = collections.Counter()
        # CPU seconds of this process and, on PostgreSQL, of this thread's server process (same
        # host): on a shared machine they say more than wall time.
        self.server = (Path(f"/proc/{store._all_rows('SELECT pg_backend_pid()')[0][0]}/stat")
                       if store.backend == "postgresql" else None)
        self.cpu = self._cpu()
        try:  # PostgreSQL: count the client's waits for the server (an executemany is one pipeline)
            import psycopg
        except ImportError:
            return
        execute, executemany, pipeline = psycopg.Cursor.execute, psycopg.Cursor.executemany, psycopg.Connection.pipeline

        def counted_execute(cur, query, *a, **k):
            self.trips["statements"] += 1
            self.trips["round trips"] += cur.connection._pipeline is None  # in a pipeline: sent with it
            return execute(cur, query, *a, **k)

        def counted_executemany(cur, query, rows, *a, **k):
            rows = list(rows)
            self.trips["statements"] += len(rows)
            self.trips["round trips"] += cur.connection._pipeline is None  # its own pipeline otherwise
            return executemany(cur, query, rows, *a, **k)

        def counted_pipeline(conn, *a, **k):
            self.trips["round trips"] += conn._pipeline is None
            return pipeline(conn, *a, **k)

        psycopg.Cursor.execute = functools.wraps(execute)(counted_execute)
        psycopg.Cursor.executemany = functools.wraps(executemany)(counted_executemany)
        psycopg.Connection.pipeline = functools.wraps(pipeline)(counted_pipeline)

    def _cpu(self) -> tuple[float, float]:
        server = 0.0
        if self.server is not None and self.server.exists():
            fields = self.server.read_text().rsplit(")", 1)[1].split()
            server = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime
        return time.process_time(), server

    def reset(self) -> None:
        self.seconds.clear()
        self.trips.clear()
        self.cpu = self._cpu()

    def report(self, accounts: int, path: str = "in batches (register_many)") -> None:
        print(f"\n| where the time goes, {path} ({accounts:,} accounts) | ms per account |\n|---|---|")
        for key, seconds in self.seconds.most_common():
            print(f"| {key} | {seconds * 1000 / max(accounts, 1):.3f} |")
        for key, n in self.trips.items():
            print(f"| PostgreSQL {key} per account (count, not ms) | {n / max(accounts, 1):.1f} |")
        (client, server), (client0, server0) = self._cpu(), self.cpu
        print(f"| CPU of this process (ms per account) | {(client - client0) * 1000 / max(accounts, 1):.3f} |")
        if self.server is not None:
            print(f"| CPU of its PostgreSQL server process (ms per account) | "
                  f"{(server - server0) * 1000 / max(accounts, 1):.3f} |")


def time_checks(linker: Linker, stream: list[Account], n: int, seed: int,
                faces: bool = True) -> tuple[list[float], list[float], list[Account]]:
    """CheckAccount: dry runs for new accounts presenting an existing person's signals (with a
    new face photo; none with ``faces`` off) and for fresh strangers, half each. Returns the
    wall and CPU milliseconds per call and the sample."""
    rnd = random.Random(seed + 2)
    sample = rnd.sample(stream, min(n, len(stream)))
    check_t: list[float] = []
    check_cpu: list[float] = []
    for k, acc in enumerate(sample):
        sigs = messages([s for s in acc.signals if faces or s[0] != pb.SIGNAL_TYPE_FACE_EMBEDDING] if k % 2 == 0
                        else [s for s in acc.signals if s[0] in (pb.SIGNAL_TYPE_IP_ADDRESS,
                                                                 pb.SIGNAL_TYPE_BROWSER_FINGERPRINT)])
        t, c = time.perf_counter(), time.thread_time()
        linker.check(f"probe-{k}", F, linker.prepare(sigs))
        check_t.append((time.perf_counter() - t) * 1000)
        check_cpu.append((time.thread_time() - c) * 1000)
    return check_t, check_cpu, sample


def print_pg_sizes(store) -> None:
    """The database's size on disk and each linker table's, indexes included, and its rows."""
    total = store._all_rows("SELECT pg_database_size(current_database())")[0][0]
    print(f"\n| PostgreSQL table | rows | on disk with indexes (indexes) |\n|---|---|---|")
    for name, rows, size, idx in store._all_rows(
            "SELECT c.relname, c.reltuples::bigint, pg_total_relation_size(c.oid), pg_indexes_size(c.oid) "
            "FROM pg_class c WHERE c.relkind = 'r' AND c.relname LIKE 'link_%' ORDER BY 3 DESC"):
        if size > 1 << 20:
            print(f"| {name} | {max(rows, 0):,} | {size / 2**20:,.0f} MB ({idx / 2**20:,.0f} MB) |")
    print(f"| the whole database | | {total / 2**30:,.2f} GB |")


def explain_check(linker: Linker, signals: list[pb.Signal]) -> None:
    """``--explain``: the statements one CheckAccount sends to PostgreSQL, each run again under
    ``EXPLAIN (ANALYZE, BUFFERS)``: its plan's access paths and the server's execution time."""
    import psycopg

    seen: list[tuple[str, tuple]] = []
    execute = psycopg.Cursor.execute

    def recording(cur, query, params=None, *a, **k):
        seen.append((query, tuple(params or ())))
        return execute(cur, query, params, *a, **k)

    psycopg.Cursor.execute = recording
    try:
        linker.check("probe-explain", F, linker.prepare(signals))
    finally:
        psycopg.Cursor.execute = execute
    conn = linker.store._conn()
    print(f"\n## EXPLAIN ANALYZE of one CheckAccount's {len(seen)} statements (PostgreSQL)\n")
    print("| statement | access paths | rows | server ms |\n|---|---|---|---|")
    total = 0.0
    for query, params in seen:
        plan = [r[0] for r in conn.execute("EXPLAIN (ANALYZE, BUFFERS) " + query, params).fetchall()]
        ms = next((float(line.split(":")[1].split()[0]) for line in plan if line.startswith("Execution Time")), 0.0)
        total += ms
        paths = sorted({line.strip().lstrip("-> ").split("  (")[0] for line in plan
                        if "Scan" in line and " on " in line})
        rows = plan[0].split("rows=")[-1].split()[0] if "rows=" in plan[0] else ""
        print(f"| {' '.join(query.split())[:90]} | {'; '.join(paths)[:160]} | {rows} | {ms:.3f} |")
    print(f"| total | | | {total:.3f} |")


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_faces(embeddings: np.ndarray, queries: np.ndarray, settings: LinkerSettings,
                index: FaceIndex | None = None, labels: np.ndarray | None = None,
                build: float | None = None, peers: tuple[str, ...] = ()) -> None:
    """The linker's face index (usearch) against exact numpy search on the same embeddings, and
    against the ``peers`` of benchmarks/faceindex_peers.py (hnswlib, faiss) built on them with the
    same graph; ``labels[i]`` is row i's label. Searches run one query at a time on one thread
    (the RegisterAccount path): wall-clock p50/p99 and CPU ms per query (``time.process_time``
    over the queries, the figure a loaded machine disturbs least). Without ``index``, the
    linker's index is built here in one batch on all cores (as a rebuild from the store)."""
    from benchmarks.faceindex_peers import rss_mb

    print(f"\n## 1:N face search over {len(embeddings):,} faces ({len(queries)} queries, new photos)\n")
    costs: list[str] = []
    own = index is None
    if own:
        gc.collect()
        before, t0, c0 = rss_mb(), time.perf_counter(), time.process_time()
        index = FaceIndex(settings.hnsw_m, settings.hnsw_ef_construction, settings.hnsw_ef_search,
                          background=False, dtype=settings.hnsw_dtype)
        index.add(range(len(embeddings)), embeddings)
        build, build_cpu, grown = time.perf_counter() - t0, time.process_time() - c0, rss_mb() - before
        print(f"  FaceIndex built in {build:.0f} s ({build_cpu:.0f} CPU s)", file=sys.stderr, flush=True)
    labels = np.arange(len(embeddings)) if labels is None else labels
    exact_t, exact_best = [], []
    for q in queries:
        t = time.perf_counter()
        d = ((embeddings - q) ** 2).sum(axis=1)
        exact_best.append(int(labels[int(np.argmin(d))]))
        exact_t.append((time.perf_counter() - t) * 1000)
    print("| method | ef | p50 ms | p99 ms | CPU ms/query | recall@1 vs exact |")
    print("|---|---|---|---|---|---|")
    hnsw_p50 = None
    efs = sorted({settings.hnsw_ef_search, 32, 48, 64, 128, 256})
    name = f"FaceIndex: usearch {settings.hnsw_dtype} (M {settings.hnsw_m}, ef_construction {settings.hnsw_ef_construction})"
    for ef in efs:
        index.set_ef(ef)
        hnsw_t, agree = [], 0
        c0 = time.process_time()
        for q, best in zip(queries, exact_best, strict=True):
            t = time.perf_counter()
            got = index.search(q, 1)
            hnsw_t.append((time.perf_counter() - t) * 1000)
            agree += bool(got) and got[0][0] == best
        cpu = (time.process_time() - c0) * 1000 / len(queries)
        if ef == settings.hnsw_ef_search:
            hnsw_p50 = pct(hnsw_t, 50)
        default = " (default)" if ef == settings.hnsw_ef_search else ""
        print(f"| {name} | {ef}{default} | {pct(hnsw_t, 50):.3f} | {pct(hnsw_t, 99):.3f} | {cpu:.3f} | "
              f"{agree / len(queries):.4f} |", flush=True)
    index.set_ef(settings.hnsw_ef_search)
    if own:
        from usearch.index import Index

        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "faces.usearch")
            t = time.perf_counter()
            index.save(path)
            save_s = time.perf_counter() - t
            t = time.perf_counter()
            Index.restore(path)  # the graph alone: FaceIndex.load also reads labels and catches up with a store
            load_s = time.perf_counter() - t
            size = os.path.getsize(path) / 2**20
        costs.append(f"| {name} | {build:.0f} | {build_cpu:.0f} | {grown:,.0f} | {size:,.0f} | {save_s:.2f} / {load_s:.2f} |")
        index.close()
        del index
        gc.collect()
    for peer_name in peers:
        costs.append(bench_peer(peer_name, embeddings, labels, queries, exact_best, efs))
    print(f"| numpy brute force (exact) | | {pct(exact_t, 50):.3f} | {pct(exact_t, 99):.3f} | | 1.0000 |")
    print(f"| ratio exact / index default (p50) | | {pct(exact_t, 50) / hnsw_p50:.0f}x | | | |")
    if costs:
        print("\n| method | build s (all cores) | build CPU s | RSS added MB | file MB | save / load s |")
        print("|---|---|---|---|---|---|")
        print("\n".join(filter(None, costs)))


def bench_peer(name: str, embeddings: np.ndarray, labels: np.ndarray, queries: np.ndarray,
               exact_best: list[int], efs: list[int]) -> str:
    """Table rows for one peer library, built here on all cores with the linker's graph shape;
    returns its row of build and file costs."""
    from benchmarks.faceindex_peers import PEERS, build, rss_mb, timed_searches

    gc.collect()
    before, c0 = rss_mb(), time.process_time()
    try:
        peer = PEERS[name](len(embeddings))
    except ImportError:
        print(f"| {name}: not installed | | | | | |")
        return ""
    build_s = build(peer, labels, embeddings)
    build_cpu, grown = time.process_time() - c0, rss_mb() - before
    print(f"  {name} built in {build_s:.0f} s ({build_cpu:.0f} CPU s)", file=sys.stderr, flush=True)
    for ef in efs:
        peer.set_ef(ef)
        times, recall, cpu = timed_searches(peer, queries, exact_best, k=1)
        print(f"| {peer.name} | {ef} | {pct(times, 50):.3f} | {pct(times, 99):.3f} | {cpu:.3f} | "
              f"{recall:.4f} |", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "faces.index")
        t = time.perf_counter()
        peer.save(path)
        save_s = time.perf_counter() - t
        t = time.perf_counter()
        peer.load(path)
        load_s = time.perf_counter() - t
        size = os.path.getsize(path) / 2**20
    del peer
    gc.collect()
    return f"| {PEERS[name].name} | {build_s:.0f} | {build_cpu:.0f} | {grown:,.0f} | {size:,.0f} | {save_s:.2f} / {load_s:.2f} |"


def checks_without_faces(store, settings: LinkerSettings, stream: list[Account], args) -> int:
    """``--checks-without-faces``: CheckAccount on the prefilled store alone, without building
    the face graph (minutes at a million faces; benchmarked on its own by ``--face-only``): the
    index starts empty and caught up with the store, and the probes carry no face."""
    index = FaceIndex(settings.hnsw_m, settings.hnsw_ef_construction, settings.hnsw_ef_search)
    index.synced_to = int(store._all_rows("SELECT COALESCE(MAX(face_id), 0) FROM link_faces")[0][0])
    linker = Linker(store, SignalHasher(bytes(32)), settings, index, sealer=Sealer(bytes(range(32))))
    check_t, check_cpu, sample = time_checks(linker, stream, args.checks, args.seed, faces=False)
    print(f"\n## CheckAccount on {store.account_count():,} stored accounts, probes without faces "
          f"({store.backend})\n")
    print("| metric | value | target |\n|---|---|---|")
    print(f"| CheckAccount p50 / p99 ({len(check_t)} calls) | {pct(check_t, 50):.2f} / {pct(check_t, 99):.2f} ms"
          " | <= 5 / <= 20 ms |")
    print(f"| CheckAccount CPU of this process p50 / p99 | {pct(check_cpu, 50):.2f} / {pct(check_cpu, 99):.2f} ms | |")
    print(f"| load average (1, 5, 15 min) at the end | {', '.join(f'{x:.1f}' for x in os.getloadavg())} | |")
    print(f"| peak RSS | {peak_rss_mb():,.0f} MB | |")
    if store.backend == "postgresql":
        print_pg_sizes(store)
    if args.explain and store.backend == "postgresql" and sample:
        explain_check(linker, messages([s for s in sample[0].signals if s[0] != pb.SIGNAL_TYPE_FACE_EMBEDDING]))
    linker.close()
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--accounts", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--store", default="", help="SQLite path, postgresql:// URL, or 'throwaway-postgresql' "
                    "(a temporary server from Debian's postgresql, as in the tests); default: a temp SQLite file")
    ap.add_argument("--checks", type=int, default=2000, help="CheckAccount calls to time")
    ap.add_argument("--face-queries", type=int, default=500)
    ap.add_argument("--face-only", action="store_true", help="only the 1:N face search section")
    ap.add_argument("--prefill", type=int, default=0,
                    help="bulk-load this many accounts first (no linking), then link and time the rest")
    ap.add_argument("--prefill-workers", type=int, default=2,
                    help="processes building the prefill's rows (hashing, sealing) while the main one loads them")
    ap.add_argument("--checks-without-faces", action="store_true",
                    help="after the prefill (or from the snapshot): only CheckAccount, probes without faces, "
                    "no face graph and no linking")
    ap.add_argument("--explain", action="store_true",
                    help="PostgreSQL: EXPLAIN ANALYZE the statements of one CheckAccount after the timed ones")
    ap.add_argument("--skip-restart", action="store_true", help="do not time a restart (index rebuild)")
    ap.add_argument("--batch", type=int, default=256,
                    help="accounts per register_many batch (0: every account one by one)")
    ap.add_argument("--single", type=int, default=2000,
                    help="at the end, this many accounts one by one and as many in batches, side by side")
    ap.add_argument("--snapshot", help="folder keeping the prefilled store (SQLite file, or with "
                    "--store throwaway-postgresql the server's data directory) and face index between runs "
                    "(the prefill and graph build take minutes at a million)")
    ap.add_argument("--breakdown", action="store_true", help="time the engine's and store's calls (per account)")
    ap.add_argument("--link", type=int, default=0, help="link only this many accounts after the prefill (0: all)")
    ap.add_argument("--face-dim", type=int, default=32, help="intrinsic dimension of synthetic faces")
    ap.add_argument("--face-dtype", choices=("f32", "f16"), default=LinkerSettings.hnsw_dtype,
                    help="how the linker's face graph stores embeddings (linker.hnsw_dtype)")
    ap.add_argument("--face-ef", type=int, default=LinkerSettings.hnsw_ef_search,
                    help="the linker's face search breadth (linker.hnsw_ef_search)")
    ap.add_argument("--peers", default="", help="comma-separated vector-index libraries to build on the same "
                    "faces beside the linker's (hnswlib, usearch, faiss: benchmarks/faceindex_peers.py)")
    ap.add_argument("--febrl", default="", help="FEBRL mode (issue 15): comma-separated sets, e.g. febrl1,febrl3,febrl4; "
                    "see benchmarks/linker_febrl.py")
    ap.add_argument("--old", default="", help="FEBRL mode: also run the project at this commit (a /tmp worktree)")
    ap.add_argument("--splink", action="store_true", help="FEBRL mode: also run Splink (bench extra) in batch")
    args = ap.parse_args(argv)
    if args.febrl:
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        import linker_febrl

        return linker_febrl.main(args.febrl.split(","), args.old, args.splink, min(args.checks, 500))
    from benchmarks.faceindex_peers import PEERS

    if set(filter(None, args.peers.split(","))) - set(PEERS):
        ap.error(f"--peers: choose from {', '.join(PEERS)}")

    settings = LinkerSettings(hash_key="0" * 64, hnsw_dtype=args.face_dtype, hnsw_ef_search=args.face_ef)
    t0 = time.perf_counter()
    stream, truth = generate(args.accounts, args.seed, args.face_dim)
    print(f"# bench_linker: {len(stream):,} accounts, {len(set(truth.values())):,} true persons, "
          f"seed {args.seed}, face dim {args.face_dim} (generated in {time.perf_counter() - t0:.1f} s)")

    if args.face_only:
        rng = np.random.default_rng(args.seed + 1)
        faces, owners = [], []
        for acc in stream:
            for t, _, _, _, e in acc.signals:
                if t == pb.SIGNAL_TYPE_FACE_EMBEDDING:
                    faces.append(e)
                    owners.append(acc.person)
        matrix = np.stack(faces)
        del faces, stream
        gc.collect()
        picks = rng.choice(len(matrix), args.face_queries, replace=False)
        queries = matrix[picks] + rng.normal(0, 0.02, (len(picks), 128)).astype(np.float32)
        bench_faces(matrix, queries, settings, peers=tuple(filter(None, args.peers.split(","))))
        print(f"\npeak RSS {peak_rss_mb():,.0f} MB")
        return 0

    tmp = tempfile.TemporaryDirectory(prefix="bench-linker-")
    location = args.store or os.path.join(tmp.name, "linker.sqlite3")
    pg_server = None
    held: dict[tuple[int, int], int] = {}
    snapshot = Path(args.snapshot) if args.snapshot else None
    tag = f"{args.accounts}-{args.prefill}-{args.seed}-{args.face_dim}-{settings.hnsw_m}-{settings.hnsw_ef_construction}"
    # A PostgreSQL snapshot: DIR/<tag>-postgresql/ holds the server's data directory (data/),
    # the database's name (database, written once the data is complete) and the face graph
    # (faces.hnsw, written after it: a run stopped in between builds the graph from the data).
    pg_snap = snapshot / f"{tag}-postgresql" if snapshot and args.store == "throwaway-postgresql" else None
    pg_data = pg_snap is not None and (pg_snap / "database").exists()
    if args.store == "throwaway-postgresql":
        from tests.postgres import ThrowawayPostgres, find_bin_dir

        bin_dir = find_bin_dir()
        if bin_dir is None:
            print("PostgreSQL binaries not found under /usr/lib/postgresql/*/bin", file=sys.stderr)
            return 2
        if pg_data:
            t = time.perf_counter()
            pg_server = ThrowawayPostgres.from_data(bin_dir, pg_snap / "data")
            location = pg_server.url((pg_snap / "database").read_text().strip())
            print(f"(PostgreSQL data directory copied from the snapshot and started in {time.perf_counter() - t:.0f} s)")
        else:
            pg_server = ThrowawayPostgres(bin_dir)
            pg_server.start()
            location = pg_server.new_database()
        atexit.register(pg_server.stop)  # also when the run fails or is killed: no server left behind
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    index_build_s = float("nan")
    if args.prefill:
        for acc in stream[: args.prefill]:
            held[(acc.person, acc.kind)] = held.get((acc.person, acc.kind), 0) + 1
    sqlite_data = bool(snapshot and (snapshot / f"{tag}.sqlite3").exists() and not args.store)
    from_snapshot = (pg_snap / "faces.hnsw").exists() if pg_snap is not None else sqlite_data
    if args.checks_without_faces and (pg_data or sqlite_data):
        if sqlite_data:
            shutil.copyfile(snapshot / f"{tag}.sqlite3", location)
        return checks_without_faces(open_store(location), settings, stream[args.prefill:][: args.link or None], args)
    if from_snapshot:
        # The prefilled store and its face index from an earlier run: copied, not rebuilt.
        t = time.perf_counter()
        if pg_snap is None:
            shutil.copyfile(snapshot / f"{tag}.sqlite3", location)
        store = open_store(location)
        index = FaceIndex.load(pg_snap / "faces.hnsw" if pg_snap else snapshot / f"{tag}.hnsw", store,
                               settings.hnsw_m, settings.hnsw_ef_construction, settings.hnsw_ef_search,
                               dtype=settings.hnsw_dtype)  # a graph of another dtype is rebuilt
        linker = Linker(store, SignalHasher(bytes(32)), settings, index, sealer=Sealer(bytes(range(32))))
        print(f"(prefilled store and face index copied from the snapshot in {time.perf_counter() - t:.0f} s)")
    else:
        store = open_store(location)
        if args.prefill and not pg_data:
            prefill(store, SignalHasher(bytes(32)), stream[: args.prefill], Sealer(bytes(range(32))),
                    workers=args.prefill_workers)
            if pg_snap is not None:  # the data directory first: the graph is built after it
                t = time.perf_counter()
                store.close()
                pg_server.save_data(pg_snap / "data")
                (pg_snap / "database").write_text(location.rsplit("/", 1)[1] + "\n")
                store = open_store(location)
                print(f"(PostgreSQL data directory saved to {pg_snap / 'data'} in {time.perf_counter() - t:.0f} s)")
        if args.checks_without_faces:
            return checks_without_faces(store, settings, stream[args.prefill:][: args.link or None], args)
        t = time.perf_counter()
        linker = Linker(store, SignalHasher(bytes(32)), settings, sealer=Sealer(bytes(range(32))))
        index_build_s = time.perf_counter() - t
        if args.prefill:
            print(f"(face index over the prefilled store built in {index_build_s:.0f} s)")
        if pg_snap is not None and args.prefill:
            linker.index.save(pg_snap / "faces.hnsw")
        elif snapshot and args.prefill and not args.store:
            snapshot.mkdir(parents=True, exist_ok=True)
            store._exec("PRAGMA wal_checkpoint(TRUNCATE)")
            shutil.copyfile(location, snapshot / f"{tag}.sqlite3")
            linker.index.save(snapshot / f"{tag}.hnsw")
    stream = stream[args.prefill:][: args.link or None]
    decisions: dict[str, int] = {}
    true_dup: set[str] = set()
    false_causes: collections.Counter[str] = collections.Counter()

    def note(acc: Account, result) -> None:
        decisions[acc.account_id] = result.decision
        if result.decision == pb.LINK_DECISION_BLOCK and acc.account_id not in true_dup:
            # Which evidence joined a wrong person: the strongest non-generic edge to each mate.
            kinds = sorted({pb.SignalType.Name(e.evidence.signal_type).removeprefix("SIGNAL_TYPE_")
                            + ("" if e.evidence.strength == pb.SIGNAL_STRENGTH_STRONG else "(medium)")
                            for e in result.evidence
                            if not e.evidence.generic and e.evidence.strength != pb.SIGNAL_STRENGTH_WEAK
                            and truth.get(e.to_account_id) != acc.person})
            false_causes["+".join(kinds) or "chain through an earlier false link"] += 1

    for acc in stream:
        if acc.kind != A:
            if held.get((acc.person, acc.kind)):
                true_dup.add(acc.account_id)
            held[(acc.person, acc.kind)] = held.get((acc.person, acc.kind), 0) + 1
    def one_by_one(accounts: list[Account]) -> tuple[float, list[float]]:
        times: list[float] = []
        t0 = time.perf_counter()
        for acc in accounts:
            request = messages(acc.signals)
            t = time.perf_counter()
            note(acc, linker.register(acc.account_id, acc.kind, linker.prepare(request), acc.owner))
            times.append((time.perf_counter() - t) * 1000)
        return time.perf_counter() - t0, times

    def in_batches(accounts: list[Account]) -> tuple[float, list[float]]:
        times: list[float] = []
        t0 = time.perf_counter()
        for start in range(0, len(accounts), args.batch):
            part = accounts[start : start + args.batch]
            requests = [(acc, messages(acc.signals)) for acc in part]
            t = time.perf_counter()
            results = linker.register_many([Registration(acc.account_id, acc.kind, linker.prepare(req), acc.owner)
                                            for acc, req in requests])
            times.append((time.perf_counter() - t) * 1000)
            for acc, result in zip(part, results, strict=True):
                note(acc, result)
            done = start + len(part)
            if done // 20000 != start // 20000:
                print(f"  ingested {done:,} in batches ({done / (time.perf_counter() - t0):,.0f}/s)",
                      file=sys.stderr, flush=True)
        return time.perf_counter() - t0, times

    breakdown = Breakdown(linker.store) if args.breakdown else None
    # The bulk of the stream in batches of --batch (RegisterAccounts), then, at the final store
    # size, --single accounts one call each (RegisterAccount) and --single more in batches: the
    # two paths side by side on the same store.
    if args.batch <= 0:
        main_s, main_t = one_by_one(stream)
        side = None
    else:
        n_side = min(args.single, len(stream) // 4)
        main_part, single_part, batch_part = (stream[: len(stream) - 2 * n_side],
                                              stream[len(stream) - 2 * n_side : len(stream) - n_side],
                                              stream[len(stream) - n_side :])
        main_s, main_t = in_batches(main_part)
        if breakdown is not None:
            breakdown.report(len(main_part))
        linker.index.flush()  # untimed: both sides start with the face graph caught up
        if breakdown is not None:
            breakdown.reset()
        single = one_by_one(single_part)
        if breakdown is not None:
            breakdown.report(len(single_part), "one by one (register)")
            breakdown = None
        side = (len(single_part), *single, len(batch_part), *in_batches(batch_part))
    blocks = [a for a, d in decisions.items() if d == pb.LINK_DECISION_BLOCK]
    reviews = [a for a, d in decisions.items() if d == pb.LINK_DECISION_REVIEW]
    tp = sum(1 for a in blocks if a in true_dup)
    precision = tp / len(blocks) if blocks else float("nan")
    recall = tp / len(true_dup) if true_dup else float("nan")
    linked = sum(1 for a in true_dup if decisions[a] != pb.LINK_DECISION_ALLOW)

    check_t, check_cpu, sample = time_checks(linker, stream, args.checks, args.seed)

    where = f" on top of {args.prefill:,} prefilled" if args.prefill else ""
    print(f"\n## Linking {len(stream):,} accounts{where} ({linker.store.backend})\n")
    print("| metric | value | target |")
    print("|---|---|---|")
    if side is None:
        print(f"| ingest one by one (register) | {len(stream) / main_s:,.0f} accounts/s | >= 2,000/s |")
        print(f"| register p50 / p99 | {pct(main_t, 50):.2f} / {pct(main_t, 99):.2f} ms | |")
    else:
        n1, s1, t1, n2, s2, t2 = side
        print(f"| ingest in batches of {args.batch} (register_many, first {len(stream) - n1 - n2:,} accounts) | "
              f"{(len(stream) - n1 - n2) / main_s:,.0f} accounts/s | >= 2,000/s |")
        print(f"| register_many p50 / p99 per batch | {pct(main_t, 50):.1f} / {pct(main_t, 99):.1f} ms | |")
        print(f"| then at the final size: one by one (register, {n1:,} accounts) | {n1 / s1:,.0f} accounts/s | |")
        print(f"| register p50 / p99 | {pct(t1, 50):.2f} / {pct(t1, 99):.2f} ms | |")
        print(f"| then at the final size: in batches (register_many, {n2:,} accounts) | {n2 / s2:,.0f} accounts/s | |")
    print(f"| CheckAccount p50 / p99 ({len(check_t)} calls) | {pct(check_t, 50):.2f} / {pct(check_t, 99):.2f} ms"
          " | <= 5 / <= 20 ms |")
    print(f"| CheckAccount CPU of this process p50 / p99 | {pct(check_cpu, 50):.2f} / {pct(check_cpu, 99):.2f} ms | |")
    print(f"| BLOCK decisions | {len(blocks):,} ({tp:,} true duplicates) | |")
    print(f"| REVIEW decisions | {len(reviews):,} | |")
    print(f"| precision of BLOCK | {precision:.4f} | >= 0.999 |")
    print(f"| recall of true duplicates (BLOCK) | {recall:.4f} ({tp:,}/{len(true_dup):,}) | >= 0.98 |")
    print(f"| true duplicates flagged (BLOCK or REVIEW) | {linked / max(1, len(true_dup)):.4f} | |")
    print(f"| peak RSS | {peak_rss_mb():,.0f} MB | |")
    print(f"| load average (1, 5, 15 min) at the end | {', '.join(f'{x:.1f}' for x in os.getloadavg())} | |")
    if args.explain and linker.store.backend == "postgresql" and sample:
        explain_check(linker, messages(sample[0].signals))
    if false_causes:
        print("\nEvidence behind wrong BLOCKs (to accounts of other true persons):\n")
        print("| evidence | wrong BLOCKs |\n|---|---|")
        for cause, n in false_causes.most_common():
            print(f"| {cause} | {n} |")
        print()
    if not args.skip_restart:
        t = time.perf_counter()
        reopened = Linker(open_store(location), SignalHasher(bytes(32)), settings, sealer=Sealer(bytes(range(32))))
        print(f"| restart: reopen store + rebuild face index | {time.perf_counter() - t:.1f} s | |")
        reopened.close()

    # Face search side by side at this population size, on the stored embeddings.
    rows = linker.store.faces_after(0, 10_000_000)
    matrix = np.stack([r.embedding for r in rows])
    labels = np.array([r.face_id for r in rows])
    del rows
    rng = np.random.default_rng(args.seed + 3)
    picks = rng.choice(len(matrix), min(args.face_queries, len(matrix)), replace=False)
    queries = matrix[picks] + rng.normal(0, 0.02, (len(picks), 128)).astype(np.float32)
    bench_faces(matrix, queries, settings, linker.index, labels, index_build_s if args.prefill else None,
                tuple(filter(None, args.peers.split(","))))
    # Restart with linker.index_path: the graph saved at shutdown, loaded and caught up at start.
    index_file = os.path.join(tmp.name, "faces.hnsw")
    t = time.perf_counter()
    linker.index.save(index_file)
    save_s = time.perf_counter() - t
    t = time.perf_counter()
    loaded = FaceIndex.load(index_file, linker.store, settings.hnsw_m, settings.hnsw_ef_construction,
                            settings.hnsw_ef_search, dtype=settings.hnsw_dtype)
    load_s = time.perf_counter() - t
    print(f"\n| face index with linker.index_path ({len(loaded):,} faces) | seconds |\n|---|---|")
    print(f"| save at shutdown | {save_s:.1f} |\n| load + catch up with the store at start | {load_s:.1f} |")
    if args.prefill and index_build_s == index_build_s:
        print(f"| rebuild from the store instead (no index_path) | {index_build_s:.1f} |")
    del loaded
    linker.close()
    tmp.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
