"""Benchmark: MRZ field accuracy and seconds per document, idverify vs PassportEye, side by side.

Generated documents (TD3 passport pages and TD1 card backs, alternating) at each degradation
level, and the real specimens in ../shared/documents (truth.json). For every document both
readers get the same image (the one holding the MRZ); nine MRZ fields are scored exactly
(document type, issuing state, surname, given names, number, nationality, birth date, expiry
date, sex). Times are wall-clock medians per document on this (shared, noisy) machine; the
generator's time is not counted.

    PYTHONPATH=. /work/venv/bin/python benchmarks/bench_documents.py --n 200 --pe-n 40

PassportEye is a benchmark-only extra (``pip install passporteye``); ``--pe-n 0`` skips it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import statistics
import sys
import time
import warnings
from pathlib import Path

from idverify.docgen import generate_document
from idverify.documents import DocumentSettings, build_document_reader, read_document

FIELDS = ("document_type", "issuing_country", "surname", "given_names", "document_number", "nationality", "birth_date", "expiry_date", "sex")


VIZ_FIELDS = ("surname", "document_number", "birth_date", "expiry_date")
VIZ_TALLY = {"right": 0, "read": 0, "expected": 0}


def _viz_tally(resp, truth) -> None:
    """Printed fields read by label, scored against the generator's truth (viz=always)."""
    from idverify.documents.mrz import transliterate
    from idverify.v1 import verification_service_pb2 as pb

    values = {f.field: f.value for f in resp.fields if f.source == pb.FIELD_SOURCE_VIZ}
    expected = {"surname": transliterate(truth.surname), "document_number": truth.document_number,
                "birth_date": truth.birth_date.isoformat(), "expiry_date": truth.expiry_date.isoformat()}
    for name in VIZ_FIELDS:
        VIZ_TALLY["expected"] += 1
        if name in values:
            VIZ_TALLY["read"] += 1
            got = transliterate(values[name]) if name == "surname" else values[name]
            VIZ_TALLY["right"] += got == expected[name]


def _ours(reader, images, today, truth=None) -> tuple[dict, float]:
    t = time.perf_counter()
    resp = read_document(images, reader, today=today)
    elapsed = time.perf_counter() - t
    if truth is not None and reader.settings.viz == "always":
        _viz_tally(resp, truth)
    d = resp.document
    if not d.mrz_lines:
        return {}, elapsed
    iso = lambda s: s[2:4] + s[5:7] + s[8:10] if len(s) == 10 else ""  # noqa: E731
    return {
        "document_type": d.document_type, "issuing_country": d.issuing_country, "surname": d.surname,
        "given_names": d.given_names, "document_number": d.document_number, "nationality": d.nationality,
        "birth_date": iso(d.birth_date), "expiry_date": iso(d.expiry_date), "sex": d.sex,
    }, elapsed


def _passporteye(data: bytes) -> tuple[dict, float]:
    from passporteye import read_mrz

    t = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            mrz = read_mrz(io.BytesIO(data))
        except Exception:  # a benchmark of a third-party reader: count any failure as no read
            mrz = None
    elapsed = time.perf_counter() - t
    if mrz is None:
        return {}, elapsed
    m = mrz.to_dict()
    clean = lambda s: " ".join((s or "").replace("<", " ").split())  # noqa: E731
    return {
        "document_type": (m.get("type") or "").replace("<", ""), "issuing_country": (m.get("country") or "").replace("<", ""),
        "surname": clean(m.get("surname")), "given_names": clean(m.get("names")),
        "document_number": (m.get("number") or "").replace("<", ""), "nationality": (m.get("nationality") or "").replace("<", ""),
        "birth_date": m.get("date_of_birth") or "", "expiry_date": m.get("expiration_date") or "",
        "sex": {"<": "X"}.get(m.get("sex") or "", m.get("sex") or ""),
    }, elapsed


def _score(got: dict, truth: dict) -> int:
    return sum(got.get(f) == truth[f] for f in FIELDS)


def _generated_truth(t) -> dict:
    return {
        "document_type": t.document_type, "issuing_country": t.issuing_country, "surname": t.mrz_surname,
        "given_names": t.mrz_given_names, "document_number": t.document_number, "nationality": t.nationality,
        "birth_date": t.birth_date.strftime("%y%m%d"), "expiry_date": t.expiry_date.strftime("%y%m%d"), "sex": t.sex,
    }


