"""The fixture format: load and validate a suite of cases from folders.

A suite is a folder of cases, one folder per case, each holding its images and one case file
(``case.toml`` or ``case.json``, same schema)::

    fixtures/<suite>/<case_id>/case.toml
    fixtures/<suite>/<case_id>/reference.jpg ...

The case id is ``<suite>/<case_id>``. Every case names the RPC under test (``CompareFaces``,
``ReadDocument``, ``MatchProfile``, ``VerifyIdentity``, ``ScreenMessage``, ``ScreenProfile``) or
is a ``LinkingScenario`` (an ordered list of LinkingService calls and VerificationService
``Signup`` calls, the latter with a photo, document images and a declared profile). The full schema is in ``fixtures/README.md``.

Everything is validated on load: unknown keys (with a "did you mean"), wrong types, unknown
enum names, missing image files, image paths escaping the case folder. A problem raises
:class:`SuiteError` naming the file and the field, e.g.
``fixtures/faces/genuine_01/case.toml: expect.decision: 'MACTH' is not one of INCONCLUSIVE,
MATCH, NO_MATCH``. :func:`load_suite` reports every broken case at once.

TOML case files are read by :func:`idverify.settings.read_toml` and unknown keys are reported
with :func:`idverify.settings.unknown_key_message`, as for the configuration, the policy and the
keys file, and each problem carries the same CONFIG_* reason those would (``SuiteError.reasons``).
The checks themselves stay here rather than in :func:`idverify.settings.build`, because a case
file must report every problem at once, while ``build`` stops at the first.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import grpc

from idverify.errors import ConfigError, InvalidInput
from idverify.settings import read_toml, unknown_key_message
from linker.v1 import linking_service_pb2 as lpb

__all__ = [
    "CASE_FILES",
    "DECISIONS",
    "GENUINE_PAIRS",
    "LINK_CALLS",
    "RPCS",
    "SCENARIO_CALLS",
    "SIGNUP_SIGNAL_TYPES",
    "Bound",
    "Case",
    "Expectation",
    "Step",
    "StepExpectation",
    "Suite",
    "SuiteError",
    "load_case",
    "load_suite",
]

#: The case file names looked for in a case folder, in order of preference.
CASE_FILES = ("case.toml", "case.json")
#: What a case can test.
RPCS = ("CompareFaces", "ReadDocument", "MatchProfile", "VerifyIdentity", "ScreenMessage", "ScreenProfile",
        "LinkingScenario")
#: The decision names each RPC can return (enum names without their prefix).
DECISIONS: dict[str, tuple[str, ...]] = {
    "CompareFaces": ("MATCH", "NO_MATCH", "INCONCLUSIVE"),
    "ReadDocument": (),
    "MatchProfile": ("MATCH", "PARTIAL", "NO_MATCH", "NOT_COMPARED"),
    "VerifyIdentity": ("APPROVE", "REVIEW", "REJECT"),
    "ScreenMessage": ("ALLOW", "WARN", "BLOCK"),
    "ScreenProfile": ("ALLOW", "WARN", "BLOCK"),
}
LINK_DECISIONS = ("ALLOW", "REVIEW", "BLOCK")
#: The LinkingService calls a scenario step can make.
LINK_CALLS = ("RegisterAccount", "CheckAccount", "GetLinkedAccounts", "ExplainLink", "DeleteAccount",
              "RecordReview", "RecordContract")
#: Every call a scenario step can make: the LinkingService's, and the VerificationService's
#: Signup (verify, then register or check the account with what was verified).
SCENARIO_CALLS = LINK_CALLS + ("Signup",)
#: The signals a Signup step may send: what the caller observed besides the identity. The
#: service derives the identity signals (document, name and birth date, faces, email, phone)
#: from the verification and refuses them from the caller.
SIGNUP_SIGNAL_TYPES = ("DEVICE_ID", "BROWSER_FINGERPRINT", "IP_ADDRESS", "CARD_FINGERPRINT", "BANK_ACCOUNT",
                       "PAYOUT_EMAIL")
#: Where a genuine pair's two photos of one person come from: ``edited_copy`` (one photo and an
#: edited copy of it: mirrored, relit, blurred; all the installed packages allow, and far easier
#: than two real photos) or ``distinct_photos`` (two photos taken apart). Reports say when a
#: suite has no genuine pair of distinct photos.
GENUINE_PAIRS = ("edited_copy", "distinct_photos")
_STATUS_CODES = tuple(code.name for code in grpc.StatusCode if code is not grpc.StatusCode.OK)
_REFERENCE_KINDS = ("auto", "portrait", "document", "document_portrait")
_PAIRS = ("genuine", "impostor")
_ACCOUNT_KINDS = tuple(v.name.removeprefix("ACCOUNT_KIND_") for v in lpb.AccountKind.DESCRIPTOR.values
                       if v.number != 0)
_SIGNAL_TYPES = tuple(v.name.removeprefix("SIGNAL_TYPE_") for v in lpb.SignalType.DESCRIPTOR.values
                      if v.number != 0)
_REVIEW_ACTIONS = tuple(v.name.removeprefix("REVIEW_ACTION_") for v in lpb.ReviewAction.DESCRIPTOR.values
                        if v.number != 0)
_DOCUMENT_FIELDS = ("document_type", "issuing_country", "surname", "given_names", "document_number",
                    "nationality", "birth_date", "sex", "expiry_date", "optional_data")
_DECLARED_FIELDS = ("full_name", "birth_date", "email", "phone", "country", "nationality", "residence_country")
_EMBEDDING_LENGTH = 128


class SuiteError(InvalidInput):
    """A suite or case that cannot be loaded; ``problems`` lists every ``file: field: what``.

    ``reasons`` gives each problem the reason the configuration would give it (CONFIG_UNKNOWN_KEY,
    CONFIG_TYPE, CONFIG_VALUE, CONFIG_UNREADABLE, CONFIG_SYNTAX), one per problem, so fixtures,
    configuration, policy and keys files classify mistakes alike; the first one is also in the
    metadata as ``config_reason``.
    """

    default_reason = "QA_SUITE_INVALID"

    def __init__(self, problems: Sequence[str], *, file: str = "", field: str = "",
                 reasons: Sequence[str] = ()) -> None:
        self.problems = list(problems)
        self.reasons = list(reasons) or ["CONFIG_VALUE"] * len(self.problems)
        if len(self.reasons) != len(self.problems):
            raise ValueError("SuiteError needs one reason per problem")
        metadata = {"file": file, "field": field} if file else {}
        if metadata and self.reasons:
            metadata["config_reason"] = self.reasons[0]
        super().__init__("\n".join(self.problems), metadata=metadata)


@dataclass(frozen=True)
class Bound:
    """An inclusive numeric range for a score; a missing side is unbounded."""

    min: float | None = None
    max: float | None = None

    def contains(self, value: float) -> bool:
        """True when ``value`` lies within the range."""
        return (self.min is None or value >= self.min) and (self.max is None or value <= self.max)

    def __str__(self) -> str:
        low = "-inf" if self.min is None else f"{self.min:g}"
        high = "+inf" if self.max is None else f"{self.max:g}"
        return f"[{low}, {high}]"


@dataclass(frozen=True)
class Expectation:
    """What a case expects of the response (every part optional; at least one is required)."""

    #: Acceptable decisions (any of); empty: not checked.
    decisions: tuple[str, ...] = ()
    #: Reason codes that must appear anywhere in the response.
    reasons_include: tuple[str, ...] = ()
    #: Reason codes that must appear nowhere in the response.
    reasons_exclude: tuple[str, ...] = ()
    #: Reason codes of which at least one must appear (alternatives, e.g. DOCUMENT_NOT_FOUND or
    #: DOCUMENT_UNREADABLE for a photo without a document).
    reasons_any: tuple[str, ...] = ()
    #: Document fields expected exactly (ReadDocument, VerifyIdentity): name -> value.
    document: Mapping[str, str] = field(default_factory=dict)
    #: Any response field by dotted path (enum values by short name): path -> value.
    fields: Mapping[str, Any] = field(default_factory=dict)
    #: Numeric response fields by dotted path: path -> bound.
    scores: Mapping[str, Bound] = field(default_factory=dict)
    #: The gRPC status the call must fail with (e.g. INVALID_ARGUMENT); None: it must succeed.
    error_code: str | None = None
    #: The ErrorInfo reason the failure must carry (e.g. IMAGE_UNREADABLE).
    error_reason: str | None = None


@dataclass(frozen=True)
class StepExpectation:
    """What one LinkingService call in a scenario expects."""

    decisions: tuple[str, ...] = ()
    reasons_include: tuple[str, ...] = ()
    reasons_exclude: tuple[str, ...] = ()
    reasons_any: tuple[str, ...] = ()
    #: Scenario account names that must be in (or absent from) ``linked_account_ids``.
    linked_include: tuple[str, ...] = ()
    linked_exclude: tuple[str, ...] = ()
    #: Pairs of scenario account names that must share a person after this step (or not).
    same_person: tuple[tuple[str, str], ...] = ()
    different_person: tuple[tuple[str, str], ...] = ()
    #: For Signup: acceptable link decisions (ALLOW, REVIEW, BLOCK) of the registration or check;
    #: ``decisions`` is then the combined decision (APPROVE, REVIEW, REJECT).
    link_decisions: tuple[str, ...] = ()
    #: For DeleteAccount: whether the account existed and was erased.
    deleted: bool | None = None
    error_code: str | None = None
    error_reason: str | None = None


@dataclass(frozen=True)
class Step:
    """One call of a scenario (LinkingService, or Signup); account names are scenario-local.

    A Signup step's ``args`` hold ``photo`` (absolute path), ``documents`` (absolute paths),
    ``declared`` (field -> value, ``{ns}`` not yet substituted) and ``dry_run``."""

    index: int
    call: str
    args: Mapping[str, Any]
    expect: StepExpectation


@dataclass(frozen=True)
class Case:
    """One fixture case, validated."""

    id: str
    suite: str
    path: Path
    file: Path
    rpc: str
    description: str = ""
    tags: tuple[str, ...] = ()
    #: For face comparisons: whether the two faces are the same person (for FAR/FRR plots).
    pair: str | None = None
    #: Inputs by name; image inputs are absolute paths.
    inputs: Mapping[str, Any] = field(default_factory=dict)
    declared: Mapping[str, str] = field(default_factory=dict)
    expect: Expectation = field(default_factory=Expectation)
    steps: tuple[Step, ...] = ()
    #: For scenarios: the expected partition of the scenario's accounts into persons at the end.
    groups: tuple[tuple[str, ...], ...] | None = None
    #: For genuine pairs (and signup scenarios that show one person twice): ``edited_copy`` or
    #: ``distinct_photos`` (see :data:`GENUINE_PAIRS`); None when the case does not say.
    genuine_pair: str | None = None

    def images(self) -> list[Path]:
        """Every image file the case sends, in request order (Signup steps' too)."""
        out: list[Path] = []
        for key in ("reference", "probe", "profile_photo"):
            if key in self.inputs:
                out.append(self.inputs[key])
        for key in ("images", "document_images"):
            out.extend(self.inputs.get(key, ()))
        for step in self.steps:
            if step.call == "Signup":
                out.append(step.args["photo"])
                out.extend(step.args["documents"])
        return out

    def accounts(self) -> list[str]:
        """The scenario's account names, in order of first mention."""
        seen: dict[str, None] = {}
        for step in self.steps:
            for key in ("account", "owner", "client", "freelancer", "a", "b"):
                if step.args.get(key):
                    seen.setdefault(step.args[key], None)
        return list(seen)


@dataclass(frozen=True)
class Suite:
    """The cases found under a path, sorted by id."""

    root: Path
    cases: tuple[Case, ...]

    def by_id(self) -> dict[str, Case]:
        """Cases keyed by id."""
        return {case.id: case for case in self.cases}


class _Reader:
    """Typed access to one case file's table, collecting ``file: field: problem`` messages."""

    def __init__(self, file: Path, display: str) -> None:
        self.file = file
        self.display = display
        self.problems: list[str] = []
        self.reasons: list[str] = []
        self.first_field = ""

    def fail(self, where: str, message: str, reason: str = "CONFIG_VALUE") -> None:
        """Record a problem; ``reason`` is the configuration's code for it (a value rule by default)."""
        if not self.problems:
            self.first_field = where
        self.problems.append(f"{self.display}: {where}: {message}")
        self.reasons.append(reason)

    def error(self) -> SuiteError:
        return SuiteError(self.problems, file=self.display, field=self.first_field, reasons=self.reasons)

    def keys(self, table: Mapping[str, Any], allowed: Sequence[str], where: str) -> None:
        for key in table:
            if key not in allowed:
                self.fail(_join(where, str(key)), f"unknown key {unknown_key_message(str(key), allowed)}",
                          "CONFIG_UNKNOWN_KEY")

    def table(self, data: Mapping[str, Any], key: str, where: str) -> dict[str, Any]:
        value = data.get(key, {})
        if not isinstance(value, Mapping):
            self.fail(_join(where, key), f"must be a table, not {_kind(value)}", "CONFIG_TYPE")
            return {}
        return dict(value)

    def string(self, data: Mapping[str, Any], key: str, where: str, *, required: bool = False,
               choices: Sequence[str] = ()) -> str | None:
        if key not in data:
            if required:
                self.fail(_join(where, key), "is required")
            return None
        value = data[key]
        if not isinstance(value, str):
            self.fail(_join(where, key), f"must be a string, not {_kind(value)}", "CONFIG_TYPE")
            return None
        if choices and value not in choices:
            self.fail(_join(where, key), f"{value!r} is not one of {', '.join(sorted(choices))}")
            return None
        return value

    def strings(self, data: Mapping[str, Any], key: str, where: str, *, choices: Sequence[str] = (),
                single: bool = False) -> tuple[str, ...]:
        """A list of strings; with ``single`` a lone string is accepted as a one-item list."""
        if key not in data:
            return ()
        value = data[key]
        if single and isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(_join(where, key), f"must be a list of strings, not {_kind(value)}", "CONFIG_TYPE")
            return ()
        for item in value:
            if choices and item not in choices:
                self.fail(_join(where, key), f"{item!r} is not one of {', '.join(sorted(choices))}")
        return tuple(value)

    def image(self, case_dir: Path, value: Any, where: str) -> Path | None:
        if not isinstance(value, str) or not value:
            self.fail(where, f"must be a file name relative to the case folder, not {_kind(value)}", "CONFIG_TYPE")
            return None
        path = (case_dir / value).resolve()
        if not path.is_relative_to(case_dir.resolve()):
            self.fail(where, f"{value!r} is outside the case folder")
            return None
        if not path.is_file():
            self.fail(where, f"file {value!r} does not exist in {case_dir}")
            return None
        return path


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def _kind(value: Any) -> str:
    return {dict: "a table", list: "a list", str: "a string", bool: "a boolean", int: "an integer",
            float: "a number"}.get(type(value), type(value).__name__)


def _read_file(path: Path) -> dict[str, Any]:
    display = str(path)
    if path.suffix == ".toml":
        try:
            return read_toml(path, "case file")
        except ConfigError as exc:
            raise SuiteError([f"{display}: {exc.message}"], file=display, reasons=[exc.reason]) from exc
    # JSON case files have the same schema but are not TOML, so they keep their own reader.
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SuiteError([f"{display}: cannot read: {exc.strerror}"], file=display,
                         reasons=["CONFIG_UNREADABLE"]) from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise SuiteError([f"{display}: not valid JSON: {exc}"], file=display, reasons=["CONFIG_SYNTAX"]) from exc
    if not isinstance(data, dict):
        raise SuiteError([f"{display}: must hold a JSON object, not {_kind(data)}"], file=display,
                         reasons=["CONFIG_TYPE"])
    return data


_TOP_KEYS = ("rpc", "description", "tags", "pair", "genuine_pair", "inputs", "declared", "expect", "steps", "groups")
_EXPECT_KEYS = ("decision", "reasons_include", "reasons_exclude", "reasons_any", "document", "fields", "scores", "error")
_INPUT_KEYS = {
    "CompareFaces": ("reference", "probe", "reference_kind"),
    "ReadDocument": ("images",),
    "MatchProfile": ("document", "known_emails", "known_phones"),
    "VerifyIdentity": ("profile_photo", "document_images", "account_id"),
    "ScreenMessage": ("text", "contract_exists"),
    "ScreenProfile": ("title", "description", "skills"),
    "LinkingScenario": (),
}
_STEP_ARGS = {
    "RegisterAccount": ("account", "kind", "signals", "owner"),
    "CheckAccount": ("account", "kind", "signals", "owner"),
    "GetLinkedAccounts": ("account", "include_weak"),
    "ExplainLink": ("a", "b"),
    "DeleteAccount": ("account", "reason"),
    "RecordReview": ("a", "b", "action", "reviewer", "note"),
    "RecordContract": ("contract", "client", "freelancer"),
    "Signup": ("account", "kind", "owner", "signals", "photo", "documents", "declared", "dry_run"),
}
_STEP_REQUIRED = {
    "RegisterAccount": ("account", "kind"), "CheckAccount": ("account",), "GetLinkedAccounts": ("account",),
    "ExplainLink": ("a", "b"), "DeleteAccount": ("account",), "RecordReview": ("a", "b", "action"),
    "RecordContract": ("client", "freelancer"), "Signup": ("account", "photo", "documents", "declared"),
}
_STEP_EXPECT_KEYS = ("decision", "link_decision", "reasons_include", "reasons_exclude", "reasons_any", "linked_include",
                     "linked_exclude", "same_person", "different_person", "deleted", "error")
_SIGNAL_KEYS = ("type", "value", "country", "birth_date", "embedding")


def load_case(case_dir: Path, display_root: Path | None = None) -> Case:
    """Load and validate the case in ``case_dir``; raise :class:`SuiteError` on any problem."""
    case_dir = Path(case_dir)
    files = [case_dir / name for name in CASE_FILES if (case_dir / name).is_file()]
    if not files:
        raise SuiteError([f"{case_dir}: no {' or '.join(CASE_FILES)}"], file=str(case_dir),
                         reasons=["CONFIG_UNREADABLE"])
    if len(files) > 1:
        raise SuiteError([f"{case_dir}: holds both case.toml and case.json; keep one"], file=str(case_dir))
    file = files[0]
    display = str(file.relative_to(display_root)) if display_root and file.is_relative_to(display_root) else str(file)
    data = _read_file(file)
    r = _Reader(file, display)
    r.keys(data, _TOP_KEYS, "")
    rpc = r.string(data, "rpc", "", required=True, choices=RPCS)
    description = r.string(data, "description", "") or ""
    tags = r.strings(data, "tags", "")
    pair = r.string(data, "pair", "", choices=_PAIRS)
    genuine_pair = r.string(data, "genuine_pair", "", choices=GENUINE_PAIRS)
    inputs: dict[str, Any] = {}
    declared: dict[str, str] = {}
    expect = Expectation()
    steps: tuple[Step, ...] = ()
    groups = None
    if rpc is not None:
        if pair is not None and rpc not in ("CompareFaces", "VerifyIdentity"):
            r.fail("pair", "only CompareFaces and VerifyIdentity cases compare faces")
        inputs = _inputs(r, data, rpc, case_dir)
        if "declared" in data:
            if rpc not in ("MatchProfile", "VerifyIdentity"):
                r.fail("declared", f"{rpc} takes no declared profile")
            raw = r.table(data, "declared", "")
            r.keys(raw, _DECLARED_FIELDS, "declared")
            declared = {k: v for k in _DECLARED_FIELDS if (v := r.string(raw, k, "declared")) is not None}
        elif rpc in ("MatchProfile", "VerifyIdentity"):
            r.fail("declared", "is required")
        if rpc == "LinkingScenario":
            for key in ("expect",):
                if key in data:
                    r.fail(key, "a scenario states expectations per step and in groups")
            steps = _steps(r, data, case_dir)
            groups = _groups(r, data, steps)
        else:
            for key in ("steps", "groups"):
                if key in data:
                    r.fail(key, "only a LinkingScenario has steps and groups")
            expect = _expectation(r, data, rpc)
        if genuine_pair is not None and pair != "genuine" and not any(s.call == "Signup" for s in steps):
            r.fail("genuine_pair", "says how a genuine pair was made: for a case with pair = \"genuine\" or a "
                   "scenario with Signup steps")
    if r.problems:
        raise r.error()
    assert rpc is not None
    return Case(id=f"{case_dir.parent.name}/{case_dir.name}", suite=case_dir.parent.name, path=case_dir,
                file=file, rpc=rpc, description=description, tags=tags, pair=pair, inputs=inputs,
                declared=declared, expect=expect, steps=steps, groups=groups, genuine_pair=genuine_pair)


def _inputs(r: _Reader, data: Mapping[str, Any], rpc: str, case_dir: Path) -> dict[str, Any]:
    raw = r.table(data, "inputs", "")
    r.keys(raw, _INPUT_KEYS[rpc], "inputs")
    out: dict[str, Any] = {}
    if rpc == "CompareFaces":
        for key in ("reference", "probe"):
            if key not in raw:
                r.fail(f"inputs.{key}", "is required")
            elif (path := r.image(case_dir, raw[key], f"inputs.{key}")) is not None:
                out[key] = path
        out["reference_kind"] = r.string(raw, "reference_kind", "inputs", choices=_REFERENCE_KINDS) or "auto"
    elif rpc in ("ReadDocument", "VerifyIdentity"):
        key = "images" if rpc == "ReadDocument" else "document_images"
        names = r.strings(raw, key, "inputs", single=True)
        if not names:
            r.fail(f"inputs.{key}", "is required: one or two document images")
        elif len(names) > 3:
            r.fail(f"inputs.{key}", "at most three images (front, back, extra)")
        out[key] = tuple(p for i, n in enumerate(names) if (p := r.image(case_dir, n, f"inputs.{key}[{i}]")))
        if rpc == "VerifyIdentity":
            if "profile_photo" not in raw:
                r.fail("inputs.profile_photo", "is required")
            elif (path := r.image(case_dir, raw["profile_photo"], "inputs.profile_photo")) is not None:
                out["profile_photo"] = path
            out["account_id"] = r.string(raw, "account_id", "inputs") or ""
    elif rpc == "MatchProfile":
        document = r.table(raw, "document", "inputs")
        r.keys(document, _DOCUMENT_FIELDS + ("name_truncated",), "inputs.document")
        out["document"] = {k: v for k in _DOCUMENT_FIELDS if (v := r.string(document, k, "inputs.document"))}
        if "name_truncated" in document:
            if isinstance(document["name_truncated"], bool):
                out["document"]["name_truncated"] = document["name_truncated"]
            else:
                r.fail("inputs.document.name_truncated", "must be a boolean", "CONFIG_TYPE")
        out["known_emails"] = r.strings(raw, "known_emails", "inputs")
        out["known_phones"] = r.strings(raw, "known_phones", "inputs")
    elif rpc == "ScreenMessage":
        out["text"] = r.string(raw, "text", "inputs", required=True) or ""
        out["contract_exists"] = raw.get("contract_exists", False)
        if not isinstance(out["contract_exists"], bool):
            r.fail("inputs.contract_exists", "must be a boolean", "CONFIG_TYPE")
    elif rpc == "ScreenProfile":
        out["title"] = r.string(raw, "title", "inputs") or ""
        out["description"] = r.string(raw, "description", "inputs") or ""
        out["skills"] = r.strings(raw, "skills", "inputs")
    return out


def _error(r: _Reader, table: Mapping[str, Any], where: str) -> tuple[str | None, str | None]:
    if "error" not in table:
        return None, None
    raw = r.table(table, "error", where)
    r.keys(raw, ("code", "reason"), _join(where, "error"))
    code = r.string(raw, "code", _join(where, "error"), required=True, choices=_STATUS_CODES)
    reason = r.string(raw, "reason", _join(where, "error"))
    return code, reason


def _expectation(r: _Reader, data: Mapping[str, Any], rpc: str) -> Expectation:
    raw = r.table(data, "expect", "")
    if not raw:
        if "expect" not in data:
            r.fail("expect", "is required: a case with no expectation cannot fail")
        return Expectation()
    r.keys(raw, _EXPECT_KEYS, "expect")
    decisions = r.strings(raw, "decision", "expect", choices=DECISIONS[rpc], single=True)
    if "decision" in raw and not DECISIONS[rpc]:
        r.fail("expect.decision", f"{rpc} returns no decision; expect document fields or reasons")
    document: dict[str, str] = {}
    if "document" in raw:
        if rpc not in ("ReadDocument", "VerifyIdentity"):
            r.fail("expect.document", f"{rpc} returns no document")
        table = r.table(raw, "document", "expect")
        r.keys(table, _DOCUMENT_FIELDS, "expect.document")
        document = {k: v for k in _DOCUMENT_FIELDS if (v := r.string(table, k, "expect.document")) is not None}
    fields: dict[str, Any] = {}
    for path, value in r.table(raw, "fields", "expect").items():
        if not isinstance(value, (str, bool, int, float)):
            r.fail(f"expect.fields.{path}", f"must be a string, boolean or number, not {_kind(value)}", "CONFIG_TYPE")
        else:
            fields[path] = value
    scores: dict[str, Bound] = {}
    for path, value in r.table(raw, "scores", "expect").items():
        where = f"expect.scores.{path}"
        if not isinstance(value, Mapping) or not value:
            r.fail(where, "must be a table with min and/or max", "CONFIG_TYPE")
            continue
        r.keys(value, ("min", "max"), where)
        ends = {}
        for end in ("min", "max"):
            if end in value:
                if isinstance(value[end], bool) or not isinstance(value[end], (int, float)):
                    r.fail(f"{where}.{end}", f"must be a number, not {_kind(value[end])}", "CONFIG_TYPE")
                else:
                    ends[end] = float(value[end])
        if "min" in ends and "max" in ends and ends["min"] > ends["max"]:
            r.fail(where, f"min {ends['min']:g} is above max {ends['max']:g}")
        scores[path] = Bound(**ends)
    error_code, error_reason = _error(r, raw, "expect")
    if error_code and (decisions or document or fields or scores):
        r.fail("expect.error", "a case expecting an error cannot also expect a decision or fields")
    expect = Expectation(decisions=decisions, reasons_include=r.strings(raw, "reasons_include", "expect"),
                         reasons_exclude=r.strings(raw, "reasons_exclude", "expect"),
                         reasons_any=r.strings(raw, "reasons_any", "expect"), document=document,
                         fields=fields, scores=scores, error_code=error_code, error_reason=error_reason)
    overlap = set(expect.reasons_include) & set(expect.reasons_exclude)
    if overlap:
        r.fail("expect.reasons_exclude", f"{', '.join(sorted(overlap))} also in reasons_include")
    if expect == Expectation() and not r.problems:
        r.fail("expect", "is empty: a case with no expectation cannot fail")
    return expect


def _steps(r: _Reader, data: Mapping[str, Any], case_dir: Path) -> tuple[Step, ...]:
    raw = data.get("steps")
    if not isinstance(raw, list) or not raw:
        r.fail("steps", "is required: a non-empty list of LinkingService or Signup calls")
        return ()
    steps: list[Step] = []
    known: set[str] = set()
    for index, item in enumerate(raw):
        where = f"steps[{index}]"
        if not isinstance(item, Mapping):
            r.fail(where, f"must be a table, not {_kind(item)}", "CONFIG_TYPE")
            continue
        call = r.string(item, "call", where, required=True, choices=SCENARIO_CALLS)
        if call is None:
            continue
        r.keys(item, ("call",) + _STEP_ARGS[call] + ("expect",), where)
        for key in _STEP_REQUIRED[call]:
            if key not in item:
                r.fail(_join(where, key), f"is required for {call}")
        args: dict[str, Any] = {}
        for key in ("account", "owner", "client", "freelancer", "a", "b", "contract", "reviewer", "note", "reason"):
            if key in _STEP_ARGS[call] and (value := r.string(item, key, where)) is not None:
                args[key] = value
        if "kind" in _STEP_ARGS[call]:
            args["kind"] = r.string(item, "kind", where, choices=_ACCOUNT_KINDS) or "FREELANCER"
        if "action" in item and call == "RecordReview":
            args["action"] = r.string(item, "action", where, choices=_REVIEW_ACTIONS)
        if "include_weak" in item:
            if not isinstance(item["include_weak"], bool):
                r.fail(_join(where, "include_weak"), "must be a boolean", "CONFIG_TYPE")
            args["include_weak"] = bool(item["include_weak"])
        if "signals" in _STEP_ARGS[call]:
            args["signals"] = _signals(r, item.get("signals", []), _join(where, "signals"),
                                       allowed=SIGNUP_SIGNAL_TYPES if call == "Signup" else ())
        if call == "Signup":
            args.update(_signup_inputs(r, item, where, case_dir))
        if call == "RegisterAccount" or (call == "Signup" and not args.get("dry_run")):
            known.add(args.get("account", ""))
        for key in ("client", "freelancer", "a", "b", "owner"):
            if key in args and args[key] not in known:
                r.fail(_join(where, key), f"account {args[key]!r} is not registered by an earlier step")
        expect = _step_expectation(r, item, where, call, known)
        steps.append(Step(index=index, call=call, args=args, expect=expect))
    return tuple(steps)


def _signup_inputs(r: _Reader, item: Mapping[str, Any], where: str, case_dir: Path) -> dict[str, Any]:
    """A Signup step's photo, document images, declared profile and dry-run flag."""
    out: dict[str, Any] = {"documents": (), "declared": {}, "dry_run": False}
    if "photo" in item and (path := r.image(case_dir, item["photo"], _join(where, "photo"))) is not None:
        out["photo"] = path
    names = r.strings(item, "documents", where, single=True)
    if "documents" in item and not names and isinstance(item["documents"], list):
        r.fail(_join(where, "documents"), "must name one to three document images (front, back, extra)")
    elif len(names) > 3:
        r.fail(_join(where, "documents"), "at most three images (front, back, extra)")
    out["documents"] = tuple(p for i, n in enumerate(names)
                             if (p := r.image(case_dir, n, f"{_join(where, 'documents')}[{i}]")) is not None)
    if "declared" in item:
        here = _join(where, "declared")
        table = r.table(item, "declared", where)
        r.keys(table, _DECLARED_FIELDS, here)
        out["declared"] = {k: v for k in _DECLARED_FIELDS if (v := r.string(table, k, here)) is not None}
        if "declared" in item and isinstance(item["declared"], Mapping) and not out["declared"]:
            r.fail(here, "is empty: declare at least the full name and the date of birth")
    if "dry_run" in item:
        if isinstance(item["dry_run"], bool):
            out["dry_run"] = item["dry_run"]
        else:
            r.fail(_join(where, "dry_run"), f"must be a boolean, not {_kind(item['dry_run'])}", "CONFIG_TYPE")
    return out


def _signals(r: _Reader, raw: Any, where: str, *, allowed: Sequence[str] = ()) -> tuple[dict[str, Any], ...]:
    """Signals of a RegisterAccount or CheckAccount step; ``allowed`` narrows the types (Signup)."""
    if not isinstance(raw, list):
        r.fail(where, f"must be a list of tables, not {_kind(raw)}", "CONFIG_TYPE")
        return ()
    out = []
    for index, item in enumerate(raw):
        here = f"{where}[{index}]"
        if not isinstance(item, Mapping):
            r.fail(here, f"must be a table, not {_kind(item)}", "CONFIG_TYPE")
            continue
        r.keys(item, _SIGNAL_KEYS, here)
        signal: dict[str, Any] = {"type": r.string(item, "type", here, required=True, choices=_SIGNAL_TYPES)}
        if allowed and signal["type"] is not None and signal["type"] not in allowed:
            r.fail(_join(here, "type"), f"{signal['type']} is an identity signal, which Signup derives from the "
                   f"verification (declare email and phone under declared); a Signup step sends only "
                   f"{', '.join(allowed)}")
            signal["type"] = None
        for key in ("value", "country", "birth_date"):
            signal[key] = r.string(item, key, here) or ""
        if signal["type"] == "FACE_EMBEDDING":
            embedding = item.get("embedding")
            if (not isinstance(embedding, list) or len(embedding) != _EMBEDDING_LENGTH
                    or not all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in embedding)):
                r.fail(_join(here, "embedding"), f"must be a list of {_EMBEDDING_LENGTH} numbers")
            else:
                signal["embedding"] = tuple(float(x) for x in embedding)
        elif "embedding" in item:
            r.fail(_join(here, "embedding"), "only a FACE_EMBEDDING signal has an embedding")
        elif signal["type"] is not None and not signal["value"]:
            r.fail(_join(here, "value"), f"is required for {signal['type']}")
        out.append(signal)
    return tuple(out)


