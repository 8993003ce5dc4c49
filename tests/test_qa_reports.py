"""The reports of one run against the fake server with one deliberately broken expectation:
JUnit XML structure and counts, the JSON report, the HTML report, the plots and compare."""

from __future__ import annotations

import base64
import copy
import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from qa_fake import start_fake_server, write_fake_suite

from idverify.cli import main
from idverify.qa.compare import compare_reports, format_comparison
from idverify.qa.junit import write_junit
from idverify.qa.plots import error_rates, face_pairs
from idverify.qa.report_html import render_html, thumbnail_data_uri
from idverify.qa.report_json import FORMAT, load_report, report_dict, write_json
from idverify.qa.runner import run_suite
from idverify.qa.suite import SuiteError, load_suite


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    server, target = start_fake_server()
    try:
        suite = load_suite(write_fake_suite(tmp_path_factory.mktemp("qa") / "suite", broken=True))
        return run_suite(suite, target, jobs=4, timeout=10)
    finally:
        server.stop(0).wait()


def test_junit_has_one_testsuite_per_suite_and_one_testcase_per_case(run, tmp_path):
    root = ET.parse(write_junit(run, tmp_path / "junit.xml")).getroot()
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == (str(len(run.results)), "1", "0")
    suites = root.findall("testsuite")
    assert sorted(s.get("name") for s in suites) == ["documents", "faces", "linking", "profile"]
    total = 0
    for suite in suites:
        cases = suite.findall("testcase")
        total += len(cases)
        assert suite.get("tests") == str(len(cases))
        assert suite.get("failures") == str(sum(1 for c in cases if c.find("failure") is not None))
        assert suite.get("errors") == str(sum(1 for c in cases if c.find("error") is not None))
        for case in cases:
            assert case.get("classname") == f"idverify.qa.{suite.get('name')}"
            assert float(case.get("time")) >= 0
    assert total == len(run.results)
    failure = root.find(".//testcase[@name='other_name']/failure")
    assert failure is not None and "expected decision MATCH, got NO_MATCH" in failure.get("message")
    assert failure.get("type") == "MatchProfile.fail"


def test_junit_marks_unevaluated_cases_as_errors(tmp_path):
    suite = load_suite(write_fake_suite(tmp_path / "suite"))
    unreachable = run_suite(suite, "127.0.0.1:1", jobs=4, timeout=2)
    root = ET.parse(write_junit(unreachable, tmp_path / "junit.xml")).getroot()
    assert root.get("errors") == str(len(suite.cases)) and root.get("failures") == "0"
    assert len(root.findall(".//testcase/error")) == len(suite.cases)


def test_json_report_holds_expected_actual_status_and_timings(run, tmp_path):
    data = load_report(write_json(run, tmp_path / "report.json"))
    assert data["format"] == FORMAT
    assert data["summary"] == {"total": len(run.results), "pass": len(run.results) - 1, "fail": 1, "error": 0}
    by_id = {c["id"]: c for c in data["cases"]}
    genuine = by_id["faces/genuine_0"]
    assert genuine["status"] == "pass" and genuine["expected"]["decisions"] == ["MATCH"]
    assert genuine["actual"]["decision"] == "MATCH" and 0 <= genuine["actual"]["scores"]["distance"] <= 0.3
    assert genuine["milliseconds"] > 0 and genuine["images"] == ["faces/genuine_0/a.png", "faces/genuine_0/b.png"]
    assert by_id["profile/other_name"]["failures"] == ["expected decision MATCH, got NO_MATCH"]
    scenario = by_id["linking/duplicate_and_self_hire"]
    assert scenario["expected"]["groups"] == [["f"], ["c"]]
    assert [s["call"] for s in scenario["actual"]["steps"]][:3] == ["RegisterAccount", "RegisterAccount", "RecordContract"]
    json.dumps(data)  # JSON-ready through and through


