"""The Tesseract engine, every backend: a rendered OCR-B line, symbols with boxes, threads, bad
input, missing data."""

import threading

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from idverify.docgen.render import OCRB_FONT
from idverify.documents.tesseract import MRZ_WHITELIST, CtypesEngine, TesserocrEngine, tessdata_dir
from idverify.errors import Unavailable

BACKENDS = [CtypesEngine, TesserocrEngine]


@pytest.fixture(scope="module", params=BACKENDS, ids=lambda cls: cls.__name__)
def engine(request):
    e = request.param()
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


@pytest.mark.parametrize("shape", [(40, 200), (34, 100), (80, 400)])
def test_blank_image_reads_nothing(engine, shape):
    # The LSTM alone reads some blank lines as "OO" or "BS"; the engine must not pass that on.
    blank = np.full(shape, 255, np.uint8)
    assert engine.read_symbols(blank) == [] and engine.read_symbols(blank, "") == []
    assert engine.read_words(blank, "") == []


def test_reads_sparse_words(engine):
    words = engine.read_words(_line("SURNAME ERIKSSON"), "")
    assert [w.text for w in words] == ["SURNAME", "ERIKSSON"]
    assert words[0].box[0] < words[1].box[0]


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


def test_tessdata_is_found_without_downloading(monkeypatch):
    monkeypatch.delenv("TESSDATA_PREFIX", raising=False)
    assert tessdata_dir().endswith("/")


def test_missing_data_is_unavailable(tmp_path, monkeypatch):
    monkeypatch.setenv("TESSDATA_PREFIX", str(tmp_path))
    with pytest.raises(Unavailable) as info:
        TesserocrEngine(datapath=str(tmp_path) + "/")
    assert info.value.reason == "OCR_UNAVAILABLE"



@pytest.mark.slow
@pytest.mark.parametrize("backend", BACKENDS, ids=lambda cls: cls.__name__)
def test_leptonica_notices_stay_out_of_the_log(backend, capfd):
    # Reading this page's printed fields makes Leptonica print "Error in boxClipToRectangle"
    # unless it is quieted; a fresh engine, since the setting is made when one is built.
    import dlib

    from idverify.docgen import generate_document
    from idverify.documents import DocumentSettings, read_document
    from idverify.documents.reader import DocumentReader

    g = generate_document(5001, kind="td1", level="mild")
    reader = DocumentReader(backend(), dlib.get_frontal_face_detector(), DocumentSettings(viz="always"))
    try:
        capfd.readouterr()
        read_document(g.images, reader)
        assert capfd.readouterr().err == ""
    finally:
        reader.engine.close()


def test_tesseract_runs_without_openmp_threads():
    """Debian's libtesseract spins OpenMP threads that cost four times the CPU of one; the
    engine limits them before the library loads, even after the server's other imports (usearch
    loads a bundled libgomp of its own, which must not be mistaken for the system's)."""
    import os
    import subprocess
    import sys

    probe = (
        "import ctypes, ctypes.util\n"
        "import idverify.server.app\n"
        "from idverify.documents.reader import build_document_reader\n"
        "build_document_reader()\n"
        "gomp = ctypes.CDLL(ctypes.util.find_library('gomp') or 'libgomp.so.1')\n"
        "print(gomp.omp_get_thread_limit())\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "OMP_THREAD_LIMIT"}
    out = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split()[-1] == "1"
