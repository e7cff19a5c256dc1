"""Thin profiles of an event, for organisers to chase before the day (issue 11).

Everyone taking part (:func:`models.participation.participants`: registered, not cancelled)
is read as the engine reads them (:func:`models.profiles.person_profile`) and checked with
:func:`matcher.profile_quality.profile_flags`, so the list names exactly the gaps the matcher
will meet. The API route and ``kohtaamo profiles check`` both show this list.

A profile flagged ``no_themes`` also gets up to three suggested themes, read from its text by
a :class:`matcher.theme_classifier.ThemeClassifier` fitted on this event's organisations that
chose themes (at least :data:`MIN_THEMED` of them; fewer, and no suggestion is made rather
than a guess from too little). They are questions to put to the person, never stored as
their themes; ``bench.theme_classifier`` measures how often they are right.

Example: ``[f.flags for f in flagged_profiles(session=s, event_id=1)]`` gives lists such as
``['no_needs', 'one_word_offers', 'no_themes']``, one per participant with a thin profile.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from api.workflows.events import require_event
from matcher.profile import Profile
from matcher.profile_quality import profile_flags
from matcher.theme_classifier import ThemeClassifier, profile_text
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
    suggested_themes: list[str]


MIN_THEMED = 10
"""Fewest organisations with themes the event needs before themes are suggested to others."""
SUGGESTED = 3
"""How many themes are suggested to a profile without any."""


def suggest_themes(profiles: list[Profile], targets: list[Profile]) -> dict[str, list[str]]:
    """Suggested themes of each of ``targets`` (by profile id), learnt from those of
    ``profiles`` (one per organisation) that have themes; empty when too few have."""
    themed = list({p.organisation: p for p in profiles if p.themes}.values())
    if not targets or len(themed) < MIN_THEMED:
        return {}
    try:
        model = ThemeClassifier(random_state=0).fit(
            [profile_text(p) for p in themed], [p.themes for p in themed]
        )
    except ValueError:  # every organisation chose the same theme: nothing tells them apart
        return {}
    top = model.suggest([profile_text(p) for p in targets], k=SUGGESTED)
    return {p.id: list(codes) for p, codes in zip(targets, top, strict=True)}


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
    rows = session.exec(statement).all()
    profiles = [person_profile(person, organisation) for person, organisation in rows]
    flags = [profile_flags(p) for p in profiles]
    suggested = suggest_themes(
        profiles, [p for p, f in zip(profiles, flags, strict=True) if "no_themes" in f]
    )
    found = []
    for (person, organisation), profile, codes in zip(rows, profiles, flags, strict=True):
        assert person.id is not None
        if codes or everyone:
            name = organisation.name if organisation is not None else ""
            themes = suggested.get(profile.id, [])
            found.append(FlaggedProfile(person.id, person.name, person.email, name, codes, themes))
    return found
