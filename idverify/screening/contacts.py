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
from idverify.screening.normalize import HOMOGLYPH, Mapped, disguises_of

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
    found: list[Finding] = []
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
    return found + _provider_emails(at_dot, found)


_PROVIDERS = {"gmail": "gmail.com", "googlemail": "googlemail.com", "yahoo": "yahoo.com", "hotmail": "hotmail.com",
              "outlook": "outlook.com", "proton": "proton.me", "protonmail": "protonmail.com", "icloud": "icloud.com",
              "aol": "aol.com", "yandex": "yandex.ru", "gmx": "gmx.net"}
_PROVIDER = r"(?P<provider>" + "|".join(_PROVIDERS) + r")"
#: "my gmail is jordan.rivers", "my yahoo address: j_r88": the provider names the domain.
_MY_PROVIDER = re.compile(r"\bmy\s+" + _PROVIDER + r"\s+(?:address\s+|account\s+|id\s+|e-?mail\s+)?(?:is\s*:?|:)\s*"
                          r"(?P<local>[a-z0-9][a-z0-9._%+\-]{1,62}[a-z0-9])(?![\w@])")
_ANY_PROVIDER = re.compile(_PROVIDER)
#: "jordan@gmail" with the ".com" left off.
_AT_PROVIDER = re.compile(r"(?P<local>[a-z0-9][a-z0-9._%+\-]{0,63})@" + _PROVIDER + r"(?![\w.@]|\.[a-z])")


def _provider_emails(at_dot: Mapped, found: list[Finding]) -> list[Finding]:
    """Addresses told by their provider's name ("my gmail is jordan.rivers", "jordan at gmail"):
    the local part must look like one (a dot, an underscore or a digit) when only "my gmail is"
    says it is an address, so "my gmail is full" is not one."""
    text = at_dot.text
    if ("my " not in text and "@" not in text) or not _ANY_PROVIDER.search(text):
        return []
    out = []
    for pattern in (_MY_PROVIDER, _AT_PROVIDER):
        for m in pattern.finditer(text):
            local = m.group("local")
            if pattern is _MY_PROVIDER and not any(c in local for c in "._0123456789"):
                continue
            if pattern is _AT_PROVIDER and local in _NOT_LOCAL:
                continue
            start, end = at_dot.span(m.start("local") if pattern is _AT_PROVIDER else m.start(), m.end())
            if any(f.start < end and start < f.end for f in found + out):
                continue
            address = f"{local}@{_PROVIDERS[m.group('provider')]}"
            try:
                valid = validate_email(address, check_deliverability=False)
            except EmailNotValidError:
                continue
            a = m.start("local") if pattern is _AT_PROVIDER else m.start()
            out.append(_finding(at_dot, a, m.end(), "EMAIL", valid.normalized.lower(), 0.8, "provider_name"))
    return out


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


def _e164(raw: str, regions: Sequence[str], valid_only: bool = False, parsed=None) -> str | None:
    """E.164 of ``raw`` in the first region where it is valid, else (unless ``valid_only``) the
    first where it is possible; ``parsed``: ``raw`` as already parsed in ``regions[0]`` (the
    matcher's number)."""
    valid, possible = _read(raw, regions, not valid_only, parsed)
    return valid or possible


def _read(raw: str, regions: Sequence[str], want_possible: bool, parsed=None) -> tuple[str | None, str | None]:
    """``raw`` read in each region in turn (each once): its E.164 form in the first where it is
    valid, and (if ``want_possible``) in the first where it is possible before that one."""
    possible = None
    for i, region in enumerate(dict.fromkeys(regions)):
        number = parsed if i == 0 and parsed is not None else None
        if number is None:
            try:
                number = phonenumbers.parse(raw, region)
            except phonenumbers.NumberParseException:
                continue
        if phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), possible
        if possible is None and want_possible and phonenumbers.is_possible_number(number):
            possible = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return None, possible


_DIGIT_RUN = re.compile(r"\+?\d(?:[ \-]?\d){8,}")
# A number told in two pieces: "555 0199 area code 202", "country code 44, then 7700 900123".
_AREA_CODE = re.compile(r"\barea\s+code\s*(?:is\s*)?[:\-]?\s*\(?(?P<code>\d{3})\)?(?!\d)")
_COUNTRY_CODE = re.compile(r"\b(?:country|dialling|dialing)\s+code\s*(?:is\s*)?[:\-]?\s*\+?(?P<code>\d{1,3})(?!\d)")
_LOCAL_PART = re.compile(r"(?<![\d+])\d{2,5}(?:[ .\-]?\d{2,5}){0,3}(?![\d])")


