"""Run one case over a gRPC channel: build the request, call, observe.

The same code path serves an in-process server and a remote one: the runner only hands over a
channel. Linking scenarios run their steps in order: Signup steps on the VerificationService,
the others on the LinkingService. Account names are made unique per run
(``<namespace>-<name>``) and ``{ns}`` in a signal value or a Signup's declared profile is
replaced by a 10-character token derived from the namespace (letters and digits), so a
scenario can be re-run against a server that kept earlier runs' data. Every account a scenario
registered or signed up is erased (DeleteAccount) when it ends.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from typing import Any

import grpc
from google.protobuf.message import Message

from idverify.client import error_reason
from idverify.qa.observe import error_observation, key_scores, observe, reason_codes, to_plain
from idverify.qa.suite import Case, Step
from idverify.screening.v1 import screening_service_pb2 as spb
from idverify.screening.v1 import screening_service_pb2_grpc as spb_grpc
from idverify.v1 import verification_service_pb2 as pb
from idverify.v1 import verification_service_pb2_grpc as pb_grpc
from linker.v1 import linking_service_pb2 as lpb
from linker.v1 import linking_service_pb2_grpc as lpb_grpc

__all__ = ["build_request", "run_case", "run_scenario"]

_REFERENCE_KINDS = {"auto": pb.REFERENCE_KIND_UNSPECIFIED, "portrait": pb.REFERENCE_KIND_PORTRAIT, "document_portrait": pb.REFERENCE_KIND_DOCUMENT_PORTRAIT,
                    "document": pb.REFERENCE_KIND_DOCUMENT}
_IMAGE_LABELS = ("front", "back", "extra")


def _image(path, label: str) -> pb.Image:
    return pb.Image(content=path.read_bytes(), label=label)


def build_request(case: Case) -> Message:
    """The VerificationService or ScreeningService request a (non-scenario) case sends."""
    inputs = case.inputs
    if case.rpc == "ScreenMessage":
        return spb.ScreenMessageRequest(text=inputs["text"], contract_exists=inputs["contract_exists"])
    if case.rpc == "ScreenProfile":
        return spb.ScreenProfileRequest(title=inputs["title"], description=inputs["description"],
                                        skills=inputs["skills"])
    if case.rpc == "CompareFaces":
        return pb.CompareFacesRequest(reference=_image(inputs["reference"], "reference"),
                                      probe=_image(inputs["probe"], "probe"),
                                      reference_kind=_REFERENCE_KINDS[inputs["reference_kind"]])
    if case.rpc == "ReadDocument":
        return pb.ReadDocumentRequest(images=[_image(p, _IMAGE_LABELS[i]) for i, p in enumerate(inputs["images"])])
    declared = pb.DeclaredProfile(**case.declared)
    if case.rpc == "MatchProfile":
        return pb.MatchProfileRequest(declared=declared, document=pb.Document(**inputs["document"]),
                                      known_emails=inputs["known_emails"], known_phones=inputs["known_phones"])
    if case.rpc == "VerifyIdentity":
        return pb.VerifyIdentityRequest(
            profile_photo=_image(inputs["profile_photo"], "profile"),
            document_images=[_image(p, _IMAGE_LABELS[i]) for i, p in enumerate(inputs["document_images"])],
            declared=declared, account_id=inputs.get("account_id", ""))
    raise ValueError(f"{case.rpc} is not a VerificationService RPC")


def _timed(call: Callable[[], Message]) -> tuple[Message | None, dict[str, Any] | None, float]:
    started = time.perf_counter()
    try:
        response = call()
        return response, None, (time.perf_counter() - started) * 1000
    except grpc.RpcError as exc:
        elapsed = (time.perf_counter() - started) * 1000
        error = {"code": exc.code().name, "reason": error_reason(exc), "message": exc.details() or ""}  # type: ignore[attr-defined]
        return None, error, elapsed


def run_case(channel: grpc.Channel, case: Case, timeout: float) -> dict[str, Any]:
    """Call the case's RPC once and return the observation (see :mod:`idverify.qa.observe`)."""
    request = build_request(case)
    stub = (spb_grpc.ScreeningServiceStub if case.rpc.startswith("Screen") else pb_grpc.VerificationServiceStub)
    method = getattr(stub(channel), case.rpc)
    response, error, ms = _timed(lambda: method(request, timeout=timeout))
    if error is not None:
        return error_observation(error["code"], error["reason"], error["message"], ms)
    return observe(case.rpc, response, ms)


