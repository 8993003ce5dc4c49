"""MinHash over keyed shingles (linker.textsim): estimates, bands, keying, short texts."""

from __future__ import annotations

import hmac

import numpy as np

from linker.textsim import BANDS, MIN_WORDS, NUM_PERM, band_terms, fingerprint, from_bytes, similarity, to_bytes

TEXT = ("Full stack developer with nine years of experience building web shops and booking systems "
        "for small businesses in Python Django React and PostgreSQL with automated tests")


def _keyed(key: bytes):
    return lambda shingle: hmac.digest(key, shingle.encode(), "sha256")


def _jaccard(a: str, b: str) -> float:
    def shingles(t: str) -> set[str]:
        w = t.lower().split()
        return {" ".join(w[i:i + 3]) for i in range(len(w) - 2)}
    x, y = shingles(a), shingles(b)
    return len(x & y) / len(x | y)


def test_the_estimate_follows_the_true_jaccard_similarity():
    keyed = _keyed(b"k" * 32)
    words = TEXT.split()
    for changed in (0, 1, 3, 6):
        other = " ".join(w if i % 4 or i // 4 >= changed else "zzz" + w for i, w in enumerate(words))
        estimate = similarity(fingerprint(TEXT, keyed), fingerprint(other, keyed))
        assert abs(estimate - _jaccard(TEXT, other)) <= 0.15, changed
    unrelated = "I paint houses and fix roofs in the north of England, reliable and on time, call for a quote"
    assert similarity(fingerprint(TEXT, keyed), fingerprint(unrelated, keyed)) < 0.1


def test_case_and_punctuation_do_not_matter_but_the_key_does():
    a = fingerprint(TEXT, _keyed(b"k" * 32))
    assert similarity(a, fingerprint(TEXT.upper().replace(" ", ", "), _keyed(b"k" * 32))) == 1.0
    other_key = fingerprint(TEXT, _keyed(b"j" * 32))
    assert similarity(a, other_key) < 0.1  # without the key the signature cannot be reproduced
    assert a.shape == (NUM_PERM,) and a.dtype == np.uint32


def test_bands_and_storage_round_trip():
    sig = fingerprint(TEXT, _keyed(b"k" * 32))
    terms = band_terms(sig)
    assert len(terms) == BANDS and len(set(terms)) == BANDS
    assert np.array_equal(from_bytes(to_bytes(sig)), sig)
    changed = fingerprint(TEXT.replace("tests", "testing"), _keyed(b"k" * 32))
    assert set(terms) & set(band_terms(changed))  # a near copy shares a band: it is found


def test_short_texts_have_no_fingerprint():
    assert fingerprint(" ".join(["word"] * (MIN_WORDS - 1)), _keyed(b"k" * 32)) is None
    assert fingerprint("", _keyed(b"k" * 32)) is None
