"""Printed fields by label: date parsing, label/value geometry (pure), and real OCR."""

import pytest

from idverify.docgen import generate_document
from idverify.documents.tesseract import CtypesEngine, Word
from idverify.documents.printed_fields import TesseractFields, fields_from_words, parse_printed_date, read_viz


@pytest.mark.parametrize(
    ("text", "us", "iso"),
    [("12 AUG 1974", False, "1974-08-12"), ("05 SEP/SEPT 2026", False, "2026-09-05"), ("12.08.1974", False, "1974-08-12"),
     ("08/12/1974", True, "1974-08-12"), ("08/12/1974", False, "1974-12-08"), ("1 MAR 2001", False, "2001-03-01"),
     ("31.02.2000", False, ""), ("no date", False, ""), ("12 XYZ 1974", False, "")],
)
def test_printed_dates(text, us, iso):
    assert parse_printed_date(text, us=us) == iso


def W(text, x, y, w=None, h=20, conf=95.0):
    return Word(text, conf, (x, y, x + (w or 12 * len(text)), y + h))


def test_values_below_labels_in_their_column():
    words = [
        W("Surname", 100, 10, h=12), W("/", 190, 10, h=12), W("Nom", 200, 10, h=12), W("Sex", 500, 10, h=12),
        W("MUSTERMANN", 100, 30), W("F", 500, 30),
        W("Given", 100, 70, h=12), W("names", 160, 70, h=12),
        W("ERIKA", 100, 90), W("MARIA", 180, 90),
        W("Date", 100, 130, h=12), W("of", 150, 130, h=12), W("birth", 175, 130, h=12),
        W("12.08.1964", 100, 150),
        W("Document", 500, 130, h=12), W("no", 600, 130, h=12),
        W("C01X00T47", 500, 150),
    ]
    f = fields_from_words(words)
    assert f["surname"].value == "MUSTERMANN" and f["given_names"].value == "ERIKA MARIA"
    assert f["birth_date"].value == "1964-08-12" and f["document_number"].value == "C01X00T47"
    assert f["sex"].value == "F"


def test_a_missing_value_takes_nothing_from_the_next_field():
    # The nationality value was not read: the line below is the birth date's caption, and the
    # date under it must not become the nationality ("MAR").
    words = [
        W("Nationality", 100, 10, h=12), W("/", 240, 10, h=12),
        W("Date", 100, 40, h=12), W("of", 150, 40, h=12), W("birth", 175, 40, h=12),
        W("12", 100, 60), W("MAR", 140, 60), W("1970", 200, 60),
    ]
    f = fields_from_words(words)
    assert "nationality" not in f and f["birth_date"].value == "1970-03-12"


def test_an_unread_birth_date_is_not_the_date_of_issue():
    words = [
        W("Date", 100, 40, h=12), W("of", 150, 40, h=12), W("birth", 175, 40, h=12),
        W("Date", 100, 70, h=12), W("of", 150, 70, h=12), W("issue", 175, 70, h=12),
        W("26", 100, 90), W("JAN", 140, 90), W("2021", 200, 90),
    ]
    assert "birth_date" not in fields_from_words(words)


def test_misread_caption_is_not_a_value():
    words = [
        W("Given", 100, 10, h=12), W("names", 160, 10, h=12),
        W("Matonality", 100, 30, h=12), W("/", 230, 30, h=12),
        W("SWE", 100, 50),
    ]
    assert "given_names" not in fields_from_words(words)


def test_value_reaching_into_its_caption_line_is_found():
    # On a photo the value's boxes can overlap the caption's: lines go by their centres.
    words = [W("Surname", 100, 10, h=14), W("ERIKSSON", 100, 22, h=22)]
    assert fields_from_words(words)["surname"].value == "ERIKSSON"


def test_unknown_printed_nationality_is_not_confident():
    words = [W("Nationality", 100, 10, h=12), W("BRITISH", 100, 30), W("CITIZEN", 200, 30)]
    f = fields_from_words(words)
    assert f["nationality"].confidence < 0.5
    cut = fields_from_words([W("Nationality", 100, 10, h=12), W("IS", 100, 30)])  # ISL cut short
    assert cut["nationality"].confidence < 0.5



def test_value_beside_a_label():
    f = fields_from_words([W("DOB", 10, 10), W("01/02/1990", 80, 10)], us_dates=True)
    assert f["birth_date"].value == "1990-01-02"


def test_no_words_no_fields():
    assert fields_from_words([]) == {}


