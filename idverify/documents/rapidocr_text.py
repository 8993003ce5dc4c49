"""Printed fields with RapidOCR: PP-OCRv4 text detection and recognition run by onnxruntime.

The ``rapidocr-onnxruntime`` wheel ships its three ONNX models (detection 4.7 MB, recognition
10.9 MB, orientation 0.6 MB, unused: the page is upright already); nothing is downloaded. The
detector (DBNet) finds the text lines on the page scaled to ``det_width`` pixels; the
recogniser reads each line crop from the full-size page. Cost is in recognition and grows with
the width of text read, so a line is first read only up to ``first_ratio`` times its height
(a caption's first words name it; most values fit whole) and read again in full only when it
turns out to be a value that was cut. One onnxruntime thread per session: the machine's cores
belong to the service's requests, not to one model.
"""

from __future__ import annotations

import threading

import cv2
import numpy as np

from idverify.documents.printed_fields import FIELDS, TextLine, VizField, caption_field, fields_from_lines
from idverify.errors import Unavailable

__all__ = ["RapidOcrFields"]


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


class RapidOcrFields:
    """Printed fields with RapidOCR's detector and recogniser (built once; thread-safe: one
    engine per process, each call to it under a lock). An engine costs 74-110 MB; onnxruntime
    sessions may be shared between threads, and a worker process reads on one thread, so an
    engine per thread only cost memory (it was never freed)."""

    name = "rapidocr"

    def __init__(self, *, det_width: int = 736, first_ratio: float = 9.0, threads: int = 1) -> None:
        try:
            from rapidocr_onnxruntime import RapidOCR
        except ImportError as exc:  # pragma: no cover - a dependency of the package
            raise Unavailable("rapidocr-onnxruntime is not installed", reason="OCR_UNAVAILABLE") from exc
        self.det_width = det_width
        self.first_ratio = first_ratio
        self._lock = threading.Lock()  # the detector's side limit is set per call
        # Built here: fail at start-up, not on the first request.
        self._engine = RapidOCR(intra_op_num_threads=threads, inter_op_num_threads=threads, use_cls=False,
                                det_limit_type="min", det_limit_side_len=32)

    def detect(self, rgb: np.ndarray) -> list[np.ndarray]:
        """Text line quads (4 x 2, pixels of ``rgb``), top to bottom."""
        h, w = rgb.shape[:2]
        scale = min(1.0, self.det_width / float(w))
        small = cv2.resize(rgb, (max(32, int(w * scale)), max(32, int(h * scale))), interpolation=cv2.INTER_AREA) if scale < 1 else rgb
        # "min" with a small limit: the detector only rounds the sides to multiples of 32.
        with self._lock:
            self._engine.text_det.limit_side_len = 32
            boxes, _ = self._engine.text_det(np.ascontiguousarray(small[:, :, ::-1]))
        if boxes is None or len(boxes) == 0:
            return []
        quads = [np.asarray(b, np.float64) / scale for b in boxes]
        return sorted(quads, key=lambda q: (q[:, 1].mean(), q[:, 0].min()))

    def recognise(self, crops: list[np.ndarray]) -> list[tuple[str, float]]:
        """Text and confidence (0-1) of each line crop (RGB)."""
        if not crops:
            return []
        with self._lock:
            res, _ = self._engine.text_rec([np.ascontiguousarray(c[:, :, ::-1]) for c in crops])
        return [(str(t), float(s)) for t, s in res]

    def read(self, rgb: np.ndarray, *, us_dates: bool = False) -> dict[str, VizField]:
        quads = self.detect(rgb)
        if not quads:
            return {}
        cuts = [_quad_crop(rgb, q, self.first_ratio) for q in quads]
        texts = self.recognise([c for c, _ in cuts])
        lines = [TextLine(t, s, tuple(int(v) for v in (q[:, 0].min(), q[:, 1].min(), q[:, 0].max(), q[:, 1].max())))
                 for q, (t, s) in zip(quads, texts)]
        # Lines cut short that are not captions may be values: read them whole.
        again = [i for i, (_, cut) in enumerate(cuts) if cut and caption_field(lines[i].text) is None]
        if again:
            full = self.recognise([_quad_crop(rgb, quads[i], None)[0] for i in again])
            for i, (t, s) in zip(again, full):
                lines[i] = TextLine(t, s, lines[i].box)
        fields = fields_from_lines(lines, us_dates=us_dates)
        return {k: v for k, v in fields.items() if k in FIELDS}
