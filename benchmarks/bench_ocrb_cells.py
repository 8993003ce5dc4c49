"""Benchmark: per-character accuracy of the OCR-B cell classifier against Tesseract on MRZ
lines of held-out generated documents (issue 16, item 2).

The same located lines, cut on the same grid, are read by both: Tesseract the way the reader's
first read does (``read_zone`` "otsu": fillers by OCR-B templates, the rest by Tesseract's eng
model) and the classifier (``documents/mrz/ocrb_cells.py``). Seeds differ from the training
seeds (700000-701599); documents alternate TD3/TD1 and are not scrambled. CPU seconds per line
are this process's, medians.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_ocrb_cells.py --n 40 --levels clean,strong,phone
"""

from __future__ import annotations

import argparse
import statistics
import time

from idverify.docgen.ocrb_cells import document_lines
from idverify.documents.mrz.ocr import read_zone
from idverify.documents.mrz.ocrb_cells import CellClassifier
from idverify.documents.tesseract import CtypesEngine


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=40, help="documents per level")
    p.add_argument("--levels", default="clean,strong,phone")
    p.add_argument("--seed", type=int, default=1000, help="first generator seed")
    a = p.parse_args()
    engine, clf = CtypesEngine(threads=1), CellClassifier()
    print("| level | lines | characters | Tesseract (reader's first read) | classifier | letters T / C | digits T / C | fillers T / C | CPU ms/line T / C |")
    print("|---|---|---|---|---|---|---|---|---|")
    for level in a.levels.split(","):
        hits = {"t": {}, "c": {}}
        cpu_t, cpu_c, nlines = [], [], 0
        for i in range(a.n):
            got = document_lines(a.seed + i, ("td3", "td1")[i % 2], level)
            if got is None:
                continue
            view, zone, truth = got
            t0 = time.process_time()
            tess = read_zone(engine, view, zone, ("otsu",))["otsu"]
            t1 = time.process_time()
            cls = clf.read_lines(view, zone.lines)
            t2 = time.process_time()
            cpu_t.append((t1 - t0) / len(truth))
            cpu_c.append((t2 - t1) / len(truth))
            nlines += len(truth)
            for line, tr, cr in zip(truth, tess, cls):
                for k, ch in enumerate(line):
                    group = "fillers" if ch == "<" else "digits" if ch.isdigit() else "letters"
                    for who, got_ch in (("t", tr.text[k]), ("c", cr.text[k])):
                        ok, n = hits[who].get(group, (0, 0))
                        hits[who][group] = (ok + (got_ch == ch), n + 1)

        def pct(who: str, groups: tuple[str, ...] = ("letters", "digits", "fillers")) -> str:
            ok = sum(hits[who].get(g, (0, 0))[0] for g in groups)
            n = sum(hits[who].get(g, (0, 0))[1] for g in groups)
            return f"{100 * ok / max(1, n):.2f}%"

        chars = sum(n for _, n in hits["t"].values())
        print(f"| {level} | {nlines} | {chars} | {pct('t')} | {pct('c')} | "
              + " | ".join(f"{pct('t', (g,))} / {pct('c', (g,))}" for g in ("letters", "digits", "fillers"))
              + f" | {1000 * statistics.median(cpu_t):.1f} / {1000 * statistics.median(cpu_c):.1f} |", flush=True)


if __name__ == "__main__":
    main()