@pytest.fixture(scope="module")
def engine():
    return CtypesEngine()


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["td1", "dl"])
def test_real_ocr_of_a_clean_front(engine, kind):
    g = generate_document(4, kind=kind, level="clean")
    f = read_viz(engine, g.arrays[0], us_dates=kind == "dl")
    t = g.truth
    assert f["birth_date"].value == t.birth_date.isoformat()
    assert f["expiry_date"].value == t.expiry_date.isoformat()
    assert f["document_number"].value == t.document_number
    assert 0.5 < f["surname"].confidence <= 1.0


def test_a_name_with_digits_is_not_confident():
    words = [W("Given", 100, 10, h=12), W("names", 160, 10, h=12), W("pate", 100, 30), W("1959", 200, 30)]
    assert fields_from_words(words)["given_names"].confidence < 0.5


# -- captions, layout, and the RapidOCR engine (issue 16) -------------------------------------

from idverify.documents.printed_fields import LAYOUT_CONFIDENCE, TextLine, caption_field, fields_from_lines  # noqa: E402


@pytest.mark.parametrize(
    ("text", "field"),
    [("Surname / Nom", "surname"), ("Sumame/No", "surname"), ("Givennames/Prenoms", "given_names"),
     ("Natianalty/Natonalite", "nationality"), ("Date af birth/ Date de naissance", "birth_date"),
     ("Date of expiry/Date dexpir", "expiry_date"), ("Documentno/N du document", "document_number"),
     ("Sex / Sexe", "sex"), ("Date of issue / Date de délivrance", ""), ("Place of birth", ""),
     ("Control Number", ""), ("Issuing Post Name", ""), ("ERIKSSON", None), ("PASSPORT PASSEPORT", None),
     ("12 APR 1983", None), ("PR9734821", None)],
)
def test_captions_misread_or_not(text, field):
    assert caption_field(text) == field


def L(text, x, y, w=None, h=20, conf=0.95):
    return TextLine(text, conf, (x, y, x + (w or 12 * len(text)), y + h))


def test_fields_whose_captions_were_not_read_come_from_the_layout_and_are_not_conclusive():
    # A photo where only two captions were read: the dates go by their order (birth, issue,
    # expiry), the number by its form, the surname and given names by the column's order.
    lines = [
        L("Type/Type", 100, 10, h=12), L("P", 100, 24), L("VS9339426", 300, 24),
        L("SMITH", 100, 60), L("mes/Pre", 130, 86, h=12), L("JOHN ROBERT", 100, 100),
        L("Nationality", 100, 130, h=12), L("GBR", 100, 144),
        L("28 NOV 1987", 100, 180), L("24OCT2021", 100, 230), L("24 OCT 2031", 100, 280),
    ]
    f = fields_from_lines(lines)
    assert f["birth_date"].value == "1987-11-28" and f["expiry_date"].value == "2031-10-24"
    assert f["document_number"].value == "VS9339426"
    assert f["surname"].value == "SMITH" and f["given_names"].value == "JOHN ROBERT"
    assert f["nationality"].value == "GBR" and f["nationality"].confidence > 0.9  # under its caption
    assert all(f[k].confidence <= LAYOUT_CONFIDENCE for k in ("birth_date", "expiry_date", "document_number", "surname"))


@pytest.mark.parametrize(("text", "iso", "confident"), [
    ("24 JUL 1969", "1969-07-24", True), ("4 JUL 1969", "1969-07-04", False), ("19.03.2032", "2032-03-19", True),
    ("9.03.2032", "2032-03-09", False), ("19.3.2032", "2032-03-19", False)])
def test_a_printed_date_with_a_one_digit_day_cannot_contradict(text, iso, confident):
    # Documents print two-digit days and months; one digit is a read that lost the other, as
    # on a phone photo whose value column was cut at its left edge (24 JUL read 4 JUL, 19 MAR
    # read 9 MAR: a false MRZ_VIZ_MISMATCH on a genuine card). The value stays, not conclusive.
    from idverify.documents.printed_fields import TRUNCATED_DATE_CONFIDENCE

    f = fields_from_lines([L("Date of birth", 100, 10, h=12), L(text, 100, 26, conf=0.99)])
    assert f["birth_date"].value == iso
    assert (f["birth_date"].confidence > 0.9) is confident
    assert confident or f["birth_date"].confidence <= TRUNCATED_DATE_CONFIDENCE


