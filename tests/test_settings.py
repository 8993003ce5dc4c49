"""Typed settings builder: types, literals, nesting, tuples, validation hooks."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import pytest

from idverify.errors import ConfigError
from idverify.settings import build, to_mapping


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
