"""Payment details: payment services, IBANs, card numbers, crypto addresses (pure).

- IBAN: ``python-stdnum``'s ISO 13616 check (country, length and mod-97 check digits; not the
  national BBAN check digits, which even the IBAN registry's Belgian example fails), over the
  folded view and the words view (spaced or separated characters).
- card number: 13 to 19 digits with a card network's prefix and a valid Luhn check digit
  (``python-stdnum``'s ``luhn``), written as digits or spelled out.
- crypto address: Bitcoin base58 and bech32 addresses checked by ``python-stdnum``'s
  ``bitcoin`` (checksums); Ethereum ``0x`` + 40 hex digits (no Keccak in the standard library,
  so the EIP-55 case checksum is not verified: a lower confidence).
- payment service: a service's name (PayPal, Venmo, Zelle...) in a payment context ("pay me
  via", "send the money to my", "my paypal is"), not in a technical one ("the PayPal checkout
  integration").
"""

from __future__ import annotations

import re

import hashlib

from stdnum import bitcoin, iban, luhn
from stdnum.us import rtn

from idverify.screening.findings import Finding
from idverify.screening.normalize import Mapped, disguises_of

__all__ = ["bank_accounts", "cards", "crypto", "payment_services"]


def _finding(view: Mapped, a: int, b: int, category: str, value: str, confidence: float, detail: str) -> Finding:
    start, end = view.span(a, b)
    return Finding(category, start, end, value, tuple(disguises_of(view.tag(a, b))), confidence, detail=detail)


def _distinct(views: tuple[Mapped, ...]) -> list[Mapped]:
    """``views`` less those that only differ from the one before in case (the words view of a text
    with nothing to undo): the card and IBAN searches ignore case, so they would find the same."""
    kept = [views[0]]
    for view in views[1:]:
        if not (view.starts is kept[-1].starts and len(view.text) == len(kept[-1].text)
                and view.text.lower() == kept[-1].text.lower()):
            kept.append(view)
    return kept


_IBAN = re.compile(r"(?<![a-z0-9])[a-z]{2}\d{2}(?:[ .\-]?[a-z0-9]){11,30}(?![a-z0-9])", re.IGNORECASE)
# Its country and check digits, the quick search before it (digits first: the engine skips ahead).
_IBAN_HINT = re.compile(r"\d\d(?<=[a-z]{2}\d\d)", re.IGNORECASE)


def bank_accounts(*views: Mapped) -> list[Finding]:
    """IBANs with valid check digits in any of ``views`` (the first view's finding wins)."""
    found: list[Finding] = []
    for view in _distinct(views):
        if not _IBAN_HINT.search(view.text):
            continue
        for m in _IBAN.finditer(view.text):
            compact = iban.compact(m.group(0).replace(".", ""))
            # the greedy match may run into the next word: trim from the right until valid
            for cut in range(len(compact), 14, -1):
                if iban.is_valid(compact[:cut], check_country=False):
                    break
            else:
                continue
            taken = compact[:cut]
            # end of the match's characters that make up the valid prefix
            seen, end = 0, m.start()
            for i, ch in enumerate(m.group(0)):
                if ch.isalnum():
                    seen += 1
                if seen == cut:
                    end = m.start() + i + 1
                    break
            f = _finding(view, m.start(), end, "BANK_ACCOUNT", taken.upper(), 0.99, "iban_mod97")
            if not any(g.start < f.end and f.start < g.end for g in found):
                found.append(f)
    for f in _national_accounts(views[-1]):
        if not any(g.start < f.end and f.start < g.end for g in found):
            found.append(f)
    return found


# National bank details named by their label: a UK sort code, a US routing number (its ABA
# check digit verified by python-stdnum), an Australian BSB, a "bank account" number.
_SORT_CODE = re.compile(r"\bsort\s*code\s*(?:is\s*)?[:\-]?\s*(?P<n>\d{2}[\s\-]?\d{2}[\s\-]?\d{2})(?!\d)")
_ROUTING = re.compile(r"\b(?:routing|aba|rtn)(?:\s+(?:number|no\.?|#))?\s*(?:is\s*)?[:\-]?\s*(?P<n>\d{9})(?!\d)")
_BSB = re.compile(r"\bbsb(?:\s+(?:number|no\.?|#))?\s*(?:is\s*)?[:\-]?\s*(?P<n>\d{3}[\s\-]?\d{3})(?!\d)")
_ACCOUNT_NO = re.compile(r"\b(?:bank\s+account|account\s+(?:number|no\.?|#))\s*(?:is\s*)?[:\-]?\s*"
                         r"(?P<n>\d(?:[\s\-]?\d){5,16})(?!\d)")


