"""Screening with linking on and off (issue 18, item 3): what recording a sender's posted
contact and payment details, and a profile's text fingerprint, costs per screened item.

    PYTHONPATH=$PWD nice -n 10 python benchmarks/bench_screening_links.py [--accounts 6000] [--repeats 3]

In one process (one core), through the application use case (``Screening.screen_message`` /
``screen_profile``) over a linker on a fresh SQLite file with ``--accounts`` registered
accounts (a phone, an e-mail and a device each; a tenth of the corpus's fictitious phone
numbers and e-mails are some account's registered value, so some posted details match).
Messages: every message of ``tests/data/screening_corpus.jsonl`` (1,400, all under 1 kB; 55%
carry a violation, 27% a detail the linker keys), sender and recipient registered accounts. Three
runs side by side, each a median of ``--repeats`` passes after a warm-up pass:

- off: ``[screening] link_posted_details = false`` (screening only);
- on, first time: every pass has new senders, so each detail is a new row (a write
  transaction, and a re-link check when it matches another account);
- on, again: the same senders and messages again (re-screening adds nothing: reads only).

Profiles: the corpus's 420 profiles and job posts, off and on (fingerprint, candidate lookup,
one write). CPU seconds by ``time.process_time`` (items per CPU second, i.e. per core) and
wall-clock seconds (SQLite commits wait on the disk).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "data" / "screening_corpus.jsonl"
KEY = "bench-screening-links-hash-key-0123456789"


def _passes(run, repeats: int) -> tuple[float, float]:
    """Median CPU and wall seconds of ``run(i)`` over passes 1..repeats (pass 0 warms up)."""
    run(0)
    cpu, wall = [], []
    for i in range(1, repeats + 1):
        c, w = time.process_time(), time.perf_counter()
        run(i)
        cpu.append(time.process_time() - c)
        wall.append(time.perf_counter() - w)
    return statistics.median(cpu), statistics.median(wall)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=6000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)

    from idverify.app import Dependencies, Screening
    from idverify.config import Config
    from idverify.screening import Screener, ScreeningSettings
    from linker.engine import Linker
    from linker.settings import LinkerSettings
    from linker.v1 import linking_service_pb2 as pb

    items = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines()]
    messages = [x["text"] for x in items if x["kind"] == "message"]
    profiles = [x for x in items if x["kind"] != "message"]
    screener = Screener.build()
    rng = random.Random(18)
    with tempfile.TemporaryDirectory() as tmp:
        settings = LinkerSettings(enabled=True, hash_key=KEY, seal_key="be4c" * 16)
        linker = Linker.open(settings, str(Path(tmp) / "links.sqlite3"))
        found = [f for t in messages for f in screener.screen_message(t).findings if f.category in ("PHONE", "EMAIL")]
        shared = {f.value for f in found if rng.random() < 0.1}
        senders = args.accounts - len(shared)
        for i in range(args.accounts):
            signals = [linker.hasher.prepare(pb.SIGNAL_TYPE_DEVICE_ID, f"device-{i}")]
            value = shared.pop() if shared and i >= senders else ""
            if value.startswith("+"):
                try:
                    signals.append(linker.hasher.prepare(pb.SIGNAL_TYPE_PHONE, value))
                except Exception:  # a possible but invalid number: not registrable
                    pass
            elif value:
                signals.append(linker.hasher.prepare(pb.SIGNAL_TYPE_EMAIL, value))
            linker.register(f"acct-{i}", pb.ACCOUNT_KIND_FREELANCER, signals)

        def use_case(link: bool) -> Screening:
            config = Config(screening=replace(ScreeningSettings(), link_posted_details=link, link_profile_text=link))
            return Screening(Dependencies(config=config, screener=screener, linker=linker))

        off, on = use_case(False), use_case(True)
        per_pass = len(messages)
        if per_pass * (args.repeats + 1) > senders:
            print(f"need at least {per_pass * (args.repeats + 1)} accounts for fresh senders", file=sys.stderr)
            return 2

        def screen(case: Screening, offset):
            def run(i: int) -> None:
                for j, text in enumerate(messages):
                    case.screen_message(text, sender_account_id=f"acct-{offset(i) * per_pass + j}",
                                        recipient_account_id=f"acct-{senders - 1 - j}", kind="chat")
            return run

        with_findings = sum(on.screen_message(t, sender_account_id="acct-0", kind="chat", dry_run=True).result.findings != ()
                     for t in messages)
        rows = {
            "off": _passes(screen(off, lambda i: i), args.repeats),
            "on, first time": _passes(screen(on, lambda i: i), args.repeats),
            "on, again": _passes(screen(on, lambda i: 1), args.repeats),
        }
        details = sum(len(linker.store.posted_of(f"acct-{j}")) > 0 for j in range(per_pass * (args.repeats + 1)))

        def profile_run(case: Screening):
            def run(i: int) -> None:
                for j, x in enumerate(profiles):
                    case.screen_profile(x["title"], x["description"], x["skills"],
                                        account_id=f"acct-{(i * len(profiles) + j) % senders}")
            return run

        profile_rows = {"off": _passes(profile_run(off), args.repeats), "on": _passes(profile_run(on), args.repeats)}
        linker.close()
    print(f"{len(messages)} messages ({with_findings} with findings), {args.accounts} accounts, "
          f"{details} senders with posted details; median of {args.repeats}")
    print("| messages | per CPU second | CPU us / message | wall us / message |")
    print("|---|---|---|---|")
    for name, (cpu, wall) in rows.items():
        print(f"| {name} | {per_pass / cpu:,.0f} | {cpu / per_pass * 1e6:,.0f} | {wall / per_pass * 1e6:,.0f} |")
    print(f"| profiles ({len(profiles)}) | per CPU second | CPU us / profile | wall us / profile |")
    for name, (cpu, wall) in profile_rows.items():
        print(f"| {name} | {len(profiles) / cpu:,.0f} | {cpu / len(profiles) * 1e6:,.0f} | "
              f"{wall / len(profiles) * 1e6:,.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
