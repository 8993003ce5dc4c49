"""Labelled MRZ character cells for training and testing the OCR-B cell classifier.

Documents are generated (:func:`~idverify.docgen.generate_document`) at every degradation
level, the MRZ is found on the photo by the reader's own locator, and every cell is cut the
way the reader cuts it (:func:`~idverify.documents.mrz.ocrb_cells.cell_images`), labelled with
the true MRZ character. With ``jitter`` each line is also cut again with its grid shifted,
stretched and its height misjudged by a little, as the grid fit slips on real photos. A line
whose grid clearly slipped (the template reader agrees with the truth on fewer than 60% of its
cells) is left out: its labels would be wrong.

    python -m idverify.docgen.ocrb_cells --seeds 700000:700900 --out cells.npz

Deterministic in its arguments (the generator is; jitter uses ``random.Random(seed)``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
from collections.abc import Iterable, Iterator

import cv2
import numpy as np

from idverify.docgen import LEVELS, _portrait, generate_document
from idverify.docgen.degrade import degrade
from idverify.docgen.identities import random_identity
from idverify.docgen.photograph import photograph, security_print
from idverify.docgen.render import render_td1_back, render_td3, soften
from idverify.documents.mrz import MrzFields, MrzFormat, compose_mrz
from idverify.documents.locate import rotate_bound
from idverify.documents.mrz.locate import MrzLine, MrzZone, find_mrz
from idverify.documents.mrz.ocr import cell_strip, template_read
from idverify.documents.mrz.ocrb_cells import SYMBOLS, cell_images

__all__ = ["document_lines", "harvest"]


def _upright_zone(gray: np.ndarray, truth_lines: tuple[str, ...]) -> tuple[np.ndarray, MrzZone] | None:
    """The view (turned by quarters, deskewed) on which the MRZ of the truth is found."""
    best = None
    for k in (0, 1, 3, 2):
        view = np.ascontiguousarray(np.rot90(gray, k)) if k else gray
        zone = find_mrz(view)
        if zone is None:
            continue
        if abs(zone.angle) > 1.0:
            view, _ = rotate_bound(view, -zone.angle)
            zone = find_mrz(view)
            if zone is None:
                continue
        if [line.length for line in zone.lines] != [len(t) for t in truth_lines]:
            continue
        agree = _agreement(view, zone.lines, truth_lines)
        if best is None or agree > best[0]:
            best = (agree, view, zone)
        if agree > 0.8:
            break
    return (best[1], best[2]) if best else None


def _agreement(view: np.ndarray, lines: Iterable[MrzLine], truth_lines: tuple[str, ...]) -> float:
    hits = total = 0
    for line, truth in zip(lines, truth_lines):
        strip = cv2.GaussianBlur(cell_strip(view, line), (3, 3), 0)
        _, binary = cv2.threshold(strip, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
        text = template_read(binary, line.length).text
        hits += sum(a == b for a, b in zip(text, truth))
        total += len(truth)
    return hits / max(1, total)


def _jittered(line: MrzLine, rng: random.Random) -> MrzLine:
    """The line's grid shifted by up to a fifth of a cell, its pitch off by up to 3%, each
    centre wobbling a little, its height misjudged by up to 15%."""
    n = line.length
    c = line.centers.astype(np.float64)
    mid = c.mean(0)
    stretch = 1 + rng.uniform(-0.03, 0.03)
    shift = np.array([rng.uniform(-0.2, 0.2) * line.pitch, rng.uniform(-0.1, 0.1) * line.height])
    wobble = np.array([[rng.gauss(0, 0.05) * line.pitch, rng.gauss(0, 0.04) * line.height] for _ in range(n)])
    centers = mid + (c - mid) * stretch + shift + wobble
    return MrzLine(centers, line.pitch * stretch, line.height * (1 + rng.uniform(-0.15, 0.15)))


def _scrambled(seed: int, kind: str, level: str) -> tuple[np.ndarray, tuple[str, ...]]:
    """The MRZ side of a document whose MRZ has half its characters replaced by random
    symbols (uniform over A-Z and 0-9, a few fillers), photographed at ``level``: names
    rarely hold Q, X or Z, and the classifier must know every symbol. Returns (RGB, lines)."""
    rng = random.Random(f"{seed}:{kind}:{level}:scrambled")
    ident = random_identity(rng, dt.date(2026, 1, 1))
    fmt = MrzFormat.TD3 if kind == "td3" else MrzFormat.TD1
    fields = MrzFields(fmt, "P" if kind == "td3" else "ID", "UTO", ident.surname, ident.given_names, ident.document_number,
                       ident.nationality, ident.birth_date.strftime("%y%m%d"), ident.sex,
                       ident.expiry_date.strftime("%y%m%d"), optional_data=ident.personal_number[:15])
    lines, _ = compose_mrz(fields)
    alnum = SYMBOLS[:-1]
    lines = tuple("".join((rng.choice(alnum) if rng.random() < 0.5 else c) if c != "<" else
                          (rng.choice(alnum) if rng.random() < 0.15 else c) for c in line) for line in lines)
    if kind == "td3":
        side = render_td3(ident, lines, _portrait(None, rng), rng, issuing="UTO", ghost=True)
    else:
        side = render_td1_back(lines, rng)
    if level == "phone":
        photo = photograph(security_print(soften(side.image), side.mrz_box, rng), rng)
    else:
        photo = degrade(soften(side.image), level, rng, portrait_width=side.portrait_box[2] if side.portrait_box else None)
    return photo.image, lines


def document_lines(seed: int, kind: str, level: str, *, scrambled: bool = False) -> tuple[np.ndarray, MrzZone, tuple[str, ...]] | None:
    """(upright grey view, zone, true lines) of one generated document (``scrambled``: with
    random MRZ characters, :func:`_scrambled`), or None when the zone is not found with the
    true line count or its grid slipped."""
    if scrambled:
        rgb, truth_lines = _scrambled(seed, kind, level)
    else:
        doc = generate_document(seed, kind=kind, level=level)
        rgb, truth_lines = doc.arrays[doc.truth.mrz_image_index], doc.truth.mrz_lines
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    h, w = gray.shape
    if max(h, w) > 1600:  # the reader's working size
        s = 1600 / max(h, w)
        gray = cv2.resize(gray, (int(w * s), int(h * s)), interpolation=cv2.INTER_AREA)
    found = _upright_zone(gray, truth_lines)
    if found is None:
        return None
    view, zone = found
    return view, zone, truth_lines


def harvest(seeds: Iterable[int], *, levels: tuple[str, ...] = LEVELS, jitter: int = 2,
            scramble: bool = True) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Per usable line: (cells (N, 1, H, W) float32, labels (N,) int) for the line as found
    and ``jitter`` more cuts of it. Kinds alternate td3/td1, levels cycle with the seed, and
    every other pair of documents has a scrambled MRZ (:func:`_scrambled`)."""
    for i, seed in enumerate(seeds):
        kind = ("td3", "td1")[i % 2]
        level = levels[(i // 2) % len(levels)]
        got = document_lines(seed, kind, level, scrambled=scramble and (i // 2) % 2 == 1)
        if got is None:
            continue
        view, zone, truth = got
        rng = random.Random(seed)
        for line, text in zip(zone.lines, truth):
            if _agreement(view, [line], (text,)) < 0.6:
                continue
            labels = np.array([SYMBOLS.index(c) for c in text], np.int64)
            yield cell_images(view, line), labels
            for _ in range(jitter):
                yield cell_images(view, _jittered(line, rng)), labels


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seeds", default="700000:700900", help="first:last (exclusive) generator seeds")
    p.add_argument("--levels", default=",".join(LEVELS), help="degradation levels, cycled with the seed")
    p.add_argument("--jitter", type=int, default=2, help="extra cuts of each line with its grid jittered")
    p.add_argument("--out", required=True, help="the .npz to write (x: uint8 cells, y: labels)")
    a = p.parse_args(argv)
    first, last = (int(v) for v in a.seeds.split(":"))
    xs, ys = [], []
    for cells, labels in harvest(range(first, last), levels=tuple(a.levels.split(",")), jitter=a.jitter):
        # Stored as int8 quarter-units of the standardised value (-32..32 spread): a quarter
        # of the size of float32, far finer than the 8-bit photo it came from.
        xs.append(np.clip(np.round(cells * 16), -127, 127).astype(np.int8))
        ys.append(labels)
    x, y = np.concatenate(xs), np.concatenate(ys)
    np.savez_compressed(a.out, x=x, y=y)
    print(f"{len(y)} cells from seeds {first}-{last - 1} -> {a.out}")


if __name__ == "__main__":
    main()