#: Each label's pattern, kind and the words one of which each of its matches has.
_NATIONAL = ((_SORT_CODE, "GB-SORT", ("sort",)), (_ROUTING, "US-RTN", ("routing", "aba", "rtn")),
             (_BSB, "AU-BSB", ("bsb",)), (_ACCOUNT_NO, "ACCOUNT", ("account",)))
_BANK_WORDS = ("bank", "sort code", "routing", "bsb", "iban", "wire")


def _national_accounts(words: Mapped) -> list[Finding]:
    text = words.text
    found = []
    for pattern, kind, words_in in _NATIONAL:
        if not any(map(text.__contains__, words_in)):
            continue  # none of the words every match has: a search that would find nothing
        for m in pattern.finditer(text):
            number = re.sub(r"\D", "", m.group("n"))
            if kind == "US-RTN" and not rtn.is_valid(number):
                continue
            if kind == "ACCOUNT" and not any(w in text for w in _BANK_WORDS):
                continue  # "account number 1234567" alone may be the platform's own
            found.append(_finding(words, m.start(), m.end(), "BANK_ACCOUNT", f"{kind}:{number}",
                                  0.95 if kind == "US-RTN" else 0.85, "aba_check" if kind == "US-RTN" else "label"))
    return found


# Not part of a code ("SN-4111-1111-1111-1111" is a serial number).
_CARD = re.compile(r"(?<![\w-])(?<![a-zA-Z]-)\d(?:[ \-]?\d){12,18}(?![\d-])")
_CARD_PREFIX = re.compile(r"4|5[1-5]|2[2-7]|3[47]|6(?:011|5|4[4-9])|3(?:0[0-5]|[68])|35")


def cards(*views: Mapped) -> list[Finding]:
    """Card numbers (network prefix, 13 to 19 digits, Luhn) in any of ``views``."""
    found: list[Finding] = []
    for view in _distinct(views):
        if view.digits < 13:
            continue
        for m in _CARD.finditer(view.text):
            digits = m.group(0).replace(" ", "").replace("-", "")
            if not _CARD_PREFIX.match(digits) or not luhn.is_valid(digits):
                continue
            f = _finding(view, m.start(), m.end(), "CARD_NUMBER", digits, 0.97, "luhn")
            if not any(g.start < f.end and f.start < g.end for g in found):
                found.append(f)
    return found


_BTC = re.compile(r"(?<![a-zA-Z0-9])(?:[13][a-km-zA-HJ-NP-Z1-9]{25,34}|(?:bc1|BC1)[a-zA-Z0-9]{8,87})(?![a-zA-Z0-9])")
# Base58Check addresses of other chains by their version byte: TRON (USDT-TRC20) "T", Litecoin
# "L"/"M", Dogecoin "D"; the four-byte double SHA-256 checksum is verified.
# (the capital first, so the engine skips ahead to one; the character before is checked after)
_BASE58CHECK = re.compile(r"[TLMD][1-9A-HJ-NP-Za-km-z]{25,34}(?![a-zA-Z0-9])")
_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_VERSIONS = {"T": (0x41,), "L": (0x30,), "M": (0x32,), "D": (0x1E,)}


def _base58check(address: str) -> bool:
    value = 0
    for ch in address:
        value = value * 58 + _B58.index(ch)
    raw = value.to_bytes(25, "big") if value < 1 << 200 else b""
    if len(raw) != 25 or raw[0] not in _VERSIONS[address[0]]:
        return False
    return hashlib.sha256(hashlib.sha256(raw[:21]).digest()).digest()[:4] == raw[21:]


_LONG_TOKEN_HINT = re.compile(r"[a-zA-Z0-9]{26}")
_ETH = re.compile(r"(?<![a-zA-Z0-9])0x[0-9a-fA-F]{40}(?![a-zA-Z0-9])")


def crypto(folded: Mapped) -> list[Finding]:
    """Bitcoin (checksum-verified) and Ethereum addresses in the folded view (case kept)."""
    text = folded.text
    if not (_LONG_TOKEN_HINT.search(text) or "bc1" in text or "BC1" in text):
        return []  # every address has 26 letters and digits in a row but a short bech32 one
    found = []
    for m in _BTC.finditer(text):
        if bitcoin.is_valid(m.group(0)):
            found.append(_finding(folded, m.start(), m.end(), "CRYPTO_ADDRESS", m.group(0), 0.99, "bitcoin_checksum"))
    for m in _BASE58CHECK.finditer(text):
        if m.start() and text[m.start() - 1].isalnum():
            continue
        if _base58check(m.group(0)):
            found.append(_finding(folded, m.start(), m.end(), "CRYPTO_ADDRESS", m.group(0), 0.97, "base58check"))
    for m in _ETH.finditer(text):
        found.append(_finding(folded, m.start(), m.end(), "CRYPTO_ADDRESS", m.group(0).lower(), 0.9, "ethereum_form"))
    return found