def _split_numbers(words: Mapped, regions: Sequence[str], taken: list[tuple[int, int]]) -> list[Finding]:
    """Numbers split around their code: the code ("area code 202", "country code 44") and the rest
    within the same sentence (before or after it), joined and confirmed by ``phonenumbers``."""
    text = words.text
    if "code" not in text:
        return []
    found = []
    for pattern, region in ((_AREA_CODE, "US"), (_COUNTRY_CODE, None)):
        for code in pattern.finditer(text):
            lo = max(text.rfind(stop, 0, code.start()) for stop in ".?!")
            stops = [i for i in (text.find(". ", code.end()), text.find("?", code.end()), text.find("!", code.end()))
                     if i != -1]
            hi = min(stops) if stops else len(text)
            for rest in _LOCAL_PART.finditer(text, lo + 1, hi):
                if code.start() <= rest.start() < code.end():
                    continue
                digits = _NON_DIGITS.sub("", rest.group(0))
                if region == "US":
                    if len(digits) != 7:
                        continue
                    raw = code.group("code") + digits
                else:
                    raw = "+" + code.group("code") + digits.lstrip("0")
                try:
                    number = phonenumbers.parse(raw, region)
                except phonenumbers.NumberParseException:
                    continue
                if not phonenumbers.is_valid_number(number):
                    continue
                a, b = min(code.start(), rest.start()), max(code.end(), rest.end())
                start, end = words.span(a, b)
                if any(x < end and start < y for x, y in taken):
                    continue
                value = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
                found.append(_finding(words, a, b, "PHONE", value, 0.8, "phonenumbers_split"))
                taken.append((start, end))
                break
    return found


def phones(folded: Mapped, words: Mapped, regions: Sequence[str], taken: Sequence[Finding] = ()) -> list[Finding]:
    """Phone numbers written as numbers (the matcher, on the folded view) or disguised as spelled
    or spaced digits (on the words view); ``regions`` are tried in order for numbers written
    without a country code. Spans of ``taken`` (card numbers, IBANs already found) are skipped."""
    found = []
    busy = [(f.start, f.end) for f in taken]
    text = folded.text
    # fewer than ten digits: nothing the matcher would be given (nor a disguised run below)
    for window in _CANDIDATE.finditer(text) if folded.digits >= 10 else ():
        written = window.group(0)
        if len(written) < 10 or sum(c.isdigit() for c in written) < 10:
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
                value = _e164(raw, (region, *regions), parsed=match.number)
                if value:
                    found.append(_finding(folded, a, b, "PHONE", value, 0.9, "phonenumbers"))
    taken_spans = [(f.start, f.end) for f in found] + busy
    # nothing undone in the words view (no tags): every run in it was written plainly
    for m in _DIGIT_RUN.finditer(words.text) if words.tags is not None and words.digits >= 10 else ():
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
    found += _lettered_numbers(folded, regions, taken_spans + [(f.start, f.end) for f in found])
    return found + _split_numbers(words, regions, taken_spans + [(f.start, f.end) for f in found])


# Letters for digits: "O77OO 9OO 123" (O for 0, l or I for 1), at least five real digits.
_DIGIT_LETTER = re.compile(r"\d[OoIl]")  # two searches that each skip ahead in C, not one alternation
_LETTER_DIGIT = re.compile(r"[OoIl]\d")
_LETTERED = re.compile(r"(?<![A-Za-z0-9])\+?[\dOoIl](?:[ .\-]?[\dOoIl]){9,14}(?![A-Za-z0-9])")
_AS_DIGITS = str.maketrans("OoIl", "0011")


def _lettered_numbers(folded: Mapped, regions: Sequence[str], taken: list[tuple[int, int]]) -> list[Finding]:
    text = folded.text
    if not (_DIGIT_LETTER.search(text) or _LETTER_DIGIT.search(text)):
        return []
    found = []
    for m in _LETTERED.finditer(text):
        raw = m.group(0)
        if sum(c.isdigit() for c in raw) < 5 or raw.isdigit():
            continue
        start, end = folded.span(m.start(), m.end())
        if any(a < end and start < b for a, b in taken):
            continue
        digits = raw.translate(_AS_DIGITS)
        # valid somewhere, or only possible but written with a trunk or international prefix
        valid, possible = _read(digits, regions, want_possible=digits[0] in "0+")
        value = valid or possible
        if value:
            disguises = tuple(disguises_of(folded.tag(m.start(), m.end()) | HOMOGLYPH))
            found.append(Finding("PHONE", start, end, value, disguises, 0.82, detail="phonenumbers"))
    return found


