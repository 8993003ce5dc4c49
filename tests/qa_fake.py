"""A small fake server and suite for the tests of the QA runner and reports ONLY.

The fake answers from simple, deterministic rules so that the runner, the evaluation and the
reports can be tested end to end over real gRPC without the engines: CompareFaces measures the
difference of the two images' mean colours (a "distance"), MatchProfile compares upper-cased
names, ReadDocument refuses anything that is not a PNG, and LinkingService joins accounts that
share a DOCUMENT_NUMBER or CARD_FINGERPRINT value. It is never used to test the engines.
"""

from __future__ import annotations

import io
import threading
from concurrent import futures
from pathlib import Path

import grpc
import numpy as np
import tomli_w
from google.protobuf import any_pb2
from google.rpc import code_pb2, error_details_pb2, status_pb2
from grpc_status import rpc_status
from PIL import Image

from idverify.v1 import verification_service_pb2 as pb
from idverify.v1 import verification_service_pb2_grpc as pb_grpc
from linker.v1 import linking_service_pb2 as lpb
from linker.v1 import linking_service_pb2_grpc as lpb_grpc

#: Colours of the fake suite's images; the Chromium test looks for the first one on screen.
MAGENTA = (230, 20, 200)
TEAL = (10, 160, 150)
ORANGE = (240, 140, 10)


def _abort_invalid(context, reason: str, message: str) -> None:
    detail = any_pb2.Any()
    detail.Pack(error_details_pb2.ErrorInfo(reason=reason, domain="idverify"))
    status = status_pb2.Status(code=code_pb2.INVALID_ARGUMENT, message=message, details=[detail])
    context.abort_with_status(rpc_status.to_status(status))


def _mean_colour(content: bytes, context) -> np.ndarray:
    try:
        with Image.open(io.BytesIO(content)) as image:
            return np.asarray(image.convert("RGB"), dtype=float).reshape(-1, 3).mean(axis=0)
    except (OSError, ValueError):
        _abort_invalid(context, "IMAGE_UNREADABLE", "not a decodable image")
        raise AssertionError("unreachable")


class FakeVerification(pb_grpc.VerificationServiceServicer):
    def CompareFaces(self, request, context):
        a = _mean_colour(request.reference.content, context)
        b = _mean_colour(request.probe.content, context)
        distance = float(np.linalg.norm(a - b) / 255.0)
        if distance <= 0.3:
            decision, reasons = pb.FACE_DECISION_MATCH, []
        elif distance > 0.5:
            decision, reasons = pb.FACE_DECISION_NO_MATCH, [pb.Reason(code="FACE_MISMATCH", source="face")]
        else:
            decision, reasons = pb.FACE_DECISION_INCONCLUSIVE, [pb.Reason(code="FACE_INCONCLUSIVE", source="face")]
        return pb.CompareFacesResponse(decision=decision, distance=distance, similarity=max(0.0, 1 - distance),
                                       has_distance=True, reasons=reasons,
                                       thresholds=pb.FaceThresholds(match_distance=0.3, no_match_distance=0.5),
                                       probe=pb.ImageAnalysis(reasons=[pb.Reason(code="PROBE_SEEN")]))

    def MatchProfile(self, request, context):
        declared = " ".join(sorted(request.declared.full_name.upper().split()))
        document = " ".join(sorted(f"{request.document.surname} {request.document.given_names}".split()))
        same = declared == document
        level = pb.MATCH_LEVEL_MATCH if same else pb.MATCH_LEVEL_NO_MATCH
        return pb.MatchProfileResponse(level=level, name=pb.NameMatch(score=100.0 if same else 10.0, level=level),
                                       reasons=[] if same else [pb.Reason(code="NAME_MISMATCH", source="profile")])

    def ReadDocument(self, request, context):
        if not request.images or request.images[0].content[:4] != b"\x89PNG":
            _abort_invalid(context, "UNSUPPORTED_FORMAT", "the fake reads PNG only")
        return pb.ReadDocumentResponse(document=pb.Document(surname="HOPPER", given_names="GRACE",
                                                            birth_date="1906-12-09"), mrz_score=100)


