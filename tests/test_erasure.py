"""Erasure (GDPR art. 17) on SQLite and PostgreSQL: after ``DELETE /people/{id}`` or
``kohtaamo person delete``, no table holds the person's name, e-mail or id anywhere (every
table of the models, every column), the rest of the event is intact, and a failure halfway
changes nothing."""

from __future__ import annotations

import json
import sys
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from api import cli
from api.settings import get_settings
from api.workflows import erasure
from matcher.encoders.cache import EmbeddingCache
from models.db import load_table_modules
from models.entities import Organisation
from models.feedback import Feedback
from models.jobs import Job
from models.outbox import MailKind, OutboxMessage, OutboxStatus
from models.plans import StoredTablePlan
from models.suggestions import StoredSuggestion
from tests.test_api_support import *  # noqa: F403  (the api fixtures)
from tests.test_api_support import Api, start_api

NAME, EMAIL = "Zyxwa Qqörtti", "zyxwa.qqortti@erasure.example"
ORGANISATION = "Ainutlaatuinen Hoiva Oy"
OFFERS = "yöhoidon erikoispalvelu xq"


@pytest.fixture
def cached(api_url: str, tmp_path: Path) -> Any:
    yield from start_api(api_url, migrate=False, cache_dir=tmp_path)


def _message(to: str, text: str) -> str:
    message = EmailMessage()
    message["To"], message["From"], message["Subject"] = to, "kohtaamo@example.fi", "Ehdotukset"
    message.set_content(text)  # non-ASCII: the body goes out encoded, not as plain text
    return message.as_string()


def _world(api: Api, token: str) -> tuple[int, int, list[int]]:
    """An event with the person to erase and four others: suggestions, a table and a meeting
    plan, feedback both ways, outbox messages, a job result naming them, cached vectors."""
    event = api.event(token)
    me = api.walk_in(token, event, EMAIL, ORGANISATION, offers=OFFERS, needs="digitaalinen kirjaus")
    api.client.patch(
        f"/people/{me}", headers=api.auth(token), json={"name": NAME, "role": "Palvelupäällikkö"}
    )
    others = [
        api.walk_in(token, event, f"o{i}@org{i}.example", f"Organisaatio {i}", sector=s, offers="kotihoito")
        for i, s in enumerate(("public", "third_sector", "public", "private"))
    ]
    for path, body in (
        ("suggestions", {"k": 2}),
        ("table-plans", {"rounds": 2, "min_size": 2, "max_size": 3, "seconds": 0.2}),
        ("meeting-plans", {"rounds": 2, "mode": "registered", "seconds": 0.2}),
    ):
        job = api.client.post(f"/events/{event}/{path}", headers=api.auth(token), json=body)
        assert api.wait_job(token, job.json())["status"] == "succeeded", path
    with Session(api.app.state.engine) as session:
        session.add(Feedback(event_id=event, person_id=me, target_id=others[0], met=True, usefulness=3))
        session.add(Feedback(event_id=event, person_id=others[1], target_id=me, met=True, usefulness=4))
        session.add(Feedback(event_id=event, person_id=others[1], target_id=others[2], met=False))
        for person, to, text, status in (
            (me, EMAIL, f"Hei {NAME}", "sent"),
            (others[0], "o0@org0.example", f"Tapaa {NAME} ({EMAIL}), {ORGANISATION}", "queued"),
            (others[1], "o1@org1.example", f"Tapaa {NAME}", "sent"),
            (others[2], "o2@org2.example", "Tapaa Organisaatio 3", "sent"),
        ):
            session.add(
                OutboxMessage(
                    event_id=event, person_id=person, kind=MailKind.BEFORE, content_hash=f"{person:064d}",
                    recipient=to, subject="Ehdotukset", message_id=f"<{person}@x>", raw=_message(to, text),
                    status=OutboxStatus(status),
                )
            )  # fmt: skip
        session.add(
            Job(
                kind="mailing", event_id=event, status="succeeded",
                result={"skipped_people": {"unsubscribed": [me, others[3]]},
                        "failed": [{"person_id": me, "email": EMAIL, "reason": "550"}], "sent": 3},
            )
        )  # fmt: skip
        session.commit()
        organisation_id = session.exec(select(Organisation.id).where(Organisation.name == ORGANISATION)).one()
    assert organisation_id is not None
    return event, me, others


def _ids_in(value: Any, person_id: int) -> bool:
    if isinstance(value, dict):
        return any(
            (k in ("person_id", "target_id") and v == person_id)
            or (k.endswith(("ids", "people")) and isinstance(v, list) and person_id in v)
            or _ids_in(v, person_id)
            for k, v in value.items()
        )
    if isinstance(value, list):
        return any(_ids_in(v, person_id) for v in value)
    return False


