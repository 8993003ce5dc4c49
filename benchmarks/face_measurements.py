"""Measure every image of ../shared/faces once, as a photo and printed on generated documents at
every docgen level, with idverify's pipeline and with plain face_recognition; cache the numbers.

    PYTHONPATH=. /work/venv/bin/python benchmarks/face_measurements.py [--shared ../shared/faces]
        [--cache /tmp/idverify-face-measurements.pkl]

Used by calibrate_faces.py and bench_faces.py, which only read the cache (the measuring takes
minutes on a shared core; the deciding takes milliseconds). The cache holds embeddings and
quality measures of the real faces: it lives under /tmp and is never committed or logged.

For image number i a portrait is framed around its face (35:45, the face 1/1.8 of the width,
as an ICAO photo), printed on generated document ``KINDS[i % 3]`` with seed ``SEED + i`` at each
level, and the document's front photo is turned upright by the ground truth's quarter turns
(the document reader's orientation step; the face detector expects upright faces).
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
CACHE_VERSION = 2


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


def _ours(data: bytes, document: bool, models, settings, image_settings) -> Measured:
    from idverify.faces.pipeline import analyse_image

    start = time.process_time()
    a = analyse_image(data, side="reference" if document else "probe", document=document, models=models,
                      settings=settings, image_settings=image_settings)
    cpu = time.process_time() - start
    index = a.message.selected_face_index
    measures = asdict(a.measures[index]) if a.embedding is not None else None
    box = a.message.faces[index].box if index >= 0 else None
    extra = {"box": (box.left, box.top, box.width, box.height) if box else None, "on_document": a.message.portrait_cropped}
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


def measure_all(shared: Path) -> dict:
    """Every image: {"photo": {...}, "<level>": {...}} for pipelines "ours" and "naive"."""
    from idverify.docgen import LEVELS, generate_document
    from idverify.faces.models import load_face_models
    from idverify.faces.settings import FaceSettings
    from idverify.images import ImageSettings, decode_image

    settings, image_settings = FaceSettings(), ImageSettings()
    models = load_face_models(settings)
    import face_recognition  # noqa: F401  (its models load before anything is timed)

    names = sorted({n for a, b, _ in read_pairs(shared) for n in (a, b)})
    out: dict = {"version": CACHE_VERSION, "levels": LEVELS, "images": {}}
    for i, name in enumerate(names):
        data = (shared / name).read_bytes()
        entry: dict = {"photo": {"ours": _ours(data, False, models, settings, image_settings), "naive": _naive(data)}}
        box = entry["photo"]["ours"].extra["box"]
        if box is not None:
            portrait = framed_portrait(decode_image(data, image_settings).rgb, box)
            for level in LEVELS:
                doc = generate_document(SEED + i, kind=KINDS[i % 3], level=level, portrait=portrait, today=TODAY)
                front = upright(doc)
                entry[level] = {"ours": _ours(front, True, models, settings, image_settings), "naive": _naive(front)}
        out["images"][name] = entry
        print(f"measured {i + 1}/{len(names)}", file=sys.stderr, flush=True)
    return out


class _Unpickler(pickle.Unpickler):
    """Finds Measured whether the cache was written by this module run as a script or imported."""

    def find_class(self, module: str, name: str):
        if name == "Measured":
            return Measured
        return super().find_class(module, name)


def load(cache: Path, shared: Path, *, remeasure: bool = False) -> dict:
    """The cached measurements, measuring (minutes) when the cache is absent, old or refused."""
    if cache.is_file() and not remeasure:
        with open(cache, "rb") as fh:
            data = _Unpickler(fh).load()
        if data.get("version") == CACHE_VERSION:
            return data
    data = measure_all(shared)
    with open(cache, "wb") as fh:
        pickle.dump(data, fh)
    return data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    args = parser.parse_args(argv)
    if not (args.shared / "pairs.csv").is_file():
        print(f"no {args.shared}/pairs.csv", file=sys.stderr)
        return 2
    data = load(args.cache, args.shared, remeasure=True)
    print(f"{len(data['images'])} images measured into {args.cache}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
