"""Face comparison: reference (ID document or portrait) against probe (profile photo).

Data flow, one module per step:

    images.decode_image -> detect.detect_faces -> select.select_face
        -> embed.landmarks68 + quality.measure_quality/judge_quality
        -> embed.encode_face -> decide.face_distance/decide/similarity

``pipeline.compare_faces`` wires the steps and fills ``idverify.v1.CompareFacesResponse``;
``models.load_face_models`` builds the dlib objects once; ``settings.FaceSettings`` holds every
threshold; ``service.FaceService`` runs the pipeline in worker processes;
``fusion.fuse_earlier_selfies`` settles a comparison the document leaves open with an account's
earlier verified selfies (re-verification). Only the settings are imported here, so reading the
configuration never imports dlib.
"""

from idverify.faces.settings import FaceSettings

__all__ = ["FaceSettings"]
