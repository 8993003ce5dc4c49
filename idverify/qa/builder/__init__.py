"""Build fixture suites: the project's own (``idverify qa build``) and one from portraits.

The project's suite comes from images installed packages ship (matplotlib's grace_hopper.jpg,
scikit-image's astronaut.png, coffee.png and rocket.jpg) and the project's document generator
(:mod:`idverify.docgen`); everything is derived from ``--seed``, so the same seed rebuilds the
same bytes. Suites written: ``faces`` (CompareFaces), ``profile`` (MatchProfile), ``linking``
(LinkingService scenarios), ``screening`` (ScreenMessage and ScreenProfile), and with the generator ``documents`` (ReadDocument), ``verify``
(VerifyIdentity) and ``signup`` (scenarios of Signup calls). ``--size large`` writes many more
generated variants (not committed). The packaged photos show two people, one photo each, so
every genuine pair of the project's suite is an edited copy (``genuine_pair = "edited_copy"``);
real genuine pairs come from ``--from-portraits``.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from idverify.qa.builder.documents import available as documents_available
from idverify.qa.builder.documents import document_cases, verify_cases
from idverify.qa.builder.faces import face_cases
from idverify.qa.builder.linking import linking_cases
from idverify.qa.builder.portraits import portrait_cases
from idverify.qa.builder.profiles import profile_cases
from idverify.qa.builder.screening import screening_cases
from idverify.qa.builder.signup import packaged_people, portrait_people, signup_cases
from idverify.qa.builder.spec import CaseSpec, write_cases

__all__ = ["CaseSpec", "build_from_portraits", "build_suite", "write_cases"]


def build_suite(out: str | Path, *, seed: int = 7, size: str = "small", today: dt.date | None = None,
                suites: tuple[str, ...] = ("faces", "profile", "linking", "screening", "documents", "verify",
                                           "signup"),
                ) -> list[Path]:
    """Write the project's suite under ``out``; return the case folders written.

    The document suites need :mod:`idverify.docgen`; without it they are left out with a note
    on stderr. ``today`` fixes the build date documents' expiry is measured from.
    """
    today = today or dt.date.today()
    specs: list[CaseSpec] = []
    makers = {"faces": face_cases, "profile": profile_cases, "linking": linking_cases, "screening": screening_cases}
    for name in suites:
        if name in makers:
            specs += makers[name](seed, size)
        elif name in ("documents", "verify", "signup"):
            if not documents_available():
                print(f"idverify qa build: the document generator (idverify.docgen) is not in this build; "
                      f"suite {name} left out", file=sys.stderr)
                continue
            if name == "signup":
                holder, stranger = packaged_people(seed)
                specs += signup_cases("signup", holder, stranger, seed=seed, today=today, genuine_pair="edited_copy")
            else:
                specs += (document_cases if name == "documents" else verify_cases)(seed, size, today)
        else:
            raise ValueError(f"unknown suite {name!r}")
    return write_cases(Path(out), specs)


def build_from_portraits(portraits: str | Path, out: str | Path, *, seed: int = 7,
                         today: dt.date | None = None) -> list[Path]:
    """Write a suite of genuine and impostor cases from ``portraits/<person>/*.jpg`` under
    ``out``, marked ignored for git; return the case folders written.

    With the document generator this includes the signup scenarios (suite ``portraits_signup``)
    of a holder with at least three photos, whose second signup uses photos the first did not."""
    import random

    from idverify.qa.builder.portraits import portraits_by_person

    out = Path(out)
    today = today or dt.date.today()
    specs = portrait_cases(Path(portraits), seed, today=today)
    people = portrait_people(portraits_by_person(Path(portraits)), random.Random(f"portrait-signup:{seed}"))
    if people is None:
        print("idverify qa build: nobody in the portrait folder has three readable photos; signup scenarios "
              "left out", file=sys.stderr)
    elif documents_available():
        specs += signup_cases("portraits_signup", *people, seed=seed, today=today, genuine_pair="distinct_photos")
    written = write_cases(out, specs)
    (out / ".gitignore").write_text("# generated from a portrait corpus: never commit\n*\n", encoding="utf-8")
    return written
