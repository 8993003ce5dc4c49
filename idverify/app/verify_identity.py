"""VerifyIdentity: read the document, compare the faces, match the profile, apply the policy.

The orchestration only knows the steps by their API messages, so each step is the same function
that serves its own RPC, and the policy is a pure function of their results:

    document images ──► read_document ──────────────┐
                                                     ├─► match_profile(declared, document) ─┐
    profile photo + front image ──► compare_faces ───┘                                      ├─► decide ─► response
                                    (document portrait cropped by the face pipeline)        │
                                                                         document checks ───┘

Reading the document and comparing the faces are independent, so they run at the same time (the
CPU work is in worker processes). When the face step finds no usable face on the document photo
but the reader cropped a portrait, the comparison is run again against that portrait. At
re-verification, when the document leaves the comparison open by distance alone, the account's
earlier verified selfies are compared with the profile photo too and fused with it
(:mod:`idverify.faces.fusion`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass

from idverify.errors import InvalidInput
from idverify.faces.fusion import fuse_earlier_selfies, open_by_distance
from idverify.reverify.store import selfie_document_key
from idverify.v1 import verification_service_pb2 as pb

__all__ = ["Steps", "verify_identity"]

Decide = Callable[
    [pb.CompareFacesResponse | None, pb.ReadDocumentResponse | None, pb.MatchProfileResponse | None],
    tuple[int, list[pb.Reason]],
]


@dataclass(frozen=True)
class Steps:
    """The four steps VerifyIdentity runs; each is the function behind its own RPC."""

    read_document: Callable[[pb.ReadDocumentRequest], pb.ReadDocumentResponse]
    compare_faces: Callable[[pb.CompareFacesRequest], pb.CompareFacesResponse]
    match_profile: Callable[[pb.MatchProfileRequest], pb.MatchProfileResponse]
    #: The decision policy: ``(face, document, profile) -> (VerificationDecision, reasons)``.
    decide: Decide
    #: The policy's version, echoed in the response.
    policy_version: str
    #: The policy's combining rule over any reasons (the linker's too):
    #: ``reasons -> (VerificationDecision, reasons most severe first, each with its rule)``.
    combine: Callable[[Sequence[pb.Reason]], tuple[int, list[pb.Reason]]]


def _validate(request: pb.VerifyIdentityRequest) -> None:
    if not request.HasField("profile_photo") or not request.profile_photo.content:
        raise InvalidInput("profile_photo is required", reason="MISSING_FIELD", metadata={"field": "profile_photo"})
    if not request.document_images:
        raise InvalidInput("at least one document image is required", reason="MISSING_FIELD",
                           metadata={"field": "document_images"})
    for i, image in enumerate(request.document_images):
        if not image.content:
            raise InvalidInput(f"document_images[{i}] is empty", reason="MISSING_FIELD",
                               metadata={"field": f"document_images[{i}]"})
    if len(request.document_images) > 2:
        raise InvalidInput("at most two document images (front and back)", reason="TOO_MANY_ITEMS",
                           metadata={"field": "document_images"})


def _usable_reference(face: pb.CompareFacesResponse) -> bool:
    return face.reference.selected_face_index >= 0


def verify_identity(steps: Steps, request: pb.VerifyIdentityRequest, executor: Executor,
                    earlier_selfies: Mapping[str, Sequence[bytes]] | None = None) -> pb.VerifyIdentityResponse:
    """Run every step for ``request`` and decide; raises InvalidInput when it cannot be evaluated.

    ``earlier_selfies`` (encoded images, by the key of the document that verified them:
    :func:`~idverify.reverify.store.selfie_document_key`) are the account's selfies whose own
    verification was a face MATCH, never supplied by the caller of the API: when the document
    read now is the one that verified them and leaves the face comparison open by distance
    alone, each is compared with the profile photo and fused (:mod:`idverify.faces.fusion`;
    step ``compare_faces_earlier_selfies``). Another document (a look-alike's) gets no fusion."""
    earlier_selfies = earlier_selfies or {}
    _validate(request)
    started = time.perf_counter()
    front = request.document_images[0]
    reading = executor.submit(steps.read_document, pb.ReadDocumentRequest(images=request.document_images))
    face = steps.compare_faces(pb.CompareFacesRequest(
        reference=front, probe=request.profile_photo, reference_kind=pb.REFERENCE_KIND_DOCUMENT))
    document = reading.result()
    steps_run = ["read_document", "compare_faces"]
    if not _usable_reference(face) and document.portrait_png:
        face = steps.compare_faces(pb.CompareFacesRequest(
            reference=pb.Image(content=document.portrait_png, label="portrait"),
            probe=request.profile_photo, reference_kind=pb.REFERENCE_KIND_DOCUMENT_PORTRAIT))
        steps_run.append("compare_faces_portrait")
    key = selfie_document_key(document.document.issuing_country, document.document.document_number)
    selfies = earlier_selfies.get(key, ()) if key is not None else ()  # only this document's
    if selfies and open_by_distance(face):
        face = fuse_earlier_selfies(face, [steps.compare_faces(pb.CompareFacesRequest(
            reference=pb.Image(content=selfie, label="earlier_selfie"), probe=request.profile_photo,
            reference_kind=pb.REFERENCE_KIND_PORTRAIT)) for selfie in selfies])
        steps_run.append("compare_faces_earlier_selfies")
    profile = steps.match_profile(pb.MatchProfileRequest(declared=request.declared, document=document.document))
    steps_run.append("match_profile")
    decision, reasons = steps.decide(face, document, profile)
    steps_run.append("policy")
    timings = [pb.StageTiming(stage=f"document.{t.stage}", milliseconds=t.milliseconds) for t in document.timings]
    timings += [pb.StageTiming(stage=f"face.{t.stage}", milliseconds=t.milliseconds) for t in face.timings]
    timings.append(pb.StageTiming(stage="total", milliseconds=(time.perf_counter() - started) * 1000))
    return pb.VerifyIdentityResponse(
        decision=decision, reasons=reasons, document=document, face=face, profile=profile,
        steps=steps_run, policy_version=steps.policy_version, timings=timings,
    )
