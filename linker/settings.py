"""The linker's settings: one frozen, typed object (the ``[linker]`` TOML table).

The store location comes from ``[store] url`` unless ``linker.store_url`` overrides it. The
keyed-hash secret is required: the service refuses to start without ``hash_key`` unless
``dev_generate_key`` is true, in which case a random key is generated once and persisted beside
an SQLite store (``<store>.linker-key``, mode 0600) so hashes stay comparable across restarts.
The sealing key (``seal_key``) is resolved the same way (``<store>.linker-seal-key``); it must
be a real 256-bit key, 64 hex characters (:data:`SEAL_KEY_HINT` says how to make one), and
``previous_seal_keys`` (read only) lets values sealed under an older key be read while
``idverify rotate-seal-key`` re-seals them.
Never use the dev flag in production: anyone with the file can test guesses against the hashes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from idverify.errors import ConfigError

__all__ = ["SEAL_KEY_HINT", "LinkerSettings", "is_seal_key_text"]

#: How to make a seal key, quoted by every error about one.
SEAL_KEY_HINT = 'generate one with: python -c "import secrets; print(secrets.token_hex(32))"'

_HEX = frozenset("0123456789abcdefABCDEF")


def is_seal_key_text(value: str) -> bool:
    """Whether ``value`` is a seal key as configured: 64 hex characters (32 bytes)."""
    return len(value) == 64 and _HEX.issuperset(value)


@dataclass(frozen=True)
class LinkerSettings:
    """How accounts are linked, how strong each signal is and when a value becomes generic.

    The three secrets (``hash_key``, ``seal_key``, ``previous_seal_keys``) are left out of the
    repr, so printing or logging the settings (or the configuration holding them) shows none."""

    #: Serve LinkingService. Off by default because it needs a secret: when true the server
    #: refuses to start without ``hash_key`` (or ``dev_generate_key``). When off, every
    #: LinkingService call answers FAILED_PRECONDITION (reason LINKER_DISABLED).
    enabled: bool = False
    #: HMAC-SHA256 secret (hex, or any string of at least 16 characters). Required.
    hash_key: str = field(default="", repr=False)
    #: AES-256-GCM key sealing the normalised identity values the fuzzy scorer compares: 64 hex
    #: characters (32 random bytes; anything else refuses to start). Required, and must differ
    #: from ``hash_key``: see the README's "What the linker's store reveals".
    seal_key: str = field(default="", repr=False)
    #: Older seal keys, for reading values sealed under them only (never for sealing), while
    #: ``idverify rotate-seal-key`` re-seals them under ``seal_key``: see the README's rotation
    #: procedure. Each is 64 hex characters, or the ``seal_key`` setting of a version before
    #: keys had to be (at least 16 characters), to upgrade a store sealed with it.
    previous_seal_keys: tuple[str, ...] = field(default=(), repr=False)
    #: Development only: generate random keys and persist them beside the SQLite store.
    dev_generate_key: bool = False
    #: A SQLite path or ``postgresql://`` URL; empty means ``[store] url``.
    store_url: str = ""
    # Face levels (Euclidean distance in dlib's 128-d space) come from the one calibration,
    # benchmarks/calibrate_faces.py, table "Face evidence levels for the account linker" in
    # benchmarks/RESULTS.md (the photo class; 94 same-person and 1391 different-person photo
    # pairs of ../shared/faces). The 1:N side is benchmarks/bench_face_links.py: real photos
    # against 100k synthetic faces plus the real ones. One set serves every face an account
    # holds (selfies and matched document portraits): the photo class's strong level is the
    # lower of the two classes' (degraded portraits: 0.495), and both classes give 0.539.
    #: Strong evidence at or below this: joins accounts into one person on its own. Photo
    #: pairs: 67.0% of same-person pairs within (FRR 33%), 0 of 1391 different-person pairs
    #: (FAR 0; the closest is 0.571). 1:N: 0 of 55 signups of people outside a 100k gallery
    #: linked; but a normal fitted to the real different-person tail expects 0.5-1.2 strangers
    #: within 0.471 per signup at 100k faces (4.8-12 at 1M), so a face alone is REVIEW, never
    #: BLOCK (``DUPLICATE_FACE_ONLY`` in :mod:`linker.policy`). 0.40 would expect 0.004-0.014
    #: at 100k and link 37% of second photos instead of 71%.
    face_match_distance: float = 0.471
    #: Medium evidence between ``face_match_distance`` and this (joins only with a second medium
    #: kind, e.g. a device; alone it adds risk): the calibrated MATCH threshold of both classes.
    #: Photo pairs: 94.7% of same-person pairs within, FAR 0 of 1391; 1:N the fitted tail expects
    #: 25-43 strangers within 0.539 per signup at 100k faces, which is why medium never joins alone.
    face_medium_distance: float = 0.539
    #: One account presenting faces farther apart than this is shared (SHARED_ACCOUNT, REVIEW);
    #: a name and birth date shared by accounts whose faces are this far apart is a namesake.
    #: The photo class's NO_MATCH threshold: 3.2% of same-person photo pairs beyond (a REVIEW on
    #: re-verification with a new selfie), 1 of 1391 different-person pairs within (0.07%).
    face_different_distance: float = 0.573
    #: No longer used (names are weighed by the fuzzy identity, linker/fuzzy.py, and one
    #: account's identities counted with fuzzy.same_name); kept so that existing configs that
    #: set them still load. Candidates for removal in a release that may refuse them.
    name_match_similarity: float = 0.99
    name_medium_similarity: float = 0.5
    #: A value shared by more than this many accounts is generic and stops linking, per type.
    #: Strong payment and identity values get a small cap (a card is rarely shared by more
    #: than a family); weak network values a larger one.
    cap_strong: int = 10
    cap_medium: int = 20
    cap_weak: int = 50
    #: A birth date shared by more accounts than this is a placeholder (1900-01-01, 1970-01-01):
    #: fuzzy name matching stops inside it (about 50 accounts share a real date per million).
    cap_birth_date: int = 2000
    #: Fuzzy identity (linker/fuzzy.py): a Fellegi-Sunter match weight (log2 likelihood ratio,
    #: term-frequency adjusted) at or above this joins two accounts on its own. Calibrated on
    #: FEBRL 1-4 (benchmarks/RESULTS.md, "FEBRL, one record at a time"): no false pair there.
    #: A rare namesake with another birth date stays below it even at a million accounts;
    #: twins (surnames agree, a given name differs, no document agrees) never join whatever
    #: their weight (linker.fuzzy.Match.conflict).
    fuzzy_strong_weight: float = 18.0
    #: At or above this the identity is medium evidence (joins only with a second medium kind).
    fuzzy_medium_weight: float = 16.0
    #: What the fuzzy comparison may use: ``sealed`` compares opened values with real string
    #: measures; ``hashed`` only what keyed hashes alone allow (design a of issue 15, kept to
    #: measure it side by side in benchmarks/bench_linker.py --febrl; values are sealed either way).
    fuzzy_compare: Literal["sealed", "hashed"] = "sealed"
    #: A blocking term held by more accounts than this finds no candidates (too common to say
    #: anything; at a million accounts a phonetic surname with a birth year holds about 100).
    fuzzy_block_cap: int = 300
    #: Risk in [0, 1] at or above which weak-only overlap leads to REVIEW. 0.7 needs three kinds
    #: of weak/medium overlap (device, IP and browser); a household sharing a home IP and a
    #: tablet (0.65) stays ALLOW.
    risk_review_threshold: float = 0.7
    #: Nearest faces fetched from the vector index per probe embedding.
    face_search_k: int = 10
    #: Where to keep the face index between runs (saved at shutdown, caught up with the store at
    #: start); empty rebuilds it from the store on every start.
    index_path: str = ""
    #: Most accounts in one RegisterAccounts call. A batch holds the write lock while it links
    #: (about 0.5 ms per account), so single registrations wait up to that long behind one.
    max_batch: int = 500
    #: HNSW graph degree (M: usearch's connectivity) and build/search breadth (ef: its
    #: expansion_add and expansion_search); see :mod:`linker.faceindex` and
    #: ``benchmarks/tune_faceindex.py``: a denser, better-built graph (M 32, ef_construction
    #: 200) reaches recall@1 0.999 at ef 64-128 at 200k faces, where M 16 / 100 needed ef 512
    #: for 0.997, and costs less per registered account (one insert plus one search). The same
    #: values were kept when usearch replaced hnswlib (issue 17; benchmarks/RESULTS.md).
    hnsw_m: int = 32
    hnsw_ef_construction: int = 200
    hnsw_ef_search: int = 96
    #: How the face graph stores embeddings: ``f32`` exactly, or ``f16`` in half the memory and
    #: with cheaper distances (search distances then differ from float32 ones by about 1e-4).
    hnsw_dtype: Literal["f32", "f16"] = "f32"
    #: Profile and job-post texts (issue 18): two accounts whose texts' estimated Jaccard
    #: similarity of word shingles is at least this are weakly linked (linker/textsim.py).
    text_link_similarity: float = 0.5
    #: Texts kept per account (the newest): bounds what one account's screening adds.
    texts_per_account: int = 20
    #: Contact and payment details posted in messages kept per account (the newest): bounds
    #: what one account's messages add (a spammer pasting hundreds of numbers).
    posted_per_account: int = 50

    def validate(self) -> None:
        if not 0 < self.face_match_distance <= self.face_medium_distance <= self.face_different_distance:
            raise ConfigError(
                "linker face distances must satisfy 0 < match <= medium <= different",
                reason="CONFIG_VALUE",
            )
        if not 0 < self.name_medium_similarity <= self.name_match_similarity <= 1:
            raise ConfigError("linker name similarities must satisfy 0 < medium <= match <= 1", reason="CONFIG_VALUE")
        if not 0 < self.fuzzy_medium_weight <= self.fuzzy_strong_weight:
            raise ConfigError("linker fuzzy weights must satisfy 0 < medium <= strong", reason="CONFIG_VALUE")
        if self.hnsw_dtype not in ("f32", "f16"):
            raise ConfigError("linker.hnsw_dtype must be 'f32' or 'f16'", reason="CONFIG_VALUE")
        if self.fuzzy_compare not in ("sealed", "hashed"):
            raise ConfigError("linker.fuzzy_compare must be 'sealed' or 'hashed'", reason="CONFIG_VALUE")
        self._validate_seal_keys()
        for name in ("cap_strong", "cap_medium", "cap_weak", "cap_birth_date", "fuzzy_block_cap", "face_search_k", "hnsw_m", "max_batch"):
            if getattr(self, name) < 1:
                raise ConfigError(f"linker.{name} must be >= 1", reason="CONFIG_VALUE")
        if self.max_batch > 1024:
            raise ConfigError("linker.max_batch must be at most 1024 (the server's limit on repeated fields)",
                              reason="CONFIG_VALUE")
        if not 0 < self.text_link_similarity <= 1:
            raise ConfigError("linker.text_link_similarity must be in (0, 1]", reason="CONFIG_VALUE")
        if self.texts_per_account < 1:
            raise ConfigError("linker.texts_per_account must be >= 1", reason="CONFIG_VALUE")
        if self.posted_per_account < 1:
            raise ConfigError("linker.posted_per_account must be >= 1", reason="CONFIG_VALUE")
        if not 0 < self.risk_review_threshold <= 1:
            raise ConfigError("linker.risk_review_threshold must be in (0, 1]", reason="CONFIG_VALUE")
        if self.hash_key and len(self.hash_key) < 16:
            raise ConfigError("linker.hash_key must be at least 16 characters", reason="CONFIG_VALUE")

    def _validate_seal_keys(self) -> None:
        if self.seal_key and not is_seal_key_text(self.seal_key):
            raise ConfigError(f"linker.seal_key must be 64 hex characters (a 256-bit key); {SEAL_KEY_HINT}",
                              reason="CONFIG_VALUE")
        if self.seal_key and _same_key(self.seal_key, self.hash_key):
            raise ConfigError(f"linker.seal_key must differ from linker.hash_key; {SEAL_KEY_HINT}",
                              reason="CONFIG_VALUE")
        earlier = [self.seal_key] if self.seal_key else []
        for i, key in enumerate(self.previous_seal_keys):
            where = f"linker.previous_seal_keys[{i}]"
            if len(key) < 16:
                raise ConfigError(f"{where} must be 64 hex characters (or an older seal_key of at least 16 "
                                  "characters)", reason="CONFIG_VALUE")
            if _same_key(key, self.hash_key):
                raise ConfigError(f"{where} must differ from linker.hash_key", reason="CONFIG_VALUE")
            if any(_same_key(key, k) for k in earlier):
                raise ConfigError(f"{where} repeats linker.seal_key or an earlier previous key", reason="CONFIG_VALUE")
            earlier.append(key)


def _same_key(a: str, b: str) -> bool:
    """Two key settings naming one key (hex compared without regard to case)."""
    if _HEX.issuperset(a) and _HEX.issuperset(b):
        return a.lower() == b.lower()
    return a == b
