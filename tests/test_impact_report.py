"""The impact report on the sample event with simulated feedback, on SQLite and PostgreSQL:
figures that agree with the stored answers, the same report from the same seed, CSV, PDF and
HTML that say the same, a tour whose second event knows who met at the first, and the
``kohtaamo report`` command."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from sqlmodel import Session, col, select

from api.printing.impact import impact_csv, impact_html, impact_pdf, summary_lines
from api.workflows import tours
from api.workflows.impact_data import event_report, report_people, tour_report
from api.workflows.simulate_feedback import simulate_feedback
from models.db import make_engine
from models.entities import Registration
from models.feedback import Feedback, FeedbackCreate
from models.suggestions import StoredSuggestion
from models.tours import TourCreate
from tests.pages_support import seed_sample_event
from tests.printing_helpers import page_texts
from tests.test_cli_data import run


def _figures(text: str) -> dict[tuple[str, str], str]:
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == ["section", "label", "key", "value"]
    return {(label, key): value for section, label, key, value in rows[1:] if section == "figure"}


def test_the_sample_event_report_agrees_with_the_answers_and_repeats(database_url: str) -> None:
    seeded = seed_sample_event(database_url, absent=6, rounds=2)
    engine = make_engine(database_url)
    with Session(engine) as session:
        stored = simulate_feedback(session=session, event_id=seeded.event_id, seed=3)
        again = simulate_feedback(session=session, event_id=seeded.event_id, seed=3)
        rows = session.exec(select(Feedback).where(Feedback.event_id == seeded.event_id)).all()
        came = report_people(session, seeded.event_id)
        report = event_report(session=session, event_id=seeded.event_id)
        first_csv = impact_csv(report)
        simulate_feedback(session=session, event_id=seeded.event_id, seed=3)
        assert impact_csv(event_report(session=session, event_id=seeded.event_id)) == first_csv
    engine.dispose()
    assert stored == again == len(rows) > 0  # a re-run updates the same answers
    assert len(came) == 80 - 6  # who checked in
    impact = report.impact
    assert impact.participants == len(came)
    assert impact.respondents == len({r.person_id for r in rows if r.person_id in came})
    met = {frozenset((r.person_id, r.target_id)) for r in rows if r.met and r.person_id in came}
    assert impact.meetings == len(met)
    assert impact.mean_usefulness == pytest.approx(
        sum(r.usefulness for r in rows if r.usefulness and r.person_id in came)
        / sum(1 for r in rows if r.usefulness and r.person_id in came)
    )
    assert 0 < impact.new_actor_share <= 1 and 0 < impact.acceptance < 1  # type: ignore[operator]
    assert impact.agreed and impact.wanted_themes and impact.sector_links
    figures = _figures(first_csv)
    assert figures[(report.title, "participants")] == str(len(came))
    assert float(figures[(report.title, "new_actor_share")]) == pytest.approx(
        impact.new_actor_share, abs=1e-4
    )
    html = impact_html(report, "fi", fragment=True)
    assert html.count("<svg") == 6 and "Vastanneista tapasi uuden toimijan" in html
    assert f"{100 * impact.new_actor_share:.0f} %" in html  # type: ignore[operator]
    pdf, pages = impact_pdf(report, "en")
    text = " ".join(page_texts(pdf))
    assert pages >= 1 and "Impact report" in text and "Meetings by sector" in text
    assert "public sector" in text  # the graph's labels are text in the PDF, not pixels
    lines = summary_lines(report, "en")
    assert lines[0] == f"Impact report: {report.title}" and any("met a new actor" in line for line in lines)


def test_a_tour_remembers_who_met_at_its_earlier_event(database_url: str) -> None:
    seeded = seed_sample_event(database_url, absent=0, rounds=2)
    engine = make_engine(database_url)
    with Session(engine) as session:
        simulate_feedback(
            session=session, event_id=seeded.event_id, seed=5, response_rate=1.0, followup=False
        )
        met = session.exec(
            select(Feedback).where(Feedback.event_id == seeded.event_id, col(Feedback.met).is_(True))
        ).all()
        one = met[0]
        # the second event: the same pair meets again, and nobody else answers
        second = seeded.other_event_id
        for pid in (one.person_id, one.target_id):
            session.add(Registration(person_id=pid, event_id=second, source="pre_registered"))
        session.add(
            StoredSuggestion(
                event_id=second, person_id=one.person_id, target_id=one.target_id, rank=1, score=1
            )
        )
        session.commit()
        from api.workflows.feedback import save_feedback

        save_feedback(
            session=session,
            event_id=second,
            person_id=one.person_id,
            feedback_in=FeedbackCreate(target_id=one.target_id, met=True, usefulness=4),
        )
        alone = event_report(session=session, event_id=second)
        tour = tours.create_tour(session=session, organiser=None, tour_in=TourCreate(name="Kiertue"))
        assert tour.id is not None
        for event_id in (seeded.event_id, second):
            tours.add_tour_event(session=session, organiser=None, tour_id=tour.id, event_id=event_id)
        on_tour = event_report(session=session, event_id=second)
        whole = tour_report(session=session, tour_id=tour.id)
    engine.dispose()
    assert alone.impact.met_new_actor == 1  # without the tour, the partner is new
    assert on_tour.impact.met_new_actor == 0  # on the tour, they had met at the first event
    assert [e.meetings for e in whole.figures.events][1] == 1
    assert whole.impact.meetings == sum(e.meetings for e in whole.figures.events)
    assert whole.impact.met_new_actor == whole.figures.events[0].met_new_actor
    assert "Koko kiertue" in impact_html(whole, "fi")
    assert whole.learning is not None and not whole.learning.use_learned  # one rated pair to test on
    assert whole.learning.train_pairs > 0 and whole.learning.reason in impact_html(whole, "en")
    assert f"learning;total;reason;{whole.learning.reason}" in impact_csv(whole)


def test_the_report_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'r.db'}"
    seeded = seed_sample_event(url, absent=0, rounds=2)
    engine = make_engine(url)
    with Session(engine) as session:
        simulate_feedback(session=session, event_id=seeded.event_id, seed=1)
    engine.dispose()
    db = ["--database-url", url]
    code, out, err = run(
        ["report", "--event", str(seeded.event_id), "--lang", "en", *db], monkeypatch, capsys
    )
    assert code == 0, err
    assert "Of those who answered, met a new actor:" in out and "Most wanted themes:" in out
    for name, check in (("r.pdf", b"%PDF"), ("r.csv", "section;label;key;value".encode("utf-8-sig"))):
        code, out, err = run(
            ["report", "--event", str(seeded.event_id), "--out", str(tmp_path / name), *db],
            monkeypatch,
            capsys,
        )
        assert code == 0 and (tmp_path / name).read_bytes().startswith(check), err
    code, _, err = run(
        ["report", "--event", "1", "--format", "docx", "--out", "x.docx", *db], monkeypatch, capsys
    )
    assert code == 1 and err.strip() == "error: --format: 'docx' is not one of html, pdf, csv"
    code, _, err = run(["report", *db], monkeypatch, capsys)
    assert code == 1 and err.strip() == "error: give either --event or --tour"
    code, _, err = run(["report", "--tour", "Ei ole", *db], monkeypatch, capsys)
    assert code == 1 and "--tour: no tour with id or name 'Ei ole'" in err


def test_the_demo_stage_prints_the_same_summary_each_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rich.console import Console

    from api.cli import demo
    from api.cli import report as cli_report

    assert ("Impact report (simulated feedback)", cli_report.demo_stage) in demo.STAGES
    monkeypatch.chdir(tmp_path)
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    seeded = seed_sample_event(url, absent=4, rounds=2)
    texts = []
    for _ in range(2):
        console = Console(record=True, width=200)
        cli_report.demo_stage(url, seeded.event_id, console)
        texts.append(console.export_text())
    assert texts[0] == texts[1]  # seeded: a re-run stores and prints the same
    assert "simulated" in texts[0].lower() and "Of those who answered, met a new actor:" in texts[0]
    assert "Cooperation agreed, by type:" in texts[0]
    assert (tmp_path / cli_report.DEMO_OUT).read_bytes().startswith(b"%PDF")


def test_profiles_carry_over_to_the_next_event_of_a_tour(tmp_path: Path) -> None:
    from models.entities import Organisation, Person
    from models.imports import import_file
    from tests.import_helpers import ERIK, MAIJA, with_value, write_csv

    url = f"sqlite:///{tmp_path / 'carry.db'}"
    seeded = seed_sample_event(url, absent=0, rounds=2)
    engine = make_engine(url)
    path = write_csv(tmp_path / "a.csv", [MAIJA, ERIK])
    first = import_file(engine, path, event_id=seeded.event_id)
    changed = write_csv(tmp_path / "b.csv", [with_value(MAIJA, "Tarjoamme", "uusi palvelu"), ERIK])
    second = import_file(engine, changed, event_id=seeded.other_event_id)
    with Session(engine) as session:
        people = session.exec(select(Person)).all()
        registered = session.exec(
            select(Registration).where(Registration.event_id == seeded.other_event_id)
        ).all()
        offers = [o.offers for o in session.exec(select(Organisation)).all() if "uusi palvelu" in o.offers]
    engine.dispose()
    assert len(offers) == 1  # the profile was updated in place, not copied
    assert second.people_created == 0 and second.organisations_updated == 1 and len(registered) == 2
    assert len(people) == 80 + first.people_created  # the same people, registered again
