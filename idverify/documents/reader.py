"""``read_document``: from document photos to a ReadDocumentResponse.

    decode -> locate (outline, rectify) -> MRZ (find, orient, OCR, parse, correct)
           -> barcode (PDF417, AAMVA) when there is no MRZ on the image
           -> portrait (dlib HOG on the upright document; largest face = main portrait)
           -> printed fields by label (VIZ) -> cross-checks -> document checks (reasons)

Each step is a small module of this package; this one only wires them, picks each field from
its best source (MRZ, then barcode, then VIZ), and fills the response. Heavy objects (the
Tesseract engine, the face detector) are built once in :func:`build_document_reader`.

A request of several images (a card's front and back) is read on several threads: the last
image's MRZ on the calling thread, and meanwhile the others' outlines, faces and printed lines on
the reader's helper threads (a pool of two), as they would be read once the MRZ is known to be perfect (an MRZ
search of a card's front finds none). When it is not, they are searched for an MRZ after it,
and the early read stands where none is found. A request of one image is read on several threads
too: its outline is found on a helper while the photo is searched for an MRZ, and the faces of
the view a zone is found on, beside where its printed lines are, while the zone is read (kept only when the MRZ
read is of that view). Either way the response is the one a read on one thread gives; its
stage timings then add up to more than the wall time.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import io
import threading
import time
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np
from PIL import Image

from idverify.documents._intake import decode_image
from idverify.documents.barcode import AamvaLicence, decode_pdf417, parse_aamva
from idverify.documents.checks import document_checks
from idverify.documents.locate import Located, locate_document
from idverify.documents.mrz import MrzFormat, MrzResult
from idverify.documents.mrz.locate import MrzZone
from idverify.documents.mrz.ocrb_cells import CellClassifier
from idverify.documents.mrz.read import MrzReading, read_mrz
from idverify.documents.mrz.transliterate import name_key
from idverify.documents.portrait import FaceOnDocument, detect_faces, portrait_box
from idverify.documents.settings import DocumentSettings
from idverify.documents.tesseract import CtypesEngine, TesseractEngine
from idverify.documents.printed_fields import PrintedFieldReader, TesseractFields, VizField
from idverify.errors import InvalidInput
from idverify.v1 import verification_service_pb2 as pb

__all__ = ["DocumentReader", "build_document_reader", "read_document"]

_FORMATS = {
    MrzFormat.TD1: pb.MRZ_FORMAT_TD1,
    MrzFormat.TD2: pb.MRZ_FORMAT_TD2,
    MrzFormat.TD3: pb.MRZ_FORMAT_TD3,
    MrzFormat.MRV_A: pb.MRZ_FORMAT_MRV_A,
    MrzFormat.MRV_B: pb.MRZ_FORMAT_MRV_B,
}
_UNCHECKED_MRZ_FIELDS = ("document_type", "issuing_country", "nationality", "name", "sex")


def _malformed_mrz_fields(result: MrzResult) -> list[str]:
    """Fields that break their alphabet or code list: those no digit checks, and those whose
    digit passes on a value that is no value ("F4F231" for a birth date: letters weigh in
    the check-digit sum too, so two slips can cancel; seen on phone photos, issue 16)."""
    failed = {c.field for c in result.checks if not c.valid}
    checked = [f for f, ok in result.field_validity.items()
               if not ok and f not in _UNCHECKED_MRZ_FIELDS and f not in failed and not (f == "optional_data" and "composite" in failed)]
    return [f for f in _UNCHECKED_MRZ_FIELDS if not result.field_validity.get(f, True)] + checked


_COMPARED = ("surname", "given_names", "document_number", "birth_date", "expiry_date", "nationality", "sex")


@dataclass(frozen=True)
class DocumentReader:
    """The heavy objects document reading needs, built once and shared."""

    engine: TesseractEngine
    face_detector: Any  # dlib.fhog_object_detector
    settings: DocumentSettings = field(default_factory=DocumentSettings)
    #: The printed-field OCR; None: the one ``settings.viz_engine`` names.
    printed: PrintedFieldReader | None = None
    #: The OCR-B MRZ cell classifier (a second opinion on the MRZ); None: Tesseract alone.
    cells: CellClassifier | None = None
    #: The threads that read a request's other images while the last one's MRZ is read, and a
    #: page's faces beside the regions of its printed lines (dlib holds the GIL, onnxruntime
    #: does not). Tasks wait only on tasks submitted before them, so two threads cannot deadlock.
    helper: ThreadPoolExecutor = field(default_factory=lambda: ThreadPoolExecutor(2, thread_name_prefix="document"),
                                       compare=False, repr=False)

    def printed_fields(self) -> PrintedFieldReader:
        return self.printed or build_printed_field_reader(self.settings, self.engine)


@functools.cache
def _rapidocr(models: str) -> PrintedFieldReader:
    from idverify.documents.rapidocr_text import RapidOcrFields

    return RapidOcrFields(models=models)


def build_printed_field_reader(settings: DocumentSettings, engine: TesseractEngine) -> PrintedFieldReader:
    """The printed-field OCR the settings name (benchmarks/RESULTS.md compares them); RapidOCR's
    sessions are built once per process (about 0.3 s) and shared."""
    if settings.viz_engine == "rapidocr":
        return _rapidocr(settings.viz_models)
    return TesseractFields(engine, width=settings.document_width_px)


def build_document_reader(settings: DocumentSettings | None = None) -> DocumentReader:
    """Build the Tesseract engine (the ctypes backend: as accurate as any and the cheapest that is,
    see benchmarks/RESULTS.md), the printed-field OCR and dlib's frontal face detector (about 0.2 s)."""
    import dlib

    settings = settings or DocumentSettings()
    engine = CtypesEngine()
    return DocumentReader(engine, dlib.get_frontal_face_detector(), settings, build_printed_field_reader(settings, engine),
                          CellClassifier())


