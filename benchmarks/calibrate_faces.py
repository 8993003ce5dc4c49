"""Calibrate the face-decision thresholds on ../shared/faces and document-like portraits.

    PYTHONPATH=. /work/venv/bin/python benchmarks/calibrate_faces.py [--shared ../shared/faces]

For every pair in pairs.csv (94 same-person, 1391 different-person) it measures the embedding
distance (a) photo against photo and (b) a document-like portrait made from photo a (face
60-80 px wide, grey, softened, JPEG quality 40, as on a printed ID photographed by a phone)
against photo b. It prints the distance distributions, FAR (different-person pairs at or
below a threshold) and FRR (same-person pairs above it) at candidate thresholds, and the
quality measures of the degraded portraits. Nothing is written to disk; no image is logged.
"""

from __future__ import annotations

import argparse
import csv
import io
import statistics
import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter

from idverify.faces.decide import decide
from idverify.faces.models import load_face_models
from idverify.faces.pipeline import analyse_image
from idverify.faces.settings import FaceSettings
from idverify.images import ImageSettings, decode_image
from idverify.faces.detect import detect_faces

DEFAULT_SHARED = Path(__file__).resolve().parents[1] / ".." / "shared" / "faces"
FACE_WIDTHS = (60, 70, 80)


def document_portrait(data: bytes, face_width: int, models, settings) -> bytes:
    """A document-like portrait from a photo: 35x45 framing, face ``face_width`` px, grey,
    slightly soft, JPEG quality 40."""
    image = decode_image(data)
    boxes = detect_faces(image.rgb, models, settings)
    if not boxes:
        raise ValueError("no face to build a portrait from")
    box = boxes[0]
    cx, cy = (box.left + box.right) / 2, (box.top + box.bottom) / 2
    w = box.width * 1.8
    h = w * 45 / 35
    left, top = cx - w / 2, cy - h * 0.45
    pil = Image.fromarray(image.rgb)
    # crop() pads outside the image with black; the framing stays the same for every photo.
    portrait = pil.crop((round(left), round(top), round(left + w), round(top + h)))
    scale = face_width / box.width
    portrait = portrait.resize((max(1, round(w * scale)), max(1, round(h * scale))), Image.Resampling.LANCZOS)
    portrait = portrait.convert("L").filter(ImageFilter.GaussianBlur(0.6))
    buf = io.BytesIO()
    portrait.save(buf, format="JPEG", quality=40)
    return buf.getvalue()


