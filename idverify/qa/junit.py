"""The JUnit XML report, for CI systems (GitLab, Jenkins, GitHub test reporters).

One ``<testsuite>`` per fixture suite, one ``<testcase>`` per case (``classname`` is
``idverify.qa.<suite>``, ``name`` the case folder, ``time`` in seconds); an unmet expectation is
a ``<failure>``, a call that could not be evaluated (UNIMPLEMENTED, UNAVAILABLE, INTERNAL ...)
an ``<error>``. Each suite's ``<properties>`` carry the target, the run's environment (client
versions, face thresholds, policy versions) and the latency per RPC (``latency.<RPC>.median_ms``
and ``.p95_ms``). The layout follows the de-facto schema Jenkins and pytest write.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from itertools import groupby
from pathlib import Path

from idverify.qa.runner import RunResult
from idverify.qa.summary import environment, latency_by_rpc

__all__ = ["junit_tree", "write_junit"]


def junit_tree(run: RunResult) -> ET.ElementTree:
    """The run as a JUnit ``<testsuites>`` tree."""
    counts = run.counts()
    root = ET.Element("testsuites", name="idverify-qa", tests=str(counts["total"]), failures=str(counts["fail"]),
                      errors=str(counts["error"]), time=f"{run.seconds:.3f}")
    env, latency = environment(run), latency_by_rpc(run.results)
    facts = [(f"client.{k}", v) for k, v in env["client"].items()]
    facts += [(f"face_thresholds.{cls}", f"{t['match_distance']:g}/{t['no_match_distance']:g}")
              for cls, t in env["face_thresholds"].items()]
    facts += [("policy_versions", ",".join(env["policy_versions"]))]
    facts += [(f"latency.{rpc}.{k}", f"{t[k]:g}") for rpc, t in latency.items() for k in ("calls", "median_ms", "p95_ms")]
    for suite_name, group in groupby(sorted(run.results, key=lambda r: r.case.id), key=lambda r: r.case.suite):
        results = list(group)
        suite = ET.SubElement(
            root, "testsuite", name=suite_name, tests=str(len(results)),
            failures=str(sum(r.status == "fail" for r in results)),
            errors=str(sum(r.status == "error" for r in results)), skipped="0",
            time=f"{sum(r.milliseconds for r in results) / 1000:.3f}", timestamp=run.started_at)
        properties = ET.SubElement(suite, "properties")
        ET.SubElement(properties, "property", name="target", value=run.target)
        for name, value in facts:
            ET.SubElement(properties, "property", name=name, value=str(value))
        for result in results:
            case = result.case
            element = ET.SubElement(suite, "testcase", classname=f"idverify.qa.{case.suite}",
                                    name=case.path.name, time=f"{result.milliseconds / 1000:.3f}",
                                    file=str(case.file))
            if result.status != "pass":
                tag = "failure" if result.status == "fail" else "error"
                first = result.failures[0] if result.failures else result.status
                detail = ET.SubElement(element, tag, message=first, type=f"{case.rpc}.{result.status}")
                detail.text = "\n".join(result.failures)
            out = ET.SubElement(element, "system-out")
            observation = result.observation
            out.text = (f"rpc={case.rpc} decision={observation.get('decision')} "
                        f"reasons={','.join(observation.get('reasons', ()))} "
                        f"scores={observation.get('scores', {})}")
    ET.indent(root)
    return ET.ElementTree(root)


def write_junit(run: RunResult, path: str | Path) -> Path:
    """Write the JUnit XML report to ``path``; return the path."""
    path = Path(path)
    junit_tree(run).write(path, encoding="utf-8", xml_declaration=True)
    return path
