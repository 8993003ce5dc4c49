"""Measure every image of ../shared/faces once, as a photo and printed on generated documents at
every docgen level, with idverify's pipeline and with plain face_recognition; cache the numbers.

    PYTHONPATH=. /work/venv/bin/python benchmarks/face_measurements.py [--shared ../shared/faces]
        [--cache /tmp/idverify-face-measurements.pkl] [--reuse-naive]

Used by calibrate_faces.py and bench_faces.py, which only read the cache (the measuring takes
minutes on a shared core; the deciding takes milliseconds). The cache holds embeddings and
quality measures of the real faces: it lives under /tmp and is never committed or logged.

For image number i a portrait is framed around its face (35:45, the face 1/1.8 of the width,
as an ICAO photo), printed on generated document ``KINDS[i % 3]`` with seed ``SEED + i`` at each
level, and the document's front photo is turned upright by the ground truth's quarter turns
(the document reader's orientation step; the face detector expects upright faces).

Besides the pipeline's own embedding, every selected face is also encoded with the candidate
embedding variants of issue 20 (``VARIANTS``: mirrored chip averaged, dlib jitter, 5-point
alignment, restorations of document portraits), each with its extra CPU time, and on a document
the largest ghost portrait is encoded too (``extra["ghost"]``). ``--reuse-naive`` keeps the
face_recognition measurements of an existing cache (they do not depend on idverify's code) and
re-measures only idverify's, in about a third of the time.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import math
import pickle
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image

DEFAULT_SHARED = Path(__file__).resolve().parents[1] / ".." / "shared" / "faces"
DEFAULT_CACHE = Path("/tmp/idverify-face-measurements.pkl")
KINDS = ("td1", "td3", "dl")
SEED = 2000
TODAY = dt.date(2026, 1, 15)
#: Bumped whenever what is measured changes, so that an old cache is not silently reused.
CACHE_VERSION = 3


@dataclass
class Measured:
    """One reference or probe image as one pipeline saw it."""

    embedding: np.ndarray | None
    cpu_seconds: float
    measures: dict | None = None  # idverify's QualityMeasures of the selected face, as a dict
    on_document: bool = False
    extra: dict = field(default_factory=dict)


def read_pairs(shared: Path) -> list[tuple[str, str, bool]]:
    """(image a, image b, same person) for every row of pairs.csv."""
    with open(shared / "pairs.csv", newline="") as fh:
        return [(r["a"], r["b"], r["same"] == "1") for r in csv.DictReader(fh)]


def person(name: str) -> str:
    """The person of an image path ("barack_obama/obama2.jpg" -> "barack_obama")."""
    return name.split("/")[0]


def framed_portrait(rgb: np.ndarray, box) -> Image.Image:
    """A 35:45 portrait around ``box`` (left, top, width, height): face width 1/1.8 of the
    portrait, eyes a little above the middle; black where the photo ends."""
    left, top, width, height = box
    cx, cy = left + width / 2, top + height / 2
    w = width * 1.8
    h = w * 45 / 35
    x0, y0 = cx - w / 2, cy - h * 0.45
    return Image.fromarray(rgb).crop((round(x0), round(y0), round(x0 + w), round(y0 + h)))


def upright(doc) -> bytes:
    """The document's front photo turned by the quarter turns that bring its top edge level."""
    (x0, y0), (x1, y1) = doc.truth.quads[0][0], doc.truth.quads[0][1]
    quarter = round(math.degrees(math.atan2(y1 - y0, x1 - x0)) / 90) % 4
    if quarter == 0:
        return doc.images[0]
    buf = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(np.rot90(doc.arrays[0], quarter))).save(buf, format="PNG", compress_level=1)
    return buf.getvalue()


def _clahe(chip: np.ndarray) -> np.ndarray:
    """Contrast-limited histogram equalisation of the lightness (CIELAB L, 4x4 tiles, clip 2)."""
    import cv2

    lab = cv2.cvtColor(chip, cv2.COLOR_RGB2LAB)
    lab[..., 0] = cv2.createCLAHE(clipLimit=2.0, tileGridSize=(4, 4)).apply(lab[..., 0])
    return cv2.cvtColor(lab, cv2.COLOR_LAB2RGB)


def _median(chip: np.ndarray) -> np.ndarray:
    """5x5 median on the 150 px chip: removes thin printed lines (1-2 px on a 50 px face, 3-6 on
    the chip) and keeps edges."""
    import cv2

    return cv2.medianBlur(chip, 5)


