"""The suggestion overview (coverage, cross-sector share, exposure and its Gini coefficient):
the Gini against its pairwise definition, and a hand-made event with known answers."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import Session

from api.workflows.suggestion_stats import gini, suggestion_overview
from models.db import make_engine, upgrade_database
from models.entities import Event, Organisation, Person, Registration
from models.suggestions import StoredSuggestion


def gini_by_pairs(values: list[int]) -> float:
    """The textbook definition: mean absolute difference over all ordered pairs / (2 mean)."""
    n, total = len(values), sum(values)
    if n == 0 or total == 0:
        return 0.0
    return sum(abs(a - b) for a in values for b in values) / (2 * n * total)


@given(st.lists(st.integers(min_value=0, max_value=50), max_size=30))
def test_gini_matches_its_pairwise_definition(values: list[int]) -> None:
    assert gini(values) == pytest.approx(gini_by_pairs(values), abs=1e-12)
    assert 0.0 <= gini(values) < 1.0


def test_gini_known_answers_and_bad_input() -> None:
    assert gini([]) == 0.0 and gini([0, 0]) == 0.0 and gini([5, 5, 5]) == 0.0
    assert gini([0, 10]) == pytest.approx(0.5)
    with pytest.raises(ValueError, match="non-negative"):
        gini([1, -1])


def test_an_event_with_known_coverage_cross_sector_share_and_exposure(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'stats.db'}")
    upgrade_database(engine)
    with Session(engine) as session:
        event = Event(name="Pieni tapahtuma")
        sectors = ["public", "public", "private", "third_sector", "private"]
        orgs = [
            Organisation(name=f"Org {i}", normalised_name=f"org {i}", sector=s) for i, s in enumerate(sectors)
        ]
        session.add(event)
        session.add_all(orgs)
        session.flush()
        people = [
            Person(name=f"P{i}", email=f"p{i}@x.example", organisation_id=o.id) for i, o in enumerate(orgs)
        ]
        session.add_all(people)
        session.flush()
        ids = [p.id for p in people]
        session.add_all(Registration(person_id=pid, event_id=event.id) for pid in ids)  # type: ignore[arg-type]
        # lists: P0 -> P2, P1 (full, one cross); P1 -> P2, P3 (full, both cross); P2 -> P0 (short); P3 and P4 none
        lists = {0: [2, 1], 1: [2, 3], 2: [0]}
        for source, targets in lists.items():
            for rank, target in enumerate(targets, start=1):
                session.add(
                    StoredSuggestion(
                        event_id=event.id,  # type: ignore[arg-type]
                        person_id=ids[source],  # type: ignore[arg-type]
                        target_id=ids[target],  # type: ignore[arg-type]
                        rank=rank,
                        score=0.5,
                        reasons={},
                    )
                )
        session.commit()
        found = suggestion_overview(session=session, event_id=event.id)  # type: ignore[arg-type]
    engine.dispose()
    assert (found.participants, found.k, found.full_lists, found.suggestions) == (5, 2, 2, 5)
    assert found.coverage == pytest.approx(2 / 5)
    assert found.cross_sector == 4 and found.cross_sector_share == pytest.approx(4 / 5)
    assert found.exposure == (1, 1, 2, 1, 0)  # P2 is suggested twice, P4 never
    assert (found.max_exposure, found.never_suggested) == (2, 1)
    assert found.exposure_gini == pytest.approx(gini_by_pairs([1, 1, 2, 1, 0]))
    assert [(e.name, e.times) for e in found.most_suggested][:1] == [("P2", 2)]