def test_load_report_refuses_other_files(tmp_path):
    (tmp_path / "x.json").write_text('{"format": "something else", "cases": []}')
    with pytest.raises(SuiteError, match="format: not an idverify-qa-report/1 report"):
        load_report(tmp_path / "x.json")


def test_html_is_self_contained_with_thumbnails_plots_and_the_failure(run):
    html = render_html(run)
    assert "http://" not in html and "https://" not in html and "<script" not in html
    thumbs = re.findall(r"src='data:image/jpeg;base64,([A-Za-z0-9+/=]+)'", html)
    assert len(thumbs) >= 2 * 6  # two images per face case
    with Image.open(io.BytesIO(base64.b64decode(thumbs[0]))) as image:
        assert max(image.size) <= 160
    plots = re.findall(r"<img id=(plot-[a-z-]+) alt='[^']*' src='data:image/png;base64,([A-Za-z0-9+/=]+)'", html)
    assert [name for name, _ in plots] == ["plot-histogram", "plot-far-frr"]
    for _, data in plots:
        with Image.open(io.BytesIO(base64.b64decode(data))) as image:
            assert image.size == (600, 360)
            assert np.asarray(image.convert("L")).std() > 10  # something is drawn
    assert "Expected versus actual decisions" in html and "MatchProfile" in html
    assert "expected decision MATCH, got NO_MATCH" in html
    assert html.index("profile/other_name") < html.index("faces/genuine_0")  # failures first
    assert "not an image" in html  # the corrupt upload has a placeholder, not a broken image


def test_thumbnail_of_a_non_image_is_none(tmp_path):
    (tmp_path / "x.jpg").write_bytes(b"not an image")
    assert thumbnail_data_uri(tmp_path / "x.jpg") is None


def test_face_pairs_and_error_rates(run):
    distances, genuine = face_pairs(run.results)
    assert genuine.sum() == 4 and (~genuine).sum() == 2
    rates = error_rates(distances, genuine)
    assert rates.far[0] == 0.0 and rates.frr[0] == 1.0  # threshold 0: nothing accepted
    assert rates.far[-1] == 1.0 and rates.frr[-1] == 0.0  # highest threshold: everything accepted
    assert np.all(np.diff(rates.far) >= 0) and np.all(np.diff(rates.frr) <= 0)
    threshold, eer = rates.equal_error_rate()
    assert eer == 0.0 and max(distances[genuine]) <= threshold < min(distances[~genuine])


def test_compare_lists_improved_and_worsened_cases(run, tmp_path):
    old = report_dict(run)
    new = copy.deepcopy(old)
    by_id = {c["id"]: c for c in new["cases"]}
    by_id["profile/other_name"]["status"] = "pass"
    by_id["faces/genuine_1"]["status"] = "fail"
    by_id["faces/genuine_2"]["actual"]["scores"]["distance"] += 0.1
    new["cases"] = [c for c in new["cases"] if c["id"] != "faces/genuine_3"]
    comparison = compare_reports(old, new)
    assert comparison.improved == ["profile/other_name"]
    assert comparison.worsened == ["faces/genuine_1"]
    assert comparison.removed == ["faces/genuine_3"] and comparison.added == []
    assert [c[:2] for c in comparison.score_changes] == [("faces/genuine_2", "distance")]
    text = format_comparison(comparison)
    assert "improved (1)\n  profile/other_name" in text and "worsened (1)\n  faces/genuine_1" in text

    (tmp_path / "old.json").write_text(json.dumps(old))
    (tmp_path / "new.json").write_text(json.dumps(new))
    assert main(["qa", "compare", str(tmp_path / "old.json"), str(tmp_path / "new.json")]) == 1
    assert main(["qa", "compare", str(tmp_path / "new.json"), str(tmp_path / "new.json")]) == 0
    assert main(["qa", "compare", str(tmp_path / "old.json"), str(tmp_path / "absent.json")]) == 2


