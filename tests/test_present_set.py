"""The command line and the HTTP API agree on who is present: checked in and not checked out.

(They used to disagree: ``kohtaamo suggest --present-only`` kept people who had checked out.)
"""

from __future__ import annotations

import csv
from pathlib import Path

from sqlmodel import Session
from typer.testing import CliRunner

from api.cli import build_app
from models.db import make_engine
from models.participation import participant_ids
from tests.test_api_support import *  # noqa: F403 (fixtures)
from tests.test_api_support import Api


def _event_with_one_person_gone(api: Api) -> tuple[int, dict[str, int]]:
    token = api.organiser("maija@x.fi")
    event = api.event(token)
    people = {
        "anna": api.walk_in(token, event, "anna@x.fi", "Anna Oy", offers="kotihoito", needs="ruokapalvelu"),
        "bertil": api.walk_in(
            token, event, "bertil@x.fi", "Bertil ry", sector="third_sector", offers="vertaistuki"
        ),
        "cecilia": api.walk_in(token, event, "cecilia@x.fi", "Kunta C", sector="public", check_in=False),
        "daniel": api.walk_in(
            token, event, "daniel@x.fi", "Daniel Oy", offers="ruokapalvelu", needs="kotihoito"
        ),
        "eino": api.walk_in(token, event, "eino@x.fi", "Eino ry", sector="third_sector", offers="liikunta"),
    }
    gone = api.client.post(
        f"/events/{event}/registrations/{people['bertil']}/check-out", headers=api.auth(token)
    )
    assert gone.status_code == 200 and gone.json()["present"] is False
    return event, people


def test_cli_and_api_suggest_for_the_same_present_people(api: Api) -> None:
    event, people = _event_with_one_person_gone(api)
    present = {people["anna"], people["daniel"], people["eino"]}
    engine = make_engine(api.url)
    with Session(engine) as session:
        assert set(participant_ids(session, event, present_only=True)) == present
    engine.dispose()

    job = api.client.post(
        f"/events/{event}/suggestions", headers=api.auth(api.admin), json={"k": 1, "mode": "present"}
    )
    done = api.wait_job(api.admin, job.json())
    assert done["status"] == "succeeded", done["message"]
    assert done["result"]["participants"] == len(present)

    args = ["suggest", "--event", str(event), "--k", "1", "--present-only", "--model", "hashing"]
    result = CliRunner().invoke(build_app(), [*args, "--database-url", api.url], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output + repr(result.exception)
    assert f"{len(present)} participants;" in result.output
    assert "Bertil" not in result.output and "Cecilia" not in result.output
    assert "Anna" in result.output and "Daniel" in result.output


def test_cli_and_api_seat_the_same_present_people(api: Api, tmp_path: Path) -> None:
    event, people = _event_with_one_person_gone(api)
    body = {"rounds": 1, "min_size": 3, "max_size": 3, "present_only": True, "seconds": 0.2}
    job = api.client.post(f"/events/{event}/table-plans", headers=api.auth(api.admin), json=body)
    assert job.status_code == 202, job.text
    done = api.wait_job(api.admin, job.json())
    assert done["status"] == "succeeded", done["message"]
    plan = api.client.get(
        f"/events/{event}/table-plans/{done['result']['plan_id']}", headers=api.auth(api.admin)
    ).json()
    api_seated = {seat["person_id"] for seat in plan["seats"]}

    out = tmp_path / "plan.csv"
    args = ["tables", "--event", str(event), "--rounds", "1", "--table-size", "3", "--present-only"]
    args += ["--seconds", "0.2", "--model", "hashing", "--database-url", api.url, "--out", str(out)]
    result = CliRunner().invoke(build_app(), args)
    assert result.exit_code == 0, result.output + repr(result.exception)
    with out.open(encoding="utf-8-sig", newline="") as handle:
        cli_seated = {int(row["person_id"]) for row in csv.DictReader(handle)}
    assert cli_seated == api_seated == {people["anna"], people["daniel"], people["eino"]}
