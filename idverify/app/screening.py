"""The screening use cases: screen a message, screen a profile or job post.

Checks what the screener cannot judge (a missing text, a text longer than
``[screening] max_text_chars``) and raises :class:`~idverify.errors.InvalidInput` with a
machine-readable reason; everything else is a result. Nothing here logs a word of the text.
The screener is the one in :class:`~idverify.app.dependencies.Dependencies`; left out (tests that
build their own), it is built from the configuration on first use, once.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

from idverify.app.dependencies import Dependencies
from idverify.errors import InvalidInput
from idverify.screening import Screener, ScreeningResult

__all__ = ["Screening"]


class Screening:
    """ScreenMessage and ScreenProfile over the dependencies' screener."""

    def __init__(self, deps: Dependencies) -> None:
        self._deps = deps
        self._lock = threading.Lock()

    @property
    def screener(self) -> Screener:
        """The shared screener (built from ``config.screening`` if the dependencies have none)."""
        if self._deps.screener is None:
            with self._lock:
                if self._deps.screener is None:
                    self._deps.screener = Screener.build(self._deps.config.screening)
        return self._deps.screener

    def _check_length(self, name: str, text: str) -> None:
        limit = self._deps.config.screening.max_text_chars
        if len(text) > limit:
            raise InvalidInput(f"{name} has {len(text)} characters; at most {limit} are screened",
                               reason="TEXT_TOO_LONG")

    def message(self, text: str, contract_exists: bool = False) -> ScreeningResult:
        """Screen one message; ``contract_exists`` applies the policy's contract overrides."""
        if not text.strip():
            raise InvalidInput("text is required", reason="TEXT_MISSING")
        self._check_length("text", text)
        return self.screener.screen_message(text, contract=contract_exists)

    def profile(self, title: str, description: str, skills: Sequence[str] = ()) -> ScreeningResult:
        """Screen one profile or job post (an empty title and description is refused)."""
        if not title.strip() and not description.strip():
            raise InvalidInput("a title or a description is required", reason="TEXT_MISSING")
        self._check_length("title", title)
        self._check_length("description", description)
        self._check_length("skills", ", ".join(skills))
        return self.screener.screen_profile(title, description, skills)
