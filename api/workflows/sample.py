"""The bundled sample event (*Soteuttamo Kanta-Häme 2026*) for the demo and the tests.

Example:
    >>> import tempfile, os
    >>> url = "sqlite:///" + os.path.join(tempfile.mkdtemp(), "k.db")
    >>> import_sample_event(url) == import_sample_event(url)  # safe to re-run
    True
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from api.workflows.organisers import create_organiser, rotate_token
from models.access import EventOrganiser, Organiser, OrganiserCreate
from models.db import make_engine, upgrade_database
from models.entities import Event, EventCreate
from models.imports import Progress, import_file

SAMPLE_DIR = Path(__file__).resolve().parents[2] / "models" / "sample_data"
SAMPLE_NAME = "soteuttamo_kanta_hame_2026"
DEMO_ORGANISER = "demo@kohtaamo.example"


def sample_paths() -> tuple[Path, Path]:
    """The bundled sample event: its registrations (CSV) and its metadata (JSON)."""
    return SAMPLE_DIR / f"{SAMPLE_NAME}.csv", SAMPLE_DIR / f"{SAMPLE_NAME}.json"


def upsert_event(session: Session, data: dict[str, Any]) -> Event:
    """Create the event named ``data["name"]``, or update the one that exists (lowest id)."""
    event_in = EventCreate.model_validate(data)
    event = session.exec(select(Event).where(Event.name == event_in.name).order_by(col(Event.id))).first()
    if event is None:
        event = Event.model_validate(event_in)
    else:
        event.sqlmodel_update(event_in.model_dump())
    session.add(event)
    session.flush()
    return event


def import_sample_event(database_url: str, *, progress: Progress | None = None) -> int:
    """Upgrade the database, create or update the sample event, import its registrations.

    Returns the event id; re-running updates rather than duplicates.
    """
    csv_path, json_path = sample_paths()
    meta = json.loads(json_path.read_text(encoding="utf-8"))
    if isinstance(meta.get("date"), str):
        meta["date"] = dt.date.fromisoformat(meta["date"])
    engine = make_engine(database_url)
    try:
        upgrade_database(engine)
        with Session(engine) as session:
            event = upsert_event(session, meta)
            session.commit()
            event_id = event.id
        assert event_id is not None
        import_file(engine, csv_path, event_id=event_id, progress=progress)
    finally:
        engine.dispose()
    return event_id


def demo_organiser_token(session: Session, event_id: int) -> str:
    """A fresh API token of the demo organiser, who runs the sample event (created on the first
    run; each run rotates the token, since a token is shown only once). Not an admin: the
    demo's log-in sees the sample event only."""
    organiser = session.exec(select(Organiser).where(Organiser.email == DEMO_ORGANISER)).first()
    if organiser is None:
        created = create_organiser(
            session=session, organiser_in=OrganiserCreate(name="Demo-järjestäjä", email=DEMO_ORGANISER)
        )
        token, organiser_id = created.token, created.id
    else:
        rotated = rotate_token(session=session, organiser=organiser)
        token, organiser_id = rotated.token, rotated.id
    if session.get(EventOrganiser, (event_id, organiser_id)) is None:
        session.add(EventOrganiser(event_id=event_id, organiser_id=organiser_id))
        session.commit()
    return token
