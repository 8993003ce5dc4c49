"""Run a suite against a server, in parallel, and collect one result per case.

:func:`local_server` starts the real server in this process on ``127.0.0.1:0`` with a throwaway
store (``create_server`` + ``build_dependencies``) and yields its address; :func:`run_suite`
then talks to it over gRPC exactly as it talks to a remote ``--target``: one code path. Cases
run on a thread pool (the server does the work; the client threads only wait on the network).

Scenarios with Signup steps register real faces, and a face cannot be namespaced as a document
number or an email can: two such scenarios running at once, or one beside a scenario that
registers a real embedding, would link their accounts to each other. So they run one at a time,
in one lane of the pool, while the request/response cases run beside them; the other linking
scenarios run after that lane is done. (Against a shared ``--target`` another run of the same
suite at the same time can still meet the same faces.)
"""

from __future__ import annotations

import contextlib
import dataclasses
import re
import secrets
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import grpc

from idverify.qa.calls import run_case, run_scenario
from idverify.qa.evaluate import evaluate_case, evaluate_scenario
from idverify.qa.suite import Case, Suite

__all__ = ["CaseResult", "RunResult", "expectation_dict", "has_signup", "local_server", "new_run_token", "run_one",
           "run_suite"]

_MAX_MESSAGE = 64 * 1024 * 1024


@dataclass
class CaseResult:
    """One case's outcome: the verdict, what was expected and what was observed."""

    case: Case
    status: str
    failures: list[str]
    observation: dict[str, Any]
    milliseconds: float

    @property
    def passed(self) -> bool:
        return self.status == "pass"


@dataclass
class RunResult:
    """A whole run: every case's result and where and when it ran."""

    suite: Suite
    target: str
    started_at: str
    seconds: float
    results: list[CaseResult] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """Cases by status: total, pass, fail, error."""
        out = {"total": len(self.results), "pass": 0, "fail": 0, "error": 0}
        for result in self.results:
            out[result.status] += 1
        return out

    @property
    def ok(self) -> bool:
        """True when every case passed."""
        return all(r.passed for r in self.results)


