"""Contact details: e-mail addresses, phone numbers, web addresses, messaging handles (pure).

Each detector reads the views :mod:`idverify.screening.normalize` makes and returns
:class:`~idverify.screening.findings.Finding` objects with spans in the original text:

- e-mail: candidates in the at/dot view, checked by ``email-validator`` (syntax, no DNS) and a
  public suffix (``tldextract``'s bundled Public Suffix List snapshot).
- phone: ``phonenumbers``' :class:`PhoneNumberMatcher` over the folded text for numbers written
  as numbers; runs of spelled-out or spaced single digits in the words view, checked with
  ``phonenumbers`` too. Look-alikes are dropped: too few digits, a currency sign or ``#`` before,
  ISO dates, more than one single-digit group (ISBNs).
- URL: host names whose suffix is public (``tldextract``), with or without a scheme; a bare
  ``name.suffix`` needs a web-like suffix and is not a method call or an all-capitals tech name
  (``ASP.NET``, ``manage.py``, ``obj.at(5)``).
- messaging handle: a messaging app's name in a contact context ("add me on", "my skype is",
  "whatsapp me"), not in a technical one ("Telegram bot", "WhatsApp Business API").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from idverify.screening.findings import Finding
from idverify.screening.normalize import Mapped, disguises_of

__all__ = ["emails", "handles", "phones", "urls"]

_LOCAL = re.compile(r"[a-z0-9][a-z0-9._%+\-]*$")
_DOMAIN = re.compile(r"[a-z0-9\-]+(?:\.[a-z0-9\-]+)+")
#: Words before a bare " at " that are English, not an address's local part ("sign in at ...").
_NOT_LOCAL = frozenset("i me you he him she her it we us they them is am are was be been here there in on by "
                       "up out look site work profile office home meet reach email mail write line find "
                       "arrive arrived stay stayed".split())


def _finding(view: Mapped, a: int, b: int, category: str, value: str, confidence: float, detail: str) -> Finding:
    start, end = view.span(a, b)
    disguises = tuple(disguises_of(view.tag(a, b)))
    if disguises:
        confidence = round(confidence * 0.97, 3)
    return Finding(category, start, end, value, disguises, confidence, detail=detail)


def emails(at_dot: Mapped, suffix_of) -> list[Finding]:
    """E-mail addresses in the at/dot view; ``suffix_of(host)`` is the host's public suffix or ''."""
    text = at_dot.text
    if "@" not in text:
        return []
    found = []
    at = text.find("@")
    while at != -1:
        # each "@" on its own, so "me@li.tanaka@example.org" (a spelled "at" before an address)
        # still finds the address
        local = _LOCAL.search(text, max(0, at - 64), at)
        domain = _DOMAIN.match(text, at + 1)
        at_next = text.find("@", at + 1)
        if local and domain:
            start = local.start()
            candidate = text[start:domain.end()].rstrip(".-")
            name = local.group(0)
            try:
                valid = validate_email(candidate, check_deliverability=False)
            except EmailNotValidError:
                valid = None
            if valid is not None and suffix_of(valid.domain) and name not in _NOT_LOCAL:
                found.append(_finding(at_dot, start, start + len(candidate), "EMAIL", valid.normalized.lower(),
                                      0.95, "email_validator"))
        at = at_next
    return found


# A stretch of digits and phone punctuation: where the matcher may find a number.
# Not glued to letters: "1Z999AA10123456784" is a parcel, "INV-2024..." an invoice.
_CANDIDATE = re.compile(r"(?<![A-Za-z0-9])\+?\(?\d(?:[\d().\-/]|\s(?=[\d(+]))*\d(?![A-Za-z0-9])")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_NON_DIGITS = re.compile(r"\D+")


def _plausible_phone(raw: str, before: str) -> bool:
    digits = re.sub(r"\D", "", raw)
    if len(digits) < 10 or len(digits) > 15:
        return False
    if before.rstrip()[-1:] in {"$", "£", "€", "#", "¥"} or _ISO_DATE.search(raw):
        return False
    groups = [g for g in _NON_DIGITS.split(raw) if g]
    if sum(len(g) == 1 for g in groups) > 1:
        return False
    return True


