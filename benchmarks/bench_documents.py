"""Benchmark: MRZ field accuracy and CPU seconds per document, per Tesseract engine, and
PassportEye, side by side.

Generated documents (TD3 passport pages and TD1 card backs, alternating) at each degradation
level, and the real specimens in ../shared/documents (truth.json). Every engine reads the same
images through the whole ``read_document``: the in-process engines of
``idverify.documents.tesseract`` and pytesseract (the peer: one ``tesseract`` process per call,
defined here because it is a benchmark-only extra). PassportEye gets the image holding the MRZ.
Nine MRZ fields are scored exactly (document type, issuing state, surname, given names, number,
nationality, birth date, expiry date, sex), per field and as documents with all nine right;
printed fields (viz=always) are scored on generated documents, per printed-field OCR
(``--viz-engines rapidocr,tesseract``: one reader each, the CPU seconds of the pass itself). Speed is CPU seconds per
document (this process's threads plus waited-for child processes, so pytesseract's ``tesseract``
runs count), medians, since wall time on the shared machine is noisy; wall medians are printed
beside them. The generator's time is not counted.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_documents.py --n 20 --pe-n 0 --viz always

pytesseract and PassportEye are benchmark-only extras (``pip install .[bench]``); an engine
whose package is missing is skipped with a note; ``--pe-n 0`` skips PassportEye.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import html
import io
import json
import os
import re
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from idverify.docgen import generate_document
from idverify.documents import DocumentSettings, read_document
from idverify.documents.mrz.ocrb_cells import CellClassifier
from idverify.documents.reader import DocumentReader, build_printed_field_reader
from idverify.documents import tesseract as tess
from idverify.errors import Unavailable

FIELDS = ("document_type", "issuing_country", "surname", "given_names", "document_number", "nationality", "birth_date", "expiry_date", "sex")
VIZ_FIELDS = ("surname", "document_number", "birth_date", "expiry_date")


class PytesseractEngine(tess.TesseractEngine):
    """The peer: pytesseract runs the ``tesseract`` command once per call (process start and
    model load every time), with the same settings as the in-process engines."""

    _CHAR = re.compile(r"<span class='ocrx_cinfo' title='x_bboxes (\d+) (\d+) (\d+) (\d+); x_conf ([\d.]+)'>([^<]*)</span>")

    def __init__(self, threads: int = 2) -> None:
        try:
            import pytesseract
        except ImportError as exc:
            raise Unavailable("pytesseract is not installed", reason="OCR_UNAVAILABLE") from exc
        self._pt = pytesseract
        super().__init__(threads)

    def _open(self) -> Any:
        return None  # nothing to keep: every call starts its own process

    def _config(self, psm: int, whitelist: str, extra: dict[str, str]) -> str:
        variables = {**tess.INIT_VARIABLES, **tess.RUNTIME_VARIABLES, "tessedit_char_whitelist": whitelist, **extra}
        # pytesseract splits the config with shlex: quote the whitelist's ' and <.
        return f"--oem {tess.OEM_LSTM} --psm {psm} " + " ".join(f"-c {k}={_shquote(v)}" for k, v in variables.items())

    def _recognise(self, handle: Any, gray: np.ndarray, psm: int, whitelist: str, level: tess.Level) -> list[tess.Item]:
        from PIL import Image

        img = Image.fromarray(gray)
        if level == "symbol":
            hocr = self._pt.image_to_pdf_or_hocr(img, extension="hocr", config=self._config(psm, whitelist, {"hocr_char_boxes": "1"}))
            return [(html.unescape(t), float(c), (int(l), int(tp), int(r), int(b)))
                    for l, tp, r, b, c, t in self._CHAR.findall(hocr.decode("utf-8", "replace"))]
        data = self._pt.image_to_data(img, config=self._config(psm, whitelist, {}), output_type=self._pt.Output.DICT)
        return [(t, float(c), (x, y, x + w, y + h))
                for t, c, x, y, w, h in zip(data["text"], data["conf"], data["left"], data["top"], data["width"], data["height"])
                if str(t).strip() and float(c) >= 0]

    def _close(self, handle: Any) -> None:
        pass


def _shquote(v: str) -> str:
    import shlex

    return shlex.quote(v) if v else "''"


#: The engines compared, by name: how to build each.
ENGINES: dict[str, Callable[[], tess.TesseractEngine]] = {
    "ctypes": tess.CtypesEngine,
    "tesserocr": tess.TesserocrEngine,
    "pytesseract": PytesseractEngine,
}


#: Stages whose CPU seconds the benchmark counts, by the reader's function that runs each.
_STAGE_FUNCTIONS = {"decode": "decode_image", "locate": "locate_document", "mrz": "read_mrz", "barcode": "decode_pdf417",
                    "portrait": "detect_faces", "viz": "read_viz"}
#: CPU seconds per stage of the document being read (filled by the wrappers of _count_stage_cpu).
_STAGE_CPU: dict[str, float] = {}


def _count_stage_cpu() -> None:
    """Wrap the reader's stage functions to add their CPU seconds (all threads: the benchmark
    reads one document at a time) to _STAGE_CPU. The responses' own timings are wall time,
    which the other processes on a shared machine inflate."""
    from idverify.documents import reader as reader_module

    def timed(stage: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def run(*args: Any, **kwargs: Any) -> Any:
            c = _cpu()
            try:
                return fn(*args, **kwargs)
            finally:
                _STAGE_CPU[stage] = _STAGE_CPU.get(stage, 0.0) + _cpu() - c
        return run

    for stage, name in _STAGE_FUNCTIONS.items():
        # The printed fields are a reader object now (reader.printed_fields()), no module
        # function: TimedPrinted counts them (see _ours).
        if hasattr(reader_module, name):
            setattr(reader_module, name, timed(stage, getattr(reader_module, name)))


def _cpu() -> float:
    """CPU seconds of this process (all threads) and of its waited-for children."""
    t = os.times()
    return time.process_time() + t.children_user + t.children_system


class Tally:
    """Per-set results of one reader: MRZ fields exact, per field and per document; seconds."""

    def __init__(self) -> None:
        self.right = self.total = self.perfect = self.docs = 0
        self.per_field = dict.fromkeys(FIELDS, 0)
        self.cpu: list[float] = []
        self.wall: list[float] = []
        self.viz = {"right": 0, "read": 0, "expected": 0, "docs_right": 0, "docs": 0}
        #: Genuine documents reported MRZ_VIZ_MISMATCH (every benchmark document is genuine).
        self.false_mismatch = 0
        #: Documents reported MRZ_UNCERTAIN, by whether an MRZ field was in fact wrong.
        self.uncertain = {"fields wrong": 0, "all right": 0}
        #: Documents with an MRZ field wrong whose response gives no reason to doubt the read
        #: (none but the content's own: expiry, age): a silent misread.
        self.silent = 0
        self.last_reasons: list[str] = []  # of the document read last, for --failures
        self.mismatch_notes: list[str] = []  # field names and scores only: no document contents
        self.stages: dict[str, list[float]] = {}  # stage -> wall milliseconds per document (response timings)
        self.viz_cpu: list[float] = []  # CPU seconds of the printed-field pass per document
        self.stage_cpu: dict[str, list[float]] = {}  # stage -> CPU milliseconds per document (0 when not run)

    def add(self, got: dict, truth: dict, cpu: float, wall: float) -> None:
        hits = [f for f in FIELDS if got.get(f) == truth[f]]
        for f in hits:
            self.per_field[f] += 1
        self.right += len(hits)
        self.total += len(FIELDS)
        self.perfect += len(hits) == len(FIELDS)
        self.docs += 1
        self.cpu.append(cpu)
        self.wall.append(wall)

    def merge(self, other: Tally) -> None:
        self.right += other.right
        self.total += other.total
        self.perfect += other.perfect
        self.docs += other.docs
        for f in FIELDS:
            self.per_field[f] += other.per_field[f]
        self.cpu += other.cpu
        self.wall += other.wall
        for k in self.viz:
            self.viz[k] += other.viz[k]
        self.false_mismatch += other.false_mismatch
        self.silent += other.silent
        for k, v in other.stages.items():
            self.stages.setdefault(k, []).extend(v)
        self.viz_cpu += other.viz_cpu
        for k, v in other.stage_cpu.items():
            self.stage_cpu.setdefault(k, []).extend(v)

    def cells(self) -> str:
        if not self.docs:
            return "- | - | - | - | - | -"
        cpu = f"{statistics.median(self.cpu):.3f}" if self.cpu else "-"
        return (f"{100.0 * self.right / self.total:.2f}% | {self.perfect}/{self.docs} | {self.false_mismatch}/{self.docs} | {cpu} | "
                f"{statistics.median(self.wall):.3f} | {self.silent}/{self.docs}")


def _viz_tally(tally: Tally, resp, truth) -> None:
    """Printed fields read by label, scored against the generator's truth (viz=always)."""
    from idverify.documents.mrz import transliterate
    from idverify.v1 import verification_service_pb2 as pb

    from anyascii import anyascii

    values = {f.field: f.value for f in resp.fields if f.source == pb.FIELD_SOURCE_VIZ}
    # The printed surname is the truth's spelling (MÜLLER), not the MRZ's transliteration
    # (MUELLER); it is scored with its diacritics folded (MULLER), which the MRZ cannot tell.
    fold = lambda s: anyascii(s).upper()  # noqa: E731
    expected = {"surname": fold(truth.surname), "document_number": truth.document_number,
                "birth_date": truth.birth_date.isoformat(), "expiry_date": truth.expiry_date.isoformat()}
    right = 0
    for name in VIZ_FIELDS:
        tally.viz["expected"] += 1
        if name in values:
            tally.viz["read"] += 1
            got = fold(values[name]) if name == "surname" else values[name]
            right += got == expected[name]
    tally.viz["right"] += right
    tally.viz["docs"] += 1
    tally.viz["docs_right"] += right == len(VIZ_FIELDS)