_HOST = re.compile(r"(?<![@\w.\-])(?P<scheme>https?://)?(?P<host>(?:[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?\.)+"
                   r"[a-z][a-z0-9\-]*[a-z0-9])(?P<port>:\d{2,5})?(?P<path>/[^\s<>\"')]*)?(?![\w@])")
# A dot before a letter, which every host has before its suffix: the quick search before it.
_SUFFIX_HINT = re.compile(r"\.[a-z]")
#: Suffixes a bare "name.suffix" must have to count as a web address (no scheme, www or path):
#: the common generic ones and the country codes used as generic; not ".py", ".sh", ".at", ".rs".
_WEB_SUFFIXES = frozenset("com net org io co dev app me info biz xyz site online store tech page link blog shop "
                          "uk co.uk org.uk de fr eu us ca au com.au in es nl ru br it ch se pl jp cn tv ly gg".split())
_TECH_NAMES = frozenset({"asp.net", "vb.net", "ado.net", "dot.net", "node.js", "vue.js", "next.js", "react.js"})


def urls(dotted: Mapped, original: str, suffix_of, emails_found: Sequence[Finding]) -> list[Finding]:
    """Web addresses in the dot view; hosts inside e-mail addresses are skipped."""
    at_dot = dotted
    text = dotted.text
    if not _SUFFIX_HINT.search(text):
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


#: Apps whose names are their own word: a contact context ("add me on", "my skype is", "whatsapp
#: me") is enough, a technical one ("Telegram bot", "WhatsApp Business API") rules them out.
_APP = (r"(?P<app>whats ?app|telegram|skype|discord|wechat|viber|snapchat|instagram|facebook|messenger|linkedin|"
        r"twitter|tiktok)")
#: Apps named by ordinary words ("a signal", "line 120", "kik" is rarer but short) and short names
#: and abbreviations ("IG", "tg", "wa", "dc"): only in a contact context proper, a handle after the
#: name or an invitation before it; the value names the app in full.
_STRICT_APP = r"(?P<strict>signal|line|kik|ig|insta|snap|tg|wa|dc|fb|threema|tele|x)"
_ANY_APP = re.compile(r"\b(?:" + _APP + "|" + _STRICT_APP + r")\b")  # one search for both kinds
_FULL_NAME = {"ig": "instagram", "insta": "instagram", "snap": "snapchat", "tg": "telegram", "tele": "telegram",
              "wa": "whatsapp", "dc": "discord", "fb": "facebook", "x": "twitter"}
#: Apps whose short names also abbreviate other things; they need a handle written after them.
_SHORT = frozenset({"ig", "snap", "tg", "wa", "dc", "fb", "tele"})
_AFTER_CONTACT = re.compile(r"\s*(?:me\b|is\b|id\b|:|@|handle\b|number\b|username\b|account\b|at\b|on\b|\+?\d|"
                            r"(?:video\s+|voice\s+)?call\b|chat\b)")
_AFTER_TECH = re.compile(r"\s*(?:\.js|bots?\b|business\b|api\b|sdk\b|clone\b|integrations?\b|processing\b|"
                         r"groups?\b|channels?\b|web\b|moderation\b|mini apps?\b)")
_INVITE = (r"\b(?:add|find|message|text|contact|reach|ping|dm|call|catch|hit|follow|msg)\s+me\s+(?:up\s+|out\s+)?"
           r"(?:on|via|at|through|in|over)|\bhmu\s+(?:on|via)"
           r"|\b(?:move|switch|continue|talk|chat|go|take|connect)\b[^.!?]{0,20}?\b(?:to|on|over|via)")
_BEFORE_CONTACT = re.compile(r"(?:" + _INVITE + r"|\bmy|\bme\s+on|\bvia|\bon)\s+$")
_BEFORE_STRICT = re.compile(r"(?:" + _INVITE + r"|\b(?:i'?m|i am)\s+@?[\w.\-]+\s+on|@[\w.\-]+\s+(?:on|at))\s+$")
# A handle may have ":" and "#" inside ("live:.cid.123abc", "jordan#0420").
_HANDLE_AFTER = re.compile(r"\s*(?:(?:handle|username|user|id|name|number)\s*)?(?:is\b|:)\s*"
                           r"(?P<handle>@?[a-z0-9][\w.\-#:]{2,31})")
