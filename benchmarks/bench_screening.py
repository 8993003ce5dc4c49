"""Screening (issue 18): precision and recall per category on the corpus's held-out half, side by
side with a naive regex screener, and throughput in-process and over gRPC.

    PYTHONPATH=$PWD nice -n 10 python benchmarks/bench_screening.py [--split heldout] [--repeats 5]
        [--grpc-calls 2000] [--json OUT.json] [--extra SET.jsonl ...]

Quality is judged per item: a category counts as found when a finding of it (at the policy's
min_confidence or above) is in the item; precision and recall per category over
``tests/data/screening_corpus.jsonl`` (built by ``benchmarks/screening_corpus.py``, frozen before
the detectors were written; tuning read only the ``tune`` half), then the hand-written fresh sets
(and any ``--extra`` set, scored the same way: a set kept for a final untouched test is scored
only when named there). The "contact" and "payment"
rows pool their four categories (item, category) by (item, category). The naive peer is what a
first attempt looks like: a regular expression per category over the raw text, no
normalisation, no checksums, no context.

Throughput is CPU seconds (``time.process_time``) per pass over the corpus's messages (all under
1 kB), median of ``--repeats`` passes after a warm-up, in one process (one core); the gRPC
figure is wall-clock calls per second of ScreenMessage from 4 client threads to a server on
127.0.0.1 in the same process (so client and server share the cores).
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "data" / "screening_corpus.jsonl"
#: 60 messages written by hand in phrasings the corpus templates do not use, after the detectors
#: were written and committed before they were first scored; its misses were fixed afterwards.
FRESH = CORPUS.with_name("screening_fresh.jsonl")
#: 90 more, written and committed (b63622e) before they were first scored, after the first fresh
#: set had been tuned on; tuned on since (see RESULTS.md). ``screening_fresh3.jsonl`` is the set
#: kept untouched: this script reads it only when it is named with ``--extra``.
FRESH2 = CORPUS.with_name("screening_fresh2.jsonl")

# --- the naive peer --------------------------------------------------------------------------------
NAIVE = {
    "EMAIL": re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+"),
    "PHONE": re.compile(r"\+?\(?\d[\d\s().-]{8,}\d"),
    "URL": re.compile(r"https?://\S+|www\.\S+|\b[\w-]+\.(?:com|org|net|io)\b"),
    "MESSAGING_HANDLE": re.compile(r"\b(?:whatsapp|telegram|skype|discord|wechat|viber|signal)\b", re.I),
    "PAYMENT_SERVICE": re.compile(r"\b(?:paypal|venmo|cash ?app|zelle|western union|payoneer|revolut|wise)\b", re.I),
    "BANK_ACCOUNT": re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){3,7}"),
    "CARD_NUMBER": re.compile(r"\b(?:\d[ -]?){15}\d\b"),
    "CRYPTO_ADDRESS": re.compile(r"\b(?:bc1|[13])[a-zA-HJ-NP-Z0-9]{25,39}\b|\b0x[0-9a-fA-F]{40}\b"),
}


def naive_categories(text: str) -> set[str]:
    found = {c for c, p in NAIVE.items() if p.search(text)}
    if "CARD_NUMBER" in found:
        found.discard("PHONE")
    return found


# --- measuring -------------------------------------------------------------------------------------

def load(split: str, path: Path = CORPUS) -> list[dict]:
    items = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return [x for x in items if split == "all" or x.get("split") == split]


def score(items: list[dict], predict) -> dict[str, dict[str, float]]:
    """Per category (and pooled contact/payment): tp, fp, fn, precision, recall."""
    tp, fp, fn = Counter(), Counter(), Counter()
    for x in items:
        got, want = predict(x), set(x["labels"])
        for c in got & want:
            tp[c] += 1
        for c in got - want:
            fp[c] += 1
        for c in want - got:
            fn[c] += 1
    from idverify.screening.findings import CONTACT, PAYMENT

    rows = {}
    for name, members in [(c, {c}) for c in sorted(set(tp) | set(fp) | set(fn))] + [("contact", CONTACT),
                                                                                    ("payment", PAYMENT)]:
        t = sum(tp[c] for c in members)
        p_ = sum(fp[c] for c in members)
        n = sum(fn[c] for c in members)
        if t + p_ + n == 0:
            continue
        rows[name] = {"tp": t, "fp": p_, "fn": n, "precision": t / (t + p_) if t + p_ else 1.0,
                      "recall": t / (t + n) if t + n else 1.0}
    return rows


def misses(items: list[dict], predict, limit: int = 12) -> list[str]:
    """Labelled categories missed and categories found that were not labelled (ids, not texts)."""
    out = []
    for x in items:
        got, want = predict(x), set(x["labels"])
        for c in sorted(want - got):
            out.append(f"{x['id']} missed {c} ({x['disguise']})")
        for c in sorted(got - want):
            out.append(f"{x['id']} false {c}")
    return out[:limit]


def print_scores(entry: dict) -> None:
    """One set's per-category table (ours beside the naive peer) and its errors."""
    for name, row in entry["screener"].items():
        peer = entry["naive"].get(name)
        peer_text = f"{peer['precision']:.3f} / {peer['recall']:.3f}" if peer else "-"
        print(f"{name:22s} {row['precision']:6.3f} {row['recall']:6.3f} {row['tp']:4d} {row['fp']:3d} "
              f"{row['fn']:3d}   {peer_text}")
    for line in entry["errors"]:
        print("  ", line)


