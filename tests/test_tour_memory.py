"""Memory across a tour on SQLite and PostgreSQL: who met at an earlier event is not suggested
again (nor their colleagues), unless both found it useful: then they are suggested to each
other first, with a reason that says so. And the placing of follow-ups by hand."""

from __future__ import annotations

from sqlmodel import Session

from api.workflows import tours
from api.workflows.suggestions import compute_suggestions, suggestion_list
from api.workflows.tour_memory import TourMemory, place_follow_ups
from matcher import Profile, Suggestion
from matcher.embed import HashingEmbedder
from models.tours import TourCreate
from tests.test_api import _store_suggestions
from tests.test_api_support import *  # noqa: F403  (the api fixtures)
from tests.test_api_support import Api


def _profiles(orgs: dict[str, str]) -> list[Profile]:
    return [Profile(id=i, organisation=o, sector="private") for i, o in orgs.items()]


def test_a_follow_up_goes_first_and_takes_a_colleague_s_place() -> None:
    profiles = _profiles({"a": "A", "b": "B", "c": "C", "d": "D"})
    lists = [[Suggestion("b", 0.9, []), Suggestion("c", 0.8, [])], [], [], []]
    memory = TourMemory(follow_ups={"a": (("c", "E1"),)})
    assert [s.target_id for s in place_follow_ups(lists, profiles, memory, {})[0]] == ["c", "b"]
    memory = TourMemory(follow_ups={"a": (("d", "E1"),)})
    placed = place_follow_ups(lists, profiles, memory, {("a", "d"): 0.4})[0]
    assert [(s.target_id, s.score) for s in placed] == [("d", 0.4), ("b", 0.9)]  # the last made room
    colleague = _profiles({"a": "A", "b": "B", "c": "C", "d": "B"})  # d works with b
    placed = place_follow_ups(lists, colleague, memory, {("a", "d"): 0.4})[0]
    assert [s.target_id for s in placed] == ["d", "c"]  # one person per partner organisation
    assert place_follow_ups(lists, profiles, TourMemory(), {}) == lists


def _people(api: Api, token: str, event: int) -> list[int]:
    spec = [
        ("a", "A Oy", "private"),
        ("b", "B kunta", "public"),
        ("c", "B kunta", "public"),
        ("d", "D ry", "third_sector"),
    ]
    return [
        api.walk_in(token, event, f"{n}@x.fi", org, sector=sector, offers="kotihoito", needs="digipalvelu")
        for n, org, sector in spec
    ]


def test_the_second_event_of_a_tour_remembers_the_first(api: Api) -> None:
    token = api.organiser("o@example.fi")
    first, second = api.event(token, "Häme", date="2027-01-10"), api.event(token, "Savo", date="2027-03-10")
    a, b, c, d = _people(api, token, first)
    for pid in (a, b, c, d):
        response = api.client.post(
            f"/events/{second}/registrations", headers=api.auth(token), json={"person_id": pid}
        )
        assert response.status_code == 201, response.text
    _store_suggestions(api.url, first, a, [b, d])
    _store_suggestions(api.url, first, b, [a])
    _store_suggestions(api.url, first, d, [a])
    answers = {(a, b): 2, (b, a): 4, (a, d): 4, (d, a): 3}  # a-b not useful to both; a-d is
    for (me, target), useful in answers.items():
        link = api.link(token, first, me)
        body = {"target_id": target, "met": True, "usefulness": useful}
        assert api.client.post("/me/feedback", headers=api.auth(link), json=body).status_code == 201
    encoder = HashingEmbedder(dimension=64)
    with Session(api.app.state.engine) as session:
        compute_suggestions(session=session, event_id=second, k=2, mode="registered", encoder=encoder)
        alone = [
            s.person_id for s in suggestion_list(session=session, event_id=second, person_id=a).suggestions
        ]
        tour = tours.create_tour(session=session, organiser=None, tour_in=TourCreate(name="Kiertue"))
        assert tour.id is not None
        for event in (second, first):
            tours.add_tour_event(session=session, organiser=None, tour_id=tour.id, event_id=event)
        result = compute_suggestions(
            session=session, event_id=second, k=2, mode="registered", encoder=encoder
        )
        mine = suggestion_list(session=session, event_id=second, person_id=a, language="fi").suggestions
        theirs = suggestion_list(session=session, event_id=second, person_id=d, language="en").suggestions
        of_b = suggestion_list(session=session, event_id=second, person_id=b).suggestions
        # the first event knows nothing of the second: nothing to remember there
        compute_suggestions(session=session, event_id=first, k=2, mode="registered", encoder=encoder)
        at_first = [
            s.person_id for s in suggestion_list(session=session, event_id=first, person_id=a).suggestions
        ]
    assert set(alone) & {b, c}, "without the tour, a is suggested someone of B kunta"
    assert [s.person_id for s in mine] == [d]  # b and c are out; d on purpose, first
    assert mine[0].reasons[0].startswith("Jatkotapaaminen: tapasitte tapahtumassa Häme")
    assert theirs[0].person_id == a and theirs[0].reasons[0] == (
        "A follow-up meeting: you met at Häme and both found it useful."
    )
    assert a not in [s.person_id for s in of_b]
    assert result["follow_ups"] == 2 and result["excluded_pairs"] == 2  # a-b, a-c
    assert set(at_first) & {b, c}
