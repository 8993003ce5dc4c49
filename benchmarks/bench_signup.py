"""Duplicate signups caught through the face, and strangers not linked, on real people: the
photos of ../shared/faces printed on generated documents, signed up through the real
application layer in-process (idverify.app.build_application: worker processes, dlib,
Tesseract, the linker on SQLite) with 100k accounts already registered.

    PYTHONPATH=. /work/venv/bin/python benchmarks/bench_signup.py [--gallery 100000] [--level clean]

For each person, sorted photos a, p2, ..., pk: a first signup with photo a printed on a generated
passport (``--level``) and the same photo as the selfie; then for each other photo pj a second
signup with pj on a document of another seed (so another name, birth date and document number),
pj as the selfie and another email, the only thing shared with the first being the face. After
each second signup its account is erased (DeleteAccount), so every second signup is measured
against the first account alone; first accounts stay, so later people are searched against the
earlier real people as well as the synthetic gallery.

- caught: the second signup's link decision is REVIEW or BLOCK and the first account is among its
  linked accounts (targets: at least 13 of the 14 people, at least 95% of second signups);
- different-person face links: a signup whose linked accounts (same person) include an account
  of another real person, or a synthetic one, with face evidence (target 0).

The synthetic gallery is bench_linker.py's population (seed 7) registered through the engine's
register_many in batches of 256. Its faces are more than 1.2 from every real face (see
bench_face_links.py), so it tests the search at size, not look-alikes. No image or embedding is
written anywhere; only decisions and counts are printed.
"""

from __future__ import annotations

import argparse
import collections
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_linker  # noqa: E402

from idverify.app import Application, build_application  # noqa: E402
from idverify.config import load_config  # noqa: E402
from idverify.docgen import generate_document  # noqa: E402
from idverify.v1 import verification_service_pb2 as pb  # noqa: E402
from linker.engine import Linker, Registration  # noqa: E402
from linker.v1 import linking_service_pb2 as lpb  # noqa: E402

DEFAULT_SHARED = REPO.parent / "shared" / "faces"
KEY = "bench-signup-key-0123456789abcdef"
SEAL_KEY = "5ea1" * 16  # a 256-bit seal key: 64 hex characters
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png")


def config_for(store: str, workers: int = 2):
    """The application's configuration: linker on (fixed key), one SQLite file for both stores."""
    return load_config(overrides={"server": {"port": 0, "worker_processes": workers}, "store": {"url": store},
                                  "linker": {"enabled": True, "hash_key": KEY, "seal_key": SEAL_KEY}}, environ={})


