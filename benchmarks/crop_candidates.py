"""Issue 20 item 2, last step: choosing the reference's crop among several candidates by quality.

    PYTHONPATH=. /work/venv/bin/python benchmarks/face_measurements.py --reuse-naive   # once, ~12 min
    PYTHONPATH=. nice -n 10 /work/venv/bin/python benchmarks/crop_candidates.py --measure   # ~15 min, cached
    PYTHONPATH=. /work/venv/bin/python benchmarks/crop_candidates.py                    # seconds

The pipeline embeds the reference face found by the first detector pass that reaches it
(documents stop there). Other candidate crops of the same face exist: the box the next
upsampling passes find for it (dlib's HOG boxes move and shrink with the pyramid level), and
the same box on pixels upscaled 2x (cubic) before the landmarks, so the 68-point fit has more
pixels on a 50 px face. ``--measure`` re-creates every reference of the face_measurements cache
(the photo, and the documents at each level, byte for byte: same seeds, same framing), finds
every candidate, and measures each with the pipeline's own steps (landmarks, QualityMeasures,
68-point embedding) and its CPU time; the candidates go to their own cache (the main one is not
touched). The report scores the rules below like embedding_variants.py (same columns: EER, FRR
at FAR 0.1%, shipped and held-out decisions, CPU ms per pair including the extra detector pass
and encodings a rule needs):

    base          the pipeline's crop
    pass+1        always the next pass's box (when it finds the face)
    up2x          always the 2x-upscaled crop
    min_pose      the candidate whose fitted head pose is closest to frontal (|yaw| + |pitch|):
                  the candidates show one face in one pose, so what differs between them is
                  the landmark fit, the error that moves the embedding; a heuristic
    max_sharp     the candidate with the highest sharpness (QualityMeasures.sharpness)
    max_score     the candidate with the highest detector score (the up2x crop keeps its box's)
Every rule keeps the base crop when it is the only candidate. Nothing is printed per image.
"""

from __future__ import annotations

import argparse
import pickle
import sys
import time
from dataclasses import asdict, replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import calibrate_faces as cal  # noqa: E402
import embedding_variants as ev  # noqa: E402
import face_measurements as fm  # noqa: E402

from idverify.faces.quality import QualityMeasures  # noqa: E402
from idverify.faces.settings import FaceSettings  # noqa: E402

DEFAULT_CACHE = Path("/tmp/idverify-face-crops.pkl")
CACHE_VERSION = 1
RULES = ("base", "pass+1", "up2x", "min_pose", "max_sharp", "max_score")


def _iou(a, b) -> float:
    """Intersection over union of (left, top, width, height) boxes."""
    x0, y0 = max(a[0], b[0]), max(a[1], b[1])
    x1, y1 = min(a[0] + a[2], b[0] + b[2]), min(a[1] + a[3], b[1] + b[3])
    inter = max(0, x1 - x0) * max(0, y1 - y0)
    return inter / float(a[2] * a[3] + b[2] * b[3] - inter) if inter else 0.0


def _measure_crop(rgb: np.ndarray, box, score: float, models, upscale: float = 1.0) -> dict:
    """The pipeline's own landmarks, quality and embedding for ``box`` (left, top, width,
    height in ``rgb`` pixels), on pixels upscaled by ``upscale`` first; with its CPU seconds."""
    import cv2

    from idverify.faces.detect import FaceBox
    from idverify.faces.embed import crop_around, encode_face, landmarks68
    from idverify.faces.quality import measure_quality

    start = time.process_time()
    left, top, width, height = box
    pixels, fbox = rgb, FaceBox(left, top, left + width, top + height, score)
    if upscale != 1.0:
        # Only the neighbourhood the crop reads is upscaled (a box-size margin each side).
        m = max(width, height)
        x0, y0 = max(0, left - m), max(0, top - m)
        x1, y1 = min(rgb.shape[1], left + width + m), min(rgb.shape[0], top + height + m)
        region = rgb[y0:y1, x0:x1]
        pixels = np.ascontiguousarray(cv2.resize(region, None, fx=upscale, fy=upscale, interpolation=cv2.INTER_CUBIC))
        fbox = FaceBox(round((left - x0) * upscale), round((top - y0) * upscale),
                       round((left - x0 + width) * upscale), round((top - y0 + height) * upscale), score)
    crop = crop_around(pixels, fbox)
    shape, points = landmarks68(crop, models)
    measures = measure_quality(pixels, fbox, points)
    if upscale != 1.0:  # sizes in the original image's pixels, so the class rule reads them as before
        measures = replace(measures, face_width_px=measures.face_width_px / upscale,
                           inter_eye_distance_px=measures.inter_eye_distance_px / upscale)
    embedding = encode_face(crop, models, shape)
    return {"box": box, "score": score, "upscale": upscale, "measures": asdict(measures), "embedding": embedding,
            "cpu_seconds": time.process_time() - start}


