"""What every report of a run states besides the cases: latency per RPC and the run's environment.

Latency: every call the run made, by RPC (a linking scenario's steps count as calls of their own
RPC), as the client measured it: how many, median and 95th percentile in milliseconds. The
environment: the client's versions (idverify, Python, grpcio, protobuf, platform), the target,
and what the server's answers said about itself: the face thresholds per reference class and
the decision-policy versions it applied.
"""

from __future__ import annotations

import importlib.metadata
import platform
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import numpy as np

from idverify.qa.runner import CaseResult, RunResult

__all__ = ["environment", "latency_by_rpc"]

_PACKAGES = ("idverify", "grpcio", "protobuf", "dlib-bin", "numpy", "opencv-python-headless")


def _call_times(result: CaseResult) -> list[tuple[str, float]]:
    observation = result.observation
    if result.case.rpc == "LinkingScenario":
        return [(step["call"], float(step["milliseconds"])) for step in observation.get("steps", ())
                if "milliseconds" in step]
    ms = observation.get("milliseconds")
    return [(result.case.rpc, float(ms if ms is not None else result.milliseconds))]


def latency_by_rpc(results: Sequence[CaseResult]) -> dict[str, dict[str, float]]:
    """``{rpc: {"calls": n, "median_ms": ..., "p95_ms": ...}}`` over every call, by RPC name."""
    times: dict[str, list[float]] = defaultdict(list)
    for result in results:
        for rpc, ms in _call_times(result):
            times[rpc].append(ms)
    return {rpc: {"calls": len(values), "median_ms": round(float(np.median(values)), 1),
                  "p95_ms": round(float(np.percentile(values, 95)), 1)}
            for rpc, values in sorted(times.items())}


def _version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def _responses(result: CaseResult) -> list[dict[str, Any]]:
    observation = result.observation
    found = [observation.get("response")] + [s.get("response") for s in observation.get("steps", ())]
    return [r for r in found if isinstance(r, dict)]


def _faces(response: dict[str, Any]) -> list[dict[str, Any]]:
    candidates = [response, response.get("face"), (response.get("verification") or {}).get("face")]
    return [c for c in candidates if isinstance(c, dict) and isinstance(c.get("thresholds"), dict)]


def environment(run: RunResult) -> dict[str, Any]:
    """The run's environment: client versions, the target, the server's thresholds and policies."""
    thresholds: dict[str, dict[str, float]] = {}
    policies: set[str] = set()
    for result in run.results:
        for response in _responses(result):
            for version in (response.get("policy_version"), (response.get("verification") or {}).get("policy_version")):
                if version:
                    policies.add(str(version))
            for face in _faces(response):
                t = face["thresholds"]
                if t.get("match_distance"):
                    thresholds.setdefault(str(t.get("reference_class") or "default"), {
                        "match_distance": float(t["match_distance"]),
                        "no_match_distance": float(t.get("no_match_distance", 0.0))})
    return {
        "target": run.target,
        "client": {"python": platform.python_version(), "platform": platform.platform(),
                   **{p: _version(p) for p in _PACKAGES}},
        "face_thresholds": dict(sorted(thresholds.items())),
        "policy_versions": sorted(policies),
    }
