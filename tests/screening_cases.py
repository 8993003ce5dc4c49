"""Screening cases shared by the engine and server tests: (text, category, normalised value or
None, disguise or None). Every value is fictitious (reserved phone ranges, example domains,
documented test IBANs, card and crypto numbers)."""

from __future__ import annotations

VIOLATIONS = [
    # contact: e-mail
    ("mail me at zeb.canary@example.org", "EMAIL", "zeb.canary@example.org", None),
    ("john at example dot com", "EMAIL", "john@example.com", "at_dot_words"),
    ("write to john (at) mail [dot] example [dot] org", "EMAIL", "john@mail.example.org", "at_dot_words"),
    ("j.smith@ex\u0430mple.com is my address", "EMAIL", "j.smith@example.com", "homoglyph"),
    ("\uff4a\uff4f\uff48\uff4e\uff20\uff45\uff58\uff41\uff4d\uff50\uff4c\uff45\uff0e\uff43\uff4f\uff4d", "EMAIL",
     "john@example.com", "unicode"),
    # invisible characters: zero-width space, soft hyphen, word joiner, a combining mark on a digit
    ("john\u200b@\u200bexample\u200b.com", "EMAIL", "john@example.com", "unicode"),
    ("john\xad@example.com", "EMAIL", "john@example.com", "unicode"),
    ("call +44 7700\u2060 900\u2060123", "PHONE", "+447700900123", "unicode"),
    ("call +44 7700 9001\u03012\u03013", "PHONE", "+447700900123", "unicode"),
    ("my skype is @jo\u200bhn_doe", "MESSAGING_HANDLE", "skype:@john_doe", "unicode"),
    # contact: phone
    ("whatsapp me on +44 7700 900123", "PHONE", "+447700900123", None),
    ("call 07700 900456 after six", "PHONE", "+447700900456", None),
    ("my cell is (202) 555-0143", "PHONE", "+12025550143", None),
    ("five five five, zero one two three, area code two zero two: two zero two five five five zero one two three",
     "PHONE", "+12025550123", "spelled_digits"),
    ("0 7 7 0 0 9 0 0 1 2 3", "PHONE", "+447700900123", "separators"),
    ("plus four four seven seven zero zero nine zero zero one two three", "PHONE", "+447700900123",
     "spelled_digits"),
    # contact: URL
    ("see https://portfolio.example.com/work", "URL", "https://portfolio.example.com/work", None),
    ("my site is lucy-dev dot example dot net", "URL", "lucy-dev.example.net", "at_dot_words"),
    # contact: messaging handle
    ("my skype is j.smith_example", "MESSAGING_HANDLE", "skype:j.smith_example", None),
    ("add me on telegram: @canary_dev", "MESSAGING_HANDLE", "telegram:@canary_dev", None),
    ("w h a t s a p p me", "MESSAGING_HANDLE", "whatsapp", "separators"),
    ("t3l3gram me tonight", "MESSAGING_HANDLE", "telegram", "leetspeak"),
    ("wh\u0430tsapp me", "MESSAGING_HANDLE", "whatsapp", "homoglyph"),
    # payment: service
    ("pay me via paypal, saves us the fee", "PAYMENT_SERVICE", "paypal", None),
    ("send the money to my p.a.y.p.a.l", "PAYMENT_SERVICE", "paypal", "separators"),
    ("just pay me via v3nm0", "PAYMENT_SERVICE", "venmo", "leetspeak"),
    ("\u0440ay me with \u0440aypal", "PAYMENT_SERVICE", "paypal", "homoglyph"),
    # payment: IBAN, card, crypto
    ("my IBAN is GB82 WEST 1234 5698 7654 32", "BANK_ACCOUNT", "GB82WEST12345698765432", None),
    ("IBAN D E 8 9 3 7 0 4 0 0 4 4 0 5 3 2 0 1 3 0 0 0 please", "BANK_ACCOUNT", "DE89370400440532013000",
     "separators"),
    ("charge 4111 1111 1111 1111 for the deposit", "CARD_NUMBER", "4111111111111111", None),
    ("card four two four two four two four two four two four two four two four two", "CARD_NUMBER",
     "4242424242424242", "spelled_digits"),
    ("send BTC to bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", "CRYPTO_ADDRESS",
     "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", None),
    ("ETH 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "CRYPTO_ADDRESS",
     "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed", None),
    # intent
    ("let's continue this off the platform", "OFF_PLATFORM_INTENT", None, None),
    ("we can skip the platform fees this way", "OFF_PLATFORM_INTENT", None, None),
    ("let's take this 0ff the pl4tform", "OFF_PLATFORM_INTENT", None, "leetspeak"),
    # abuse
    ("this is fucking ridiculous", "PROFANITY", None, None),
    ("what a sh1t job", "PROFANITY", None, "leetspeak"),
    ("f u c k off", "PROFANITY", None, "separators"),
    ("this is f*cking late", "PROFANITY", None, None),
    ("I know where you live", "THREAT", None, None),
    ("I'm going to hurt you", "THREAT", None, None),
    ("you are a worthless idiot", "HARASSMENT", None, None),
    ("go away, no one likes you", "HARASSMENT", None, None),
    # found by probing beyond the corpus
    ("my number: 0 7 7 0 0 - 9 0 0 - 1 2 3", "PHONE", "+447700900123", "separators"),
    ("find me on insta: jane.design", "MESSAGING_HANDLE", "instagram:jane.design", None),
    ("my telegram handle is @jane_d", "MESSAGING_HANDLE", "telegram:@jane_d", None),
    ("let's move to email, it's easier", "OFF_PLATFORM_INTENT", None, None),
    ("paypal.me/janedoe", "PAYMENT_SERVICE", "paypal", None),
    ("send it to my cashapp $janedoe", "PAYMENT_SERVICE", "cashapp", None),
    # defanged addresses, "AT"/"DOT" in capitals, at/dot words in other languages
    ("portfolio: studio-lumen(.)example(.)org/work", "URL", "studio-lumen.example.org/work", "at_dot_words"),
    ("hxxps://files.example.net/brief", "URL", "https://files.example.net/brief", "at_dot_words"),
    ("write to ana(@)example[.]com", "EMAIL", "ana@example.com", "at_dot_words"),
    ("ANA AT EXAMPLE DOT COM", "EMAIL", "ana@example.com", "at_dot_words"),
    ("escríbeme: ana arroba example punto com", "EMAIL", "ana@example.com", "at_dot_words"),
    ("schreib mir: max at example Punkt de", "EMAIL", "max@example.de", "at_dot_words"),
    ("пиши: ivan собака example точка ru", "EMAIL", "ivan@example.ru", "at_dot_words"),
    ("my yahoo address is ana_k88, add the rest yourself", "EMAIL", "ana_k88@yahoo.com", None),
    ("write to lumen.studio at gmail", "EMAIL", "lumen.studio@gmail.com", "at_dot_words"),
    # text behind a right-to-left override, shown reversed
    ("mail me \u202emoc.elpmaxe@ana\u202c thanks", "EMAIL", "ana@example.com", "unicode"),
    ("call \u202e321009 0077 44+", "PHONE", "+447700900123", "unicode"),
    # a number split around its code
    ("ring 555 0142, area code 202", "PHONE", "+12025550142", None),
    ("country code 44, then 7700 900321", "PHONE", "+447700900321", None),
    # short app names in a contact context, apps named by ordinary words
    ("IG: @lumen.studio", "MESSAGING_HANDLE", "instagram:@lumen.studio", None),
    ("add me on tg: ana_dev", "MESSAGING_HANDLE", "telegram:ana_dev", None),
    ("my wa is the usual number", "MESSAGING_HANDLE", "whatsapp", None),
    ("kik me: ana_k88", "MESSAGING_HANDLE", "kik:ana_k88", None),
    ("message me on signal: +44 7700 900777", "MESSAGING_HANDLE", "signal", None),
    ("add me on line: ana_88", "MESSAGING_HANDLE", "line:ana_88", None),
    ("payment via wise works for me", "PAYMENT_SERVICE", "wise", None),
    ("my wise account: ana.k", "PAYMENT_SERVICE", "wise", None),
    ("call O77OO 9OO 123", "PHONE", "+447700900123", "homoglyph"),
    ("oh seven seven double oh nine double oh one two three", "PHONE", "+447700900123", "spelled_digits"),
    ("find me on x: @ana_lumen", "MESSAGING_HANDLE", "twitter:@ana_lumen", None),
    ("follow me on twitter @ana_lumen", "MESSAGING_HANDLE", "twitter:@ana_lumen", None),
    ("hmu on tg ana_dev", "MESSAGING_HANDLE", "telegram:ana_dev", None),
    # national bank details by their label, other chains' addresses by their checksum
    ("sort code 20-00-00, account 12345678", "BANK_ACCOUNT", "GB-SORT:200000", None),
    ("routing number 011000015, account 000123456789", "BANK_ACCOUNT", "US-RTN:011000015", None),
    ("BSB 062-000 acc 12345678", "BANK_ACCOUNT", "AU-BSB:062000", None),
    ("usdt trc20: T9yED5xMV5ARV98BexN97aLZ1UUq7eKSxm", "CRYPTO_ADDRESS", "T9yED5xMV5ARV98BexN97aLZ1UUq7eKSxm", None),
    # intent in other words
    ("what's your whatsapp?", "OFF_PLATFORM_INTENT", None, None),
    ("send me your personal email", "OFF_PLATFORM_INTENT", None, None),
    ("cheaper if we do it outside upwork", "OFF_PLATFORM_INTENT", None, None),
    ("if we bypass the site I can go lower", "OFF_PLATFORM_INTENT", None, None),
    ("I'd rather invoice you directly from now on", "OFF_PLATFORM_INTENT", None, None),
    ("cancel the contract and I'll bill you by bank transfer", "OFF_PLATFORM_INTENT", None, None),
    ("let's take this offline", "OFF_PLATFORM_INTENT", None, None),
    ("pay the balance in cash when we meet", "OFF_PLATFORM_INTENT", None, None),
    ("so the site doesn't take its cut", "OFF_PLATFORM_INTENT", None, None),
    ("we won't run it through the platform this time", "OFF_PLATFORM_INTENT", None, None),
    # profanity with hidden letters and abbreviations
    ("what the f***", "PROFANITY", None, None),
    ("ffs, read the brief", "PROFANITY", None, None),
    ("wtf is this", "PROFANITY", None, None),
    ("$h!t, it broke again", "PROFANITY", None, "leetspeak"),
    ("this is fuuuuucking ridiculous", "PROFANITY", None, None),
    # threats in other words
    ("you'll be sorry you hired someone else", "THREAT", None, None),
    ("I'm going to make you regret this", "THREAT", None, None),
    ("I'll come after you", "THREAT", None, None),
    ("I'll leak your photos", "THREAT", None, None),
    ("I know people who will find you", "THREAT", None, None),
    ("you'd better watch out", "THREAT", None, None),
    ("I'm coming for you", "THREAT", None, None),
    ("I'll make your life hell", "THREAT", None, None),
    ("post your home address online, that's what I'll do", "THREAT", None, None),
    # harassment in other words
    ("read the brief, you idiot!", "HARASSMENT", None, None),
    ("kill yourself", "HARASSMENT", None, None),
    ("you're a waste of space", "HARASSMENT", None, None),
    ("you are a complete and utter idiot", "HARASSMENT", None, None),
]

