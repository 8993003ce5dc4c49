"""Every Tesseract setting in one place, the engine interface the reader needs, and its backends.

Debian ships ``tesseract-ocr-eng`` only (an LSTM model, no legacy engine, no OCR-B training);
the MRZ and the printed fields both use that one ``eng.traineddata``, found by
:func:`tessdata_dir` (nothing is downloaded). We make the most of it: the engine runs Tesseract
in-process, initialised once per thread with the dictionaries switched off, so that a call costs
the recognition alone, not a process start and a model load (pytesseract spends about 0.2 s per
call on those). The caller hands in an upscaled, binarised line; the MRZ alphabet is enforced
with a whitelist and one line is read per call (page segmentation mode 7).

:class:`TesseractEngine` is the interface: its shared rules (input checks, one handle per
thread, the thread pool, close) are final, and a backend fills three hooks (open a handle,
recognise an image at a page-segmentation mode with a whitelist, close a handle).

Production uses :class:`CtypesEngine` (Debian's libtesseract 5.3); :class:`TesserocrEngine` is
8-20% cheaper once Debian's OpenMP is limited to one thread (it was 3.5x cheaper before: that was
OpenMP spinning) but, on the libtesseract 5.5 its wheel bundles, reads fewer MRZs right with the
reader as tuned today (numbers in benchmarks/RESULTS.md). Build one engine at start-up and pass
it in (house rule 2).
"""

from __future__ import annotations

import atexit
import ctypes
import ctypes.util
import logging
import os
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar, final

import numpy as np

from idverify.errors import Unavailable

log = logging.getLogger(__name__)

