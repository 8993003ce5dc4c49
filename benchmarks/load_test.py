"""Full-size load and fault run on loopback (issue 9); tests/test_load_and_faults.py is the CI size.

    python benchmarks/load_test.py [--requests 2000] [--concurrency 16]
    python benchmarks/load_test.py --store postgresql --replicas 2 --no-crash
    python benchmarks/load_test.py --mixed [--requests 600] [--concurrency 16]
    python benchmarks/load_test.py --mixed --store postgresql --replicas 2

Starts ``idverify serve`` as its own process (linker on, one worker process per core), sends a
fixed number of calls at the given concurrency (MatchProfile, RegisterAccount, CompareFaces on the
small sample photo, CheckAccount of new signals (nothing stored), ReadDocument of a generated
passport, in turn), and prints status counts, p50/p99 latency per RPC and the servers' resident
memory (with their workers) before, in the middle and after. ``--store postgresql --replicas 2``
runs two servers on one throwaway PostgreSQL, the clients spread over them. Then it kills the
server with SIGKILL during a stream of RegisterAccount calls, restarts it on the same store and
counts acknowledged registrations that were lost. Bounded in count and time; loopback only.

``--mixed`` (issue 17) measures the cheap calls while faces saturate the workers: half the
clients call CompareFaces without pause, the other half alternate MatchProfile and CheckAccount
(of an account registered first) until ``--requests`` light calls are done; it prints p50/p99 per
RPC, the servers' resident memory before and after and the load average. With ``--store
postgresql --replicas 2`` the heavy and the light clients are spread over the two replicas (client
k talks to replica k % 2) and every CheckAccount reads the one account through either. Run it
from a checkout of another commit to compare (the server is that checkout's code).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import grpc
import matplotlib

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from serverproc import ServerProcess  # noqa: E402

from idverify.docgen import generate_document  # noqa: E402

from idverify.v1 import verification_service_pb2 as pb  # noqa: E402
from idverify.v1 import verification_service_pb2_grpc as pb_grpc  # noqa: E402
from linker.v1 import linking_service_pb2 as lpb  # noqa: E402
from linker.v1 import linking_service_pb2_grpc as lpb_grpc  # noqa: E402

PHOTO = (Path(matplotlib.get_data_path()) / "sample_data" / "grace_hopper.jpg").read_bytes()


def _register(i: int) -> lpb.RegisterAccountRequest:
    return lpb.RegisterAccountRequest(account_id=f"acct-{i:07d}", kind=lpb.ACCOUNT_KIND_FREELANCER, signals=[
        lpb.Signal(type=lpb.SIGNAL_TYPE_EMAIL, value=f"user{i}@example.org"),
        lpb.Signal(type=lpb.SIGNAL_TYPE_IP_ADDRESS, value=f"10.1.{i // 250 % 250}.{i % 250}")])


def _workload(verify, link) -> list[tuple[str, object]]:
    """The mixed calls, in turn: faces, a document, profile matching, linking writes and reads."""
    declared = pb.DeclaredProfile(full_name="Ana María López", birth_date="1990-04-01")
    document = pb.Document(surname="LOPEZ", given_names="ANA MARIA", birth_date="1990-04-01")
    image = pb.Image(content=PHOTO)
    generated = generate_document(7, kind="td3", level="mild")
    pages = [pb.Image(content=page) for page in generated.images]
    return [
        ("MatchProfile", lambda i: verify.MatchProfile(
            pb.MatchProfileRequest(declared=declared, document=document), timeout=120)),
        ("RegisterAccount", lambda i: link.RegisterAccount(_register(i), timeout=120)),
        ("CompareFaces", lambda i: verify.CompareFaces(
            pb.CompareFacesRequest(reference=image, probe=image), timeout=120)),
        ("CheckAccount", lambda i: link.CheckAccount(lpb.CheckAccountRequest(  # decides, stores nothing
            account_id=f"probe-{i:07d}", kind=lpb.ACCOUNT_KIND_FREELANCER, signals=_register(i - 1).signals),
            timeout=120)),
        ("ReadDocument", lambda i: verify.ReadDocument(pb.ReadDocumentRequest(images=pages), timeout=120)),
    ]


@contextlib.contextmanager
def _store(kind: str):
    """A fresh store location: a temporary SQLite file, or a database on a throwaway PostgreSQL."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            yield str(Path(tmp) / "store.sqlite3")
        return
    from tests.postgres import ThrowawayPostgres, find_bin_dir

    bin_dir = find_bin_dir()
    if bin_dir is None:
        raise SystemExit("no PostgreSQL binaries under /usr/lib/postgresql/*/bin (apt install postgresql)")
    server = ThrowawayPostgres(bin_dir)
    try:
        server.start()
        yield server.new_database()
    finally:
        server.stop()


