"""The data the detectors need, read from installed packages once at start-up (the screening
package's only I/O besides the policy file): nothing is downloaded, ever.

- ``better-profanity``'s word list (``profanity_wordlist.txt`` inside its wheel);
- ``wordfreq``'s English frequency list, for telling words from gibberish;
- ``tldextract`` with its bundled Public Suffix List snapshot: ``suffix_list_urls=()`` and no
  cache directory, so it never fetches a newer list at run time.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources

__all__ = ["known_word_list", "load_profane_words", "public_suffix_function"]


def load_profane_words() -> list[str]:
    """The words of better-profanity's packaged list."""
    text = resources.files("better_profanity").joinpath("profanity_wordlist.txt").read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip()]


def known_word_list(min_zipf: float) -> Callable[[str], bool]:
    """``known(word)``: whether ``word`` has a Zipf frequency of ``min_zipf`` or more in English."""
    from wordfreq import zipf_frequency

    zipf_frequency("warm", "en")  # loads the list now, not on the first profile

    def known(word: str) -> bool:
        return zipf_frequency(word, "en") >= min_zipf

    return known


def public_suffix_function() -> Callable[[str], str]:
    """``suffix(host)``: the public suffix of ``host`` (``co.uk``), or '' when it has none or is one."""
    import tldextract

    extract = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, include_psl_private_domains=False)

    def suffix(host: str) -> str:
        parts = extract(host)
        return parts.suffix if parts.suffix and parts.domain else ""

    return suffix