def _traces(engine: sa.Engine, person_id: int) -> list[str]:
    """Every place in the database (every table the models define) that still names them."""
    found = []
    words = (NAME.casefold(), EMAIL.casefold(), "qqörtti", "zyxwa")
    with engine.connect() as conn:
        for table in load_table_modules().sorted_tables:
            for row in conn.execute(sa.select(table)).mappings():
                for column, value in row.items():
                    where = f"{table.name}.{column}"
                    if isinstance(value, str) and any(w in value.casefold() for w in words):
                        found.append(f"{where}: text")
                    elif isinstance(value, dict | list):
                        text = json.dumps(value, ensure_ascii=False).casefold()
                        if any(w in text for w in words) or _ids_in(value, person_id):
                            found.append(f"{where}: json")
                        if column == "person_ids" and person_id in value:
                            found.append(f"{where}: listed")
                    elif column in ("person_id", "target_id") and value == person_id:
                        found.append(f"{where}: id")
                    elif table.name == "person" and column == "id" and value == person_id:
                        found.append(f"{where}: the row")
    return found


def _cache(folder: Path) -> EmbeddingCache:
    return EmbeddingCache(folder / "embeddings" / "vectors.sqlite3")


def test_erasure_leaves_no_trace_in_any_table(cached: Api, tmp_path: Path) -> None:
    api = cached
    token = api.organiser("aino@example.fi")
    event, me, others = _world(api, token)
    texts = [OFFERS, f"query: {OFFERS}", "kotihoito"]
    _cache(tmp_path).put("m", texts, np.ones((3, 4), dtype=np.float32))
    engine = api.app.state.engine
    before = _traces(engine, me)
    assert {t.split(".")[0] for t in before} >= {
        "person",
        "registration",
        "stored_suggestion",
        "stored_table_plan",
        "feedback",
        "outbox_message",
        "job",
    }  # fmt: skip  (the world names them everywhere: the search can fail)
    stranger = api.organiser("bertil@example.fi")
    assert api.client.delete(f"/people/{me}", headers=api.auth(stranger)).status_code == 404
    response = api.client.delete(f"/people/{me}", headers=api.auth(token))
    assert response.status_code == 200, response.text
    report = response.json()
    assert (
        report["events"] == [event] and report["removed"]["person"] == 1 and report["redacted_messages"] == 2
    )
    assert _traces(engine, me) == []
    assert _cache(tmp_path).get("m", texts, 4)[1] == [2]  # their organisation's texts gone, others' kept
    with Session(engine) as session:  # the others' event goes on
        plans = session.exec(select(StoredTablePlan)).all()
        assert plans and all(erasure.ERASED_MARK in p.violations for p in plans)
        assert all(len(row) == len(p.person_ids) == len(others) for p in plans for row in p.assignment)
        assert session.exec(select(Feedback)).all()[0].person_id == others[1]
        assert session.exec(select(StoredSuggestion)).all()
        statuses = {m.person_id: (m.status, bool(m.raw)) for m in session.exec(select(OutboxMessage)).all()}
        assert statuses == {
            others[0]: ("superseded", False),
            others[1]: ("sent", False),
            others[2]: ("sent", True),
        }
    assert api.client.get(f"/events/{event}/registrations", headers=api.auth(token)).json()["total"] == 4
    assert api.client.delete(f"/people/{me}", headers=api.auth(token)).status_code == 404


def test_a_failure_halfway_changes_nothing(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    token = api.organiser("aino@example.fi")
    _, me, _ = _world(api, token)
    before = _traces(api.app.state.engine, me)

    def broken(*_args: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(erasure, "_jobs", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        api.client.delete(f"/people/{me}", headers=api.auth(token))
    assert _traces(api.app.state.engine, me) == before


def test_the_command_needs_confirmation_then_erases(
    cached: Api, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    token = cached.organiser("aino@example.fi")
    _, me, _ = _world(cached, token)
    monkeypatch.setenv("KOHTAAMO_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("COLUMNS", "300")

    def run(*argv: str) -> tuple[int, str]:
        monkeypatch.setattr(
            sys, "argv", ["kohtaamo", "person", "delete", *argv, "--database-url", cached.url]
        )
        get_settings.cache_clear()
        try:
            cli.main()
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0)
        finally:
            get_settings.cache_clear()
        out, err = capsys.readouterr()
        return code, out + err

    code, out = run("--person", str(me))
    assert code == 1 and "--yes" in out and len(out.strip().splitlines()) == 1
    assert _traces(cached.app.state.engine, me)
    code, out = run("--person", str(me), "--yes")
    assert code == 0 and f"Erased person {me}" in out, out
    assert _traces(cached.app.state.engine, me) == []