@contextlib.contextmanager
def _replicas(store: str, replicas: int):
    """``replicas`` servers on one fresh store, and a channel to each (closed, then stopped, after)."""
    with _store(store) as url:
        servers = [ServerProcess(url).start() for _ in range(replicas)]
        channels = []
        try:
            channels = [grpc.insecure_channel(f"127.0.0.1:{server.port}") for server in servers]
            yield servers, channels
        finally:
            for channel in channels:
                channel.close()
            for server in servers:
                server.stop()


def load(requests: int, concurrency: int, store: str = "sqlite", replicas: int = 1) -> None:
    with _replicas(store, replicas) as (servers, channels):
        # client i talks to replica i % replicas, as a load balancer spreading connections would
        workloads = [_workload(pb_grpc.VerificationServiceStub(c), lpb_grpc.LinkingServiceStub(c))
                     for c in channels]
        record = _Recorder()
        rss = {"before": sum(server.rss_bytes() for server in servers)}

        def one(i: int) -> None:
            calls = workloads[i % len(workloads)]
            name, fn = calls[(i // len(workloads)) % len(calls)]
            record.timed(name, lambda: fn(i))
            if i == requests // 2:
                rss["middle"] = sum(server.rss_bytes() for server in servers)

        started = time.perf_counter()
        with ThreadPoolExecutor(concurrency) as pool:
            list(pool.map(one, range(requests)))
        wall = time.perf_counter() - started
        rss["after"] = sum(server.rss_bytes() for server in servers)
    print(f"\n{requests} calls at concurrency {concurrency} in {wall:.1f} s ({requests / wall:.0f} calls/s), "
          f"store {store}, {replicas} replica(s)\n")
    record.print_table()
    _print_rss(rss, replicas)


def _print_rss(rss: dict[str, int], replicas: int) -> None:
    print(f"\n| RSS of {replicas} server(s) with their workers | MB |")
    print("|---|---|")
    for key, value in rss.items():
        print(f"| {key} | {value / 2**20:.0f} |")


class _Recorder:
    """Status counts and latencies of the calls, by RPC, from many threads."""

    def __init__(self) -> None:
        self.codes: Counter[tuple[str, str]] = Counter()
        self.latency: dict[str, list[float]] = defaultdict(list)
        self._lock = threading.Lock()

    def timed(self, name: str, fn) -> None:
        t = time.perf_counter()
        try:
            fn()
            code = "OK"
        except grpc.RpcError as exc:
            code = exc.code().name
        ms = (time.perf_counter() - t) * 1000
        with self._lock:
            self.codes[(name, code)] += 1
            if code == "OK":
                self.latency[name].append(ms)

    def print_table(self) -> None:
        print("| RPC | status | calls | p50 ms | p99 ms |")
        print("|---|---|---|---|---|")
        for (name, code), n in sorted(self.codes.items()):
            lat = sorted(self.latency[name]) if code == "OK" else []
            p50 = f"{statistics.median(lat):.1f}" if lat else ""
            p99 = f"{lat[min(len(lat) - 1, int(len(lat) * 0.99))]:.1f}" if lat else ""
            print(f"| {name} | {code} | {n} | {p50} | {p99} |")


def mixed(requests: int, concurrency: int, store: str = "sqlite", replicas: int = 1) -> None:
    heavy_clients = max(1, concurrency // 2)
    light_clients = max(1, concurrency - heavy_clients)
    load = {"before": os.getloadavg()[0]}
    with _replicas(store, replicas) as (servers, channels):
        stubs = [(pb_grpc.VerificationServiceStub(c), lpb_grpc.LinkingServiceStub(c)) for c in channels]
        stubs[0][1].RegisterAccount(_register(0), timeout=60)  # checked through every replica
        declared = pb.DeclaredProfile(full_name="Ana María López", birth_date="1990-04-01")
        document = pb.Document(surname="LOPEZ", given_names="ANA MARIA", birth_date="1990-04-01")
        image = pb.Image(content=PHOTO)
        check = lpb.CheckAccountRequest(account_id="acct-0000000", kind=lpb.ACCOUNT_KIND_FREELANCER)
        record = _Recorder()
        done = threading.Event()
        next_light = iter(range(requests))
        lock = threading.Lock()
        rss = {"before": sum(server.rss_bytes() for server in servers)}

        def heavy(client: int) -> None:
            verify, _ = stubs[client % replicas]  # client k talks to replica k % replicas
            while not done.is_set():
                record.timed("CompareFaces", lambda: verify.CompareFaces(
                    pb.CompareFacesRequest(reference=image, probe=image), timeout=120))

        def light(client: int) -> None:
            verify, link = stubs[client % replicas]
            calls = [("MatchProfile", lambda: verify.MatchProfile(
                         pb.MatchProfileRequest(declared=declared, document=document), timeout=60)),
                     ("CheckAccount", lambda: link.CheckAccount(check, timeout=60))]
            while True:
                with lock:
                    i = next(next_light, None)
                if i is None:
                    return
                name, fn = calls[i % len(calls)]
                record.timed(name, fn)

        heavy_threads = [threading.Thread(target=heavy, args=(k,)) for k in range(heavy_clients)]
        for t in heavy_threads:
            t.start()
        time.sleep(3)  # the workers are busy before the first light call
        load["start"] = os.getloadavg()[0]
        started = time.perf_counter()
        with ThreadPoolExecutor(light_clients) as pool:
            for k in range(light_clients):
                pool.submit(light, k)
        wall = time.perf_counter() - started
        load["end"] = os.getloadavg()[0]
        rss["after"] = sum(server.rss_bytes() for server in servers)
        done.set()
        for t in heavy_threads:
            t.join(180)
        connections = _store_connections(servers[0].store) if store == "postgresql" else None
    print(f"\n{requests} light calls from {light_clients} clients in {wall:.1f} s while {heavy_clients} "
          f"clients called CompareFaces without pause; store {store}, {replicas} replica(s); load average "
          f"(1 min) {load['before']:.1f} before the servers started, {load['start']:.1f} at the first light "
          f"call, {load['end']:.1f} at the last\n")
    record.print_table()
    _print_rss(rss, replicas)
    if connections is not None:
        print(f"\nPostgreSQL connections the servers held at the end: {connections}")


def _store_connections(url: str) -> int:
    """Client connections to the store's database other than this one (the servers' connections)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                            "AND pid <> pg_backend_pid()").fetchone()[0]


def crash(seconds: float) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "store.sqlite3"
        server = ServerProcess(store).start()
        acknowledged: list[str] = []

        def stream() -> None:
            with grpc.insecure_channel(f"127.0.0.1:{server.port}") as channel:
                stub = lpb_grpc.LinkingServiceStub(channel)
                i = 0
                while True:
                    try:
                        stub.RegisterAccount(_register(i), timeout=10)
                    except grpc.RpcError:
                        return
                    acknowledged.append(f"acct-{i:07d}")
                    i += 1

        writers = [threading.Thread(target=stream)]
        writers[0].start()
        time.sleep(seconds)
        server.kill()
        for w in writers:
            w.join(30)
        restarted = ServerProcess(store).start()
        try:
            with grpc.insecure_channel(f"127.0.0.1:{restarted.port}") as channel:
                stub = lpb_grpc.LinkingServiceStub(channel)
                lost = 0
                for account_id in acknowledged:
                    try:
                        stub.GetLinkedAccounts(lpb.GetLinkedAccountsRequest(account_id=account_id), timeout=10)
                    except grpc.RpcError:
                        lost += 1
        finally:
            restarted.stop()
    print(f"\nSIGKILL after {seconds:g} s of RegisterAccount: {len(acknowledged)} acknowledged, {lost} lost "
          "after restart")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--crash-after", type=float, default=10.0, help="seconds of writes before SIGKILL")
    parser.add_argument("--store", choices=("sqlite", "postgresql"), default="sqlite",
                        help="postgresql: a throwaway server from Debian's postgresql, as in the tests")
    parser.add_argument("--replicas", type=int, default=1, help="servers on the one store")
    parser.add_argument("--no-crash", action="store_true", help="skip the SIGKILL run")
    parser.add_argument("--mixed", action="store_true",
                        help="only the light calls' latency while CompareFaces saturates the workers")
    args = parser.parse_args()
    if args.mixed:
        mixed(args.requests, args.concurrency, args.store, args.replicas)
        return
    load(args.requests, args.concurrency, args.store, args.replicas)
    if not args.no_crash:
        crash(args.crash_after)


if __name__ == "__main__":
    main()
