"""People and registrations in an import: people keyed by e-mail, one registration per person
and event, written in bulk after the organisations.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from models.entities import Person, Registration
from models.imports.bulk import changes, insert_rows, stored_rows
from models.imports.organisations import OrgPlan
from models.imports.result import ImportResult
from models.imports.rows import ImportRecord


def _person_ids(session: Session, emails: Sequence[str]) -> dict[str, Any]:
    return {p.email: p for p in stored_rows(session, Person, "email", emails)}


def write_people(
    session: Session, records: Sequence[ImportRecord], of_row: Mapping[int, OrgPlan], result: ImportResult
) -> dict[str, int]:
    emails = [r.person["email"] for r in records]
    stored = _person_ids(session, emails)
    new, updates = [], []
    for record in records:
        values = {**record.person, "organisation_id": of_row[record.row].id}
        person = stored.get(values["email"])
        if person is None:
            new.append(
                {
                    "role": "",
                    "language": "fi",
                    "consent_email": False,
                    "consent_share_contact": False,
                    **values,
                }
            )
        elif changed := changes(person, values):
            updates.append({"id": person.id, **changed})
    new_ids = insert_rows(session, Person, new)
    if updates:
        session.execute(sa.update(Person), updates)
    result.people_created, result.people_updated = len(new), len(updates)
    result.people_unchanged = len(records) - len(new) - len(updates)
    ids = {email: p.id for email, p in stored.items() if p.id is not None}
    ids.update(zip((n["email"] for n in new), new_ids, strict=True))
    return ids


def write_registrations(
    session: Session,
    event_id: int,
    records: Sequence[ImportRecord],
    ids: Mapping[str, int],
    result: ImportResult,
) -> None:
    person_ids = [ids[r.person["email"]] for r in records]
    found = stored_rows(session, Registration, "person_id", person_ids, event_id=event_id)
    stored = {r.person_id: r for r in found}
    new, updates = [], []
    for record, person_id in zip(records, person_ids, strict=True):
        registration = stored.get(person_id)
        if registration is None:
            new.append(
                {
                    "person_id": person_id,
                    "event_id": event_id,
                    "source": record.source or "pre_registered",
                    "cancelled": False,
                }
            )
        elif record.source is not None and registration.source != record.source:
            updates.append({"id": registration.id, "source": record.source})
    insert_rows(session, Registration, new)
    if updates:
        session.execute(sa.update(Registration), updates)
    result.registrations_created, result.registrations_updated = len(new), len(updates)
