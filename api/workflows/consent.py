"""Who may be e-mailed: a person who consented and has not unsubscribed.

Unsubscribing is kept apart from the consent flag: a later re-import of a registration sheet
may say "Sähköpostilupa: kyllä" again, but someone who unsubscribed stays unsubscribed.

Example:
    >>> from models.entities import Person
    >>> skip_reason(Person(name="M", email="m@x.fi", consent_email=False))
    'no e-mail consent'
"""

from __future__ import annotations

from sqlmodel import Session

from api.workflows.common import now
from api.workflows.errors import NotFoundError
from models.entities import Person


def skip_reason(person: Person) -> str | None:
    """Why ``person`` gets no e-mail (``None``: they may be e-mailed)."""
    if person.unsubscribed_at is not None:
        return "unsubscribed"
    if not person.consent_email:
        return "no e-mail consent"
    return None


def may_email(person: Person) -> bool:
    """Whether ``person`` may be e-mailed (see :func:`skip_reason`)."""
    return skip_reason(person) is None


def unsubscribe(*, session: Session, person_id: int) -> Person:
    """Stop all e-mail to the person (safe to repeat: the first time is kept)."""
    person = session.get(Person, person_id)
    if person is None:
        raise NotFoundError("person not found")
    if person.unsubscribed_at is None:
        person.unsubscribed_at = now()
    person.consent_email = False
    session.add(person)
    session.commit()
    session.refresh(person)
    return person
