"""The signup use case: verify the identity, link the account with what was verified, decide once.

    SignupRequest ─► Verification.verify_with_templates (read ‖ compare, match, policy; the face
                     embeddings computed once, in the worker that compared the faces)
                  ─► identity signals from what was verified ─┐
                     caller's device/payment/contact signals ─┴► Linking.register (or .check
                                                                  with dry_run)
                  ─► policy.combine(verification reasons + link reasons) ─► SignupResponse
                  ─► history: verification record and the answer, in one transaction

What is registered for the account, all as keyed hashes inside the linker: the profile photo's
face; when it matched the document portrait, the document number with its issuing country as
read, the name (given names and surname) and date of birth as read from the document (not as
declared) and the portrait's face (a document whose portrait is someone else is not evidence
of who holds the account); the declared email and phone. A signal the linker cannot use (a malformed
declared email, a caller's IP address that is not one) is left out instead of failing the signup: the
caller's own signals are listed in the link result's ``rejected_signals`` (indexed as in
``SignupRequest.signals``), an identity signal is missing from ``identity_signals``, and either one
that would link on its own brings the linker's reason IDENTITY_SIGNAL_UNUSABLE into the decision.

Retries: the answer is recorded under the digest of the request; the same request again returns
that answer (``replayed``) and writes nothing. A failure before the answer is recorded leaves no
verification record; the linker registration is an upsert of the same signals, so the retry
converges on the same state.
"""

from __future__ import annotations

import dataclasses
import hashlib
import time

from idverify.app.dependencies import Dependencies
from idverify.app.linking import Linking
from idverify.app.verification import Verification, result_of, strip_images
from idverify.errors import InvalidInput
from idverify.faces.service import FaceTemplates
from idverify.policy import combine
from idverify.v1 import verification_service_pb2 as pb
from linker.engine import LinkResult
from linker.messages import link_result_message
from linker.signals import RejectedSignal
from linker.v1 import linking_service_pb2 as lpb

__all__ = ["CALLER_SIGNAL_TYPES", "IDENTITY_SIGNAL_TYPES", "Signup", "identity_signals", "request_digest"]

#: Signal types the service derives from the verification; a caller may not send them.
IDENTITY_SIGNAL_TYPES = frozenset({
    lpb.SIGNAL_TYPE_DOCUMENT_NUMBER, lpb.SIGNAL_TYPE_NAME_AND_BIRTH_DATE, lpb.SIGNAL_TYPE_FACE_EMBEDDING,
    lpb.SIGNAL_TYPE_FACE_PHOTO, lpb.SIGNAL_TYPE_EMAIL, lpb.SIGNAL_TYPE_PHONE,
})
#: What a signup caller may send: device, payment and network signals.
CALLER_SIGNAL_TYPES = frozenset(v.number for v in lpb.SignalType.DESCRIPTOR.values
                                if v.number and v.number not in IDENTITY_SIGNAL_TYPES)


def request_digest(request: pb.SignupRequest) -> str:
    """SHA-256 of the request's deterministic serialization: what makes two calls the same call."""
    return hashlib.sha256(request.SerializeToString(deterministic=True)).hexdigest()


def identity_signals(verification: pb.VerifyIdentityResponse, templates: FaceTemplates,
                     declared: pb.DeclaredProfile) -> list[lpb.Signal]:
    """The linker signals a verification vouches for (see the module docstring). Pure.

    The document's identity (number, name and birth date) and its portrait count only when the
    selfie matched the portrait: a stolen or borrowed document must not become evidence that
    its real holder, signing up later, holds a second account. The selfie is the person signing
    up whatever the verdict, and so are the contact data they declared.
    """
    doc = verification.document.document
    holder = verification.face.decision == pb.FACE_DECISION_MATCH
    signals: list[lpb.Signal] = []
    if holder and doc.document_number and doc.issuing_country:
        signals.append(lpb.Signal(type=lpb.SIGNAL_TYPE_DOCUMENT_NUMBER, value=doc.document_number,
                                  country=doc.issuing_country))
    name = " ".join(part for part in (doc.given_names, doc.surname) if part)
    if holder and name and doc.birth_date:
        signals.append(lpb.Signal(type=lpb.SIGNAL_TYPE_NAME_AND_BIRTH_DATE, value=name, birth_date=doc.birth_date))
    if templates.probe:
        signals.append(lpb.Signal(type=lpb.SIGNAL_TYPE_FACE_EMBEDDING, embedding=templates.probe))
    if holder and templates.reference:
        signals.append(lpb.Signal(type=lpb.SIGNAL_TYPE_FACE_EMBEDDING, embedding=templates.reference))
    if declared.email:
        signals.append(lpb.Signal(type=lpb.SIGNAL_TYPE_EMAIL, value=declared.email))
    if declared.phone:
        # The profile match already parsed it with the region rule (residence, country, document):
        # its E.164 form needs no region; without one, the declared region is the best guess.
        e164 = verification.profile.phone.declared_normalized
        signals.append(lpb.Signal(type=lpb.SIGNAL_TYPE_PHONE, value=e164) if e164.startswith("+") else
                       lpb.Signal(type=lpb.SIGNAL_TYPE_PHONE, value=declared.phone,
                                  country=declared.residence_country or declared.country))
    return signals


