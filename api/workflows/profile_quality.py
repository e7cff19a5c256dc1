"""Thin profiles of an event, for organisers to chase before the day (issue 11).

Everyone taking part (:func:`models.participation.participants`: registered, not cancelled)
is read as the engine reads them (:func:`models.profiles.person_profile`) and checked with
:func:`matcher.profile_quality.profile_flags`, so the list names exactly the gaps the matcher
will meet. The API route and ``kohtaamo profiles check`` both show this list.

Example: ``[f.flags for f in flagged_profiles(session=s, event_id=1)]`` gives lists such as
``['no_needs', 'one_word_offers', 'no_themes']``, one per participant with a thin profile.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from api.workflows.events import require_event
from matcher.profile_quality import profile_flags
from models.entities import Organisation, Person
from models.participation import participants
from models.profiles import person_profile


@dataclass(frozen=True)
class FlaggedProfile:
    """One participant and the gaps in their profile (codes of
    :data:`matcher.profile_quality.FLAGS`, in that order; empty when nothing is missing)."""

    person_id: int
    name: str
    email: str
    organisation: str
    flags: list[str]


def flagged_profiles(*, session: Session, event_id: int, everyone: bool = False) -> list[FlaggedProfile]:
    """The event's participants whose profiles have a flag, in registration order (with
    ``everyone``, all of them, flagged or not). An unknown event is a not-found error."""
    require_event(session=session, event_id=event_id)
    taking_part = participants(event_id, present_only=False).subquery()
    statement = (
        select(Person, Organisation)
        .join(taking_part, taking_part.c.person_id == col(Person.id))
        .outerjoin(Organisation, col(Organisation.id) == col(Person.organisation_id))
        .order_by(taking_part.c.id)
    )
    found = []
    for person, organisation in session.exec(statement).all():
        assert person.id is not None
        flags = profile_flags(person_profile(person, organisation))
        if flags or everyone:
            name = organisation.name if organisation is not None else ""
            found.append(FlaggedProfile(person.id, person.name, person.email, name, flags))
    return found
