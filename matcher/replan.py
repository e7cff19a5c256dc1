"""Live re-planning on the day: walk-ins arrive, people leave, played rounds stay as they were.

Plans index people by position; on the day the population changes, so these helpers work
with person ids (any hashable: database ids, e-mails) and translate:

* :func:`replan_tables` keeps the first ``played`` rounds of a :class:`~matcher.tables.TablePlan`
  exactly (carried to the new population by :func:`matcher.tables.locked_from`; walk-ins
  are absent there) and lets :func:`~matcher.tables.plan_tables` re-seat only the rounds
  still to come. Encounters of the played rounds count as repeats, so nobody is seated
  again with their earlier table-mates if it can be avoided.
* :func:`replan_meetings` keeps the played rounds of a :class:`~matcher.meetings.MeetingPlan`
  and plans the rest for the people now present, never repeating a played meeting. Its
  plan covers everyone who ever attended (earlier ids first, then walk-ins), because the
  played rounds name people who have since left; ``ids`` maps its indices back.

Example:
    >>> import numpy as np
    >>> from matcher.meetings import plan_meetings
    >>> before = plan_meetings(np.ones((4, 4)), rounds=3)
    >>> after = replan_meetings(before, ["a", "b", "c", "d"], ["a", "b", "c", "e"], np.ones((4, 4)), played=1)
    >>> after.ids, after.plan.present[1]
    (('a', 'b', 'c', 'd', 'e'), (0, 1, 2, 4))
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from matcher.ids import positions
from matcher.meetings import MeetingPlan, OddMode, plan_meetings
from matcher.tables import Pinned, TablePlan, locked_from, plan_tables

__all__ = ["ReplannedMeetings", "old_index", "replan_meetings", "replan_tables"]


def old_index(old_ids: Sequence[Hashable], new_ids: Sequence[Hashable]) -> list[int]:
    """For each new person, their position among ``old_ids``, or -1 for a walk-in.

    Example:
        >>> old_index(["a", "b", "c"], ["c", "a", "x"])
        [2, 0, -1]
    """
    pos = positions(old_ids, "old_ids")
    positions(new_ids, "new_ids")
    return [pos.get(x, -1) for x in new_ids]


def replan_tables(
    plan: TablePlan | npt.ArrayLike,
    old_ids: Sequence[Hashable],
    new_ids: Sequence[Hashable],
    affinity: npt.ArrayLike,
    tables: Sequence[tuple[int, int]],
    *,
    played: int,
    sectors: Sequence[Hashable | None] | None = None,
    separate: Sequence[Hashable | None] | None = None,
    pinned: Pinned | None = None,
    max_sector_share: float | None = None,
    min_sectors: int | None = None,
    facilitators: Sequence[int] | None = None,
    apart: Sequence[tuple[int, int]] | None = None,
    repeat_penalty: float | None = None,
    sector_weight: float | None = None,
    seconds: float = 1.5,
    seed: int = 0,
    names: Sequence[str] | None = None,
) -> TablePlan:
    """Re-seat the rounds after ``played`` for the people now present, played rounds unchanged.

    ``plan`` is the earlier :class:`~matcher.tables.TablePlan` or its (rounds, n) assignment
    (as stored). ``affinity``, ``sectors``, ``separate``, ``pinned`` and the hard rules
    (``max_sector_share``, ``min_sectors``, ``facilitators``, ``apart``, as in
    :func:`~matcher.tables.plan_tables`) describe the new population in
    the order of ``new_ids``; ``tables`` may differ from the old plan's (more or fewer
    seats), the number of rounds does not. The returned plan's columns follow ``new_ids``;
    in played rounds walk-ins are ``-1`` (absent). ``seconds`` is the search budget.
    ``names`` (one per new person, e.g. ``"person 12 (Maija Virtanen)"``) name people in the
    :class:`~matcher.tables.InfeasibleTablesError` raised when the rules cannot be met.

    Example:
        >>> aff = np.ones((4, 4)) - np.eye(4)
        >>> first = plan_tables(aff, [(2, 2), (2, 2)], rounds=2, seconds=0.05)
        >>> tables = [(2, 2), (2, 2)]
        >>> again = replan_tables(first, [0, 1, 2, 3], [0, 1, 2, 9], aff, tables, played=1, seconds=0.05)
        >>> again.assignment[0, 3], bool((again.assignment[0, :3] == first.assignment[0, :3]).all())
        (np.int64(-1), True)
    """
    before = np.asarray(plan.assignment if isinstance(plan, TablePlan) else plan, dtype=np.int64)
    if before.ndim != 2:
        raise ValueError(f"plan: expected a (rounds, n) assignment, got shape {before.shape}")
    rounds = before.shape[0]
    if len(old_ids) != before.shape[1]:
        raise ValueError(f"old_ids: {len(old_ids)} ids for a plan of {before.shape[1]} people")
    if not 0 <= played <= rounds:
        raise ValueError(f"played: {played} is outside 0..{rounds}")
    a = np.asarray(affinity, dtype=np.float64)
    if a.shape != (len(new_ids), len(new_ids)):
        raise ValueError(f"affinity: shape {a.shape} does not match {len(new_ids)} new_ids")
    locked = locked_from(before, played, old_index(old_ids, new_ids))
    return plan_tables(
        a,
        tables,
        rounds,
        sectors=sectors,
        separate=separate,
        pinned=pinned,
        max_sector_share=max_sector_share,
        min_sectors=min_sectors,
        facilitators=facilitators,
        apart=apart,
        locked=locked,
        repeat_penalty=repeat_penalty,
        sector_weight=sector_weight,
        seconds=seconds,
        seed=seed,
        names=names,
    )


@dataclass(frozen=True)
class ReplannedMeetings:
    """A re-planned meeting schedule: ``plan`` indexes people by their position in ``ids``."""

    plan: MeetingPlan
    ids: tuple[Hashable, ...]

    def people(self, meeting_people: Iterable[int]) -> tuple[Hashable, ...]:
        """The ids of a meeting's people."""
        return tuple(self.ids[p] for p in meeting_people)


