"""Person ids to plan positions for the planners, and the request marks of meetings
(hypothesis: any ids, any subset taking part, any requests)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from api.workflows.meeting_requests import mark_of
from api.workflows.planning import by_position
from matcher import Profile

IDS = st.lists(st.integers(1, 60), min_size=2, max_size=12, unique=True)
PAIRS = st.lists(
    st.tuples(st.integers(1, 60), st.integers(1, 60)).filter(lambda p: p[0] != p[1]), max_size=20
)


@given(IDS, PAIRS)
def test_pairs_by_position_name_the_same_people_and_drop_the_absent(
    ids: list[int], pairs: list[tuple[int, int]]
) -> None:
    profiles = [Profile(id=str(i), organisation=f"o{i}", sector="public") for i in ids]
    got = by_position(profiles, pairs)
    expected = [(a, b) for a, b in pairs if a in ids and b in ids]
    assert [(int(profiles[i].id), int(profiles[j].id)) for i, j in got] == expected


@given(st.lists(st.integers(1, 8), min_size=2, max_size=3, unique=True), PAIRS)
def test_a_meeting_is_marked_by_what_its_people_asked(
    people: list[int], pairs: list[tuple[int, int]]
) -> None:
    asked = set(pairs)
    inside = {(a, b) for a, b in asked if a in people and b in people}
    mark = mark_of(asked, people)
    assert mark == mark_of(asked, people[::-1]), "the order at the table does not matter"
    if not inside:
        assert mark is None
    elif any((b, a) in inside for a, b in inside):
        assert mark == "mutual"
    else:
        assert mark == "requested"
