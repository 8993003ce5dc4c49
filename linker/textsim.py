"""Near-duplicate texts without keeping the text: MinHash over keyed word shingles, LSH bands.

A profile or job-post text becomes the set of its overlapping 3-word shingles (NFKC-folded,
lower case, letters and digits only); each shingle is hashed with the linker's key
(:meth:`~linker.signals.SignalHasher.digest`), so the store holds nothing a dictionary attack
without the key could read back. datasketch's :class:`~datasketch.MinHash` (128 affine 32-bit
permutations) turns the keyed hashes into a signature; the share of equal positions of two
signatures estimates the Jaccard similarity of their shingle sets (standard error about
0.04 at 128 permutations). The signature cut into 32 bands of 4 rows gives the LSH terms
(keyed again) that find candidates: two texts at Jaccard 0.5 share a band with probability
0.87, at 0.7 with 0.9999, at 0.2 with 0.05.

Pure: no I/O; the hashing function is passed in.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable

import numpy as np
from datasketch import MinHash

__all__ = ["BANDS", "MIN_WORDS", "NUM_PERM", "SHINGLE_WORDS", "band_terms", "fingerprint", "from_bytes", "similarity",
           "to_bytes"]

#: Words per shingle: three keep word order without making every edit a miss.
SHINGLE_WORDS = 3
#: Permutations of the signature (datasketch's default).
NUM_PERM = 128
#: LSH bands; NUM_PERM / BANDS rows each.
BANDS = 32
#: Texts with fewer words say too little to link anyone ("Python developer").
MIN_WORDS = 8
#: Fixed so that signatures stay comparable across restarts (the keyed shingles hold the secret).
_SEED = 1

_WORD = re.compile(r"\w+")


def _words(text: str) -> list[str]:
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


def fingerprint(text: str, keyed: Callable[[str], bytes]) -> np.ndarray | None:
    """The MinHash signature of ``text`` (NUM_PERM uint32), or None when it has fewer than
    MIN_WORDS words. ``keyed(shingle)`` is the keyed hash of one shingle (4 bytes are used)."""
    words = _words(text)
    if len(words) < MIN_WORDS:
        return None
    shingles = {" ".join(words[i : i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1)}
    sketch = MinHash(num_perm=NUM_PERM, seed=_SEED, scheme="affine32", permutations=_permutations(),
                     hashfunc=lambda digest: int.from_bytes(digest[:4], "little"))
    sketch.update_batch([keyed(s) for s in sorted(shingles)])
    return np.asarray(sketch.hashvalues, dtype=np.uint32)


@functools.cache
def _permutations():
    """The seeded permutations, drawn once per process (datasketch draws them per sketch,
    which cost more than the hashing)."""
    return MinHash(num_perm=NUM_PERM, seed=_SEED, scheme="affine32").permutations


def band_terms(signature: np.ndarray) -> list[str]:
    """The signature's LSH band terms (to be keyed before they are stored): ``b<i>:`` and the
    band's rows in hex."""
    width = 8 * NUM_PERM // BANDS  # hex digits per band (4 bytes a row)
    text = to_bytes(signature).hex()
    return [f"b{i}:{text[i * width:(i + 1) * width]}" for i in range(BANDS)]


def to_bytes(signature: np.ndarray) -> bytes:
    """A signature as stored (little-endian uint32)."""
    return np.asarray(signature, dtype="<u4").tobytes()


def from_bytes(data: bytes) -> np.ndarray:
    """A stored signature back as NUM_PERM uint32."""
    return np.frombuffer(data, dtype="<u4").astype(np.uint32)


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """The estimated Jaccard similarity of two signatures' shingle sets, in [0, 1]."""
    return float(np.count_nonzero(a == b)) / len(a)