class TimedPrinted:
    """A printed-field reader that records the CPU seconds of each pass (all threads: a page read
    ahead on the helper thread counts what the calling thread did meanwhile too)."""

    def __init__(self, inner) -> None:
        self.inner, self.name, self.last = inner, inner.name, None

    def _timed(self, fn, *args, **kwargs):
        c = _cpu()
        try:
            return fn(*args, **kwargs)
        finally:
            self.last = (self.last or 0.0) + _cpu() - c

    def regions(self, rgb):
        return self._timed(self.inner.regions, rgb)

    def lines(self, rgb, *, regions=None, keep_out=()):
        return self._timed(self.inner.lines, rgb, regions=regions, keep_out=keep_out)

    def fields(self, lines, *, us_dates: bool = False, names=None):
        return self._timed(self.inner.fields, lines, us_dates=us_dates, names=names)

    def read(self, rgb, *, us_dates: bool = False, names=None):
        return self._timed(self.inner.read, rgb, us_dates=us_dates, names=names)


def _ours(reader: DocumentReader, images, today, tally: Tally, truth: dict, gen_truth=None) -> dict:
    if isinstance(reader.printed, TimedPrinted):
        reader.printed.last = None
    _STAGE_CPU.clear()
    t, c = time.perf_counter(), _cpu()
    resp = read_document(images, reader, today=today)
    wall, cpu = time.perf_counter() - t, _cpu() - c
    if isinstance(reader.printed, TimedPrinted) and reader.printed.last is not None:
        tally.viz_cpu.append(reader.printed.last)
        _STAGE_CPU.setdefault("viz", reader.printed.last)
    for stage in _STAGE_FUNCTIONS:
        tally.stage_cpu.setdefault(stage, []).append(1000.0 * _STAGE_CPU.get(stage, 0.0))
    tally.stage_cpu.setdefault("all but viz", []).append(1000.0 * (cpu - _STAGE_CPU.get("viz", 0.0)))
    if gen_truth is not None and reader.settings.viz == "always":
        _viz_tally(tally, resp, gen_truth)
    for timing in resp.timings:
        tally.stages.setdefault(timing.stage, []).append(timing.milliseconds)
    if any(r.code == "MRZ_VIZ_MISMATCH" for r in resp.reasons):
        tally.false_mismatch += 1
        tally.mismatch_notes.append(", ".join(f"{c.field} (similarity {c.similarity:.0f}, confidence {c.other_confidence:.2f})"
                                              for c in resp.comparisons if c.conclusive and not c.agree))
    d = resp.document
    got = {}
    if d.mrz_lines:
        iso = lambda s: s[2:4] + s[5:7] + s[8:10] if len(s) == 10 else ""  # noqa: E731
        got = {
            "document_type": d.document_type, "issuing_country": d.issuing_country, "surname": d.surname,
            "given_names": d.given_names, "document_number": d.document_number, "nationality": d.nationality,
            "birth_date": iso(d.birth_date), "expiry_date": iso(d.expiry_date), "sex": d.sex,
        }
    if any(r.code == "MRZ_UNCERTAIN" for r in resp.reasons):
        tally.uncertain["all right" if all(got.get(f) == truth[f] for f in FIELDS) else "fields wrong"] += 1
    tally.add(got, truth, cpu, wall)
    tally.last_reasons = sorted({r.code for r in resp.reasons} - _CONTENT_REASONS)
    if _wrong(got, truth) and not tally.last_reasons:
        tally.silent += 1
    return got


