"""Email addresses and phone numbers in one canonical form, so that equal contacts compare equal.

Emails are checked for syntax with email-validator (no DNS lookups: this module is pure), then
lower-cased and folded by the rules of the mailbox provider, because many providers deliver
several spellings of an address to the same mailbox and a fraudster can register each
spelling as a new account:

==============================================================  ===========  ===========
Provider domains                                                Drop dots    Drop +tag
==============================================================  ===========  ===========
gmail.com, googlemail.com (folded to gmail.com)                 yes          yes
outlook.com, hotmail.com, live.com, msn.com, and national       no           yes
variants (hotmail.co.uk, outlook.de, live.fr, ...)
icloud.com, me.com, mac.com                                     no           yes
fastmail.com, fastmail.fm                                       no           yes
protonmail.com, protonmail.ch, proton.me, pm.me                 no           yes
==============================================================  ===========  ===========

Other domains keep their local part as written (lower-cased): a ``+`` or a ``.`` may be
significant there. Yahoo's disposable addresses use a different base name, not a tag, and
cannot be folded. The whole address is lower-cased because no major provider treats the local
part as case-sensitive, although RFC 5321 allows it.

Phones are parsed with phonenumbers, using the declared country (ISO alpha-2 or alpha-3) as the
default region for numbers written in national form, checked for validity against the
numbering plan, and written in E.164 (``+4915112345678``).
"""

from __future__ import annotations

import re

import email_validator
import phonenumbers

from idverify.errors import InvalidInput
from idverify.profile.countries import to_alpha2


#: A quoted part of an error message (it may hold the address itself).
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")

__all__ = ["PROVIDER_RULES", "normalize_email", "normalize_phone"]

_GOOGLE = ("gmail.com", True, True)
_MICROSOFT_DOMAINS = (
    "outlook.com", "hotmail.com", "live.com", "msn.com", "passport.com",
    "hotmail.co.uk", "hotmail.fr", "hotmail.de", "hotmail.it", "hotmail.es", "hotmail.nl",
    "hotmail.be", "hotmail.ca", "hotmail.com.au", "hotmail.com.br", "hotmail.co.jp",
    "outlook.de", "outlook.fr", "outlook.it", "outlook.es", "outlook.co.uk", "outlook.jp",
    "outlook.com.au", "outlook.com.br", "outlook.ie", "outlook.at", "outlook.be", "outlook.nl",
    "live.co.uk", "live.fr", "live.de", "live.it", "live.nl", "live.be", "live.ca",
    "live.com.au", "live.jp",
)  # fmt: skip

#: Domain -> (canonical domain, dots are ignored, +tags are ignored).
PROVIDER_RULES: dict[str, tuple[str, bool, bool]] = {
    "gmail.com": _GOOGLE,
    "googlemail.com": _GOOGLE,
    **{domain: (domain, False, True) for domain in _MICROSOFT_DOMAINS},
    **{domain: (domain, False, True) for domain in ("icloud.com", "me.com", "mac.com")},
    **{domain: (domain, False, True) for domain in ("fastmail.com", "fastmail.fm")},
    **{
        domain: (domain, False, True)
        for domain in ("protonmail.com", "protonmail.ch", "proton.me", "pm.me")
    },
}


def normalize_email(value: str) -> str:
    """The canonical form of an email address: valid syntax, lower case, provider rules applied.

    ``" John.Doe+ads@GoogleMail.com "`` becomes ``"johndoe@gmail.com"``. Internationalised
    domains are returned in Unicode NFC form (``bücher.de``, also for ``xn--bcher-kva.de``).
    Deliverability is not checked (no DNS). Raises :class:`InvalidInput` with reason
    ``EMAIL_INVALID`` when ``value`` is not an email address.
    """
    try:
        parsed = email_validator.validate_email(
            value.strip(), check_deliverability=False, allow_display_name=False
        )
    except email_validator.EmailNotValidError as exc:
        # email-validator quotes parts of the address in some messages (a domain label, a
        # character); the message travels in responses and logs, so the quotes go.
        raise InvalidInput(f"not a valid email address: {_QUOTED.sub('(...)', str(exc))}",
                           reason="EMAIL_INVALID") from exc
    local = parsed.local_part.lower()
    domain = parsed.domain.lower()
    rule = PROVIDER_RULES.get(domain)
    if rule is not None:
        domain, drop_dots, drop_tag = rule
        if drop_tag:
            local = local.split("+", 1)[0]
        if drop_dots:
            local = local.replace(".", "")
        if not local:
            raise InvalidInput("the email address has an empty mailbox name", reason="EMAIL_INVALID")
    return f"{local}@{domain}"


def normalize_phone(value: str, default_region: str | None) -> str:
    """The phone number in E.164 form (``+4915112345678``), checked against the numbering plan.

    ``default_region`` is an ISO 3166 alpha-2 or alpha-3 country code (or an ICAO code such as
    ``D``) used for numbers written in national form; ``None`` or ``""`` accepts only numbers
    in international form (``+`` or ``00`` and the country code). Raises :class:`InvalidInput`
    with reason ``PHONE_INVALID`` when the number cannot be parsed or is not a valid number,
    and with reason ``COUNTRY_INVALID`` when ``default_region`` is not a known country.
    """
    region = None
    if default_region:
        region = to_alpha2(default_region)
        if region is None:
            raise InvalidInput(
                "the default region is not a known country code",
                reason="COUNTRY_INVALID",
                metadata={"field": "country"},
            )
    text = value.strip()
    if region is None and text.startswith("00"):
        # Without a region phonenumbers cannot know the international call prefix; "00" is the
        # ITU-recommended one used by most countries.
        text = "+" + text[2:]
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidInput("not a phone number", reason="PHONE_INVALID") from exc
    if not phonenumbers.is_valid_number(number):
        raise InvalidInput("not a valid phone number for its country", reason="PHONE_INVALID")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