class _Scenario:
    """One scenario's run: names to account ids and back, the stub, the observed steps."""

    def __init__(self, channel: grpc.Channel, case: Case, namespace: str, timeout: float) -> None:
        self.stub = lpb_grpc.LinkingServiceStub(channel)
        self.verification = pb_grpc.VerificationServiceStub(channel)
        self.case = case
        self.ns = namespace
        # a short alphanumeric token for signal values: document numbers and emails must stay
        # plausible after substitution
        self.token = hashlib.sha256(namespace.encode()).hexdigest()[:10].upper()
        self.timeout = timeout
        self.registered: list[str] = []
        self.deleted: set[str] = set()

    def id(self, name: str) -> str:
        return f"{self.ns}-{name}"

    def name(self, account_id: str) -> str:
        prefix = f"{self.ns}-"
        return account_id[len(prefix):] if account_id.startswith(prefix) else f"<other:{account_id}>"

    def signals(self, step: Step) -> list[lpb.Signal]:
        out = []
        for s in step.args.get("signals", ()):
            out.append(lpb.Signal(type=lpb.SignalType.Value("SIGNAL_TYPE_" + s["type"]),
                                  value=s["value"].replace("{ns}", self.token), country=s["country"],
                                  birth_date=s["birth_date"], embedding=s.get("embedding", ())))
        return out

    def signup(self, step: Step) -> pb.SignupRequest:
        """The SignupRequest of a Signup step: images read now, names and ``{ns}`` substituted."""
        a = step.args
        declared = {k: v.replace("{ns}", self.token) for k, v in a["declared"].items()}
        verification = pb.VerifyIdentityRequest(
            profile_photo=_image(a["photo"], "profile"),
            document_images=[_image(p, _IMAGE_LABELS[i]) for i, p in enumerate(a["documents"])],
            declared=pb.DeclaredProfile(**declared), account_id=self.id(a["account"]))
        return pb.SignupRequest(verification=verification, kind=lpb.AccountKind.Value("ACCOUNT_KIND_" + a["kind"]),
                                owner_account_id=self.id(a["owner"]) if a.get("owner") else "",
                                signals=self.signals(step), dry_run=a.get("dry_run", False))

    def request(self, step: Step) -> tuple[Callable[..., Message], Message]:
        a = step.args
        if step.call == "Signup":
            return self.verification.Signup, self.signup(step)
        if step.call in ("RegisterAccount", "CheckAccount"):
            cls = lpb.RegisterAccountRequest if step.call == "RegisterAccount" else lpb.CheckAccountRequest
            msg = cls(account_id=self.id(a["account"]), kind=lpb.AccountKind.Value("ACCOUNT_KIND_" + a["kind"]),
                      signals=self.signals(step), owner_account_id=self.id(a["owner"]) if a.get("owner") else "")
        elif step.call == "GetLinkedAccounts":
            msg = lpb.GetLinkedAccountsRequest(account_id=self.id(a["account"]), include_weak=a.get("include_weak", False))
        elif step.call == "ExplainLink":
            msg = lpb.ExplainLinkRequest(account_id_a=self.id(a["a"]), account_id_b=self.id(a["b"]))
        elif step.call == "DeleteAccount":
            msg = lpb.DeleteAccountRequest(account_id=self.id(a["account"]), reason=a.get("reason", "qa_suite"))
        elif step.call == "RecordReview":
            msg = lpb.RecordReviewRequest(account_id_a=self.id(a["a"]), account_id_b=self.id(a["b"]),
                                          action=lpb.ReviewAction.Value("REVIEW_ACTION_" + a["action"]),
                                          reviewer=a.get("reviewer", "qa"), note=a.get("note", ""))
        else:  # RecordContract
            msg = lpb.RecordContractRequest(contract_id=f"{self.ns}-{a.get('contract', f'c{step.index}')}",
                                            client_account_id=self.id(a["client"]),
                                            freelancer_account_id=self.id(a["freelancer"]))
        return getattr(self.stub, step.call), msg

    def same_person(self, a: str, b: str) -> bool | None:
        response, error, _ = _timed(lambda: self.stub.ExplainLink(
            lpb.ExplainLinkRequest(account_id_a=self.id(a), account_id_b=self.id(b)), timeout=self.timeout))
        return None if error else bool(response.same_person)

    def step(self, step: Step) -> dict[str, Any]:
        method, request = self.request(step)
        response, error, ms = _timed(lambda: method(request, timeout=self.timeout))
        seen: dict[str, Any] = {"call": step.call, "args": _plain_args(step.args), "milliseconds": round(ms, 2),
                                "error": error}
        # a failed Signup may still have registered (a store outage after the link): erase it too
        signed_up = step.call == "Signup" and not step.args["dry_run"]
        if (step.call == "RegisterAccount" and error is None or signed_up) and step.args["account"] not in self.registered:
            self.registered.append(step.args["account"])
        if step.call == "DeleteAccount" and error is None:
            self.deleted.add(step.args["account"])
        if response is None:
            return seen
        plain = to_plain(response)
        seen["response"] = plain
        seen["reasons"] = reason_codes(plain)
        if step.call == "Signup":
            _observe_signup(seen, plain, self.name)
        else:
            if "decision" in plain:
                seen["decision"] = plain["decision"]
            if "linked_account_ids" in plain:
                seen["linked"] = sorted(self.name(x) for x in plain["linked_account_ids"])
            elif "accounts" in plain:
                seen["linked"] = sorted(self.name(x["account_id"]) for x in plain["accounts"])
            if "risk_score" in plain:
                seen["risk_score"] = plain["risk_score"]
            if "deleted" in plain:
                seen["deleted"] = plain["deleted"]
        pairs = {}
        for a, b in step.expect.same_person + step.expect.different_person:
            pairs[f"{a}|{b}"] = self.same_person(a, b)
        seen["pairs"] = pairs
        return seen

    def person(self, name: str) -> str | None:
        response, error, _ = _timed(lambda: self.stub.GetLinkedAccounts(
            lpb.GetLinkedAccountsRequest(account_id=self.id(name)), timeout=self.timeout))
        return None if error else (response.person_id or None)

    def cleanup(self) -> None:
        for name in self.registered:
            if name not in self.deleted:
                _timed(lambda: self.stub.DeleteAccount(
                    lpb.DeleteAccountRequest(account_id=self.id(name), reason="qa_suite_cleanup"), timeout=self.timeout))