def _e164(raw: str, regions: Sequence[str]) -> str | None:
    """E.164 of ``raw`` in the first region where it is valid, else the first where it is possible."""
    possible = None
    for region in regions:
        try:
            number = phonenumbers.parse(raw, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        if possible is None and phonenumbers.is_possible_number(number):
            possible = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return possible


_DIGIT_RUN = re.compile(r"\+?\d(?:[ \-]?\d){8,}")


def phones(folded: Mapped, words: Mapped, regions: Sequence[str], taken: Sequence[Finding] = ()) -> list[Finding]:
    """Phone numbers written as numbers (the matcher, on the folded view) or disguised as spelled
    or spaced digits (on the words view); ``regions`` are tried in order for numbers written
    without a country code. Spans of ``taken`` (card numbers, IBANs already found) are skipped."""
    found = []
    busy = [(f.start, f.end) for f in taken]
    text = folded.text
    for window in _CANDIDATE.finditer(text):
        if sum(c.isdigit() for c in window.group(0)) < 10:
            continue  # prices, dates, versions and order numbers: the matcher never sees them
        ws, we = folded.span(window.start(), window.end())
        if any(a <= ws and we <= b for a, b in busy):
            continue
        # the matcher reads only the candidate (and a character of context each side), one pass
        # per region: a region's matcher only reads that region's national formats
        lo, hi = max(0, window.start() - 1), min(len(text), window.end() + 1)
        chunk = text[lo:hi]
        before = len(found)
        for region in regions:
            if len(found) > before:
                break  # the first region that reads a number here wins
            for match in phonenumbers.PhoneNumberMatcher(chunk, region, leniency=phonenumbers.Leniency.POSSIBLE):
                a, b = lo + match.start, lo + match.end
                if any(f.start < b and a < f.end for f in found):
                    continue
                raw = match.raw_string
                if not _plausible_phone(raw, text[max(0, a - 2):a]):
                    continue
                value = _e164(raw, (region, *regions))
                if value:
                    found.append(_finding(folded, a, b, "PHONE", value, 0.9, "phonenumbers"))
    taken_spans = [(f.start, f.end) for f in found] + busy
    for m in _DIGIT_RUN.finditer(words.text):
        if not words.tag(m.start(), m.end()):
            continue  # written plainly: the matcher above has judged it
        start, end = words.span(m.start(), m.end())
        if any(a < end and start < b for a, b in taken_spans):
            continue
        raw = m.group(0)
        if not 10 <= len(raw.replace(" ", "").replace("-", "").lstrip("+")) <= 15:
            continue
        value = _e164(raw, regions)
        if value:
            found.append(_finding(words, m.start(), m.end(), "PHONE", value, 0.85, "phonenumbers"))
    return found


_HOST = re.compile(r"(?<![@\w.\-])(?P<scheme>https?://)?(?P<host>(?:[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?\.)+"
                   r"[a-z][a-z0-9\-]*[a-z0-9])(?P<port>:\d{2,5})?(?P<path>/[^\s<>\"')]*)?(?![\w@])")
#: Suffixes a bare "name.suffix" must have to count as a web address (no scheme, www or path):
#: the common generic ones and the country codes used as generic; not ".py", ".sh", ".at", ".rs".
_WEB_SUFFIXES = frozenset("com net org io co dev app me info biz xyz site online store tech page link blog shop "
                          "uk co.uk org.uk de fr eu us ca au com.au in es nl ru br it ch se pl jp cn tv ly gg".split())
_TECH_NAMES = frozenset({"asp.net", "vb.net", "ado.net", "dot.net", "node.js", "vue.js", "next.js", "react.js"})


def urls(dotted: Mapped, original: str, suffix_of, emails_found: Sequence[Finding]) -> list[Finding]:
    """Web addresses in the dot view; hosts inside e-mail addresses are skipped."""
    at_dot = dotted
    text = dotted.text
    if "." not in text:
        return []
    found = []
    for m in _HOST.finditer(text):
        host = m.group("host")
        suffix = suffix_of(host)
        if not suffix or suffix == host:
            continue
        start, end = at_dot.span(m.start(), m.end())
        if any(e.start <= start < e.end for e in emails_found):
            continue
        explicit = bool(m.group("scheme")) or host.startswith("www.")
        if not explicit:
            written = original[start:end]
            bare = not m.group("path")
            if host in _TECH_NAMES or (written.isupper() and bare) or text[m.end():m.end() + 1] == "(":
                continue
            if suffix not in _WEB_SUFFIXES:
                continue
        value = (m.group("scheme") or "") + host + (m.group("path") or "")
        found.append(_finding(at_dot, m.start(), m.end(), "URL", value, 0.9 if explicit else 0.85, "public_suffix"))
    return found


_APP = re.compile(r"\b(?P<app>whats ?app|telegram|skype|discord|wechat|viber|signal|snapchat|kik|instagram|insta|"
                  r"facebook|messenger|linkedin)\b")
_AFTER_CONTACT = re.compile(r"\s*(?:me\b|is\b|id\b|:|@|handle\b|number\b|username\b|account\b|at\b|on\b|\+?\d)")
_AFTER_TECH = re.compile(r"\s*(?:\.js|bots?\b|business\b|api\b|sdk\b|clone\b|integrations?\b|processing\b|"
                         r"groups?\b|channels?\b|web\b|moderation\b)")
_BEFORE_CONTACT = re.compile(r"(?:\b(?:add|find|message|text|contact|reach|ping|dm|call|catch|hit)\s+me\s+"
                             r"(?:up\s+)?(?:on|via|at|through|in)|\bmy|\bme\s+on|\bvia|\bon)\s+$")
_HANDLE_AFTER = re.compile(r"\s*(?:(?:handle|username|user|id|name|number)\s*)?(?:is\b|:)\s*"
                           r"(?P<handle>@?[a-z0-9][\w.\-]{2,31})")


def handles(words: Mapped, original: str) -> list[Finding]:
    """Messaging-app handles and invitations to a messaging app, in the words view."""
    text = words.text
    found = []
    for m in _APP.finditer(text):
        after = text[m.end():m.end() + 40]
        before = text[max(0, m.start() - 30):m.start()]
        if _AFTER_TECH.match(after):
            continue
        if not (_AFTER_CONTACT.match(after) or _BEFORE_CONTACT.search(before)):
            continue
        app = m.group("app").replace(" ", "")
        end = m.end()
        value = app
        handle = _HANDLE_AFTER.match(after)
        if handle and handle.group("handle") not in {"me", "my", "the", "a"}:
            end = m.end() + handle.end()
            hs, he = words.span(m.end() + handle.start("handle"), end)
            written = "".join(c for c in original[hs:he] if unicodedata.category(c) != "Cf")  # no invisibles
            value = f"{app}:{written.strip().lower().rstrip('.,')}"
        found.append(_finding(words, m.start(), end, "MESSAGING_HANDLE", value, 0.85, "app_context"))
    return found
