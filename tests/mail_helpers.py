"""A small event for the mail tests: six people in three languages, with and without consent
to e-mail and to share contact details, one unsubscribed, stored suggestions, a table plan
and a meeting plan. Imported by the mail tests; holds no tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlmodel import Session

from api.security import LinkSigner
from api.settings import Settings
from models.db import make_engine, upgrade_database
from models.entities import Event, Organisation, Person, Registration
from models.plans import OddRule, PlanKind, StoredTablePlan
from models.suggestions import StoredSuggestion
from models.validation import normalise_name
from tests.smtp_server import SmtpServer

SECRET = "mail-test-secret"
BASE_URL = "https://kohtaamo.example.fi"
MAIL_FROM = "Soteuttamo Kanta-Häme <kohtaamo@example.fi>"

# key: name, e-mail, language, organisation, sector, consent to e-mail, to share contact, role
PEOPLE: dict[str, tuple[str, str, str, str, str, bool, bool, str]] = {
    "paivi": (
        "Päivi Äijälä",
        "paivi@hoiva.example.fi",
        "fi",
        "Hoiva Äänekoski Oy",
        "private",
        True,
        True,
        "palvelupäällikkö",
    ),
    "asa": (
        "Åsa Öberg",
        "asa@forening.example.fi",
        "sv",
        "Föreningen Hjälp rf",
        "third_sector",
        True,
        False,
        "ROLE-ASA-PRIVATE",
    ),
    "john": (
        "John Smith",
        "john@uni.example.fi",
        "en",
        "Hämeen yliopisto",
        "education_research",
        True,
        True,
        "researcher",
    ),
    "matti": (
        "Matti Meikäläinen",
        "matti@kunta.example.fi",
        "fi",
        "Hämeenlinnan kaupunki",
        "public",
        False,
        True,
        "kehittäjä",
    ),
    "liisa": (
        "Liisa Lumi",
        "liisa@alue.example.fi",
        "fi",
        "Vanajaveden hyvinvointialue",
        "public",
        True,
        True,
        "johtaja",
    ),
    "kalle": (
        "Kalle Kivi",
        "kalle@kivi.example.fi",
        "fi",
        "Kiven Kotihoito Oy",
        "private",
        True,
        False,
        "ROLE-KALLE-PRIVATE",
    ),
}
SUGGESTIONS = {
    "paivi": ["asa", "john", "kalle"],
    "asa": ["paivi", "matti"],
    "john": ["kalle", "asa"],
    "matti": ["john"],
    "liisa": ["paivi"],
    "kalle": ["asa", "paivi"],
}
ORDER = ["paivi", "asa", "john", "matti", "liisa", "kalle"]
TABLES = [[0, 0, 0, 1, 1, 1], [0, 1, 1, 0, 0, 1]]  # round x person (ORDER), tables from 0
MEETINGS = [[0, 0, 1, -1, -2, 1], [1, 0, 0, 1, -1, -1]]  # -1: no meeting (bye), -2: not there
MAY_EMAIL = ["paivi", "asa", "john", "kalle"]  # consent, not unsubscribed
PRIVATE = {"asa", "kalle"}  # no consent to share contact details


@dataclass
class Seeded:
    """The seeded event: its id and every person's id by key."""

    url: str
    event_id: int
    ids: dict[str, int]

    def key_of(self, person_id: int) -> str:
        return next(k for k, v in self.ids.items() if v == person_id)


def seed_event(url: str, *, tables: bool = True, meetings: bool = True) -> Seeded:
    """Migrate ``url`` and add the event (see the module docstring)."""
    upgrade_database(url)
    engine = make_engine(url)
    with Session(engine) as session:
        event = Event(
            name="Soteuttamo Kanta-Häme", date=dt.date(2026, 12, 3), venue="Verkatehdas, Hämeenlinna"
        )
        session.add(event)
        session.flush()
        assert event.id is not None
        ids: dict[str, int] = {}
        for key in ORDER:
            name, email, language, org_name, sector, consent, share, role = PEOPLE[key]
            org = Organisation(name=org_name, normalised_name=normalise_name(org_name), sector=sector)
            session.add(org)
            session.flush()
            person = Person(
                name=name,
                email=email,
                language=language,
                organisation_id=org.id,
                role=role,
                consent_email=consent,
                consent_share_contact=share,
            )
            if key == "liisa":
                person.unsubscribed_at = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
            session.add(person)
            session.flush()
            assert person.id is not None
            ids[key] = person.id
            checked_in = None if key == "john" else dt.datetime(2026, 12, 3, 8, 0, tzinfo=dt.UTC)
            session.add(Registration(person_id=person.id, event_id=event.id, checked_in_at=checked_in))
        for key, targets in SUGGESTIONS.items():
            for rank, target in enumerate(targets, start=1):
                reasons = {
                    lang: [f"{lang}-syy {rank}: {PEOPLE[target][0]} tarjoaa ä/ö/å"]
                    for lang in ("fi", "sv", "en")
                }
                session.add(
                    StoredSuggestion(
                        event_id=event.id,
                        person_id=ids[key],
                        target_id=ids[target],
                        rank=rank,
                        score=1.0 / rank,
                        reasons=reasons,
                    )
                )
        people = [ids[k] for k in ORDER]
        if tables:
            session.add(
                StoredTablePlan(
                    event_id=event.id,
                    kind=PlanKind.TABLES,
                    person_ids=people,
                    assignment=TABLES,
                    params={"min_size": 3, "max_size": 3, "separate_organisations": True},
                )
            )
        if meetings:
            session.add(
                StoredTablePlan(
                    event_id=event.id,
                    kind=PlanKind.MEETINGS,
                    odd=OddRule.BYE,
                    person_ids=people,
                    assignment=MEETINGS,
                    params={"round_scores": [0.0, 0.0], "optimal": [True, True]},
                )
            )
        session.commit()
        event_id = event.id
    engine.dispose()
    return Seeded(url=url, event_id=event_id, ids=ids)


def settings_for(url: str, server: SmtpServer | None, outbox: Path, **changes: Any) -> Settings:
    """Settings on ``url`` that send to the loopback ``server`` (plain SMTP, no login)."""
    values: dict[str, Any] = dict(
        database_url=url,
        secret_key=SECRET,
        public_base_url=BASE_URL,
        mail_from=MAIL_FROM,
        outbox_dir=outbox,
        smtp_security="none",
        smtp_timeout_seconds=5,
        mail_rate_per_minute=60_000,
        mail_max_attempts=3,
    )
    if server is not None:
        values.update(smtp_host=server.host, smtp_port=server.port)
    values.update(changes)
    return Settings(**values)


def signer() -> LinkSigner:
    return LinkSigner(SECRET, max_age_seconds=30 * 24 * 3600)