def _nlmeans(chip: np.ndarray) -> np.ndarray:
    """Non-local means denoising (OpenCV, h = 7): JPEG blocks and sensor noise."""
    import cv2

    return cv2.fastNlMeansDenoisingColored(chip, None, 7, 7, 7, 21)


def _close(chip: np.ndarray) -> np.ndarray:
    """Grey closing then opening with a 3x3 cross: removes dark and light lines thinner than 3 px."""
    import cv2

    k = cv2.getStructuringElement(cv2.MORPH_CROSS, (3, 3))
    return cv2.morphologyEx(cv2.morphologyEx(chip, cv2.MORPH_CLOSE, k), cv2.MORPH_OPEN, k)


#: Restorations applied to a document reference's aligned chip before encoding (probes and photo
#: references are encoded as they are).
RESTORATIONS = {"clahe": _clahe, "median5": _median, "nlmeans": _nlmeans, "morph3": _close}
#: Every variant: (alignment "68"/"5", mirror averaged, dlib num_jitters, restoration or None).
VARIANTS = {
    "base": ("68", False, 1, None),
    "mirror": ("68", True, 1, None),
    "jitter10": ("68", False, 10, None),
    "p5": ("5", False, 1, None),
    "p5_mirror": ("5", True, 1, None),
    **{name: ("68", False, 1, name) for name in RESTORATIONS},
    "clahe_mirror": ("68", True, 1, "clahe"),
    "median5_mirror": ("68", True, 1, "median5"),
}


def _variants(rgb: np.ndarray, box, document: bool, models, predictor5, only: tuple[str, ...] | None = None
              ) -> dict[str, tuple[np.ndarray, float]]:
    """variant -> (embedding, CPU seconds to align and encode it) for the face in ``box``."""
    import dlib

    from idverify.faces.detect import FaceBox
    from idverify.faces.embed import crop_around

    crop = crop_around(rgb, FaceBox(box[0], box[1], box[0] + box[2], box[1] + box[3], 0.0))
    out = {}
    for name, (alignment, mirror, jitters, restoration) in VARIANTS.items():
        if (restoration is not None and not document) or (only is not None and name not in only):
            continue
        start = time.process_time()
        shape = (predictor5 if alignment == "5" else models.predictor68)(crop.pixels, crop.rect)
        chip = dlib.get_face_chip(crop.pixels, shape, size=150, padding=0.25)
        if restoration is not None:
            chip = np.ascontiguousarray(RESTORATIONS[restoration](chip))
        if jitters > 1:
            e = np.array(models.encoder.compute_face_descriptor(chip, jitters), dtype=np.float64)
        else:
            e = np.array(models.encoder.compute_face_descriptor(chip), dtype=np.float64)
        if mirror:
            flipped = np.ascontiguousarray(chip[:, ::-1])
            e = (e + np.array(models.encoder.compute_face_descriptor(flipped), dtype=np.float64)) / 2.0
        out[name] = (e, time.process_time() - start)
    return out


def _ours(data: bytes, document: bool, models, settings, image_settings, predictor5=None) -> Measured:
    from idverify.faces.pipeline import analyse_image
    from idverify.images import decode_image

    start = time.process_time()
    a = analyse_image(data, side="reference" if document else "probe", document=document, models=models,
                      settings=settings, image_settings=image_settings)
    cpu = time.process_time() - start
    index = a.message.selected_face_index
    measures = asdict(a.measures[index]) if a.embedding is not None else None
    box = a.message.faces[index].box if index >= 0 else None
    extra: dict = {"box": (box.left, box.top, box.width, box.height) if box else None, "on_document": a.message.portrait_cropped}
    if predictor5 is not None and box is not None:
        rgb = decode_image(data, image_settings).rgb
        extra["variants"] = _variants(rgb, extra["box"], document, models, predictor5)
        ghosts = [f for f in a.message.faces if f.role == "ghost_portrait"]
        if ghosts:
            g = ghosts[0]
            gbox = (g.box.left, g.box.top, g.box.width, g.box.height)
            gstart = time.process_time()
            ge = _variants(rgb, gbox, False, models, predictor5, only=("base",))["base"][0]
            extra["ghost"] = {"embedding": ge, "cpu_seconds": time.process_time() - gstart,
                              "width": g.box.width, "acceptable": g.quality.acceptable}
    return Measured(a.embedding, cpu, measures, document, extra)


