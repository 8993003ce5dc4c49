"""CompareFaces end to end on real faces: decisions, selection, reasons, every response field."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import cv2
import matplotlib
import numpy as np
import pytest
import skimage.data
from PIL import Image

from idverify.errors import ImageRejected
from idverify.faces.detect import detect_faces
from idverify.faces.models import EMBEDDING_MODEL, load_face_models
from idverify.faces.pipeline import analyse_image, combine_analyses, compare_faces
from idverify.faces.settings import FaceSettings
from idverify.images import ImageSettings, decode_image
from idverify.v1 import verification_service_pb2 as pb

GRACE = Path(matplotlib.get_data_path()) / "sample_data" / "grace_hopper.jpg"
BRICK = Path(os.path.dirname(skimage.data.__file__)) / "brick.png"
SETTINGS = FaceSettings()
IMAGES = ImageSettings()


@pytest.fixture(scope="module")
def models():
    return load_face_models(SETTINGS)


def _png(rgb: np.ndarray) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, format="PNG")
    return buf.getvalue()


def _compare(models, reference: bytes, probe: bytes, kind=pb.REFERENCE_KIND_UNSPECIFIED):
    return compare_faces(reference, probe, kind, models=models, settings=SETTINGS, image_settings=IMAGES)


@pytest.fixture(scope="module")
def grace_bytes() -> bytes:
    return GRACE.read_bytes()


@pytest.fixture(scope="module")
def grace_rgb() -> np.ndarray:
    return decode_image(GRACE.read_bytes()).rgb


# -- ../shared/faces: every image analysed once, every pair decided ---------------------------


@pytest.fixture(scope="module")
def shared_pairs(shared_dir, models):
    faces = shared_dir / "faces"
    with open(faces / "pairs.csv", newline="") as fh:
        pairs = [(r["a"], r["b"], r["same"] == "1") for r in csv.DictReader(fh)]
    names = sorted({n for a, b, _ in pairs for n in (a, b)})
    analyses = {}
    for name in names:
        # encoded once per session; the side label only changes the reasons' wording
        data = (faces / name).read_bytes()
        analysis = analyse_image(data, side="probe", document=False, models=models, settings=SETTINGS, image_settings=IMAGES)
        analyses[name] = (analysis, analysis)
    return pairs, analyses


def _decisions(shared_pairs, same: bool, *, acceptable_only: bool = False):
    pairs, analyses = shared_pairs
    out = []
    for a, b, is_same in pairs:
        if is_same != same:
            continue
        ref, prb = analyses[a][0], analyses[b][1]
        if acceptable_only and not (ref.acceptable and prb.acceptable):
            continue
        out.append(combine_analyses(ref, prb, settings=SETTINGS).decision)
    return out


@pytest.mark.shared
def test_every_shared_image_has_one_selected_face(shared_pairs):
    _, analyses = shared_pairs
    for name, (ref, _) in analyses.items():
        assert ref.message.selected_face_index == 0, name
        assert ref.embedding is not None and ref.embedding.shape == (128,)


@pytest.mark.shared
def test_same_person_pairs_match(shared_pairs):
    decisions = _decisions(shared_pairs, same=True)
    assert len(decisions) == 94
    # never rejected; the few in the band between the thresholds go to human review
    assert pb.FACE_DECISION_NO_MATCH not in decisions
    assert decisions.count(pb.FACE_DECISION_MATCH) >= 0.9 * len(decisions)


@pytest.mark.shared
def test_different_person_pairs_do_not_match(shared_pairs):
    decisions = _decisions(shared_pairs, same=False)
    assert len(decisions) == 1391
    assert pb.FACE_DECISION_MATCH not in decisions
    # pairs in the band between the thresholds go to review (INCONCLUSIVE), never to MATCH
    assert decisions.count(pb.FACE_DECISION_NO_MATCH) >= 0.95 * len(decisions)
    judged = _decisions(shared_pairs, same=False, acceptable_only=True)
    assert len(judged) > 1300
    assert judged.count(pb.FACE_DECISION_NO_MATCH) >= 0.995 * len(judged)


@pytest.mark.shared
def test_two_people_in_the_probe_is_multiple_faces(shared_dir, models):
    left = decode_image((shared_dir / "faces/sheldon/sheldon1.png").read_bytes()).rgb
    right = decode_image((shared_dir / "faces/penny/penny1.png").read_bytes()).rgb
    both = np.ascontiguousarray(np.hstack([left, right]))
    response = _compare(models, (shared_dir / "faces/sheldon/sheldon2.png").read_bytes(), _png(both))
    assert response.decision == pb.FACE_DECISION_INCONCLUSIVE
    assert not response.has_distance
    assert [r.code for r in response.probe.reasons] == ["MULTIPLE_FACES"]
    assert "MULTIPLE_FACES" in [r.code for r in response.reasons]
    assert len(response.probe.faces) == 2 and response.probe.selected_face_index == -1
    assert not any(f.selected for f in response.probe.faces)


# -- end to end with repository-generated fixtures -------------------------------------------


def test_same_photo_matches_and_every_field_is_filled(models, grace_bytes, grace_rgb):
    # the reference is the same face re-encoded smaller and grey, as a document portrait
    small = cv2.resize(grace_rgb, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    grey = np.ascontiguousarray(np.repeat(cv2.cvtColor(small, cv2.COLOR_RGB2GRAY)[:, :, None], 3, 2))
    response = _compare(models, _png(grey), grace_bytes, pb.REFERENCE_KIND_PORTRAIT)
    assert response.decision == pb.FACE_DECISION_MATCH
    assert response.has_distance and 0 < response.distance < 0.3
    assert 0.8 < response.similarity <= 1.0
    assert list(response.reasons) == []
    assert response.model == EMBEDDING_MODEL
    assert response.thresholds.match_distance == SETTINGS.match_distance
    assert response.thresholds.no_match_distance == SETTINGS.no_match_distance
    for analysis, fmt in ((response.reference, "PNG"), (response.probe, "JPEG")):
        assert analysis.format == fmt and analysis.width > 0 and analysis.height > 0
        assert analysis.selected_face_index == 0 and len(analysis.faces) == 1
        face = analysis.faces[0]
        assert face.selected and face.role == "dominant"
        assert face.box.width > 0 and face.box.height > 0
        assert face.quality.acceptable and face.quality.sharpness > 0
        assert face.quality.thresholds.min_sharpness == SETTINGS.min_sharpness
    stages = [t.stage for t in response.timings]
    for stage in ("reference.decode", "reference.detect", "reference.encode", "probe.decode", "probe.encode", "decide"):
        assert stage in stages
    assert all(t.milliseconds >= 0 for t in response.timings)


def test_no_face_on_probe_is_inconclusive_never_a_match(models, grace_bytes):
    response = _compare(models, grace_bytes, BRICK.read_bytes())
    assert response.decision == pb.FACE_DECISION_INCONCLUSIVE
    assert not response.has_distance and response.distance == 0 and response.similarity == 0
    assert "NO_FACE" in [r.code for r in response.reasons]
    assert [r.code for r in response.probe.reasons] == ["NO_FACE"]
    assert response.probe.selected_face_index == -1 and len(response.probe.faces) == 0


def test_blank_reference_is_no_face(models, grace_bytes):
    blank = _png(np.full((300, 400, 3), 200, np.uint8))
    response = _compare(models, blank, grace_bytes)
    assert response.decision == pb.FACE_DECISION_INCONCLUSIVE
    assert [r.code for r in response.reference.reasons] == ["NO_FACE"]


def test_same_face_twice_in_probe_is_multiple_faces(models, grace_bytes, grace_rgb):
    both = np.ascontiguousarray(np.hstack([grace_rgb, grace_rgb]))
    response = _compare(models, grace_bytes, _png(both))
    assert response.decision == pb.FACE_DECISION_INCONCLUSIVE
    assert [r.code for r in response.probe.reasons] == ["MULTIPLE_FACES"]


def _document(grace_rgb: np.ndarray) -> np.ndarray:
    """An ID-1 card (856 x 540) with the main portrait on the left and a faint ghost portrait."""
    card = np.full((540, 856, 3), (225, 230, 215), np.uint8)
    cv2.putText(card, "IDENTITY CARD", (300, 60), cv2.FONT_HERSHEY_SIMPLEX, 1.2, (40, 40, 90), 2)
    for i, y in enumerate(range(130, 400, 45)):
        cv2.putText(card, f"FIELD {i} SAMPLE TEXT", (330, y), cv2.FONT_HERSHEY_SIMPLEX, 0.8, (20, 20, 20), 2)
    main = cv2.resize(grace_rgb, (240, 281), interpolation=cv2.INTER_AREA)
    card[110:391, 40:280] = main
    ghost = cv2.resize(grace_rgb, (110, 129), interpolation=cv2.INTER_AREA)
    ghost = (0.55 * cv2.cvtColor(cv2.cvtColor(ghost, cv2.COLOR_RGB2GRAY), cv2.COLOR_GRAY2RGB) + 0.45 * 230).astype(np.uint8)
    card[390:519, 700:810] = ghost
    return card


@pytest.mark.parametrize("kind", [pb.REFERENCE_KIND_DOCUMENT, pb.REFERENCE_KIND_UNSPECIFIED])
def test_document_main_portrait_is_used_and_ghost_ignored(models, grace_bytes, grace_rgb, kind):
    response = _compare(models, _png(_document(grace_rgb)), grace_bytes, kind)
    ref = response.reference
    assert [f.role for f in ref.faces] == ["main_portrait", "ghost_portrait"]
    assert ref.selected_face_index == 0 and ref.faces[0].selected and not ref.faces[1].selected
    assert ref.faces[0].box.left < 280 and ref.faces[1].box.left > 650
    assert ref.portrait_cropped
    assert response.decision == pb.FACE_DECISION_MATCH


def test_portrait_shrunk_to_40px_is_still_found(models, grace_bytes, grace_rgb):
    box = detect_faces(grace_rgb, models, SETTINGS)[0]
    scale = 40 / box.width
    tiny = cv2.resize(grace_rgb, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    response = _compare(models, _png(tiny), grace_bytes, pb.REFERENCE_KIND_PORTRAIT)
    assert response.reference.selected_face_index == 0
    assert response.has_distance
    assert response.decision != pb.FACE_DECISION_NO_MATCH


def test_blurred_probe_is_low_quality_and_inconclusive(models, grace_bytes, grace_rgb):
    blurred = cv2.GaussianBlur(grace_rgb, (0, 0), 6)
    response = _compare(models, grace_bytes, _png(blurred))
    assert response.has_distance
    assert response.decision == pb.FACE_DECISION_INCONCLUSIVE
    codes = [r.code for r in response.reasons]
    assert "LOW_QUALITY" in codes and "FACE_INCONCLUSIVE" in codes
    assert "BLURRY" in [r.code for r in response.probe.faces[0].quality.reasons]


def test_a_far_pair_made_inconclusive_by_quality_does_not_say_mismatch(models, grace_bytes):
    """Another person's blurred photo: the distance alone says NO_MATCH, the quality gate makes
    it INCONCLUSIVE, and the reasons follow the decision (FACE_INCONCLUSIVE, LOW_QUALITY), not
    the distance (FACE_MISMATCH would tell a caller the service decided 'different people')."""
    from skimage import data

    other = cv2.GaussianBlur(data.astronaut(), (0, 0), 4)
    response = _compare(models, grace_bytes, _png(other))
    assert response.has_distance and response.distance > response.thresholds.no_match_distance
    assert response.decision == pb.FACE_DECISION_INCONCLUSIVE
    codes = [r.code for r in response.reasons]
    assert "FACE_INCONCLUSIVE" in codes and "LOW_QUALITY" in codes and "FACE_MISMATCH" not in codes
    assert response.similarity < 0.5  # more likely two people than one, even at even odds


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "IMAGE_EMPTY"),
        (b"just some text, not a picture", "UNSUPPORTED_FORMAT"),
        (GRACE.read_bytes()[:5000], "IMAGE_UNREADABLE"),
    ],
)
def test_unusable_image_is_rejected_naming_the_field(models, grace_bytes, data, reason):
    with pytest.raises(ImageRejected) as info:
        _compare(models, grace_bytes, data)
    assert info.value.reason == reason
    assert info.value.metadata["field"] == "probe"


def test_heic_probe_with_exif_rotation_matches(models, grace_bytes, grace_rgb):
    # A phone photo: HEIC with the pixels stored sideways and EXIF orientation 6 to turn them
    # upright. Without the orientation the face lies on its side and HOG finds nothing.
    from pillow_heif import register_heif_opener

    register_heif_opener()
    sideways = Image.fromarray(grace_rgb).transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[0x0112] = 6
    buf = io.BytesIO()
    sideways.save(buf, format="HEIF", exif=exif.tobytes(), quality=90)
    response = _compare(models, grace_bytes, buf.getvalue(), pb.REFERENCE_KIND_PORTRAIT)
    assert response.probe.format == "HEIF"
    assert (response.probe.width, response.probe.height) == (grace_rgb.shape[1], grace_rgb.shape[0])
    assert response.decision == pb.FACE_DECISION_MATCH


# -- the hard case: a grey, line-patterned, small document portrait ---------------------------

#: The holder's photo printed on the card, the profile photo compared with it, and the card's seed.
HARD_HOLDER = ("howard/howard1.png", "howard/howard2.png", 7)


def _framed(rgb: np.ndarray, models) -> Image.Image:
    """An ICAO-like 35:45 portrait around the photo's face (face 1/1.8 of the width)."""
    box = detect_faces(rgb, models, SETTINGS)[0]
    w = box.width * 1.8
    h = w * 45 / 35
    cx, cy = (box.left + box.right) / 2, (box.top + box.bottom) / 2
    return Image.fromarray(rgb).crop((round(cx - w / 2), round(cy - h * 0.45), round(cx + w / 2), round(cy + h * 0.55)))


