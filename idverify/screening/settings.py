"""The ``[screening]`` configuration table."""

from __future__ import annotations

from dataclasses import dataclass

from idverify.errors import ConfigError

__all__ = ["ScreeningSettings"]


@dataclass(frozen=True)
class ScreeningSettings:
    """How texts are screened."""

    #: Path of a screening policy TOML file; empty means the packaged ``default_policy.toml``.
    policy_path: str = ""
    #: ISO 3166 regions tried in order for phone numbers written without a country code.
    phone_regions: tuple[str, ...] = ("GB", "US")
    #: A profile or job-post field is gibberish when at least this share of its words are nonsense.
    gibberish_threshold: float = 0.5
    #: A word is known when its Zipf frequency in wordfreq's English list is at least this
    #: (1.5 is about 3 occurrences in 100 million words).
    known_word_zipf: float = 1.5
    #: Longest text (characters) one field may have; longer ones are refused (INVALID_ARGUMENT,
    #: TEXT_TOO_LONG). Over gRPC the server's request validation also caps a message's text and a
    #: profile's description at 20,000 characters and every other string at 4,096
    #: (FIELD_TOO_LONG; ``idverify.server.validation``).
    max_text_chars: int = 20_000
    #: Contact and payment details found in a sender's messages become the sender's linking
    #: signals (keyed hashes only; medium evidence at most, never a join alone), when the
    #: linker is configured and the request names a registered sender.
    link_posted_details: bool = True
    #: A profile's or job post's description fingerprint (MinHash over keyed shingles) becomes
    #: the account's weak linking signal, and a near-duplicate of another account's is a
    #: DUPLICATE_TEXT finding.
    link_profile_text: bool = True
    #: Estimated Jaccard similarity of word shingles at or above which a description is a
    #: DUPLICATE_TEXT finding (its confidence is the similarity).
    duplicate_text_similarity: float = 0.8

    def validate(self) -> None:
        """Raise ConfigError (CONFIG_VALUE) for no phone region, a region that is not two
        upper-case letters or a threshold outside (0, 1]."""
        if not self.phone_regions or any(len(r) != 2 or not r.isalpha() or not r.isupper()
                                         for r in self.phone_regions):
            raise ConfigError("phone_regions must be ISO 3166 alpha-2 codes such as \"GB\"", reason="CONFIG_VALUE")
        if not 0.0 < self.gibberish_threshold <= 1.0:
            raise ConfigError("gibberish_threshold must be in (0, 1]", reason="CONFIG_VALUE")
        if not 0.0 < self.duplicate_text_similarity <= 1.0:
            raise ConfigError("duplicate_text_similarity must be in (0, 1]", reason="CONFIG_VALUE")
        if self.max_text_chars < 1:
            raise ConfigError("max_text_chars must be positive", reason="CONFIG_VALUE")
