"""Face-matching error rates from a run, and the plots the HTML report embeds.

Measuring is separate from drawing: :func:`face_pairs` collects (distance, genuine?) from face
cases, :func:`error_rates` computes FAR and FRR over thresholds (pure numpy), and the ``*_png``
functions draw with matplotlib's Agg backend into PNG bytes (no display, no files).

- FAR(t): the share of impostor pairs with distance <= t (accepted although different people).
- FRR(t): the share of genuine pairs with distance > t (rejected although the same person).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from idverify.qa.runner import CaseResult

__all__ = ["ErrorRates", "confusion", "error_rates", "face_pairs", "far_frr_png", "genuine_pair_sources",
           "histogram_png", "real_pair_notes", "thresholds_used"]

_GENUINE_COLOUR = "#1f77b4"
_IMPOSTOR_COLOUR = "#d62728"


@dataclass(frozen=True)
class ErrorRates:
    """FAR and FRR (fractions in [0, 1]) at each threshold (embedding distance)."""

    thresholds: np.ndarray
    far: np.ndarray
    frr: np.ndarray

    def equal_error_rate(self) -> tuple[float, float]:
        """(threshold, rate) where FAR and FRR are closest."""
        index = int(np.argmin(np.abs(self.far - self.frr)))
        return float(self.thresholds[index]), float((self.far[index] + self.frr[index]) / 2)

    def at(self, threshold: float) -> tuple[float, float]:
        """(FAR, FRR) at ``threshold``."""
        index = int(np.searchsorted(self.thresholds, threshold))
        index = min(index, len(self.thresholds) - 1)
        return float(self.far[index]), float(self.frr[index])


def genuine_pair_sources(results: Sequence[CaseResult]) -> dict[str, dict[str, int]]:
    """Per suite, how its genuine pairs were made: ``edited_copy``, ``distinct_photos`` or
    ``unmarked`` -> number of cases. Genuine pairs are cases with ``pair = "genuine"`` and
    scenarios with a ``genuine_pair`` (a person signing up twice); suites without any are left out."""
    out: dict[str, dict[str, int]] = {}
    for result in results:
        case = result.case
        if case.pair != "genuine" and case.genuine_pair is None:
            continue
        counts = out.setdefault(case.suite, {"edited_copy": 0, "distinct_photos": 0, "unmarked": 0})
        counts[case.genuine_pair or "unmarked"] += 1
    return out


def real_pair_notes(results: Sequence[CaseResult]) -> list[str]:
    """One sentence per suite whose genuine pairs include no two distinct photos of one person:
    its genuine distances, EER and FRR measure edits of one photo, not a person photographed twice."""
    notes = []
    for suite, counts in sorted(genuine_pair_sources(results).items()):
        if counts["distinct_photos"]:
            continue
        total = counts["edited_copy"] + counts["unmarked"]
        edited = counts["edited_copy"]
        parts = [f"{edited} {'edited copy' if edited == 1 else 'edited copies'} of one photo"] if edited else []
        if counts["unmarked"]:
            parts.append(f"{counts['unmarked']} not marked with genuine_pair")
        notes.append(f"suite {suite} has no real genuine pairs: {total} genuine pair(s), {' and '.join(parts)}, "
                     "so its genuine distances and error rates say nothing about two photos of one person "
                     "(build those with --from-portraits)")
    return notes


def face_pairs(results: Sequence[CaseResult]) -> tuple[np.ndarray, np.ndarray]:
    """(distances, genuine) of every face case with a measured distance.

    A case is genuine or impostor by its ``pair`` field, or else by its expected decision
    (MATCH or APPROVE: genuine; NO_MATCH: impostor). Cases with neither are left out.
    """
    distances: list[float] = []
    genuine: list[bool] = []
    for result in results:
        case = result.case
        if case.rpc not in ("CompareFaces", "VerifyIdentity"):
            continue
        distance = result.observation.get("scores", {}).get("distance")
        if distance is None:
            continue
        label = case.pair
        if label is None and case.rpc == "CompareFaces":
            label = {("MATCH",): "genuine", ("NO_MATCH",): "impostor"}.get(case.expect.decisions)
        if label is None:
            continue
        distances.append(float(distance))
        genuine.append(label == "genuine")
    return np.asarray(distances, dtype=float), np.asarray(genuine, dtype=bool)


def error_rates(distances: np.ndarray, genuine: np.ndarray, steps: int = 201) -> ErrorRates:
    """FAR and FRR at ``steps`` thresholds spanning the observed distances (and 0 to 1)."""
    high = max(1.0, float(distances.max()) if distances.size else 1.0)
    thresholds = np.linspace(0.0, high, steps)
    impostor = distances[~genuine]
    real = distances[genuine]
    far = (impostor[None, :] <= thresholds[:, None]).mean(axis=1) if impostor.size else np.zeros(steps)
    frr = (real[None, :] > thresholds[:, None]).mean(axis=1) if real.size else np.zeros(steps)
    return ErrorRates(thresholds, far, frr)


def thresholds_used(results: Sequence[CaseResult]) -> tuple[float, float] | None:
    """The server's (match, no-match) distance thresholds, from the first face response."""
    for result in results:
        response = result.observation.get("response") or {}
        face = response if result.case.rpc == "CompareFaces" else response.get("face", {})
        thresholds = face.get("thresholds") if isinstance(face, dict) else None
        if thresholds and thresholds.get("match_distance"):
            return float(thresholds["match_distance"]), float(thresholds.get("no_match_distance", 0.0))
    return None


