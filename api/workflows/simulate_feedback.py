"""Simulated feedback for a demonstration or a test: plausible answers for an event's
participants, drawn from a seeded generator, stored through the same workflow as real
answers (so they are checked the same way and a re-run updates instead of adding).

Never run it on an event whose feedback matters: it overwrites the answers it draws.

The model: a participant answers with ``response_rate``; a suggested partner at rank r was
met with probability 0.8 - 0.08 (r - 1), a 1:1 partner with 0.9; a met partner's usefulness
is 1 + Binomial(3, 0.8 - 0.08 (r - 1)); a useful meeting (3 or 4) led to cooperation with 0.35
(one or two types, the commoner Soteuttamo types likelier); at the follow-up half of the
agreed cooperation happened. Respondents name one to three themes they want next, their own
organisation's themes likelier.

Example: ``simulate_feedback(session=s, event_id=1, seed=11)`` returns the number of answers.
"""

from __future__ import annotations

import numpy as np
from sqlmodel import Session, select

from api.workflows.feedback import feedback_partners, save_feedback, save_followup, save_theme_wish
from api.workflows.impact_data import report_people
from api.workflows.plans import people_of
from matcher.taxonomy import COOPERATION_TYPES, THEMES
from models.feedback import FeedbackCreate, FollowupCreate, ThemeWishCreate
from models.suggestions import StoredSuggestion

TYPE_WEIGHTS = {"sharing_expertise": 5, "joint_project": 4, "service_innovation": 3, "training": 3}
"""Relative weights of cooperation types (others: 1), after the Soteuttamo tour's report."""


def _types(rng: np.random.Generator) -> list[str]:
    codes = list(COOPERATION_TYPES)
    weights = np.array([TYPE_WEIGHTS.get(c, 1) for c in codes], dtype=float)
    count = 1 + int(rng.random() < 0.3)
    return [codes[i] for i in rng.choice(len(codes), size=count, replace=False, p=weights / weights.sum())]


def _answer(rng: np.random.Generator, target: int, rank: int | None) -> FeedbackCreate:
    chance = 0.9 if rank is None else max(0.8 - 0.08 * (rank - 1), 0.2)
    if rng.random() >= chance:
        return FeedbackCreate(target_id=target, met=False)
    usefulness = 1 + int(rng.binomial(3, chance))
    types = _types(rng) if usefulness >= 3 and rng.random() < 0.35 else []
    return FeedbackCreate(target_id=target, met=True, usefulness=usefulness, cooperation_types=types)


def _wish(rng: np.random.Generator, own: list[str]) -> ThemeWishCreate:
    codes = list(THEMES)
    weights = np.array([4.0 if c in own else 1.0 for c in codes])
    count = int(rng.integers(1, 4))
    picked = rng.choice(len(codes), size=count, replace=False, p=weights / weights.sum())
    return ThemeWishCreate(themes=[codes[i] for i in picked])


def simulate_feedback(
    *, session: Session, event_id: int, seed: int, response_rate: float = 0.7, followup: bool = True
) -> int:
    """Draw and store feedback (and, with ``followup``, the follow-up and theme wishes) for the
    event's participants; returns the number of answers stored."""
    if not 0 <= response_rate <= 1:
        raise ValueError(f"response_rate: {response_rate} is not between 0 and 1")
    rng = np.random.default_rng(seed)
    ids = report_people(session, event_id)
    found = people_of(session, ids)
    stored = 0
    for person in ids:
        if rng.random() >= response_rate:
            continue
        ranks = dict(
            session.exec(
                select(StoredSuggestion.target_id, StoredSuggestion.rank).where(
                    StoredSuggestion.event_id == event_id, StoredSuggestion.person_id == person
                )
            ).all()
        )
        for target in feedback_partners(session=session, event_id=event_id, person_id=person):
            answer = _answer(rng, target, ranks.get(target))
            save_feedback(session=session, event_id=event_id, person_id=person, feedback_in=answer)
            stored += 1
            if followup and answer.cooperation_types:
                happened = [t for t in answer.cooperation_types if rng.random() < 0.5]
                followup_in = FollowupCreate(
                    target_id=target, realised=bool(happened), realised_types=happened
                )
                save_followup(session=session, event_id=event_id, person_id=person, followup_in=followup_in)
        organisation = found[person][1] if person in found else None
        wish = _wish(rng, list(organisation.themes) if organisation else [])
        save_theme_wish(session=session, event_id=event_id, person_id=person, wish_in=wish)
    return stored