def test_a_date_caption_read_as_a_name_is_not_conclusive():
    # "Date of birth" misread DATE OT TSITH, not known as a caption, sat where the given names
    # go; no name holds the word "date".
    f = fields_from_lines([L("Given names", 100, 10, h=12), L("DATE OT TSITH", 100, 26, conf=0.95)])
    assert f["given_names"].confidence < 0.5
    assert fields_from_lines([L("Given names", 100, 10, h=12), L("DANTE", 100, 26, conf=0.95)])["given_names"].confidence > 0.9


def test_a_name_in_two_scripts_is_not_conclusive():
    f = fields_from_lines([L("Surname", 100, 10, h=12), L("IVANOV / IVANOV", 100, 26)])
    assert f["surname"].value == "IVANOV" and f["surname"].confidence < 0.5


def test_a_value_in_capitals_that_reads_like_a_caption_is_a_value():
    f = fields_from_lines([L("Given names", 100, 10, h=12), L("BIRTHE", 100, 26, h=20)])
    assert f["given_names"].value == "BIRTHE"


@pytest.fixture(scope="module")
def rapidocr():
    from idverify.documents.rapidocr_text import RapidOcrFields

    return RapidOcrFields()


def test_rapidocr_models_ship_with_the_wheel(rapidocr):
    # Nothing is downloaded: every model the engine runs is a file of an installed package.
    from pathlib import Path

    import rapidocr_onnxruntime

    from idverify.documents.rapidocr_text import MODELS, _model_files

    root = Path(rapidocr_onnxruntime.__file__).parent
    models = sorted(p.name for p in (root / "models").glob("*.onnx"))
    assert "ch_PP-OCRv4_det_infer.onnx" in models and "ch_PP-OCRv4_rec_infer.onnx" in models
    for name in MODELS:
        det, rec, table, _ = _model_files(name)
        assert det.is_file() and rec.is_file() and (table is None or table.is_file())
    assert rapidocr.models == "mixed" and rapidocr.det_width == 640 and rapidocr._rec_min_width == 160


@pytest.fixture(scope="module", params=["mixed", "ppocrv4"])
def each_rapidocr(request, rapidocr):
    from idverify.documents.rapidocr_text import RapidOcrFields

    return rapidocr if request.param == "mixed" else RapidOcrFields(models=request.param)


@pytest.mark.slow
@pytest.mark.parametrize(("kind", "level"), [("td3", "clean"), ("td1", "mild")])
def test_rapidocr_reads_a_front(each_rapidocr, kind, level):
    from anyascii import anyascii

    g = generate_document(4, kind=kind, level=level)
    f = each_rapidocr.read(g.arrays[0])
    t = g.truth
    assert f["birth_date"].value == t.birth_date.isoformat() and f["expiry_date"].value == t.expiry_date.isoformat()
    assert f["document_number"].value == t.document_number
    assert anyascii(f["surname"].value) == anyascii(t.surname).upper() and f["surname"].confidence >= 0.8


