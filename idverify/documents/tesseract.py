"""Every Tesseract setting in one place, and the one engine object that runs Tesseract.

Debian ships ``tesseract-ocr-eng`` only (an LSTM model, no legacy engine, no OCR-B training).
We make the most of it: the engine is the Tesseract C API through ``ctypes`` (libtesseract.so.5,
the library pytesseract's command-line tool wraps), initialised once per thread with the
dictionaries switched off, so that a call costs the recognition alone, not a process start and
a model load (pytesseract spends about 0.2 s per call on those). The caller hands in an
upscaled, binarised line; the MRZ alphabet is enforced with a whitelist and one line is read per
call (page segmentation mode 7).

Build one :class:`TesseractEngine` at start-up and pass it in (house rule 2).
"""

from __future__ import annotations

import atexit
import ctypes
import ctypes.util
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np

from idverify.errors import Unavailable

__all__ = [
    "MRZ_WHITELIST",
    "PSM_SINGLE_LINE",
    "PSM_SPARSE_TEXT",
    "Symbol",
    "TesseractEngine",
    "Word",
]

#: Characters the MRZ may hold.
MRZ_WHITELIST = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<"
#: Printed-field characters (upper-case Latin, digits, date punctuation).
VIZ_WHITELIST = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/.-'<"
#: Page segmentation mode: treat the image as a single text line.
PSM_SINGLE_LINE = 7
#: Page segmentation mode: as much text as possible in no particular order (labels and values).
PSM_SPARSE_TEXT = 11
#: Tesseract's OCR engine mode: LSTM only (the only model Debian's eng data holds).
OEM_LSTM = 1
#: Language data.
LANGUAGE = "eng"
#: Variables fixed at initialisation: no dictionary, since MRZ text and names are not words.
INIT_VARIABLES = {
    "load_system_dawg": "0",
    "load_freq_dawg": "0",
    "load_punc_dawg": "0",
    "load_number_dawg": "0",
    "load_unambig_dawg": "0",
    "load_bigram_dawg": "0",
}
#: Variables set per call.
RUNTIME_VARIABLES = {
    "classify_bln_numeric_mode": "0",
    "tessedit_do_invert": "0",
    "user_defined_dpi": "300",
    # Tesseract prints notes such as "Detected 3 diacritics" to stderr; keep the log clean.
    "debug_file": "/dev/null",
}

_RIL_WORD, _RIL_SYMBOL, _RIL_TEXTLINE = 3, 4, 2
T = TypeVar("T")


@dataclass(frozen=True)
class Symbol:
    """One recognised character, its confidence (0-100) and box (left, top, right, bottom)."""

    text: str
    confidence: float
    box: tuple[int, int, int, int]


@dataclass(frozen=True)
class Word:
    """One recognised word with its confidence (0-100), box and line key."""

    text: str
    confidence: float
    box: tuple[int, int, int, int]


def _load_library() -> ctypes.CDLL:
    name = ctypes.util.find_library("tesseract") or "libtesseract.so.5"
    lib = ctypes.CDLL(name)
    vp, cp, ci = ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int
    lib.TessBaseAPICreate.restype = vp
    lib.TessBaseAPIDelete.argtypes = [vp]
    lib.TessBaseAPIEnd.argtypes = [vp]
    lib.TessBaseAPIInit4.argtypes = [vp, cp, cp, ci, vp, ci, vp, vp, ctypes.c_size_t, ci]
    lib.TessBaseAPIInit4.restype = ci
    lib.TessBaseAPISetVariable.argtypes = [vp, cp, cp]
    lib.TessBaseAPISetPageSegMode.argtypes = [vp, ci]
    lib.TessBaseAPISetImage.argtypes = [vp, vp, ci, ci, ci, ci]
    lib.TessBaseAPIRecognize.argtypes = [vp, vp]
    lib.TessBaseAPIRecognize.restype = ci
    lib.TessBaseAPIGetIterator.argtypes = [vp]
    lib.TessBaseAPIGetIterator.restype = vp
    lib.TessBaseAPIClear.argtypes = [vp]
    lib.TessResultIteratorDelete.argtypes = [vp]
    lib.TessResultIteratorGetPageIterator.argtypes = [vp]
    lib.TessResultIteratorGetPageIterator.restype = vp
    lib.TessResultIteratorGetUTF8Text.argtypes = [vp, ci]
    lib.TessResultIteratorGetUTF8Text.restype = vp
    lib.TessResultIteratorConfidence.argtypes = [vp, ci]
    lib.TessResultIteratorConfidence.restype = ctypes.c_float
    lib.TessResultIteratorNext.argtypes = [vp, ci]
    lib.TessResultIteratorNext.restype = ci
    lib.TessPageIteratorBoundingBox.argtypes = [vp, ci] + [ctypes.POINTER(ci)] * 4
    lib.TessPageIteratorBoundingBox.restype = ci
    lib.TessDeleteText.argtypes = [vp]
    return lib


