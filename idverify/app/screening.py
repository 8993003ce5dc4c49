"""The screening use cases: screen a message, screen a profile or job post.

Checks what the screener cannot judge (a missing text, a text longer than
``[screening] max_text_chars``) and raises :class:`~idverify.errors.InvalidInput` with a
machine-readable reason; everything else is a result. Nothing here logs a word of the text.
The screener is the one in :class:`~idverify.app.dependencies.Dependencies`; left out (tests that
build their own), it is built from the configuration on first use, once.

Linking (issue 18, item 3) happens here, where screening meets the linker, so that neither
engine knows the other: :meth:`Screening.screen_message` turns the contact and payment
details found in a registered sender's message into the sender's posted-detail signals
(:meth:`~linker.engine.Linker.post_details`, keyed hashes only), and
:meth:`Screening.screen_profile` keeps the description's MinHash fingerprint as the account's
weak text signal and reports a near-duplicate of another account's as a DUPLICATE_TEXT
finding. ``[screening] link_posted_details`` and ``link_profile_text`` turn either off; a
request's ``dry_run`` screens without recording. Linking never costs the caller the screening:
when the linker fails (its store unavailable, a seal key missing, a corrupt row), the decision
is returned as if nothing had been linked (``linked_details`` 0, no text link, no
DUPLICATE_TEXT finding), and the failure is logged (reason only) and counted in
``idverify_screening_link_failures``. A text is judged against other accounts' only: without an
``account_id`` nobody's text can be told from the caller's own, so no DUPLICATE_TEXT is reported.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass

from idverify.app.dependencies import Dependencies
from idverify.errors import DataLoss, IdverifyError, InvalidInput, Unavailable
from idverify.screening import Finding, Screener, ScreeningResult
from linker.signals import PostedSignal

__all__ = ["Screened", "Screening"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Screened:
    """A screening and what it added to linking."""

    result: ScreeningResult
    #: Contact and payment details of the message that are now the sender's linking signals.
    linked_details: int = 0
    #: The description's fingerprint is now the account's linking signal.
    text_linked: bool = False


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

    # --- with linking ----------------------------------------------------------------------

    def screen_message(self, text: str, contract_exists: bool = False, *, sender_account_id: str = "",
                       recipient_account_id: str = "", kind: str = "", dry_run: bool = False) -> Screened:
        """Screen a message and, unless ``dry_run`` or linking is off, keep its contact and
        payment details as the registered sender's linking signals (``kind``: the message kind,
        their provenance); the recipient's own details quoted back to it are left out."""
        result = self.message(text, contract_exists)
        linker = self._deps.linker
        if dry_run or linker is None or not sender_account_id or not self._deps.config.screening.link_posted_details:
            return Screened(result)
        now = time.time()
        per_finding: list[list[PostedSignal]] = []
        for f in result.findings:
            if f.confidence < self.screener.policy.min_confidence:
                continue
            try:
                keys = linker.hasher.prepare_posted(f.category, f.value, kind, now)
            except InvalidInput:
                continue  # a value the linker cannot normalise (never logged)
            if keys:
                per_finding.append(keys)
        if not per_finding:
            return Screened(result)
        try:
            kept = linker.post_details(sender_account_id, [k for keys in per_finding for k in keys], now,
                                       recipient_account_id)
        except (Unavailable, DataLoss) as exc:
            self._link_failed("posted_details", exc)
            return Screened(result)
        if not kept:
            return Screened(result)
        # One value found twice in a message (or two findings normalising to one) counts once.
        kept_keys = {(k.key_type, k.digest) for k in kept}
        linked = {min((k.key_type, k.digest) for k in keys if (k.key_type, k.digest) in kept_keys)
                  for keys in per_finding if any((k.key_type, k.digest) in kept_keys for k in keys)}
        return Screened(result, linked_details=len(linked))

    def _link_failed(self, what: str, exc: IdverifyError) -> None:
        """Log and count a linker failure that the screening result survives (no text, no ids)."""
        log.warning("screening: linking %s failed, the screening is returned without it: %s [%s]",
                    what, type(exc).__name__, exc.reason)
        self._deps.metrics.screening_link_failures.labels(what, exc.reason).inc()

    def screen_profile(self, title: str, description: str, skills: Sequence[str] = (), *,
                       account_id: str = "", dry_run: bool = False) -> Screened:
        """Screen a profile or job post; with the linker and ``link_profile_text`` on, a
        description that nearly repeats another account's is a DUPLICATE_TEXT finding, and
        unless ``dry_run`` its fingerprint becomes the registered account's text signal."""
        result = self.profile(title, description, skills)
        linker = self._deps.linker
        settings = self._deps.config.screening
        if linker is None or not settings.link_profile_text:
            return Screened(result)
        signature = linker.fingerprint_text(description)
        if signature is None:
            return Screened(result)
        try:
            # Only another account's text is a duplicate: without an account the caller's own
            # stored text cannot be told apart, so nothing is compared.
            matches = [j for _, j in linker.text_matches(account_id, signature)
                       if j >= settings.duplicate_text_similarity] if account_id else []
            linked = bool(account_id) and not dry_run and linker.add_text(account_id, signature)
        except (Unavailable, DataLoss) as exc:
            self._link_failed("profile_text", exc)
            return Screened(result)
        if matches:
            duplicate = Finding("DUPLICATE_TEXT", 0, len(description), "", (), round(matches[0], 3), "description",
                                detail=f"jaccard={matches[0]:.2f}")
            result = self.screener.with_findings(result, [duplicate])
        return Screened(result, text_linked=linked)
