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
import os
import tempfile
import tomllib
import types
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal, TypeVar, get_args, get_origin, get_type_hints

import tomli_w

from idverify.errors import ConfigError

__all__ = ["build", "read_toml", "to_mapping", "write_toml"]

T = TypeVar("T")


def build(cls: type[T], data: Mapping[str, Any] | None, where: str = "") -> T:
    """Return ``cls(**data)`` with every value checked against the field's annotation.

    Unknown keys, wrong types and values outside a ``Literal`` raise :class:`ConfigError` naming
    the dotted path (``where``). Nested dataclass fields take nested mappings. Calls
    ``validate()`` on the result when the class defines it.
    """
    data = dict(data or {})
    hints = get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise ConfigError(
            f"unknown setting(s) {', '.join(_path(where, k) for k in unknown)}; "
            f"known: {', '.join(sorted(fields))}",
            reason="CONFIG_UNKNOWN_KEY",
        )
    values = {name: _coerce(hints[name], value, _path(where, name)) for name, value in data.items()}
    obj = cls(**values)
    validate = getattr(obj, "validate", None)
    if callable(validate):
        validate()
    return obj


def read_toml(path: str | Path, what: str) -> dict[str, Any]:
    """A TOML file's tables; ConfigError (CONFIG_UNREADABLE, CONFIG_SYNTAX) names ``what`` and the path."""
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except OSError as exc:
        raise ConfigError(f"cannot read {what} {path}: {exc.strerror}", reason="CONFIG_UNREADABLE") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{what} {path} is not valid TOML: {exc}", reason="CONFIG_SYNTAX") from exc


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
    return dataclasses.asdict(obj)


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