class TesseractEngine:
    """A Tesseract recogniser, one C API handle per thread (a handle is not thread-safe).

    Raises :class:`~idverify.errors.Unavailable` when libtesseract or its English data is
    missing. Cheap to share; close() frees the handles.
    """

    def __init__(self, datapath: str | None = None, threads: int = 2) -> None:
        try:
            self._lib = _load_library()
        except OSError as exc:
            raise Unavailable("libtesseract is not installed", reason="OCR_UNAVAILABLE") from exc
        self._datapath = datapath
        self._local = threading.local()
        self._handles: list[int] = []
        self._lock = threading.Lock()
        # Lines of one MRZ are read in parallel: the C call releases the GIL.
        self._pool = ThreadPoolExecutor(max_workers=max(1, threads), thread_name_prefix="tesseract")
        self._quiet_leptonica()
        self._handle()  # fail at start-up, not on the first request
        atexit.register(self.close)

    @staticmethod
    def _quiet_leptonica() -> None:
        """Leptonica prints clipping notices to stderr for boxes at an image's edge; they are
        harmless and would fill the service log."""
        try:
            lept = ctypes.CDLL(ctypes.util.find_library("lept") or "liblept.so.5")
            lept.setMsgSeverity.argtypes = [ctypes.c_int]
            lept.setMsgSeverity(6)  # L_SEVERITY_NONE
        except (OSError, AttributeError):
            pass

    def _handle(self) -> int:
        api = getattr(self._local, "api", None)
        if api is not None:
            return api
        lib = self._lib
        api = lib.TessBaseAPICreate()
        keys = list(INIT_VARIABLES)
        k = (ctypes.c_char_p * len(keys))(*[x.encode() for x in keys])
        v = (ctypes.c_char_p * len(keys))(*[INIT_VARIABLES[x].encode() for x in keys])
        path = self._datapath.encode() if self._datapath else None
        if lib.TessBaseAPIInit4(api, path, LANGUAGE.encode(), OEM_LSTM, None, 0, k, v, len(keys), 0) != 0:
            lib.TessBaseAPIDelete(api)
            raise Unavailable("Tesseract could not load its English data", reason="OCR_UNAVAILABLE")
        for name, value in RUNTIME_VARIABLES.items():
            lib.TessBaseAPISetVariable(api, name.encode(), value.encode())
        self._local.api = api
        with self._lock:
            self._handles.append(api)
        return api

    def _run(self, gray: np.ndarray, psm: int, whitelist: str) -> tuple[int, int]:
        lib = self._lib
        api = self._handle()
        img = np.ascontiguousarray(gray, dtype=np.uint8)
        if img.ndim != 2 or img.shape[0] < 4 or img.shape[1] < 4:
            raise ValueError("Tesseract needs a 2-D grey image of at least 4 x 4 pixels")
        lib.TessBaseAPISetPageSegMode(api, psm)
        lib.TessBaseAPISetVariable(api, b"tessedit_char_whitelist", whitelist.encode())
        lib.TessBaseAPISetImage(api, img.ctypes.data, img.shape[1], img.shape[0], 1, img.shape[1])
        lib.TessBaseAPIRecognize(api, None)
        return api, lib.TessBaseAPIGetIterator(api)

    def _items(self, api: int, it: int, level: int) -> list[tuple[str, float, tuple[int, int, int, int]]]:
        lib = self._lib
        out = []
        if not it:
            lib.TessBaseAPIClear(api)
            return out
        page = lib.TessResultIteratorGetPageIterator(it)
        l, t, r, b = (ctypes.c_int() for _ in range(4))
        try:
            while True:
                ptr = lib.TessResultIteratorGetUTF8Text(it, level)
                if ptr:
                    text = ctypes.string_at(ptr).decode("utf-8", "replace")
                    lib.TessDeleteText(ptr)
                    conf = float(lib.TessResultIteratorConfidence(it, level))
                    lib.TessPageIteratorBoundingBox(page, level, ctypes.byref(l), ctypes.byref(t), ctypes.byref(r), ctypes.byref(b))
                    out.append((text, conf, (l.value, t.value, r.value, b.value)))
                if not lib.TessResultIteratorNext(it, level):
                    break
        finally:
            lib.TessResultIteratorDelete(it)
            lib.TessBaseAPIClear(api)
        return out

    def read_symbols(self, gray: np.ndarray, whitelist: str = MRZ_WHITELIST) -> list[Symbol]:
        """Read one text line (dark text on white, uint8) as characters with boxes (pixels)."""
        api, it = self._run(gray, PSM_SINGLE_LINE, whitelist)
        return [Symbol(t, c, box) for t, c, box in self._items(api, it, _RIL_SYMBOL) if t.strip()]

    def read_words(self, gray: np.ndarray, whitelist: str = VIZ_WHITELIST) -> list[Word]:
        """Read sparse text (labels and values on a document) as words with boxes (pixels)."""
        api, it = self._run(gray, PSM_SPARSE_TEXT, whitelist)
        return [Word(t.strip(), c, box) for t, c, box in self._items(api, it, _RIL_WORD) if t.strip()]

    def map(self, fn: Callable[..., T], *iterables: Iterable[Any]) -> list[T]:
        """``[fn(*args) ...]`` run on the engine's threads (each with its own handle)."""
        return list(self._pool.map(fn, *iterables))

    def close(self) -> None:
        """Stop the threads and free every handle (registered to run at exit; safe to call
        twice). The engine cannot be used afterwards."""
        self._pool.shutdown(wait=True)
        with self._lock:
            for api in self._handles:
                self._lib.TessBaseAPIEnd(api)
                self._lib.TessBaseAPIDelete(api)
            self._handles.clear()
        self._local = threading.local()
