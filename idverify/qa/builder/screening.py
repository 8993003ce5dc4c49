"""ScreenMessage and ScreenProfile cases: each category in plain and disguised form, clean texts
that look like violations, a contract's override, profiles with gibberish, placeholders and
unfinished text, and refused input. Every contact and payment value is fictitious (reserved
phone ranges, example domains, documented test IBANs and card numbers). No image is involved.
"""

from __future__ import annotations

from idverify.qa.builder.spec import CaseSpec

__all__ = ["screening_cases"]

_SUITE = "screening"

#: (case name, description, text, decision, categories expected)
_MESSAGES: tuple[tuple[str, str, str, str, tuple[str, ...]], ...] = (
    ("phone_uk_reserved", "a UK drama-range mobile number", "whatsapp me on +44 7700 900123", "BLOCK",
     ("PHONE", "MESSAGING_HANDLE")),
    ("phone_spelled", "a number spelled out in words", "call me on four one five five five five zero one six nine",
     "BLOCK", ("PHONE",)),
    ("phone_spaced", "single digits with spaces and dashes", "my number: 0 7 7 0 0 - 9 0 0 - 1 2 3", "BLOCK",
     ("PHONE",)),
    ("email_at_dot", "an address with at and dot words", "write to john at example dot com", "BLOCK", ("EMAIL",)),
    ("email_homoglyph", "Cyrillic letters in the domain", "j.smith@ex\u0430mple.com is my address", "BLOCK",
     ("EMAIL",)),
    ("url_portfolio", "a portfolio link (a warning: often legitimate)", "see https://portfolio.example.com/work",
     "WARN", ("URL",)),
    ("url_under_contract", "the same link between parties with a contract", "see https://portfolio.example.com/work",
     "ALLOW", ()),
    ("handle_separators", "an app name with spaces between its letters", "w h a t s a p p me", "BLOCK",
     ("MESSAGING_HANDLE",)),
    ("payment_service_leetspeak", "a payment service in leetspeak", "just pay me via v3nm0", "BLOCK",
     ("PAYMENT_SERVICE",)),
    ("iban_registry_example", "the IBAN registry's British example", "my IBAN is GB82 WEST 1234 5698 7654 32",
     "BLOCK", ("BANK_ACCOUNT",)),
    ("card_test_number", "a processor's test card number", "charge 4111 1111 1111 1111 for the deposit", "BLOCK",
     ("CARD_NUMBER",)),
    ("crypto_bech32", "a BIP-173 test vector address", "send BTC to bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
     "BLOCK", ("CRYPTO_ADDRESS",)),
    ("intent_fees", "asking to skip the platform's fees", "we can skip the platform fees this way", "WARN",
     ("OFF_PLATFORM_INTENT",)),
    ("profanity_leetspeak", "a profane word in leetspeak", "what a sh1t job", "WARN", ("PROFANITY",)),
    ("threat", "a threat of harm", "I know where you live", "BLOCK", ("THREAT",)),
    ("harassment", "an insult aimed at the reader", "you are a worthless idiot", "BLOCK", ("HARASSMENT",)),
    ("clean_price", "a price with seven digits is not a phone", "The budget is $5,551,234 for the whole project.",
     "ALLOW", ()),
    ("clean_version_and_date", "version numbers and invoice dates",
     "We ship version 2.14.3 on 2024-03-15; invoice due 15/03/2024, order #4481-2290.", "ALLOW", ()),
    ("clean_street_address", "a street address", "Our office is at 221B Baker Street, London NW1 6XE.", "ALLOW",
     ()),
    ("clean_tech_terms", "technical names that look like web addresses or apps",
     "I know ASP.NET and Node.js, built a Telegram bot, and ran python manage.py migrate.", "ALLOW", ()),
)

#: (case name, description, title, description, decision, categories expected)
_PROFILES: tuple[tuple[str, str, str, str, str, tuple[str, ...]], ...] = (
    ("profile_gibberish", "a keyboard mash for a description", "Logo designer", "asdfgh qwerty", "BLOCK",
     ("GIBBERISH",)),
    ("profile_lorem_ipsum", "a placeholder description", "Python developer",
     "lorem ipsum dolor sit amet, consectetur adipiscing elit", "WARN", ("PLACEHOLDER",)),
    ("profile_unfinished", "a description that stops mid-sentence", "Data analyst",
     "I analyse sales data in SQL. I am a developer with", "WARN", ("PLACEHOLDER",)),
    ("profile_contact_in_description", "an e-mail address in a job post", "Designer needed",
     "Send your portfolio to hiring at example dot org.", "BLOCK", ("EMAIL",)),
    ("profile_clean", "a complete, ordinary profile", "Senior Python Developer",
     "I have 8 years of experience building web applications with Django, Flask and FastAPI. "
     "Budget: $4,500, paid by milestone through the platform.", "ALLOW", ()),
)


def screening_cases(seed: int = 7, size: str = "small") -> list[CaseSpec]:
    """The screening suite (the same at every seed and size: its texts are written out)."""
    specs = []
    for name, description, text, decision, categories in _MESSAGES:
        expect: dict = {"decision": decision}
        if categories:
            expect["reasons_include"] = list(categories)
        specs.append(CaseSpec(_SUITE, name, {
            "rpc": "ScreenMessage", "description": description, "tags": ["clean" if not categories else "violation"],
            "inputs": {"text": text, "contract_exists": name == "url_under_contract"}, "expect": expect}))
    for name, description, title, text, decision, categories in _PROFILES:
        expect = {"decision": decision}
        if categories:
            expect["reasons_include"] = list(categories)
        specs.append(CaseSpec(_SUITE, name, {
            "rpc": "ScreenProfile", "description": description, "tags": ["clean" if not categories else "violation"],
            "inputs": {"title": title, "description": text, "skills": ["Python", "SQL"]}, "expect": expect}))
    specs.append(CaseSpec(_SUITE, "refused_empty_text", {
        "rpc": "ScreenMessage", "description": "an empty message is refused with a reason", "tags": ["bad_input"],
        "inputs": {"text": "   "}, "expect": {"error": {"code": "INVALID_ARGUMENT", "reason": "TEXT_MISSING"}}}))
    return specs
