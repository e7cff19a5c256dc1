"""Tours through the API and the command line on SQLite and PostgreSQL: events in date order,
an event on one tour only, adding twice changes nothing, and each organiser sees their own."""

from __future__ import annotations

import pytest

from tests.test_api_support import *  # noqa: F403  (the api fixtures)
from tests.test_api_support import Api
from tests.test_cli_data import run


def test_a_tour_lists_its_events_by_date_and_takes_each_event_once(api: Api) -> None:
    a = api.organiser("a@example.fi")
    late = api.event(a, "Pirkanmaa", date="2027-03-01")
    early = api.event(a, "Kanta-Häme", date="2026-12-03")
    undated = api.event(a, "Kainuu")
    tour = api.client.post("/tours", headers=api.auth(a), json={"name": "Soteuttamo 2027"})
    assert tour.status_code == 201 and tour.json()["event_ids"] == []
    tid = tour.json()["id"]
    for event in (undated, late, early, late):
        response = api.client.put(f"/tours/{tid}/events/{event}", headers=api.auth(a))
        assert response.status_code == 200, response.text
    assert api.client.get(f"/tours/{tid}", headers=api.auth(a)).json()["event_ids"] == [early, late, undated]
    other = api.client.post("/tours", headers=api.auth(a), json={"name": "Toinen"}).json()["id"]
    clash = api.client.put(f"/tours/{other}/events/{early}", headers=api.auth(a))
    assert clash.status_code == 409 and f"already on tour {tid}" in clash.text
    removed = api.client.delete(f"/tours/{tid}/events/{early}", headers=api.auth(a))
    assert removed.json()["event_ids"] == [late, undated]
    assert api.client.delete(f"/tours/{tid}/events/{early}", headers=api.auth(a)).status_code == 404
    assert api.client.put(f"/tours/{other}/events/{early}", headers=api.auth(a)).json()["event_ids"] == [
        early
    ]
    assert api.client.post("/tours", headers=api.auth(a), json={"name": ""}).status_code == 422


def test_organisers_see_only_their_own_tours_and_add_only_their_own_events(api: Api) -> None:
    a, b = api.organiser("a@example.fi"), api.organiser("b@example.fi")
    event_a, event_b = api.event(a, "A"), api.event(b, "B")
    tid = api.client.post("/tours", headers=api.auth(a), json={"name": "A:n kiertue"}).json()["id"]
    assert api.client.get(f"/tours/{tid}", headers=api.auth(b)).status_code == 404
    assert api.client.put(f"/tours/{tid}/events/{event_b}", headers=api.auth(b)).status_code == 404
    assert api.client.put(f"/tours/{tid}/events/{event_b}", headers=api.auth(a)).status_code == 404
    assert api.client.put(f"/tours/{tid}/events/{event_a}", headers=api.auth(a)).status_code == 200
    assert api.client.get("/tours", headers=api.auth(b)).json()["items"] == []
    assert [t["id"] for t in api.client.get("/tours", headers=api.auth(api.admin)).json()["items"]] == [tid]


def test_the_tour_commands(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = ["--database-url", database_url]
    for name, day in (("Pirkanmaa", "2027-03-01"), ("Kanta-Häme", "2026-12-03")):
        assert run(["event", "create", name, "--date", day, *db], monkeypatch, capsys)[0] == 0
    code, out, _ = run(["tour", "create", "Soteuttamo 2027", *db], monkeypatch, capsys)
    assert (code, out.strip()) == (0, "Created tour 1: Soteuttamo 2027")
    for event in ("1", "Kanta-Häme", "1"):
        code, out, err = run(
            ["tour", "add-event", "Soteuttamo 2027", "--event", event, *db], monkeypatch, capsys
        )
        assert code == 0, err
    assert "2 events" in out
    code, out, _ = run(["tour", "list", *db], monkeypatch, capsys)
    assert code == 0 and "2, 1" in out  # Kanta-Häme (December) first
    code, _, err = run(["tour", "add-event", "Nope", "--event", "1", *db], monkeypatch, capsys)
    assert code == 1 and err.strip().startswith("error: --tour: no tour with id or name 'Nope'")
    assert len(err.strip().splitlines()) == 1
    run(["tour", "create", "Toinen", *db], monkeypatch, capsys)
    code, _, err = run(["tour", "add-event", "Toinen", "--event", "1", *db], monkeypatch, capsys)
    assert code == 1 and "already on tour 1" in err
