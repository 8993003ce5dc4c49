"""One self-contained HTML report: open it anywhere, mail it, attach it to a CI run.

Everything is inline: CSS, image thumbnails and plots as base64 ``data:`` URIs; no script, no
network. Sections: the summary, the face-matching plots (genuine/impostor distance histogram and
FAR/FRR curve, with the server's thresholds), a confusion matrix per RPC (expected against
actual decision), latency per RPC (median, p95) and the run's environment (versions,
thresholds, policy: :mod:`idverify.qa.summary`), then every case (failed ones first) with its thumbnails, expected versus
actual and the unmet expectations; linking scenarios show each step.
"""

from __future__ import annotations

import base64
import html
import io
import json
from pathlib import Path
from typing import Any

from idverify.qa.plots import (confusion, error_rates, face_pairs, far_frr_png, histogram_png, real_pair_notes,
                               thresholds_used)
from idverify.qa.runner import CaseResult, RunResult, expectation_dict
from idverify.qa.summary import environment, latency_by_rpc

__all__ = ["render_html", "thumbnail_data_uri", "write_html"]

#: Longest side of a thumbnail in pixels.
THUMBNAIL_PX = 160

_CSS = """
body{font:14px/1.4 system-ui,-apple-system,"DejaVu Sans",sans-serif;margin:24px;color:#1b1f24;background:#fff}
h1{font-size:22px;margin:0 0 4px} h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #d0d7de}
.meta{color:#57606a} .badge{display:inline-block;padding:2px 10px;border-radius:12px;font-weight:600;margin-right:6px}
.badge.pass{background:#dafbe1;color:#116329} .badge.fail{background:#ffebe9;color:#a40e26}
.badge.error{background:#fff1c2;color:#7d4e00}
.plots{display:flex;flex-wrap:wrap;gap:12px;margin-bottom:12px} .plots img{border:1px solid #d0d7de;width:580px;height:348px}
table{border-collapse:collapse;margin:6px 0} td,th{border:1px solid #d0d7de;padding:4px 8px;vertical-align:top;text-align:left}
th{background:#f6f8fa} td.n{text-align:right} td.hit{background:#dafbe1} td.miss{background:#ffebe9}
.case{border:1px solid #d0d7de;border-radius:6px;margin:10px 0;padding:8px 12px}
.case.fail{border-left:6px solid #cf222e} .case.error{border-left:6px solid #bf8700} .case.pass{border-left:6px solid #1a7f37}
.case h3{font-size:15px;margin:0 0 6px} .thumbs img,.thumbs .noimg{height:120px;margin:0 8px 4px 0;border:1px solid #d0d7de}
.thumbs figure{display:inline-block;margin:0 8px 0 0} figcaption{font-size:11px;color:#57606a}
.noimg{display:inline-flex;align-items:center;justify-content:center;width:120px;background:#f6f8fa;color:#57606a;font-size:11px}
ul.failures{color:#a40e26;margin:4px 0} code,pre{font:12px/1.35 ui-monospace,"DejaVu Sans Mono",monospace}
details pre{max-height:300px;overflow:auto;background:#f6f8fa;padding:6px}
.cols{display:flex;flex-wrap:wrap;gap:16px} .cols>div{flex:0 0 auto}
.note{background:#fff8c5;border:1px solid #d4a72c;border-radius:6px;padding:6px 10px;margin:6px 0}
"""


