"""Face pipeline settings (the ``[faces]`` table). Defaults are measured: see
benchmarks/RESULTS.md for the distances, FAR/FRR and timings behind each number."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from idverify.errors import ConfigError

__all__ = ["ClassThresholds", "FaceSettings", "ReferenceClass"]

#: The classes of reference the decision thresholds are calibrated for (decide.classify_reference).
ReferenceClass = Literal["photo", "document_portrait", "degraded_portrait"]


@dataclass(frozen=True)
class ClassThresholds:
    """The decision thresholds of one class of reference (Euclidean distances between 128-d
    dlib embeddings), and the sharpness below which a reference of the class is too soft to
    decide on (quality reason BLURRY). The degraded class has a lower floor than
    ``FaceSettings.min_sharpness`` because its distances were calibrated on such faces."""

    #: Distances at or below this are MATCH (default: the one pair used before classes).
    match_distance: float = 0.55
    #: Distances above this are NO_MATCH; between the two is INCONCLUSIVE.
    no_match_distance: float = 0.62
    #: None keeps ``FaceSettings.min_sharpness``.
    min_sharpness: float | None = None
    #: The similarity curve (``decide.similarity``): the distance at which a pair is as likely
    #: one person as two, at even prior odds...
    similarity_centre: float = 0.638
    #: ...and how fast the probability falls with the distance (per unit of distance).
    similarity_slope: float = 61.7

    def validate(self) -> None:
        if not 0 < self.match_distance <= self.no_match_distance:
            raise ConfigError("faces.<class>.match_distance must be > 0 and <= no_match_distance", reason="CONFIG_VALUE")
        if self.min_sharpness is not None and self.min_sharpness < 0:
            raise ConfigError("faces.<class>.min_sharpness must be >= 0", reason="CONFIG_VALUE")
        if not 0 < self.similarity_centre < 2 or self.similarity_slope <= 0:
            raise ConfigError("faces.<class>.similarity_centre must be in (0, 2) and similarity_slope > 0",
                              reason="CONFIG_VALUE")


@dataclass(frozen=True)
class FaceSettings:
    """Detection, selection, quality and decision settings. Distances are Euclidean distances
    between 128-d dlib embeddings; sizes are pixels of the full-resolution image."""

    # -- decision ----------------------------------------------------------------------------
    # Thresholds depend on the reference's class, chosen at run time from the reference face's
    # measured quality (rule in idverify/faces/decide.py, ``classify_reference``): a good photo,
    # a document portrait, or a degraded portrait (small, soft, or grey on a document). Each
    # class is calibrated by benchmarks/calibrate_faces.py on ../shared/faces photo pairs and
    # on those faces printed on generated documents at every docgen level, leaving one person
    # out; the FAR and FRR beside each default are the held-out ones (benchmarks/RESULTS.md).
    #: Photo class: distances at or below this are MATCH. (The key predates the classes and
    #: keeps its meaning for every reference when ``per_class_thresholds`` is off.) Measured at
    #: 0.55 on the photo set, with the face-centred pose fit: genuine not MATCH 5.3% (5 of 94, all
    #: distances in the band), impostor MATCH 0 of 1391. The LOPO rule chose 0.537 / 0.599 (held
    #: out: 5.3%, 0 of 1391, but NO_MATCH for 3.2% of genuine pairs), no better, so the pair stays.
    match_distance: float = 0.55
    #: Photo class: distances above this are NO_MATCH; between the two is INCONCLUSIVE.
    no_match_distance: float = 0.62
    #: Photo class: the similarity curve (``decide.similarity``: the probability of one person at
    #: even prior odds), fitted per class by benchmarks/calibrate_similarity.py as the posterior
    #: of two normal distance distributions with a shared variance. Photo: centre 0.638, slope
    #: 61.7 (0.996 at 0.55, 0.748 at 0.62); document portrait 0.629 / 58.2; degraded portrait
    #: 0.655 / 54.7. Held out (leave one person out), balanced log loss 0.009 / 0.010 / 0.065
    #: against 0.023 / 0.008 / 0.135 for the readable score used before (benchmarks/RESULTS.md).
    similarity_centre: float = 0.638
    #: Photo class: the slope of that curve.
    similarity_slope: float = 61.7
    #: The document-portrait class (colour portraits on documents; 13 of the 14 people's photos
    #: are grey, so only 39 genuine pairs): the LOPO rule chose 0.521 / 0.541, held out genuine
    #: not MATCH 0.0%, impostor MATCH 1 of 1380 (0.07%) (before the pose fix: 28%, 8 of 1380):
    #: too few people to move the old pair, which decides all 39 genuine pairs MATCH and 0 of
    #: 1380 impostors MATCH.
    document_portrait: ClassThresholds = field(default_factory=lambda: ClassThresholds(0.55, 0.62, None, 0.629, 58.2))
    #: The degraded-portrait class, calibrated leaving one person out on 334 genuine and 4128
    #: different-person pairs (grey portraits at every level, the hard level's 50-60 px faces),
    #: with the face-centred pose fit: the rule chose 0.537 / 0.720 (kept at 0.54 / 0.72); held
    #: out genuine not MATCH 24.9% (hard set 69%, clean 5%, strong 11%; 81% on hard at 0.55 /
    #: 0.62 with the photo sharpness floor), genuine NO_MATCH 1.5%, impostor MATCH 0 of 4128.
    #: The sharpness floor 5 lets soft portraits be decided at this class's own thresholds
    #: instead of going to review.
    degraded_portrait: ClassThresholds = field(default_factory=lambda: ClassThresholds(0.54, 0.72, 5.0, 0.655, 54.7))
    #: False applies match_distance / no_match_distance to every reference (before issue 20).
    per_class_thresholds: bool = True
    #: A reference face on a document whose saturation (mean CIELAB chroma) is below this is a
    #: grey portrait. Photos are not judged grey: black-and-white photos compare like colour ones.
    grey_below_saturation: float = 6.0
    #: A reference face softer than this (variance of the Laplacian at 112 x 112) is degraded.
    degraded_below_sharpness: float = 30.0
    #: A reference face narrower than this, in pixels, is degraded.
    degraded_below_face_width_px: float = 70.0

    # -- detection -------------------------------------------------------------------------
    #: "hog" (fast, frontal faces) or "cnn" (dlib MMOD: more poses, about 10x slower on CPU).
    detector: Literal["hog", "cnn"] = "hog"
    #: Longest side in pixels of the working copy detection runs on; larger images are
    #: downscaled (a 12 MP photo costs the same as a 640 px one).
    working_max_side: int = 640
    #: Images whose longest side is below this are upscaled to it for detection, so small ID
    #: portraits (faces of 40-80 px) reach the detector's 80 px window.
    working_min_side: int = 200
    #: dlib upsampling passes the detector starts with on the working copy. 0 finds faces of
    #: 80 px and more (12% of a 640 px copy), in a quarter of the time of 1 pass.
    upsample: int = 0
    #: More passes (each doubles the copy and halves the smallest face found: 40 px at 1,
    #: 20 px at 2) are run while the faces found are too small to rule out a comparable face
    #: below the current pass's reach, or nothing was found.
    max_upsample: int = 2
    #: Detector score a face must reach (dlib's own boundary is 0).
    detection_threshold: float = 0.0
    #: When no candidate reaches detection_threshold, the strongest candidate above this is
    #: taken (faces near the boundary: small, soft ID portraits).
    fallback_threshold: float = -0.15

    # -- alignment and embedding -----------------------------------------------------------
    #: Landmarks that align the face for the encoder: "68" as face_recognition's default
    #: ("large"), or "5" (dlib's lighter model). Pose always uses the 68 points. Measured
    #: (benchmarks/embedding_variants.py): "5" separates worse on every set (photo EER 1.1% vs
    #: 0.1%, hard FRR at FAR 0.1% 55% vs 28%) at the same cost, so "68" stays.
    landmark_model: Literal["68", "5"] = "68"
    #: Random re-samplings averaged per embedding (face_recognition's num_jitters); 1 is fastest.
    #: Measured: 10 brings FRR at FAR 0.1% from 1.1% to 0 on photo pairs but not the held-out
    #: genuine not MATCH (5.3% either way), and costs 10x the encoding (about 1.7 s per pair),
    #: beyond the 640 px speed target, so 1 stays.
    num_jitters: int = 1

    # -- selection -------------------------------------------------------------------------
    #: A second face at least this fraction of the largest face's width makes a probe
    #: ambiguous (MULTIPLE_FACES).
    dominance_ratio: float = 0.7

    # -- quality (see FaceQualityThresholds in the proto) ----------------------------------
    # Measured (benchmarks/RESULTS.md): shared photos have sharpness >= 44, document-like
    # portraits >= 28, and a Gaussian blur of 2% of the face width drops it to 6-19; frontal to
    # three-quarter genuine photos reach |yaw| 42 and |pitch| 34 degrees and still match.
    #: Smallest face box width in pixels (ID portraits print faces of 40-80 px).
    min_face_width_px: float = 36.0
    #: Smallest distance between the eye centres in pixels (a 40 px face has about 16).
    min_inter_eye_distance_px: float = 14.0
    #: Variance of the Laplacian on the face crop resized to 112x112 grey.
    min_sharpness: float = 20.0
    #: Mean grey level of the face crop, 0-255.
    min_brightness: float = 40.0
    max_brightness: float = 220.0
    #: Standard deviation of the face crop's grey levels, 0-255 (shared photos: 23 and up).
    min_contrast: float = 15.0
    #: Head rotation limits in degrees (dlib embeddings degrade past about 45 degrees of yaw).
    max_yaw_degrees: float = 45.0
    max_pitch_degrees: float = 40.0
    #: A face failing quality turns a MATCH or NO_MATCH into INCONCLUSIVE (human review).
    low_quality_is_inconclusive: bool = True

    def validate(self) -> None:
        def bad(msg: str) -> ConfigError:
            return ConfigError(f"faces.{msg}", reason="CONFIG_VALUE")

        if not 0 < self.match_distance <= self.no_match_distance:
            raise bad("match_distance must be > 0 and <= no_match_distance")
        if not 0 < self.similarity_centre < 2 or self.similarity_slope <= 0:
            raise bad("similarity_centre must be in (0, 2) and similarity_slope > 0")
        self.document_portrait.validate()
        self.degraded_portrait.validate()
        if self.grey_below_saturation < 0 or self.degraded_below_sharpness < 0 or self.degraded_below_face_width_px < 0:
            raise bad("grey_below_saturation, degraded_below_sharpness and degraded_below_face_width_px must be >= 0")
        if not 64 <= self.working_max_side <= 4096:
            raise bad("working_max_side must be 64-4096")
        if not 0 < self.working_min_side <= self.working_max_side:
            raise bad("working_min_side must be > 0 and <= working_max_side")
        if not 0 <= self.upsample <= self.max_upsample <= 3:
            raise bad("upsample must be >= 0 and <= max_upsample <= 3")
        if not 1 <= self.num_jitters <= 100:
            raise bad("num_jitters must be 1-100")
        if not 0 < self.dominance_ratio <= 1:
            raise bad("dominance_ratio must be in (0, 1]")
        if self.min_brightness >= self.max_brightness:
            raise bad("min_brightness must be < max_brightness")
