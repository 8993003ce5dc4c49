"""Face comparison: reference (ID document or portrait) against probe (profile photo).

Data flow, one module per step:

    images.decode_image -> detect.detect_faces -> select.select_face
        -> embed.landmarks68 + quality.measure_quality/judge_quality
        -> embed.encode_face -> decide.face_distance/decide/similarity
    pipeline.compare_faces wires them and fills idverify.v1.CompareFacesResponse;
    models.load_face_models builds the dlib objects once; settings.FaceSettings holds every
    threshold; service.FaceService runs the pipeline in worker processes.
"""

from idverify.faces.decide import Decision, decide, face_distance, similarity
from idverify.faces.models import FaceModels, load_face_models
from idverify.faces.pipeline import compare_faces
from idverify.faces.settings import FaceSettings

__all__ = [
    "Decision",
    "FaceModels",
    "FaceSettings",
    "compare_faces",
    "decide",
    "face_distance",
    "load_face_models",
    "similarity",
]