#: Clean texts that look like violations: none may be found at all.
CLEAN = [
    "The budget is $5,551,234 for the whole project.",
    "We upgraded to version 2.14.3 last week; Python 3.11.4 and Ubuntu 22.04 are fine.",
    "Invoice 2024-03-15 is attached, due on 15/03/2024, order #4481-2290.",
    "Our office is at 221B Baker Street, London NW1 6XE; visitors sign in at reception.",
    "Ship the samples to 1600 Main St, Springfield, unit 12.",
    "I know ASP.NET, VB.NET, Node.js and Vue.js; run python manage.py migrate first.",
    "Call obj.at(5) and user.email.strip() before you compare.",
    "The meeting is at 5 pm, I'll be at the office by 4.",
    "Five stars from my last five clients, one of them a repeat order.",
    "I built a Telegram bot and a Discord.js moderation tool; WhatsApp Business API too.",
    "The PayPal and Stripe checkout integrations are both in the repo.",
    "The kill switch stops the process; the assessment of the Scunthorpe branch is done.",
    "Please dot the i's and cross the t's, then upload it here on the platform.",
    "ISBN 978-0-12-345678-9, print run 5,000 copies, tracking 1Z999AA10123456784.",
    "Happy to do a video call here on the platform's messaging if that helps.",
    "The fee is paid through the platform as usual.",
    # found by probing beyond the corpus
    "We keep off-site backups on S3 and an on-site NAS.",
    "Serial number SN-4111-1111-1111-1111 printed on the box.",
    "Shut up and take my money! Great work.",
    "Send the invoice through the platform and I'll pay it today.",
    "The wise choice is to ship the MVP first; the signal processing module is done.",
    "Call the function at line 5551234 of the log; build 20240315123456, commit 4f3a9c1.",
    "Deadline is 12.05.2025 and the budget is 5.000 EUR; coordinates 51.5074, -0.1278.",
    "Nobody likes meetings, so let's keep it short. This bug is killing me.",
    # ordinary words that name apps or services, abbreviations that mean other things
    "Use the Line chart and the SignalR hub; the snap to grid option works, and it was a wise call.",
    "Our offices are in Washington DC 20001 and Seattle WA 98101; the FK constraint is fixed.",
    "The error is on line: 120 of utils.py, and line 4201 of the log; signal 9 killed the worker.",
    "Drop me a line at 5 pm if the build fails; snap install node works on Ubuntu.",
    "My gmail is full, so please use the project chat here.",
    "Kick-off is at 10; the IG panel (image generator) is in the left sidebar.",
    # the platform, its fee and cash, mentioned without going around it
    "The platform's commission is 10% and I'm fine with it; the fee is in the quote.",
    "The site works without the platform plugin; bypass the cache with ?nocache=1.",
    "We take the site offline for maintenance on Sundays; I will invoice through the platform.",
    "I'll work directly in the main branch and push to the staging site.",
    "The cash flow report and the cashback feature are both in milestone 3.",
    # threats and insults that are not: promises, third persons, sorry-to-hear
    "You'll be sorry to hear that the venue is closed; you won't regret the new one.",
    "I'll make you a mockup, and this release will destroy the old benchmarks.",
    "You'll pay for it through the milestones, as agreed.",
    "Our killer feature: a bloody mary recipe app; the foolproof setup takes 5 minutes.",
    "Please send your address to the accountant for the invoice.",
    # area codes, country codes and Spanish "punto" that are not numbers or addresses
    "Area code 212 covers Manhattan; we had 1,500 users and 300 orders.",
    "The country code 44 is for the UK; add 12 items to the cart.",
    "Diseño del punto de venta y menú: entrega el lunes a las 10.",
    "Markdown: **bold** and *italic*, a glob like *.py, and 2**8 is 256.",
    # insult words after "you" that are not aimed at anyone
    "Can you check the garbage collector settings? Did you see the trash icon? You found a stupid bug.",
    # "x", letters among digits, account numbers, the other's contact asked for on the platform
    "Resolution 1920 x 1080; let x = a.b; item lOO1 and model IO-7700-9001; xxx and zzz placeholders.",
    "Your account number 12345678 is on the invoice; the sort order of the codes is fine.",
    "What's your timezone? Send me your portfolio link through the platform.",
    "Tracking TBA123456789012 and the Tesla Model 3 spec sheet; twitter bootstrap and tiktok api.",

]

PROFILE_VIOLATIONS = [
    ("Logo designer", "asdfgh qwerty", "GIBBERISH"),
    ("sdfsdf", "jkjkjk lololol hjhjhj", "GIBBERISH"),
    ("Python developer", "lorem ipsum dolor sit amet, consectetur adipiscing elit", "PLACEHOLDER"),
    ("test", "test test", "PLACEHOLDER"),
    ("Senior Python Developer", "TBD", "PLACEHOLDER"),
    ("WordPress fixes", "[insert description]", "PLACEHOLDER"),
    ("Data analyst", "I analyse sales data in SQL. I am a developer with", "PLACEHOLDER"),
]

CLEAN_PROFILE = ("Senior Python Developer",
                 "I have 8 years of experience building web applications with Django, Flask and FastAPI. "
                 "Budget: $4,500, paid by milestone through the platform; weekly check-ins on video.",
                 ["Python", "Django", "SQL"])
