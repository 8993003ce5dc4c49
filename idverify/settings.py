"""Build frozen, typed settings objects from plain mappings (TOML tables, flags, environment).

Every subsystem declares its settings as a frozen dataclass with documented defaults, and may add
a ``validate(self)`` method that raises :class:`ConfigError` for values out of range. This module
turns a mapping into such an object, checking names and types once, at start-up, so that the rest
of the code receives only valid, immutable settings (house rule 3). :func:`build` is pure; the
only I/O is :func:`read_toml` and :func:`write_toml`, the one way TOML files are read and written.
"""

from __future__ import annotations

import contextlib
import dataclasses
import difflib
import os
import tempfile
import tomllib
import types
import typing
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Literal, TypeVar, get_args, get_origin, get_type_hints

import tomli_w

from idverify.errors import ConfigError

__all__ = ["build", "read_toml", "to_mapping", "unknown_key_message", "write_toml"]

T = TypeVar("T")


def build(cls: type[T], data: Mapping[str, Any] | None, where: str = "", *, source: str = "") -> T:
    """Return ``cls(**data)`` with every value checked against the field's annotation.

    Unknown keys (with a "did you mean" when one is close), missing required fields, wrong types
    and values outside a ``Literal`` raise :class:`ConfigError` naming the dotted path
    (``where``), with the reasons CONFIG_UNKNOWN_KEY, CONFIG_VALUE and CONFIG_TYPE. Nested
    dataclass fields take nested mappings, ``tuple[X, ...]`` and ``frozenset[X]`` take lists,
    ``Mapping[str, X]`` and ``dict[str, X]`` take tables. Calls ``validate()`` on each object
    built (nested ones too). ``source`` (e.g. ``"policy file p.toml"``) prefixes every message,
    so an error names the file as well as the field.
    """
    if not source:
        return _build(cls, data, where)
    try:
        return _build(cls, data, where)
    except ConfigError as exc:
        raise ConfigError(f"{source}: {exc.message}", reason=exc.reason) from exc


def unknown_key_message(key: str, known: Iterable[str]) -> str:
    """``(did you mean 'x'?)`` for the closest of ``known`` to ``key``, else ``(known: a, b)``."""
    known = sorted(known)
    hint = difflib.get_close_matches(str(key), known, n=1)
    return f"(did you mean {hint[0]!r}?)" if hint else f"(known: {', '.join(known)})"


def _build(cls: type[T], data: Mapping[str, Any] | None, where: str) -> T:
    data = dict(data or {})
    hints = get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise ConfigError(
            "unknown setting(s) "
            + ", ".join(f"{_path(where, k)} {unknown_key_message(k, fields)}" for k in unknown),
            reason="CONFIG_UNKNOWN_KEY",
        )
    missing = [name for name, f in fields.items() if name not in data and f.init and _required(f)]
    if missing:
        raise ConfigError(
            f"{', '.join(_path(where, k) for k in missing)} {'is' if len(missing) == 1 else 'are'} required",
            reason="CONFIG_VALUE",
        )
    values = {name: _coerce(hints[name], value, _path(where, name)) for name, value in data.items()}
    obj = cls(**values)
    validate = getattr(obj, "validate", None)
    if callable(validate):
        try:
            validate()
        except ConfigError as exc:
            # Top-level settings name their own table ("server.port ..."); an object inside a
            # list cannot know its index, so the path is added here when the message lacks it.
            if where and not exc.message.startswith(where):
                raise ConfigError(f"{where}: {exc.message}", reason=exc.reason) from exc
            raise
    return obj


def _required(f: dataclasses.Field[Any]) -> bool:
    return f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING


def read_toml(path: str | Path, what: str) -> dict[str, Any]:
    """A TOML file's tables; ConfigError (CONFIG_UNREADABLE, CONFIG_SYNTAX) names ``what`` and the path."""
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except OSError as exc:
        raise ConfigError(f"cannot read {what} {path}: {exc.strerror}", reason="CONFIG_UNREADABLE") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{what} {path} is not valid TOML: {exc}", reason="CONFIG_SYNTAX") from exc
    except UnicodeDecodeError as exc:
        # TOML is UTF-8 by definition; tomllib lets the decoder's error through.
        raise ConfigError(f"{what} {path} is not UTF-8 text", reason="CONFIG_SYNTAX") from exc


