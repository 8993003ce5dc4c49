"""Given-name nicknames and spelling variants: the ``nicknames`` package plus a short supplement.

The ``nicknames`` package (Old Dominion University's crowd-sourced table, ~2,700 pairs) covers
English given names (Bob and Robert). It is read once when a :class:`NicknameTable` is built;
build one at start-up and pass it in, or use :func:`default_nickname_table`, which builds it on
first use (never at import). :data:`SUPPLEMENT` adds common short forms and romanisation
variants from other languages that the package lacks (Sasha and Alexander, Pepe and José, Yulia
and Iuliia); each group is a set of names that may stand for one another.

The table also knows which tokens are given names at all: two different known names (Maria and
Marta, Daniel and Daniela) are never accepted as a typo of one another.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping

__all__ = ["SUPPLEMENT", "NicknameTable", "default_nickname_table"]

#: Groups of given names (lower-case ASCII) that are short forms, translations or romanisation
#: variants of one another, beyond the ``nicknames`` package.
SUPPLEMENT: tuple[frozenset[str], ...] = tuple(
    frozenset(group.split())
    for group in (
        "alexander aleksandr aleksander alexandr sasha sascha sanya shura",
        "alexandra aleksandra sasha sascha shura",
        "mikhail michael misha",
        "dmitry dmitri dmitrii dima",
        "vladimir volodymyr uladzimir wladimir volodya vova",
        "nikolai nikolay kolya",
        "pavel pasha",
        "ivan vanya",
        "evgeny evgenii yevgeny yevgeniy zhenya",
        "ekaterina yekaterina katerina katya",
        "maria mariia mariya masha",
        "natalia natalya nataliia natasha",
        "tatiana tatyana tetiana tanya",
        "olga olya",
        "elena yelena olena lena",
        "sergey sergei serhii seryozha",
        "alexey aleksei aleksey alexei oleksii alyosha lyosha",
        "yulia yuliya iuliia julia",
        "yuri yury iurii jurij",
        "andrey andrei andrii",
        "anastasia anastasiia nastya",
        "jose pepe",
        "francisco paco pancho",
        "ignacio nacho",
        "guadalupe lupe",
        "dolores lola",
        "manuel manolo",
        "concepcion concha conchita",
        "johannes hans",
        "josef joseph sepp jupp",
        "anton antonio toni tony",
        "friedrich fritz",
        "katharina kathi",
        "giuseppe beppe peppe",
        "luigi gigi",
        "giovanni gianni",
        "mohammed muhammad mohamed mohammad muhammed",
        "ahmed ahmad",
    )
)

#: Common given names absent from the nicknames package, so that two distinct names are not
#: taken for a typo of each other (gendered pairs and non-English names).
_EXTRA_KNOWN = frozenset(
    """ana anna anne ann annie andrea andreas carla carlo carlos christiane christian daniela
    elena helena ines jana jan janna lena lina luca lucas lukas marco marcos mario marta maria
    marie mario nina paula paulo pablo sara sarah simone tobias yana zoe marina martina mariana
    adriana gabriela roberta antonia michaela erika erik jana ivana karin karen julia julie
    lucia luisa luis louise louis elisa eliza emil emilia emilie emma ella ellen elena eleni
    oskar oscar hanna hannah johanna jonas jon jonah lea leah leo leon leonie noah noa mila
    milan milena nico nicola nicole nils nora pia rosa rosalie theo tim timo vera viktor
    viktoria""".split()
)


class NicknameTable:
    """Which given names may stand for one another, and which tokens are known given names."""

    __slots__ = ("_known", "_related", "_related_by_length")

    def __init__(self, pairs: Iterable[tuple[str, str]], groups: Iterable[Iterable[str]] = ()) -> None:
        related: dict[str, set[str]] = {}
        for canonical, nickname in pairs:
            related.setdefault(canonical, set()).add(nickname)
            related.setdefault(nickname, set()).add(canonical)
        for group in groups:
            names = set(group)
            for name in names:
                related.setdefault(name, set()).update(names - {name})
        self._related: Mapping[str, frozenset[str]] = {k: frozenset(v) for k, v in related.items()}
        by_length: dict[tuple[str, int], list[str]] = {}
        for name, others in self._related.items():
            for other in others:
                by_length.setdefault((name, len(other)), []).append(other)
        self._related_by_length = {k: tuple(v) for k, v in by_length.items()}
        self._known = frozenset(self._related) | _EXTRA_KNOWN

    @classmethod
    def from_package(cls) -> NicknameTable:
        """Build the table from the ``nicknames`` package and :data:`SUPPLEMENT` (reads a CSV)."""
        from nicknames import NickNamer

        pairs = [
            (canonical, nickname)
            for canonical, nicknames in NickNamer.default_lookup().items()
            for nickname in nicknames
        ]
        return cls(pairs, SUPPLEMENT)

    def related(self, a: str, b: str) -> bool:
        """True when ``a`` is a nickname, full form or variant of ``b`` (lower-case ASCII)."""
        return b in self._related.get(a, ())

    def related_names(self, name: str) -> frozenset[str]:
        """Every name ``name`` (lower-case ASCII) may stand for or be a short form of."""
        return self._related.get(name, frozenset())

    def related_names_of_length(self, name: str, length: int) -> tuple[str, ...]:
        """The :meth:`related_names` of ``name`` that have ``length`` letters."""
        return self._related_by_length.get((name, length), ())

    def is_known(self, name: str) -> bool:
        """True when ``name`` (lower-case ASCII) is a given name the table knows."""
        return name in self._known


@functools.cache
def default_nickname_table() -> NicknameTable:
    """The table built from the package, built on first call and then shared.

    Two threads racing on the very first call may each build one (the cache does not lock);
    both are equal and one is kept.
    """
    return NicknameTable.from_package()
