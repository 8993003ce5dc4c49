"""Fixtures shared by every test module: ../shared, and a real server on port 0."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import grpc
import pytest
from hypothesis import settings as hypothesis_settings

from idverify.config import Config, ServerSettings, StoreSettings
from idverify.app.dependencies import Dependencies
from inprocess import serve, stop_serving

# The machine is shared and noisy: no property test may fail on wall-clock time, and CI runs the
# same examples every time (a red CI run must be reproducible, not a draw).
hypothesis_settings.register_profile("shared-machine", deadline=None,
                                     derandomize=os.environ.get("CI", "").lower() in ("1", "true", "yes"))
hypothesis_settings.load_profile("shared-machine")

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED = REPO_ROOT.parent / "shared"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """``../shared`` beside the checkout; tests needing it skip with a clear message when absent."""
    if not (SHARED / "faces" / "pairs.csv").is_file():
        pytest.skip(f"../shared is absent ({SHARED}): real faces and documents are not available here")
    return SHARED


@pytest.fixture
def start_server(tmp_path: Path) -> Iterator[Callable[..., tuple[grpc.Channel, int]]]:
    """Start a real server on 127.0.0.1:0 with the given dependencies; yields a starter.

    ``start(deps=None, **server_settings)`` returns ``(channel, port)``; everything is stopped
    and closed at the end of the test.
    """
    started: list = []

    def start(deps: Dependencies | None = None, **server_settings) -> tuple[grpc.Channel, int]:
        config = deps.config if deps is not None else Config(
            server=ServerSettings(port=0, **server_settings),
            store=StoreSettings(url=str(tmp_path / "store.sqlite3")),
        )
        if deps is None:
            deps = Dependencies(config=config)
        running, channel, port = serve(deps)
        started.append((running, channel, deps))
        return channel, port

    yield start
    for running, channel, deps in started:
        stop_serving(running, channel, deps)
