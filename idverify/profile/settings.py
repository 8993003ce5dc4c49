"""Settings of profile matching: the name thresholds and weights (the ``[profile]`` table).

Defaults were measured on the labelled name-pair set in ``tests/data/name_pairs.csv``
(``python benchmarks/bench_profile.py`` sweeps the thresholds) and checked on the real pairs of
``../shared/names`` (``--shared``); see ``benchmarks/RESULTS.md``.
"""

from __future__ import annotations

from dataclasses import dataclass

from idverify.errors import ConfigError

__all__ = ["ProfileSettings"]


@dataclass(frozen=True)
class ProfileSettings:
    """How declared names are scored against document names (scores are 0-100)."""

    #: Lowest name score (0-100) that can be MATCH, when the structural rules hold too (surname
    #: and first given name matched, nothing declared that the document lacks, given names in
    #: order).
    name_match_score: float = 80.0
    #: Lowest name score (0-100) for PARTIAL; below it the name is NO_MATCH.
    name_partial_score: float = 50.0
    #: Weight of a middle given name relative to the surname and first given name (1.0).
    middle_name_weight: float = 0.5
    #: Weight of a document token the declared name leaves out (a middle name, a second
    #: surname), as a fraction of that token's weight: small, since users often omit them.
    missing_token_factor: float = 0.3
    #: Weight of a declared token the document lacks (0 when the document name is truncated).
    extra_token_weight: float = 0.5
    #: Shortest token (characters) on which one typing or OCR edit is tolerated.
    fuzzy_min_length: int = 4
    #: Shortest token (characters) on which two edits are tolerated.
    fuzzy_two_edit_length: int = 9

    def validate(self) -> None:
        """Raise :class:`ConfigError` for values out of range."""
        if not 0 <= self.name_partial_score <= self.name_match_score <= 100:
            raise ConfigError(
                "profile.name_partial_score <= profile.name_match_score must lie in 0-100",
                reason="CONFIG_VALUE",
            )
        for name in ("middle_name_weight", "missing_token_factor", "extra_token_weight"):
            if not 0 <= getattr(self, name) <= 1:
                raise ConfigError(f"profile.{name} must lie in 0-1", reason="CONFIG_VALUE")
        if not 1 <= self.fuzzy_min_length <= self.fuzzy_two_edit_length:
            raise ConfigError(
                "profile.fuzzy_min_length must be >= 1 and <= profile.fuzzy_two_edit_length",
                reason="CONFIG_VALUE",
            )
