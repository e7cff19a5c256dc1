"""1:1 meeting rounds: per round a maximum-weight matching, no pair ever meets twice.

An organiser runs several short meeting rounds (time slots); in each, everyone present
sits down with one partner at a numbered table. :func:`plan_meetings` plans the rounds one
after the other; each round is an exact maximum-weight matching of the people present,
given the pairs that already met. Ranking inside a round is lexicographic:

1. as many people as possible get a partner (a perfect matching when one exists);
2. then as many *mutual* meeting requests as possible (both asked for each other);
3. then the most affinity, where a one-sided request adds ``request_bonus``.

So mutual requests are scheduled in the earliest round where they fit, and nobody is left
out for them. Blocked pairs never meet. The matching is solved as a 0/1 programme with
SciPy's HiGHS (``scipy.optimize.milp``): on 150 people it is about five times faster
than ``networkx.max_weight_matching`` and proven optimal (bench/results/meetings.md).

An odd number of people present leaves one person over each round:

* ``odd="bye"`` (default): that person sits the round out. Only people with the fewest
  byes so far (among those present) may get it, so nobody has two byes before everyone
  present has had one; among them the matching picks the one whose absence costs least.
* ``odd="trio"``: that person joins the pair where they add the most affinity (with both
  members new to them), turning it into a trio; the role rotates the same way.

The checker :func:`meeting_plan_violations` (and :func:`is_valid_meeting_plan`) sits beside
the planner and re-derives every hard rule from the plan alone.

Example:
    >>> import numpy as np
    >>> a = np.array([[0, 9, 1, 1], [9, 0, 1, 1], [1, 1, 0, 9], [1, 1, 9, 0]], dtype=float)
    >>> plan = plan_meetings(a, rounds=2)
    >>> [m.people for m in plan.meetings if m.round == 0]
    [(0, 1), (2, 3)]
    >>> plan.score, plan.violations
    (20.0, ())
"""

from __future__ import annotations

import time
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np
import numpy.typing as npt
from scipy.optimize import Bounds, LinearConstraint, linprog, milp
from scipy.sparse import csr_matrix

from matcher.wording import at

__all__ = [
    "Meeting",
    "MeetingPlan",
    "is_valid_meeting_plan",
    "meeting_plan_violations",
    "plan_meetings",
]

Pair = tuple[int, int]
OddMode = Literal["bye", "trio"]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Meeting:
    """One meeting: a time slot (``round``, from 0), a table number (from 0) and its people.

    ``people`` is sorted; it has two members, or three for the trio of an odd round.
    """

    round: int
    table: int
    people: tuple[int, ...]


@dataclass(frozen=True)
class MeetingPlan:
    """The result of :func:`plan_meetings`.

    ``meetings`` is sorted by round, then table. ``byes[r]`` lists the people present in
    round ``r`` who have no meeting in it. ``score`` is the total affinity of the pairs who
    meet (a trio counts its three pairs; request bonuses are not included);
    ``round_scores`` splits it by round. ``optimal[r]`` is true when round ``r``'s matching
    was proven optimal (locked rounds count as optimal). ``present[r]`` are the people who
    were there in round ``r``. ``violations`` is empty when every hard rule holds.
    """

    n: int
    rounds: int
    meetings: tuple[Meeting, ...]
    byes: tuple[tuple[int, ...], ...]
    present: tuple[tuple[int, ...], ...]
    score: float
    round_scores: tuple[float, ...]
    optimal: tuple[bool, ...]
    odd: OddMode = "bye"
    violations: tuple[str, ...] = field(default=())

    def in_round(self, r: int) -> tuple[Meeting, ...]:
        """The meetings of round ``r``, by table."""
        return tuple(m for m in self.meetings if m.round == r)

    def pairs(self, rounds: int | None = None) -> set[Pair]:
        """Every pair ``(i, j)``, ``i < j``, that meets in the first ``rounds`` rounds (all by default)."""
        upto = self.rounds if rounds is None else rounds
        out: set[Pair] = set()
        for m in self.meetings:
            if m.round < upto:
                out.update(_pairs_of(m.people))
        return out

    def bye_counts(self, rounds: int | None = None) -> dict[int, int]:
        """How many byes each person had in the first ``rounds`` rounds (people with none omitted)."""
        upto = self.rounds if rounds is None else rounds
        counts: dict[int, int] = {}
        for r in range(upto):
            for p in self.byes[r]:
                counts[p] = counts.get(p, 0) + 1
        return counts

    def requests_met(self, requested: Iterable[Pair]) -> int:
        """How many of the (unordered) pairs in ``requested`` meet in this plan."""
        met = self.pairs()
        return len({(min(i, j), max(i, j)) for i, j in requested} & met)

    def first(self, rounds: int) -> MeetingPlan:
        """The plan cut to its first ``rounds`` rounds, e.g. the rounds already played."""
        if not 0 <= rounds <= self.rounds:
            raise ValueError(f"rounds: {rounds} is outside 0..{self.rounds}")
        scores = self.round_scores[:rounds]
        return replace(
            self,
            rounds=rounds,
            meetings=tuple(m for m in self.meetings if m.round < rounds),
            byes=self.byes[:rounds],
            present=self.present[:rounds],
            score=float(sum(scores)),
            round_scores=scores,
            optimal=self.optimal[:rounds],
            violations=(),
        )