def thumbnail_data_uri(path: Path) -> str | None:
    """A JPEG thumbnail (longest side :data:`THUMBNAIL_PX` px) as a data URI; None if unreadable."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            image = ImageOps.exif_transpose(image)
            image.thumbnail((THUMBNAIL_PX, THUMBNAIL_PX))
            buffer = io.BytesIO()
            image.convert("RGB").save(buffer, format="JPEG", quality=80)
    except (OSError, UnidentifiedImageError, ValueError, Image.DecompressionBombError):
        return None  # the corrupt and non-image inputs of refusal cases
    return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _png_uri(data: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _summary(run: RunResult) -> str:
    counts = run.counts()
    return (f"<h1>idverify QA report</h1><p class=meta>suite <code>{_e(run.suite.root)}</code> · target "
            f"<code>{_e(run.target)}</code> · started {_e(run.started_at)} · {run.seconds:.1f} s</p>"
            f"<p><span class='badge pass'>{counts['pass']} passed</span><span class='badge fail'>"
            f"{counts['fail']} failed</span><span class='badge error'>{counts['error']} errors</span>"
            f"<span class=meta>{counts['total']} cases</span></p>"
            + "".join(f"<p class=note>{_e(note)}</p>" for note in real_pair_notes(run.results)))


def _face_section(results: list[CaseResult]) -> str:
    distances, genuine = face_pairs(results)
    if distances.size == 0:
        return "<h2>Face matching</h2><p class=meta>No face case measured a distance.</p>"
    thresholds = thresholds_used(results)
    rates = error_rates(distances, genuine)
    eer_t, eer = rates.equal_error_rate()
    rows = [f"<tr><td>equal error rate</td><td class=n>{eer * 100:.1f}%</td><td>at distance {eer_t:.3f}</td></tr>"]
    if thresholds:
        for name, value in (("match threshold", thresholds[0]), ("no-match threshold", thresholds[1])):
            far, frr = rates.at(value)
            rows.append(f"<tr><td>{name}</td><td class=n>{value:.3f}</td><td>FAR {far * 100:.1f}% · "
                        f"FRR {frr * 100:.1f}%</td></tr>")
    return ("<h2>Face matching</h2>"
            f"<p class=meta>{int(genuine.sum())} genuine and {int((~genuine).sum())} impostor pairs with a measured "
            "distance.</p><div class=plots>"
            f"<img id=plot-histogram alt='distance histogram' src='{_png_uri(histogram_png(distances, genuine, thresholds))}'>"
            f"<img id=plot-far-frr alt='FAR and FRR' src='{_png_uri(far_frr_png(rates, thresholds))}'></div>"
            f"<table>{''.join(rows)}</table>")


def _confusion_section(results: list[CaseResult]) -> str:
    tables = confusion(results)
    if not tables:
        return ""
    parts = ["<h2>Expected versus actual decisions</h2><div class=cols>"]
    for rpc, cells in sorted(tables.items()):
        expected = sorted({e for e, _ in cells})
        actual = sorted({a for _, a in cells})
        head = "".join(f"<th>{_e(a)}</th>" for a in actual)
        body = []
        for e in expected:
            tds = []
            for a in actual:
                n = cells.get((e, a), 0)
                hit = a in e.split("|") or a == e
                tds.append(f"<td class='n {'hit' if hit and n else 'miss' if n else ''}'>{n or ''}</td>")
            body.append(f"<tr><th>{_e(e)}</th>{''.join(tds)}</tr>")
        parts.append(f"<div><h3>{_e(rpc)}</h3><table><tr><th>expected \\ actual</th>{head}</tr>{''.join(body)}"
                     "</table></div>")
    parts.append("</div>")
    return "".join(parts)


def _thumbs(result: CaseResult) -> str:
    figures = []
    for path in result.case.images():
        uri = thumbnail_data_uri(path)
        inner = (f"<img src='{uri}' alt='{_e(path.name)}'>" if uri
                 else f"<span class=noimg>not an image<br>{path.stat().st_size if path.exists() else 0} bytes</span>")
        figures.append(f"<figure>{inner}<figcaption>{_e(path.name)}</figcaption></figure>")
    return f"<div class=thumbs>{''.join(figures)}</div>" if figures else ""


def _actual_summary(observation: dict[str, Any]) -> str:
    if observation.get("error"):
        error = observation["error"]
        reason = f" [{error['reason']}]" if error.get("reason") else ""
        return f"<b>error</b> {_e(error['code'])}{_e(reason)}: {_e(error.get('message', ''))}"
    parts = []
    if observation.get("decision"):
        parts.append(f"decision <b>{_e(observation['decision'])}</b>")
    if observation.get("reasons"):
        parts.append("reasons " + ", ".join(f"<code>{_e(r)}</code>" for r in observation["reasons"]))
    if observation.get("scores"):
        parts.append("scores " + ", ".join(f"{_e(k)}={v:.4g}" for k, v in observation["scores"].items()))
    document = {k: v for k, v in (observation.get("document") or {}).items() if v}
    if document:
        parts.append("document " + ", ".join(f"{_e(k)}=<code>{_e(v)}</code>" for k, v in document.items()))
    return "<br>".join(parts) or "<span class=meta>(empty response)</span>"


def _expected_summary(expected: dict[str, Any]) -> str:
    parts = []
    if "error_code" in expected:
        parts.append(f"<b>error</b> {_e(expected['error_code'])}" +
                     (f" [{_e(expected['error_reason'])}]" if expected.get("error_reason") else ""))
    if expected.get("decisions"):
        parts.append("decision <b>" + " or ".join(_e(d) for d in expected["decisions"]) + "</b>")
    for key, label in (("reasons_include", "reasons include"), ("reasons_any", "one of the reasons"),
                       ("reasons_exclude", "reasons exclude")):
        if expected.get(key):
            parts.append(f"{label} " + ", ".join(f"<code>{_e(r)}</code>" for r in expected[key]))
    for key in ("document", "fields"):
        if expected.get(key):
            parts.append(f"{key} " + ", ".join(f"{_e(k)}=<code>{_e(v)}</code>" for k, v in expected[key].items()))
    if expected.get("scores"):
        parts.append("scores " + ", ".join(f"{_e(k)} in [{v.get('min', '-inf')}, {v.get('max', '+inf')}]"
                                           for k, v in expected["scores"].items()))
    return "<br>".join(parts)


def _arg(value: Any) -> str:
    # a Signup step's images by file name: absolute paths say nothing in a mailed report
    if isinstance(value, Path):
        return value.name
    if isinstance(value, tuple) and value and all(isinstance(v, Path) for v in value):
        return "[" + ", ".join(v.name for v in value) + "]"
    return str(value)


def _scenario_table(result: CaseResult) -> str:
    rows = []
    observed = result.observation.get("steps", [])
    for step in result.case.steps:
        seen = observed[step.index] if step.index < len(observed) else None
        args = ", ".join(f"{k}={_arg(v)}" for k, v in step.args.items() if k != "signals")
        signals = ", ".join(s["type"] for s in step.args.get("signals", ()))
        expect = {k: v for k, v in expectation_dict(result.case)["steps"][step.index]["expect"].items()}
        if seen is None:
            actual = "<span class=meta>not run</span>"
        else:
            actual = _actual_summary({**seen, "document": {}})
            if seen.get("link_decision"):
                actual += f"<br>link decision <b>{_e(seen['link_decision'])}</b>"
            if seen.get("linked"):
                actual += "<br>linked " + ", ".join(_e(x) for x in seen["linked"])
            if seen.get("pairs"):
                actual += "<br>" + ", ".join(f"{_e(k.replace('|', ' & '))}: {'same' if v else 'different' if v is False else '?'}"
                                             for k, v in seen["pairs"].items())
        rows.append(f"<tr><td class=n>{step.index + 1}</td><td><b>{_e(step.call)}</b> {_e(args)}"
                    f"{'<br><span class=meta>signals: ' + _e(signals) + '</span>' if signals else ''}</td>"
                    f"<td><code>{_e(json.dumps(expect, ensure_ascii=False))}</code></td><td>{actual}</td></tr>")
    groups = ""
    if result.case.groups is not None:
        persons = result.observation.get("persons", {})
        groups = ("<p>expected persons: " + " ".join("{" + ", ".join(_e(n) for n in g) + "}" for g in result.case.groups)
                  + "<br>person ids: " + ", ".join(f"{_e(n)}={_e((p or '?')[:12])}" for n, p in persons.items()) + "</p>")
    return ("<table><tr><th>#</th><th>call</th><th>expected</th><th>actual</th></tr>" + "".join(rows) + "</table>"
            + groups)


def _case_block(result: CaseResult) -> str:
    case = result.case
    failures = "".join(f"<li>{_e(f)}</li>" for f in result.failures)
    head = (f"<div class='case {result.status}' id='case-{_e(case.id)}'><h3><span class='badge {result.status}'>"
            f"{result.status.upper()}</span>{_e(case.id)} <span class=meta>{_e(case.rpc)} · "
            f"{result.milliseconds:.0f} ms</span></h3>")
    description = f"<p class=meta>{_e(case.description)}</p>" if case.description else ""
    failures_html = f"<ul class=failures>{failures}</ul>" if failures else ""
    if case.rpc == "LinkingScenario":
        body = _thumbs(result) + _scenario_table(result)
    else:
        body = (f"{_thumbs(result)}<table><tr><th>expected</th><th>actual</th></tr><tr><td>"
                f"{_expected_summary(expectation_dict(case))}</td><td>{_actual_summary(result.observation)}</td></tr></table>")
        response = result.observation.get("response")
        if response is not None:
            body += (f"<details><summary>full response</summary><pre>{_e(json.dumps(response, indent=1, ensure_ascii=False))}"
                     "</pre></details>")
    return head + description + failures_html + body + "</div>"


def _latency_and_environment(run: RunResult) -> str:
    rows = "".join(f"<tr><td>{_e(rpc)}</td><td class=n>{t['calls']}</td><td class=n>{t['median_ms']:.0f}</td>"
                   f"<td class=n>{t['p95_ms']:.0f}</td></tr>" for rpc, t in latency_by_rpc(run.results).items())
    env = environment(run)
    client = "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in env["client"].items())
    faces = "".join(f"<tr><th>{_e(cls)}</th><td>match &le; {t['match_distance']:.3f}, no match &gt; "
                    f"{t['no_match_distance']:.3f}</td></tr>" for cls, t in env["face_thresholds"].items())
    return ("<div class=cols><div><h2>Latency per RPC</h2><table><tr><th>RPC</th><th>calls</th><th>median ms</th>"
            f"<th>p95 ms</th></tr>{rows}</table></div><div><h2>Environment</h2><table>"
            f"<tr><th>target</th><td><code>{_e(env['target'])}</code></td></tr>{client}"
            f"<tr><th>policy</th><td>{_e(', '.join(env['policy_versions']) or 'not seen')}</td></tr>{faces}"
            "</table></div></div>")


def render_html(run: RunResult) -> str:
    """The whole report as one HTML document."""
    results = sorted(run.results, key=lambda r: ({"fail": 0, "error": 1, "pass": 2}[r.status], r.case.id))
    return ("<!doctype html><html lang=en><head><meta charset=utf-8><title>idverify QA report</title>"
            f"<style>{_CSS}</style></head><body>{_summary(run)}"
            f"{_face_section(run.results)}"
            f"{_confusion_section(run.results)}{_latency_and_environment(run)}<h2>Cases</h2>{''.join(_case_block(r) for r in results)}"
            "</body></html>\n")


def write_html(run: RunResult, path: str | Path) -> Path:
    """Write the HTML report to ``path``; return the path."""
    path = Path(path)
    path.write_text(render_html(run), encoding="utf-8")
    return path