#: "my insta is", "my line id:", then anything: the sender says it is theirs.
_MY_IS = re.compile(r"\s*(?:(?:handle|username|user|id|name|number|account)\s*)?(?:is\b|:)")
#: A handle right after a short name: "snap jordan.rvrs", "IG: @annak", "tg @x"; one that starts
#: with a letter and has a dot, an underscore or a digit, or an "@" ("dc 20001", "snap to grid"
#: and "wa state" are not handles).
_BARE_HANDLE = re.compile(r"(?:\s*:\s*|\s+)(?P<handle>@[a-z0-9][\w.\-]{1,31}|[a-z][\w.\-]{1,30}[a-z0-9])(?![\w@])")


#: A number or an @handle right after the name, maybe after "me on": "SIGNAL me on +44 7700 900505".
_VALUE_AFTER = re.compile(r"\s*(?:me\s+(?:on|at|via)\s*(?:\+?\d[\d \-]{6,}\d|@[a-z0-9])"
                          r"|:?\s*(?:\+\d[\d \-]{6,}\d|@[a-z0-9]))")


def _handle_like(token: str) -> bool:
    """Written like a handle: an "@" first, or letters with a dot, an underscore or a digit (not
    a bare number: "line: 120" is a line of code)."""
    return token.startswith("@") or (any(c.isalpha() for c in token) and any(c in token for c in "._0123456789"))


def _strict_context(text: str, m: re.Match[str], app: str) -> re.Match[str] | bool | None:
    """The handle (a match) or True when ``app``, named at ``m``, is in a contact context proper."""
    after = text[m.end():m.end() + 40]
    before = text[max(0, m.start() - 30):m.start()]
    bare = _BARE_HANDLE.match(after)
    if app == "x":  # only "x: @jordan", "on x @jordan": "1920 x 1080", "x = a.b" are not
        return bare if bare and bare.group("handle").startswith("@") else None
    if app in _SHORT or app == "insta":
        if bare and _handle_like(bare.group("handle")):
            return bare
    if app == "kik" and after.startswith(" me"):
        return _HANDLE_AFTER.match(after, 3) or True
    if _VALUE_AFTER.match(after):  # "signal me on +44 7700 900505", "line: @jordan"
        return True
    if before.endswith("my ") and _MY_IS.match(after):
        return _HANDLE_AFTER.match(after) or True
    if _BEFORE_STRICT.search(before) and not _AFTER_TECH.match(after):
        return _HANDLE_AFTER.match(after) or True
    handle = _HANDLE_AFTER.match(after)
    if app not in _SHORT and handle and _handle_like(handle.group("handle")):
        return handle
    return None


def handles(words: Mapped, original: str) -> list[Finding]:
    """Messaging-app handles and invitations to a messaging app, in the words view."""
    text = words.text
    found = []
    for m in _ANY_APP.finditer(text):
        strict = m.group("strict")
        if strict:
            context = _strict_context(text, m, strict)
            if context is not None:
                found.append(_finding_for(words, original, m, _FULL_NAME.get(strict, strict),
                                          context if context is not True else None))
            continue
        after = text[m.end():m.end() + 40]
        before = text[max(0, m.start() - 30):m.start()]
        if _AFTER_TECH.match(after):
            continue
        if not (_AFTER_CONTACT.match(after) or _BEFORE_CONTACT.search(before)):
            continue
        handle = _HANDLE_AFTER.match(after)
        if handle is None:
            bare = _BARE_HANDLE.match(after)  # "follow me on twitter @jordan"
            handle = bare if bare and bare.group("handle").startswith("@") else None
        found.append(_finding_for(words, original, m, m.group("app").replace(" ", ""), handle))
    return found


def _finding_for(words: Mapped, original: str, m: re.Match[str], app: str,
                    handle: re.Match[str] | None) -> Finding:
    end = m.end()
    value = app
    if handle and handle.group("handle") not in {"me", "my", "the", "a"}:
        end = m.end() + handle.end()
        hs, he = words.span(m.end() + handle.start("handle"), end)
        written = "".join(c for c in original[hs:he] if unicodedata.category(c) != "Cf")  # no invisibles
        value = f"{app}:{written.strip().lower().rstrip('.,:')}"
    return _finding(words, m.start(), end, "MESSAGING_HANDLE", value, 0.85, "app_context")
