"""Exposure-fair assignment of suggestions: a capacity-constrained min-cost flow.

Solvers here take a score matrix and constraints, never ids (as openreview-matcher does).
Each person i should get ``demand[i]`` targets; each target may appear in at most
``max_exposure`` lists; at least ``min_cross`` of a person's targets should come from
another sector. The network::

    source → P_i (cap demand_i) → X_i (cap demand_i) → cross-sector target j (cap 1, cost −w_ij)
                                → Y_i (cap demand_i − q_i, cost 0;
                                       plus cap q_i at a quota penalty) → same-sector target j
    (with groups: X_i / Y_i → G_ig (cap per_group) → target j of group g, so a list holds at
     most ``per_group`` targets of one group, e.g. one organisation)
    target j → sink (cap fair_share, cost 0; then one unit arc per further appearance up to
                     max_exposure, each dearer than the last: a convex exposure cost)

solved by OR-Tools' ``SimpleMinCostFlow.solve_max_flow_with_min_cost``: first as many
suggestions as the caps allow (everyone gets k when that is feasible), then as few quota
shortfalls as possible, then the highest total weight minus exposure costs. The quota is soft so that it can
never cost anyone a suggestion. :func:`assignment_violations` is the checker beside it.

Example:
    >>> import numpy as np
    >>> w = np.array([[0, .9, .1], [.9, 0, .5], [.1, .5, 0]], np.float32)
    >>> allowed = ~np.eye(3, dtype=bool)
    >>> chosen = assign(w, allowed, k=1, max_exposure=1)
    >>> [int(j) for j in chosen.argmax(1)]  # everyone gets one, nobody twice
    [1, 2, 0]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

SCALE = 1_000_000
"""Weights are turned into integer costs at this resolution (OR-Tools needs integers)."""

QUOTA_PENALTY = 100 * SCALE
"""Cost of one same-sector suggestion beyond ``k - min_cross``: dearer than any weight gain."""

Bool = NDArray[np.bool_]
I64 = NDArray[np.int64]


@dataclass(frozen=True)
class Arcs:
    """A sparse candidate graph: arc a links row ``rows[a]`` to column ``cols[a]``.

    ``group[a]`` (optional) labels the column's group (e.g. its organisation); all arcs of
    one row into one group must share one ``cross`` flag.
    """

    rows: I64
    cols: I64
    weights: NDArray[np.float64]
    cross: Bool
    group: I64 | None = None


def exposure_steps(fair_share: int, max_exposure: int, exposure_cost: float) -> NDArray[np.float64]:
    """Cost of each appearance beyond ``fair_share`` up to ``max_exposure``: convex, rising linearly.

    The t-th appearance above the fair share costs ``exposure_cost * t / fair_share`` (in
    weight units), so a list slot goes to a popular person only when the gain beats it.
    """
    extra = np.arange(1, max(max_exposure - fair_share, 0) + 1, dtype=np.float64)
    return exposure_cost * extra / max(fair_share, 1)


def _sink_arcs(
    target: int, sink: int, n_cols: int, max_exposure: int, fair_share: int | None, exposure_cost: float
) -> tuple[
    list[NDArray[np.int64]], list[NDArray[np.int64]], list[NDArray[np.int64]], list[NDArray[np.float64]]
]:
    cols = target + np.arange(n_cols, dtype=np.int64)
    to_sink = np.full(n_cols, sink, dtype=np.int64)
    if fair_share is None or exposure_cost == 0 or fair_share >= max_exposure:
        return [cols], [to_sink], [np.full(n_cols, max_exposure, np.int64)], [np.zeros(n_cols)]
    tails, heads = [cols], [to_sink]
    caps, costs = [np.full(n_cols, fair_share, np.int64)], [np.zeros(n_cols)]
    for step in exposure_steps(fair_share, max_exposure, exposure_cost):
        tails.append(cols)
        heads.append(to_sink)
        caps.append(np.ones(n_cols, np.int64))
        costs.append(np.full(n_cols, step * SCALE))
    return tails, heads, caps, costs


def solve_arcs(
    arcs: Arcs,
    n_rows: int,
    n_cols: int,
    *,
    demand: I64,
    max_exposure: int,
    min_cross: int,
    fair_share: int | None = None,
    exposure_cost: float = 0.0,
    per_group: int | None = None,
) -> Bool:
    """Choose arcs: a boolean mask over ``arcs``, optimal for the network in the module docstring.

    With ``fair_share`` and ``exposure_cost``, appearances beyond the fair share cost
    :func:`exposure_steps` (still never more than ``max_exposure``). With ``per_group`` and
    ``arcs.group``, each row gets at most ``per_group`` columns of one group.
    """
    from ortools.graph.python import min_cost_flow

    if max_exposure < 0 or min_cross < 0 or (demand < 0).any():
        raise ValueError("demand, max_exposure, min_cross: must be non-negative")
    flow = min_cost_flow.SimpleMinCostFlow()
    source, sink = 0, 1
    person, cross_hub, same_hub = 2, 2 + n_rows, 2 + 2 * n_rows
    target = 2 + 3 * n_rows
    rows_ = np.arange(n_rows, dtype=np.int64)
    quota = np.minimum(demand, min_cross)
    zero = np.zeros(n_rows)
    tails = [np.full(n_rows, source), person + rows_, person + rows_, person + rows_]
    heads = [person + rows_, cross_hub + rows_, same_hub + rows_, same_hub + rows_]
    caps = [demand, demand, demand - quota, quota]
    costs = [zero, zero, zero, np.full(n_rows, QUOTA_PENALTY)]
    hub = np.where(arcs.cross, cross_hub + arcs.rows, same_hub + arcs.rows)
    if per_group is not None and arcs.group is not None:
        hub = _group_nodes(hub, arcs.group, per_group, target + n_cols, tails, heads, caps, costs)
    first_arc = sum(len(t) for t in tails)
    tails += [hub]
    heads += [target + arcs.cols]
    caps += [np.ones(len(arcs.rows), np.int64)]
    costs += [-np.round(arcs.weights * SCALE)]
    more = _sink_arcs(target, sink, n_cols, max_exposure, fair_share, exposure_cost)
    tails += more[0]
    heads += more[1]
    caps += more[2]
    costs += [np.round(c) for c in more[3]]
    flow.add_arcs_with_capacity_and_unit_cost(
        np.concatenate(tails).astype(np.int64),
        np.concatenate(heads).astype(np.int64),
        np.concatenate(caps).astype(np.int64),
        np.concatenate(costs).astype(np.int64),
    )
    total = int(demand.sum())
    flow.set_nodes_supplies(np.array([source, sink], np.int64), np.array([total, -total], np.int64))
    status = flow.solve_max_flow_with_min_cost()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed with status {status}")
    used = flow.flows(np.arange(first_arc, first_arc + len(arcs.rows), dtype=np.int64))
    return np.asarray(used > 0, dtype=np.bool_)


def _group_nodes(
    hub: I64,
    group: I64,
    per_group: int,
    first_node: int,
    tails: list[I64],
    heads: list[I64],
    caps: list[I64],
    costs: list[NDArray[np.float64]],
) -> I64:
    """Add a node of capacity ``per_group`` for each (hub, group) with more arcs than that
    (appending its arc to the lists) and return each arc's new tail: that node or its hub."""
    key = hub * (int(group.max(initial=0)) + 1) + group
    uniq, inverse, count = np.unique(key, return_inverse=True, return_counts=True)
    inverse = inverse.reshape(-1)
    busy = np.flatnonzero(count > per_group)  # other groups cannot exceed the cap anyway
    node = np.full(len(uniq), -1, dtype=np.int64)
    node[busy] = first_node + np.arange(len(busy), dtype=np.int64)
    tails.append(uniq[busy] // (int(group.max(initial=0)) + 1))
    heads.append(node[busy])
    caps.append(np.full(len(busy), per_group, np.int64))
    costs.append(np.zeros(len(busy)))
    return np.where(node[inverse] >= 0, node[inverse], hub)


def assign(
    weights: NDArray[np.floating],
    allowed: Bool,
    *,
    k: int,
    max_exposure: int,
    cross: Bool | None = None,
    min_cross: int = 0,
    active: Bool | None = None,
    exposure_cost: float = 0.0,
) -> Bool:
    """Dense front end of :func:`solve_arcs`: an (n, m) mask of chosen (row, column) pairs.

    ``allowed[i, j]`` says j may be suggested to i; ``cross[i, j]`` that they differ in
    sector; inactive rows get nothing. Each active row asks for ``k``.
    """
    n, m = allowed.shape
    active = np.ones(n, bool) if active is None else active
    cross = np.zeros((n, m), bool) if cross is None else cross
    rows, cols = np.nonzero(allowed & active[:, None])
    arcs = Arcs(
        rows.astype(np.int64),
        cols.astype(np.int64),
        np.asarray(weights[rows, cols], np.float64),
        cross[rows, cols],
    )
    demand = np.where(active, k, 0).astype(np.int64)
    chosen = solve_arcs(
        arcs,
        n,
        m,
        demand=demand,
        max_exposure=max_exposure,
        min_cross=min_cross,
        fair_share=k,
        exposure_cost=exposure_cost,
    )
    out = np.zeros((n, m), dtype=np.bool_)
    out[arcs.rows[chosen], arcs.cols[chosen]] = True
    return out


def assignment_violations(
    chosen: Bool,
    allowed: Bool,
    *,
    k: int,
    max_exposure: int,
    active: Bool | None = None,
    group: I64 | None = None,
    per_group: int | None = None,
) -> list[str]:
    """Every broken hard rule of an assignment, as readable lines (empty when valid).

    Hard rules: only allowed pairs, at most ``k`` per active row, nothing for inactive
    rows, at most ``max_exposure`` appearances per column, and (given ``group``, a label per
    column, and ``per_group``) at most ``per_group`` columns of one group per row.

    Example:
        >>> assignment_violations(np.eye(2, dtype=bool), ~np.eye(2, dtype=bool), k=1, max_exposure=1)
        ['row 0: pair (0, 0) is not allowed', 'row 1: pair (1, 1) is not allowed']
    """
    n = chosen.shape[0]
    active = np.ones(n, bool) if active is None else active
    problems = [
        f"row {i}: pair ({i}, {j}) is not allowed"
        for i, j in zip(*np.nonzero(chosen & ~allowed), strict=True)
    ]
    per_row = chosen.sum(1)
    problems += [f"row {i}: {per_row[i]} targets, more than k={k}" for i in np.flatnonzero(per_row > k)]
    problems += [f"row {i}: inactive but got targets" for i in np.flatnonzero(~active & (per_row > 0))]
    per_col = chosen.sum(0)
    problems += [
        f"column {j}: in {per_col[j]} lists, more than max_exposure={max_exposure}"
        for j in np.flatnonzero(per_col > max_exposure)
    ]
    if group is not None and per_group is not None:
        for i, g in zip(*np.nonzero(_per_group_counts(chosen, group) > per_group), strict=True):
            problems.append(f"row {i}: more than per_group={per_group} targets of group {g}")
    return problems


def _per_group_counts(chosen: Bool, group: I64) -> I64:
    """(n, groups) how many chosen columns of each group each row has."""
    onehot = np.zeros((chosen.shape[1], int(group.max(initial=-1)) + 1), dtype=np.int64)
    onehot[np.arange(chosen.shape[1]), group] = 1
    return np.asarray(chosen.astype(np.int64) @ onehot, dtype=np.int64)
