"""A generator of synthetic ID documents with ground truth, for tests, fixtures and benchmarks.

    identities   random holders (names in many languages, dates, numbers)
    render       TD3 passport pages, TD1 cards (front/back), AAMVA licences (front/back PDF417)
    degrade      flat rendering -> phone photo at "clean", "mild", "strong" or "hard" (a grey,
                 line-patterned main portrait photographed small)
    photograph   the "phone" level: security print under the MRZ, a page tilted up to 28
                 degrees, glare, shadow, blur, JPEG, 720 px wide (issue 16, item 6)
    aamva        the licence barcode's text
    damage       documents damaged like real photos (MRZ cut at the edge, a line hidden, half
                 a page, two pages, a torn corner, a stamp over the MRZ), for robustness tests

:func:`generate_document` is the one entry point; it is deterministic in its arguments.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib.util
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
from PIL import Image

from idverify.docgen.aamva import compose_aamva
from idverify.docgen.degrade import LEVELS, Level, Photo, degrade
from idverify.docgen.identities import Identity, random_identity
from idverify.docgen.photograph import photograph, security_print
from idverify.docgen.render import Drawn, PortraitStyle, render_dl_back, render_dl_front, render_td1_back, render_td1_front, render_td3, soften
from idverify.documents.mrz import MrzFields, MrzFormat, compose_mrz, parse_mrz

__all__ = ["DocumentTruth", "GeneratedDocument", "Kind", "LEVELS", "Level", "default_portraits", "generate_document"]

Kind = Literal["td3", "td1", "dl"]
_STATES = (("CA", "636014"), ("NY", "636001"), ("TX", "636015"), ("WA", "636045"))


@dataclass(frozen=True)
class DocumentTruth:
    """What a perfect reader would return for a generated document."""

    kind: Kind
    mrz_format: MrzFormat | None
    mrz_lines: tuple[str, ...]
    document_type: str
    issuing_country: str
    #: Names as printed (with diacritics) and as the MRZ holds them (transliterated, spaces).
    surname: str
    given_names: str
    mrz_surname: str
    mrz_given_names: str
    name_truncated: bool
    document_number: str
    nationality: str
    birth_date: dt.date
    expiry_date: dt.date
    sex: str
    #: The image holding the portrait and its box there (left, top, width, height, pixels).
    portrait_image_index: int
    portrait_box: tuple[int, int, int, int]
    ghost_box: tuple[int, int, int, int] | None
    #: The licence's barcode text (AAMVA), or "".
    barcode_text: str
    level: Level
    #: In-plane rotation of the document in each photo, degrees counter-clockwise.
    rotations: tuple[float, ...]
    #: The document's four corners in each photo (top-left, top-right, bottom-right, bottom-left).
    quads: tuple[tuple[tuple[float, float], ...], ...]
    #: The image holding the MRZ (-1 for none) and the MRZ's box there (left, top, width,
    #: height, pixels): where damage aimed at the MRZ goes (see :mod:`idverify.docgen.damage`).
    mrz_image_index: int = -1
    mrz_box: tuple[int, int, int, int] | None = None


@dataclass(frozen=True)
class GeneratedDocument:
    """The photos of one document (front first) and its ground truth."""

    images: tuple[bytes, ...]  # encoded PNG or JPEG, as a caller would upload them
    arrays: tuple[np.ndarray, ...]  # the same images decoded, RGB uint8
    truth: DocumentTruth


def _package_file(package: str, *parts: str) -> Path | None:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(list(spec.submodule_search_locations)[0]).joinpath(*parts)
    return path if path.exists() else None


def default_portraits() -> list[tuple[Path, tuple[int, int, int, int]]]:
    """The face photos shipped with matplotlib and scikit-image, each with a portrait crop box
    (left, top, right, bottom) around the face."""
    out = []
    hopper = _package_file("matplotlib", "mpl-data", "sample_data", "grace_hopper.jpg")
    if hopper:
        out.append((hopper, (98, 29, 448, 479)))
    astronaut = _package_file("skimage", "data", "astronaut.png")
    if astronaut:
        out.append((astronaut, (135, 22, 306, 242)))
    if not out:
        raise FileNotFoundError("no default portrait: pass portrait= (matplotlib and scikit-image sample images missing)")
    return out


def _portrait(portrait, rng: random.Random) -> Image.Image:
    if portrait is None:
        path, box = rng.choice(default_portraits())
        with Image.open(path) as im:
            return im.convert("RGB").crop(box)
    if isinstance(portrait, Image.Image):
        return portrait.convert("RGB")
    if isinstance(portrait, np.ndarray):
        return Image.fromarray(portrait).convert("RGB")
    with Image.open(portrait) as im:
        return im.convert("RGB")


def _box_in_photo(photo: Photo, box: tuple[int, int, int, int] | None) -> tuple[int, int, int, int] | None:
    if box is None:
        return None
    left, top, w, h = box
    pts = photo.map_points(np.array([[left, top], [left + w, top], [left + w, top + h], [left, top + h]]))
    x0, y0 = pts.min(0)
    x1, y1 = pts.max(0)
    return (int(round(x0)), int(round(y0)), int(round(x1 - x0)), int(round(y1 - y0)))


def generate_document(
    seed: int,
    *,
    kind: Kind = "td3",
    level: Level = "clean",
    portrait: str | Path | Image.Image | np.ndarray | None = None,
    ghost: bool = True,
    today: dt.date | None = None,
    expired: bool | None = None,
    age: int | None = None,
    issuing_country: str = "UTO",
    forged_surname: str | None = None,
) -> GeneratedDocument:
    """Generate one document: ``kind`` "td3" (passport page, one image), "td1" (identity card,
    front and back) or "dl" (driver's licence, front and PDF417 back), photographed at
    ``level``. ``portrait`` is any face photo (default: grace_hopper.jpg or astronaut.png,
    picked by the seed). ``expired`` and ``age`` force the document's state for check tests.
    ``forged_surname`` is printed in the visual zone while the MRZ (and the truth) keep the
    holder's surname: a page altered by hand, for the MRZ/VIZ cross-check.
    The same arguments give the same images, byte for byte."""
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, not {level!r}")
    rng = random.Random(f"{seed}:{kind}:{level}")
    today = today or dt.date.today()
    ident: Identity = random_identity(rng, today, expired=expired, age=age)
    face = _portrait(portrait, rng)
    printed = dataclasses.replace(ident, surname=forged_surname) if forged_surname else ident
    # Only "hard" prints the main portrait grey behind lines; the other levels keep the colour
    # portrait and draw nothing more from rng, so their bytes are unchanged.
    style: PortraitStyle = "grey_lines" if level == "hard" else "colour"
    mrz_lines: tuple[str, ...] = ()
    barcode = ""
    fmt = None
    if kind == "td3":
        fmt = MrzFormat.TD3
        fields = MrzFields(fmt, "P", issuing_country, ident.surname, ident.given_names, ident.document_number,
                           ident.nationality, ident.birth_date.strftime("%y%m%d"), ident.sex,
                           ident.expiry_date.strftime("%y%m%d"), optional_data=ident.personal_number)
        mrz_lines, _ = compose_mrz(fields)
        sides: list[Drawn] = [render_td3(printed, mrz_lines, face, rng, issuing=issuing_country, ghost=ghost, portrait_style=style)]
        doc_type = "P"
    elif kind == "td1":
        fmt = MrzFormat.TD1
        doc_type = rng.choice(["I", "ID"])
        fields = MrzFields(fmt, doc_type, issuing_country, ident.surname, ident.given_names, ident.document_number,
                           ident.nationality, ident.birth_date.strftime("%y%m%d"), ident.sex,
                           ident.expiry_date.strftime("%y%m%d"), optional_data=ident.personal_number[:15])
        mrz_lines, _ = compose_mrz(fields)
        sides = [render_td1_front(printed, face, rng, issuing=issuing_country, ghost=ghost, portrait_style=style),
                 render_td1_back(mrz_lines, rng)]
    elif kind == "dl":
        doc_type = "DL"
        state, iin = rng.choice(_STATES)
        first, _, middle = ident.given_names.partition(" ")
        from anyascii import anyascii  # AAMVA barcodes hold plain ASCII names

        barcode = compose_aamva(iin=iin, document_number=ident.document_number, surname=anyascii(ident.surname),
                                first_name=anyascii(first), middle_names=anyascii(middle), birth_date=ident.birth_date,
                                expiry_date=ident.expiry_date, issue_date=ident.issue_date, sex=ident.sex, state=state)
        sides = [render_dl_front(ident, face, rng, state=state, ghost=ghost, portrait_style=style), render_dl_back(barcode, rng)]
    else:
        raise ValueError(f"kind must be td3, td1 or dl, not {kind!r}")
    portrait_width = sides[0].portrait_box[2] if sides[0].portrait_box else None
    if level == "phone":
        photos = [photograph(security_print(soften(side.image), side.mrz_box, rng), rng) for side in sides]
    else:
        photos = [degrade(soften(side.image), level, rng, portrait_width=portrait_width) for side in sides]
    parsed = parse_mrz(mrz_lines, today=today) if mrz_lines else None
    mrz_index = next((i for i, side in enumerate(sides) if side.mrz_box is not None), -1)
    quads = []
    for side, photo in zip(sides, photos):
        w, h = side.image.size
        quads.append(tuple(map(tuple, photo.map_points(np.array([[0, 0], [w, 0], [w, h], [0, h]])).round(1).tolist())))
    truth = DocumentTruth(
        kind=kind,
        mrz_format=fmt,
        mrz_lines=tuple(mrz_lines),
        document_type=parsed.document_type if parsed else doc_type,
        issuing_country=issuing_country if kind != "dl" else "USA",
        surname=ident.surname,
        given_names=ident.given_names,
        mrz_surname=parsed.surname if parsed else "",
        mrz_given_names=parsed.given_names if parsed else "",
        name_truncated=parsed.name_truncated if parsed else False,
        document_number=ident.document_number,
        nationality=ident.nationality if kind != "dl" else "USA",
        birth_date=ident.birth_date,
        expiry_date=ident.expiry_date,
        sex=ident.sex,
        portrait_image_index=0,
        portrait_box=_box_in_photo(photos[0], sides[0].portrait_box),
        ghost_box=_box_in_photo(photos[0], sides[0].ghost_box),
        barcode_text=barcode,
        level=level,
        rotations=tuple(p.rotation_degrees for p in photos),
        quads=tuple(quads),
        mrz_image_index=mrz_index,
        mrz_box=_box_in_photo(photos[mrz_index], sides[mrz_index].mrz_box) if mrz_index >= 0 else None,
    )
    return GeneratedDocument(tuple(p.encoded for p in photos), tuple(p.image for p in photos), truth)