def candidates(data: bytes, base_box, models, settings, image_settings) -> dict:
    """{"base", "pass+1", "up2x"} -> measured candidate (absent when not found), and the CPU
    seconds of the one extra detector pass ``pass+1`` needs."""
    import cv2

    from idverify.faces.detect import _run_detector, working_scale
    from idverify.images import decode_image

    rgb = decode_image(data, image_settings).rgb
    height, width = rgb.shape[:2]
    scale = working_scale(width, height, settings)
    work = rgb if scale == 1.0 else cv2.resize(
        rgb, (max(1, round(width * scale)), max(1, round(height * scale))),
        interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC)
    # The pass the pipeline found the face at is the first whose boxes overlap it.
    out: dict = {"base": _measure_crop(rgb, base_box, 0.0, models)}
    found_at = None
    for upsample in range(settings.upsample, settings.max_upsample + 1):
        start = time.process_time()
        cands = _run_detector(work, models, upsample, settings.fallback_threshold)
        cpu = time.process_time() - start
        boxes = [((round(c[0] / scale), round(c[1] / scale), round((c[2] - c[0]) / scale), round((c[3] - c[1]) / scale)),
                  c[4]) for c in cands]
        best = max(boxes, key=lambda b: _iou(b[0], base_box), default=None)
        if best is None or _iou(best[0], base_box) < 0.3:
            continue
        if found_at is None:
            found_at = upsample
            out["base"]["score"] = best[1]
        elif upsample == found_at + 1:
            if best[0] != tuple(base_box):
                out["pass+1"] = _measure_crop(rgb, best[0], best[1], models)
            out["pass+1_detect_cpu"] = cpu
            break
    out["up2x"] = _measure_crop(rgb, base_box, out["base"]["score"], models, upscale=2.0)
    return out


#: The order sets are measured in: the hardest first, where a better crop matters most, so that
#: an interrupted run has whole sets to report.
ORDER = ("hard", "strong", "clean", "mild", "photo")


def measure(shared: Path, main: dict, cache: Path) -> dict:
    """Every reference of the face_measurements cache ``main``, re-created and measured, set by
    set (``ORDER``); written to ``cache`` after each reference, and a run resumes from it."""
    from idverify.docgen import generate_document
    from idverify.faces.models import load_face_models
    from idverify.images import ImageSettings, decode_image

    settings, image_settings = FaceSettings(), ImageSettings()
    models = load_face_models(settings)
    names = sorted({n for a, b, _ in fm.read_pairs(shared) for n in (a, b)})
    out: dict = {"version": CACHE_VERSION, "images": {}, "sets": []}
    if cache.is_file():
        with open(cache, "rb") as fh:
            old = pickle.load(fh)
        if old.get("version") == CACHE_VERSION:
            out = old
    for set_name in ORDER:
        if set_name in out["sets"]:
            continue
        for i, name in enumerate(names):
            entry = out["images"].setdefault(name, {})
            photo_box = main["images"][name]["photo"]["ours"].extra["box"]
            box = main["images"][name].get(set_name, {"ours": None})["ours"]
            if set_name in entry or photo_box is None or box is None or box.extra["box"] is None:
                continue
            data = (shared / name).read_bytes()
            if set_name != "photo":
                portrait = fm.framed_portrait(decode_image(data, image_settings).rgb, photo_box)
                doc = generate_document(fm.SEED + i, kind=fm.KINDS[i % 3], level=set_name, portrait=portrait,
                                        today=fm.TODAY)
                data = fm.upright(doc)
            entry[set_name] = candidates(data, box.extra["box"], models, settings, image_settings)
            with open(cache, "wb") as fh:
                pickle.dump(out, fh)
            print(f"measured {set_name} {i + 1}/{len(names)}", file=sys.stderr, flush=True)
        out["sets"].append(set_name)
        with open(cache, "wb") as fh:
            pickle.dump(out, fh)
    return out


