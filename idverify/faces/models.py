"""The dlib models, built once per process and passed in (house rule 2).

face_recognition's ``api`` module builds these at import time; we build the same objects from
the same files (the ``face_recognition_models`` package) only when :func:`load_face_models` is
called: once in ``build_dependencies`` for in-process use, once per worker process otherwise.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from idverify.errors import ConfigError
from idverify.faces.settings import FaceSettings

__all__ = ["EMBEDDING_MODEL", "FaceModels", "load_face_models", "model_dir"]

#: The embedding model's name, reported in every response.
EMBEDDING_MODEL = "dlib_face_recognition_resnet_model_v1"

_FILES = {
    "cnn": "mmod_human_face_detector.dat",
    "68": "shape_predictor_68_face_landmarks.dat",
    "5": "shape_predictor_5_face_landmarks.dat",
    "encoder": EMBEDDING_MODEL + ".dat",
}


@dataclass(frozen=True)
class FaceModels:
    """The loaded dlib objects: a detector, shape predictors and the 128-d ResNet encoder."""

    #: "hog" (dlib's frontal HOG + linear SVM) or "cnn" (dlib's MMOD CNN).
    detector_kind: str
    #: dlib.fhog_object_detector or dlib.cnn_face_detection_model_v1.
    detector: Any
    #: 68-point landmarks: quality (eyes, pose) and, by default, alignment for the encoder.
    predictor68: Any
    #: 5-point landmarks, loaded only when ``FaceSettings.landmark_model`` is "5".
    predictor5: Any | None
    #: dlib.face_recognition_model_v1 producing 128-d embeddings.
    encoder: Any

    def alignment_predictor(self) -> Any:
        """The predictor whose landmarks align the face for the encoder."""
        return self.predictor5 if self.predictor5 is not None else self.predictor68


def model_dir() -> Path:
    """Folder of the model files shipped by the ``face_recognition_models`` package.

    Found without importing the package, whose ``__init__`` imports the deprecated
    ``pkg_resources`` only to compute these same paths.
    """
    spec = importlib.util.find_spec("face_recognition_models")
    if spec is None or not spec.submodule_search_locations:
        raise ConfigError(
            "face_recognition_models is not installed (pip install face-recognition-models)",
            reason="CONFIG_MODELS_MISSING",
        )
    return Path(next(iter(spec.submodule_search_locations))) / "models"


def load_face_models(settings: FaceSettings) -> FaceModels:
    """Load the detector, shape predictors and encoder named by ``settings`` (about 1 s, 130 MB)."""
    import dlib

    folder = model_dir()

    def path(key: str) -> str:
        file = folder / _FILES[key]
        if not file.is_file():
            raise ConfigError(f"face model file missing: {file}", reason="CONFIG_MODELS_MISSING")
        return str(file)

    if settings.detector == "cnn":
        detector = dlib.cnn_face_detection_model_v1(path("cnn"))
    else:
        detector = dlib.get_frontal_face_detector()
    return FaceModels(
        detector_kind=settings.detector,
        detector=detector,
        predictor68=dlib.shape_predictor(path("68")),
        predictor5=dlib.shape_predictor(path("5")) if settings.landmark_model == "5" else None,
        encoder=dlib.face_recognition_model_v1(path("encoder")),
    )