@pytest.mark.shared
@pytest.mark.slow
def test_grey_lined_small_portrait_matches_its_holder_and_not_a_look_alike(models, shared_dir, shared_pairs):
    from idverify.docgen import generate_document

    faces = shared_dir / "faces"
    printed, profile, seed = HARD_HOLDER
    portrait = _framed(decode_image((faces / printed).read_bytes()).rgb, models)
    card = generate_document(seed, kind="td1", level="hard", portrait=portrait, today=__import__("datetime").date(2026, 1, 15))
    reference = analyse_image(card.images[0], side="reference", document=True, models=models, settings=SETTINGS,
                              image_settings=IMAGES)
    main = reference.message.faces[reference.message.selected_face_index]
    assert main.role == "main_portrait" and main.box.width < 75 and main.quality.saturation < 3
    assert reference.reference_class == "degraded_portrait"

    holder = combine_analyses(reference, shared_pairs[1][profile][1], settings=SETTINGS)
    assert holder.thresholds.reference_class == pb.FACE_REFERENCE_CLASS_DEGRADED_PORTRAIT
    assert holder.thresholds.match_distance == SETTINGS.degraded_portrait.match_distance
    assert holder.decision == pb.FACE_DECISION_MATCH, holder.distance

    # The look-alike: of every other person's photos, the one nearest this portrait.
    holder_person = printed.split("/")[0]
    others = {n: a for n, (_, a) in shared_pairs[1].items() if n.split("/")[0] != holder_person}
    nearest = min(others, key=lambda n: np.linalg.norm(others[n].embedding - reference.embedding))
    look_alike = combine_analyses(reference, others[nearest], settings=SETTINGS)
    assert look_alike.distance > holder.distance
    assert look_alike.decision != pb.FACE_DECISION_MATCH, (nearest, look_alike.distance)


def test_a_grey_portrait_cropped_from_a_document_is_judged_as_one(models, grace_bytes, grace_rgb):
    """VerifyIdentity's fallback compares the reader's crop: as a DOCUMENT_PORTRAIT its grey print
    gets the degraded class, where as a plain PORTRAIT (a photo) black and white is no defect."""
    small = cv2.resize(grace_rgb, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    grey = np.ascontiguousarray(np.repeat(cv2.cvtColor(small, cv2.COLOR_RGB2GRAY)[:, :, None], 3, 2))
    printed = _compare(models, _png(grey), grace_bytes, pb.REFERENCE_KIND_DOCUMENT_PORTRAIT)
    photo = _compare(models, _png(grey), grace_bytes, pb.REFERENCE_KIND_PORTRAIT)
    assert printed.thresholds.reference_class == pb.FACE_REFERENCE_CLASS_DEGRADED_PORTRAIT
    assert photo.thresholds.reference_class == pb.FACE_REFERENCE_CLASS_PHOTO
    assert printed.decision == pb.FACE_DECISION_MATCH and printed.distance == pytest.approx(photo.distance)