def write_toml(path: str | Path, data: Mapping[str, Any], what: str, *, mode: int = 0o600) -> None:
    """Write ``data`` as TOML to ``path``, replacing the file atomically; the file gets ``mode``.

    Written by tomli-w, never by hand, so any string (quotes, backslashes, newlines) round-trips.
    The text goes to a temporary file in the same folder, then ``os.replace`` swaps it in, so a
    reader sees the old file or the new one, never half of one. ConfigError (CONFIG_VALUE) when
    ``data`` holds a value TOML cannot represent.
    """
    path = Path(path)
    try:
        text = tomli_w.dumps(dict(data))
    except TypeError as exc:
        raise ConfigError(f"cannot write {what} {path}: {exc}", reason="CONFIG_VALUE") from exc
    # mkstemp creates the file 0600 already, so a secret is never readable by others, even briefly.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def to_mapping(obj: Any) -> dict[str, Any]:
    """The settings object as plain nested dicts (for ``idverify config show``)."""
    return _plain(obj)


def _plain(value: Any) -> Any:
    # Not dataclasses.asdict: it deep-copies what it does not know, and a read-only
    # MappingProxyType (a Mapping field) cannot be copied.
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (tuple, list)):
        return type(value)(_plain(v) for v in value)
    return value


def _path(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def _coerce(hint: Any, value: Any, where: str) -> Any:
    origin = get_origin(hint)
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        if isinstance(value, hint):
            return value
        if not isinstance(value, Mapping):
            raise ConfigError(f"{where} must be a table", reason="CONFIG_TYPE")
        return build(hint, value, where)
    if origin is Literal:
        allowed = get_args(hint)
        if value not in allowed:
            raise ConfigError(
                f"{where} must be one of {', '.join(map(repr, allowed))}, not {value!r}",
                reason="CONFIG_VALUE",
            )
        return value
    if origin in (typing.Union, types.UnionType):
        args = get_args(hint)
        if value is None and type(None) in args:
            return None
        errors = []
        for arg in args:
            if arg is type(None):
                continue
            try:
                return _coerce(arg, value, where)
            except ConfigError as exc:
                errors.append(exc.message)
        raise ConfigError("; ".join(errors), reason="CONFIG_TYPE")
    if origin in (dict, Mapping):
        if not isinstance(value, Mapping):
            raise ConfigError(f"{where} must be a table", reason="CONFIG_TYPE")
        key_hint, item = (get_args(hint) + (Any, Any))[:2]
        out = {}
        for k, v in value.items():
            _coerce(key_hint, k, f"{where} key {k!r}")
            out[k] = _coerce(item, v, _path(where, str(k)))
        # A frozen settings object must not hand out a mutable table under a Mapping annotation.
        return out if origin is dict else types.MappingProxyType(out)
    if origin in (set, frozenset):
        if not isinstance(value, (list, tuple, set, frozenset)):
            raise ConfigError(f"{where} must be a list", reason="CONFIG_TYPE")
        (item,) = get_args(hint) or (Any,)
        return frozenset(_coerce(item, v, f"{where}[{i}]") for i, v in enumerate(value))
    if origin in (tuple, list):
        if not isinstance(value, (list, tuple)):
            raise ConfigError(f"{where} must be a list", reason="CONFIG_TYPE")
        args = [a for a in get_args(hint) if a is not Ellipsis]
        item = args[0] if args else Any
        return tuple(_coerce(item, v, f"{where}[{i}]") for i, v in enumerate(value))
    if hint is Any:
        return value
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"{where} must be a number, not {value!r}", reason="CONFIG_TYPE")
        if value != value or value in (float("inf"), float("-inf")):
            raise ConfigError(f"{where} must be finite", reason="CONFIG_VALUE")
        return float(value)
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{where} must be a whole number, not {value!r}", reason="CONFIG_TYPE")
        return value
    if hint is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{where} must be true or false, not {value!r}", reason="CONFIG_TYPE")
        return value
    if hint is str:
        if not isinstance(value, str):
            raise ConfigError(f"{where} must be a string, not {value!r}", reason="CONFIG_TYPE")
        return value
    if isinstance(hint, type) and isinstance(value, hint):
        return value
    raise ConfigError(f"{where}: unsupported value {value!r}", reason="CONFIG_TYPE")