def _pairs_of(people: tuple[int, ...]) -> list[Pair]:
    return [(people[a], people[b]) for a in range(len(people)) for b in range(a + 1, len(people))]


def plan_meetings(
    affinity: npt.ArrayLike,
    rounds: int,
    *,
    requested: Iterable[Pair] | None = None,
    blocked: Iterable[Pair] | None = None,
    present: Collection[int] | None = None,
    locked: MeetingPlan | None = None,
    odd: OddMode = "bye",
    request_bonus: float | None = None,
    seconds: float = 2.0,
    seed: int = 0,
) -> MeetingPlan:
    """Plan ``rounds`` rounds of 1:1 meetings; each round a maximum-weight matching.

    Args:
        affinity: (n, n) symmetric matrix; higher means a better meeting. ``-inf`` marks a
            pair that must never meet (as ``matcher.affinity`` marks colleagues), like ``blocked``.
        rounds: total number of rounds, including the rounds of ``locked``.
        requested: pairs ``(i, j)`` meaning "i asked to meet j". When ``(j, i)`` is also
            there the request is mutual and comes first (see the module docstring).
        blocked: unordered pairs who must never meet.
        present: people attending (indices); everyone by default. Rounds of ``locked``
            keep their own attendance.
        locked: an earlier plan for the same people whose rounds are kept unchanged (cut it
            with :meth:`MeetingPlan.first` to the rounds already played); its pairs are not
            repeated and its byes count towards the rotation.
        odd: ``"bye"`` or ``"trio"``: what happens to the person left over in an odd round.
        request_bonus: affinity added for a one-sided request; by default half the spread
            (max - min) of the off-diagonal affinities.
        seconds: time budget for all new rounds; a round that runs out keeps the best
            matching found so far (``optimal[r]`` is then false).
        seed: orders the pairs given to the solver, which breaks ties between equal plans.
            The plan is deterministic for a seed whenever every round finishes in its time
            (``all(plan.optimal)``); a round cut short depends on the machine's speed.

    Raises:
        ValueError: naming the parameter (and pair or index) that is malformed.

    Example:
        >>> a = np.ones((3, 3))
        >>> plan = plan_meetings(a, rounds=3)
        >>> sorted(p for r in range(3) for p in plan.byes[r])  # each sits out once
        [0, 1, 2]
        >>> plan_meetings(a, rounds=1, odd="trio").meetings
        (Meeting(round=0, table=0, people=(0, 1, 2)),)
    """
    a = _check_affinity(affinity)
    n = a.shape[0]
    if rounds < 0:
        raise ValueError(f"rounds: must be >= 0, got {rounds}")
    if odd not in ("bye", "trio"):
        raise ValueError(f"odd: must be 'bye' or 'trio', got {odd!r}")
    if seconds <= 0:
        raise ValueError(f"seconds: must be > 0, got {seconds}")
    req = _check_pairs(requested, n, "requested", ordered=True)
    blk = _check_pairs(blocked, n, "blocked", ordered=False)
    here = _check_present(present, n)
    _check_locked(locked, n, rounds, odd)

    state = _State.start(a, req, blk, locked, request_bonus)
    deadline = time.perf_counter() + seconds
    rng = np.random.default_rng(seed)
    first_new = 0 if locked is None else locked.rounds
    for r in range(first_new, rounds):
        budget = max(0.05, (deadline - time.perf_counter()) / (rounds - r))
        _plan_round(state, r, here, odd, budget, rng)
    return _finish(state, a, rounds, odd, locked, blk)


