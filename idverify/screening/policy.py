"""The screening policy: what each category does to the decision (ALLOW / WARN / BLOCK).

A TOML file (``default_policy.toml`` ships with the package and documents every key), read once
at start-up by :func:`load_screening_policy` and validated by :func:`idverify.settings.build`
(the path every TOML input takes, with the same CONFIG_* reasons). :func:`decide` is pure.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Literal

from idverify.errors import ConfigError
from idverify.screening.findings import CATEGORIES, Finding
from idverify.settings import build, read_toml

__all__ = ["DEFAULT_SCREENING_POLICY", "Decision", "Effect", "Reason", "ScreeningPolicy", "decide",
           "load_screening_policy", "parse_screening_policy"]

Effect = Literal["allow", "warn", "block"]
#: The decision: the most severe effect, upper-case as the API spells it.
Decision = Literal["ALLOW", "WARN", "BLOCK"]
_SEVERITY = {"allow": 0, "warn": 1, "block": 2}
DEFAULT_SCREENING_POLICY = "default_policy.toml"


@dataclass(frozen=True)
class ScreeningPolicy:
    """A validated screening policy; also the policy file's schema."""

    version: str
    default_effect: Effect = "warn"
    #: Findings below this confidence (0 to 1) do not change the decision.
    min_confidence: float = 0.6
    effects: Mapping[str, Effect] = field(default_factory=lambda: MappingProxyType({}))
    #: Overrides for messages between parties with a contract.
    contract_effects: Mapping[str, Effect] = field(default_factory=lambda: MappingProxyType({}))

    def effect_of(self, category: str, contract: bool = False) -> tuple[Effect, str]:
        """The effect of ``category`` and the rule that set it, as written in the file."""
        if contract and category in self.contract_effects:
            return self.contract_effects[category], f"contract_effects.{category} = {self.contract_effects[category]}"
        if category in self.effects:
            return self.effects[category], f"effects.{category} = {self.effects[category]}"
        return self.default_effect, f"default_effect = {self.default_effect}"

    def validate(self) -> None:
        """Raise ConfigError (CONFIG_VALUE) for an empty version, an unknown category or a
        confidence outside [0, 1]."""
        if not self.version.strip():
            raise ConfigError("version must be a non-empty string", reason="CONFIG_VALUE")
        if not 0.0 <= self.min_confidence <= 1.0:
            raise ConfigError("min_confidence must be between 0 and 1", reason="CONFIG_VALUE")
        for table, mapping in (("effects", self.effects), ("contract_effects", self.contract_effects)):
            for category in mapping:
                if category not in CATEGORIES:
                    raise ConfigError(f"{table}.{category} is not a screening category (known: "
                                      f"{', '.join(CATEGORIES)})", reason="CONFIG_VALUE")


@dataclass(frozen=True)
class Reason:
    """Why the decision is what it is: one category's effect and the rule behind it."""

    category: str
    effect: Effect
    rule: str


def parse_screening_policy(data: Mapping, source: str = "the screening policy") -> ScreeningPolicy:
    """Validate a parsed TOML mapping into a :class:`ScreeningPolicy` (ConfigError names the key)."""
    return build(ScreeningPolicy, data, source=source)


def load_screening_policy(path: str | Path | None = None) -> ScreeningPolicy:
    """Read and validate the policy at ``path``, or the packaged default when empty or None."""
    if path:
        return parse_screening_policy(read_toml(path, "screening policy file"), f"screening policy file {path}")
    packaged = resources.files("idverify.screening").joinpath(DEFAULT_SCREENING_POLICY)
    with resources.as_file(packaged) as file:
        return parse_screening_policy(read_toml(file, "screening policy file"),
                                      f"screening policy file {DEFAULT_SCREENING_POLICY}")


def decide(policy: ScreeningPolicy, findings: Iterable[Finding],
           contract: bool = False) -> tuple[Decision, list[Reason]]:
    """The decision over ``findings`` and one reason per category that counted, most severe first."""
    reasons: dict[str, Reason] = {}
    for f in findings:
        if f.confidence < policy.min_confidence or f.category in reasons:
            continue
        effect, rule = policy.effect_of(f.category, contract)
        reasons[f.category] = Reason(f.category, effect, rule)
    ordered = sorted(reasons.values(), key=lambda r: (-_SEVERITY[r.effect], CATEGORIES.index(r.category)))
    worst = ordered[0].effect if ordered else "allow"
    return worst.upper(), ordered  # type: ignore[return-value]
