"""The Tesseract engine: a rendered OCR-B line, symbols with boxes, threads, bad input."""

import threading

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from idverify.docgen.render import OCRB_FONT
from idverify.documents.tesseract import MRZ_WHITELIST, TesseractEngine


@pytest.fixture(scope="module")
def engine():
    e = TesseractEngine()
    yield e
    e.close()


def _line(text: str, size: int = 32) -> np.ndarray:
    font = ImageFont.truetype(OCRB_FONT, size)
    img = Image.new("L", (int(font.getlength(text)) + 40, size * 2), 255)
    ImageDraw.Draw(img).text((20, size // 3), text, font=font, fill=0)
    return np.asarray(img)


def test_reads_digits_and_letters_with_boxes(engine):
    symbols = engine.read_symbols(_line("L898902C36UTO7408122F"))
    text = "".join(s.text for s in symbols)
    # Tesseract's English model reads O as 0 in "UTO" at times; the MRZ parser repairs that.
    assert text.replace("0", "O") == "L898902C36UTO7408122F".replace("0", "O")
    xs = [s.box[0] for s in symbols]
    assert xs == sorted(xs) and all(0 <= s.confidence <= 100 for s in symbols)
    assert set(text) <= set(MRZ_WHITELIST)


def test_blank_image_reads_nothing(engine):
    assert engine.read_symbols(np.full((40, 200), 255, np.uint8)) == []


def test_rejects_colour_or_tiny_images(engine):
    with pytest.raises(ValueError):
        engine.read_symbols(np.zeros((40, 200, 3), np.uint8))
    with pytest.raises(ValueError):
        engine.read_symbols(np.zeros((2, 2), np.uint8))


def test_threads_get_their_own_handles(engine):
    img = _line("ZE184226B")
    results = []

    def work():
        results.append("".join(s.text for s in engine.read_symbols(img)))

    threads = [threading.Thread(target=work) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 3 and len(set(results)) == 1