#: Reasons about what a document says, not about how well it was read.
_CONTENT_REASONS = {"DOCUMENT_EXPIRED", "DOCUMENT_EXPIRING", "UNDERAGE"}


def _passporteye(data: bytes, tally: Tally, truth: dict) -> None:
    from passporteye import read_mrz

    t, c = time.perf_counter(), _cpu()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            mrz = read_mrz(io.BytesIO(data))
        except Exception:  # a benchmark of a third-party reader: count any failure as no read
            mrz = None
    wall, cpu = time.perf_counter() - t, _cpu() - c
    got = {}
    if mrz is not None:
        m = mrz.to_dict()
        clean = lambda s: " ".join((s or "").replace("<", " ").split())  # noqa: E731
        got = {
            "document_type": (m.get("type") or "").replace("<", ""), "issuing_country": (m.get("country") or "").replace("<", ""),
            "surname": clean(m.get("surname")), "given_names": clean(m.get("names")),
            "document_number": (m.get("number") or "").replace("<", ""), "nationality": (m.get("nationality") or "").replace("<", ""),
            "birth_date": m.get("date_of_birth") or "", "expiry_date": m.get("expiration_date") or "",
            "sex": {"<": "X"}.get(m.get("sex") or "", m.get("sex") or ""),
        }
    tally.add(got, truth, cpu, wall)
    tally.silent += bool(_wrong(got, truth))  # PassportEye gives no reasons


