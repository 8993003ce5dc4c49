"""Build the labelled screening corpus (issue 18) from a seed: the file is frozen, this rebuilds it.

    PYTHONPATH=$PWD python benchmarks/screening_corpus.py            # rewrite the JSONL
    PYTHONPATH=$PWD python benchmarks/screening_corpus.py --check    # fail if it would change

Writes ``tests/data/screening_corpus.jsonl``: one JSON object a line, ``{"id", "kind"
("message" | "profile"), "split" ("tune" | "heldout"), "text" (messages) or "title",
"description", "skills" (profiles), "labels" (categories present, empty for clean), "disguise"}``.
The split is a stable hash of the id (SHA-256, first byte even = tune), so adding items never
moves an old one; tuning reads only ``split == "tune"`` and the benchmark reports ``heldout``.

Every contact and payment value is fictitious by construction: phone numbers from the ranges
reserved for drama and documentation (+44 7700 900xxx, UK 07700 900xxx, North American
NXX-555-01xx), e-mail and web addresses at example.com/.org/.net (RFC 2606), the IBANs printed
as examples in the IBAN registry, the card numbers payment processors publish for testing, the
Bitcoin addresses of BIP-173 test vectors and of the Bitcoin wiki's address examples, and
Ethereum addresses from EIP-55's test vectors. Messaging handles are invented.

The corpus was written, then frozen (committed) before any detector existed; the detectors were
tuned on the ``tune`` half only. Templates are shared by both halves, so the held-out half
measures generalisation to new combinations and values, not to new phrasings: say so wherever
its numbers are quoted.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
from pathlib import Path

SEED = 18
N_MESSAGES = 1400
N_PROFILES = 420
OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "screening_corpus.jsonl"

DIGIT_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
HOMOGLYPHS = {"a": "\u0430", "e": "\u0435", "o": "\u043e", "p": "\u0440", "c": "\u0441", "x": "\u0445",
              "i": "\u0456", "y": "\u0443", "s": "\u0455"}  # Cyrillic look-alikes of Latin letters
LEET = {"a": "4", "e": "3", "i": "1", "o": "0", "s": "5", "t": "7"}

# --- values (all fictitious, see the module docstring) -------------------------------------------

def phone_values(rng: random.Random) -> tuple[str, str]:
    """A displayed phone number and its digits."""
    kind = rng.randrange(4)
    n = rng.randrange(1000)
    if kind == 0:
        return f"+44 7700 900{n:03d}", f"447700900{n:03d}"
    if kind == 1:
        return f"07700 900{n:03d}", f"447700900{n:03d}"
    area = rng.choice(["202", "312", "415", "617", "718"])
    m = rng.randrange(100, 200)
    if kind == 2:
        return f"({area}) 555-01{m % 100:02d}", f"1{area}55501{m % 100:02d}"
    return f"+1 {area} 555 01{m % 100:02d}", f"1{area}55501{m % 100:02d}"


FIRST = ["john", "maria", "li", "amara", "pedro", "sofia", "dev", "anna", "omar", "kenji", "lucy", "ravi"]
LAST = ["smith", "garcia", "chen", "okafor", "silva", "rossi", "patel", "novak", "haddad", "tanaka"]
EXAMPLE_DOMAINS = ["example.com", "example.org", "example.net", "mail.example.com", "studio.example.org"]
IBANS = ["GB82 WEST 1234 5698 7654 32", "DE89 3704 0044 0532 0130 00", "FR14 2004 1010 0505 0001 3M02 606",
         "NL91 ABNA 0417 1643 00", "ES91 2100 0418 4502 0005 1332", "IT60 X054 2811 1010 0000 0123 456",
         "BE68 5390 0754 7034", "CH93 0076 2011 6238 5295 7"]
CARDS = ["4111 1111 1111 1111", "5555 5555 5555 4444", "4242 4242 4242 4242", "3782 822463 10005",
         "6011 1111 1111 1117", "5105 1051 0510 5100", "4012 8888 8888 1881", "3714 496353 98431"]
CRYPTO = ["1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy",
          "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
          "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359", "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
          "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb"]
APPS = ["whatsapp", "telegram", "skype", "discord", "wechat", "viber", "signal"]
PAY_SERVICES = ["paypal", "venmo", "cash app", "zelle", "western union", "payoneer", "revolut", "wise"]


def email_value(rng: random.Random) -> str:
    user = (rng.choice(FIRST) + rng.choice([".", "_", ""]) + rng.choice(LAST)
            + rng.choice(["", str(rng.randrange(10, 99))]))
    return f"{user}@{rng.choice(EXAMPLE_DOMAINS)}"


def url_value(rng: random.Random) -> str:
    host = rng.choice(["www.", "", "portfolio."]) + rng.choice(LAST) + "-" + rng.choice(["design", "dev", "studio"]) \
        + "." + rng.choice(["example.com", "example.org", "example.net"])
    path = rng.choice(["", "/work", "/portfolio", "/contact", "/cv.pdf"])
    return rng.choice(["https://", "http://", ""]) + host + path


def handle_value(rng: random.Random) -> str:
    return rng.choice(FIRST) + rng.choice(["_", ".", ""]) + rng.choice(LAST) + rng.choice(["", "_dev", "42", "99"])


# --- disguises -------------------------------------------------------------------------------------

def spaced(s: str) -> str:
    return " ".join(c for c in s if not c.isspace())


def spelled_digits(s: str, rng: random.Random) -> str:
    out = []
    for c in s:
        if c.isdigit():
            out.append(DIGIT_WORDS[int(c)])
        elif c == "+":
            out.append("plus")
    sep = rng.choice([" ", " ", "-", ", "])
    return sep.join(out)


def at_dot(email: str, rng: random.Random) -> str:
    at = rng.choice([" at ", " (at) ", " [at] ", " AT "])
    dot = rng.choice([" dot ", " (dot) ", " [dot] ", " DOT "])
    user, domain = email.split("@")
    return user.replace(".", dot) + at + domain.replace(".", dot)


def homoglyph(s: str, rng: random.Random) -> str:
    chars = list(s)
    spots = [i for i, c in enumerate(chars) if c.lower() in HOMOGLYPHS]
    for i in rng.sample(spots, k=min(len(spots), max(1, len(spots) // 2))):
        chars[i] = HOMOGLYPHS[chars[i].lower()]
    return "".join(chars)


def leet(s: str, rng: random.Random) -> str:
    chars = list(s)
    spots = [i for i, c in enumerate(chars) if c in LEET]
    for i in rng.sample(spots, k=min(len(spots), max(1, (len(spots) + 1) // 2))):
        chars[i] = LEET[chars[i]]
    return "".join(chars)


def separated(s: str, rng: random.Random) -> str:
    return rng.choice([".", "-", "_", "*", " "]).join(c for c in s if not c.isspace())


def disguise_word(word: str, rng: random.Random) -> tuple[str, str]:
    """A word (app or payment service name) plain or in one disguise."""
    how = rng.choice(["plain", "plain", "spaced", "homoglyph", "leetspeak", "separators", "upper"])
    if how == "spaced":
        return spaced(word), how
    if how == "homoglyph":
        return homoglyph(word, rng), how
    if how == "leetspeak":
        return leet(word, rng), how
    if how == "separators":
        return separated(word, rng), how
    if how == "upper":
        return word.upper(), "plain"
    return word, "plain"


# --- message templates -----------------------------------------------------------------------------

GREETS = ["Hi,", "Hello!", "Hey there,", "Thanks for the invite.", "Good morning,", "", "Sure thing.", "Great,"]
INTENT = ["let's continue this off the platform", "we can skip the platform fees this way",
          "contact me directly outside the site", "let's move this conversation outside of here",
          "pay me outside the platform so we avoid the fee", "better to talk outside this app",
          "we can do the contract off-site and save the commission",
          "don't tell the platform, just message me directly"]
INTENT_DISGUISED = ["let's continue this off the pl4tform", "we can skip the p l a t f o r m fees this way",
                    "contact me directly outside the s1te", "let's take this 0ff the platform"]


def msg_phone(rng):
    shown, _ = phone_values(rng)
    how = rng.choice(["plain", "plain", "spaced", "spelled", "separators", "mixed"])
    if how == "spaced":
        shown = spaced(shown)
    elif how == "spelled":
        shown = spelled_digits(shown, rng)
    elif how == "separators":
        shown = rng.choice([".", "-", "/"]).join(shown.replace("+", "").split())
        how = "plain"
    elif how == "mixed":
        digits = [c for c in shown if c.isdigit()]
        cut = len(digits) // 2
        shown = "".join(digits[:cut]) + " " + " ".join(DIGIT_WORDS[int(d)] for d in digits[cut:])
        how = "spelled"
    lead = rng.choice(["my number is", "call me on", "text me at", "my mobile:", "reach me on", "phone:",
                       "ring me at", "you can call", "my cell is"])
    return f"{lead} {shown}", ["PHONE"], how


def msg_email(rng):
    value = email_value(rng)
    how = rng.choice(["plain", "plain", "at_dot", "at_dot", "homoglyph", "spaced"])
    if how == "at_dot":
        value = at_dot(value, rng)
    elif how == "homoglyph":
        value = homoglyph(value, rng)
    elif how == "spaced":
        value = value.replace("@", " @ ").replace(".", " . ")
    lead = rng.choice(["my email is", "email me at", "write to", "send the files to", "drop me a line at",
                       "my address:", "contact:"])
    return f"{lead} {value}", ["EMAIL"], how


def msg_url(rng):
    value = url_value(rng)
    how = rng.choice(["plain", "plain", "at_dot", "spaced_dots"])
    if how == "at_dot":
        value = value.replace("https://", "").replace("http://", "").replace(".", " dot ")
    elif how == "spaced_dots":
        value = value.replace(".", " . ")
        how = "at_dot"
    lead = rng.choice(["see my work at", "my site is", "portfolio:", "book me through", "check out",
                       "my other profile is at"])
    return f"{lead} {value}", ["URL"], how


def msg_handle(rng):
    app = rng.choice(APPS)
    shown, how = disguise_word(app, rng)
    handle = handle_value(rng)
    kind = rng.randrange(3)
    if kind == 0:
        text = f"add me on {shown}: {'@' if app in ('telegram', 'discord') else ''}{handle}"
    elif kind == 1:
        text = f"my {shown} is {handle}"
    else:
        phone, _ = phone_values(rng)
        return f"{shown} me on {phone}", ["MESSAGING_HANDLE", "PHONE"], how
    return text, ["MESSAGING_HANDLE"], how


def msg_payment_service(rng):
    svc = rng.choice(PAY_SERVICES)
    shown, how = disguise_word(svc, rng)
    kind = rng.randrange(4)
    if kind == 0:
        return f"just pay me via {shown}", ["PAYMENT_SERVICE"], how
    if kind == 1:
        return f"send the money to my {shown}", ["PAYMENT_SERVICE"], how
    if kind == 2:
        email = email_value(rng)
        return f"my {shown} is {email}, send it there", ["PAYMENT_SERVICE", "EMAIL"], how
    return f"I accept payment by {shown} only", ["PAYMENT_SERVICE"], how


def msg_iban(rng):
    value = rng.choice(IBANS)
    how = rng.choice(["plain", "plain", "compact", "separators", "spaced"])
    if how == "compact":
        value, how = value.replace(" ", ""), "plain"
    elif how == "separators":
        value = value.replace(" ", rng.choice(["-", "."]))
    elif how == "spaced":
        value = spaced(value)
    lead = rng.choice(["my IBAN is", "wire it to", "bank transfer to IBAN", "account:", "transfer to"])
    return f"{lead} {value}", ["BANK_ACCOUNT"], how


def msg_card(rng):
    value = rng.choice(CARDS)
    how = rng.choice(["plain", "plain", "compact", "separators", "spelled"])
    if how == "compact":
        value, how = value.replace(" ", ""), "plain"
    elif how == "separators":
        value = value.replace(" ", "-")
    elif how == "spelled":
        value = spelled_digits(value, rng)
    lead = rng.choice(["charge my card", "here's my card number:", "use card", "my card is", "card no."])
    return f"{lead} {value}", ["CARD_NUMBER"], how


def msg_crypto(rng):
    value = rng.choice(CRYPTO)
    coin = "ETH" if value.startswith("0x") else "BTC"
    lead = rng.choice([f"send {coin} to", "my wallet:", f"pay in {coin.lower()} to", "crypto address"])
    return f"{lead} {value}", ["CRYPTO_ADDRESS"], "plain"


def msg_intent(rng):
    if rng.random() < 0.25:
        return rng.choice(INTENT_DISGUISED), ["OFF_PLATFORM_INTENT"], "leetspeak"
    return rng.choice(INTENT), ["OFF_PLATFORM_INTENT"], "plain"


PROFANE = ["this is fucking ridiculous", "what a shit job", "stop being such a dick", "you're a bitch",
           "what the fuck is this", "this is bullshit", "fuck off with your rates", "you absolute asshole"]
PROFANE_DISGUISED = ["this is f*cking ridiculous", "what a sh1t job", "you're a b1tch", "this is bu11shit",
                     "f u c k off with your rates", "you absolute a$$hole"]
THREATS = ["I will find where you live", "you'll regret this, I promise", "I'm going to hurt you",
           "watch your back", "I know where you live", "I will make you pay for this",
           "you'd better pay or something bad will happen to you", "I will kill you"]
HARASS = ["you are a worthless idiot", "nobody wants to work with a loser like you", "you're stupid and useless",
          "shut up, moron", "you pathetic clown", "go away, no one likes you", "you are so dumb it hurts"]


def msg_profanity(rng):
    if rng.random() < 0.35:
        return rng.choice(PROFANE_DISGUISED), ["PROFANITY"], "leetspeak"
    return rng.choice(PROFANE), ["PROFANITY"], "plain"


def msg_threat(rng):
    return rng.choice(THREATS), ["THREAT"], "plain"


def msg_harass(rng):
    return rng.choice(HARASS), ["HARASSMENT"], "plain"


CLEAN = [
    "The budget is ${a},{b:03d},{c:03d} for the whole project.",
    "I can do it for ${a}{b:03d}.{c:02d} including revisions.",
    "We upgraded to version {a}.{b}.{c} last week; please test against v{a}.{b}.",
    "Invoice {year}-{mm:02d}-{dd:02d} is attached, due on {dd:02d}/{mm:02d}/{year}.",
    "Invoice number INV-{year}-{b:04d} covers the hours from {dd} March to {mm} April.",
    "Our office is at {a} Baker Street, London NW1 6XE, visitors sign in at reception.",
    "Ship the samples to {a}{b} Main St, Springfield, unit {c}.",
    "I have {w} years of experience, {w2} of them with Django and Postgres.",
    "Order #{a}{b:03d}-{c:04d} was delivered on {mm:02d}/{dd:02d}.",
    "The API returns HTTP {code} when the token expires after {c} seconds.",
    "Run `pip install requests=={a}.{b}.{c}` then `python manage.py migrate`.",
    "Use user.email.strip().lower() before you compare, and call obj.at({c}) in the C++ part.",
    "SELECT id, total FROM orders WHERE total > {a}{b:03d} AND created_at > '{year}-01-01';",
    "I know ASP.NET, VB.NET, Node.js and Vue.js, and I've shipped {w} apps with them.",
    "The meeting is at {h} pm on the {dd}th, I'll be at the office by {h2}.",
    "Please dot the i's and cross the t's in the contract draft, then upload it here.",
    "The kill switch stops the process; execute the script again after {c} seconds.",
    "We hit {a},{b:03d} users; the assessment of the Scunthorpe branch is done.",
    "Latency dropped from {a}{b:02d} ms to {c} ms at the 99th percentile.",
    "Screen sizes {a}x{b}, {c}x{a} and {b}x{c} must all render the logo.",
    "I'll send the revised mockups through the platform by Friday.",
    "Happy to do a video call here on the platform's messaging if that helps.",
    "The PayPal and Stripe checkout integrations are both in the repo, tests included.",
    "I built a Telegram bot and a Discord.js moderation tool for previous clients.",
    "Digital signal processing and WhatsApp Business API experience, see my profile reviews.",
    "Tracking code 1Z{a}{b}{c} shows the parcel in transit.",
    "Room {a}, floor {w}, building {c}; the code for the door is on the brief.",
    "The ISBN is 978-0-{a}{b}-{c}-{w} and the print run is {a},{b:03d} copies.",
    "Section {w}.{w2} of the spec, page {c}: the fee is paid through the platform as usual.",
    "Phone-sized layout first, then tablet; the call-to-action goes at the top.",
    "Call the endpoint at /api/v{w}/users/{c} and check the at-rate limits.",
    "My rate is ${c} per hour, {w} hours a day, about {a}{b:03d} a month.",
    "Lat {a}.{b:04d}, long -{c}.{b:04d}: that is where the drone footage was taken.",
    "Meet the deadline of {mm}/{dd}/{year}? Yes, with {w2} days to spare.",
    "Five stars from my last five clients, one of them a repeat order.",
    "It runs on Ubuntu {w}{w2}.04 with kernel {w}.{b}.{c} and Python 3.{w2}.",
    "Color #{a}{b:03d}F is off-brand, use #1A2B3C and the 12-column grid.",
    "Thanks, the files look great! I'll approve the milestone now.",
    "Could you add a dark mode and fix the bug on the checkout page?",
    "No problem at all, I'll update the copy and resend it tomorrow morning.",
]


def clean_message(rng) -> tuple[str, list[str], str]:
    template = rng.choice(CLEAN)
    text = template.format(a=rng.randrange(1, 10), b=rng.randrange(0, 999), c=rng.randrange(1, 999),
                           year=rng.randrange(2019, 2027), mm=rng.randrange(1, 13), dd=rng.randrange(1, 29),
                           w=rng.randrange(2, 9), w2=rng.randrange(1, 9), h=rng.randrange(1, 12),
                           h2=rng.randrange(1, 12), code=rng.choice([401, 403, 404, 500, 503]))
    return text, [], "none"


VIOLATIONS = [msg_phone, msg_email, msg_url, msg_handle, msg_payment_service, msg_iban, msg_card, msg_crypto,
              msg_intent, msg_profanity, msg_threat, msg_harass]
TAILS = ["", ".", " thanks", " - talk soon", "!", " cheers"]


def message(rng: random.Random) -> dict:
    if rng.random() < 0.45:
        text, labels, how = clean_message(rng)
        if rng.random() < 0.3:
            text += " " + clean_message(rng)[0]
        return {"text": text, "labels": labels, "disguise": how}
    make = rng.choice(VIOLATIONS)
    body, labels, how = make(rng)
    labels = list(labels)
    if make not in (msg_intent, msg_profanity, msg_threat, msg_harass) and rng.random() < 0.3:
        body += ", " + rng.choice(INTENT)
        labels.append("OFF_PLATFORM_INTENT")
    text = " ".join(p for p in [rng.choice(GREETS), body + rng.choice(TAILS)] if p)
    if rng.random() < 0.3:  # a violation hidden in an ordinary message
        text = clean_message(rng)[0] + " " + text
    return {"text": text, "labels": sorted(set(labels)), "disguise": how}


# --- profiles and job posts ------------------------------------------------------------------------

TITLES = ["Senior Python Developer", "Logo and Brand Designer", "Full-stack JavaScript Engineer",
          "Technical Writer for APIs", "Data Analyst (SQL, Tableau)", "iOS Developer, Swift and SwiftUI",
          "Build a Shopify store for a bakery", "Translate a 20-page manual from German to English",
          "Need a WordPress plugin fixed", "Video editor for a YouTube channel", "DevOps engineer: Kubernetes",
          "Bookkeeping for a small business", "Illustrator for a children's book", "Mobile app UX audit"]
SENTENCES = [
    "I have {n} years of experience building web applications with Django, Flask and FastAPI.",
    "My clients include two banks and a logistics company, and I care about tests and documentation.",
    "I design logos, brand guidelines and packaging, and I deliver vector files in every format you need.",
    "We are looking for someone to migrate our site from PHP {n}.{m} to a modern stack within {n} weeks.",
    "The job is to build a REST API with authentication, rate limits and an admin dashboard.",
    "You will work with our product manager and ship a first version by the end of the month.",
    "I write clear documentation for developer tools, from quick-start guides to full API references.",
    "Budget: ${n},{m}00, paid by milestone through the platform; weekly check-ins on video.",
    "I analyse sales data in SQL and Python and present the findings in Tableau dashboards.",
    "Experience with CI/CD pipelines, Terraform, AWS and monitoring with Prometheus and Grafana.",
    "Please include two examples of similar work and your availability in your proposal.",
    "I am fluent in English, German and Spanish and have translated {n}00 technical documents.",
    "Our bakery needs an online shop with delivery slots, gift cards and a loyalty programme.",
    "Deliverables: wireframes, a clickable prototype and a short report with prioritised fixes.",
    "I have a degree in accounting and keep books for {n}0 small businesses using Xero and QuickBooks.",
    "Open to long-term work; I reply within a few hours on weekdays, UK time.",
]
SKILLS = ["Python", "Django", "JavaScript", "React", "Figma", "Illustrator", "SQL", "Tableau", "Swift", "Kubernetes",
          "Terraform", "Copywriting", "Translation", "Bookkeeping", "Video editing", "WordPress", "Shopify", "Go"]

GIBBERISH_TEXTS = ["asdfgh qwerty", "asdf asdf jkl; jkl;", "qwertyuiop asdfghjkl", "sdfsdf dfgdfg ghjghj",
                   "zxcvbnm zxcvbnm", "jkjkjk lololol hjhjhj", "xkqzvw plmnbt rrtgfd", "aaaaaaaaaaaa",
                   "fghfgh jkljkl fghfgh", "qazwsx edcrfv tgbyhn", "dsfkjh sdkjfh kjsdhf", "wqeqwe rtyrty"]
PLACEHOLDER_TEXTS = ["lorem ipsum dolor sit amet, consectetur adipiscing elit", "test test test", "TODO",
                     "TBD", "description here", "[insert description]", "xxx", "Lorem ipsum.",
                     "placeholder text", "to be added later", "N/A", "test", "your description goes here",
                     "coming soon", "...", "sample job post, please ignore"]
UNFINISHED = ["I am a developer with", "Looking for someone who can", "We need a designer to",
              "My experience includes", "The project is about"]


def profile(rng: random.Random) -> dict:
    title = rng.choice(TITLES)
    skills = rng.sample(SKILLS, k=rng.randrange(2, 6))
    sentences = [s.format(n=rng.randrange(2, 9), m=rng.randrange(1, 9))
                 for s in rng.sample(SENTENCES, k=rng.randrange(2, 5))]
    description = " ".join(sentences)
    roll = rng.random()
    labels, how = [], "none"
    if roll < 0.17:
        description = rng.choice(GIBBERISH_TEXTS)
        if rng.random() < 0.5:
            title = rng.choice(GIBBERISH_TEXTS).split()[0]
        labels = ["GIBBERISH"]
    elif roll < 0.34:
        description = rng.choice(PLACEHOLDER_TEXTS)
        if rng.random() < 0.4:
            title = rng.choice(["test", "TBD", "Lorem ipsum", "Untitled", "New job post"])
        labels, how = ["PLACEHOLDER"], "placeholder"
    elif roll < 0.42:
        description = (sentences[0] + " " if rng.random() < 0.3 else "") + rng.choice(UNFINISHED)
        labels, how = ["PLACEHOLDER"], "unfinished"
    elif roll < 0.52:
        make = rng.choice([msg_phone, msg_email, msg_url, msg_handle, msg_payment_service])
        body, extra, how = make(rng)
        description += " " + body[0].upper() + body[1:] + "."
        labels = list(extra)
    return {"title": title, "description": description, "skills": skills, "labels": sorted(labels),
            "disguise": how}


def split_of(item_id: str) -> str:
    """``tune`` or ``heldout``: the first byte of the id's SHA-256, even or odd."""
    return "tune" if hashlib.sha256(item_id.encode()).digest()[0] % 2 == 0 else "heldout"


def build_corpus(seed: int = SEED) -> list[dict]:
    """Every item of the corpus, in a fixed order, from ``seed``."""
    rng = random.Random(seed)
    items = []
    for i in range(N_MESSAGES):
        item_id = f"m{i:05d}"
        items.append({"id": item_id, "kind": "message", "split": split_of(item_id), **message(rng)})
    for i in range(N_PROFILES):
        item_id = f"p{i:05d}"
        items.append({"id": item_id, "kind": "profile", "split": split_of(item_id), **profile(rng)})
    return items


def render(items: list[dict]) -> str:
    return "".join(json.dumps(x, ensure_ascii=False, sort_keys=True) + "\n" for x in items)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the committed file differs")
    args = parser.parse_args(argv)
    text = render(build_corpus())
    if args.check:
        same = OUT.is_file() and OUT.read_text(encoding="utf-8") == text
        print("corpus is in step" if same else f"{OUT} differs from the generator")
        return 0 if same else 1
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT} ({len(text.splitlines())} items)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
