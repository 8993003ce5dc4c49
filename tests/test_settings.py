"""Typed settings builder: types, literals, nesting, tuples, validation hooks."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

import pytest

from idverify.errors import ConfigError
from idverify.settings import build, read_toml, to_mapping, unknown_key_message, write_toml


@dataclass(frozen=True)
class _Inner:
    ratio: float = 0.5

    def validate(self) -> None:
        if not 0 <= self.ratio <= 1:
            raise ConfigError("ratio must be in [0, 1]", reason="CONFIG_VALUE")


@dataclass(frozen=True)
class _Outer:
    mode: Literal["hog", "cnn"] = "hog"
    count: int = 1
    names: tuple[str, ...] = ()
    limit: float | None = None
    inner: _Inner = field(default_factory=_Inner)


def test_build_converts_and_nests():
    obj = build(_Outer, {"mode": "cnn", "count": 3, "names": ["a", "b"], "limit": 2, "inner": {"ratio": 1}})
    assert obj == _Outer(mode="cnn", count=3, names=("a", "b"), limit=2.0, inner=_Inner(ratio=1.0))
    assert to_mapping(obj)["inner"] == {"ratio": 1.0}


@pytest.mark.parametrize(
    "data",
    [
        {"mode": "gpu"},
        {"count": True},
        {"count": 1.5},
        {"names": "ab"},
        {"limit": "x"},
        {"inner": {"ratio": 2}},
        {"inner": {"ratio": float("nan")}},
        {"inner": 3},
        {"unknown": 1},
    ],
)
def test_build_rejects_bad_values(data):
    with pytest.raises(ConfigError):
        build(_Outer, data)


def test_write_toml_round_trips_any_string_atomically(tmp_path):
    path = tmp_path / "out.toml"
    path.write_text("old = 1\n")
    data = {"keys": [{"client": 'ops"team\\ \n\'x', "scopes": ["verify"]}]}
    write_toml(path, data, "test file", mode=0o600)
    assert read_toml(path, "test file") == data
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert [p.name for p in tmp_path.iterdir()] == ["out.toml"]  # no temporary file left behind


def test_write_toml_rejects_what_toml_cannot_hold(tmp_path):
    path = tmp_path / "out.toml"
    with pytest.raises(ConfigError) as info:
        write_toml(path, {"x": object()}, "test file")
    assert info.value.reason == "CONFIG_VALUE" and not path.exists()


@dataclass(frozen=True)
class _Entry:
    name: str
    tags: frozenset[Literal["a", "b"]] = frozenset()

    def validate(self) -> None:
        if not self.name:
            raise ConfigError("name must not be empty", reason="CONFIG_VALUE")


@dataclass(frozen=True)
class _File:
    version: str
    effects: Mapping[str, Literal["on", "off"]] = field(default_factory=dict)
    plain: dict[str, int] = field(default_factory=dict)
    entries: tuple[_Entry, ...] = ()


def test_build_takes_tables_as_mappings_and_lists_as_frozensets():
    obj = build(_File, {"version": "1", "effects": {"X": "on"}, "plain": {"n": 2},
                        "entries": [{"name": "e", "tags": ["a", "b", "a"]}]})
    assert obj.effects == {"X": "on"} and obj.plain == {"n": 2}
    assert obj.entries == (_Entry("e", frozenset({"a", "b"})),)
    with pytest.raises(TypeError):
        obj.effects["Y"] = "off"  # type: ignore[index]  # a Mapping field is read-only
    assert isinstance(obj.plain, dict)
    assert to_mapping(obj)["effects"] == {"X": "on"}


@pytest.mark.parametrize(
    ("data", "reason", "needle"),
    [
        ({}, "CONFIG_VALUE", "version is required"),
        ({"version": "1", "effects": ["X"]}, "CONFIG_TYPE", "effects must be a table"),
        ({"version": "1", "effects": {"X": "maybe"}}, "CONFIG_VALUE", "effects.X must be one of"),
        ({"version": "1", "plain": {"n": "2"}}, "CONFIG_TYPE", "plain.n must be a whole number"),
        ({"version": "1", "entries": [{"name": "e"}, {"name": ""}]}, "CONFIG_VALUE",
         "entries[1]: name must not be empty"),
        ({"version": "1", "entries": [{"name": "e", "tags": ["c"]}]}, "CONFIG_VALUE", "entries[0].tags[0]"),
        ({"version": "1", "entries": [{"nmae": "e"}]}, "CONFIG_UNKNOWN_KEY", "entries[0].nmae (did you mean 'name'?)"),
        ({"version": "1", "zzz": 1}, "CONFIG_UNKNOWN_KEY", "zzz (known: effects, entries, plain, version)"),
    ],
)
def test_build_names_the_dotted_field_with_the_config_reasons(data, reason, needle):
    with pytest.raises(ConfigError) as info:
        build(_File, data, source="test file t.toml")
    assert info.value.reason == reason
    assert needle in info.value.message
    assert info.value.message.startswith("test file t.toml: ")


def test_read_toml_reasons(tmp_path):
    with pytest.raises(ConfigError) as info:
        read_toml(tmp_path / "absent.toml", "test file")
    assert info.value.reason == "CONFIG_UNREADABLE" and "absent.toml" in info.value.message
    bad = tmp_path / "bad.toml"
    bad.write_text("x = \n")
    with pytest.raises(ConfigError) as info:
        read_toml(bad, "test file")
    assert info.value.reason == "CONFIG_SYNTAX"
    latin = tmp_path / "latin.toml"
    latin.write_bytes('x = "caf\xe9"\n'.encode("latin-1"))
    with pytest.raises(ConfigError) as info:
        read_toml(latin, "test file")
    assert info.value.reason == "CONFIG_SYNTAX" and "UTF-8" in info.value.message


def test_unknown_key_message_suggests_the_closest():
    assert unknown_key_message("decison", ["decision", "reasons"]) == "(did you mean 'decision'?)"
    assert unknown_key_message("zzz", ["b", "a"]) == "(known: a, b)"