class Signup:
    """One call for the signup flow over the Verification and Linking use cases."""

    def __init__(self, deps: Dependencies, verification: Verification, linking: Linking) -> None:
        self._deps = deps
        self._verification = verification
        self._linking = linking

    def signup(self, request: pb.SignupRequest, timeout: float | None = None) -> pb.SignupResponse:
        """Verify, link and decide (see the module docstring); InvalidInput for a request that
        cannot be evaluated, FailedPrecondition (LINKER_DISABLED) without a linker."""
        account_id = request.verification.account_id
        if not account_id:
            raise InvalidInput("verification.account_id is required", reason="MISSING_FIELD",
                               metadata={"field": "verification.account_id"})
        for i, signal in enumerate(request.signals):
            if signal.type in IDENTITY_SIGNAL_TYPES:
                raise InvalidInput(
                    f"signals[{i}] is {lpb.SignalType.Name(signal.type)}: identity signals come from the verification",
                    reason="IDENTITY_SIGNAL_NOT_ALLOWED", metadata={"field": f"signals[{i}]"})
        _ = self._linking.linker  # LINKER_DISABLED before any work is done
        history = self._deps.history
        digest = request_digest(request)
        if not request.dry_run and history is not None:
            stored = history.signup_response(account_id, digest)
            if stored is not None:
                replay = pb.SignupResponse.FromString(stored)
                replay.replayed = True
                del replay.timings[:]  # the first call's steps; this one ran none
                return replay

        started = time.perf_counter()
        verification, templates = self._verification.verify_with_templates(request.verification, timeout)
        verified = time.perf_counter()
        identity = identity_signals(verification, templates, request.verification.declared)
        signals = [*identity, *request.signals]
        if request.dry_run:
            result = self._check(account_id, request, signals)
        else:
            result = self._linking.register(lpb.RegisterAccountRequest(
                account_id=account_id, kind=request.kind, signals=signals,
                owner_account_id=request.owner_account_id), keep_unusable=True)
        linked = time.perf_counter()
        left_out = {r.index for r in result.rejected} if result is not None else set()
        response = pb.SignupResponse(verification=verification, policy_version=verification.policy_version,
                                     identity_signals=[s.type for i, s in enumerate(identity) if i not in left_out])
        response.timings.add(stage="verify", milliseconds=(verified - started) * 1000)
        response.timings.add(stage="link", milliseconds=(linked - verified) * 1000)
        link_reasons = self._fill(response.checked if request.dry_run else response.registered,
                                  _as_caller_sent(result, len(identity)))
        response.decision, reasons = combine([*verification.reasons, *link_reasons], self._deps.policy)
        response.reasons.extend(reasons)
        if not request.dry_run and history is not None:
            stored_answer = pb.SignupResponse()
            stored_answer.CopyFrom(response)
            stored_answer.verification.CopyFrom(strip_images(verification))
            recorded = history.record_signup(
                account_id, result_of(verification, request.verification.declared), request_sha256=digest,
                response=stored_answer.SerializeToString(), policy_version=response.policy_version,
                model_version=self._deps.model_version, settings=self._deps.config.reverify)
            if recorded:
                self._verification.retain_images(request.verification, verification)
            response.timings.add(stage="record", milliseconds=(time.perf_counter() - linked) * 1000)
        return response

    def reverify(self, request: pb.VerifyIdentityRequest,
                 timeout: float | None = None) -> tuple[pb.VerifyIdentityResponse, LinkResult | None]:
        """Re-verify a registered account from new or retained images and feed the linker what
        was verified, as a signup does (a stranger's face now gives SHARED_ACCOUNT); the link
        result is None when no linker is configured or the account is not registered. Records
        nothing in the history: the re-verification worker records its result under its lease."""
        verification, templates = self._verification.verify_with_templates(request, timeout)
        if not self._linking.enabled:
            return verification, None
        registration = self._linking.registration(request.account_id)
        if registration is None:
            return verification, None
        kind, owner = registration
        result = self._linking.register(lpb.RegisterAccountRequest(
            account_id=request.account_id, kind=kind, signals=identity_signals(verification, templates, request.declared),
            owner_account_id=owner), keep_unusable=True)
        return verification, result

    def _check(self, account_id: str, request: pb.SignupRequest, signals: list[lpb.Signal]) -> LinkResult | None:
        if not signals:
            return None  # nothing to link by: a new person
        return self._linking.check(lpb.CheckAccountRequest(
            account_id=account_id, kind=request.kind, signals=signals, owner_account_id=request.owner_account_id),
            keep_unusable=True)

    @staticmethod
    def _fill(message, result: LinkResult | None) -> list[pb.Reason]:
        """Fill the link part of the answer; return the link's reasons for the combined decision."""
        if result is None:
            message.decision = lpb.LINK_DECISION_ALLOW
            return []
        link_result_message(message, result)
        return [pb.Reason(code=r.code, message=r.message, source="linker") for r in result.reasons]


def _as_caller_sent(result: LinkResult | None, identities: int) -> LinkResult | None:
    """The link result with its rejected signals as the caller sent them: the identity signals
    (the first ``identities`` the linker got) dropped, the caller's indexed as in
    ``SignupRequest.signals``. A left-out identity signal shows in ``identity_signals`` and in the
    reasons instead."""
    if result is None or not result.rejected:
        return result
    caller = []
    for r in result.rejected:
        if r.index >= identities:
            index = r.index - identities
            field = r.field.replace(f"signals[{r.index}]", f"signals[{index}]", 1)
            caller.append(RejectedSignal(index, r.type, r.reason, r.message, {**r.metadata, "field": field}))
    return dataclasses.replace(result, rejected=tuple(caller))