def _genuine(suite: str, name: str, *, pair: str | None = "genuine", genuine_pair: str | None = None, rpc="CompareFaces"):
    from pathlib import Path

    from idverify.qa.runner import CaseResult
    from idverify.qa.suite import Case

    case = Case(id=f"{suite}/{name}", suite=suite, path=Path("."), file=Path("case.toml"), rpc=rpc, pair=pair,
                genuine_pair=genuine_pair)
    return CaseResult(case=case, status="pass", failures=[], observation={}, milliseconds=1.0)


def test_the_reports_say_when_a_suite_has_no_real_genuine_pairs():
    from idverify.qa.plots import genuine_pair_sources, real_pair_notes
    from idverify.qa.runner import RunResult
    from idverify.qa.suite import Suite

    results = [_genuine("faces", "g1", genuine_pair="edited_copy"), _genuine("faces", "g2"),
               _genuine("faces", "i1", pair="impostor"),
               _genuine("signup", "dup", pair=None, genuine_pair="edited_copy", rpc="LinkingScenario"),
               _genuine("portraits_faces", "g1", genuine_pair="distinct_photos"),
               _genuine("profile", "p", pair=None, rpc="MatchProfile")]
    assert genuine_pair_sources(results) == {
        "faces": {"edited_copy": 1, "distinct_photos": 0, "unmarked": 1},
        "signup": {"edited_copy": 1, "distinct_photos": 0, "unmarked": 0},
        "portraits_faces": {"edited_copy": 0, "distinct_photos": 1, "unmarked": 0}}
    notes = real_pair_notes(results)
    assert len(notes) == 2
    assert notes[0].startswith("suite faces has no real genuine pairs: 2 genuine pair(s), 1 edited copy of one "
                               "photo and 1 not marked with genuine_pair")
    assert notes[1].startswith("suite signup has no real genuine pairs")
    run = RunResult(suite=Suite(root=Path("."), cases=tuple(r.case for r in results)), target="t", started_at="now",
                    seconds=1.0, results=results)
    assert report_dict(run)["notes"] == notes
    assert report_dict(run)["genuine_pairs"]["portraits_faces"]["distinct_photos"] == 1
    page = render_html(run)
    assert "suite faces has no real genuine pairs" in page and "suite portraits_faces has no" not in page


def test_reports_give_latency_per_rpc_and_the_environment(run, tmp_path):
    data = load_report(write_json(run, tmp_path / "report.json"))
    latency = data["latency"]
    single = [c for c in data["cases"] if c["rpc"] != "LinkingScenario"]
    steps = [s for c in data["cases"] if c["rpc"] == "LinkingScenario" for s in c["actual"]["steps"]]
    expected_calls: dict[str, int] = {}
    for rpc in [c["rpc"] for c in single] + [s["call"] for s in steps]:
        expected_calls[rpc] = expected_calls.get(rpc, 0) + 1
    assert {rpc: t["calls"] for rpc, t in latency.items()} == expected_calls
    faces = sorted(c["actual"]["milliseconds"] for c in single if c["rpc"] == "CompareFaces")
    assert latency["CompareFaces"]["median_ms"] == pytest.approx(float(np.median(faces)), abs=0.06)
    assert all(0 < t["median_ms"] <= t["p95_ms"] for t in latency.values())
    env = data["environment"]
    assert env["target"] == run.target and env["client"]["python"] and env["client"]["grpcio"]
    html = render_html(run)
    assert "Latency per RPC" in html and "Environment" in html and "CompareFaces" in html
    root = ET.parse(write_junit(run, tmp_path / "junit.xml")).getroot()
    props = {p.get("name"): p.get("value") for p in root.find("testsuite/properties")}
    assert float(props["latency.CompareFaces.p95_ms"]) == latency["CompareFaces"]["p95_ms"]
    assert props["client.python"] == env["client"]["python"]