def _pairs(r: _Reader, table: Mapping[str, Any], key: str, where: str, known: set[str]) -> tuple[tuple[str, str], ...]:
    if key not in table:
        return ()
    raw = table[key]
    here = _join(where, key)
    if not isinstance(raw, list) or not all(isinstance(p, list) and len(p) == 2 and all(isinstance(x, str) for x in p)
                                            for p in raw):
        r.fail(here, 'must be a list of account-name pairs, e.g. [["a1", "a2"]]')
        return ()
    for pair in raw:
        for name in pair:
            if name not in known:
                r.fail(here, f"account {name!r} is not registered by this or an earlier step")
    return tuple((a, b) for a, b in raw)


def _step_expectation(r: _Reader, item: Mapping[str, Any], where: str, call: str, known: set[str]) -> StepExpectation:
    raw = r.table(item, "expect", where)
    here = _join(where, "expect")
    r.keys(raw, _STEP_EXPECT_KEYS, here)
    # a Signup's decision is the combined one (APPROVE, REVIEW, REJECT); its link part's is link_decision
    decisions = r.strings(raw, "decision", here, single=True,
                          choices=DECISIONS["VerifyIdentity"] if call == "Signup" else LINK_DECISIONS)
    if decisions and call not in ("RegisterAccount", "CheckAccount", "RecordContract", "Signup"):
        r.fail(_join(here, "decision"), f"{call} returns no decision")
    link_decisions = r.strings(raw, "link_decision", here, choices=LINK_DECISIONS, single=True)
    if link_decisions and call != "Signup":
        r.fail(_join(here, "link_decision"), f"only a Signup has a link decision beside its decision; {call}'s "
               "decision is the link decision")
    linked_include = r.strings(raw, "linked_include", here)
    linked_exclude = r.strings(raw, "linked_exclude", here)
    if (linked_include or linked_exclude) and call not in ("RegisterAccount", "CheckAccount", "GetLinkedAccounts",
                                                           "Signup"):
        r.fail(_join(here, "linked_include"), f"{call} returns no linked accounts")
    for name in linked_include + linked_exclude:
        if name not in known:
            r.fail(_join(here, "linked_include"), f"account {name!r} is not registered by an earlier step")
    deleted = None
    if "deleted" in raw:
        if call != "DeleteAccount" or not isinstance(raw["deleted"], bool):
            r.fail(_join(here, "deleted"), "is a boolean, for DeleteAccount only")
        else:
            deleted = raw["deleted"]
    error_code, error_reason = _error(r, raw, here)
    return StepExpectation(
        decisions=decisions, link_decisions=link_decisions, reasons_include=r.strings(raw, "reasons_include", here),
        reasons_exclude=r.strings(raw, "reasons_exclude", here), reasons_any=r.strings(raw, "reasons_any", here),
        linked_include=linked_include,
        linked_exclude=linked_exclude, same_person=_pairs(r, raw, "same_person", here, known),
        different_person=_pairs(r, raw, "different_person", here, known), deleted=deleted,
        error_code=error_code, error_reason=error_reason)


