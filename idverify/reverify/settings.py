"""Settings of the re-verification workers ([reverify] in the configuration)."""

from __future__ import annotations

from dataclasses import dataclass

from idverify.errors import ConfigError

__all__ = ["ReverifySettings"]


@dataclass(frozen=True)
class ReverifySettings:
    """When accounts are due again, and how workers lease and retry them."""

    #: Days after a verification when the account is re-verified in any case.
    period_days: int = 365
    #: Days before the document's expiry when the account becomes due.
    expiring_within_days: int = 30
    #: Seconds a worker holds a leased account; a crashed worker's lease expires after this.
    lease_seconds: float = 300.0
    #: Accounts leased at once by one worker.
    batch_size: int = 20
    #: Attempts at a transiently failing account before it is parked as failed.
    max_attempts: int = 5
    #: First retry delay in seconds; doubles per attempt, with jitter, up to backoff_max_seconds.
    backoff_base_seconds: float = 30.0
    #: Longest retry delay in seconds.
    backoff_max_seconds: float = 3600.0
    #: Seconds a continuous worker sleeps when nothing is due.
    poll_interval_seconds: float = 30.0
    #: Keep the raw images of a verification (for full face-and-document re-checks).
    retain_images: bool = False
    #: Days raw images are kept when retain_images is on; the worker deletes older ones.
    image_retention_days: int = 30
    #: With retain_images: how many of an account's selfies whose face comparison against the
    #: document was MATCH are kept (newest replace oldest) and compared with the profile photo
    #: when a later verification of the account is open by distance alone (faces.fusion:
    #: measured held out, genuine INCONCLUSIVE -> MATCH on clean 5/94, hard 19/94, no impostor
    #: MATCH; benchmarks/earlier_selfies.py). 0 keeps none and fuses nothing.
    earlier_selfies: int = 3

    def validate(self) -> None:
        if min(self.period_days, self.expiring_within_days, self.batch_size, self.max_attempts) < 1:
            raise ConfigError("reverify: period_days, expiring_within_days, batch_size and max_attempts "
                              "must be >= 1", reason="CONFIG_VALUE")
        if self.lease_seconds <= 0 or self.backoff_base_seconds <= 0 or self.poll_interval_seconds <= 0:
            raise ConfigError("reverify: lease, backoff and poll seconds must be > 0", reason="CONFIG_VALUE")
        if self.backoff_max_seconds < self.backoff_base_seconds:
            raise ConfigError("reverify.backoff_max_seconds must be >= backoff_base_seconds",
                              reason="CONFIG_VALUE")
        if not 0 <= self.earlier_selfies <= 10:
            raise ConfigError("reverify.earlier_selfies must be between 0 and 10", reason="CONFIG_VALUE")
        if self.image_retention_days < 1:
            raise ConfigError("reverify.image_retention_days must be >= 1", reason="CONFIG_VALUE")
