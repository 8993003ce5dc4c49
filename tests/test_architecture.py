"""The layers contract in pyproject.toml: it holds, it breaks on an upward import, and it names
every package, so a new one has to be given a place in the architecture."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=root, env=env, capture_output=True, text=True,
                          timeout=300)


def _layers() -> list[str]:
    config = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    (contract,) = [c for c in config["contracts"] if c["id"] == "layers"]
    return contract["layers"]


def test_the_layers_contract_holds():
    result = _lint(REPO_ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


@pytest.mark.parametrize("module, upward", [
    ("idverify/faces/decide.py", "idverify.server.app"),      # an engine reaching the transport
    ("linker/engine.py", "idverify.cli.import_accounts"),     # the linker reaching the CLI
    ("idverify/errors.py", "idverify.config"),                # plumbing reaching the configuration
])
def test_an_upward_import_breaks_the_contract(tmp_path, module, upward):
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for package in ("idverify", "linker"):
        shutil.copytree(REPO_ROOT / package, tmp_path / package, ignore=ignore)
    shutil.copy(REPO_ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    target = tmp_path / module
    target.write_text(target.read_text() + f"\n\nimport {upward}  # deliberate: must break the contract\n")
    result = _lint(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    importer = module.removesuffix(".py").replace("/", ".")
    assert f"{importer} -> {upward}" in result.stdout
    assert "0 kept, 1 broken" in result.stdout


def test_every_package_has_a_layer():
    named = {name.strip() for layer in _layers() for name in layer.replace("|", ":").split(":")}
    found = set()
    for package in ("idverify", "linker"):
        for path in (REPO_ROOT / package).iterdir():
            if path.name.startswith(("_", ".")):
                continue
            if path.is_dir() and (path / "__init__.py").is_file():
                found.add(f"{package}.{path.name}")
            elif path.suffix == ".py":
                found.add(f"{package}.{path.stem}")
    assert found - named == set(), "give these a layer in pyproject.toml [tool.importlinter]"
    assert named - found == set(), "these layers name no package"
