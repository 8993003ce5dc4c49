"""A full name written on one line, split into the surname and given names a document holds.

Reference lists and some documents print a person's name in one field. Two conventions say
which part is the surname: ``SURNAME, Given names`` (a comma after the surname, as sanctions
lists and MRZ-derived exports write it), and ``Given SURNAME`` with the surname in capitals
(OFAC and UN lists, French and many other documents). Without either, the last token is the
surname, together with the particles just before it (``Ahmed al Ghabra``, ``Ludwig van
Beethoven``), which is the Western order, except a short first token before one hyphenated
given name (``Kim Jong-un``, ``Moon Jae-in``: family name first). A name written family
name first with no such mark (``Kim Jong Un``) is then split wrongly, which the matcher tolerates because it aligns
tokens regardless of order. Pure.
"""

from __future__ import annotations

from idverify.profile.name_normalize import PARTICLES

__all__ = ["split_full_name"]


def split_full_name(name: str) -> tuple[str, str]:
    """Return ``(surname, given_names)`` for a name written on one line (see the module)."""
    if "," in name:
        surname, _, given = name.partition(",")
        return surname.strip(), given.replace(",", " ").strip()
    parts = name.split()
    if len(parts) < 2:
        return name.strip(), ""
    cased = [p for p in parts if any(c.isalpha() for c in p) and p.upper() != p.lower()]
    upper = [p for p in cased if len([c for c in p if c.isalpha()]) >= 2 and p.isupper()]
    if upper and len(upper) < len(cased):
        marked = set(upper)
        return " ".join(p for p in parts if p in marked), " ".join(p for p in parts if p not in marked)
    if len(parts) == 2 and "-" in parts[1] and len(parts[0]) <= 4 and "-" not in parts[0]:
        # A short family name before a hyphenated given name: the Korean and older Chinese
        # romanisation, family name first (Kim Jong-un, Moon Jae-in).
        return parts[0], parts[1]
    start = len(parts) - 1
    while start > 1 and parts[start - 1].lower().strip("-'") in PARTICLES:
        start -= 1
    return " ".join(parts[start:]), " ".join(parts[:start])