def _groups(r: _Reader, data: Mapping[str, Any], steps: Sequence[Step]) -> tuple[tuple[str, ...], ...] | None:
    if "groups" not in data:
        if not any(s.expect != StepExpectation() for s in steps):
            r.fail("groups", "is required when no step has an expectation: a scenario must be able to fail")
        return None
    raw = data["groups"]
    if not isinstance(raw, list) or not all(isinstance(g, list) and g and all(isinstance(x, str) for x in g)
                                            for g in raw):
        r.fail("groups", 'must be a list of non-empty lists of account names, e.g. [["a1", "a2"], ["a3"]]')
        return None
    registered = {s.args.get("account") for s in steps
                  if s.call == "RegisterAccount" or (s.call == "Signup" and not s.args.get("dry_run"))}
    deleted = {s.args.get("account") for s in steps if s.call == "DeleteAccount"}
    seen: set[str] = set()
    for group in raw:
        for name in group:
            if name not in registered:
                r.fail("groups", f"account {name!r} is not registered by any step")
            elif name in deleted:
                r.fail("groups", f"account {name!r} is deleted by a step")
            if name in seen:
                r.fail("groups", f"account {name!r} is in two groups")
            seen.add(name)
    return tuple(tuple(g) for g in raw)


def load_suite(path: str | Path) -> Suite:
    """Load every case under ``path`` (a fixtures root, a suite folder or one case folder).

    Raises :class:`SuiteError` listing every problem in every broken case, or when no case is
    found or two cases share an id.
    """
    root = Path(path)
    if not root.exists():
        raise SuiteError([f"{root}: no such file or directory"], file=str(root), reasons=["CONFIG_UNREADABLE"])
    if root.is_file():
        root = root.parent
    case_dirs = sorted({p.parent for name in CASE_FILES for p in root.rglob(name)})
    if not case_dirs:
        raise SuiteError([f"{root}: no case folders (looked for {' and '.join(CASE_FILES)})"], file=str(root),
                         reasons=["CONFIG_UNREADABLE"])
    display_root = root if root not in case_dirs else root.parent
    cases: list[Case] = []
    problems: list[str] = []
    reasons: list[str] = []
    first: tuple[str, str] = ("", "")
    for case_dir in case_dirs:
        try:
            cases.append(load_case(case_dir, display_root))
        except SuiteError as exc:
            problems.extend(exc.problems)
            reasons.extend(exc.reasons)
            if not first[0]:
                first = (exc.metadata.get("file", ""), exc.metadata.get("field", ""))
    ids: dict[str, Path] = {}
    for case in cases:
        if case.id in ids:
            problems.append(f"{case.file}: case id {case.id!r} also used by {ids[case.id]}")
            reasons.append("CONFIG_VALUE")
        ids[case.id] = case.file
    if problems:
        raise SuiteError(problems, file=first[0], field=first[1], reasons=reasons)
    return Suite(root=root, cases=tuple(sorted(cases, key=lambda c: c.id)))