# ---------------------------------------------------------------- input checks


def _check_affinity(affinity: npt.ArrayLike) -> FloatArray:
    a = np.asarray(affinity, dtype=np.float64)
    if a.ndim != 2 or a.shape[0] != a.shape[1]:
        raise ValueError(f"affinity: must be a square (n, n) matrix, got shape {a.shape}")
    if np.isnan(a).any() or np.isposinf(a).any():
        raise ValueError("affinity: contains NaN or +inf (use -inf for a pair that must not meet)")
    if not np.allclose(a, a.T, rtol=1e-9, atol=1e-9):
        i, j = np.unravel_index(int(np.argmax(np.abs(np.nan_to_num(a - a.T, nan=1.0)))), a.shape)
        raise ValueError(f"affinity: must be symmetric; [{i}, {j}] != [{j}, {i}]")
    return a


def _check_pairs(pairs: Iterable[Pair] | None, n: int, name: str, *, ordered: bool) -> set[Pair]:
    out: set[Pair] = set()
    for pair in pairs or ():
        if len(pair) != 2:
            raise ValueError(f"{name}: {pair!r} is not a pair (i, j)")
        i, j = int(pair[0]), int(pair[1])
        if not (0 <= i < n and 0 <= j < n):
            raise ValueError(f"{name}: pair {pair!r} names a person outside 0..{n - 1}")
        if i == j:
            raise ValueError(f"{name}: pair {pair!r} pairs a person with themself")
        out.add((i, j) if ordered else (min(i, j), max(i, j)))
    return out


def _check_present(present: Collection[int] | None, n: int) -> list[int]:
    if present is None:
        return list(range(n))
    people = sorted({int(p) for p in present})
    bad = [p for p in people if not 0 <= p < n]
    if bad:
        raise ValueError(f"present: {bad[:5]} outside 0..{n - 1}")
    return people


def _check_locked(locked: MeetingPlan | None, n: int, rounds: int, odd: OddMode) -> None:
    if locked is None:
        return
    if locked.n != n:
        raise ValueError(f"locked: plan is for {locked.n} people, affinity has {n}")
    if locked.rounds > 0 and locked.odd != odd:
        raise ValueError(f"odd: {odd!r} differs from the locked plan's {locked.odd!r}")
    if locked.rounds > rounds:
        raise ValueError(f"locked: plan has {locked.rounds} rounds, more than rounds={rounds}")


# ---------------------------------------------------------------- planning


