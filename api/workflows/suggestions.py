"""Suggested partners: compute and store them for an event, and read one person's list.

Reads never touch the engine: reasons are stored rendered in every language. A partner's
e-mail and role appear only where that partner agreed to share them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col

from api.schemas import ContactDetails, SuggestedPartner, SuggestionList
from api.workflows.common import Progress, no_progress, now
from api.workflows.errors import NotFoundError
from api.workflows.events import require_event
from api.workflows.feedback import met_pairs
from api.workflows.learned_ranking import learned_ranking
from api.workflows.scoring import english_of
from api.workflows.tour_memory import TourMemory, place_follow_ups, tour_memory
from matcher import Profile, SuggestConfig, Suggestion, TextEncoder, affinity, suggest, suggestion_violations
from matcher.affinity import Affinity
from matcher.learning import FeedbackRescorer, rescored_affinity
from matcher.taxonomy import LANGUAGES
from models.entities import Organisation, Person, Registration
from models.profiles import event_profiles
from models.suggestions import StoredSuggestion


def render_reasons(reasons: Sequence[Any]) -> dict[str, list[str]]:
    """Each reason rendered in fi, sv and en (stored so reads never touch the engine)."""
    return {lang: [reason.render(lang) for reason in reasons] for lang in LANGUAGES}


def live_mode(status: str, mode: str) -> bool:
    """Whether only people present take part: ``mode`` present, or auto at a live event."""
    return mode == "present" or (mode == "auto" and status == "live")


def compute_suggestions(
    *,
    session: Session,
    event_id: int,
    k: int,
    mode: str,
    encoder: TextEncoder,
    progress: Progress = no_progress,
) -> dict[str, Any]:
    """Suggest partners for the event's participants and store them, replacing earlier ones.

    Before the event (``registered``) everyone registered takes part; live (``present``)
    only people in the room (:mod:`models.participation`), and pairs who already met are
    never suggested again. On a tour, :mod:`api.workflows.tour_memory` decides who met at
    earlier events and is not suggested again, or is suggested again on purpose, and
    :mod:`api.workflows.learned_ranking` whether the earlier events' feedback ranks the pairs.
    Stored scores are the hand-set ones either way: they are what a later re-scorer learns from.
    """
    event = require_event(session=session, event_id=event_id)
    live = live_mode(event.status, mode)
    profiles = event_profiles(session, event_id, present_only=live)
    today = met_pairs(session=session, event_id=event_id) if live else []
    memory = tour_memory(session=session, event_id=event_id, profiles=profiles)
    exclude = [*today, *memory.exclude]
    progress(0.1, f"scoring {len(profiles)} participants")
    ranking = learned_ranking(session=session, event_id=event_id)
    lists = _suggest(profiles, k, exclude, encoder, memory, set(map(frozenset, today)), ranking.rescorer)
    broken = suggestion_violations(lists, profiles, k, exclude=exclude) if lists else []
    # a follow-up is suggested on purpose, beyond the exposure cap if need be
    broken = [b for b in broken if not (memory.follow_ups and "max_exposure" in b)]
    if broken:
        raise RuntimeError(f"suggestions: break {len(broken)} rule(s), first: {broken[0]}")
    progress(0.8, "storing suggestions")
    session.execute(sa.delete(StoredSuggestion).where(col(StoredSuggestion.event_id) == event_id))
    stamp = now()
    rows = [
        StoredSuggestion(
            event_id=event_id,
            person_id=int(profile.id),
            target_id=int(suggestion.target_id),
            rank=rank,
            score=float(suggestion.score),
            reasons=_reasons(memory, profile.id, suggestion),
            computed_at=stamp,
        )
        for profile, suggestions in zip(profiles, lists, strict=True)
        for rank, suggestion in enumerate(suggestions, start=1)
    ]
    session.add_all(rows)
    session.commit()
    return {
        "mode": "present" if live else "registered",
        "participants": len(profiles),
        "suggestions": len(rows),
        "excluded_pairs": len(exclude),
        "follow_ups": sum(len(v) for v in memory.follow_ups.values()),
        "ranking": ranking.name,
        "ranking_reason": ranking.reason,
    }


def _suggest(
    profiles: list[Profile],
    k: int,
    exclude: list[tuple[str, str]],
    encoder: TextEncoder,
    memory: TourMemory,
    met_today: set[frozenset[str]],
    rescorer: FeedbackRescorer | None = None,
) -> list[list[Suggestion]]:
    """The engine's lists (ranked by ``rescorer`` when given, carrying the hand-set scores),
    then the tour's follow-ups placed first (not for pairs who met today)."""
    if len(profiles) < 2:
        return []
    config = SuggestConfig()
    scores = affinity(profiles, encoder, config.affinity, english=english_of(encoder), exclude=exclude)
    ranked = scores if rescorer is None else rescored_affinity(scores, rescorer)
    lists = suggest(profiles, k=k, exclude=exclude, affinity=ranked, config=config)
    if rescorer is not None:
        lists = _with_scores(lists, profiles, scores)
    follow = {
        person: tuple(t for t in targets if frozenset((person, t[0])) not in met_today)
        for person, targets in memory.follow_ups.items()
    }
    if not any(follow.values()):
        return lists
    index = scores.index
    pairs = {
        (p, t): float(scores.matrix[index[p], index[t]]) for p, targets in follow.items() for t, _ in targets
    }
    return place_follow_ups(lists, profiles, TourMemory(memory.exclude, follow), pairs)


