"""Typed settings builder: types, literals, nesting, tuples, validation hooks."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import pytest

from idverify.errors import ConfigError
from idverify.settings import build, read_toml, to_mapping, write_toml


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
