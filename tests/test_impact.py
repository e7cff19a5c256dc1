"""The impact figures over plain data: tiny hand-made events with known answers, a brute-force
reference for "met a new actor" across a tour, and invariants over random tours."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from api.workflows.impact import Actor, Answer, EventData, actor_of, tour_impact

PEOPLE = {
    1: Actor(10, "private", "uusimaa"),
    2: Actor(20, "public", "uusimaa"),
    3: Actor(20, "public", "pirkanmaa"),  # 2's colleague
    4: Actor(None, "third_sector", "pirkanmaa"),
}


def _event(eid: int, answers: list[Answer], day: int, **kw: object) -> EventData:
    return EventData(eid, f"E{eid}", dt.date(2027, 1, day), PEOPLE, answers=tuple(answers), **kw)  # type: ignore[arg-type]


def test_one_event_by_hand() -> None:
    answers = [
        Answer(1, 2, met=True, usefulness=4, agreed=("training", "joint_project")),
        Answer(2, 1, met=True, usefulness=2, agreed=("training",)),  # the same meeting, other side
        Answer(1, 3, met=False),
        Answer(4, 3, met=True, usefulness=3, realised=True, realised_types=("research",)),
        Answer(3, 2, met=True),  # colleagues: a meeting, but no new actor for 3
    ]
    suggestions = ((1, 2), (1, 3), (2, 1), (4, 3), (3, 1))
    data = _event(
        1, answers, 5, suggestions=suggestions, wishes={1: ("home_care",), 4: ("home_care", "digi")}
    )
    report = tour_impact([data])
    impact = report.total
    assert report.events[0] == impact.__class__(**{**impact.__dict__, "label": "E1"})
    assert (impact.participants, impact.respondents, impact.meetings) == (4, 4, 3)
    # 1 met 2 (other org), 2 met 1, 4 met 3; 3 met only 2 (own org) and 4 (4 said so): new
    assert impact.met_new_actor == 4 and impact.new_actor_share == 1.0
    # meetings {1,2} private-public, {3,4} public-third, {2,3} public-public
    assert (impact.cross_sector_meetings, impact.meetings_with_sectors) == (2, 3)
    assert impact.accepted == 3 and impact.acceptance == 3 / 5  # (1,3) and (3,1) did not meet
    assert impact.agreed == (("joint_project", 1), ("training", 1)) and impact.agreed_pairs == 1
    assert impact.realised == (("research", 1),) and impact.followup_respondents == 1
    assert impact.mean_usefulness == 3.0
    assert impact.wanted_themes == (("home_care", 2), ("digi", 1))
    assert impact.sector_links == (
        ("private", "public", 1),
        ("public", "public", 1),
        ("public", "third_sector", 1),
    )
    assert impact.full_lists == 1 and impact.coverage == 0.25  # only 1 has two suggestions
    assert impact.exposure_gini > 0


def test_an_actor_met_at_an_earlier_event_is_not_new_but_another_is() -> None:
    first = _event(1, [Answer(1, 2, met=True)], 1)
    second = _event(2, [Answer(1, 3, met=True), Answer(4, 1, met=True)], 2)  # 3 is 2's colleague
    report = tour_impact([second, first])  # given out of order: the dates decide
    assert [e.label for e in report.events] == ["E1", "E2"]
    # E1: only 1 answered. E2: 1 met 3 (org 20, met before) and 4 (new): new; 4 met 1: new
    assert [e.met_new_actor for e in report.events] == [1, 2]
    only_old = _event(2, [Answer(1, 3, met=True)], 2)
    assert [e.met_new_actor for e in tour_impact([first, only_old]).events] == [1, 0]
    assert tour_impact([first, only_old]).total.met_new_actor == 1
    assert tour_impact([first, only_old]).total.respondents == 2  # an answer per person and event


def test_nothing_answered_gives_no_shares_rather_than_zero() -> None:
    impact = tour_impact([_event(1, [], 1)]).total
    assert (impact.new_actor_share, impact.acceptance, impact.cross_sector_share, impact.mean_usefulness) == (
        None,
        None,
        None,
        None,
    )
    assert tour_impact([]).total.participants == 0


def _brute_new(events: list[EventData]) -> int:
    seen: dict[int, set[tuple[str, int]]] = {}
    count = 0
    for data in sorted(events, key=lambda e: (e.date, e.event_id)):
        met: dict[int, set[int]] = {}
        for a in data.answers:
            if a.met and a.person_id != a.target_id:
                met.setdefault(a.person_id, set()).add(a.target_id)
                met.setdefault(a.target_id, set()).add(a.person_id)
        for person in {a.person_id for a in data.answers}:
            own = actor_of(person, PEOPLE[person])
            actors = {actor_of(p, PEOPLE[p]) for p in met.get(person, set())} - {own}
            if actors - seen.get(person, set()):
                count += 1
        for person, others in met.items():
            seen.setdefault(person, set()).update(actor_of(p, PEOPLE[p]) for p in others)
    return count


answers = st.builds(
    Answer,
    st.sampled_from(list(PEOPLE)),
    st.sampled_from(list(PEOPLE)),
    st.booleans(),
    st.one_of(st.none(), st.integers(1, 4)),
    st.lists(st.sampled_from(["training", "research"]), max_size=2).map(tuple),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(answers, max_size=8), min_size=1, max_size=4))
def test_random_tours_match_the_brute_force_and_stay_in_range(tour: list[list[Answer]]) -> None:
    events = [_event(i + 1, list(a), i + 1, suggestions=((1, 2), (2, 3), (4, 1))) for i, a in enumerate(tour)]
    report = tour_impact(events)
    assert report.total.met_new_actor == _brute_new(events) == sum(e.met_new_actor for e in report.events)
    for impact in (*report.events, report.total):
        for share in (impact.new_actor_share, impact.cross_sector_share, impact.acceptance, impact.coverage):
            assert share is None or 0 <= share <= 1
        assert 0 <= impact.exposure_gini < 1
        assert impact.meetings == sum(n for *_, n in impact.region_links)  # every pair has two regions
    assert report.total.meetings == sum(e.meetings for e in report.events)
