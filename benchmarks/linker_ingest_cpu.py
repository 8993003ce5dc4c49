"""CPU seconds per account of batch ingest (``Linker.register_many``, batches of 256) on
``bench_linker.py``'s generated accounts, for comparing checkouts side by side on a loaded
machine (CPU time, unlike wall time, does not count the time other processes hold the cores).

    cd <checkout> && PYTHONPATH=$PWD python <this checkout>/benchmarks/linker_ingest_cpu.py 3000

It imports ``bench_linker`` and ``linker`` from the current checkout, so an older commit runs
its own code; ``--profile`` prints the top functions by CPU time.
"""

from __future__ import annotations

import cProfile
import inspect
import os
import pstats
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.getcwd(), "benchmarks"))

import bench_linker  # noqa: E402  (the checkout's own, found through the current directory)

from linker.engine import Linker, Registration  # noqa: E402
from linker.settings import LinkerSettings  # noqa: E402
from linker.signals import SignalHasher  # noqa: E402
from linker.store import open_store  # noqa: E402


def main(argv: list[str]) -> int:
    n = int(argv[1]) if len(argv) > 1 else 3000
    accounts, _ = bench_linker.generate(n, 7)
    kwargs = {}
    if "sealer" in inspect.signature(Linker.__init__).parameters:
        from linker.sealing import Sealer

        kwargs["sealer"] = Sealer(bytes(range(32, 64)))
    with tempfile.TemporaryDirectory() as tmp:
        linker = Linker(open_store(os.path.join(tmp, "ingest.sqlite3")), SignalHasher(bytes(range(32))),
                        LinkerSettings(hash_key="00" * 32), **kwargs)
        profile = cProfile.Profile(time.process_time) if "--profile" in argv else None
        c0, w0 = time.process_time(), time.perf_counter()
        if profile:
            profile.enable()
        for start in range(0, n, 256):
            linker.register_many([Registration(a.account_id, a.kind, linker.prepare(bench_linker.messages(a.signals)),
                                               a.owner) for a in accounts[start : start + 256]])
        if profile:
            profile.disable()
        cpu, wall = time.process_time() - c0, time.perf_counter() - w0
        linker.close()
    print(f"{os.getcwd()}: {n} accounts, {1000 * cpu / n:.2f} ms CPU per account ({n / cpu:.0f} per CPU second), "
          f"{n / wall:.0f}/s wall")
    if profile:
        pstats.Stats(profile).sort_stats("cumulative").print_stats(30)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