def _generated_truth(t) -> dict:
    return {
        "document_type": t.document_type, "issuing_country": t.issuing_country, "surname": t.mrz_surname,
        "given_names": t.mrz_given_names, "document_number": t.document_number, "nationality": t.nationality,
        "birth_date": t.birth_date.strftime("%y%m%d"), "expiry_date": t.expiry_date.strftime("%y%m%d"), "sex": t.sex,
    }


def _load() -> str:
    try:
        with open("/proc/loadavg") as fh:
            return " ".join(fh.read().split()[:3])
    except OSError:
        return "unknown"


def _wrong(got: dict, truth: dict) -> str:
    return ", ".join(f for f in FIELDS if got.get(f) != truth[f])


def _damaged(readers: dict[str, DocumentReader], n: int, seed: int, today: dt.date, failures: bool) -> list[str]:
    """Read ``n`` damaged documents with every engine: how many raised, how many came back
    with no reason although their MRZ read is neither document's truth (a silent misread)."""
    from idverify.docgen.damage import damaged_corpus

    corpus = damaged_corpus(seed, n, today=today)
    out = ["\nDamaged documents (idverify.docgen.damage), per damage: documents, raised, with reasons, "
           "silent misreads (no reason, MRZ fields not the truth), median CPU s:\n",
           "| engine | damage | documents | raised | with reasons | silent misreads | CPU s/doc |", "|---|---|---|---|---|---|---|"]
    for name, reader in readers.items():
        rows: dict[str, list] = {}
        for d in corpus:
            row = rows.setdefault(d.damage, [0, 0, 0, 0, []])
            row[0] += 1
            c = _cpu()
            try:
                resp = read_document(d.images, reader, today=today)
            except Exception as exc:  # what the benchmark counts: any exception is a failure
                row[1] += 1
                print(f"  {name} damaged {d.damage} ({d.description}): raised {type(exc).__name__}", file=sys.stderr)
                continue
            row[4].append(_cpu() - c)
            if resp.reasons:
                row[2] += 1
                continue
            doc = resp.document
            truths = [t for t in (d.truth, d.other_truth) if t is not None]
            if not any(doc.document_number == t.document_number and doc.surname == t.mrz_surname
                       and doc.given_names == t.mrz_given_names and doc.birth_date == t.birth_date.isoformat() for t in truths):
                row[3] += 1
                if failures:
                    print(f"  {name} damaged {d.damage} ({d.description}): silent misread", file=sys.stderr)
        for damage, (docs, raised, reasons, silent, cpu) in rows.items():
            med = f"{statistics.median(cpu):.3f}" if cpu else "-"
            out.append(f"| {name} | {damage} | {docs} | {raised} | {reasons} | {silent} | {med} |")
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=200, help="generated documents per level")
    p.add_argument("--engines", default=",".join(ENGINES), help=f"Tesseract engines to compare, of {', '.join(ENGINES)}")
    p.add_argument("--pe-n", type=int, default=40, help="of the generated documents, how many PassportEye also reads (~2.5 s each)")
    p.add_argument("--levels", default="clean,mild,strong", help="generator levels; 'phone' is the hard photographed set "
                   "(issue 16, item 6: security print, tilt, glare, JPEG, 720 px wide)")
    p.add_argument("--shared", default=str(Path(__file__).resolve().parents[2] / "shared" / "documents"))
    p.add_argument("--seed", type=int, default=1000, help="first generator seed")
    p.add_argument("--viz", default="fallback", choices=["always", "fallback", "never"], help="printed-field reading mode")
    p.add_argument("--viz-engines", default="rapidocr", help="printed-field OCRs to compare (rapidocr, "
                                                             "rapidocr:ppocrv6-tiny, tesseract); "
                   "each is a reader of its own, named engine/viz-engine")
    p.add_argument("--failures", action="store_true", help="print every document an engine gets wrong")
    p.add_argument("--ocrb", default="on", choices=["on", "off", "both"],
                   help="the OCR-B cell classifier's second opinion on the MRZ (both: each engine with and without, "
                        "labelled ENGINE and ENGINE+ocrb)")
    p.add_argument("--damaged", type=int, default=0, help="damaged documents (idverify.docgen.damage) to read, seeds from --seed")
    p.add_argument("--today", type=dt.date.fromisoformat, default=dt.date.today(),
                   help="the day documents are generated and checked on (YYYY-MM-DD; the generator draws birth and "
                        "expiry dates around it, so a seed gives another document on another day)")
    args = p.parse_args(argv)
    import dlib

    _count_stage_cpu()
    today = args.today
    settings = DocumentSettings(viz=args.viz)
    detector = dlib.get_frontal_face_detector()
    readers: dict[str, DocumentReader] = {}
    cells = CellClassifier() if args.ocrb != "off" else None
    viz_engines = args.viz_engines.split(",")
    for name in args.engines.split(","):
        try:
            engine = ENGINES[name]()
        except Unavailable as exc:
            print(f"skipping {name}: {exc}", file=sys.stderr)
            continue
        for viz_engine in viz_engines:
            engine_name, _, models = viz_engine.partition(":")  # rapidocr:ppocrv6-tiny
            s = dataclasses.replace(settings, viz_engine=engine_name, **({"viz_models": models} if models else {}))
            label = name if len(viz_engines) == 1 else f"{name}/{viz_engine}"
            printed = TimedPrinted(build_printed_field_reader(s, engine))
            if args.ocrb in ("off", "both"):
                readers[label] = DocumentReader(engine, detector, s, printed)
            if args.ocrb in ("on", "both"):
                readers[label + ("+ocrb" if args.ocrb == "both" else "")] = DocumentReader(engine, detector, s, printed, cells)
    names = list(readers) + (["PassportEye"] if args.pe_n else [])
    sets: list[tuple[str, dict[str, Tally]]] = []
    for level in args.levels.split(","):
        tallies = {n: Tally() for n in names}
        for i in range(args.n):
            kind = "td3" if i % 2 == 0 else "td1"
            g = generate_document(args.seed + i, kind=kind, level=level, today=today)
            truth = _generated_truth(g.truth)
            for name, reader in readers.items():
                got = _ours(reader, g.images, today, tallies[name], truth, g.truth)
                if args.failures and _wrong(got, truth):
                    print(f"  {name} {level} seed={args.seed + i} {kind}: wrong {_wrong(got, truth)}; "
                          f"reasons {', '.join(tallies[name].last_reasons) or 'none'}", file=sys.stderr)
                if args.failures and tallies[name].mismatch_notes:
                    print(f"  {name} {level} seed={args.seed + i} {kind}: MRZ_VIZ_MISMATCH on {tallies[name].mismatch_notes.pop()}", file=sys.stderr)
            if i < args.pe_n:
                _passporteye(g.images[-1], tallies["PassportEye"], truth)
        sets.append((f"generated {level}", tallies))
        print(f"{level}: " + "; ".join(f"{n} {t.cells()}" for n, t in tallies.items()), file=sys.stderr)
    shared = Path(args.shared)
    if (shared / "truth.json").is_file():
        tallies = {n: Tally() for n in names}
        truth_all = json.loads((shared / "truth.json").read_text())["documents"]
        for doc, t in truth_all.items():
            data = (shared / doc).read_bytes()
            truth = {f: t[f] for f in FIELDS}
            for name, reader in readers.items():
                got = _ours(reader, [data], today, tallies[name], truth)
                if args.failures and _wrong(got, truth):
                    print(f"  {name} shared {doc}: wrong {_wrong(got, truth)}; "
                          f"reasons {', '.join(tallies[name].last_reasons) or 'none'}", file=sys.stderr)
                if args.failures and tallies[name].mismatch_notes:
                    print(f"  {name} shared {doc}: MRZ_VIZ_MISMATCH on {tallies[name].mismatch_notes.pop()}", file=sys.stderr)
            if args.pe_n:
                _passporteye(data, tallies["PassportEye"], truth)
        sets.append(("../shared/documents (real)", tallies))
    damaged_lines = _damaged(readers, args.damaged, args.seed, today, args.failures) if args.damaged else []
    for engine in {id(r.engine): r.engine for r in readers.values()}.values():
        engine.close()

    print(f"\nMRZ fields exact (9 per document), documents with all nine right, median CPU and wall seconds "
          f"per document; viz={args.viz}, n={args.n} per level, PassportEye on the first {args.pe_n}; "
          f"documents of {today.isoformat()}; load average at the end: {_load()}.\n")
    print("| set | engine | fields exact | all nine right | false MRZ_VIZ_MISMATCH | CPU s/doc | wall s/doc | wrong, no reason |")
    print("|---|---|---|---|---|---|---|---|")
    totals = {n: Tally() for n in names}
    for set_name, tallies in sets:
        for name, t in tallies.items():
            print(f"| {set_name} | {name} | {t.cells()} |")
            totals[name].merge(t)
    for name, t in totals.items():
        print(f"| all sets | {name} | {t.cells()} |")
    if any(sum(t.uncertain.values()) for _, tallies in sets for t in tallies.values()):
        print("\nMRZ_UNCERTAIN (a second reading, such as the OCR-B classifier, doubts a field no digit settles): "
              "documents reported, by whether an MRZ field was in fact wrong, beside all documents with a field wrong:\n")
        print("| set | engine | reported, a field wrong | reported, all nine right | documents with a field wrong |")
        print("|---|---|---|---|---|")
        for set_name, tallies in sets:
            for name, t in tallies.items():
                print(f"| {set_name} | {name} | {t.uncertain['fields wrong']} | {t.uncertain['all right']} | {t.docs - t.perfect} |")
    print("\nPer field, all sets together (documents with the field exact):\n")
    print("| field | " + " | ".join(names) + " |")
    print("|---|" + "---|" * len(names))
    for f in FIELDS:
        print(f"| {f} | " + " | ".join(f"{totals[n].per_field[f]}/{totals[n].docs}" for n in names) + " |")
    print("\nWhere the time goes: median wall milliseconds per stage (the response's own timings), per set:\n")
    for set_name, tallies in sets:
        for name, t in tallies.items():
            if t.stages:
                print(f"- {set_name}, {name}: " + ", ".join(f"{k} {statistics.median(v):.0f}" for k, v in t.stages.items()))
    print("\nWhere the CPU goes: median CPU milliseconds per document and stage (all threads; 0 where a stage "
          "did not run), and of everything but the printed fields:\n")
    stages = [*_STAGE_FUNCTIONS, "all but viz"]
    print("| set | engine | " + " | ".join(stages) + " |")
    print("|---|---|" + "---|" * len(stages))
    for set_name, tallies in [*sets, ("all sets", totals)]:
        for name, t in tallies.items():
            if t.stage_cpu:
                print(f"| {set_name} | {name} | " + " | ".join(f"{statistics.median(t.stage_cpu[k]):.0f}" for k in stages) + " |")
    for line in damaged_lines:
        print(line)
    if args.viz == "always":
        print("\nPrinted fields by label (surname, number, birth, expiry) on generated documents, read / exactly right:\n")
        for name in readers:
            v = totals[name].viz
            print(f"- {name}: {v['read']}/{v['expected']} read, {v['right']}/{v['expected']} right; "
                  f"documents with all four right: {v['docs_right']}/{v['docs']}")
        print("\nPrinted fields per set: documents with all four right, false MRZ_VIZ_MISMATCH, median CPU s of the "
              "printed-field pass (all threads):\n")
        print("| set | reader | all four right | false MRZ_VIZ_MISMATCH | VIZ CPU s/doc |")
        print("|---|---|---|---|---|")
        for set_name, tallies in sets:
            for name in readers:
                t = tallies[name]
                right = f"{t.viz['docs_right']}/{t.viz['docs']}" if t.viz["docs"] else "-"
                cpu = f"{statistics.median(t.viz_cpu):.3f}" if t.viz_cpu else "-"
                print(f"| {set_name} | {name} | {right} | {t.false_mismatch}/{t.docs} | {cpu} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
