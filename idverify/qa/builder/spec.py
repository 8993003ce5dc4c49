"""A case to write: its folder, its case file's content and its files; and the writer."""

from __future__ import annotations

import shutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomli_w

__all__ = ["CaseSpec", "write_cases"]


@dataclass(frozen=True)
class CaseSpec:
    """One case folder: ``<suite>/<name>/case.toml`` plus its files (name -> bytes)."""

    suite: str
    name: str
    data: Mapping[str, Any]
    files: Mapping[str, bytes] = field(default_factory=dict)


def _clean(value: Any) -> Any:
    # TOML has no null: drop empty parts so case files stay short and readable
    if isinstance(value, Mapping):
        return {k: _clean(v) for k, v in value.items() if v is not None and v != {} and v != ()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


def write_cases(out: Path, specs: Iterable[CaseSpec]) -> list[Path]:
    """Write every case under ``out``, replacing the suites they belong to; return case folders.

    Each suite folder is emptied first, so a rebuild leaves no stale case behind.
    """
    specs = list(specs)
    out.mkdir(parents=True, exist_ok=True)
    for suite in sorted({s.suite for s in specs}):
        shutil.rmtree(out / suite, ignore_errors=True)
    written = []
    for spec in specs:
        folder = out / spec.suite / spec.name
        folder.mkdir(parents=True, exist_ok=False)
        for name, content in spec.files.items():
            (folder / name).write_bytes(content)
        (folder / "case.toml").write_text(tomli_w.dumps(_clean(dict(spec.data))), encoding="utf-8")
        written.append(folder)
    return written