def _figure(width: float = 6.0, height: float = 3.6):
    from matplotlib.figure import Figure  # the OO API: no pyplot global state, Agg canvas

    return Figure(figsize=(width, height), dpi=100, layout="constrained")


def _png(figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _threshold_lines(ax, thresholds: tuple[float, float] | None) -> None:
    if not thresholds:
        return
    match, no_match = thresholds
    ax.axvline(match, color="#2ca02c", linestyle="--", linewidth=1, label=f"match <= {match:.2f}")
    if no_match and no_match != match:
        ax.axvline(no_match, color="#ff7f0e", linestyle="--", linewidth=1, label=f"no match > {no_match:.2f}")


def histogram_png(distances: np.ndarray, genuine: np.ndarray, thresholds: tuple[float, float] | None) -> bytes:
    """Histogram of genuine and impostor distances (embedding distance), as PNG bytes."""
    figure = _figure()
    ax = figure.add_subplot()
    high = max(1.0, float(distances.max()) if distances.size else 1.0)
    bins = np.linspace(0.0, high, 26)
    ax.hist(distances[genuine], bins=bins, color=_GENUINE_COLOUR, alpha=0.75, label=f"genuine ({genuine.sum()})")
    ax.hist(distances[~genuine], bins=bins, color=_IMPOSTOR_COLOUR, alpha=0.75,
            label=f"impostor ({(~genuine).sum()})")
    _threshold_lines(ax, thresholds)
    ax.set_xlabel("face distance (128-d embedding, Euclidean)")
    ax.set_ylabel("pairs")
    ax.set_title("Genuine and impostor distances")
    ax.legend(fontsize=8)
    return _png(figure)


def far_frr_png(rates: ErrorRates, thresholds: tuple[float, float] | None) -> bytes:
    """FAR and FRR against the distance threshold, as PNG bytes."""
    figure = _figure()
    ax = figure.add_subplot()
    ax.plot(rates.thresholds, rates.far * 100, color=_IMPOSTOR_COLOUR, linewidth=2, label="FAR (impostors accepted)")
    ax.plot(rates.thresholds, rates.frr * 100, color=_GENUINE_COLOUR, linewidth=2, label="FRR (genuine rejected)")
    eer_t, eer = rates.equal_error_rate()
    ax.plot([eer_t], [eer * 100], "ko", markersize=4, label=f"EER {eer * 100:.1f}% at {eer_t:.2f}")
    _threshold_lines(ax, thresholds)
    ax.set_xlabel("distance threshold")
    ax.set_ylabel("rate (%)")
    ax.set_ylim(-2, 102)
    ax.set_title("FAR and FRR by threshold")
    ax.legend(fontsize=8)
    return _png(figure)


def confusion(results: Sequence[CaseResult]) -> dict[str, dict[tuple[str, str], int]]:
    """Per RPC: (expected, actual) -> count. Expected is the case's decision (several joined by
    ``|``) or ``ERROR <code>``; actual is the decision or ``ERROR <code>``."""
    out: dict[str, dict[tuple[str, str], int]] = {}
    for result in results:
        case = result.case
        if case.rpc == "LinkingScenario":
            for step, seen in zip(case.steps, result.observation.get("steps", ())):
                if step.expect.decisions or step.expect.error_code:
                    expected = ("ERROR " + step.expect.error_code) if step.expect.error_code else "|".join(step.expect.decisions)
                    actual = ("ERROR " + seen["error"]["code"]) if seen.get("error") else str(seen.get("decision"))
                    table = out.setdefault(f"LinkingService.{step.call}", {})
                    table[(expected, actual)] = table.get((expected, actual), 0) + 1
            continue
        if not (case.expect.decisions or case.expect.error_code):
            continue
        expected = ("ERROR " + case.expect.error_code) if case.expect.error_code else "|".join(case.expect.decisions)
        error = result.observation.get("error")
        actual = ("ERROR " + error["code"]) if error else str(result.observation.get("decision"))
        table = out.setdefault(case.rpc, {})
        table[(expected, actual)] = table.get((expected, actual), 0) + 1
    return out
