"""Feedback on suggested and met partners, the follow-up months later and the themes wanted
next, through the participant's API on SQLite and PostgreSQL: one answer per pair, editable,
the same after a repeated submit, and a follow-up only on partners one met."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from api.workflows.feedback import followup_due
from tests.test_api import _store_suggestions
from tests.test_api_support import *  # noqa: F403  (the api fixtures)
from tests.test_api_support import Api


def _post(api: Api, token: str, path: str, body: dict[str, Any]) -> Any:
    return api.client.post(path, headers=api.auth(token), json=body)


def _world(api: Api) -> tuple[str, int, list[int], list[str]]:
    a = api.organiser("a@example.fi")
    event = api.event(a)
    people = [api.walk_in(a, event, f"p{k}@x.fi", f"Org {k}") for k in range(4)]
    _store_suggestions(api.url, event, people[0], [people[1], people[2]])
    return a, event, people, [api.link(a, event, p) for p in people]


def test_a_repeated_submit_stores_one_answer_and_a_comment_can_be_changed(api: Api) -> None:
    _, _, people, links = _world(api)
    body = {"target_id": people[1], "met": True, "usefulness": 4, "comment": "Sovimme pilotista."}
    first = _post(api, links[0], "/me/feedback", body)
    again = _post(api, links[0], "/me/feedback", body)
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"] and again.json()["comment"] == "Sovimme pilotista."
    edited = _post(api, links[0], "/me/feedback", {**body, "comment": "", "usefulness": 2})
    assert (edited.json()["usefulness"], edited.json()["comment"]) == (2, "")
    assert len(api.client.get("/me/feedback", headers=api.auth(links[0])).json()) == 1
    too_long = _post(api, links[0], "/me/feedback", {**body, "comment": "x" * 2001})
    assert too_long.status_code == 422


def test_a_meeting_partner_who_was_not_suggested_can_be_rated(api: Api) -> None:
    a = api.organiser("a@example.fi")
    event = api.event(a)
    people = [api.walk_in(a, event, f"p{k}@x.fi", f"Org {k}") for k in range(4)]
    _store_suggestions(api.url, event, people[0], [people[1]])
    links = [api.link(a, event, p) for p in people]
    job = api.client.post(
        f"/events/{event}/meeting-plans", headers=api.auth(a), json={"rounds": 2, "seconds": 0.3}
    ).json()
    assert api.wait_job(a, job)["status"] == "succeeded"
    met = {
        p["person_id"]
        for m in api.client.get("/me/meetings", headers=api.auth(links[0])).json()["meetings"]
        for p in m["partners"]
    }
    assert len(met) == 2, "two rounds of four, no repeats: person 0 meets two others"
    for target in people[1:]:
        response = _post(api, links[0], "/me/feedback", {"target_id": target, "met": True})
        allowed = target in met or target == people[1]
        assert response.status_code == (201 if allowed else 404), (target, met)
    assert len(api.client.get("/me/feedback", headers=api.auth(links[0])).json()) == len(met | {people[1]})


def test_the_followup_is_for_partners_one_met_and_keeps_through_a_new_answer(api: Api) -> None:
    _, _, people, links = _world(api)
    _post(
        api,
        links[0],
        "/me/feedback",
        {"target_id": people[1], "met": True, "cooperation_types": ["training"]},
    )
    _post(api, links[0], "/me/feedback", {"target_id": people[2], "met": False})
    unmet = _post(api, links[0], "/me/followup", {"target_id": people[2], "realised": True})
    never = _post(api, links[0], "/me/followup", {"target_id": people[3], "realised": True})
    assert unmet.status_code == never.status_code == 404
    body = {
        "target_id": people[1],
        "realised_types": ["training", "joint_project"],
        "realised_note": "Kurssi",
    }
    done = _post(api, links[0], "/me/followup", body)
    assert done.status_code == 200, done.text
    row = done.json()
    assert (row["realised"], row["realised_types"], row["realised_note"]) == (
        True,
        ["joint_project", "training"],
        "Kurssi",
    )
    assert row["followed_up_at"] is not None
    assert _post(api, links[0], "/me/followup", body).json()["id"] == row["id"]
    # correcting the first answer leaves the follow-up as it was
    later = _post(api, links[0], "/me/feedback", {"target_id": people[1], "met": True, "usefulness": 3})
    assert later.json()["realised_types"] == ["joint_project", "training"]
    bad = _post(api, links[0], "/me/followup", {"target_id": people[1], "realised_types": ["lunch"]})
    assert bad.status_code == 422


def test_theme_wishes_are_replaced_not_added_and_checked(api: Api) -> None:
    _, _, _, links = _world(api)
    headers = api.auth(links[0])
    assert api.client.get("/me/theme-wishes", headers=headers).json() == {"themes": []}
    api.client.put("/me/theme-wishes", headers=headers, json={"themes": ["home_care", "digital_services"]})
    api.client.put("/me/theme-wishes", headers=headers, json={"themes": ["home_care"]})
    assert api.client.get("/me/theme-wishes", headers=headers).json() == {"themes": ["home_care"]}
    bad = api.client.put("/me/theme-wishes", headers=headers, json={"themes": ["karaoke"]})
    assert bad.status_code == 422 and "karaoke" in bad.text
    other = api.auth(links[1])
    assert api.client.get("/me/theme-wishes", headers=other).json() == {"themes": []}


def test_followup_due_by_hand() -> None:
    assert followup_due(dt.date(2027, 2, 10), 4) == dt.date(2027, 6, 10)
    assert followup_due(dt.date(2026, 10, 31), 4) == dt.date(2027, 2, 28)
    assert followup_due(dt.date(2027, 12, 1), 12) == dt.date(2028, 12, 1)


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 1, 1)), st.integers(1, 24))
def test_followup_due_is_months_later_on_the_same_day_or_the_months_end(day: dt.date, months: int) -> None:
    due = followup_due(day, months)
    assert (due.year - day.year) * 12 + due.month - day.month == months
    assert due.day == day.day or (due.day < day.day and (due + dt.timedelta(days=1)).day == 1)


@pytest.mark.parametrize("months", [0, 25])
def test_the_followup_setting_is_bounded(months: int) -> None:
    from pydantic import ValidationError

    from api.settings import Settings

    with pytest.raises(ValidationError, match="followup_months"):
        Settings(followup_months=months)
