"""From database rows to :class:`matcher.Profile` and back (who takes part: :mod:`models.participation`).

The engine sees one profile per registered person: the person's id and language, and
their organisation's sector, region, description, offers, needs, themes and keywords.
``Profile.organisation`` is the organisation's id as text, so two people of one
organisation share the key the engine uses for "never suggest colleagues".

Example:
    >>> import sqlalchemy as sa
    >>> from models.db import make_engine, upgrade_database
    >>> engine = make_engine("sqlite://", poolclass=sa.pool.StaticPool)
    >>> upgrade_database(engine)
    >>> with Session(engine) as s:
    ...     org = Organisation(name="Hoiva Oy", normalised_name="hoiva", sector="private",
    ...                        offers="kotihoito\\nyöpartiointi")
    ...     s.add(org); s.flush()
    ...     p = Person(name="Maija", email="maija@example.fi", organisation_id=org.id)
    ...     s.add(p); s.flush()
    ...     profile_for_person(s, p.id).offers
    ('kotihoito', 'yöpartiointi')
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from matcher import Profile, split_statements
from models.entities import Organisation, OrganisationUpdate, Person
from models.participation import participants

NO_ORGANISATION_SECTOR = "other"


def person_profile(person: Person, organisation: Organisation | None) -> Profile:
    """The engine's profile of ``person`` (who belongs to ``organisation``, if any).

    A person without an organisation is their own organisation (key ``person:<id>``) in
    sector ``other``, so the engine can still place them.
    """
    if person.id is None:
        raise ValueError("person: has no id yet (flush the session first)")
    if organisation is None:
        return Profile(
            id=str(person.id),
            organisation=f"person:{person.id}",
            sector=NO_ORGANISATION_SECTOR,
            language=person.language,
        )
    return Profile(
        id=str(person.id),
        organisation=str(organisation.id),
        sector=organisation.sector,
        region=organisation.region,
        description=organisation.description,
        offers=split_statements(organisation.offers),
        needs=split_statements(organisation.needs),
        themes=tuple(organisation.themes),
        keywords=tuple(organisation.keywords),
        language=person.language,
    )


def event_profiles(session: Session, event_id: int, *, present_only: bool = False) -> list[Profile]:
    """One profile per person taking part (:func:`models.participation.participants`), in
    registration order: everyone registered, or (``present_only``) those in the room now.

    Example: ``[p.id for p in event_profiles(session, 1)]`` gives the people's ids as text.
    """
    taking_part = participants(event_id, present_only=present_only).subquery()
    statement = (
        select(Person, Organisation)
        .join(taking_part, taking_part.c.person_id == col(Person.id))
        .outerjoin(Organisation, col(Organisation.id) == col(Person.organisation_id))
        .order_by(taking_part.c.id)
    )
    return [person_profile(person, organisation) for person, organisation in session.exec(statement).all()]


def profile_for_person(session: Session, person_id: int) -> Profile:
    """The profile of one person; an unknown id is an error naming it."""
    person = session.get(Person, person_id)
    if person is None:
        raise LookupError(f"person: no person with id {person_id}")
    organisation = session.get(Organisation, person.organisation_id) if person.organisation_id else None
    return person_profile(person, organisation)


def profiles_by_id(session: Session, person_ids: list[int]) -> dict[str, Profile]:
    """Profiles of the given people keyed by ``Profile.id`` (missing ids are an error)."""
    statement = (
        select(Person, Organisation)
        .outerjoin(Organisation, col(Organisation.id) == col(Person.organisation_id))
        .where(col(Person.id).in_(person_ids))
    )
    found = {str(p.id): person_profile(p, o) for p, o in session.exec(statement).all()}
    missing = sorted({str(i) for i in person_ids} - found.keys())
    if missing:
        raise LookupError(f"person: no person with id {', '.join(missing)}")
    return found


def organisation_update_from_profile(profile: Profile) -> OrganisationUpdate:
    """The reverse direction: the organisation fields a profile carries, as an update.

    Offers and needs are written one statement a line, the form the import reads, so
    ``split_statements`` gives the same statements back.

    Example:
        >>> p = Profile(id="1", organisation="1", sector="public", offers=("a", "b"))
        >>> organisation_update_from_profile(p).offers
        'a\\nb'
    """
    return OrganisationUpdate(
        sector=profile.sector,
        region=profile.region,
        description=profile.description,
        offers="\n".join(profile.offers),
        needs="\n".join(profile.needs),
        themes=list(profile.themes),
        keywords=list(profile.keywords),
    )


__all__ = [
    "event_profiles",
    "organisation_update_from_profile",
    "person_profile",
    "profile_for_person",
    "profiles_by_id",
]
