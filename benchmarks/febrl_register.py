"""Register FEBRL records one at a time with whichever ``linker`` package is importable, and
print each record's person as JSON. Used by ``bench_linker.py --febrl`` in-process for this
checkout and as a subprocess for an older commit (``PYTHONPATH=<old checkout>``), so both run
the same registration code.

    PYTHONPATH=<checkout> python benchmarks/febrl_register.py RECORDS.json OUT.json

RECORDS.json is a list of ``{"id", "given", "surname", "dob", "ssn", "address"}``; OUT.json
gets ``{"persons": {id: person}, "rejected": n, "register_ms": [...], "check_ms": [...]}``.
"""

from __future__ import annotations

import inspect
import json
import sys
import tempfile
import time
from pathlib import Path


def signals_of(rec: dict, pb) -> list:
    """The record's signals as the issue says: name with birth date, the social security id
    as an AUS document number, the address when the linker has an address type. A missing
    or impossible FEBRL date (month 00, day 31 of a short month) is sent as no date where the
    linker allows that; older linkers get no name signal for such a record."""
    out = []
    name = f"{rec['given']} {rec['surname']}".strip()
    if name and (rec["dob"] or optional_birth_date(pb)):
        out.append(pb.Signal(type=pb.SIGNAL_TYPE_NAME_AND_BIRTH_DATE, value=name, birth_date=rec["dob"]))
    if rec["ssn"]:
        out.append(pb.Signal(type=pb.SIGNAL_TYPE_DOCUMENT_NUMBER, value=rec["ssn"], country="AUS"))
    if rec["address"] and hasattr(pb, "SIGNAL_TYPE_POSTAL_ADDRESS"):
        out.append(pb.Signal(type=pb.SIGNAL_TYPE_POSTAL_ADDRESS, value=rec["address"]))
    return out


def optional_birth_date(pb) -> bool:
    """Whether this linker takes a name without a birth date (since issue 15; the same proto
    generation added the address type)."""
    return hasattr(pb, "SIGNAL_TYPE_POSTAL_ADDRESS")


def open_linker(path: str, **settings):
    from linker.engine import Linker
    from linker.settings import LinkerSettings
    from linker.signals import SignalHasher
    from linker.store import open_store

    kwargs = {}
    if "sealer" in inspect.signature(Linker.__init__).parameters:
        from linker.sealing import Sealer

        kwargs["sealer"] = Sealer(bytes(range(32, 64)))
    return Linker(open_store(path), SignalHasher(bytes(range(32))), LinkerSettings(hash_key="00" * 32, **settings),
                  **kwargs)


def register_all(records: list[dict], store_path: str, checks: int = 0, **settings) -> dict:
    """Register every record one by one (each signal prepared alone, so an invalid one, such
    as a FEBRL date of birth with month 13, is dropped rather than refusing the record)."""
    from idverify.errors import InvalidInput
    from linker.v1 import linking_service_pb2 as pb

    linker = open_linker(store_path, **settings)
    rejected = 0
    register_ms = []
    try:
        for rec in records:
            prepared = []
            for sig in signals_of(rec, pb):
                try:
                    prepared += linker.prepare([sig])
                except InvalidInput:
                    rejected += 1
            t0 = time.perf_counter()
            linker.register(rec["id"], pb.ACCOUNT_KIND_FREELANCER, prepared)
            register_ms.append((time.perf_counter() - t0) * 1e3)
        check_ms = []
        for rec in records[:checks]:
            prepared = []
            for sig in signals_of(rec, pb):
                try:
                    prepared += linker.prepare([sig])
                except InvalidInput:
                    pass
            t0 = time.perf_counter()
            linker.check("", pb.ACCOUNT_KIND_FREELANCER, prepared)
            check_ms.append((time.perf_counter() - t0) * 1e3)
        persons = linker.store.persons_of([r["id"] for r in records])
    finally:
        linker.close()
    return {"persons": persons, "rejected": rejected, "register_ms": register_ms, "check_ms": check_ms}


def main(argv: list[str]) -> int:
    records = json.loads(Path(argv[1]).read_text())
    with tempfile.TemporaryDirectory() as tmp:
        out = register_all(records, str(Path(tmp) / "febrl.sqlite3"))
    Path(argv[2]).write_text(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
