"""Screening what people write (issue 18): contact and payment details, off-platform intent,
gibberish and placeholders, profanity, threats and harassment, with disguises undone.

An independent engine (it knows no other engine). The pure core:

- :mod:`~idverify.screening.normalize`: views of a text that undo disguises, spans kept;
- :mod:`~idverify.screening.contacts`, :mod:`~idverify.screening.payments`,
  :mod:`~idverify.screening.intent`, :mod:`~idverify.screening.abuse`,
  :mod:`~idverify.screening.content`: the detectors, each returning findings;
- :mod:`~idverify.screening.policy`: ALLOW / WARN / BLOCK from a TOML policy;
- :mod:`~idverify.screening.screener`: all of them over a message or a profile.

Loading (once, at start-up): :mod:`~idverify.screening.homoglyphs` and
:mod:`~idverify.screening.resources` read the data the installed packages ship.
``idverify.screening.v1`` is the generated gRPC code of ``protos/idverify/screening/v1``.
"""

from idverify.screening.findings import CATEGORIES, Category, Finding, redact
from idverify.screening.policy import ScreeningPolicy, load_screening_policy
from idverify.screening.screener import Screener, ScreeningResult
from idverify.screening.settings import ScreeningSettings

__all__ = ["CATEGORIES", "Category", "Finding", "Screener", "ScreeningPolicy", "ScreeningResult",
           "ScreeningSettings", "load_screening_policy", "redact"]
