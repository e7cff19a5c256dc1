"""Whether an event's suggestions are ranked by scores learnt from the tour's feedback.

On a tour, the feedback of the events before this one ("was the meeting useful?") may teach a
re-scorer (:class:`matcher.learning.FeedbackRescorer`) to rank pairs better than the hand-set
weights. It is used only when :func:`matcher.learning.time_split_verdict` says so on those
earlier events: fitted on all but the latest of them, it must rank the latest one's rated pairs
better. Then it is refitted on every earlier event and ranks this event's pairs. Otherwise, and
off a tour, the hand-set weights rank, and :class:`Ranking` says why.

Example: ``ranking = learned_ranking(session=s, event_id=3)``; ``ranking.rescorer is None``
means the hand-set weights rank, for ``ranking.reason``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sqlmodel import Session

from api.workflows.impact_data import learning_verdict, rated_pairs
from api.workflows.tours import tour_event_ids, tour_of_event
from matcher.learning import FeedbackRescorer


@dataclass(frozen=True)
class Ranking:
    """The re-scorer to rank with (``None``: the hand-set weights) and the reason, in words."""

    rescorer: FeedbackRescorer | None
    reason: str

    @property
    def name(self) -> str:
        """``learned`` or ``hand-set``, as the suggestion run reports it."""
        return "hand-set" if self.rescorer is None else "learned"


def learned_ranking(*, session: Session, event_id: int) -> Ranking:
    """How ``event_id``'s suggestions are ranked (see the module docstring)."""
    tour_id = tour_of_event(session=session, event_id=event_id)
    if tour_id is None:
        return Ranking(None, "the event is not on a tour: no earlier feedback to learn from")
    ids = tour_event_ids(session=session, tour_id=tour_id)
    earlier = ids[: ids.index(event_id)]
    if not earlier:
        return Ranking(None, "the first event of its tour: no earlier feedback to learn from")
    verdict = learning_verdict(session, earlier)
    if not verdict.use_learned:
        return Ranking(None, verdict.reason)
    features, useful, _ = rated_pairs(session, earlier)
    rescorer = FeedbackRescorer().fit(np.array(features), np.array(useful))
    return Ranking(rescorer, verdict.reason)