@dataclass
class _State:
    """Mutable planning state: who may still meet whom, counts for the odd-person rotation."""

    allowed: BoolArray  # (n, n) symmetric: not blocked, not met, not self
    weight: FloatArray  # (n, n) affinity + one-sided request bonus
    mutual: BoolArray  # (n, n) symmetric: mutual request not yet met
    odd_counts: npt.NDArray[np.int64]  # byes (or trio joins) so far
    meetings: list[Meeting]
    byes: dict[int, tuple[int, ...]]
    present: dict[int, tuple[int, ...]]
    optimal: dict[int, bool]

    @classmethod
    def start(
        cls,
        a: FloatArray,
        req: set[Pair],
        blk: set[Pair],
        locked: MeetingPlan | None,
        request_bonus: float | None,
    ) -> _State:
        n = a.shape[0]
        allowed = ~np.eye(n, dtype=np.bool_) & np.isfinite(a)
        a = np.where(np.isfinite(a), a, 0.0)
        for i, j in blk:
            allowed[i, j] = allowed[j, i] = False
        asked = np.zeros((n, n), dtype=np.bool_)
        for i, j in req:
            asked[i, j] = True
        mutual = asked & asked.T
        one_sided = (asked | asked.T) & ~mutual
        if request_bonus is None:
            off = a[~np.eye(n, dtype=np.bool_)]
            request_bonus = 0.5 * float(off.max() - off.min()) if off.size else 0.0
        state = cls(allowed, a + request_bonus * one_sided, mutual, np.zeros(n, np.int64), [], {}, {}, {})
        if locked is not None:
            state.meetings.extend(locked.meetings)
            for r in range(locked.rounds):
                state.byes[r], state.present[r], state.optimal[r] = locked.byes[r], locked.present[r], True
            for m in locked.meetings:
                state.forbid(m.people)
            for r in range(locked.rounds):
                state.count_turns(locked.in_round(r), locked.byes[r], locked.odd)
        return state

    def count_turns(self, meetings: Iterable[Meeting], byes: tuple[int, ...], odd: OddMode) -> None:
        """Count a round's odd-person turn as the checker does: a sole bye, or a trio's members."""
        if odd == "bye" and len(byes) == 1:
            self.odd_counts[byes[0]] += 1
        if odd == "trio":
            for m in meetings:
                if len(m.people) == 3:
                    self.odd_counts[list(m.people)] += 1

    def forbid(self, people: tuple[int, ...]) -> None:
        for i, j in _pairs_of(people):
            self.allowed[i, j] = self.allowed[j, i] = False
            self.mutual[i, j] = self.mutual[j, i] = False


def _plan_round(
    state: _State, r: int, here: list[int], odd: OddMode, budget: float, rng: np.random.Generator
) -> None:
    """Match round ``r``: exact max-weight matching, plus the odd person's bye or trio."""
    people = np.asarray(here, dtype=np.int64)
    k = len(people)
    sub_allowed = state.allowed[np.ix_(people, people)]
    iu, ju = np.nonzero(np.triu(sub_allowed, 1))
    w = state.weight[people[iu], people[ju]]
    mut = state.mutual[people[iu], people[ju]]
    if k % 2 == 1:  # a dummy vertex k takes the odd person: only those with fewest turns so far
        counts = state.odd_counts[people]
        cands = np.flatnonzero(counts == counts.min())
        iu = np.concatenate([iu, cands])
        ju = np.concatenate([ju, np.full(len(cands), k)])
        w = np.concatenate([w, np.zeros(len(cands))])
        mut = np.concatenate([mut, np.zeros(len(cands), dtype=np.bool_)])
    order = rng.permutation(len(w))
    iu, ju, w, mut = iu[order], ju[order], w[order], mut[order]
    chosen, optimal = _solve_matching(k + k % 2, iu, ju, _lexicographic(w, mut, k), ju == k, budget)

    pairs: list[tuple[int, ...]] = []
    left_over: int | None = None
    for e in np.flatnonzero(chosen):
        if ju[e] == k:
            left_over = int(people[iu[e]])
        else:
            pairs.append(tuple(sorted((int(people[iu[e]]), int(people[ju[e]])))))
    if left_over is not None and odd == "trio":
        _join_trio(state, pairs, left_over)
    for group in pairs:
        state.forbid(group)
    pairs.sort()
    new = [Meeting(r, t, g) for t, g in enumerate(pairs)]
    state.meetings.extend(new)
    seated = {p for g in pairs for p in g}
    state.byes[r] = tuple(p for p in here if p not in seated)
    state.count_turns(new, state.byes[r], odd)
    state.present[r] = tuple(here)
    state.optimal[r] = optimal