def test_rapidocr_threads_share_one_engine(monkeypatch):
    # An engine costs 74-110 MB: threads reading through one reader build no engine of their
    # own, and read what one thread reads.
    import threading

    import rapidocr_onnxruntime

    from idverify.documents.rapidocr_text import RapidOcrFields

    built = []

    class Counted(rapidocr_onnxruntime.RapidOCR):
        def __init__(self, *args, **kwargs):
            built.append(1)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(rapidocr_onnxruntime, "RapidOCR", Counted)
    reader = RapidOcrFields()
    rgb = generate_document(4, kind="td1", level="clean").arrays[0]
    alone = reader.read(rgb)
    got = []
    threads = [threading.Thread(target=lambda: got.append(reader.read(rgb))) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(built) == 1 and got == [alone] * 3


def test_rapidocr_lines_shared_between_threads_read_as_one_thread_reads_them(rapidocr):
    # A page's lines are recognised on two threads (the wall time of the pass): every line
    # keeps its place and reads what the calling thread alone reads.
    from idverify.documents.rapidocr_text import RapidOcrFields, _quad_crop

    rgb = generate_document(4, kind="td3", level="clean").arrays[0]
    crops = [_quad_crop(rgb, q, None)[0] for q in rapidocr.detect(rgb)]
    assert len(crops) >= 10
    alone = RapidOcrFields(line_threads=1)
    assert alone._helpers is None and rapidocr._helpers is not None
    assert rapidocr.recognise(crops) == alone.recognise(crops)
    assert rapidocr.recognise(crops[:1]) == alone.recognise(crops[:1]) and rapidocr.recognise([]) == []


@pytest.mark.parametrize("models", ["mixed", "ppocrv4"])
def test_rapidocr_detection_finds_what_rapidocr_itself_finds(rapidocr, models):
    # The detector's input is normalised through a table of the 256 levels, not pixel by pixel
    # in float64 as RapidOCR does: the same input to the last bit, so the same lines.
    import numpy as np

    from idverify.documents.rapidocr_text import RapidOcrFields

    reader = rapidocr if models == "mixed" else RapidOcrFields(models=models)
    bgr = np.ascontiguousarray(generate_document(4, kind="td3", level="mild").arrays[0][:, :, ::-1])
    ours = reader._detect(bgr)
    theirs, _ = reader._engine.text_det(bgr)
    assert len(ours) >= 10 and np.array_equal(np.asarray(ours), np.asarray(theirs))
    levels = np.arange(256, dtype=np.uint8).reshape(16, 16, 1).repeat(3, axis=2)
    pre = reader._engine.text_det.get_preprocess(32)
    table = reader._det_table
    assert np.array_equal(pre.normalize(levels).astype(np.float32), table[levels, [0, 1, 2]])


def test_rapidocr_lines_cut_short_are_read_whole_in_the_same_round(rapidocr, monkeypatch):
    # A line longer than first_ratio times its height is read cut (a caption's first words name
    # it) and whole in one round of reads; its whole read is kept unless the cut one is a
    # caption: the lines read as two rounds (cut, then whole where no caption) read them.
    from idverify.documents.printed_fields import TextLine, caption_field
    from idverify.documents.rapidocr_text import _box, _quad_crop

    rgb = generate_document(4, kind="td3", level="clean").arrays[0]
    quads = rapidocr.detect(rgb)
    cuts = [_quad_crop(rgb, q, rapidocr.first_ratio) for q in quads]
    first = rapidocr.recognise([c for c, _ in cuts])
    expected = [TextLine(t, s, _box(q)) for q, (t, s) in zip(quads, first)]
    again = [i for i, (_, cut) in enumerate(cuts) if cut and caption_field(expected[i].text) is None]
    assert again
    for i, (t, s) in zip(again, rapidocr.recognise([_quad_crop(rgb, quads[i], None)[0] for i in again])):
        expected[i] = TextLine(t, s, expected[i].box)
    rounds = []
    real = type(rapidocr).recognise

    def counted(self, crops, *, names=False):
        rounds.append(len(crops))
        return real(self, crops, names=names)

    monkeypatch.setattr(type(rapidocr), "recognise", counted)
    assert rapidocr.lines(rgb).lines == expected and len(rounds) == 1


def test_lines_are_shared_out_by_width():
    from idverify.documents.rapidocr_text import _shares

    assert _shares([100.0, 300.0, 200.0, 100.0], 2) == [[1, 3], [0, 2]]
    assert _shares([5.0], 2) == [[0]] and _shares([], 2) == [[]] and _shares([1.0, 2.0], 1) == [[0, 1]]
    shares = _shares([float(w) for w in range(1, 20)], 2)
    assert sorted(i for s in shares for i in s) == list(range(19))


def test_rapidocr_line_input_is_its_own_width_padded_to_the_training_width():
    import numpy as np

    from idverify.documents.rapidocr_text import REC_HEIGHT, REC_MIN_WIDTH, _rec_input

    short = _rec_input(np.full((20, 40, 3), 255, np.uint8))  # 96 px wide at 48 high: padded
    long = _rec_input(np.full((20, 400, 3), 255, np.uint8))  # 960 px wide: no padding
    assert short.shape == (1, 3, REC_HEIGHT, REC_MIN_WIDTH) and long.shape == (1, 3, REC_HEIGHT, 960)
    assert _rec_input(np.full((20, 40, 3), 255, np.uint8), 160).shape == (1, 3, REC_HEIGHT, 160)
    assert short[..., :96].min() == 1.0 and not short[..., 96:].any()  # white, then RapidOCR's zero padding


@pytest.mark.slow
@pytest.mark.parametrize(("kind", "level"), [("td3", "clean"), ("td1", "mild")])
def test_rapidocr_lines_read_alone_read_as_its_batches_do(kind, level):
    # Each line is recognised alone (issue 16, item 4: a batch pads every line to the widest and
    # costs more per line); on these pages every line reads the characters RapidOCR's own batches
    # read. Where the decoder puts a space may differ: on one machine (2026-12-03) the td3 MRZ
    # line read 'B01 5401219F IN0 50402' alone and 'B01 54 01219 F IN050402' batched.
    # Measured for PP-OCRv4 (the tiny recogniser reads a run of MRZ fillers one shorter alone).
    from idverify.documents.rapidocr_text import RapidOcrFields, _quad_crop

    rapidocr = RapidOcrFields(models="ppocrv4")
    rgb = generate_document(4, kind=kind, level=level).arrays[0]
    crops = [_quad_crop(rgb, q, None)[0] for q in rapidocr.detect(rgb)]
    assert len(crops) >= 10
    batched, _ = rapidocr._engine.text_rec([c[:, :, ::-1].copy() for c in crops])

    def unspaced(texts):
        return ["".join(str(t).split()) for t in texts]

    assert unspaced(t for t, _ in rapidocr.recognise(crops)) == unspaced(t for t, _ in batched)


def test_rapidocr_sessions_keep_their_arena_and_do_not_spin(rapidocr):
    # RapidOCR builds its sessions with the memory arena off (the detector spent a quarter of its
    # time allocating); the reader's own sessions keep it, and one recogniser session serves both.
    for session in (rapidocr._engine.text_det.infer.session, rapidocr._rec):
        opts = session.get_session_options()
        assert opts.enable_cpu_mem_arena and opts.intra_op_num_threads == 1
        assert opts.get_session_config_entry("session.intra_op.allow_spinning") == "0"
    assert rapidocr._engine.text_rec.session.session is rapidocr._rec


def test_mixed_reads_a_name_again_only_where_it_differs_from_the_given_one(rapidocr, monkeypatch):
    # "mixed": the tiny recogniser reads every line; PP-OCRv4's reads a name's line again only
    # when the read is not the name another source (the MRZ) gives, or none is given. The
    # surname is compared in the MRZ's alphabet (MÜLLER is MUELLER).
    from idverify.documents.rapidocr_text import _same_name

    g = generate_document(4, kind="td3", level="clean")
    t = g.truth
    calls = []
    real = type(rapidocr).recognise

    def counted(self, crops, *, names=False):
        calls.append((len(crops), names))
        return real(self, crops, names=names)

    monkeypatch.setattr(type(rapidocr), "recognise", counted)
    given = {"surname": t.mrz_surname, "given_names": t.mrz_given_names}
    first = rapidocr.read(g.arrays[0], names=given)
    assert _same_name(first["surname"].value, t.mrz_surname) and not any(names for _, names in calls)
    calls.clear()
    other = rapidocr.read(g.arrays[0], names={"surname": "SOMEONE", "given_names": t.mrz_given_names})
    assert [n for n, names in calls if names] == [1] and other["surname"].value == first["surname"].value
    calls.clear()
    rapidocr.read(g.arrays[0])
    assert [n for n, names in calls if names] == [2]
    assert _same_name("MÜLLER", "MUELLER") and _same_name("JEAN-PAUL", "JEAN PAUL") and not _same_name("MULLER", "MUELLER")


def test_lines_at_regions_found_beforehand_less_those_inside_a_portrait(rapidocr):
    # The detector runs on the page while the faces are searched (regions); the lines are then
    # read at those regions, less the ones mostly inside a portrait's box.
    import numpy as np

    from idverify.documents.rapidocr_text import _mostly_inside

    rgb = generate_document(4, kind="td3", level="clean").arrays[0]
    regions = rapidocr.regions(rgb)
    assert len(regions) >= 5 and rapidocr.lines(rgb, regions=regions).lines == rapidocr.lines(rgb).lines
    first = regions[0]
    x0, y0 = (int(v) for v in first.min(0))
    x1, y1 = (int(v) for v in first.max(0))
    box = (x0 - 2, y0 - 2, x1 - x0 + 4, y1 - y0 + 4)
    kept = rapidocr.lines(rgb, regions=regions, keep_out=[box])
    assert len(kept.lines) == len(regions) - 1 and not any(np.array_equal(q, first) for q in kept.quads)
    # A line that only runs into a portrait's box is read whole.
    assert _mostly_inside(first, [box]) and not _mostly_inside(first, [(x0, y0, (x1 - x0) // 3, y1 - y0)])


def test_tesseract_reads_the_page_with_its_portraits_painted_out(engine):
    import numpy as np

    fields = TesseractFields(engine)
    page = np.zeros((40, 60, 3), np.uint8)
    assert fields.regions(page) is None and fields.lines(page) is page
    out = fields.lines(page, keep_out=[(10, 5, 20, 10)])
    assert (out[5:15, 10:30] == 255).all() and out.sum() == 255 * 3 * 200 and not page.any()
