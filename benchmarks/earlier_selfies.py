"""Issue 20 item 3: an account's earlier verified selfies fused with its document at re-verification.

    PYTHONPATH=. /work/venv/bin/python benchmarks/face_measurements.py --reuse-naive   # once, ~12 min
    PYTHONPATH=. /work/venv/bin/python benchmarks/earlier_selfies.py                  # seconds

A re-verification of an account whose owner is the person of image ``a``: the reference is ``a``
as a photo ("photo") or printed on a generated document at a docgen level (the other sets), the
probe is today's selfie ``b`` (every row of pairs.csv: the owner again, or an impostor). The
account's earlier selfies are the owner's other photos (neither ``a`` nor ``b``); one counts as
*verified* only when it was itself decided MATCH against the document reference, as it was at
the earlier verification. Every threshold deciding a re-verification (the document's class, the
photo class deciding selfie against selfie, and the check of each earlier selfie) is chosen
without either person of the pair (calibrate_faces.class_fitter: leave-one-person-out).

Rules, each against "document" (today: the document reference alone):

    any       MATCH when the document or any verified earlier selfie is MATCH against the probe
    gated     MATCH when the document is MATCH, or when it is INCONCLUSIVE by distance alone (both
              faces pass quality, the distance between the class's thresholds) and a verified
              earlier selfie is MATCH; a NO_MATCH document, or one INCONCLUSIVE for quality or a
              missing face, keeps its decision whatever the selfies say (idverify.faces.fusion)
    mean      the mean of the document's distance and the closest verified selfie's, decided at
              the document class's thresholds and quality gate

Reported per set: genuine re-verifications, how many have a verified earlier selfie, genuine not
MATCH today and with the rule, how many moved from INCONCLUSIVE to MATCH, impostor MATCH, and the
closest impostor selfie distance against the photo class's threshold. Nothing is written; no
image, name or embedding is printed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import calibrate_faces as cal  # noqa: E402
import face_measurements as fm  # noqa: E402

from idverify.faces.decide import decide, thresholds_for  # noqa: E402
from idverify.faces.settings import FaceSettings  # noqa: E402

RULES = ("document", "any", "gated", "mean")


def fused(rule: str, doc: tuple[str, cal.Pair, object], selfies: list[tuple[str, cal.Pair]],
          settings: FaceSettings) -> str:
    """The re-verification's decision under ``rule``: ``doc`` is (decision, pair, thresholds) of
    the document against the probe, ``selfies`` (decision, pair) of each verified earlier selfie."""
    decision, pair, t = doc
    matched = any(d == "MATCH" for d, _ in selfies)
    if rule == "document" or not selfies:
        return decision
    if rule == "any":
        return "MATCH" if matched else decision
    if rule == "gated":
        in_band = (pair.distance is not None and pair.distance <= t.no_match_distance
                   and cal.reference_ok(pair, t, settings) and pair.acceptable_probe)
        return "MATCH" if decision == "MATCH" or (in_band and matched) else decision
    closest = min(p.distance for _, p in selfies)
    if pair.distance is None:
        return decision
    mean = (pair.distance + closest) / 2.0
    if not (cal.reference_ok(pair, t, settings) and pair.acceptable_probe) and settings.low_quality_is_inconclusive:
        return "INCONCLUSIVE"
    return decide(mean, t.match_distance, t.no_match_distance).value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=fm.DEFAULT_SHARED)
    parser.add_argument("--cache", type=Path, default=fm.DEFAULT_CACHE)
    parser.add_argument("--margin", type=float, default=0.02)
    parser.add_argument("--shipped", action="store_true",
                        help="decide at the shipped per-class thresholds instead of held-out ones")
    args = parser.parse_args(argv)
    data = fm.load_for_report(args.shared, args.cache)
    if data is None:
        return 2
    settings = FaceSettings()
    images = data["images"]
    base = cal.build_pairs(data, args.shared, settings)
    fitters = {cls: cal.class_fitter(base, cls, settings, args.margin) for cls in cal.CLASSES}
    photos_of: dict[str, list[str]] = {}
    for name in sorted(images):
        photos_of.setdefault(fm.person(name), []).append(name)

    def thresholds(cls: str, excluded: frozenset[str]):
        return thresholds_for(cls, settings) if args.shipped else fitters[cls](excluded)

    def held(p: cal.Pair, excluded: frozenset[str]) -> tuple[str, object]:
        if p.reference_class is None or p.distance is None:
            return "INCONCLUSIVE", None
        t = thresholds(p.reference_class, excluded)
        return cal.decision(p, t, settings), t

    print("| set | rule | genuine | with a verified earlier selfie | genuine not MATCH | of which with a selfie "
          "| moved INCONCLUSIVE -> MATCH "
          "| genuine NO_MATCH | impostor | impostor with earlier selfie (selfie comparisons) | impostor MATCH "
          "| closest impostor selfie distance (its threshold) |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for s in dict.fromkeys(p.set for p in base):
        cases = []
        for p in (q for q in base if q.set == s):
            doc_decision, t = held(p, p.people)
            selfies = []
            for c in photos_of[fm.person(p.a)]:
                if c in (p.a, p.b):
                    continue
                earlier = cal.make_pair(images, s, p.a, c, True, settings)  # the earlier verification
                if earlier is None or held(earlier, p.people)[0] != "MATCH":
                    continue
                now = cal.make_pair(images, "photo", c, p.b, p.same, settings)  # earlier selfie vs today's
                selfies.append((held(now, p.people)[0], now, thresholds(now.reference_class, p.people)
                                if now.reference_class else None))
            cases.append((p, (doc_decision, p, t), selfies))
        imp_selfie = [(q.distance, th.match_distance) for p, _, sl in cases if not p.same
                      for _, q, th in sl if q.distance is not None and th is not None]
        closest = min(imp_selfie) if imp_selfie else None
        for rule in RULES:
            gen = [(p, fused(rule, doc, [(d, q) for d, q, _ in sl], settings), doc[0], sl) for p, doc, sl in cases if p.same]
            imp = [(p, fused(rule, doc, [(d, q) for d, q, _ in sl], settings), sl) for p, doc, sl in cases if not p.same]
            moved = sum(before == "INCONCLUSIVE" and after == "MATCH" for _, after, before, _ in gen)
            cl = f"{closest[0]:.3f} ({closest[1]:.3f})" if closest else "-"
            print(f"| {s} | {rule} | {len(gen)} | {sum(bool(sl) for *_, sl in gen)} "
                  f"| {sum(after != 'MATCH' for _, after, _, _ in gen)} ({cal.pct(sum(after != 'MATCH' for _, after, _, _ in gen), len(gen))}) "
                  f"| {sum(after != 'MATCH' for _, after, _, sl in gen if sl)} "
                  f"| {moved} | {sum(after == 'NO_MATCH' for _, after, _, _ in gen)} | {len(imp)} "
                  f"| {sum(bool(sl) for *_, sl in imp)} ({sum(len(sl) for *_, sl in imp)}) "
                  f"| {sum(after == 'MATCH' for _, after, _ in imp)} | {cl} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
