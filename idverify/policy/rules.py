"""The decision policy file: what each reason code does to the decision.

The policy is a TOML file (``default_policy.toml`` ships with the package and documents every
code). It is read once at start-up by :func:`load_policy`, validated, and turned into a frozen
:class:`Policy` that :func:`idverify.policy.decide` applies. Unknown keys, effects other than
``approve`` / ``review`` / ``reject`` and malformed codes raise :class:`ConfigError` naming the
key. :func:`parse_policy` is the pure part (a mapping in, a policy out).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

from idverify.errors import ConfigError

__all__ = ["DEFAULT_POLICY", "EFFECT_SEVERITY", "Effect", "Policy", "PolicySettings", "load_policy", "parse_policy"]

#: What a reason does to the decision.
Effect = Literal["approve", "review", "reject"]
#: Effects from least to most severe.
EFFECT_SEVERITY: Mapping[str, int] = MappingProxyType({"approve": 0, "review": 1, "reject": 2})
#: The packaged default policy's resource name inside ``idverify.policy``.
DEFAULT_POLICY = "default_policy.toml"

_CODE = re.compile(r"[A-Z][A-Z0-9_]*")
_TOP_LEVEL = {"version", "default_effect", "effects"}


@dataclass(frozen=True)
class PolicySettings:
    """Where the decision policy comes from (the ``[policy]`` configuration table)."""

    #: Path of a policy TOML file; empty means the packaged ``default_policy.toml``.
    path: str = ""


@dataclass(frozen=True)
class Policy:
    """A validated decision policy: a version and the effect of each reason code."""

    version: str
    default_effect: Effect
    effects: Mapping[str, Effect] = field(default_factory=lambda: MappingProxyType({}))

    def effect_of(self, code: str) -> Effect:
        """The effect of ``code``: its own, or the default effect when the policy does not name it."""
        return self.effects.get(code, self.default_effect)


def parse_policy(data: Mapping[str, Any], source: str = "the policy") -> Policy:
    """Validate a policy mapping (a parsed TOML document) into a :class:`Policy`.

    Raises :class:`ConfigError` naming the key (``effects.FACE_MISMATCH``) and ``source`` for
    unknown keys, a missing or empty ``version``, effects other than approve/review/reject and
    codes that are not UPPER_SNAKE.
    """
    where = f" in {source}"
    unknown = sorted(set(data) - _TOP_LEVEL)
    if unknown:
        raise ConfigError(
            f"unknown key(s) {', '.join(unknown)}{where}; known: {', '.join(sorted(_TOP_LEVEL))}",
            reason="CONFIG_UNKNOWN_KEY",
        )
    version = data.get("version")
    if not isinstance(version, str) or not version.strip():
        raise ConfigError(f"version must be a non-empty string{where}", reason="CONFIG_VALUE")
    default_effect = _effect(data.get("default_effect", "review"), "default_effect", where)
    table = data.get("effects", {})
    if not isinstance(table, Mapping):
        raise ConfigError(f"effects must be a table{where}", reason="CONFIG_TYPE")
    effects: dict[str, Effect] = {}
    for code, value in table.items():
        if not isinstance(code, str) or not _CODE.fullmatch(code):
            raise ConfigError(f"effects.{code} is not an UPPER_SNAKE reason code{where}", reason="CONFIG_VALUE")
        effects[code] = _effect(value, f"effects.{code}", where)
    return Policy(version.strip(), default_effect, MappingProxyType(effects))


def load_policy(path: str | Path | None = None) -> Policy:
    """Read and validate the policy at ``path``, or the packaged default when empty or ``None``.

    Call once at start-up. Raises :class:`ConfigError` when the file cannot be read, is not
    TOML, or does not validate (see :func:`parse_policy`).
    """
    if path:
        where = str(path)
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"cannot read policy file {where}: {exc.strerror}", reason="CONFIG_UNREADABLE") from exc
        except UnicodeDecodeError as exc:
            raise ConfigError(f"policy file {where} is not UTF-8", reason="CONFIG_SYNTAX") from exc
    else:
        where = DEFAULT_POLICY
        text = resources.files("idverify.policy").joinpath(DEFAULT_POLICY).read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"policy file {where} is not valid TOML: {exc}", reason="CONFIG_SYNTAX") from exc
    return parse_policy(data, f"policy file {where}")


def _effect(value: Any, key: str, where: str) -> Effect:
    if not isinstance(value, str) or value not in EFFECT_SEVERITY:
        raise ConfigError(
            f"{key} must be one of 'approve', 'review', 'reject', not {value!r}{where}", reason="CONFIG_VALUE"
        )
    return value