def _lexicographic(w: FloatArray, mutual: BoolArray, k: int) -> FloatArray:
    """Edge weights ranking matchings by (mutual requests met, weight).

    Every perfect matching has the same number of edges m, so their plain weights differ
    by at most m * spread; a mutual request worth more than that always wins.
    """
    if not mutual.any() or w.size == 0:
        return w
    m = (k + 1) // 2
    spread = float(max(w.max(), 0.0) - min(w.min(), 0.0))
    return w + (m * spread + 1.0) * mutual


def _join_trio(state: _State, pairs: list[tuple[int, ...]], x: int) -> None:
    """Seat ``x`` with the pair where both are new to them and they add most (else x sits out)."""
    best, best_gain = -1, -np.inf
    for t, (p, q) in enumerate(pairs):
        if state.allowed[x, p] and state.allowed[x, q]:
            gain = state.weight[x, p] + state.weight[x, q]
            if gain > best_gain:
                best, best_gain = t, gain
    if best >= 0:
        pairs[best] = tuple(sorted((*pairs[best], x)))


def _solve_matching(
    k: int,
    iu: npt.NDArray[np.int64],
    ju: npt.NDArray[np.int64],
    w: FloatArray,
    dummy: BoolArray,
    budget: float,
) -> tuple[BoolArray, bool]:
    """Maximum-weight matching on k vertices: perfect if one exists, else maximum cardinality.

    Without a perfect matching, the ``dummy`` edges (to the odd person's stand-in) come
    second, so the rotation still decides who sits out where it can. Returns the
    chosen-edge mask and whether the solver proved it optimal.
    """
    m = len(w)
    if m == 0:
        return np.zeros(0, dtype=np.bool_), True
    incidence = csr_matrix(
        (np.ones(2 * m), (np.concatenate([iu, ju]), np.tile(np.arange(m), 2))), shape=(k, m)
    )
    deadline = time.perf_counter() + budget
    if m > _PRUNE_FROM_EDGES:
        found = _perfect_pruned(incidence, w, deadline)
        if found is not None:
            return found
    chosen, status = _mip(incidence, w, 1.0, deadline)
    if status == 2:  # no perfect matching: reward every edge above any weight difference
        bonus = (k // 2 + 1) * (float(np.abs(w).max()) * 2 + 1.0) * 2
        chosen, status = _mip(incidence, w + bonus + 0.5 * bonus * dummy, 0.0, deadline)
    if chosen is None:
        return _greedy_matching(k, iu, ju, w), False
    return chosen, status == 0


_PRUNE_FROM_EDGES = 1500  # about 55 people; below it one MIP on every pair is as fast
_CANDIDATES_PER_PERSON = 10


def _mip(incidence: csr_matrix, w: FloatArray, lower: float, deadline: float) -> tuple[BoolArray | None, int]:
    """One 0/1 programme: max w.x with every degree in [lower, 1]; (chosen mask or None, status)."""
    res = milp(
        -w,
        constraints=LinearConstraint(incidence, lower, 1),
        integrality=np.ones(len(w)),
        bounds=Bounds(0, 1),
        options={"time_limit": max(0.01, deadline - time.perf_counter()), "mip_rel_gap": 0.0},
    )
    chosen = None if res.x is None else np.asarray(res.x > 0.5, dtype=np.bool_)
    return chosen, int(res.status)


def _perfect_pruned(incidence: csr_matrix, w: FloatArray, deadline: float) -> tuple[BoolArray, bool] | None:
    """Exact perfect matching on a dense graph by reduced-cost fixing; None if not applicable.

    The LP relaxation's duals y give, for any perfect matching x, the bound
    ``w.x <= L(y) - sum(d_e x_e over d_e > 0)`` with reduced costs ``d = A^T y - w`` and
    ``L(y) = 1.y + sum(max(0, -d))``. A matching found on the few edges of smallest reduced
    cost (value z) therefore can only be beaten by matchings whose edges all have
    ``d_e <= L(y) - z``; solving again on those edges is exact for the whole graph and far
    faster than one programme over every pair.
    """
    m = len(w)
    lp = linprog(
        -w,
        A_eq=incidence,
        b_eq=np.ones(incidence.shape[0]),
        bounds=(0, 1),
        method="highs",
        options={"time_limit": max(0.01, deadline - time.perf_counter())},
    )
    if lp.status != 0:
        return None
    y = -np.asarray(lp.eqlin.marginals, dtype=np.float64)
    d = np.asarray(incidence.T @ y, dtype=np.float64) - w
    bound = float(y.sum() + np.maximum(0.0, -d).sum())
    keep = (lp.x > 1e-9) | _cheapest_per_vertex(incidence, d, _CANDIDATES_PER_PERSON)
    sub, status = _mip(incidence[:, keep], w[keep], 1.0, deadline)
    if sub is None:
        return None
    chosen = np.zeros(m, dtype=np.bool_)
    chosen[np.flatnonzero(keep)[sub]] = True
    gap = bound - float(w[chosen].sum())
    wider = keep | (d <= gap + 1e-9 * (1.0 + abs(bound)))
    if status == 0 and np.array_equal(wider, keep):
        return chosen, True
    sub, status = _mip(incidence[:, wider], w[wider], 1.0, deadline)
    if sub is None:
        return chosen, False
    chosen = np.zeros(m, dtype=np.bool_)
    chosen[np.flatnonzero(wider)[sub]] = True
    return chosen, status == 0


def _cheapest_per_vertex(incidence: csr_matrix, d: FloatArray, count: int) -> BoolArray:
    """Edges among the ``count`` smallest reduced costs of either end vertex."""
    keep = np.zeros(len(d), dtype=np.bool_)
    csc = incidence.tocsr()
    for v in range(csc.shape[0]):
        edges = csc.indices[csc.indptr[v] : csc.indptr[v + 1]]
        if len(edges) > count:
            edges = edges[np.argpartition(d[edges], count)[:count]]
        keep[edges] = True
    return keep


def _greedy_matching(
    k: int, iu: npt.NDArray[np.int64], ju: npt.NDArray[np.int64], w: FloatArray
) -> BoolArray:
    """Heaviest edge first: the fallback when the solver found nothing in its time."""
    used = np.zeros(k, dtype=np.bool_)
    chosen = np.zeros(len(w), dtype=np.bool_)
    for e in np.argsort(-w, kind="stable"):
        if not used[iu[e]] and not used[ju[e]]:
            used[iu[e]] = used[ju[e]] = chosen[e] = True
    return chosen


def _finish(
    state: _State,
    a: FloatArray,
    rounds: int,
    odd: OddMode,
    locked: MeetingPlan | None,
    blk: set[Pair],
) -> MeetingPlan:
    meetings = tuple(sorted(state.meetings, key=lambda m: (m.round, m.table)))
    finite = np.where(np.isfinite(a), a, 0.0)
    round_scores = [0.0] * rounds
    for m in meetings:
        round_scores[m.round] += float(sum(finite[i, j] for i, j in _pairs_of(m.people)))
    plan = MeetingPlan(
        n=a.shape[0],
        rounds=rounds,
        meetings=meetings,
        byes=tuple(state.byes[r] for r in range(rounds)),
        present=tuple(state.present[r] for r in range(rounds)),
        score=float(sum(round_scores)),
        round_scores=tuple(round_scores),
        optimal=tuple(state.optimal[r] for r in range(rounds)),
        odd=odd,
    )
    first_new = 0 if locked is None else locked.rounds
    return replace(plan, violations=tuple(meeting_plan_violations(plan, blocked=blk, from_round=first_new)))


# ---------------------------------------------------------------- checker


def meeting_plan_violations(
    plan: MeetingPlan, *, blocked: Iterable[Pair] | None = None, from_round: int = 0
) -> list[str]:
    """Every broken hard rule of ``plan``, one sentence each (empty when the plan is valid).

    Checks, from the plan alone: rounds and tables in range and tables numbered 0..k-1 in
    each round; meetings of two people (three only in ``odd="trio"``, one trio per round at
    most); only present people, each at most once per round; ``byes`` exactly the present
    people without a meeting; no pair meets twice. From round ``from_round`` on (the first
    re-planned round; earlier ones were played as they were): no blocked pair meets, and the
    rotation holds: a round with a single bye gives it (or in trio mode a trio seat) to
    someone present with the fewest so far.

    Example:
        >>> plan = plan_meetings(np.ones((4, 4)), rounds=3)
        >>> meeting_plan_violations(plan, blocked=[(0, 1)])  # doctest: +ELLIPSIS
        ['round ..., table ...: blocked pair (0, 1) meets']
    """
    out: list[str] = []
    blk = {(min(i, j), max(i, j)) for i, j in blocked or ()}
    seen: dict[Pair, int] = {}
    for r in range(plan.rounds):
        out.extend(_round_violations(plan, r, blk if r >= from_round else set(), seen))
    out.extend(_rotation_violations(plan, from_round))
    stray = [m for m in plan.meetings if not 0 <= m.round < plan.rounds]
    out.extend(f"meeting {m}: round index {m.round} is outside 0..{plan.rounds - 1}" for m in stray)
    return out


def _round_violations(plan: MeetingPlan, r: int, blk: set[Pair], seen: dict[Pair, int]) -> list[str]:
    out: list[str] = []
    here = set(plan.present[r])
    ms = plan.in_round(r)
    tables = sorted(m.table for m in ms)
    if tables != list(range(len(ms))):
        out.append(f"{at(r)}: table indices {tables} are not 0..{len(ms) - 1}")
    seated: set[int] = set()
    for m in ms:
        where = at(r, m.table)
        size_ok = len(m.people) == 2 or (len(m.people) == 3 and plan.odd == "trio")
        if not size_ok or len(set(m.people)) != len(m.people):
            out.append(f"{where}: meeting of {m.people} is not a pair" + (" or trio" * (plan.odd == "trio")))
        for p in m.people:
            if p not in here:
                out.append(f"{where}: person {p} is not present")
            if p in seated:
                out.append(f"{where}: person {p} has two meetings in the round")
            seated.add(p)
        for i, j in _pairs_of(tuple(sorted(m.people))):
            if (i, j) in blk:
                out.append(f"{where}: blocked pair ({i}, {j}) meets")
            if (i, j) in seen:
                out.append(f"{where}: pair ({i}, {j}) already met in {at(seen[(i, j)])}")
            seen[(i, j)] = r
    if sum(len(m.people) == 3 for m in ms) > 1:
        out.append(f"{at(r)}: more than one trio")
    if set(plan.byes[r]) != here - seated:
        out.append(f"{at(r)}: byes {sorted(plan.byes[r])} are not the present people without a meeting")
    return out


def _rotation_violations(plan: MeetingPlan, from_round: int) -> list[str]:
    out: list[str] = []
    counts: dict[int, int] = {}
    for r in range(plan.rounds):
        if plan.odd == "bye":
            turn = list(plan.byes[r]) if len(plan.byes[r]) == 1 else []
        else:
            turn = [p for m in plan.in_round(r) if len(m.people) == 3 for p in m.people]
        fewest = min((counts.get(p, 0) for p in plan.present[r]), default=0)
        if r >= from_round and plan.odd == "bye" and turn and counts.get(turn[0], 0) > fewest:
            out.append(f"{at(r)}: person {turn[0]} sits out again before everyone present has")
        if r >= from_round and plan.odd == "trio" and turn and min(counts.get(p, 0) for p in turn) > fewest:
            out.append(f"{at(r)}: the trio's third seat does not go to someone with the fewest")
        for p in turn:
            counts[p] = counts.get(p, 0) + 1
    return out


def is_valid_meeting_plan(plan: MeetingPlan, *, blocked: Iterable[Pair] | None = None) -> bool:
    """True when :func:`meeting_plan_violations` finds nothing.

    Example:
        >>> is_valid_meeting_plan(plan_meetings(np.ones((5, 5)), rounds=4))
        True
    """
    return not meeting_plan_violations(plan, blocked=blocked)