def replan_meetings(
    plan: MeetingPlan,
    old_ids: Sequence[Hashable],
    new_ids: Sequence[Hashable],
    affinity: npt.ArrayLike,
    *,
    played: int,
    rounds: int | None = None,
    requested: Iterable[tuple[Hashable, Hashable]] | None = None,
    blocked: Iterable[tuple[Hashable, Hashable]] | None = None,
    odd: OddMode | None = None,
    seconds: float = 2.0,
    seed: int = 0,
) -> ReplannedMeetings:
    """Keep the first ``played`` rounds of ``plan``; plan the rest for ``new_ids``.

    ``old_ids[k]`` is the person at index ``k`` of ``plan`` (for a plan that was itself
    re-planned, pass its ``ids``); ``affinity`` follows ``new_ids``. ``requested`` and
    ``blocked`` are pairs of ids (ids no longer present are ignored). ``rounds`` defaults
    to the old plan's, ``odd`` to its mode. Played meetings are never repeated and played
    byes count towards the rotation.

    Example:
        >>> a = np.array([[0, 9, 1, 1], [9, 0, 2, 1], [1, 2, 0, 9], [1, 1, 9, 0]])
        >>> before = plan_meetings(a, rounds=3)
        >>> [m.people for m in before.in_round(0)]
        [(0, 1), (2, 3)]
        >>> after = replan_meetings(before, "abcd", "abc", a[:3, :3], played=1)  # d leaves
        >>> [after.people(m.people) for m in after.plan.in_round(1)], after.plan.byes[1]
        ([('b', 'c')], (0,))
    """
    if len(old_ids) != plan.n:
        raise ValueError(f"old_ids: {len(old_ids)} ids for a plan of {plan.n} people")
    if not 0 <= played <= plan.rounds:
        raise ValueError(f"played: {played} is outside 0..{plan.rounds}")
    a_new = np.asarray(affinity, dtype=np.float64)
    if a_new.shape != (len(new_ids), len(new_ids)):
        raise ValueError(f"affinity: shape {a_new.shape} does not match {len(new_ids)} new_ids")
    old_pos = positions(old_ids, "old_ids")
    positions(new_ids, "new_ids")
    ids = tuple(old_ids) + tuple(x for x in new_ids if x not in old_pos)
    pos = positions(ids, "ids")
    here = np.asarray([pos[x] for x in new_ids], dtype=np.int64)
    a = np.zeros((len(ids), len(ids)))
    a[np.ix_(here, here)] = a_new
    locked = replace(plan.first(played), n=len(ids))
    replanned = plan_meetings(
        a,
        plan.rounds if rounds is None else rounds,
        requested=_pairs_by_position(requested, pos),
        blocked=_pairs_by_position(blocked, pos),
        present=here.tolist(),
        locked=locked,
        odd=plan.odd if odd is None else odd,
        seconds=seconds,
        seed=seed,
    )
    return ReplannedMeetings(replanned, ids)


def _pairs_by_position(
    pairs: Iterable[tuple[Hashable, Hashable]] | None, pos: Mapping[Hashable, int]
) -> list[tuple[int, int]]:
    return [(pos[x], pos[y]) for x, y in pairs or () if x in pos and y in pos]