def _plain_args(args: dict[str, Any]) -> dict[str, Any]:
    """A step's arguments for the report: no signal values, image paths as file names."""
    out = {}
    for key, value in args.items():
        if key == "signals":
            continue
        if key == "photo":
            value = value.name
        elif key == "documents":
            value = [p.name for p in value]
        out[key] = value
    return out


def _observe_signup(seen: dict[str, Any], plain: dict[str, Any], name: Callable[[str], str]) -> None:
    """A Signup answer in a step's observation: the combined decision and reasons (the ones the
    expectations check), the link part's decision and linked accounts, the verification's scores."""
    seen["decision"] = plain.get("decision")
    seen["reasons"] = sorted({r["code"] for r in plain.get("reasons", ()) if r.get("code")})
    link = plain.get("registered") or plain.get("checked") or {}
    seen["link_decision"] = link.get("decision")
    seen["linked"] = sorted(name(x) for x in link.get("linked_account_ids", ()))
    if "risk_score" in link:
        seen["risk_score"] = link["risk_score"]
    seen["verification_decision"] = (plain.get("verification") or {}).get("decision")
    seen["scores"] = key_scores("VerifyIdentity", plain.get("verification") or {})
    seen["replayed"] = plain.get("replayed", False)


def run_scenario(channel: grpc.Channel, case: Case, namespace: str, timeout: float, *,
                 cleanup: bool = True) -> dict[str, Any]:
    """Run a linking scenario's steps in order; return ``{"steps": [...], "persons": {...}}``.

    A step that fails unexpectedly stops the scenario (later steps depend on it). ``persons``
    maps each account named in the case's ``groups`` to its person id at the end.
    """
    run = _Scenario(channel, case, namespace, timeout)
    started = time.perf_counter()
    steps: list[dict[str, Any]] = []
    persons: dict[str, str | None] = {}
    try:
        for step in case.steps:
            seen = run.step(step)
            steps.append(seen)
            if seen["error"] is not None and not step.expect.error_code:
                break
        else:
            for group in case.groups or ():
                for name in group:
                    persons[name] = run.person(name)
    finally:
        if cleanup:
            run.cleanup()
    ms = (time.perf_counter() - started) * 1000
    first_error = next((s["error"] for s in steps if s["error"] is not None), None)
    return {"steps": steps, "persons": persons, "milliseconds": round(ms, 2), "error": first_error,
            "decision": None, "reasons": sorted({r for s in steps for r in s.get("reasons", ())}), "scores": {},
            "document": {}}
