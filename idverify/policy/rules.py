"""The decision policy file: what each reason code does to the decision.

The policy is a TOML file (``default_policy.toml`` ships with the package and documents every
code). It is read once at start-up by :func:`load_policy`, validated by :func:`idverify.settings.build` (the
one path every TOML input takes, with the same CONFIG_* reasons) into a frozen :class:`Policy`
that :func:`idverify.policy.decide` applies. Unknown keys, effects other than ``approve`` /
``review`` / ``reject`` and malformed codes raise :class:`ConfigError` naming the file and the
key. :func:`parse_policy` is the pure part (a mapping in, a policy out).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

from idverify.errors import ConfigError
from idverify.settings import build, read_toml

__all__ = ["DEFAULT_POLICY", "EFFECT_SEVERITY", "Effect", "Policy", "PolicySettings", "load_policy", "parse_policy"]

#: What a reason does to the decision.
Effect = Literal["approve", "review", "reject"]
#: Effects from least to most severe.
EFFECT_SEVERITY: Mapping[str, int] = MappingProxyType({"approve": 0, "review": 1, "reject": 2})
#: The packaged default policy's resource name inside ``idverify.policy``.
DEFAULT_POLICY = "default_policy.toml"

_CODE = re.compile(r"[A-Z][A-Z0-9_]*")


@dataclass(frozen=True)
class PolicySettings:
    """Where the decision policy comes from (the ``[policy]`` configuration table)."""

    #: Path of a policy TOML file; empty means the packaged ``default_policy.toml``.
    path: str = ""


@dataclass(frozen=True)
class Policy:
    """A validated decision policy: a version and the effect of each reason code.

    Also the policy file's schema: :func:`parse_policy` builds it with
    :func:`idverify.settings.build`, which checks keys, types and effects; :meth:`validate`
    adds the rules a type cannot say.
    """

    version: str
    default_effect: Effect = "review"
    effects: Mapping[str, Effect] = field(default_factory=lambda: MappingProxyType({}))

    def effect_of(self, code: str) -> Effect:
        """The effect of ``code``: its own, or the default effect when the policy does not name it."""
        return self.effects.get(code, self.default_effect)

    def rule_of(self, code: str) -> str:
        """The rule that sets ``code``'s effect, as written in the policy file."""
        if code in self.effects:
            return f"effects.{code} = {self.effects[code]}"
        return f"default_effect = {self.default_effect}"

    def validate(self) -> None:
        """Raise ConfigError (CONFIG_VALUE) for an empty version or a code that is not UPPER_SNAKE."""
        if not self.version.strip():
            raise ConfigError("version must be a non-empty string", reason="CONFIG_VALUE")
        for code in self.effects:
            if not _CODE.fullmatch(code):
                raise ConfigError(f"effects.{code} is not an UPPER_SNAKE reason code", reason="CONFIG_VALUE")


def parse_policy(data: Mapping[str, Any], source: str = "the policy") -> Policy:
    """Validate a policy mapping (a parsed TOML document) into a :class:`Policy`.

    Raises :class:`ConfigError` naming ``source`` and the key (``effects.FACE_MISMATCH``) for
    unknown keys (CONFIG_UNKNOWN_KEY), a table or string of the wrong type (CONFIG_TYPE), a
    missing or empty ``version``, effects other than approve/review/reject and codes that are
    not UPPER_SNAKE (CONFIG_VALUE).
    """
    policy = build(Policy, data, source=source)
    return replace(policy, version=policy.version.strip())


def load_policy(path: str | Path | None = None) -> Policy:
    """Read and validate the policy at ``path``, or the packaged default when empty or ``None``.

    Call once at start-up. Raises :class:`ConfigError` when the file cannot be read
    (CONFIG_UNREADABLE), is not TOML (CONFIG_SYNTAX), or does not validate (see
    :func:`parse_policy`).
    """
    if path:
        return parse_policy(read_toml(path, "policy file"), f"policy file {path}")
    with resources.as_file(resources.files("idverify.policy").joinpath(DEFAULT_POLICY)) as packaged:
        return parse_policy(read_toml(packaged, "policy file"), f"policy file {DEFAULT_POLICY}")