class FakeLinking(lpb_grpc.LinkingServiceServicer):
    """Accounts join when they share a strong value; persons are connected components."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.accounts: dict[str, set[str]] = {}
        self.forced_apart: set[frozenset[str]] = set()

    def _person(self, account: str) -> str:
        seen, todo = {account}, [account]
        while todo:
            current = todo.pop()
            for other, values in self.accounts.items():
                if other not in seen and values & self.accounts.get(current, set()) \
                        and frozenset((current, other)) not in self.forced_apart:
                    seen.add(other)
                    todo.append(other)
        return "p-" + min(seen)

    def RegisterAccount(self, request, context):
        with self.lock:
            values = {f"{s.type}:{s.value}" for s in request.signals
                      if s.type in (lpb.SIGNAL_TYPE_DOCUMENT_NUMBER, lpb.SIGNAL_TYPE_CARD_FINGERPRINT)}
            self.accounts[request.account_id] = values
            person = self._person(request.account_id)
            linked = sorted(a for a in self.accounts if a != request.account_id and self._person(a) == person)
        decision = lpb.LINK_DECISION_BLOCK if linked else lpb.LINK_DECISION_ALLOW
        reasons = [lpb.Reason(code="DUPLICATE_PERSON")] if linked else []
        return lpb.RegisterAccountResponse(decision=decision, person_id=person, linked_account_ids=linked, reasons=reasons)

    def ExplainLink(self, request, context):
        with self.lock:
            a, b = self._person(request.account_id_a), self._person(request.account_id_b)
        return lpb.ExplainLinkResponse(same_person=a == b, person_id_a=a, person_id_b=b)

    def GetLinkedAccounts(self, request, context):
        with self.lock:
            if request.account_id not in self.accounts:
                context.abort(grpc.StatusCode.NOT_FOUND, "no such account")
            return lpb.GetLinkedAccountsResponse(person_id=self._person(request.account_id))

    def DeleteAccount(self, request, context):
        with self.lock:
            existed = self.accounts.pop(request.account_id, None) is not None
        return lpb.DeleteAccountResponse(deleted=existed)

    def RecordReview(self, request, context):
        with self.lock:
            if request.action == lpb.REVIEW_ACTION_FORCE_UNLINK:
                self.forced_apart.add(frozenset((request.account_id_a, request.account_id_b)))
        return lpb.RecordReviewResponse(event_id="e1")

    def RecordContract(self, request, context):
        with self.lock:
            same = self._person(request.client_account_id) == self._person(request.freelancer_account_id)
        return lpb.RecordContractResponse(decision=lpb.LINK_DECISION_BLOCK if same else lpb.LINK_DECISION_ALLOW,
                                          reasons=[lpb.Reason(code="FEEDBACK_BUILDING")] if same else [])


class _RequireKey(grpc.ServerInterceptor):
    def __init__(self, key: str) -> None:
        self._key = key

    def intercept_service(self, continuation, handler_call_details):
        if ("authorization", f"Bearer {self._key}") in tuple(handler_call_details.invocation_metadata):
            return continuation(handler_call_details)

        def refuse(request, context):
            context.abort(grpc.StatusCode.UNAUTHENTICATED, "no valid API key")

        return grpc.unary_unary_rpc_method_handler(refuse)


def start_fake_server(api_key: str | None = None) -> tuple[grpc.Server, str]:
    """Start the fake on 127.0.0.1:0 (requiring ``api_key`` when given); return it and its address."""
    interceptors = [_RequireKey(api_key)] if api_key else []
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=8), interceptors=interceptors)
    pb_grpc.add_VerificationServiceServicer_to_server(FakeVerification(), server)
    lpb_grpc.add_LinkingServiceServicer_to_server(FakeLinking(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    return server, f"127.0.0.1:{port}"


def _png(colour: tuple[int, int, int], size: int = 96, seed: int = 0) -> bytes:
    rng = np.random.default_rng(seed)
    pixels = np.clip(np.array(colour, dtype=float) + rng.normal(0, 6, (size, size, 3)), 0, 255).astype(np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="PNG")
    return buffer.getvalue()


def _write(folder: Path, data: dict, files: dict[str, bytes] | None = None) -> None:
    folder.mkdir(parents=True)
    for name, content in (files or {}).items():
        (folder / name).write_bytes(content)
    (folder / "case.toml").write_text(tomli_w.dumps(data), encoding="utf-8")


def write_fake_suite(root: Path, *, broken: bool = False) -> Path:
    """A suite the fake passes entirely; with ``broken`` one expectation is deliberately wrong."""
    faces = root / "faces"
    for index in range(4):
        _write(faces / f"genuine_{index}", {
            "rpc": "CompareFaces", "pair": "genuine", "inputs": {"reference": "a.png", "probe": "b.png"},
            "expect": {"decision": "MATCH", "reasons_exclude": ["FACE_MISMATCH"], "reasons_include": ["PROBE_SEEN"],
                       "scores": {"distance": {"max": 0.3}}}},
            {"a.png": _png(MAGENTA, seed=index), "b.png": _png(MAGENTA, seed=100 + index)})
    for index, colour in enumerate((TEAL, ORANGE)):
        _write(faces / f"impostor_{index}", {
            "rpc": "CompareFaces", "pair": "impostor", "inputs": {"reference": "a.png", "probe": "b.png"},
            "expect": {"decision": "NO_MATCH", "reasons_include": ["FACE_MISMATCH"]}},
            {"a.png": _png(MAGENTA, seed=50 + index), "b.png": _png(colour, seed=60 + index)})
    _write(faces / "corrupt_probe", {
        "rpc": "CompareFaces", "inputs": {"reference": "a.png", "probe": "b.jpg"},
        "expect": {"error": {"code": "INVALID_ARGUMENT", "reason": "IMAGE_UNREADABLE"}}},
        {"a.png": _png(MAGENTA), "b.jpg": b"\xff\xd8\xff\xe0 truncated"})
    _write(root / "profile" / "same_name", {
        "rpc": "MatchProfile", "declared": {"full_name": "Grace Hopper"},
        "inputs": {"document": {"surname": "HOPPER", "given_names": "GRACE"}},
        "expect": {"decision": "MATCH", "fields": {"name.level": "MATCH"},
                   "scores": {"name.score": {"min": 90}}}})
    _write(root / "profile" / "other_name", {
        "rpc": "MatchProfile", "declared": {"full_name": "Ada Lovelace"},
        "inputs": {"document": {"surname": "HOPPER", "given_names": "GRACE"}},
        "expect": {"decision": "NO_MATCH" if not broken else "MATCH", "reasons_include": ["NAME_MISMATCH"]}})
    _write(root / "documents" / "png_page", {
        "rpc": "ReadDocument", "inputs": {"images": ["front.png"]},
        "expect": {"document": {"surname": "HOPPER", "birth_date": "1906-12-09"}}},
        {"front.png": _png(TEAL)})
    doc = {"type": "DOCUMENT_NUMBER", "value": "D123{ns}", "country": "UTO"}
    _write(root / "linking" / "duplicate_and_self_hire", {
        "rpc": "LinkingScenario",
        "steps": [
            {"call": "RegisterAccount", "account": "f", "kind": "FREELANCER", "signals": [doc],
             "expect": {"decision": "ALLOW"}},
            {"call": "RegisterAccount", "account": "c", "kind": "CLIENT", "signals": [doc],
             "expect": {"decision": "BLOCK", "linked_include": ["f"], "same_person": [["f", "c"]]}},
            {"call": "RecordContract", "client": "c", "freelancer": "f",
             "expect": {"decision": "BLOCK", "reasons_include": ["FEEDBACK_BUILDING"]}},
            {"call": "RegisterAccount", "account": "x", "kind": "FREELANCER",
             "signals": [{"type": "DOCUMENT_NUMBER", "value": "OTHER{ns}"}],
             "expect": {"decision": "ALLOW", "different_person": [["f", "x"]]}},
            {"call": "RecordReview", "a": "f", "b": "c", "action": "FORCE_UNLINK",
             "expect": {"different_person": [["f", "c"]]}},
            {"call": "DeleteAccount", "account": "x", "expect": {"deleted": True}},
        ],
        "groups": [["f"], ["c"]]})
    return root