__all__ = [
    "MRZ_WHITELIST",
    "PSM_SINGLE_LINE",
    "PSM_SPARSE_TEXT",
    "CtypesEngine",
    "Symbol",
    "TesseractEngine",
    "TesserocrEngine",
    "Word",
    "tessdata_dir",
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
#: Language data: ``<LANGUAGE>.traineddata`` in the tessdata directory.
LANGUAGE = "eng"
#: Where the tessdata directory is looked for when ``TESSDATA_PREFIX`` does not name one:
#: Debian's tesseract-ocr-eng (5.x, then 4.x layout), then the upstream default prefixes.
TESSDATA_DIRS = (
    "/usr/share/tesseract-ocr/5/tessdata",
    "/usr/share/tesseract-ocr/4.00/tessdata",
    "/usr/share/tessdata",
    "/usr/local/share/tessdata",
)
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

#: What :meth:`TesseractEngine._recognise` iterates over.
Level = Literal["symbol", "word"]
#: One recognised item: text, confidence (0-100), box (left, top, right, bottom), pixels.
Item = tuple[str, float, tuple[int, int, int, int]]
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


def tessdata_dir() -> str:
    """The directory holding ``eng.traineddata``: ``TESSDATA_PREFIX`` when it holds the file,
    else the first of :data:`TESSDATA_DIRS` that does. Raises
    :class:`~idverify.errors.Unavailable` when none does (install tesseract-ocr-eng)."""
    env = os.environ.get("TESSDATA_PREFIX")
    for d in ([env] if env else []) + list(TESSDATA_DIRS):
        if (Path(d) / f"{LANGUAGE}.traineddata").is_file():
            return str(Path(d)) + "/"
    raise Unavailable(f"no {LANGUAGE}.traineddata found (install the Debian package tesseract-ocr-{LANGUAGE} "
                      "or set TESSDATA_PREFIX)", reason="OCR_UNAVAILABLE")


class TesseractEngine(ABC):
    """A Tesseract recogniser, one backend handle per thread (a handle is not thread-safe).

    Raises :class:`~idverify.errors.Unavailable` when Tesseract or its English data is missing,
    at construction rather than on the first request. Cheap to share; close() frees the handles.
    """

    def __init__(self, threads: int = 2) -> None:
        self._local = threading.local()
        self._handles: list[Any] = []
        self._lock = threading.Lock()
        # Lines of one MRZ are read in parallel: recognition releases the GIL.
        self._pool = ThreadPoolExecutor(max_workers=max(1, threads), thread_name_prefix="tesseract")
        self._handle()  # fail at start-up, not on the first request
        atexit.register(self.close)

    # -- hooks a backend fills -----------------------------------------------------------------

    @abstractmethod
    def _open(self) -> Any:
        """A new handle initialised with LANGUAGE, OEM_LSTM, INIT_VARIABLES and
        RUNTIME_VARIABLES; raise Unavailable when that fails."""

    @abstractmethod
    def _recognise(self, handle: Any, gray: np.ndarray, psm: int, whitelist: str, level: Level) -> list[Item]:
        """Recognise ``gray`` (2-D, uint8, C-contiguous) at page segmentation mode ``psm`` with
        ``whitelist`` ("" allows every character) and return the items of ``level``."""

    @abstractmethod
    def _close(self, handle: Any) -> None:
        """Free one handle."""

    # -- shared rules --------------------------------------------------------------------------

    @final
    def _handle(self) -> Any:
        handle = getattr(self._local, "handle", None)
        if handle is None:
            handle = self._open()
            self._local.handle = handle
            with self._lock:
                self._handles.append(handle)
        return handle

    @final
    def _read(self, gray: np.ndarray, psm: int, whitelist: str, level: Level) -> list[Item]:
        img = np.ascontiguousarray(gray, dtype=np.uint8)
        if img.ndim != 2 or img.shape[0] < 4 or img.shape[1] < 4:
            raise ValueError("Tesseract needs a 2-D grey image of at least 4 x 4 pixels")
        if img.min() == img.max():
            # One grey level holds no text, yet the LSTM reads a blank line as a few letters
            # with confidences above 80 (both libtesseract 5.3 and 5.5 do).
            return []
        return self._recognise(self._handle(), img, psm, whitelist, level)

    @final
    def read_symbols(self, gray: np.ndarray, whitelist: str = MRZ_WHITELIST) -> list[Symbol]:
        """Read one text line (dark text on white, uint8) as characters with boxes (pixels)."""
        return [Symbol(t, c, box) for t, c, box in self._read(gray, PSM_SINGLE_LINE, whitelist, "symbol") if t.strip()]

    @final
    def read_words(self, gray: np.ndarray, whitelist: str = VIZ_WHITELIST) -> list[Word]:
        """Read sparse text (labels and values on a document) as words with boxes (pixels)."""
        return [Word(t.strip(), c, box) for t, c, box in self._read(gray, PSM_SPARSE_TEXT, whitelist, "word") if t.strip()]

    @final
    def map(self, fn: Callable[..., T], *iterables: Iterable[Any]) -> list[T]:
        """``[fn(*args) ...]`` run on the engine's threads (each with its own handle)."""
        return list(self._pool.map(fn, *iterables))

    @final
    def close(self) -> None:
        """Stop the threads and free every handle (registered to run at exit; safe to call
        twice). The engine cannot be used afterwards."""
        self._pool.shutdown(wait=True)
        with self._lock:
            for handle in self._handles:
                self._close(handle)
            self._handles.clear()
        self._local = threading.local()


class TesserocrEngine(TesseractEngine):
    """The engine on ``tesserocr`` (Cython bindings to the C++ API; its wheel bundles
    libtesseract and Leptonica, and reads Debian's English data from :func:`tessdata_dir`)."""

    def __init__(self, datapath: str | None = None, threads: int = 2) -> None:
        try:
            import tesserocr
        except ImportError as exc:
            raise Unavailable("tesserocr is not installed", reason="OCR_UNAVAILABLE") from exc
        self._tesserocr = tesserocr
        self._datapath = datapath or tessdata_dir()
        # The wheel bundles its own Leptonica (already loaded by tesserocr; dlopen of the same
        # file returns that copy), which prints "Error in boxClipToRectangle" notices.
        libs = Path(tesserocr.__file__).resolve().parents[1] / "tesserocr.libs"
        for lib in sorted(libs.glob("libleptonica*.so*")):
            _quiet_leptonica(str(lib))
        self._levels = {"symbol": tesserocr.RIL.SYMBOL, "word": tesserocr.RIL.WORD}
        super().__init__(threads)

    def _open(self) -> Any:
        try:
            api = self._tesserocr.PyTessBaseAPI(path=self._datapath, lang=LANGUAGE, oem=OEM_LSTM,
                                                 variables=INIT_VARIABLES)
        except RuntimeError as exc:
            raise Unavailable(f"Tesseract could not load its {LANGUAGE} data from {self._datapath}",
                              reason="OCR_UNAVAILABLE") from exc
        for name, value in RUNTIME_VARIABLES.items():
            api.SetVariable(name, value)
        return api

    def _recognise(self, handle: Any, gray: np.ndarray, psm: int, whitelist: str, level: Level) -> list[Item]:
        api, ril = handle, self._levels[level]
        api.SetPageSegMode(psm)
        api.SetVariable("tessedit_char_whitelist", whitelist)
        api.SetImageBytes(gray.tobytes(), gray.shape[1], gray.shape[0], 1, gray.shape[1])
        out: list[Item] = []
        try:
            api.Recognize()
            it = api.GetIterator()
            if it is not None:
                for r in self._tesserocr.iterate_level(it, ril):
                    try:
                        text = r.GetUTF8Text(ril)
                    except RuntimeError:  # tesserocr's way of saying "an empty element"
                        continue
                    out.append((text, float(r.Confidence(ril)), tuple(r.BoundingBox(ril))))
        finally:
            api.Clear()
        return out

    def _close(self, handle: Any) -> None:
        handle.End()


def _quiet_leptonica(name: str) -> None:
    """Leptonica prints clipping notices to stderr for boxes at an image's edge; they are
    harmless and would fill the service log."""
    try:
        lept = ctypes.CDLL(name)
        lept.setMsgSeverity.argtypes = [ctypes.c_int]
        lept.setMsgSeverity(6)  # L_SEVERITY_NONE
    except (OSError, AttributeError):
        pass


_RIL = {"symbol": 4, "word": 3}


def _openmp_loaded() -> bool:
    """Whether the system's libgomp, the one libtesseract links, is already in the process
    (wheels such as usearch's bundle their own copy under another name, which does not count)."""
    try:
        maps = Path("/proc/self/maps").read_text()
    except OSError:
        return False
    return any(line.rsplit("/", 1)[-1].startswith("libgomp.so") for line in maps.splitlines())


def _limit_openmp() -> None:
    """Debian's libtesseract is built with OpenMP, whose worker threads spin while they wait:
    one page costs four times the CPU seconds of a single-threaded read and is slower in wall
    time as well, since the service already reads lines in parallel (benchmarks/RESULTS.md,
    "OpenMP"). OpenMP reads ``OMP_THREAD_LIMIT`` once, when libgomp is loaded, so it is set
    before the library is; an operator's own value is kept."""
    if "OMP_THREAD_LIMIT" in os.environ:
        return
    if _openmp_loaded():
        log.warning("OpenMP was loaded before Tesseract; OMP_THREAD_LIMIT=1 cannot take effect "
                     "(set it in the environment to keep Tesseract single-threaded)")
        return
    os.environ["OMP_THREAD_LIMIT"] = "1"


def _load_library() -> ctypes.CDLL:
    _limit_openmp()
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


class CtypesEngine(TesseractEngine):
    """The engine on Debian's libtesseract.so.5 through its C API and ``ctypes``."""

    def __init__(self, datapath: str | None = None, threads: int = 2) -> None:
        try:
            self._lib = _load_library()
        except OSError as exc:
            raise Unavailable("libtesseract is not installed", reason="OCR_UNAVAILABLE") from exc
        self._datapath = datapath
        _quiet_leptonica(ctypes.util.find_library("lept") or "liblept.so.5")
        super().__init__(threads)

    def _open(self) -> Any:
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
        return api

    def _recognise(self, handle: Any, gray: np.ndarray, psm: int, whitelist: str, level: Level) -> list[Item]:
        lib, api, ril = self._lib, handle, _RIL[level]
        lib.TessBaseAPISetPageSegMode(api, psm)
        lib.TessBaseAPISetVariable(api, b"tessedit_char_whitelist", whitelist.encode())
        lib.TessBaseAPISetImage(api, gray.ctypes.data, gray.shape[1], gray.shape[0], 1, gray.shape[1])
        lib.TessBaseAPIRecognize(api, None)
        it = lib.TessBaseAPIGetIterator(api)
        out: list[Item] = []
        if not it:
            lib.TessBaseAPIClear(api)
            return out
        page = lib.TessResultIteratorGetPageIterator(it)
        l, t, r, b = (ctypes.c_int() for _ in range(4))
        try:
            while True:
                ptr = lib.TessResultIteratorGetUTF8Text(it, ril)
                if ptr:
                    text = ctypes.string_at(ptr).decode("utf-8", "replace")
                    lib.TessDeleteText(ptr)
                    conf = float(lib.TessResultIteratorConfidence(it, ril))
                    lib.TessPageIteratorBoundingBox(page, ril, ctypes.byref(l), ctypes.byref(t), ctypes.byref(r), ctypes.byref(b))
                    out.append((text, conf, (l.value, t.value, r.value, b.value)))
                if not lib.TessResultIteratorNext(it, ril):
                    break
        finally:
            lib.TessResultIteratorDelete(it)
            lib.TessBaseAPIClear(api)
        return out

    def _close(self, handle: Any) -> None:
        self._lib.TessBaseAPIEnd(handle)
        self._lib.TessBaseAPIDelete(handle)
