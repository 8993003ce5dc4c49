"""Per-face quality: measured values first, then a verdict against thresholds.

Measures (all on the full-resolution pixels):
    face_width_px          the detector box width
    inter_eye_distance_px  distance between the eye centres (landmarks 36-41 and 42-47)
    sharpness              variance of the Laplacian on the face box resized to 112 x 112 grey,
                           so the value does not depend on the face's size in the photo
    brightness, contrast   mean and standard deviation of that grey crop (0-255)
    yaw, pitch             head rotation in degrees from six landmarks fitted to a generic 3-D
                           face with OpenCV's solvePnP (0 is frontal), the camera looking
                           straight at the face: the same face reads the same wherever it is
                           in the frame
    saturation             colour saturation of the face box: the mean CIELAB chroma
                           sqrt(a*^2 + b*^2) in OpenCV's 8-bit scale (0 for grey; skin in a
                           colour photo is about 15-40, a grey portrait photographed in colour
                           keeps only JPEG and sensor chroma noise, a few units). Chroma rather
                           than HSV saturation, which is noisy on dark pixels.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from idverify.faces.detect import FaceBox
from idverify.faces.settings import FaceSettings

__all__ = ["QualityMeasures", "judge_quality", "measure_quality"]

_NORMALISED_SIDE = 112

# A generic 3-D face (millimetre-like units), the points matching landmarks 30 (nose tip),
# 8 (chin), 36 and 45 (outer eye corners), 48 and 54 (mouth corners).
_MODEL_POINTS = np.array(
    [
        (0.0, 0.0, 0.0),
        (0.0, -330.0, -65.0),
        (-225.0, 170.0, -135.0),
        (225.0, 170.0, -135.0),
        (-150.0, -150.0, -125.0),
        (150.0, -150.0, -125.0),
    ],
    dtype=np.float64,
)
_LANDMARK_IDS = [30, 8, 36, 45, 48, 54]


@dataclass(frozen=True)
class QualityMeasures:
    """Measured quality of one face (units in the module docstring)."""

    face_width_px: float
    inter_eye_distance_px: float
    sharpness: float
    brightness: float
    contrast: float
    yaw_degrees: float
    pitch_degrees: float
    #: Defaulted so that measures built by hand (tests) may leave it out; measure_quality sets it.
    saturation: float = 255.0


def measure_quality(rgb: np.ndarray, box: FaceBox, points68: np.ndarray) -> QualityMeasures:
    """Measure one face on ``rgb`` given its box and 68 landmarks (full-image pixels)."""
    left_eye = points68[36:42].mean(axis=0)
    right_eye = points68[42:48].mean(axis=0)
    face = rgb[box.top : box.bottom, box.left : box.right]
    grey = cv2.cvtColor(face, cv2.COLOR_RGB2GRAY)
    area = box.width * box.height
    interpolation = cv2.INTER_AREA if area >= _NORMALISED_SIDE**2 else cv2.INTER_LINEAR
    norm = cv2.resize(grey, (_NORMALISED_SIDE, _NORMALISED_SIDE), interpolation=interpolation)
    yaw, pitch = _head_pose(points68, max(rgb.shape[0], rgb.shape[1]))
    return QualityMeasures(
        face_width_px=float(box.width),
        inter_eye_distance_px=float(np.linalg.norm(right_eye - left_eye)),
        sharpness=float(cv2.Laplacian(norm, cv2.CV_64F).var()),
        brightness=float(norm.mean()),
        contrast=float(norm.std()),
        yaw_degrees=yaw,
        pitch_degrees=pitch,
        saturation=_chroma(face),
    )


def judge_quality(m: QualityMeasures, settings: FaceSettings) -> list[tuple[str, str]]:
    """The failed measures as (reason code, message) pairs; empty when the face is acceptable."""
    reasons: list[tuple[str, str]] = []
    if m.face_width_px < settings.min_face_width_px or m.inter_eye_distance_px < settings.min_inter_eye_distance_px:
        reasons.append((
            "FACE_TOO_SMALL",
            f"face {m.face_width_px:.0f} px wide, eyes {m.inter_eye_distance_px:.1f} px apart "
            f"(minimum {settings.min_face_width_px:.0f} px and {settings.min_inter_eye_distance_px:.0f} px)",
        ))
    if m.sharpness < settings.min_sharpness:
        reasons.append(("BLURRY", f"sharpness {m.sharpness:.1f} below {settings.min_sharpness:.1f}"))
    if m.brightness < settings.min_brightness:
        reasons.append(("TOO_DARK", f"brightness {m.brightness:.0f} below {settings.min_brightness:.0f}"))
    if m.brightness > settings.max_brightness:
        reasons.append(("OVEREXPOSED", f"brightness {m.brightness:.0f} above {settings.max_brightness:.0f}"))
    if m.contrast < settings.min_contrast:
        reasons.append(("LOW_CONTRAST", f"contrast {m.contrast:.1f} below {settings.min_contrast:.1f}"))
    if abs(m.yaw_degrees) > settings.max_yaw_degrees or abs(m.pitch_degrees) > settings.max_pitch_degrees:
        reasons.append((
            "POSE",
            f"yaw {m.yaw_degrees:.0f} deg, pitch {m.pitch_degrees:.0f} deg "
            f"(limits {settings.max_yaw_degrees:.0f} and {settings.max_pitch_degrees:.0f})",
        ))
    return reasons


def _chroma(rgb: np.ndarray) -> float:
    """Mean CIELAB chroma of ``rgb`` (module docstring)."""
    lab = cv2.cvtColor(rgb, cv2.COLOR_RGB2LAB).astype(np.float32)
    return float(np.hypot(lab[..., 1] - 128.0, lab[..., 2] - 128.0).mean())


def _head_pose(points68: np.ndarray, longest_side: int) -> tuple[float, float]:
    """Yaw and pitch in degrees from a perspective fit of six landmarks to a generic face.

    The principal point is put at the centre of the face's own landmarks, not of the image: with
    the image centre, a face away from it is fitted as a head turned towards the camera, so a
    frontal portrait near the edge of a flat document (or a selfie framed off-centre) measured
    20-50 degrees of yaw and failed POSE. What the embedding cares about is how turned the face
    looks, which is what the fit measures once the camera looks straight at it.
    """
    image_points = points68[_LANDMARK_IDS].astype(np.float64)
    # A focal length of the image's longer side approximates a phone camera's field of view
    # (about 53 degrees); the pose angles depend little on it.
    focal = float(longest_side)
    lo, hi = points68.min(axis=0), points68.max(axis=0)
    cx, cy = (lo + hi) / 2.0
    camera = np.array([[focal, 0, cx], [0, focal, cy], [0, 0, 1]], dtype=np.float64)
    ok, rvec, _ = cv2.solvePnP(_MODEL_POINTS, image_points, camera, np.zeros(4), flags=cv2.SOLVEPNP_ITERATIVE)
    if not ok:
        return 0.0, 0.0
    rotation, _ = cv2.Rodrigues(rvec)
    # Euler angles of R = Rz * Ry * Rx; x is pitch (nodding), y is yaw (turning).
    sy = math.hypot(rotation[0, 0], rotation[1, 0])
    pitch = math.degrees(math.atan2(rotation[2, 1], rotation[2, 2]))
    yaw = math.degrees(math.atan2(-rotation[2, 0], sy))
    # The model's y axis points up and the image's down: a frontal face fits at pitch +-180.
    pitch = (pitch + 360.0) % 360.0 - 180.0
    return round(yaw, 2), round(pitch, 2)