def throughput(screener, texts: list[str], repeats: int) -> float:
    for t in texts:
        screener.screen_message(t)
    runs = []
    for _ in range(repeats):
        start = time.process_time()
        for t in texts:
            screener.screen_message(t)
        runs.append(time.process_time() - start)
    return len(texts) / statistics.median(runs)


def grpc_throughput(screener, texts: list[str], calls: int) -> float:
    import grpc

    from idverify.app import Application, Dependencies
    from idverify.config import Config, ServerSettings
    from idverify.screening.v1 import screening_service_pb2 as pb
    from idverify.screening.v1 import screening_service_pb2_grpc as pb_grpc
    from idverify.server.app import create_server

    config = Config(server=ServerSettings(port=0))
    deps = Dependencies(config=config, screener=screener)
    running, port = create_server(config, Application(deps))
    running.start()
    channel = grpc.insecure_channel(f"127.0.0.1:{port}")
    stub = pb_grpc.ScreeningServiceStub(channel)
    requests = [pb.ScreenMessageRequest(text=texts[i % len(texts)]) for i in range(calls)]
    for r in requests[:50]:
        stub.ScreenMessage(r, timeout=10)
    try:
        start = time.perf_counter()
        with ThreadPoolExecutor(4) as pool:
            list(pool.map(lambda r: stub.ScreenMessage(r, timeout=30), requests))
        return calls / (time.perf_counter() - start)
    finally:
        channel.close()
        running.stop(0).wait()
        deps.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="heldout", choices=["heldout", "tune", "all"])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--grpc-calls", type=int, default=2000)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--extra", type=Path, action="append", default=[],
                        help="another hand-written set of messages (JSONL, the fresh sets' format) to score")
    args = parser.parse_args(argv)

    from idverify.screening import Screener

    started = time.perf_counter()
    screener = Screener.build()
    build_seconds = time.perf_counter() - started
    floor = screener.policy.min_confidence

    def ours(x: dict) -> set[str]:
        result = (screener.screen_message(x["text"]) if x["kind"] == "message"
                  else screener.screen_profile(x["title"], x["description"], x["skills"]))
        return {f.category for f in result.findings if f.confidence >= floor}

    def naive(x: dict) -> set[str]:
        return naive_categories(x["text"] if x["kind"] == "message" else " ".join(
            [x["title"], x["description"], ", ".join(x["skills"])]))

    items = load(args.split)
    report: dict = {"split": args.split, "build_seconds": round(build_seconds, 2)}
    for kind in ("message", "profile"):
        subset = [x for x in items if x["kind"] == kind]
        report[kind] = {"items": len(subset), "screener": score(subset, ours), "naive": score(subset, naive),
                        "errors": misses(subset, ours)}
        print(f"\n{kind}s ({len(subset)} items, split {args.split})")
        print(f"{'category':22s} {'P':>6s} {'R':>6s} {'tp':>4s} {'fp':>3s} {'fn':>3s}   naive P / R")
        print_scores(report[kind])

    sets = [("fresh", FRESH, "first fresh set, hand-written"), ("fresh2", FRESH2, "second fresh set, hand-written")]
    sets += [(path.stem, path, f"extra set {path}") for path in args.extra]
    for key, path, what in sets:
        fresh = load("all", path)
        report[key] = {"items": len(fresh), "screener": score(fresh, ours), "naive": score(fresh, naive),
                       "errors": misses(fresh, ours, limit=40)}
        print(f"\n{what} ({len(fresh)} messages)")
        print_scores(report[key])

    messages = [x["text"] for x in load("all") if x["kind"] == "message" and len(x["text"].encode()) < 1024]
    clean = [x["text"] for x in load("all") if x["kind"] == "message" and not x["labels"]]
    report["throughput"] = {
        "messages": len(messages),
        "in_process_per_cpu_second": round(throughput(screener, messages, args.repeats)),
        "clean_only_per_cpu_second": round(throughput(screener, clean, args.repeats)),
        "naive_per_cpu_second": round(_naive_throughput(messages, args.repeats)),
        "grpc_calls_per_second_4_clients": round(grpc_throughput(screener, messages, args.grpc_calls)),
    }
    print("\nthroughput:", json.dumps(report["throughput"]))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    return 0


def _naive_throughput(texts: list[str], repeats: int) -> float:
    runs = []
    for _ in range(repeats):
        start = time.process_time()
        for t in texts:
            naive_categories(t)
        runs.append(time.process_time() - start)
    return len(texts) / statistics.median(runs)


if __name__ == "__main__":
    sys.exit(main())
