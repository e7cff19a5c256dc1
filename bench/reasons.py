"""Reason precision on the sample event against hand labels (issue 9).

Run: ``.venv/bin/python -m bench.reasons [--target 0.9] [--no-write]``.

A suggestion's strongest reasons quote a need of one side and the offer of the other that
meets it ("They offer 'X', which you are looking for"). A quoted pair that does not match is
worse than no reason, so such a reason is shown only when its dense-channel z-score (standard
deviations above the event's background of need-offer pairs) clears
:data:`matcher.affinity_config.REASON_MIN_Z`. This benchmark calibrates that threshold on
``bench/data/reason_labels.json``: (need, offer) pairs of the sample event
(``models/sample_data``), each read and labelled match / no match by a person once, before any
threshold was fitted (the file says how they were chosen and judged).

It prints, for the engine's defaults on the sample event:

* precision and the number of labelled pairs kept at each threshold, and the lowest threshold
  whose kept pairs reach ``--target`` precision (with a bootstrap interval over pairs);
* the statement reasons the demo's suggestions show at the shipped threshold: how many, how many
  the fixture labels, and their precision; any shown pair the fixture does not hold is listed
  (label it before trusting the figure).
"""

from __future__ import annotations

import argparse
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bench import report
from matcher.affinity import Affinity, affinity
from matcher.affinity_config import REASON_MIN_Z
from matcher.embed import Embedder
from matcher.profile import Profile
from matcher.suggest import suggest_from_affinity

LABELS = Path(__file__).parent / "data" / "reason_labels.json"
RESULTS = Path(__file__).parent / "results" / "reasons.md"
STATEMENT_KINDS = ("they_offer", "you_offer")


def load_labels(path: Path = LABELS) -> dict[tuple[str, str], bool]:
    """(need, offer) → match, from the fixture."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    return {(p["need"], p["offer"]): bool(p["match"]) for p in doc["pairs"]}


def sample_profiles() -> list[Profile]:
    """The bundled sample event as profiles, through the same import as ``kohtaamo demo``."""
    from sqlmodel import Session

    from api.workflows.sample import import_sample_event
    from models.db import make_engine
    from models.profiles import event_profiles

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/sample.db"
        event_id = import_sample_event(url)
        engine = make_engine(url)
        with Session(engine) as session:
            profiles = event_profiles(session, event_id)
        engine.dispose()
    return profiles


def pair_z(aff: Affinity, pairs: list[tuple[str, str]]) -> np.ndarray:
    """Dense-channel z-score of each (need, offer) text pair in this event (NaN where a text is
    absent): the scale the reason threshold is calibrated and applied on."""
    st = aff.scorer.statements
    need_row = {t: k for k, t in reversed(list(enumerate(st.needs)))}
    offer_row = {t: k for k, t in reversed(list(enumerate(st.offers)))}
    out = np.full(len(pairs), np.nan)
    for k, (need, offer) in enumerate(pairs):
        if need in need_row and offer in offer_row:
            z = aff.scorer.dense_z(np.array([need_row[need]]), np.array([offer_row[offer]]))
            out[k] = float(z[0])
    return out


@dataclass(frozen=True)
class Calibration:
    """The lowest threshold whose kept labelled pairs reach the target precision."""

    threshold: float
    kept: int
    precision: float
    low: float
    high: float


def wilson(hits: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """95 % Wilson interval of a proportion (honest at small n, unlike a bootstrap of 3 hits).

    Example:
        >>> [round(x, 2) for x in wilson(3, 3)]
        [0.44, 1.0]
    """
    p = hits / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return float(centre - half), float(centre + half)


def calibrate(z: np.ndarray, match: np.ndarray, target: float) -> Calibration:
    """Scan thresholds at the labelled pairs' own z-scores, from the lowest up."""
    order = np.argsort(-z)
    zs, ys = z[order], match[order].astype(np.float64)
    precision = np.cumsum(ys) / np.arange(1, len(ys) + 1)
    ok = np.flatnonzero(precision >= target)
    n = int(ok.max()) + 1 if ok.size else 0
    if n == 0:
        return Calibration(float("inf"), 0, float("nan"), float("nan"), float("nan"))
    low, high = wilson(int(ys[:n].sum()), n)
    return Calibration(float(zs[n - 1]), n, float(precision[n - 1]), float(low), float(high))


def shown_pairs(aff: Affinity, k: int = 5) -> list[tuple[str, str]]:
    """The (need, offer) pairs quoted by the statement reasons of everyone's k suggestions."""
    out = []
    for lst in suggest_from_affinity(aff, k=k):
        for s in lst:
            out += [(r.other, r.phrase) for r in s.reasons if r.kind in STATEMENT_KINDS]
    return out


def ci(pairs: set[tuple[str, str]], labels: dict[tuple[str, str], bool]) -> str:
    if not pairs:
        return "-"
    low, high = wilson(sum(labels[p] for p in pairs), len(pairs))
    return f"{low:.2f}-{high:.2f}"


def run(target: float) -> str:
    labels = load_labels()
    aff = affinity(sample_profiles(), Embedder())
    pairs = list(labels)
    z = pair_z(aff, pairs)
    match = np.array([labels[p] for p in pairs])
    known = ~np.isnan(z)
    lines = [
        f"Run of {report.now()}, load {report.load()} ({report.machine()}); `python -m bench.reasons`. "
        f"Sample event, default engine (`{Embedder().name}`), {int(known.sum())} labelled pairs "
        f"({int(match[known].sum())} matches).",
        "",
        "| z threshold | labelled pairs kept | precision |",
        "|---|---|---|",
    ]
    for t in (1.0, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0):
        kept = known & (np.nan_to_num(z, nan=-np.inf) >= t)
        lines.append(
            f"| {t:.1f} | {int(kept.sum())} | {match[kept].mean():.3f} |"
            if kept.any()
            else f"| {t:.1f} | 0 | - |"
        )
    cal = calibrate(z[known], match[known], target)
    lines += [
        "",
        f"Lowest threshold reaching precision {target}: z ≥ {cal.threshold:.2f} keeps {cal.kept} labelled pairs, "
        f"precision {cal.precision:.3f} (95 % Wilson interval {cal.low:.2f}-{cal.high:.2f}).",
    ]
    shown = shown_pairs(aff)
    labelled = [p for p in shown if p in labels]
    good = sum(labels[p] for p in labelled)
    lines += [
        "",
        f"Shipped threshold `REASON_MIN_Z` = {REASON_MIN_Z}: the demo's 5 suggestions per person show "
        f"{len(shown)} statement reasons ({len(set(shown))} distinct pairs); {len(labelled)} are labelled, "
        f"{good} of them matches (precision {good / len(labelled) if labelled else float('nan'):.3f}, "
        f"95 % Wilson interval over distinct pairs {ci(set(labelled), labels)}).",
    ]
    missing = sorted(set(shown) - set(labels))
    if missing:
        lines += ["", "Shown but not labelled (label these):", ""] + [f"- {n} || {o}" for n, o in missing]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--target", type=float, default=0.9)
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    text = run(args.target)
    print(text)
    if not args.no_write:
        report.write_section("reasons", text, RESULTS)


if __name__ == "__main__":
    main()
