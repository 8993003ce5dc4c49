"""Issue 9, reduced for CI: a bounded load at concurrency 16 on loopback, and the server killed
with SIGKILL during a stream of RegisterAccount calls (benchmarks/load_test.py is the full size)."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import grpc
import pytest

from idverify.v1 import verification_service_pb2 as pb
from idverify.v1 import verification_service_pb2_grpc as pb_grpc
from linker.v1 import linking_service_pb2 as lpb
from linker.v1 import linking_service_pb2_grpc as lpb_grpc
from serverproc import ServerProcess

pytestmark = pytest.mark.slow


def _register(i: int) -> lpb.RegisterAccountRequest:
    return lpb.RegisterAccountRequest(account_id=f"acct-{i:06d}", kind=lpb.ACCOUNT_KIND_FREELANCER, signals=[
        lpb.Signal(type=lpb.SIGNAL_TYPE_EMAIL, value=f"user{i}@example.org"),
        lpb.Signal(type=lpb.SIGNAL_TYPE_IP_ADDRESS, value=f"10.1.{i // 250 % 250}.{i % 250}")])


def test_load_at_concurrency_16_within_the_limits_answers_every_call(tmp_path):
    # 4 running + 12 queued per class: 16 callers can never overflow a class, so every call must
    # be answered. (With 8 queued, the count of refusals depended on how the scheduler mixed the
    # classes in flight and the old ">= 200 OK" bound failed once at 188; refusals at a full
    # queue are tested deterministically in test_server_call_classes.py.)
    server = ServerProcess(tmp_path / "store.sqlite3", env={"IDVERIFY_LIMITS__MAX_CONCURRENT_CALLS": "4",
                                                           "IDVERIFY_LIMITS__MAX_QUEUED_CALLS": "12",
                                                           "IDVERIFY_LIMITS__MAX_CONCURRENT_LIGHT_CALLS": "4",
                                                           "IDVERIFY_LIMITS__MAX_QUEUED_LIGHT_CALLS": "12"}).start()
    try:
        channel = grpc.insecure_channel(f"127.0.0.1:{server.port}")
        verify, link = pb_grpc.VerificationServiceStub(channel), lpb_grpc.LinkingServiceStub(channel)
        declared = pb.DeclaredProfile(full_name="Ana María López", birth_date="1990-04-01")
        document = pb.Document(surname="LOPEZ", given_names="ANA MARIA", birth_date="1990-04-01")
        codes: list[str] = []
        lock = threading.Lock()

        def one(i: int) -> None:
            try:
                if i % 2:
                    verify.MatchProfile(pb.MatchProfileRequest(declared=declared, document=document), timeout=30)
                else:
                    link.RegisterAccount(_register(i), timeout=30)
                code = "OK"
            except grpc.RpcError as exc:
                code = exc.code().name
            with lock:
                codes.append(code)

        rss_before = server.rss_bytes()
        with ThreadPoolExecutor(16) as pool:
            list(pool.map(one, range(400)))
        rss_after = server.rss_bytes()
        channel.close()
    finally:
        server.stop()
    assert len(codes) == 400 and set(codes) == {"OK"}, sorted(set(codes))
    assert rss_after < rss_before * 1.5 + 50 * 1024 * 1024  # no runaway growth over 400 calls


def test_sigkill_during_registrations_loses_no_acknowledged_one(tmp_path):
    store = tmp_path / "store.sqlite3"
    server = ServerProcess(store).start()
    acknowledged: list[str] = []
    stop = threading.Event()

    def stream() -> None:
        channel = grpc.insecure_channel(f"127.0.0.1:{server.port}")
        stub = lpb_grpc.LinkingServiceStub(channel)
        i = 0
        while not stop.is_set():
            try:
                stub.RegisterAccount(_register(i), timeout=10)
                acknowledged.append(f"acct-{i:06d}")
            except grpc.RpcError:
                break  # the server died mid-call: this one was never acknowledged
            i += 1
        channel.close()

    writer = threading.Thread(target=stream)
    writer.start()
    deadline = time.monotonic() + 30
    while len(acknowledged) < 50 and time.monotonic() < deadline:
        time.sleep(0.05)
    server.kill()
    stop.set()
    writer.join(30)
    assert len(acknowledged) >= 50
    restarted = ServerProcess(store).start()
    try:
        with grpc.insecure_channel(f"127.0.0.1:{restarted.port}") as channel:
            stub = lpb_grpc.LinkingServiceStub(channel)
            lost = []
            for account_id in acknowledged:
                try:
                    stub.GetLinkedAccounts(lpb.GetLinkedAccountsRequest(account_id=account_id), timeout=10)
                except grpc.RpcError as exc:
                    lost.append((account_id, exc.code().name))
    finally:
        restarted.stop()
    assert not lost, lost[:5]