def rates(genuine: list[float], impostor: list[float], t: float) -> tuple[float, float]:
    """(FAR, FRR) in percent at threshold ``t``: impostors <= t, genuine > t."""
    far = 100.0 * sum(d <= t for d in impostor) / len(impostor)
    frr = 100.0 * sum(d > t for d in genuine) / len(genuine)
    return far, frr


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    args = parser.parse_args(argv)
    pairs_csv = args.shared / "pairs.csv"
    if not pairs_csv.is_file():
        print(f"no {pairs_csv}; nothing to calibrate", file=sys.stderr)
        return 2
    with open(pairs_csv, newline="") as fh:
        pairs = [(r["a"], r["b"], r["same"] == "1") for r in csv.DictReader(fh)]
    settings, image_settings = FaceSettings(), ImageSettings()
    models = load_face_models(settings)
    names = sorted({p for a, b, _ in pairs for p in (a, b)})
    photo, portrait, portrait_q, ok = {}, {}, {}, {}
    for i, name in enumerate(names):
        data = (args.shared / name).read_bytes()
        a = analyse_image(data, side="probe", document=False, models=models, settings=settings, image_settings=image_settings)
        photo[name] = a.embedding
        ok[("photo", name)] = a.acceptable
        small = document_portrait(data, FACE_WIDTHS[i % len(FACE_WIDTHS)], models, settings)
        r = analyse_image(small, side="reference", document=False, models=models, settings=settings, image_settings=image_settings)
        portrait[name] = r.embedding
        ok[("portrait", name)] = r.acceptable
        portrait_q[name] = (r.measures[r.message.selected_face_index] if r.embedding is not None else None, [x.code for x in r.message.reasons])
    missing_photo = [n for n in names if photo[n] is None]
    missing_portrait = [n for n in names if portrait[n] is None]
    print(f"images: {len(names)}; no face on photo: {len(missing_photo)}; no face on portrait: {len(missing_portrait)}")

    results, decisions = {}, {}
    for label, kind, left in (("photo vs photo", "photo", photo), ("document portrait vs photo", "portrait", portrait)):
        genuine, impostor = [], []
        counts = {(same, d): 0 for same in (True, False) for d in ("MATCH", "INCONCLUSIVE", "NO_MATCH")}
        for a, b, same in pairs:
            if left[a] is None or photo[b] is None:
                counts[(same, "INCONCLUSIVE")] += 1
                continue
            d = float(np.linalg.norm(left[a] - photo[b]))
            (genuine if same else impostor).append(d)
            decision = decide(d, settings.match_distance, settings.no_match_distance).value
            if not (ok[(kind, a)] and ok[("photo", b)]) and settings.low_quality_is_inconclusive:
                decision = "INCONCLUSIVE"
            counts[(same, decision)] += 1
        results[label] = (genuine, impostor)
        decisions[label] = counts
        print(f"\n### {label}: {len(genuine)} genuine, {len(impostor)} impostor pairs\n")
        print("| | min | p5 | median | p95 | max |\n|---|---|---|---|---|---|")
        for kind, ds in (("genuine", genuine), ("impostor", impostor)):
            q = np.percentile(ds, [0, 5, 50, 95, 100])
            print(f"| {kind} | " + " | ".join(f"{v:.3f}" for v in q) + " |")
    all_genuine = [d for g, _ in results.values() for d in g]
    all_impostor = [d for _, i in results.values() for d in i]
    print("\n### FAR / FRR by threshold (percent)\n")
    print("FAR: different-person pairs at or below the threshold; FRR: same-person pairs above it.\n")
    header = "| threshold | " + " | ".join(f"{k} FAR | {k} FRR" for k in results) + " |"
    print(header)
    print("|---" * (1 + 2 * len(results)) + "|")
    for t in np.arange(0.40, 0.71, 0.02):
        cells = []
        for genuine, impostor in results.values():
            far, frr = rates(genuine, impostor, float(t))
            cells += [f"{far:.2f}", f"{frr:.2f}"]
        print(f"| {t:.2f} | " + " | ".join(cells) + " |")
    print(f"\nlargest genuine distance: {max(all_genuine):.3f}; smallest impostor distance: {min(all_impostor):.3f}")
    s = settings
    far, not_matched = rates(all_genuine, all_impostor, s.match_distance)
    not_rejected, frr = rates(all_genuine, all_impostor, s.no_match_distance)
    print(
        f"both sets together: FAR (different people decided MATCH) {far:.2f}% at match_distance "
        f"{s.match_distance:.2f}; FRR (same person decided NO_MATCH) {frr:.2f}% at no_match_distance "
        f"{s.no_match_distance:.2f}; left to review: {not_matched:.2f}% of same-person and "
        f"{not_rejected:.2f}% of different-person pairs"
    )
    band = sum(s.match_distance < d <= s.no_match_distance for d in all_genuine + all_impostor)
    print(f"pairs in the INCONCLUSIVE band: {band} of {len(all_genuine) + len(all_impostor)}")
    print(
        f"\n### decisions at match_distance {s.match_distance:.2f} / no_match_distance "
        f"{s.no_match_distance:.2f}, with the quality gate (counts)\n"
    )
    print("| set | pairs | MATCH | INCONCLUSIVE | NO_MATCH |\n|---|---|---|---|---|")
    for label, counts in decisions.items():
        for same, name in ((True, "same person"), (False, "different people")):
            row = [counts[(same, d)] for d in ("MATCH", "INCONCLUSIVE", "NO_MATCH")]
            print(f"| {label}, {name} | {sum(row)} | " + " | ".join(map(str, row)) + " |")

    measured = [m for m, _ in portrait_q.values() if m is not None]
    print("\n### document-like portraits: quality measures (min / median / max)\n")
    for attr in ("face_width_px", "inter_eye_distance_px", "sharpness", "brightness", "contrast", "yaw_degrees", "pitch_degrees"):
        v = [getattr(m, attr) for m in measured]
        print(f"- {attr}: {min(v):.1f} / {statistics.median(v):.1f} / {max(v):.1f}")
    flagged = {n: c for n, (_, c) in portrait_q.items() if c}
    print(f"- portraits with image reasons: {len(flagged)} {sorted(set(x for c in flagged.values() for x in c))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