def _naive(data: bytes) -> Measured:
    """face_recognition as its README shows it: load, face_locations (HOG, 1 upsampling),
    face_encodings at full resolution; the largest face when there are several."""
    import face_recognition

    start = time.process_time()
    image = face_recognition.load_image_file(io.BytesIO(data))
    locations = face_recognition.face_locations(image)
    embedding = None
    if locations:
        largest = max(locations, key=lambda b: (b[1] - b[3]) * (b[2] - b[0]))
        embedding = face_recognition.face_encodings(image, [largest])[0]
    return Measured(embedding, time.process_time() - start)


def measure_all(shared: Path, naive_from: dict | None = None) -> dict:
    """Every image: {"photo": {...}, "<level>": {...}} for pipelines "ours" and "naive"; the
    naive measurements are taken from ``naive_from`` (an earlier cache) when given."""
    from idverify.docgen import LEVELS, generate_document
    from idverify.faces.models import load_face_models
    from idverify.faces.settings import FaceSettings
    from idverify.images import ImageSettings, decode_image

    settings, image_settings = FaceSettings(), ImageSettings()
    models = load_face_models(settings)
    import dlib

    from idverify.faces.models import model_dir

    predictor5 = dlib.shape_predictor(str(model_dir() / "shape_predictor_5_face_landmarks.dat"))
    if naive_from is None:
        import face_recognition  # noqa: F401  (its models load before anything is timed)

    def naive(name: str, set_name: str, data: bytes) -> Measured:
        if naive_from is not None:
            return naive_from["images"][name][set_name]["naive"]
        return _naive(data)

    names = sorted({n for a, b, _ in read_pairs(shared) for n in (a, b)})
    out: dict = {"version": CACHE_VERSION, "levels": LEVELS, "images": {}}
    for i, name in enumerate(names):
        data = (shared / name).read_bytes()
        entry: dict = {"photo": {"ours": _ours(data, False, models, settings, image_settings, predictor5),
                                 "naive": naive(name, "photo", data)}}
        box = entry["photo"]["ours"].extra["box"]
        if box is not None:
            portrait = framed_portrait(decode_image(data, image_settings).rgb, box)
            for level in LEVELS:
                doc = generate_document(SEED + i, kind=KINDS[i % 3], level=level, portrait=portrait, today=TODAY)
                front = upright(doc)
                entry[level] = {"ours": _ours(front, True, models, settings, image_settings, predictor5),
                                "naive": naive(name, level, front)}
        out["images"][name] = entry
        print(f"measured {i + 1}/{len(names)}", file=sys.stderr, flush=True)
    return out


class _Unpickler(pickle.Unpickler):
    """Finds Measured whether the cache was written by this module run as a script or imported."""

    def find_class(self, module: str, name: str):
        if name == "Measured":
            return Measured
        return super().find_class(module, name)


def load(cache: Path, shared: Path, *, remeasure: bool = False, reuse_naive: bool = False) -> dict:
    """The cached measurements, measuring (minutes) when the cache is absent, old or refused;
    with ``reuse_naive`` the face_recognition numbers of the existing cache are kept."""
    old = None
    if cache.is_file():
        with open(cache, "rb") as fh:
            old = _Unpickler(fh).load()
        if old.get("version") == CACHE_VERSION and not remeasure:
            return old
    data = measure_all(shared, old if reuse_naive and old is not None else None)
    with open(cache, "wb") as fh:
        pickle.dump(data, fh)
    return data


def load_for_report(shared: Path, cache: Path) -> dict | None:
    """What a report reads: the cached measurements (measured first when absent or old), or None
    with a message when ``shared`` has no pairs.csv."""
    if not (shared / "pairs.csv").is_file():
        print(f"no {shared}/pairs.csv; nothing to measure", file=sys.stderr)
        return None
    return load(cache, shared)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--reuse-naive", action="store_true", help="keep the cache's face_recognition measurements")
    args = parser.parse_args(argv)
    if not (args.shared / "pairs.csv").is_file():
        print(f"no {args.shared}/pairs.csv", file=sys.stderr)
        return 2
    data = load(args.cache, args.shared, remeasure=True, reuse_naive=args.reuse_naive)
    print(f"{len(data['images'])} images measured into {args.cache}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
