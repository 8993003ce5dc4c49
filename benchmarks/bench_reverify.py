"""Re-verification throughput: accounts per second with 1 and 2 worker processes, for re-checks
from stored evidence (policy, expiry, profile match, linker) and full face-and-document
re-checks from retained images.

    python benchmarks/bench_reverify.py [--evidence 2000] [--full 40]

Each mode seeds a fresh SQLite store with N verified accounts (cloned from one real
VerifyIdentity result on a generated passport), marks them all due, then runs
``idverify reverify --once`` as 1 process, and again as 2 processes at once, on the same store.
Rates are measured from each worker's own "starting" to "finished" log lines (model loading
excluded) and as wall time including start-up; the side-by-side is the 1-worker run.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import matplotlib

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from idverify.app import build_application  # noqa: E402
from idverify.app.verification import result_of  # noqa: E402
from idverify.config import load_config  # noqa: E402
from idverify.docgen import generate_document  # noqa: E402
from idverify.v1 import verification_service_pb2 as pb  # noqa: E402
from linker.v1 import linking_service_pb2 as lpb  # noqa: E402

KEY = "bench-reverify-key-0123456789abcdef"
SEAL_KEY = "5ea1" * 16  # a 256-bit seal key: 64 hex characters
HOPPER = Path(matplotlib.get_data_path()) / "sample_data" / "grace_hopper.jpg"


def seed(store_path: Path, n: int, retain: bool) -> None:
    config = load_config(overrides={"store": {"url": str(store_path)}, "server": {"worker_processes": 1},
                                    "linker": {"enabled": True, "hash_key": KEY, "seal_key": SEAL_KEY}}, environ={})
    app = build_application(config)
    deps = app.deps
    try:
        doc = generate_document(3, kind="td3", level="mild", portrait=HOPPER, expired=False)
        declared = pb.DeclaredProfile(full_name=f"{doc.truth.given_names} {doc.truth.surname}",
                                      birth_date=doc.truth.birth_date.isoformat())
        request = pb.VerifyIdentityRequest(profile_photo=pb.Image(content=HOPPER.read_bytes()),
                                           document_images=[pb.Image(content=i) for i in doc.images],
                                           declared=declared)
        response = app.verification.verify_identity(request)
        result = result_of(response, declared)
        for i in range(n):
            account = f"acct-{i:06d}"
            deps.history.record_verification(account, result, policy_version=response.policy_version,
                                             model_version=deps.model_version, settings=config.reverify,
                                             source="bench")
            app.linking.register(lpb.RegisterAccountRequest(account_id=account, kind=lpb.ACCOUNT_KIND_FREELANCER,
                signals=[lpb.Signal(type=lpb.SIGNAL_TYPE_EMAIL, value=f"user{i}@example.org"),
                         lpb.Signal(type=lpb.SIGNAL_TYPE_IP_ADDRESS, value=f"10.{i // 250 % 250}.{i % 250}.1")]))
            if retain:
                deps.history.retain_image(account, "profile", HOPPER.read_bytes())
                deps.history.retain_image(account, "document_front", doc.images[0])
            deps.history.request_recheck(account)
    finally:
        app.close()


def run_workers(store_path: Path, processes: int, retain: bool) -> dict:
    env = {**os.environ, "PYTHONPATH": str(REPO), "IDVERIFY_LINKER__ENABLED": "true",
           "IDVERIFY_LINKER__HASH_KEY": KEY, "IDVERIFY_LINKER__SEAL_KEY": SEAL_KEY,
           "IDVERIFY_SERVER__WORKER_PROCESSES": "1",
           "IDVERIFY_REVERIFY__RETAIN_IMAGES": "true" if retain else "false"}
    started = time.perf_counter()
    procs = [subprocess.Popen([sys.executable, "-m", "idverify.cli", "reverify", "--once", "--concurrency", "2",
                               "--db", str(store_path), "--name", f"bench-{k}"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
             for k in range(processes)]
    outs = [p.communicate(timeout=3600) for p in procs]
    wall = time.perf_counter() - started
    processed, spans = 0, []
    for out, err in outs:
        begin = end = None
        for line in err.splitlines():
            try:
                rec = json.loads(line)
            except ValueError:
                continue
            if rec.get("message") == "re-verification starting":
                begin = rec["time"]
            if rec.get("message") == "re-verification finished":
                end = rec["time"]
                processed += rec["processed"]
        spans.append((begin, end))
    first = min(_t(b) for b, _ in spans)
    last = max(_t(e) for _, e in spans)
    return {"processed": processed, "wall_s": wall, "work_s": last - first}


def _t(stamp: str) -> float:
    import datetime as dt

    return dt.datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%fZ").timestamp()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--evidence", type=int, default=2000, help="accounts for stored-evidence re-checks")
    parser.add_argument("--full", type=int, default=40, help="accounts for full re-checks from images")
    args = parser.parse_args()
    rows = []
    for mode, n, retain in (("stored evidence + linker", args.evidence, False),
                            ("full (retained images)", args.full, True)):
        for processes in (1, 2):
            with tempfile.TemporaryDirectory() as tmp:
                store = Path(tmp) / "store.sqlite3"
                seed(store, n, retain)
                r = run_workers(store, processes, retain)
            rows.append((mode, processes, n, r))
            print(f"{mode:28s} workers={processes} processed={r['processed']}/{n} "
                  f"rate={r['processed'] / r['work_s']:.1f}/s (work {r['work_s']:.1f} s, wall {r['wall_s']:.1f} s)",
                  flush=True)
    print("\n| mode | workers | accounts | processed | accounts/s (work) | wall s | speed-up vs 1 worker |")
    print("|---|---|---|---|---|---|---|")
    base = {}
    for mode, processes, n, r in rows:
        rate = r["processed"] / r["work_s"]
        base.setdefault(mode, rate)
        print(f"| {mode} | {processes} | {n} | {r['processed']} | {rate:.1f} | {r['wall_s']:.1f} | "
              f"{rate / base[mode]:.2f}x |")


if __name__ == "__main__":
    main()