def prefill(linker: Linker, accounts: int, seed: int = 7, batch: int = 256) -> float:
    """Register bench_linker's synthetic population (``accounts`` accounts) through
    ``Linker.register_many``; returns the seconds it took."""
    stream, _ = bench_linker.generate(accounts, seed)
    start = time.perf_counter()
    for i in range(0, len(stream), batch):
        items = [Registration(a.account_id, a.kind, linker.prepare(bench_linker.messages(a.signals)), a.owner)
                 for a in stream[i:i + batch]]
        linker.register_many(items)
        if (i // batch) % 40 == 0:
            print(f"  prefilled {i + len(items):,}/{len(stream):,}", file=sys.stderr, flush=True)
    return time.perf_counter() - start


def people(shared: Path) -> dict[str, list[Path]]:
    """Each person's photos, sorted by name."""
    out = {}
    for folder in sorted(p for p in shared.iterdir() if p.is_dir()):
        photos = sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
        if photos:
            out[folder.name] = photos
    return out


def signup_request(photo: Path, *, seed: int, account: str, email: str, level: str) -> pb.SignupRequest:
    """A freelancer signup: ``photo`` printed on a generated passport and sent as the selfie."""
    document = generate_document(seed, kind="td3", level=level, portrait=photo, expired=False)
    truth = document.truth
    declared = pb.DeclaredProfile(full_name=f"{truth.given_names} {truth.surname}",
                                  birth_date=truth.birth_date.isoformat(), email=email)
    return pb.SignupRequest(
        verification=pb.VerifyIdentityRequest(
            profile_photo=pb.Image(content=photo.read_bytes()),
            document_images=[pb.Image(content=image) for image in document.images],
            declared=declared, account_id=account),
        kind=lpb.ACCOUNT_KIND_FREELANCER)


def face_linked(answer: pb.SignupResponse) -> bool:
    """The signup joined a person through face evidence."""
    return bool(answer.registered.linked_account_ids) and any(
        e.signal_type == lpb.SIGNAL_TYPE_FACE_EMBEDDING for e in answer.registered.evidence)


def run(app: Application, shared: Path, level: str) -> None:
    """The signups of the module docstring, and the tables."""
    signup, linking = app.signup, app.linking
    first_of: dict[str, str] = {}  # person -> first account
    owner: dict[str, str] = {}  # real account -> person
    rows = []
    wrong: list[str] = []
    seconds: list[float] = []
    for p_index, (person, photos) in enumerate(people(shared).items()):
        account = f"first-{p_index}"
        t = time.perf_counter()
        answer = signup.signup(signup_request(photos[0], seed=1000 + 100 * p_index, account=account,
                                              email=f"first.{p_index}@example.org", level=level), timeout=600)
        seconds.append(time.perf_counter() - t)
        if answer.registered.linked_account_ids:
            wrong.append(f"first signup of person {p_index} linked to {len(answer.registered.linked_account_ids)} "
                         f"account(s) ({'face' if face_linked(answer) else 'other evidence'})")
        first_of[person], owner[account] = account, person
        caught = 0
        decisions: collections.Counter[str] = collections.Counter()
        for j, photo in enumerate(photos[1:], start=1):
            second = f"second-{p_index}-{j}"
            t = time.perf_counter()
            answer = signup.signup(signup_request(photo, seed=1000 + 100 * p_index + j, account=second,
                                                  email=f"second.{p_index}.{j}@example.org", level=level), timeout=600)
            seconds.append(time.perf_counter() - t)
            linked = set(answer.registered.linked_account_ids)
            hit = answer.registered.decision in (lpb.LINK_DECISION_REVIEW, lpb.LINK_DECISION_BLOCK) and account in linked
            caught += hit
            link = lpb.LinkDecision.Name(answer.registered.decision).removeprefix("LINK_DECISION_")
            codes = ",".join(r.code for r in answer.registered.reasons) or "-"
            decisions[f"{link} {codes} / {pb.VerificationDecision.Name(answer.decision).removeprefix('VERIFICATION_DECISION_')}"] += 1
            strangers = linked - {account}
            if strangers:
                wrong.append(f"second signup {j} of person {p_index} linked to {len(strangers)} other account(s)")
            linking.delete(second, "benchmark")
        rows.append((p_index, len(photos) - 1, caught, decisions))

    total = sum(n for _, n, _, _ in rows)
    got = sum(c for _, _, c, _ in rows)
    with_seconds = [r for r in rows if r[1]]
    people_caught = sum(1 for _, n, c, _ in with_seconds if c == n)
    people_any = sum(1 for _, n, c, _ in with_seconds if c)
    print(f"\n| person | second signups | caught (REVIEW or BLOCK, first account linked) | link decision, reasons / signup decision |")
    print("|---|---|---|---|")
    for p_index, n, c, decisions in rows:
        print(f"| {p_index} | {n} | {c} | {'; '.join(f'{k} x{v}' for k, v in sorted(decisions.items())) or '-'} |")
    print(f"\n| measure | result | target |\n|---|---|---|")
    print(f"| second signups caught | {got} / {total} ({100 * got / max(total, 1):.1f}%) | at least 95% |")
    print(f"| people with every second signup caught | {people_caught} / {len(rows)} "
          f"({len(rows) - len(with_seconds)} with a single photo) | at least 13 of 14 |")
    print(f"| people with at least one second signup caught | {people_any} / {len(with_seconds)} | |")
    print(f"| signups linked to another person's account | {len(wrong)} of {len(seconds)} | 0 |")
    for line in wrong:
        print(f"- {line}")
    seconds.sort()
    print(f"\nSignup wall time in process: median {seconds[len(seconds) // 2]:.2f} s over {len(seconds)} signups.")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    ap.add_argument("--gallery", type=int, default=100_000, help="synthetic accounts registered first")
    ap.add_argument("--level", default="clean", help="docgen level of the printed documents")
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args(argv)
    if not args.shared.is_dir():
        print(f"no {args.shared}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        app = build_application(config_for(f"{tmp}/s.sqlite3", args.workers))
        try:
            took = prefill(app.linking.linker, args.gallery) if args.gallery else 0.0
            faces = len(app.linking.linker.index)
            print(f"# bench_signup: {args.gallery:,} synthetic accounts registered in {took:.0f} s "
                  f"({faces:,} faces indexed); documents at level {args.level}")
            run(app, args.shared, args.level)
        finally:
            app.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
