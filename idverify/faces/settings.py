"""Face pipeline settings (the ``[faces]`` table). Defaults are measured: see
benchmarks/RESULTS.md for the distances, FAR/FRR and timings behind each number."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from idverify.errors import ConfigError

__all__ = ["FaceSettings"]


@dataclass(frozen=True)
class FaceSettings:
    """Detection, selection, quality and decision settings. Distances are Euclidean distances
    between 128-d dlib embeddings; sizes are pixels of the full-resolution image."""

    # -- decision: calibrated by benchmarks/calibrate_faces.py on the 94 same-person and 1391
    # different-person pairs of ../shared/faces, photo against photo and document-like
    # portrait (60-80 px face, grey, JPEG 40) against photo; table in benchmarks/RESULTS.md.
    #: Distances at or below this are MATCH. The closest different-person pair measured 0.573,
    #: so 0.55 accepted no impostor (FAR 0%) while matching 96% of same-person photo pairs.
    match_distance: float = 0.55
    #: Distances above this are NO_MATCH; between the two thresholds is INCONCLUSIVE. The
    #: farthest same-person pair measured 0.619, so 0.62 rejected no genuine pair (FRR 0%).
    no_match_distance: float = 0.62

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
    #: ("large"), or "5" (dlib's lighter model). Pose always uses the 68 points.
    landmark_model: Literal["68", "5"] = "68"
    #: Random re-samplings averaged per embedding (face_recognition's num_jitters); 1 is fastest.
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
