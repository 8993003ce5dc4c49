"""Random but plausible document holders, deterministic from a ``random.Random``. Pure: no I/O.

Names come from several languages and scripts, with the diacritics and letters ICAO 9303
transliterates specially (Ä, Ö, Ü, Å, ß, Ø, Þ, Ł, ...), so that the generator exercises the
MRZ transliteration and the MRZ/VIZ comparison.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

__all__ = ["Identity", "random_identity", "NAMES"]

#: (surname, given names, nationality) in the holder's own script; Latin with diacritics or not.
NAMES: tuple[tuple[str, str, str], ...] = (
    ("Müller", "Jürgen Heinz", "D"),
    ("Schröder", "Änne", "D"),
    ("Weiß", "Käthe", "D"),
    ("Åström", "Björn Olof", "SWE"),
    ("Sørensen", "Søren", "DNK"),
    ("Lefèvre", "Hélène Cécile", "FRA"),
    ("Núñez García", "José María", "ESP"),
    ("Wiśniewski", "Łukasz", "POL"),
    ("Dvořák", "Tomáš", "CZE"),
    ("Yılmaz", "Ayşe", "TUR"),
    ("Þórsdóttir", "Guðrún", "ISL"),
    ("Nguyễn", "Thị Minh Khai", "VNM"),
    ("O'Connor", "Siobhán", "IRL"),
    ("Van der Berg", "Anneke", "NLD"),
    ("Eriksson", "Anna Maria", "UTO"),
    ("Papadopoulos", "Geōrgios", "GRC"),
    ("Kowalczyk-Nowak", "Zofia", "POL"),
    ("Smith", "John Robert", "GBR"),
    ("Rossi", "Giulia", "ITA"),
    ("Ivanova", "Olga Sergeyevna", "RUS"),
    ("Tanaka", "Hiroshi", "JPN"),
    ("Al Hashimi", "Fatima Zahra", "ARE"),
    ("Okonkwo", "Chukwuemeka", "NGA"),
    ("Wolfeschlegelsteinhausen", "Hubert Blaine Wolfgang", "D"),
    ("Kokkonen", "Kari Juhani", "FIN"),
    ("Gonçalves", "João Paulo", "PRT"),
    ("Horváth", "Zoltán", "HUN"),
    ("Petrović", "Miloš", "SRB"),
    ("Jäätteenmäki", "Anneli", "FIN"),
    ("De la Cruz", "María José", "MEX"),
)


@dataclass(frozen=True)
class Identity:
    """The holder and the document's identifying data."""

    surname: str
    given_names: str
    nationality: str
    sex: str  # "M" or "F"
    birth_date: dt.date
    issue_date: dt.date
    expiry_date: dt.date
    document_number: str
    personal_number: str


def random_identity(rng: random.Random, today: dt.date, *, expired: bool | None = None, age: int | None = None) -> Identity:
    """A random holder. ``expired`` forces the expiry into the past (True) or future (False);
    ``age`` fixes the holder's age in whole years on ``today``."""
    surname, given, nationality = rng.choice(NAMES)
    if age is None:
        age = rng.randint(18, 80)
    birth = today.replace(year=today.year - age) - dt.timedelta(days=rng.randint(1, 360))
    if expired is None:
        expired = rng.random() < 0.15
    if expired:
        expiry = today - dt.timedelta(days=rng.randint(1, 2000))
    else:
        expiry = today + dt.timedelta(days=rng.randint(60, 3600))
    issue = expiry.replace(year=expiry.year - 10) if not (expiry.month == 2 and expiry.day == 29) else expiry - dt.timedelta(days=3652)
    letters = "ABCDEFGHJKLMNPRSTUVWXYZ"
    number = "".join(rng.choice(letters) for _ in range(rng.randint(1, 2)))
    number += "".join(rng.choice("0123456789") for _ in range(9 - len(number)))
    personal = "".join(rng.choice("0123456789") for _ in range(rng.choice([0, 0, 8, 11])))
    return Identity(surname, given, nationality, rng.choice("MF"), birth, issue, expiry, number, personal)
