"""A simulated tour: how many events of feedback the learned re-scorer needs to rank partner
pairs better than the hand-set weights (``python -m bench.learning``).

Each event has ``n`` people and every pair has five features (stand-ins for the affinity
components: complementarity both ways, themes, sector pair, region). The hand-set score
weighs them one way; the hidden "true" utility another, plus noise. Feedback comes only from
pairs the hand-set score suggested (each person's top ``k``): a pair answers with probability
0.7 and says "useful" when its noisy utility clears a threshold. After each event the
re-scorer is fitted on the feedback so far and tested on the next event's rated pairs
(:func:`matcher.learning.time_split_verdict`), and both scores choose each person's top ``k``
among all pairs of the next event: precision@k is the share of chosen pairs whose true
utility clears the threshold.

Figures are written to ``bench/RESULTS.md`` (section ``learning``), with machine and load.
The features are numeric stand-ins, not embeddings of planted profile texts.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from bench.report import load, machine, now, write_section
from matcher.learning import FeedbackRescorer, time_split_verdict

DEFAULT_W = np.array([0.35, 0.35, 0.15, 0.10, 0.05])
TRUE_W = np.array([0.15, 0.45, 0.05, 0.30, 0.05])


def _event(
    rng: np.random.Generator, n: int
) -> tuple[NDArray[np.int64], NDArray[np.float64], NDArray[np.float64]]:
    i, j = np.triu_indices(n, 1)
    X = rng.normal(size=(len(i), 5))  # noqa: N806
    utility = X @ TRUE_W + 0.25 * rng.normal(size=len(i))
    return np.stack([i, j], axis=1), X, utility


def _top_k(pairs: NDArray[np.int64], scores: NDArray[np.float64], n: int, k: int) -> NDArray[np.int64]:
    chosen: list[int] = []
    for person in range(n):
        mine = np.flatnonzero((pairs[:, 0] == person) | (pairs[:, 1] == person))
        chosen += list(mine[np.argsort(-scores[mine])[:k]])
    return np.unique(np.array(chosen, dtype=np.int64))


def simulate(
    events: int = 8, n: int = 80, k: int = 5, seed: int = 11
) -> list[dict[str, float | int | bool | str]]:
    """One row per event after the first: feedback so far, the verdict and precision@k of both."""
    rng = np.random.default_rng(seed)
    seen_X: list[NDArray[np.float64]] = []  # noqa: N806
    seen_y: list[NDArray[np.bool_]] = []
    seen_default: list[NDArray[np.float64]] = []
    seen_event: list[NDArray[np.int64]] = []
    threshold = 0.5
    rows: list[dict[str, float | int | bool | str]] = []
    for event in range(events):
        pairs, X, utility = _event(rng, n)  # noqa: N806
        default = X @ DEFAULT_W
        if seen_X:
            Xs, ys = np.concatenate(seen_X), np.concatenate(seen_y)  # noqa: N806
            # the verdict: fit on all but the latest event with feedback, test on the latest
            verdict = time_split_verdict(
                Xs, ys, np.concatenate(seen_default), np.concatenate(seen_event), min_pairs=200
            )
            learned = (
                FeedbackRescorer(random_state=seed).fit(Xs, ys).score_pairs(X)
                if 0 < ys.sum() < len(ys)
                else default
            )
            good = utility > threshold
            p_default = float(good[_top_k(pairs, default, n, k)].mean())
            p_learned = float(good[_top_k(pairs, learned, n, k)].mean())
            rows.append(
                {
                    "events_of_feedback": event,
                    "rated_pairs": len(ys),
                    "use_learned": verdict.use_learned,
                    "reason": verdict.reason,
                    "precision_default": p_default,
                    "precision_learned": p_learned,
                }
            )
        rated = _top_k(pairs, default, n, k)
        rated = rated[rng.random(len(rated)) < 0.7]
        noisy = utility[rated] + 0.25 * rng.normal(size=len(rated))
        seen_X.append(X[rated])
        seen_y.append(noisy > threshold)
        seen_default.append(default[rated])
        seen_event.append(np.full(len(rated), event))
    return rows


def main() -> None:
    rows = simulate()
    first = next((r["events_of_feedback"] for r in rows if r["use_learned"]), None)
    lines = [
        f"Simulated tour, 80 people an event, k = 5, seed 11. {now()}; {machine()}; load {load()}.",
        "",
        "| events of feedback | rated pairs | verdict | precision@5 hand-set | precision@5 learned |",
        "|---:|---:|---|---:|---:|",
    ]
    for r in rows:
        verdict = "learned" if r["use_learned"] else f"hand-set ({r['reason']})"
        lines.append(
            f"| {r['events_of_feedback']} | {r['rated_pairs']} | {verdict} | "
            f"{r['precision_default']:.3f} | {r['precision_learned']:.3f} |"
        )
    lines += ["", f"First event after which the learned scores are used: {first}."]
    write_section("learning", "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
