"""The checker beside :func:`matcher.suggest`: every hard rule a set of suggestion lists must keep.

As networkx keeps ``is_valid_*`` beside each algorithm (and :func:`matcher.is_valid_table_plan`
sits beside :func:`matcher.plan_tables`), :func:`suggestion_violations` names each broken rule of
suggestion lists, and :func:`is_valid_suggestions` says whether there is none. Tests, the API and
the command line call it on what :func:`matcher.suggest` returned. The rules:

- one list per profile, at most ``k`` suggestions each, no target twice in one list;
- targets are known profile ids, never the person themself;
- never a colleague (same organisation, case- and space-insensitive), never an ``exclude`` pair
  (either order) or a pair the :class:`~matcher.affinity.Affinity` excludes;
- opted-out people neither get nor appear in suggestions; with ``present``, nor do absent people;
- nobody appears in more than ``max_exposure`` lists (``None``: ``2 * k``, as in
  :class:`~matcher.suggest.SuggestConfig`);
- at most ``max_per_organisation`` people of one organisation in one list (``None``: no limit).

Example:
    >>> from matcher.profile import Profile
    >>> from matcher.suggest import Suggestion
    >>> ps = [Profile(id=i, organisation=o, sector="public") for i, o in (("a", "A"), ("b", "A"))]
    >>> suggestion_violations([[Suggestion("b", 0.5, [])], []], ps, k=1)
    ["list of 'a': suggests 'b', a colleague (same organisation 'A')"]
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from matcher.affinity import Affinity
from matcher.profile import Profile

if TYPE_CHECKING:
    from matcher.suggest import Suggestion


def _org_key(name: str) -> str:
    return " ".join(name.casefold().split())


def suggestion_violations(
    lists: Sequence[Sequence[Suggestion]],
    profiles: Affinity | Sequence[Profile],
    k: int = 5,
    *,
    max_exposure: int | None = None,
    max_per_organisation: int | None = 1,
    exclude: Iterable[tuple[str, str]] = (),
    opted_out: Iterable[str] = (),
    present: Iterable[str] | None = None,
) -> list[str]:
    """Every broken rule of ``lists`` (one list per profile, in profile order), as readable lines.

    ``profiles`` is the event's profile list or its :class:`~matcher.affinity.Affinity` (whose
    exclusions then count too). An empty result means the lists keep every rule in the module
    docstring. Parameters mean what they mean for :func:`matcher.suggest`.
    """
    aff: Affinity | None = None
    if isinstance(profiles, Affinity):
        aff, people = profiles, profiles.profiles
    else:
        people = tuple(profiles)
    if len(lists) != len(people):
        return [f"lists: {len(lists)} lists for {len(people)} profiles (need one per profile)"]
    index = {p.id: i for i, p in enumerate(people)}
    banned = {frozenset(pair) for pair in exclude}
    out = set(opted_out)
    here = None if present is None else set(present)
    problems: list[str] = []
    for i, lst in enumerate(lists):
        problems += _list_violations(i, lst, people, index, k, banned, out, here, aff, max_per_organisation)
    cap = 2 * k if max_exposure is None else max_exposure
    exposure = Counter(s.target_id for lst in lists for s in lst)
    problems += [
        f"{target!r} appears in {count} lists, more than max_exposure={cap}"
        for target, count in sorted(exposure.items())
        if count > cap
    ]
    return problems


def _list_violations(
    i: int,
    lst: Sequence[Suggestion],
    people: tuple[Profile, ...],
    index: dict[str, int],
    k: int,
    banned: set[frozenset[str]],
    out: set[str],
    here: set[str] | None,
    aff: Affinity | None,
    limit: int | None,
) -> list[str]:
    """The broken rules of person ``i``'s list."""
    me = people[i]
    where = f"list of {me.id!r}"
    problems = [f"{where}: {len(lst)} suggestions, more than k={k}"] if len(lst) > k else []
    if lst and (me.id in out or (here is not None and me.id not in here)):
        problems.append(f"{where}: gets suggestions but is {'opted out' if me.id in out else 'not present'}")
    targets = [s.target_id for s in lst]
    problems += [f"{where}: suggests {t!r} {n} times" for t, n in Counter(targets).items() if n > 1]
    for target in dict.fromkeys(targets):
        j = index.get(target)
        if j is None:
            problems.append(f"{where}: suggests {target!r}, who is not one of the profiles")
            continue
        problems += _pair_violations(where, me, people[j], banned, out, here, aff, i, j)
    if limit is not None:
        orgs = Counter(_org_key(people[index[t]].organisation) for t in dict.fromkeys(targets) if t in index)
        problems += [
            f"{where}: {n} people of organisation {org!r}, more than max_per_organisation={limit}"
            for org, n in orgs.items()
            if n > limit
        ]
    return problems


def _pair_violations(
    where: str,
    me: Profile,
    them: Profile,
    banned: set[frozenset[str]],
    out: set[str],
    here: set[str] | None,
    aff: Affinity | None,
    i: int,
    j: int,
) -> list[str]:
    """Why ``them`` may not be in ``me``'s list (empty when they may)."""
    if them.id == me.id:
        return [f"{where}: suggests the person themself"]
    problems = []
    if _org_key(me.organisation) == _org_key(them.organisation):
        problems.append(f"{where}: suggests {them.id!r}, a colleague (same organisation {me.organisation!r})")
    if frozenset((me.id, them.id)) in banned:
        problems.append(f"{where}: suggests {them.id!r}, an excluded pair")
    elif aff is not None and bool(aff.excluded[i, j]) and not problems and them.id not in out:
        problems.append(f"{where}: suggests {them.id!r}, a pair the affinity excludes")
    if them.id in out:
        problems.append(f"{where}: suggests {them.id!r}, who opted out")
    if here is not None and them.id not in here:
        problems.append(f"{where}: suggests {them.id!r}, who is not present")
    return problems


def is_valid_suggestions(
    lists: Sequence[Sequence[Suggestion]],
    profiles: Affinity | Sequence[Profile],
    k: int = 5,
    *,
    max_exposure: int | None = None,
    max_per_organisation: int | None = 1,
    exclude: Iterable[tuple[str, str]] = (),
    opted_out: Iterable[str] = (),
    present: Iterable[str] | None = None,
) -> bool:
    """True when :func:`suggestion_violations` finds nothing.

    Example:
        >>> from matcher.profile import Profile
        >>> is_valid_suggestions([[], []], [Profile(id=i, organisation=i, sector="public") for i in "ab"])
        True
    """
    return not suggestion_violations(
        lists,
        profiles,
        k,
        max_exposure=max_exposure,
        max_per_organisation=max_per_organisation,
        exclude=exclude,
        opted_out=opted_out,
        present=present,
    )