def expectation_dict(case: Case) -> dict[str, Any]:
    """A case's expectation as plain JSON-ready data."""
    if case.rpc == "LinkingScenario":
        return {"steps": [{"call": s.call, "args": _jsonable(s.args), "expect": _jsonable(dataclasses.asdict(s.expect))}
                          for s in case.steps],
                "groups": [list(g) for g in case.groups] if case.groups is not None else None}
    return _jsonable(dataclasses.asdict(case.expect))


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items() if v not in (None, (), [], {})}
    if isinstance(value, (list, tuple)):
        if len(value) == 128 and all(isinstance(x, float) for x in value):
            return f"<embedding of {len(value)} floats>"
        return [_jsonable(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    return value


@contextlib.contextmanager
def local_server(config_path: str | Path | None = None) -> Iterator[str]:
    """Start the real server in this process on 127.0.0.1:0; yield its ``host:port``.

    The store is a fresh SQLite file in a temporary folder, so every local run starts empty, and
    the linker is enabled with a random hash key. Models load once here
    (``build_application``), before the first case runs.
    """
    from idverify.app import build_application
    from idverify.config import load_config
    from idverify.server.app import create_server

    with tempfile.TemporaryDirectory(prefix="idverify-qa-") as tmp:
        overrides: dict[str, dict[str, Any]] = {
            "server": {"host": "127.0.0.1", "port": 0},
            "store": {"url": str(Path(tmp) / "qa.sqlite3")},
            # a throwaway store gets a throwaway keyed-hash secret: linking scenarios need the linker
            "linker": {"enabled": True, "hash_key": secrets.token_hex(16),
                       "seal_key": secrets.token_hex(32)},
        }
        config = load_config(config_path, overrides=overrides)
        app = build_application(config)
        try:
            running, port = create_server(config, app)
            running.start()
            try:
                yield f"127.0.0.1:{port}"
            finally:
                running.stop(0).wait()
        finally:
            app.close()


def has_signup(case: Case) -> bool:
    """True for a scenario with a Signup step: it registers real faces (see the module docstring)."""
    return any(step.call == "Signup" for step in case.steps)


def _namespace(token: str, case: Case) -> str:
    slug = re.sub(r"[^A-Za-z0-9_]+", "_", case.id)
    return f"qa{token}-{slug}"


def new_run_token() -> str:
    """A random token that keeps one run's linking accounts apart from every other run's."""
    return secrets.token_hex(4)


def run_one(channel: grpc.Channel, case: Case, token: str, timeout: float) -> CaseResult:
    """Run and evaluate one case over ``channel`` (``token`` from :func:`new_run_token`)."""
    started = time.perf_counter()
    try:
        return _evaluate(channel, case, token, timeout, started)
    except OSError as exc:  # an image deleted or unreadable since the suite was loaded
        ms = (time.perf_counter() - started) * 1000
        return CaseResult(case=case, status="error", failures=[f"cannot run the case: {exc}"],
                          observation={"error": {"code": "CLIENT", "reason": None, "message": str(exc)}},
                          milliseconds=round(ms, 2))


def _evaluate(channel: grpc.Channel, case: Case, token: str, timeout: float, started: float) -> CaseResult:
    if case.rpc == "LinkingScenario":
        observation = run_scenario(channel, case, _namespace(token, case), timeout)
        verdict = evaluate_scenario(case, observation)
    else:
        observation = run_case(channel, case, timeout)
        verdict = evaluate_case(case, observation)
    ms = (time.perf_counter() - started) * 1000
    return CaseResult(case=case, status=verdict.status, failures=list(verdict.failures),
                      observation=observation, milliseconds=round(ms, 2))


class _ApiKey(grpc.UnaryUnaryClientInterceptor):
    """Adds ``authorization: Bearer <key>`` to every call (servers with ``auth.enabled``)."""

    def __init__(self, key: str) -> None:
        self._metadata = ("authorization", f"Bearer {key}")

    def intercept_unary_unary(self, continuation, client_call_details, request):
        metadata = list(client_call_details.metadata or []) + [self._metadata]
        return continuation(client_call_details._replace(metadata=metadata), request)


def run_suite(suite: Suite, target: str, *, jobs: int = 4, timeout: float = 120.0, api_key: str | None = None,
              on_result: Callable[[CaseResult], None] | None = None) -> RunResult:
    """Run every case of ``suite`` against the server at ``target`` with ``jobs`` threads.

    ``timeout`` is each call's deadline in seconds; ``api_key`` is sent as a bearer token.
    ``on_result`` is called (from the calling
    thread) as each case finishes, for progress display. Results come back in case-id order.
    """
    token = new_run_token()
    started_at = datetime.now(UTC).isoformat(timespec="seconds")
    started = time.perf_counter()
    raw_channel = grpc.insecure_channel(target, options=[("grpc.max_send_message_length", _MAX_MESSAGE),
                                                         ("grpc.max_receive_message_length", _MAX_MESSAGE)])
    channel = grpc.intercept_channel(raw_channel, _ApiKey(api_key)) if api_key else raw_channel
    results: list[CaseResult] = []
    signups = [c for c in suite.cases if has_signup(c)]
    scenarios = [c for c in suite.cases if c.rpc == "LinkingScenario" and not has_signup(c)]
    others = [c for c in suite.cases if c.rpc != "LinkingScenario"]

    def lane(cases: list[Case]) -> list[CaseResult]:
        return [run_one(channel, case, token, timeout) for case in cases]

    def collect(futures) -> None:
        for future in as_completed(futures):
            for result in future.result():
                results.append(result)
                if on_result is not None:
                    on_result(result)

    try:
        with ThreadPoolExecutor(max_workers=max(1, jobs), thread_name_prefix="qa") as pool:
            first = [pool.submit(lane, signups)] if signups else []
            first += [pool.submit(lane, [case]) for case in others]
            collect(first)
            collect([pool.submit(lane, [case]) for case in scenarios])
    finally:
        raw_channel.close()
    results.sort(key=lambda r: r.case.id)
    return RunResult(suite=suite, target=target, started_at=started_at,
                     seconds=round(time.perf_counter() - started, 3), results=results)
