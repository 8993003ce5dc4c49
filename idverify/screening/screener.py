"""The screener: every detector over the views of a text, then the policy's decision.

    text ─► fold (NFKC, homoglyphs) ─┬─► at/dot view ─► e-mail, URL
                                      ├─► folded view ─► phone (matcher), IBAN, card, crypto
                                      └─► words view  ─► spelled/spaced phone, IBAN and card,
                                                          handles, payment services, intent, abuse
         findings (deduplicated) ─► policy.decide ─► ALLOW / WARN / BLOCK, redacted text

:class:`Screener` is built once (:meth:`Screener.build` loads the homoglyph table, the word
lists and the public suffix list from the installed packages) and is then pure and thread-safe:
``screen_message`` and ``screen_profile`` do no I/O and log nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from idverify.screening import abuse, contacts, content, intent, payments
from idverify.screening.findings import Finding, redact
from idverify.screening.normalize import at_dot_view, dot_view, fold, words_view
from idverify.screening.policy import Decision, Reason, ScreeningPolicy, decide, load_screening_policy
from idverify.screening.settings import ScreeningSettings

__all__ = ["Screener", "ScreeningResult"]

#: When two findings overlap, the more specific one stays (a card number is not also a phone).
_PRECEDENCE = ("CARD_NUMBER", "BANK_ACCOUNT", "CRYPTO_ADDRESS", "EMAIL", "PHONE", "URL")
_RANK = {c: i for i, c in enumerate(_PRECEDENCE)}


@dataclass(frozen=True)
class ScreeningResult:
    """The findings in a text (or each field of a profile), the decision and the redacted text."""

    findings: tuple[Finding, ...]
    decision: Decision
    reasons: tuple[Reason, ...]
    #: Field name to its text with every finding replaced by ``[CATEGORY]``.
    redacted: Mapping[str, str]
    policy_version: str


class Screener:
    """Screens messages, profiles and job posts (see the module docstring)."""

    def __init__(self, settings: ScreeningSettings, policy: ScreeningPolicy, homoglyphs: Mapping[int, str],
                 profane_words: Iterable[str], known_word: Callable[[str], bool],
                 public_suffix: Callable[[str], str]) -> None:
        self.settings = settings
        self.policy = policy
        self._homoglyphs = homoglyphs
        self._profane = abuse.ProfanityList(profane_words)
        self._known = lru_cache(maxsize=65536)(known_word)
        self._suffix = lru_cache(maxsize=65536)(public_suffix)

    @classmethod
    def build(cls, settings: ScreeningSettings | None = None) -> Screener:
        """Load the policy and the data the detectors need from the installed packages (about a
        second, once, at start-up; nothing is downloaded)."""
        from idverify.screening.resources import known_word_list, load_profane_words, public_suffix_function
        from idverify.screening.homoglyphs import load_homoglyphs

        settings = settings or ScreeningSettings()
        return cls(settings, load_screening_policy(settings.policy_path), load_homoglyphs(), load_profane_words(),
                   known_word_list(settings.known_word_zipf), public_suffix_function())

    # --- detection -------------------------------------------------------------------------

    def findings(self, text: str, field: str = "text") -> list[Finding]:
        """Every contact, payment, intent and abuse finding in ``text``, spans in ``text``."""
        folded = fold(text, self._homoglyphs)
        at_dot = at_dot_view(folded)
        words = words_view(folded)
        found: list[Finding] = []
        emails = contacts.emails(at_dot, self._suffix)
        found += emails
        found += contacts.urls(dot_view(folded), text, self._suffix, emails)
        numbers = payments.cards(folded, words) + payments.bank_accounts(folded, words)
        found += numbers
        found += payments.crypto(folded)
        found += contacts.phones(folded, words, self.settings.phone_regions, numbers)
        found += contacts.handles(words, text)
        found += payments.payment_services(words)
        found += intent.off_platform_intent(words)
        found += abuse.profanity(words, text, self._profane)
        found += abuse.threats(words)
        found += abuse.harassment(words)
        found = _deduplicate(found)
        if field != "text":
            found = [_in_field(f, field) for f in found]
        return found

    def content_findings(self, text: str, field: str) -> list[Finding]:
        """Gibberish and placeholder findings for a profile or job-post field."""
        found = content.placeholder(text, field)
        if not found:
            found = content.gibberish(text, field, self._known, self.settings.gibberish_threshold)
        return found

    # --- use -------------------------------------------------------------------------------

    def screen_message(self, text: str, contract: bool = False) -> ScreeningResult:
        """Screen a message (proposal, invitation, chat); ``contract``: the parties have one."""
        found = self.findings(text)
        decision, reasons = decide(self.policy, found, contract)
        return ScreeningResult(tuple(found), decision, tuple(reasons), {"text": redact(text, found)},
                               self.policy.version)

    def screen_profile(self, title: str, description: str, skills: Sequence[str] = ()) -> ScreeningResult:
        """Screen a profile or a job post: title, description, skills (spans per field; the skills
        field is the skills joined by ", ")."""
        fields = {"title": title, "description": description, "skills": ", ".join(skills)}
        found: list[Finding] = []
        redacted = {}
        for name, text in fields.items():
            here = self.findings(text, name)
            if name != "skills" and text.strip():
                here += [c for c in self.content_findings(text, name)
                         if not any(f.start < c.end and c.start < f.end for f in here)]
            found += here
            redacted[name] = redact(text, here)
        if not description.strip() and title.strip():
            found.append(Finding("PLACEHOLDER", 0, 0, "", (), 0.8, "description", detail="empty"))
        decision, reasons = decide(self.policy, found)
        return ScreeningResult(tuple(found), decision, tuple(reasons), redacted, self.policy.version)

    def with_findings(self, result: ScreeningResult, extra: Sequence[Finding],
                      contract: bool = False) -> ScreeningResult:
        """``result`` with findings made elsewhere (a duplicate of another account's text)
        added and the decision taken again; the redacted text is unchanged."""
        if not extra:
            return result
        found = (*result.findings, *extra)
        decision, reasons = decide(self.policy, found, contract)
        return ScreeningResult(tuple(found), decision, tuple(reasons), result.redacted, result.policy_version)


def _in_field(f: Finding, field: str) -> Finding:
    return Finding(f.category, f.start, f.end, f.value, f.disguises, f.confidence, field, f.detail)


def _deduplicate(found: list[Finding]) -> list[Finding]:
    """Drop a finding overlapped by a more specific one of the precedence list (and exact repeats)."""
    rank = _RANK
    kept: list[Finding] = []
    for f in sorted(found, key=lambda f: (rank.get(f.category, len(rank)), f.start)):
        if f.category in rank and any(k.category in rank and k.start < f.end and f.start < k.end for k in kept):
            continue
        if any(k.category == f.category and k.start == f.start and k.end == f.end for k in kept):
            continue
        kept.append(f)
    return sorted(kept, key=lambda f: (f.start, f.end, f.category))