def choose(rule: str, cands: dict) -> tuple[dict, float]:
    """The candidate ``rule`` picks and the extra CPU seconds the rule costs over the base crop."""
    options = [cands[k] for k in ("base", "pass+1", "up2x") if k in cands]
    detect = cands.get("pass+1_detect_cpu", 0.0)
    extra_pass = detect + (cands["pass+1"]["cpu_seconds"] if "pass+1" in cands else 0.0)
    if rule == "base":
        return cands["base"], 0.0
    if rule == "pass+1":
        return cands.get("pass+1", cands["base"]), extra_pass
    if rule == "up2x":
        return cands["up2x"], cands["up2x"]["cpu_seconds"]
    cost = extra_pass + cands["up2x"]["cpu_seconds"]
    if rule == "min_pose":
        return min(options, key=lambda c: abs(c["measures"]["yaw_degrees"]) + abs(c["measures"]["pitch_degrees"])), cost
    if rule == "max_sharp":
        return max(options, key=lambda c: c["measures"]["sharpness"]), cost
    return max(options, key=lambda c: c["score"]), cost


def with_rule(pairs: list[cal.Pair], crops: dict, main: dict, rule: str, settings: FaceSettings) -> list[cal.Pair]:
    """``pairs`` with the reference re-embedded from the crop ``rule`` picks; its class and
    quality re-read from that crop's measures."""
    out = []
    for p in pairs:
        cands = crops["images"].get(p.a, {}).get(p.set)
        probe = main["images"][p.b]["photo"]["ours"].embedding
        if cands is None or p.distance is None or probe is None:
            out.append(p)
            continue
        chosen, extra = choose(rule, cands)
        measures = QualityMeasures(**chosen["measures"])
        on_document = main["images"][p.a][p.set]["ours"].on_document
        cls = cal.classify_reference(measures, on_document=on_document, settings=settings)
        out.append(replace(p, distance=float(np.linalg.norm(chosen["embedding"] - probe)), reference_class=cls,
                           ref_measures=measures, cpu_ours=p.cpu_ours + extra))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=fm.DEFAULT_SHARED)
    parser.add_argument("--cache", type=Path, default=fm.DEFAULT_CACHE)
    parser.add_argument("--crops", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--measure", action="store_true",
                        help="measure the candidates of every image not yet in --crops (minutes)")
    parser.add_argument("--margin", type=float, default=0.02)
    args = parser.parse_args(argv)
    data = fm.load_for_report(args.shared, args.cache)
    if data is None:
        return 2
    settings = FaceSettings()
    if args.measure or not args.crops.is_file():
        measure(args.shared, data, args.crops)
    with open(args.crops, "rb") as fh:
        crops = pickle.load(fh)
    if crops.get("version") != CACHE_VERSION:
        print("the crop cache is old; run with --measure", file=sys.stderr)
        return 2
    done = [s for s in ORDER if s in crops.get("sets", [])]
    if len(done) < len(ORDER):
        print(f"partial crop cache: sets {', '.join(done) or 'none'} measured; the others keep the base crop\n")
    base = cal.build_pairs(data, args.shared, settings)  # thresholds are fitted on every set
    sets = [s for s in dict.fromkeys(p.set for p in base) if s in done]
    refs = {s: [e[s] for e in crops["images"].values() if s in e] for s in sets}
    print("references whose next detector pass finds a different box, per set: " + ", ".join(
        f"{s} {sum('pass+1' in c for c in refs[s])}/{len(refs[s])}" for s in sets) + "\n")
    for rule in RULES[3:]:
        picked = {s: [choose(rule, c)[0] for c in refs[s]] for s in sets}
        print(f"{rule} picks (base / pass+1 / up2x): " + ", ".join(
            f"{s} {sum(p is c['base'] for p, c in zip(picked[s], refs[s]))}/"
            f"{sum(p is c.get('pass+1') for p, c in zip(picked[s], refs[s]))}/"
            f"{sum(p is c['up2x'] for p, c in zip(picked[s], refs[s]))}" for s in sets))
    print()
    ev.print_rows([(f"crop {rule}", with_rule(base, crops, data, rule, settings)) for rule in RULES], settings,
                  args.margin, sets)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
