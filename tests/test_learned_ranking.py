"""Suggestions ranked by what a tour's feedback taught: the re-scorer is used for the third
event of a tour when the first two events' feedback shows that it ranks better (time split),
the stored scores stay the hand-set ones, and off a tour or with one earlier event the hand-set
weights rank, with the reason said. On SQLite and PostgreSQL.

The feedback is made to follow a rule the hand-set score does not know (a meeting was useful
exactly when both came from the same region), so a re-scorer can only win by learning it.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlmodel import Session, col, select

from api.workflows import suggestions, tours
from api.workflows.learned_ranking import learned_ranking
from api.workflows.plans import people_of
from matcher.embed import HashingEmbedder
from models.db import make_engine
from models.entities import Event, Registration
from models.feedback import Feedback
from models.suggestions import StoredSuggestion
from models.tours import TourCreate
from tests.pages_support import seed_sample_event
from tests.test_cli_data import run

ENCODER = HashingEmbedder(dimension=64)


def _regions(session: Session, people: list[int]) -> dict[int, str | None]:
    return {pid: org.region if org else None for pid, (_, org) in people_of(session, people).items()}


def _suggest(session: Session, event_id: int) -> dict[str, object]:
    return suggestions.compute_suggestions(
        session=session, event_id=event_id, k=5, mode="registered", encoder=ENCODER
    )


def _stored(session: Session, event_id: int) -> dict[tuple[int, int], float]:
    rows = session.exec(select(StoredSuggestion).where(StoredSuggestion.event_id == event_id)).all()
    return {(r.person_id, r.target_id): r.score for r in rows}


def _answer_by_region(session: Session, event_id: int, region: dict[int, str | None]) -> None:
    """Every suggested pair met; useful (4) exactly when both are from the same region, else 1."""
    for person, target in _stored(session, event_id):
        same = region[person] is not None and region[person] == region[target]
        session.add(
            Feedback(
                event_id=event_id, person_id=person, target_id=target, met=True, usefulness=4 if same else 1
            )
        )
    session.commit()


def _new_event(session: Session, name: str, people: list[int]) -> int:
    event = Event(name=name, region="pirkanmaa")
    session.add(event)
    session.commit()
    assert event.id is not None
    session.add_all(Registration(person_id=p, event_id=event.id, source="pre_registered") for p in people)
    session.commit()
    return event.id


def _same_region_share(pairs: object, region: dict[int, str | None]) -> float:
    keys = list(pairs)  # type: ignore[call-overload]
    return sum(region[p] is not None and region[p] == region[t] for p, t in keys) / len(keys)


def test_the_third_event_of_a_tour_is_ranked_by_what_the_feedback_taught(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    seeded = seed_sample_event(database_url, absent=0, rounds=2)
    engine = make_engine(database_url)
    with Session(engine) as session:
        people = seeded.people
        region = _regions(session, people)
        second, third = seeded.other_event_id, _new_event(session, "Soteuttamo Turku 2027", people)
        session.execute(sa.delete(Registration).where(col(Registration.event_id) == second))
        session.add_all(Registration(person_id=p, event_id=second, source="pre_registered") for p in people)
        session.commit()
        tour = tours.create_tour(session=session, organiser=None, tour_in=TourCreate(name="Kiertue"))
        assert tour.id is not None
        alone = _suggest(session, third)
        hand_set = _stored(session, third)
        for event_id in (seeded.event_id, second, third):
            tours.add_tour_event(session=session, organiser=None, tour_id=tour.id, event_id=event_id)
        _answer_by_region(session, seeded.event_id, region)
        after_one = _suggest(session, second)
        _answer_by_region(session, second, region)
        learned = _suggest(session, third)
        ranked = _stored(session, third)
        ranking = learned_ranking(session=session, event_id=third)
    engine.dispose()
    assert alone["ranking"] == "hand-set" and "not on a tour" in str(alone["ranking_reason"])
    assert after_one["ranking"] == "hand-set"
    assert "one event only" in str(after_one["ranking_reason"])  # nothing later to test on
    assert learned["ranking"] == "learned" and ranking.rescorer is not None
    assert "beats the hand-set" in str(learned["ranking_reason"])
    assert learned["suggestions"] == alone["suggestions"]  # the same rules, only the order differs
    assert _same_region_share(ranked, region) > _same_region_share(hand_set, region) + 0.2
    common = ranked.keys() & hand_set.keys()
    assert common and all(abs(ranked[p] - hand_set[p]) < 1e-6 for p in common)  # hand-set scores kept
    argv = ["suggest", "--event", str(third), "--model", "hashing", "--limit", "1"]
    code, out, err = run([*argv, "--database-url", database_url], monkeypatch, capsys)
    assert code == 0, err
    assert "Ranked by scores learnt from the tour's feedback: learned AUC" in " ".join(out.split())
    code, out, err = run(
        [
            "suggest",
            "--event",
            str(seeded.event_id),
            "--model",
            "hashing",
            "--limit",
            "1",
            "--database-url",
            database_url,
        ],
        monkeypatch,
        capsys,
    )
    assert code == 0 and "Ranked by" not in out  # the first event of the tour: hand-set weights
