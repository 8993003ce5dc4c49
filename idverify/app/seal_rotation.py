"""The seal-key rotation use case (``idverify rotate-seal-key``): re-seal every stored identity
value under ``linker.seal_key``, batch by batch, while the service keeps serving.

:mod:`linker.sealing` is the primitive (seal and open one value); this walks a store with it.
A value under a key id that no setting holds stops the run (SEAL_KEY_MISMATCH: add the key);
a value its key does not open is corrupt: counted, left as it is, and the run goes on. A value
from before key ids (format 0) that opens under no held key is corrupt when other format-0
values of the run open (the keys are right), and SEAL_KEY_MISMATCH when none does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from idverify.errors import DataLoss, Unavailable
from linker.sealing import FORMAT, LEGACY_FORMAT, Sealer
from linker.store.base import LinkStore

__all__ = ["ReSealReport", "reseal_store"]


@dataclass
class ReSealReport:
    """What :func:`reseal_store` did: values re-sealed, and the rows whose value is corrupt
    ``(account_id, signal_type)``, left as they are."""

    resealed: int = 0
    corrupt: list[tuple[str, int]] = field(default_factory=list)


def reseal_store(store: LinkStore, sealer: Sealer, batch: int = 500,
                 progress: Callable[[ReSealReport, int], None] | None = None) -> ReSealReport:
    """Re-seal every value not in the current format under the current key, ``batch``
    accounts per write transaction.

    Each batch reads its rows inside the linking write lock and replaces a value only if it is
    still the one read (an erased or re-registered row is left alone), so running it again, or
    after an interruption, only does what is left. ``progress(report, pending)`` is called after
    each batch with the number of values that were pending at the start. A value under an
    unknown key id raises Unavailable (SEAL_KEY_MISMATCH) and stops the run (that batch is
    rolled back); a corrupt one is counted in the report and left. Format-0 values that open
    under no held key are judged at the end: corrupt if any format-0 value opened, else
    Unavailable (SEAL_KEY_MISMATCH) after every other value was re-sealed."""
    report = ReSealReport()
    unopened: list[tuple[str, int]] = []
    pending = store.sealed_pending(FORMAT, sealer.key_id)
    after = ""
    while True:
        with store.write():
            accounts = store.sealed_accounts_pending(FORMAT, sealer.key_id, after, batch)
            if not accounts:
                break
            updates = []
            for row in store.sealed_of(accounts):
                if sealer.is_current(row.value):
                    continue
                try:
                    plain = sealer.open(row.value, row.account_id, row.type, row.digest)
                except DataLoss:
                    report.corrupt.append((row.account_id, row.type))
                    continue
                except Unavailable:
                    if row.value.format != LEGACY_FORMAT:
                        raise
                    unopened.append((row.account_id, row.type))
                    continue
                updates.append((row, sealer.seal(plain, row.account_id, row.type, row.digest)))
            report.resealed += store.replace_sealed(updates)
        after = accounts[-1]
        if progress is not None:
            progress(report, pending)
    if unopened and not sealer.legacy_opened:
        raise Unavailable(
            f"{len(unopened)} sealed identity values from before seal key ids (format 0) open under neither "
            "linker.seal_key nor any of linker.previous_seal_keys, and no format-0 value did: add the key "
            "they were sealed with to linker.previous_seal_keys (if an earlier run re-sealed the other "
            "format-0 values and reported these as corrupt, they are damaged)",
            reason="SEAL_KEY_MISMATCH", metadata={"key_id": "", "format": str(LEGACY_FORMAT),
                                                  "values": str(len(unopened))})
    report.corrupt.extend(unopened)
    return report
