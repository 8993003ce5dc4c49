"""Draw ID documents with Pillow: TD3 passport data pages, TD1 identity cards (front and back)
and AAMVA-style driver's licences (front, and a back with a PDF417 barcode).

Geometry follows ICAO 9303 (TD3 125 x 88 mm, TD1 85.6 x 54 mm, MRZ in OCR-B at 10 characters
per inch). The MRZ uses the Debian OCR-B font, printed fields DejaVu Sans. Every drawing call
returns the image and where things were put (portrait boxes, MRZ box), for the ground truth.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import random
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont, ImageOps

__all__ = ["Drawn", "OCRB_FONT", "PortraitStyle", "render_td3", "render_td1_front", "render_td1_back", "render_dl_front", "render_dl_back"]

OCRB_FONT = "/usr/share/fonts/opentype/ocr-b/OCRB.otf"
_SANS = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
_SANS_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")

#: Pixels per millimetre of the flat renderings (about 300 dpi).
PX_PER_MM = 12.0


@dataclass
class Drawn:
    """A rendered document side and where its parts are (pixels of ``image``)."""

    image: Image.Image
    portrait_box: tuple[int, int, int, int] | None = None  # left, top, width, height
    ghost_box: tuple[int, int, int, int] | None = None
    mrz_box: tuple[int, int, int, int] | None = None
    labels: dict[str, str] = field(default_factory=dict)  # field -> printed value


@functools.cache
def _font(path: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size)


@functools.cache
def _ocrb_size_for_pitch(pitch_px: float) -> int:
    """OCR-B font size whose advance is ``pitch_px`` (10 cpi at the rendering scale)."""
    advance = _font(OCRB_FONT, 100).getlength("A") / 100.0
    return max(6, int(round(pitch_px / advance)))


def _mm(v: float) -> int:
    return int(round(v * PX_PER_MM))


def _background(size: tuple[int, int], rng: random.Random, tint: tuple[int, int, int]) -> Image.Image:
    """A pale security background: a tint gradient and fine guilloche lines (drawn at half
    resolution and scaled up, which is four times faster and looks the same)."""
    import cv2

    w, h = size
    hw, hh = w // 2, h // 2
    y, x = np.mgrid[0:hh, 0:hw].astype(np.float32) * 2
    grad = 0.04 * np.sin(x / w * math.pi * rng.uniform(0.5, 1.5)) + 0.03 * np.cos(y / h * math.pi)
    shade = 1.0 - grad
    phase = rng.uniform(0, 6.28)
    for k in range(3):
        f = rng.uniform(0.015, 0.04)
        wave = np.sin(x * f + 8 * np.sin(y * f * 0.7 + phase + k))
        shade = np.where(np.abs(wave) < 0.09, shade * 0.93, shade)
    shade = cv2.resize(shade, (w, h), interpolation=cv2.INTER_LINEAR)
    img = np.clip(np.array(tint, np.float32)[None, None, :] * shade[..., None], 0, 255)
    return Image.fromarray(img.astype(np.uint8), "RGB")


def _fit_portrait(portrait: Image.Image, box_w: int, box_h: int) -> Image.Image:
    return ImageOps.fit(portrait.convert("RGB"), (box_w, box_h), Image.Resampling.LANCZOS, centering=(0.5, 0.4))


#: How the main portrait is printed: "colour" (a photo), or "grey_lines" (laser-engraved grey,
#: washed out, behind fine guilloche security lines, as on many polycarbonate ID cards).
PortraitStyle = Literal["colour", "grey_lines"]


def _paste_portrait(
    img: Image.Image, portrait: Image.Image, left: int, top: int, w: int, h: int,
    style: PortraitStyle = "colour", rng: random.Random | None = None,
) -> tuple[int, int, int, int]:
    fitted = _fit_portrait(portrait, w, h)
    if style == "grey_lines":
        assert rng is not None, "grey_lines portraits draw their lines from the document's rng"
        fitted = _grey_lined(fitted, rng)
    img.paste(fitted, (left, top))
    return (left, top, w, h)


def _grey_lined(portrait: Image.Image, rng: random.Random) -> Image.Image:
    """A grey, washed-out portrait behind two families of fine wavy security lines.

    The grey levels are squeezed into 30-240 (engraving on a light card keeps no deep blacks)
    and crossed by lines about 1 mm apart (12 px at 300 dpi), dark over light areas and light
    over dark ones, so that photographed small they become a texture over the face."""
    grey = np.asarray(ImageOps.grayscale(portrait), np.float32)
    grey = 30.0 + grey * (210.0 / 255.0)
    h, w = grey.shape
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    shade = np.zeros_like(grey)
    for _ in range(2):
        period = rng.uniform(10.0, 15.0)
        angle = rng.uniform(0, math.pi)
        amplitude, wavelength, phase = rng.uniform(4, 12), rng.uniform(40, 120), rng.uniform(0, 2 * math.pi)
        u = x * math.cos(angle) + y * math.sin(angle)
        v = -x * math.sin(angle) + y * math.cos(angle)
        wave = np.sin(2 * math.pi * (u + amplitude * np.sin(2 * math.pi * v / wavelength + phase)) / period)
        shade = np.maximum(shade, np.clip((np.abs(wave) - 0.85) / 0.15, 0, 1))
    tint = np.where(grey > 140, 60.0, 225.0)  # lines darker than light skin, lighter than hair
    out = grey * (1 - 0.3 * shade) + tint * 0.3 * shade
    out = np.clip(out, 0, 255).astype(np.uint8)
    return Image.fromarray(np.repeat(out[..., None], 3, axis=2), "RGB")


def _paste_ghost(img: Image.Image, portrait: Image.Image, left: int, top: int, w: int, h: int) -> tuple[int, int, int, int]:
    ghost = ImageOps.grayscale(_fit_portrait(portrait, w, h))
    ghost = ImageOps.autocontrast(ghost).convert("RGB")
    region = img.crop((left, top, left + w, top + h))
    img.paste(Image.blend(region, ghost, 0.45), (left, top))
    return (left, top, w, h)


def _field(draw: ImageDraw.ImageDraw, x: int, y: int, label: str, value: str, *, value_mm: float = 3.0) -> int:
    """A small label with its value below; returns the y below the value."""
    draw.text((x, y), label, font=_font(_SANS, _mm(1.9)), fill=(70, 70, 90))
    y += _mm(2.6)
    draw.text((x, y), value, font=_font(_SANS_BOLD, _mm(value_mm)), fill=(15, 15, 25))
    return y + _mm(value_mm + 1.6)


def _mrz(img: Image.Image, lines: tuple[str, ...], left_mm: float, bottom_mm: float, line_pitch_mm: float) -> tuple[int, int, int, int]:
    pitch = 2.54 * PX_PER_MM
    font = _font(OCRB_FONT, _ocrb_size_for_pitch(pitch))
    draw = ImageDraw.Draw(img)
    x = _mm(left_mm)
    n = len(lines)
    top = _mm(bottom_mm - line_pitch_mm * n)
    for i, line in enumerate(lines):
        y = top + _mm(line_pitch_mm * i)
        for j, ch in enumerate(line):
            draw.text((x + j * pitch, y), ch, font=font, fill=(10, 10, 10))
    width = int(pitch * len(lines[0]))
    return (x, top, width, _mm(line_pitch_mm * n))


def viz_date(date: dt.date, style: str) -> str:
    """A date as printed: "12 AUG 1974" (passport), "12.08.1974" (card) or "08/12/1974" (US)."""
    if style == "passport":
        return f"{date.day:02d} {_MONTHS[date.month - 1]} {date.year}"
    if style == "us":
        return f"{date.month:02d}/{date.day:02d}/{date.year}"
    return f"{date.day:02d}.{date.month:02d}.{date.year}"


def render_td3(ident, mrz_lines: tuple[str, ...], portrait: Image.Image, rng: random.Random, *, issuing: str, ghost: bool,
    portrait_style: PortraitStyle = "colour") -> Drawn:
    """A TD3 passport data page (125 x 88 mm) with its two-line MRZ."""
    img = _background((_mm(125), _mm(88)), rng, (rng.randint(225, 245), rng.randint(228, 245), rng.randint(215, 240)))
    draw = ImageDraw.Draw(img)
    draw.text((_mm(6), _mm(3)), "PASSPORT  PASSEPORT", font=_font(_SANS_BOLD, _mm(3.6)), fill=(40, 40, 90))
    draw.text((_mm(75), _mm(3.5)), f"{issuing}", font=_font(_SANS_BOLD, _mm(3.2)), fill=(40, 40, 90))
    pbox = _paste_portrait(img, portrait, _mm(6), _mm(14), _mm(32), _mm(42), portrait_style, rng)
    labels = {
        "document_number": ident.document_number,
        "surname": ident.surname.upper(),
        "given_names": ident.given_names.upper(),
        "nationality": ident.nationality,
        "birth_date": viz_date(ident.birth_date, "passport"),
        "sex": ident.sex,
        "expiry_date": viz_date(ident.expiry_date, "passport"),
    }
    x, y = _mm(44), _mm(10)
    draw.text((x, y), "Type / Type", font=_font(_SANS, _mm(1.9)), fill=(70, 70, 90))
    draw.text((x, y + _mm(2.6)), "P", font=_font(_SANS_BOLD, _mm(3.0)), fill=(15, 15, 25))
    _field(draw, _mm(70), y, "Document no / N° du document", labels["document_number"])
    y = _field(draw, x, y + _mm(7.4), "Surname / Nom", labels["surname"])
    y = _field(draw, x, y, "Given names / Prénoms", labels["given_names"])
    y = _field(draw, x, y, "Nationality / Nationalité", labels["nationality"])
    y2 = _field(draw, x, y, "Date of birth / Date de naissance", labels["birth_date"])
    _field(draw, _mm(100), y, "Sex / Sexe", labels["sex"])
    y = _field(draw, x, y2, "Date of issue / Date de délivrance", viz_date(ident.issue_date, "passport"))
    _field(draw, x, y, "Date of expiry / Date d'expiration", labels["expiry_date"])
    gbox = _paste_ghost(img, portrait, _mm(104), _mm(44), _mm(15), _mm(20)) if ghost else None
    mbox = _mrz(img, mrz_lines, 4.5, 86.0, 5.2)
    return Drawn(img, pbox, gbox, mbox, labels)


def render_td1_front(ident, portrait: Image.Image, rng: random.Random, *, issuing: str, ghost: bool,
    portrait_style: PortraitStyle = "colour") -> Drawn:
    """The front of a TD1 identity card (85.6 x 54 mm): portrait and printed fields."""
    img = _background((_mm(85.6), _mm(54)), rng, (rng.randint(215, 240), rng.randint(225, 245), rng.randint(230, 250)))
    draw = ImageDraw.Draw(img)
    draw.text((_mm(4), _mm(2.5)), f"IDENTITY CARD  {issuing}", font=_font(_SANS_BOLD, _mm(3.0)), fill=(30, 50, 90))
    pbox = _paste_portrait(img, portrait, _mm(4), _mm(9), _mm(25), _mm(32), portrait_style, rng)
    labels = {
        "surname": ident.surname.upper(),
        "given_names": ident.given_names.upper(),
        "birth_date": viz_date(ident.birth_date, "card"),
        "sex": ident.sex,
        "nationality": ident.nationality,
        "document_number": ident.document_number,
        "expiry_date": viz_date(ident.expiry_date, "card"),
    }
    x, y = _mm(32), _mm(8)
    y = _field(draw, x, y, "Surname / Nom", labels["surname"], value_mm=2.6)
    y = _field(draw, x, y, "Given names / Prénoms", labels["given_names"], value_mm=2.6)
    _field(draw, x, y, "Date of birth", labels["birth_date"], value_mm=2.6)
    y = _field(draw, _mm(58), y, "Sex", labels["sex"], value_mm=2.6)
    _field(draw, x, y, "Nationality", labels["nationality"], value_mm=2.6)
    y = _field(draw, _mm(58), y, "Document no", labels["document_number"], value_mm=2.6)
    _field(draw, x, y, "Date of expiry", labels["expiry_date"], value_mm=2.6)
    gbox = _paste_ghost(img, portrait, _mm(72), _mm(34), _mm(10), _mm(13)) if ghost else None
    return Drawn(img, pbox, gbox, None, labels)


def render_td1_back(mrz_lines: tuple[str, ...], rng: random.Random) -> Drawn:
    """The back of a TD1 card: a little printed text and the three-line MRZ."""
    img = _background((_mm(85.6), _mm(54)), rng, (rng.randint(215, 240), rng.randint(225, 245), rng.randint(230, 250)))
    draw = ImageDraw.Draw(img)
    draw.text((_mm(4), _mm(4)), "Authority / Autorité", font=_font(_SANS, _mm(1.9)), fill=(70, 70, 90))
    draw.text((_mm(4), _mm(6.6)), "MINISTRY OF INTERIOR", font=_font(_SANS_BOLD, _mm(2.4)), fill=(15, 15, 25))
    mbox = _mrz(img, mrz_lines, 4.7, 52.0, 5.0)
    return Drawn(img, None, None, mbox, {})


def render_dl_front(ident, portrait: Image.Image, rng: random.Random, *, state: str, ghost: bool,
    portrait_style: PortraitStyle = "colour") -> Drawn:
    """The front of an AAMVA-style driver's licence (85.6 x 54 mm): no MRZ, labelled fields."""
    img = _background((_mm(85.6), _mm(54)), rng, (rng.randint(230, 250), rng.randint(220, 240), rng.randint(200, 225)))
    draw = ImageDraw.Draw(img)
    draw.text((_mm(4), _mm(2.5)), f"{state}  DRIVER LICENSE", font=_font(_SANS_BOLD, _mm(3.0)), fill=(90, 30, 30))
    pbox = _paste_portrait(img, portrait, _mm(4), _mm(9), _mm(25), _mm(32), portrait_style, rng)
    labels = {
        "document_number": ident.document_number,
        "surname": ident.surname.upper(),
        "given_names": ident.given_names.upper(),
        "birth_date": viz_date(ident.birth_date, "us"),
        "expiry_date": viz_date(ident.expiry_date, "us"),
        "sex": ident.sex,
    }
    x, y = _mm(32), _mm(8)
    y = _field(draw, x, y, "Document no", labels["document_number"], value_mm=2.6)
    y = _field(draw, x, y, "Surname", labels["surname"], value_mm=2.6)
    y = _field(draw, x, y, "Given names", labels["given_names"], value_mm=2.6)
    _field(draw, x, y, "Date of birth", labels["birth_date"], value_mm=2.6)
    y = _field(draw, _mm(60), y, "Sex", labels["sex"], value_mm=2.6)
    _field(draw, x, y, "Date of expiry", labels["expiry_date"], value_mm=2.6)
    gbox = _paste_ghost(img, portrait, _mm(72), _mm(36), _mm(10), _mm(13)) if ghost else None
    return Drawn(img, pbox, gbox, None, labels)


def render_dl_back(barcode_text: str, rng: random.Random) -> Drawn:
    """The back of a licence: the AAMVA PDF417 barcode."""
    import pdf417gen

    img = _background((_mm(85.6), _mm(54)), rng, (rng.randint(230, 250), rng.randint(220, 240), rng.randint(200, 225)))
    codes = pdf417gen.encode(barcode_text, columns=12, security_level=3)
    code = pdf417gen.render_image(codes, scale=3, ratio=3, padding=8).convert("RGB")
    max_w = _mm(78)
    if code.width > max_w:
        code = code.resize((max_w, int(code.height * max_w / code.width)), Image.Resampling.NEAREST)
    img.paste(code, ((img.width - code.width) // 2, _mm(14)))
    return Drawn(img, None, None, None, {})


def soften(img: Image.Image) -> Image.Image:
    """A print-like softening of hard rendered edges (a third of a pixel of blur)."""
    return img.filter(ImageFilter.GaussianBlur(0.4))
