"""The frozen screening corpus: in step with its generator, big enough, split stably, and every
contact or payment value in it fictitious."""

from __future__ import annotations

import importlib.util
import json
import re
from collections import Counter
from pathlib import Path

import pytest
from stdnum import iban, luhn

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "data" / "screening_corpus.jsonl"


@pytest.fixture(scope="module")
def generator():
    spec = importlib.util.spec_from_file_location("screening_corpus", ROOT / "benchmarks" / "screening_corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def items():
    return [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines()]


def test_committed_corpus_is_what_the_generator_builds(generator):
    assert generator.render(generator.build_corpus()) == CORPUS.read_text(encoding="utf-8")


def test_size_split_and_labels(items, generator):
    kinds = Counter(x["kind"] for x in items)
    assert kinds["message"] >= 1000 and kinds["profile"] >= 300
    assert all(x["split"] == generator.split_of(x["id"]) for x in items)
    assert 0.4 < sum(x["split"] == "heldout" for x in items) / len(items) < 0.6
    clean = [x for x in items if x["kind"] == "message" and not x["labels"]]
    assert len(clean) > 400


def test_every_value_is_fictitious(items, generator):
    texts = [x.get("text") or " ".join([x["title"], x["description"]]) for x in items]
    from idverify.screening.homoglyphs import load_homoglyphs
    from idverify.screening.normalize import fold

    joined = fold("\n".join(texts), load_homoglyphs()).text  # homoglyph disguises read as Latin
    for email in re.findall(r"[\w.+-]+@([\w.-]+\w)", joined):
        assert email.endswith(("example.com", "example.org", "example.net")), email
    for value in generator.IBANS:
        assert iban.is_valid(value, check_country=False)
    for value in generator.CARDS:
        assert luhn.is_valid(value.replace(" ", ""))
    for phone in re.findall(r"\+44 7700 (\d{6})|07700 (\d{6})", joined):
        assert (phone[0] or phone[1]).startswith("900")
    assert all(line.startswith("01") for line in re.findall(r"(?<!5)555[ -](\d{4})", joined))