def _shared_truth(t: dict) -> dict:
    return {f: t[f] for f in FIELDS}


class Tally:
    def __init__(self) -> None:
        self.right = self.total = self.perfect = self.docs = 0
        self.times: list[float] = []

    def add(self, got: dict, truth: dict, seconds: float) -> None:
        s = _score(got, truth)
        self.right += s
        self.total += len(FIELDS)
        self.perfect += s == len(FIELDS)
        self.docs += 1
        self.times.append(seconds)

    def row(self) -> str:
        if not self.docs:
            return "| - | - | - |"
        return (f"| {100.0 * self.right / self.total:.2f}% | {self.perfect}/{self.docs} | "
                f"{statistics.median(self.times):.3f} |")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=200, help="generated documents per level (idverify)")
    p.add_argument("--pe-n", type=int, default=40, help="of those, how many PassportEye also reads (it takes ~2.5 s each)")
    p.add_argument("--levels", default="clean,mild,strong")
    p.add_argument("--shared", default=str(Path(__file__).resolve().parents[2] / "shared" / "documents"))
    p.add_argument("--seed", type=int, default=1000, help="first generator seed")
    p.add_argument("--viz", default="fallback", choices=["always", "fallback", "never"], help="printed-field reading mode for idverify")
    p.add_argument("--failures", action="store_true", help="print every document idverify gets wrong")
    args = p.parse_args(argv)
    today = dt.date.today()
    reader = build_document_reader(DocumentSettings(viz=args.viz))
    rows = []
    for level in args.levels.split(","):
        ours, ours_on_pe, pe = Tally(), Tally(), Tally()
        for i in range(args.n):
            kind = "td3" if i % 2 == 0 else "td1"
            g = generate_document(args.seed + i, kind=kind, level=level, today=today)
            truth = _generated_truth(g.truth)
            got, secs = _ours(reader, g.images, today, g.truth)
            ours.add(got, truth, secs)
            if args.failures and _score(got, truth) < len(FIELDS):
                print(f"  {level} seed={args.seed + i} {kind}: wrong " + ", ".join(f for f in FIELDS if got.get(f) != truth[f]), file=sys.stderr)
            if i < args.pe_n:
                ours_on_pe.add(got, truth, secs)
                pe_got, pe_secs = _passporteye(g.images[-1])
                pe.add(pe_got, truth, pe_secs)
        rows.append((f"generated {level}", ours, ours_on_pe, pe))
        print(f"{level}: idverify {ours.row()} PassportEye {pe.row()}", file=sys.stderr)
    shared = Path(args.shared)
    if (shared / "truth.json").is_file():
        ours, pe = Tally(), Tally()
        truth_all = json.loads((shared / "truth.json").read_text())["documents"]
        for name, t in truth_all.items():
            data = (shared / name).read_bytes()
            got, secs = _ours(reader, [data], today)
            ours.add(got, _shared_truth(t), secs)
            if args.failures and _score(got, _shared_truth(t)) < len(FIELDS):
                print(f"  shared {name}: wrong " + ", ".join(f for f in FIELDS if got.get(f) != t[f]), file=sys.stderr)
            if args.pe_n:
                pe_got, pe_secs = _passporteye(data)
                pe.add(pe_got, _shared_truth(t), pe_secs)
        rows.append(("../shared/documents (real)", ours, ours, pe))
    print(f"\nMRZ fields exact (9 per document), documents with every field right, median seconds per document; "
          f"idverify viz={args.viz}, n={args.n} per level, PassportEye on the first {args.pe_n}.\n")
    if VIZ_TALLY["expected"]:
        v = VIZ_TALLY
        print(f"Printed fields by label (surname, number, birth, expiry) on generated documents: "
              f"{v['read']}/{v['expected']} read, {v['right']}/{v['expected']} exactly right.\n")
    print("| set | idverify fields | idverify all-right | idverify s/doc | idverify on PE subset | PassportEye fields | PassportEye all-right | PassportEye s/doc |")
    print("|---|---|---|---|---|---|---|---|")
    for name, ours, subset, pe in rows:
        sub = f"{100.0 * subset.right / subset.total:.2f}%" if subset.total else "-"
        print(f"| {name} {ours.row()} {sub} {pe.row()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