def _with_scores(
    lists: list[list[Suggestion]], profiles: list[Profile], scores: Affinity
) -> list[list[Suggestion]]:
    """``lists`` with each suggestion's hand-set score from ``scores`` (order kept)."""
    index = scores.index
    return [
        [
            dataclasses.replace(s, score=float(scores.matrix[index[p.id], index[s.target_id]]))
            for s in suggestions
        ]
        for p, suggestions in zip(profiles, lists, strict=True)
    ]


def _reasons(memory: TourMemory, person_id: str, suggestion: Suggestion) -> dict[str, list[str]]:
    """The engine's reasons in every language, after the follow-up reason if it is one."""
    rendered = render_reasons(suggestion.reasons)
    extra = memory.reason(person_id, suggestion.target_id)
    if extra is None:
        return rendered
    return {lang: [extra[lang], *lines][:3] for lang, lines in rendered.items()}


def _partners(rows: Sequence[Any], language: str) -> list[SuggestedPartner]:
    """Suggested partners from rows of (rank, score, reasons, computed_at, target id, name,
    e-mail, role, consent to share contact, organisation, sector); rows without a rank (an
    outer join that found no suggestion) are skipped. Contact only where the partner consented."""
    return [
        SuggestedPartner(
            rank=rank,
            person_id=target_id,
            name=name,
            organisation=organisation,
            sector=sector,
            score=score,
            reasons=list(reasons.get(language, [])),
            contact=ContactDetails(email=email, role=role) if consent else None,
        )
        for rank, score, reasons, _, target_id, name, email, role, consent, organisation, sector in rows
        if rank is not None
    ]


_TARGET = sa.orm.aliased(Person, name="target")  # module-level, so the compiled query is cached


def _list_statement(event_id: int, person_id: int, *, active_only: bool, link_nonce: str | None) -> Any:
    target = _TARGET
    registered = sa.and_(
        col(Registration.person_id) == col(Person.id), col(Registration.event_id) == event_id
    )
    if active_only:
        registered = sa.and_(registered, col(Registration.cancelled).is_(False))
    if link_nonce is not None:
        registered = sa.and_(registered, col(Registration.link_nonce) == link_nonce)
    return (
        sa.select(  # type: ignore[call-overload]
            Person.language,
            StoredSuggestion.rank,
            StoredSuggestion.score,
            StoredSuggestion.reasons,
            StoredSuggestion.computed_at,
            target.id,
            target.name,
            target.email,
            target.role,
            target.consent_share_contact,
            Organisation.name,
            Organisation.sector,
        )
        .select_from(Person)
        .join(Registration, registered)
        .outerjoin(
            StoredSuggestion,
            sa.and_(
                col(StoredSuggestion.event_id) == event_id, col(StoredSuggestion.person_id) == col(Person.id)
            ),
        )
        .outerjoin(target, target.id == StoredSuggestion.target_id)
        .outerjoin(Organisation, col(Organisation.id) == target.organisation_id)
        .where(Person.id == person_id)
        .order_by(col(StoredSuggestion.rank))
    )


def participant_suggestions(
    *,
    session: Session | sa.Connection,
    event_id: int,
    person_id: int,
    language: str | None,
    active_only: bool = True,
    link_nonce: str | None = None,
) -> SuggestionList | None:
    """One participant's stored suggestions, reasons in ``language`` (default: theirs), or
    None if they have no registration at the event (``active_only``: no valid one, as for
    their own link; ``link_nonce``: and only if their links carry this nonce). One query: this
    is the service's busiest path (every e-mailed link lands here)."""
    statement = _list_statement(event_id, person_id, active_only=active_only, link_nonce=link_nonce)
    rows = session.execute(statement).all()
    if not rows:
        return None
    lang = language or rows[0][0]
    partners = _partners([row[1:] for row in rows], lang)
    return SuggestionList(
        event_id=event_id,
        person_id=person_id,
        language=lang,
        computed_at=rows[0][4] if partners else None,
        suggestions=partners,
    )


def suggestion_list(
    *, session: Session, event_id: int, person_id: int, language: str | None = None
) -> SuggestionList:
    """:func:`participant_suggestions` for an organiser (a cancelled registration still shows
    what was stored), or :class:`NotFoundError` if the person was never registered there."""
    found = participant_suggestions(
        session=session, event_id=event_id, person_id=person_id, language=language, active_only=False
    )
    if found is None:
        raise NotFoundError("registration not found")
    return found
