"""The JSON report: every case with expected versus actual, verdict, timings and key scores.

It is the machine-readable record of a run and the input of ``idverify qa compare``. Images are
referenced by path (relative to the suite root), never embedded, and responses carry no bytes.
``genuine_pairs`` says per suite how its genuine pairs were made, and ``notes`` names every
suite with no real genuine pair (only edited copies of one photo, or unmarked cases).
``latency`` gives per RPC the calls, median and p95 in milliseconds, and ``environment`` the
client's versions, the target, the server's face thresholds and policy versions
(:mod:`idverify.qa.summary`).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from idverify.qa.plots import genuine_pair_sources, real_pair_notes
from idverify.qa.runner import RunResult, expectation_dict
from idverify.qa.suite import SuiteError
from idverify.qa.summary import environment, latency_by_rpc

__all__ = ["FORMAT", "load_report", "report_dict", "write_json"]

#: The report's format tag; bump on incompatible changes.
FORMAT = "idverify-qa-report/1"


def report_dict(run: RunResult) -> dict[str, Any]:
    """The run as a JSON-ready dict."""
    root = run.suite.root
    cases = []
    for result in run.results:
        case = result.case
        cases.append({
            "id": case.id,
            "suite": case.suite,
            "rpc": case.rpc,
            "description": case.description,
            "tags": list(case.tags),
            "pair": case.pair,
            "genuine_pair": case.genuine_pair,
            "status": result.status,
            "failures": result.failures,
            "milliseconds": result.milliseconds,
            "images": [os.path.relpath(p, root) for p in case.images()],
            "expected": expectation_dict(case),
            "actual": result.observation,
        })
    return {"format": FORMAT, "suite": str(root), "target": run.target, "started_at": run.started_at,
            "seconds": run.seconds, "summary": run.counts(),
            "genuine_pairs": genuine_pair_sources(run.results), "notes": real_pair_notes(run.results),
            "latency": latency_by_rpc(run.results), "environment": environment(run), "cases": cases}


def write_json(run: RunResult, path: str | Path) -> Path:
    """Write the JSON report to ``path``; return the path."""
    path = Path(path)
    path.write_text(json.dumps(report_dict(run), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def load_report(path: str | Path) -> dict[str, Any]:
    """Read a JSON report written by :func:`write_json`; :class:`SuiteError` if it is not one."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SuiteError([f"{path}: cannot read: {exc.strerror}"], file=str(path),
                         reasons=["CONFIG_UNREADABLE"]) from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise SuiteError([f"{path}: not valid JSON: {exc}"], file=str(path), reasons=["CONFIG_SYNTAX"]) from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("cases"), list):
        raise SuiteError([f"{path}: format: not an {FORMAT} report"], file=str(path), field="format")
    return data