@dataclass
class _ImageRead:
    index: int
    rgb: np.ndarray
    located: Located | None = None
    mrz: MrzReading | None = None
    mrz_zone_found: bool = False
    barcode: AamvaLicence | None = None
    view: np.ndarray | None = None  # upright RGB document view
    view_to_photo: np.ndarray | None = None  # 3x3
    mrz_top: int | None = None  # top of the MRZ zone on the view, pixels
    faces: list[FaceOnDocument] = field(default_factory=list)
    faces_searched: bool = False
    printed: Future[Any] | None = None  # the page's printed lines read ahead (PrintedFieldReader.lines; None: too small)


class _Timer:
    def __init__(self) -> None:
        self.stages: dict[str, float] = {}
        self._lock = threading.Lock()  # two threads read one request

    def add(self, stage: str, start: float) -> None:
        ms = (time.perf_counter() - start) * 1000.0
        with self._lock:
            self.stages[stage] = self.stages.get(stage, 0.0) + ms


def _warp_view(rgb: np.ndarray, view_to_photo: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    return cv2.warpPerspective(rgb, np.linalg.inv(view_to_photo), size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def _rot90_to_photo(k: int, w: int, h: int) -> np.ndarray:
    if k == 1:
        return np.array([[0, -1, w - 1], [1, 0, 0], [0, 0, 1]], np.float64)
    if k == 2:
        return np.array([[-1, 0, w - 1], [0, -1, h - 1], [0, 0, 1]], np.float64)
    if k == 3:
        return np.array([[0, 1, 0], [-1, 0, h - 1], [0, 0, 1]], np.float64)
    return np.eye(3)


#: An MRZ read whose digits all pass at this score (0-100) or more is not read again on another
#: view of the image.
_GOOD_MRZ_SCORE = 95


def _good(reading: MrzReading | None) -> bool:
    """Digits that pass at a good score, and readings that bear out every field."""
    return reading is not None and reading.result.valid and reading.result.score >= _GOOD_MRZ_SCORE and not reading.doubts


def _names_compared(first: MrzReading, second: MrzReading, kept: MrzReading, min_score: int) -> MrzReading:
    """``kept`` (one of two views' reads of one MRZ), its name in doubt when both reads are
    usable and read the name differently: no check digit covers the name, and two views of one
    photo that disagree on it show that at least one slipped (issue 16: a photographed page
    read M for H on one view and N on the other)."""
    a, b = first.result, second.result
    if min(a.score, b.score) < min_score or a.format is not b.format or "name" in kept.doubts:
        return kept
    if (a.surname, a.given_names) == (b.surname, b.given_names):
        return kept
    return dataclasses.replace(kept, doubts=(*kept.doubts, "name"))


def _perfect(reading: MrzReading | None) -> bool:
    """Every digit, the composite and every field pass (the best score): no other image of the
    request can give a better MRZ, so they are not searched for one."""
    return reading is not None and reading.result.valid and reading.result.score >= 100


def _analyse(index: int, rgb: np.ndarray, reader: DocumentReader, timer: _Timer, today: dt.date,
             search_mrz: bool = True, defer_card_back_faces: bool = False, early: _ImageRead | None = None,
             faces_ahead: bool = False, printed: bool = False) -> _ImageRead:
    """Locate the document on one image, read its MRZ (unless ``search_mrz`` is false) and find
    its faces; with ``defer_card_back_faces`` an image whose MRZ is a card's (TD1: the back,
    where ICAO 9303 puts no portrait) is left for :func:`_find_faces` to search later, only
    when no other image shows a face. ``early``: this image read without an MRZ search
    (:func:`_read_ahead`); its outline is used, and it is the read when no MRZ is found.
    ``faces_ahead``: the reader's helper threads are free (the request's only image); the faces
    of the first upright view an MRZ zone is found on, and with ``printed`` the printed lines
    above the zone, are read there while the zone is read (dlib holds the GIL, but Tesseract and
    onnxruntime do not), and kept when the MRZ read is of that view and zone."""
    s = reader.settings
    out = _ImageRead(index, rgb)
    outline: Future[Located | None] | None = None
    if early is not None:
        out.located = early.located
    elif faces_ahead and search_mrz:
        # The photo is searched first and needs no outline: it is found on the helper meanwhile.
        outline = reader.helper.submit(_locate, rgb, reader, timer)
    else:
        out.located = _locate(rgb, reader, timer)

    def located() -> Located | None:
        nonlocal outline
        if outline is not None:
            out.located, outline = outline.result(), None
        return out.located

    t = time.perf_counter()
    # The photo first (the MRZ search deskews by itself, and an outline found may be only a
    # part of the document, such as one side of a two-sided scan); the rectified outline
    # second, when the photo's read is not perfect (perspective, low resolution); it is
    # warped only then.
    # Zones a glare spot hides part of are searched last, on each view where the ordinary
    # searches read none, once no view gave a read whose digits pass: their hypotheses cost a
    # read each, and one whose hidden cells hold a check digit cannot pass them all.
    # view -> photo, its shape, top of the zone on it, (the view, its faces), its printed lines
    ahead: list[tuple[np.ndarray, tuple[int, int], int, Future[tuple[np.ndarray, list[FaceOnDocument]]], Future[Any] | None]] = []
    unread: set[int] = set()
    for view_index, beside_glare in ((0, False), (1, False), (0, True), (1, True)) if search_mrz else ():  # 0: the photo, 1: the outline
        if beside_glare and ((out.mrz is not None and out.mrz.result.valid) or view_index not in unread):
            continue
        if view_index == 1 and located() is None:
            continue
        base = rgb if view_index == 0 else out.located.image
        base_to_photo = np.eye(3) if view_index == 0 else out.located.to_photo
        gray = cv2.cvtColor(base, cv2.COLOR_RGB2GRAY)

        def zone_found(to_base: np.ndarray, shape: tuple[int, int], zone: MrzZone, base_to_photo: np.ndarray = base_to_photo) -> None:
            if ahead or not faces_ahead or (defer_card_back_faces and len(zone.lines) == 3):  # 3 lines: a card's back
                return
            view_to_photo, top = base_to_photo @ to_base, zone.box[1]
            view = reader.helper.submit(_warp_view, rgb, view_to_photo, (shape[1], shape[0]))
            seen = reader.helper.submit(_faces_of, view, reader, timer)
            lines = None
            if printed:  # where the printed lines are, found while the faces are searched
                regions = reader.helper.submit(_regions_above, view, top, reader, timer)
                lines = reader.helper.submit(_lines_above, seen, regions, top, reader, timer)
            ahead.append((view_to_photo, shape, top, seen, lines))

        reading = read_mrz(reader.engine, gray, today=today, max_side=s.max_working_side_px, color=base,
                           cells=reader.cells, beside_glare=beside_glare, on_zone=zone_found)
        if reading is None or not reading.result.valid:
            unread.add(view_index)
        # A second view replaces the first only for a clearly better read: one point of score
        # is one corrected character, and names (which no digit checks) read better unwarped.
        # Between two valid reads, the one with fewer fields in doubt wins: a digit passes one
        # slip in ten, so a valid read with more doubted fields may be a lucky wrong one.
        better = reading is not None and (out.mrz is None or reading.result.score > out.mrz.result.score + 3
                                          or (reading.result.valid and not out.mrz.result.valid)
                                          or (reading.result.valid and out.mrz.result.valid and len(reading.doubts) < len(out.mrz.doubts)
                                              and reading.result.score >= out.mrz.result.score))
        if reading is not None and out.mrz is not None:
            kept = _names_compared(out.mrz, reading, reading if better else out.mrz, s.min_mrz_score)
            reading, out.mrz = (kept, out.mrz) if better else (reading, kept)
        if better:
            out.mrz = reading
            out.mrz_zone_found = True
            out.view_to_photo = base_to_photo @ reading.to_input
            out.mrz_top = reading.zone_box[1]
        if _good(out.mrz):
            break
    if out.mrz is None or not (ahead and np.array_equal(ahead[0][0], out.view_to_photo)
                               and ahead[0][1] == out.mrz.upright.shape and ahead[0][2] == out.mrz_top):
        ahead.clear()  # the faces of another view, or of a zone that did not read
    if out.mrz is not None:
        vh, vw = out.mrz.upright.shape
        # The upright view at the working scale of the MRZ search.
        out.view = ahead[0][3].result()[0] if ahead else _warp_view(rgb, out.view_to_photo, (vw, vh))
    timer.add("mrz", t)
    located()
    if out.mrz is None and early is not None:
        return early  # the same steps on the same outline
    if out.mrz is None:
        t = time.perf_counter()
        for base in ([out.located.image] if out.located is not None else []) + [rgb]:
            text = decode_pdf417(base)
            if text:
                out.barcode = parse_aamva(text)
                break
        timer.add("barcode", t)
    if not (defer_card_back_faces and out.mrz is not None and out.mrz.result.format is MrzFormat.TD1):
        if ahead:
            out.faces, out.printed, out.faces_searched = ahead[0][3].result()[1], ahead[0][4], True
        else:
            _find_faces(out, reader, timer)
    return out


def _locate(rgb: np.ndarray, reader: DocumentReader, timer: _Timer) -> Located | None:
    t = time.perf_counter()
    try:
        return locate_document(rgb, max_width=reader.settings.document_width_px)
    finally:
        timer.add("locate", t)


def _faces_of(view: Future[np.ndarray], reader: DocumentReader, timer: _Timer) -> tuple[np.ndarray, list[FaceOnDocument]]:
    """The upright view of an MRZ (warped from the photo on the helper thread) and its faces,
    as :func:`_analyse` and :func:`_find_faces` find them."""
    v = view.result()
    t = time.perf_counter()
    try:
        return v, detect_faces(reader.face_detector, v)
    finally:
        timer.add("portrait", t)


def _regions_above(view: Future[np.ndarray], mrz_top: int, reader: DocumentReader, timer: _Timer) -> Any:
    """Where the printed lines are on the view above an MRZ zone starting at ``mrz_top``, its
    portraits not yet known (:meth:`PrintedFieldReader.regions`; None: too small)."""
    t = time.perf_counter()
    try:
        page = _page_above(view.result(), mrz_top, [])
        return None if _too_small(page.rgb) else reader.printed_fields().regions(page.rgb)
    finally:
        timer.add("viz", t)


def _lines_above(seen: Future[tuple[np.ndarray, list[FaceOnDocument]]], regions: Future[Any], mrz_top: int,
                 reader: DocumentReader, timer: _Timer) -> Any:
    """The printed lines of the page above an MRZ zone starting at ``mrz_top`` on the upright
    view ``seen`` gives, as :func:`_lines_of` reads them, at the ``regions`` found meanwhile."""
    view, faces = seen.result()
    found = regions.result()
    t = time.perf_counter()
    try:
        return _lines_of(_page_above(view, mrz_top, faces), reader, found)
    finally:
        timer.add("viz", t)


def _find_faces(out: _ImageRead, reader: DocumentReader, timer: _Timer) -> None:
    """The faces on the image: on its upright view when the MRZ gave one, else on the rectified
    document (or the photo) turned until a face is found."""
    t = time.perf_counter()
    out.faces_searched = True
    if out.view is not None:
        out.faces = detect_faces(reader.face_detector, out.view)
    else:
        base, base_to_photo = (out.located.image, out.located.to_photo) if out.located is not None else (out.rgb, np.eye(3))
        for k in (0, 2, 1, 3):
            view = np.ascontiguousarray(np.rot90(base, k)) if k else base
            faces = detect_faces(reader.face_detector, view)
            if faces:
                out.view, out.faces = view, faces
                out.view_to_photo = base_to_photo @ _rot90_to_photo(k, base.shape[1], base.shape[0])
                break
    timer.add("portrait", t)


def _read_ahead(images: Sequence[np.ndarray], reader: DocumentReader, timer: _Timer, today: dt.date,
                printed: bool) -> list[_ImageRead]:
    """``images`` read as :func:`read_document` reads them once an MRZ is known to be perfect
    (no MRZ search), with the printed lines of those that show a face (``printed``: the
    printed fields are read)."""
    out = []
    for i, rgb in enumerate(images):
        r = _analyse(i, rgb, reader, timer, today, search_mrz=False, defer_card_back_faces=True)
        if printed and r.faces:
            t = time.perf_counter()
            r.printed = Future()
            r.printed.set_result(_lines_of(_printed_page(r), reader))
            timer.add("viz", t)
        out.append(r)
    return out


@dataclass(frozen=True)
class _Page:
    """An upright page to read the printed fields of, and the head-and-shoulders box of each
    portrait on it (left, top, width, height), where no line is read."""

    rgb: np.ndarray
    portraits: list[tuple[int, int, int, int]]


def _too_small(rgb: np.ndarray) -> bool:
    return rgb.shape[0] < 32 or rgb.shape[1] < 32


def _lines_of(page: _Page, reader: DocumentReader, regions: Any = None) -> Any:
    """The printed lines of ``page`` (:func:`_printed_page`), or None when it is too small, at
    the ``regions`` found on it already (:func:`_regions_above`: while the faces were
    searched), or else found now."""
    if _too_small(page.rgb):
        return None
    printed = reader.printed_fields()
    if regions is None:
        regions = printed.regions(page.rgb)
    return printed.lines(page.rgb, regions=regions, keep_out=page.portraits)


def _printed_page(r: _ImageRead) -> _Page:
    """The upright page the printed fields are read from: the view above the MRZ and its
    portraits. When the view is little more than the portrait (an outline found around the
    photo on the card, not around the card), the whole photo turned upright instead."""
    view, faces, shift = r.view, r.faces, np.eye(3)
    if faces and r.mrz is None:
        x, y, w, h = portrait_box(faces[0].box, view.shape)
        if w * h > 0.3 * view.shape[0] * view.shape[1] and r.view_to_photo is not None:
            ph, pw = r.rgb.shape[:2]
            to_view = np.linalg.inv(r.view_to_photo)
            corners = cv2.perspectiveTransform(np.array([[[0, 0]], [[pw, 0]], [[pw, ph]], [[0, ph]]], np.float64), to_view).reshape(-1, 2)
            lo, hi = corners.min(0), corners.max(0)
            shift = np.array([[1, 0, -lo[0]], [0, 1, -lo[1]], [0, 0, 1]], np.float64)
            size = (int(hi[0] - lo[0]), int(hi[1] - lo[1]))
            if 32 <= min(size) and max(size) <= 4 * max(pw, ph):
                view = cv2.warpPerspective(r.rgb, shift @ to_view, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
            else:
                shift = np.eye(3)
    if r.mrz is not None:
        return _page_above(view, r.mrz_top, faces)
    return _Page(view, _portrait_boxes(faces, shift, view.shape))


def _page_above(view: np.ndarray, mrz_top: int, faces: list[FaceOnDocument]) -> _Page:
    """The upright ``view`` above the MRZ zone starting at ``mrz_top``, and its portraits."""
    above = view[: max(16, mrz_top - 4)]
    return _Page(above, _portrait_boxes(faces, np.eye(3), above.shape))


def _portrait_boxes(faces: list[FaceOnDocument], shift: np.ndarray, shape: tuple[int, ...]) -> list[tuple[int, int, int, int]]:
    """The head-and-shoulders box of each face on a view of ``shape`` (``shift``: the faces'
    view -> that view), clipped to it."""
    out = []
    for f in faces:
        fx, fy, fw, fh = f.box
        pts = cv2.perspectiveTransform(np.array([[[fx, fy]], [[fx + fw, fy + fh]]], np.float64), shift).reshape(-1, 2)
        box = (int(pts[0, 0]), int(pts[0, 1]), int(pts[1, 0] - pts[0, 0]), int(pts[1, 1] - pts[0, 1]))
        out.append(portrait_box(box, shape))
    return out


def _map_box(box: tuple[int, int, int, int], m: np.ndarray, shape: tuple[int, ...]) -> pb.BoundingBox:
    x, y, w, h = box
    pts = np.array([[x, y], [x + w, y], [x + w, y + h], [x, y + h]], np.float64).reshape(-1, 1, 2)
    mapped = cv2.perspectiveTransform(pts, m).reshape(-1, 2)
    x0, y0 = np.clip(mapped.min(0), 0, [shape[1], shape[0]])
    x1, y1 = np.clip(mapped.max(0), 0, [shape[1], shape[0]])
    return pb.BoundingBox(left=int(round(x0)), top=int(round(y0)), width=int(round(x1 - x0)), height=int(round(y1 - y0)))


def _similarity(field_name: str, a: str, b: str, truncated: bool) -> float:
    from rapidfuzz import fuzz

    if field_name in ("surname", "given_names"):
        a, b = name_key(a), name_key(b)
        if truncated and len(b) > len(a):
            b = b[: len(a)]
    elif field_name == "document_number":
        a, b = a.replace("<", "").upper(), b.upper()
    if field_name in ("birth_date", "expiry_date", "sex", "nationality"):
        return 100.0 if a == b else 0.0
    return float(fuzz.ratio(a, b))


def _viz_name_is_partial_read(mrz_value: str, other_value: str) -> bool:
    """True when every token read from the printed name is one of the MRZ's name tokens.

    OCR of the printed zone drops words (an accented second given name, a word behind a
    hologram) or their ends far more often than it invents them, and a dropped word
    contradicts nothing;
    a different or extra word still counts as a mismatch.
    """
    mrz_tokens = set(name_key(mrz_value).split())
    # One or two letters not in the MRZ are the remains of a word OCR broke ("IN" of "JOHN").
    other_tokens = [t for t in name_key(other_value).split() if t in mrz_tokens or len(t) > 2]
    # A word cut short at a hologram or the page edge ("MIL" of "MILOS") is a partial read too,
    # and so is a piece of four letters or more from its middle or end (its start inside the
    # portrait's box, "SSON" of "ERIKSSON"; a line split in the wrong place, "ERGE").
    return bool(other_tokens) and all(t in mrz_tokens or (len(t) >= 3 and any(m.startswith(t) for m in mrz_tokens))
                                      or (len(t) >= 4 and any(t in m for m in mrz_tokens))
                                      for t in other_tokens)


#: The fewest characters of a document number a partial print read must show.
_PARTIAL_NUMBER = 5


def _viz_number_is_partial_read(mrz_value: str, other_value: str) -> bool:
    """True when the printed document number is the start or the end of the MRZ's, of at
    least :data:`_PARTIAL_NUMBER` characters: the print read lost the rest at a cut edge or a
    hologram (JT5234 of JT5234643, a phone photo of a card), which contradicts nothing."""
    a, b = mrz_value.replace("<", "").upper(), other_value.replace(" ", "").upper()
    return _PARTIAL_NUMBER <= len(b) < len(a) and (a.startswith(b) or a.endswith(b))


def _viz_number_is_another_number(mrz_value: str, other_value: str) -> bool:
    """True when the printed "number" is another number, not the MRZ's document number altered:
    two or more characters longer or shorter, and of another kind (digits only where the MRZ's
    holds letters, or letters where it holds none). A caption read short puts a personal code
    under "...No./Num." (a real Latvian card's 121282-88882 for the card's PA9992921); a number
    altered in the print keeps the issuer's kind of number (PA99929 or PA99929217 for
    PA9992921 is a mismatch)."""
    a, b = mrz_value.replace("<", "").upper(), "".join(ch for ch in other_value.upper() if ch.isalnum())
    kind = lambda text: any(ch.isalpha() for ch in text)  # noqa: E731
    return abs(len(a) - len(b)) >= 2 and kind(a) != kind(b)


_DIGRAPHS = (("AE", "A"), ("OE", "O"), ("UE", "U"), ("AA", "A"))


def _viz_name_is_one_slip(mrz_value: str, other_value: str) -> bool:
    """True when the printed name is the MRZ's but for one character, once the MRZ's
    transliteration digraphs are folded (MÜLLER is MUELLER in the MRZ and reads as MOLLER).

    A letter with a diacritic is what the printed-zone OCR misreads most; one character in a
    name of five or more is an OCR slip far more often than an altered document."""
    from rapidfuzz.distance import Levenshtein

    def fold(text: str) -> str:
        text = name_key(text).replace(" ", "")
        for digraph, letter in _DIGRAPHS:
            text = text.replace(digraph, letter)
        return text

    a, b = fold(mrz_value), fold(other_value)
    return min(len(a), len(b)) >= 5 and Levenshtein.distance(a, b) <= 1


def _mrz_fields(m: MrzResult, conf: float) -> dict[str, tuple[str, float]]:
    by = {c.field: c for c in m.checks}

    def checked(name: str) -> float:
        c = by.get(name)
        if c is None:
            return round(conf * m.score / 100.0, 3)
        return 1.0 if c.valid and not c.corrected else (0.9 if c.valid else 0.3)

    named = round(conf * m.score / 100.0, 3)
    return {
        "document_type": (m.document_type, named),
        "issuing_country": (m.issuing_country, 1.0 if m.field_validity["issuing_country"] else 0.3),
        "surname": (m.surname, named),
        "given_names": (m.given_names, named),
        "document_number": (m.document_number, checked("document_number")),
        "nationality": (m.nationality, 1.0 if m.field_validity["nationality"] else 0.3),
        "birth_date": (m.birth_date.iso, checked("birth_date")),
        "sex": (m.sex, named),
        "expiry_date": (m.expiry_date.iso, checked("expiry_date")),
        "optional_data": (m.optional_data, checked("composite") if "composite" in by else named),
    }


def _barcode_fields(b: AamvaLicence) -> dict[str, tuple[str, float]]:
    return {
        "document_type": ("DL", 1.0),
        "issuing_country": (b.country, 1.0),
        "surname": (b.surname, 1.0),
        "given_names": (b.given_names, 1.0),
        "document_number": (b.document_number, 1.0),
        "nationality": (b.country, 0.5),
        "birth_date": (b.birth_date.isoformat() if b.birth_date else "", 1.0),
        "sex": (b.sex, 1.0),
        "expiry_date": (b.expiry_date.isoformat() if b.expiry_date else "", 1.0),
    }


def _png(rgb: np.ndarray) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, format="PNG", compress_level=1)
    return buf.getvalue()


def read_document(images: Sequence[bytes], reader: DocumentReader, *, today: dt.date | None = None) -> pb.ReadDocumentResponse:
    """Read a document from its photos (front first; encoded JPEG/PNG/... bytes).

    Raises :class:`InvalidInput` (MISSING_FIELD) without images and
    :class:`~idverify.errors.ImageRejected` for an image that cannot be decoded; everything
    else, including "no document on the photo", is a result with reasons."""
    if not images:
        raise InvalidInput("at least one document image is required", reason="MISSING_FIELD", metadata={"field": "images"})
    if len(images) > 4:
        raise InvalidInput("at most 4 document images are accepted", reason="TOO_MANY_ITEMS", metadata={"field": "images"})
    today = today or dt.date.today()
    s = reader.settings
    timer = _Timer()
    decoded = []
    t = time.perf_counter()
    for data in images:
        rgb, _ = decode_image(data, max_pixels=s.max_image_pixels)
        decoded.append(rgb)
    timer.add("decode", t)
    # The last image first: a card's MRZ is on its back, sent after the front. Once one image
    # gives a perfect MRZ, the others are searched for the portrait and printed fields only (an
    # MRZ search of a card's front finds nothing, in every orientation and on two views); a
    # lesser one leaves them searched, and the best score across images wins.
    # A card's back (a TD1 MRZ) is searched for faces only when no other image shows one.
    # The other images are read meanwhile on the helper thread, without an MRZ search.
    last = len(decoded) - 1
    ahead = reader.helper.submit(_read_ahead, decoded[:last], reader, timer, today, s.viz == "always") if last else None
    reads = [_analyse(last, decoded[last], reader, timer, today, defer_card_back_faces=last > 0, faces_ahead=not last,
                      printed=s.viz == "always")]
    early = ahead.result() if ahead is not None else []
    for i in reversed(range(last)):
        perfect = any(_perfect(r.mrz) for r in reads)
        reads.append(early[i] if perfect else _analyse(i, decoded[i], reader, timer, today, defer_card_back_faces=True, early=early[i]))
    reads.reverse()
    if not any(r.faces for r in reads):
        for r in reads:
            if not r.faces_searched:
                _find_faces(r, reader, timer)

    resp = pb.ReadDocumentResponse(portrait_image_index=-1)
    mrz_reads = [r for r in reads if r.mrz is not None]
    best_mrz = max(mrz_reads, key=lambda r: r.mrz.result.score, default=None)
    barcode = next((r.barcode for r in reads if r.barcode is not None), None)

    # Portrait: the largest face on any image; smaller faces on that image are ghosts.
    with_faces = [r for r in reads if r.faces]
    portrait_read = max(with_faces, key=lambda r: r.faces[0].box[2] * r.faces[0].box[3], default=None)
    if portrait_read is not None:
        face = portrait_read.faces[0]
        pbox = portrait_box(face.box, portrait_read.view.shape)
        resp.portrait_image_index = portrait_read.index
        resp.portrait_box.CopyFrom(_map_box(pbox, portrait_read.view_to_photo, portrait_read.rgb.shape))
        x, y, w, h = pbox
        resp.portrait_png = _png(np.ascontiguousarray(portrait_read.view[y:y + h, x:x + w]))

    # The MRZ read well enough to use, or None.
    mrz_result = best_mrz.mrz.result if best_mrz is not None and best_mrz.mrz.result.score >= s.min_mrz_score else None
    # Printed fields, on the image with the portrait (the data page or the card's front).
    viz: dict[str, VizField] = {}
    want_viz = s.viz == "always" or (s.viz == "fallback" and best_mrz is None and barcode is None)
    viz_read = portrait_read or next((r for r in reads if r.view is not None), None)
    if want_viz and viz_read is not None:
        t = time.perf_counter()
        lines = viz_read.printed.result() if viz_read.printed is not None else _lines_of(_printed_page(viz_read), reader)
        if lines is not None:
            known = mrz_result or barcode
            names = {"surname": known.surname, "given_names": known.given_names} if known is not None else None
            viz = reader.printed_fields().fields(lines, us_dates=barcode is not None, names=names)
        timer.add("viz", t)

    sources: list[tuple[int, dict[str, tuple[str, float]]]] = []
    if mrz_result is not None:
        sources.append((pb.FIELD_SOURCE_MRZ, _mrz_fields(mrz_result, best_mrz.mrz.ocr_confidence)))
    if barcode is not None:
        sources.append((pb.FIELD_SOURCE_BARCODE, _barcode_fields(barcode)))
    if viz:
        sources.append((pb.FIELD_SOURCE_VIZ, {k: (v.value, round(v.confidence, 3)) for k, v in viz.items()}))
    doc = resp.document
    chosen: dict[str, str] = {}
    for source, values in sources:
        for name, (value, conf) in values.items():
            if not value:
                continue
            resp.fields.append(pb.FieldReading(field=name, value=value, source=source, confidence=conf))
            if name not in chosen:
                chosen[name] = value
                setattr(doc, name, value)
    if mrz_result is not None:
        doc.mrz_lines.extend(mrz_result.lines)
        doc.mrz_format = _FORMATS[mrz_result.format]
        doc.name_truncated = mrz_result.name_truncated
        resp.mrz_score = mrz_result.score
        for c in mrz_result.checks:
            resp.check_digits.append(pb.CheckDigit(field=c.field, valid=c.valid, read=c.read, computed=c.computed, corrected=c.corrected))
    elif best_mrz is not None:
        resp.mrz_score = best_mrz.mrz.result.score

    # Cross-checks: the MRZ against the printed fields and the barcode.
    mismatched = []
    if mrz_result is not None:
        mrz_values = _mrz_fields(mrz_result, 1.0)
        # Fields the MRZ reading itself doubts or read where nothing was seen: a print that
        # disagrees there is more likely right than a sign of an altered document (a phone
        # photo's MRZ read WEISS as WET, its name flagged MRZ_UNCERTAIN; the print read WEISS).
        unsure = {f for d in (*best_mrz.mrz.doubts, *best_mrz.mrz.obscured)
                  for f in (("surname", "given_names") if d == "name" else (d,))}
        for source, values in sources[1:]:
            for name in _COMPARED:
                if name in values and values[name][0] and mrz_values[name][0]:
                    sim = _similarity(name, mrz_values[name][0], values[name][0], mrz_result.name_truncated)
                    agree = sim >= (100.0 if name in ("birth_date", "expiry_date", "sex", "nationality") else s.viz_agreement_similarity)
                    if not agree and name in ("surname", "given_names"):
                        agree = (_viz_name_is_partial_read(mrz_values[name][0], values[name][0])
                                 or _viz_name_is_one_slip(mrz_values[name][0], values[name][0]))
                    if not agree and name == "document_number":
                        agree = _viz_number_is_partial_read(mrz_values[name][0], values[name][0])
                    # Only a confident print read against an MRZ whose digits all pass, on a
                    # field the reading does not doubt, can contradict it; OCR slips in small
                    # print sent genuine holders to review.
                    other_conf = values[name][1]
                    conclusive = (mrz_result.valid and other_conf >= s.viz_min_confidence and name not in unsure
                                  and not (name == "document_number" and _viz_number_is_another_number(mrz_values[name][0], values[name][0])))
                    resp.comparisons.append(pb.FieldComparison(
                        field=name, mrz_value=mrz_values[name][0], other_value=values[name][0], other_source=source,
                        agree=agree, similarity=sim, other_confidence=other_conf, conclusive=conclusive))
                    if not agree and conclusive:
                        mismatched.append(name)

    def as_date(iso: str) -> dt.date | None:
        try:
            return dt.date.fromisoformat(iso)
        except ValueError:
            return None  # unknown day or month ("1975-XX-XX") or nothing read

    found = any(r.located is not None or r.mrz_zone_found or r.barcode is not None or r.faces for r in reads)
    findings = document_checks(
        found=found,
        any_field_read=bool(chosen),
        mrz_found=best_mrz is not None,
        barcode_read=barcode is not None,
        mrz_score=best_mrz.mrz.result.score if best_mrz else None,
        mrz_valid=mrz_result.valid if mrz_result is not None else None,
        failed_check_digits=[c.field for c in mrz_result.checks if not c.valid] if mrz_result is not None else [],
        malformed_mrz_fields=_malformed_mrz_fields(mrz_result) if mrz_result is not None else [],
        uncertain_mrz_fields=list(best_mrz.mrz.doubts) if mrz_result is not None else [],
        obscured_mrz_fields=list(best_mrz.mrz.obscured) if mrz_result is not None else [],
        expiry=as_date(chosen.get("expiry_date", "")),
        birth=as_date(chosen.get("birth_date", "")),
        mismatched_fields=sorted(set(mismatched)),
        settings=s,
        today=today,
    )
    for f in findings:
        resp.reasons.append(pb.Reason(code=f.code, message=f.message, source="document"))
    for stage, ms in timer.stages.items():
        resp.timings.append(pb.StageTiming(stage=stage, milliseconds=round(ms, 2)))
    return resp
