"""What a table plan scores: pair weights the search sees, its objective, and the plan's figures.

:func:`pair_weights` folds the soft sector mix and the cost of excluded pairs into the
affinity the search optimises; :func:`search_total` is the search's objective of a whole plan
(pair weights at tables minus the repeat penalty); :func:`evaluate` gives a finished plan's
score, per-round and per-table figures and notes; :func:`sector_issues` lists tables whose
sector mix misses the soft goal. Used by :mod:`matcher.tables` and :mod:`matcher.table_search`.

Example:
    >>> rows = np.array([[0, 0, 1, 1], [0, 1, 0, 1]])
    >>> meet_counts(rows, 4)[0].tolist()  # person 0 met 1 in round 1 and 2 in round 2
    [0, 1, 1, 0]
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np
import numpy.typing as npt

from matcher.table_seating import IntArray
from matcher.wording import at

FloatArray = npt.NDArray[np.float64]

__all__ = ["evaluate", "meet_counts", "pair_weights", "search_total", "sector_issues"]


def meet_counts(rows: IntArray, n: int) -> IntArray:
    """meet[i, j] = number of rounds in which i and j share a table (zero diagonal)."""
    meet = np.zeros((n, n), dtype=np.int64)
    for row in rows:
        meet += (row[:, None] == row[None, :]) & (row >= 0)[:, None]
    np.fill_diagonal(meet, 0)
    return meet


def _pair_sum(a: FloatArray, people: IntArray) -> float:
    sub = a[np.ix_(people, people)]
    return float(sub[np.triu_indices(len(people), 1)].sum()) if len(people) > 1 else 0.0


def sector_issues(
    rows: IntArray, first: int, lo: IntArray, sectors: Sequence[Hashable | None] | None
) -> tuple[str, ...]:
    """Tables of the rounds from ``first`` on whose sector mix misses the soft goal although
    attendance would allow it: a single sector, or one sector above half the table."""
    if sectors is None:
        return ()
    out = []
    labels = np.asarray([str(s) for s in sectors])
    for r in range(first, len(rows)):
        row = rows[r]
        present = row >= 0
        totals = {s: int(np.sum(labels[present] == s)) for s in set(labels[present].tolist())}
        sizes = np.bincount(row[present], minlength=len(lo))
        half_room = int(np.sum(sizes // 2))
        for t in range(len(lo)):
            here = labels[row == t]
            if len(here) < 2:
                continue
            values, counts = np.unique(here, return_counts=True)
            top = int(np.argmax(counts))
            if len(values) == 1 and len(totals) > 1:
                out.append(f"{at(r, t)}: only sector {values[0]}")
            elif counts[top] > len(here) / 2 and totals[str(values[top])] <= half_room:
                out.append(f"{at(r, t)}: sector {values[top]} holds {counts[top]} of {len(here)} seats")
    return tuple(out)


def evaluate(
    a: FloatArray, rows: IntArray, n_tables: int, penalty: float
) -> tuple[float, float, int, FloatArray, FloatArray, IntArray, list[str]]:
    """Score, affinity total, repeats, per-round and per-table figures, excluded-pair notes."""
    n_rounds, n = rows.shape
    table_scores = np.zeros((n_rounds, n_tables))
    table_sizes = np.zeros((n_rounds, n_tables), dtype=np.int64)
    notes = []
    for r in range(n_rounds):
        for t in range(n_tables):
            people = np.flatnonzero(rows[r] == t)
            table_sizes[r, t] = len(people)
            table_scores[r, t] = _pair_sum(a, people)
            if table_scores[r, t] == -np.inf:
                sub = a[np.ix_(people, people)]
                i, j = np.argwhere(np.triu(np.isneginf(sub), 1))[0]
                notes.append(f"{at(r, t)}: excluded pair ({people[i]}, {people[j]}) seated together")
    meet = meet_counts(rows, n)
    repeats = int(np.sum(meet * (meet - 1) // 2) // 2)
    round_scores = table_scores.sum(axis=1)
    total = float(round_scores.sum())
    return total - penalty * repeats, total, repeats, round_scores, table_scores, table_sizes, notes


def pair_weights(
    a: FloatArray,
    sectors: Sequence[Hashable | None] | None,
    sector_weight: float,
    penalty: float,
    n_rounds: int,
) -> FloatArray:
    """Affinity with the sector-mix cost folded in and -inf replaced by a cost no gain can offset."""
    n = a.shape[0]
    b = a.copy()
    np.fill_diagonal(b, 0.0)
    finite = np.isfinite(b)
    if sectors is not None:
        labels = np.asarray([str(s) for s in sectors])
        b -= sector_weight * (labels[:, None] == labels[None, :])
    big = 1.0 + 2.0 * (np.abs(b[finite]).sum() + (abs(sector_weight) + abs(penalty) * n_rounds) * n * n)
    b[~finite] = -big
    np.fill_diagonal(b, 0.0)
    return b


def search_total(b: FloatArray, rows: IntArray, penalty: float) -> float:
    """The search objective of a plan: pair weights at tables minus the repeat penalty."""
    meet = meet_counts(rows, rows.shape[1])
    same = sum(float(np.sum(np.triu(b * (row[:, None] == row[None, :]), 1))) for row in rows)
    return same - penalty * float(np.sum(np.triu(meet * (meet - 1) // 2, 1)))