_SERVICE = re.compile(r"\b(?P<name>pay ?pal|venmo|cash ?app|zelle|western ?union|payoneer|revolut|transfer ?wise|wise|"
                      r"skrill|money ?gram|apple pay|google pay|alipay|wechat pay|neteller|remitly|xoom|m-?pesa|"
                      r"gcash|paytm|paysera|n26|g ?pay|google wallet|apple cash|samsung pay|bizum|payid)\b")
# Currencies, searched only in a text that has one of their names' pieces (substring tests).
_COIN = re.compile(r"\b(?P<name>bitcoin|btc|usdt|usdc|tether|ethereum|eth|crypto|litecoin|monero)\b")

#: Services named by ordinary words ("a wise choice"): only right after a payment word ("via
#: Wise", "pay me on wise") or right before one ("Wise transfers", "my wise account", "wise: @x").
_COINS = frozenset({"bitcoin", "btc", "usdt", "usdc", "tether", "ethereum", "eth", "crypto", "litecoin", "monero"})
#: and currencies: "a Bitcoin dashboard", "ETH Zurich" are not payment; a currency named beside
#: an address is the address's finding, not a second one.
_ORDINARY = frozenset({"wise"}) | _COINS
_LONG_TOKEN = re.compile(r"[a-z0-9]{25,}")
_PAY_RIGHT_BEFORE = re.compile(r"\b(?:via|through|"
                               r"pa(?:y|id|ying|yments?)(?: me| you)?(?: on| with| via| by| through| in)?|"
                               r"send(?: it| money| the money| payment)?(?: to| via| on| through| with)?|"
                               r"(?:transfer|wire)(?: it| money| the money)?(?: to| via| through| with)?)"
                               r"\s+(?:my\s+)?$")
_PAY_RIGHT_AFTER = re.compile(r"\s*(?:transfers?\b|account\b|me\b|:|@|details\b|payments?\b|balance\b|"
                              r"business\b|id\b|handle\b|only\b|preferred\b|wallet\b|address\b|"
                              r"(?:works|is)\s+(?:fine|best|for\s+me))")
_MY_IS = re.compile(r"\s*(?:is\b|:)")
_PAY_BEFORE = re.compile(r"\b(?:pay|paid|paying|payments?|send|sent|transfer|wire|money|cash|accepts?|take|use|prefer|"
                         r"invoice|fees?|"
                         r"tip|through|via|by)\b")
_PAY_AFTER = re.compile(r"\s*(?:me\b|is\b|:|account\b|id\b|handle\b|@|only\b|details\b|address\b|\$\w|"
                        r"\.me/|works\s+(?:for\s+me|best|fine)|is\s+fine|preferred|please\b|to\s+[@$])")
_TECH_AFTER = re.compile(r"\s*(?:and \w+ )?(?:checkout|api|apis|sdk|integrations?|plugin|button|webhooks?)\b")


def payment_services(words: Mapped) -> list[Finding]:
    """Payment-service names in a payment context, in the words view."""
    text = words.text
    found = []
    coins = _COIN.finditer(text) if ("btc" in text or "usd" in text or "tether" in text or "eth" in text
                                     or "crypto" in text or "coin" in text or "monero" in text) else ()
    for m in (*_SERVICE.finditer(text), *coins):
        after = text[m.end():m.end() + 40]
        if _TECH_AFTER.match(after):
            continue
        before = text[max(0, m.start() - 40):m.start()]
        if m.group("name") in _COINS and _LONG_TOKEN.search(text):
            continue
        if m.group("name") in _ORDINARY:
            if not (_PAY_RIGHT_BEFORE.search(before) or _PAY_RIGHT_AFTER.match(after)
                    or (before.endswith("my ") and _MY_IS.match(after))):
                continue
        elif not (_PAY_BEFORE.search(before) or _PAY_AFTER.match(after)):
            continue
        name = m.group("name").replace(" ", "")
        found.append(_finding(words, m.start(), m.end(), "PAYMENT_SERVICE", name, 0.85, "service_context"))
    return found
