"""The printed PDFs, opened and read back (pypdf, pdftoppm, zxing-cpp) on both databases: the
table list seats everyone once per round and never splits a table across pages, one card per
table, one slip per participant with every round and their meetings, QR codes that decode to
the participant's own page. The first pages are kept as PNG under ``tests/artefacts/``."""

from __future__ import annotations

import math
import os
import re
import shutil
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa

from api.printing import PrintWhat, gather, render_html, render_printout
from api.printing.pdf import html_to_pdf
from api.workflows.meeting_plans import meeting_plan_view
from api.workflows.plans import get_plan
from api.workflows.table_plans import table_plan_view
from models.plans import PlanKind
from tests.conftest import PG_ADMIN_URL, _pg_admin_engine
from tests.printing_helpers import (
    ARTEFACTS,
    BASE_URL,
    NAME,
    ROOT,
    SIGNER,
    Seated,
    ids_on,
    page_sizes_mm,
    page_texts,
    pdf_page_png,
    read_qr_codes,
    seat_event,
)

N, ROUNDS, MEETING_ROUNDS = 40, 3, 2
A4 = (210, 297)


@dataclass
class Printed:
    """One seated event, its plan as the API shows it, and every printout of it."""

    seated: Seated
    tables: dict[tuple[int, int], set[int]]  # (round, table) -> the people's k
    seat_of: dict[tuple[int, int], int]  # (round, k) -> table
    meetings: dict[tuple[int, int], tuple[int | None, set[int]]]  # (round, k) -> (table, partners' k)
    pdfs: dict[str, bytes]


def _k(name: str) -> int:
    found = NAME.search(name)
    assert found, name
    return int(found.group(1))


def _printed(url: str) -> Printed:
    seated = seat_event(url, N, rounds=ROUNDS, meetings=MEETING_ROUNDS)
    with seated.session() as session:
        stored = get_plan(
            session=session, event_id=seated.event_id, plan_id=seated.plan_id, kind=PlanKind.TABLES
        )
        view = table_plan_view(session=session, stored=stored)
        assert seated.meeting_plan_id is not None
        m_stored = get_plan(
            session=session, event_id=seated.event_id, plan_id=seated.meeting_plan_id, kind=PlanKind.MEETINGS
        )
        m_view = meeting_plan_view(session=session, stored=m_stored)
        pdfs = {
            what: render_printout(
                session, event_id=seated.event_id, what=what, lang="fi", signer=SIGNER, base_url=BASE_URL
            )
            for what in ("tables", "cards", "slips")
        }
    tables: dict[tuple[int, int], set[int]] = {}
    for s in view.seats:
        tables.setdefault((s.round, s.table), set()).add(_k(s.name))
    seat_of = {(r, k): t for (r, t), ks in tables.items() for k in ks}
    meetings: dict[tuple[int, int], tuple[int | None, set[int]]] = {}
    for m in m_view.meetings:
        ks = {_k(p.name) for p in m.people}
        for k in ks:
            meetings[(m.round, k)] = (m.table, ks - {k})
    for bye in m_view.byes:
        meetings[(bye.round, _k(bye.person.name))] = (None, set())
    return Printed(seated, tables, seat_of, meetings, pdfs)


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def printed(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Printed]:
    """The printouts of one seated event per database kind (rendered once for the module)."""
    if request.param == "sqlite":
        yield _printed(f"sqlite:///{tmp_path_factory.mktemp('printing') / 'k.db'}")
        return
    admin = _pg_admin_engine()
    if admin is None:
        pytest.skip("PostgreSQL is not reachable (set KOHTAAMO_REQUIRE_POSTGRES=1 to fail instead)")
    name = f"kohtaamo_print_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield _printed(
            sa.engine.make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
        )
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _round_of_pages(texts: list[str]) -> list[int]:
    """The round each table-list page belongs to, from its heading (exactly one per page)."""
    found = [set(re.findall(r"Pöytäsuunnitelma – Kierros (\d+)", t)) for t in texts]
    assert all(len(rounds) == 1 for rounds in found), found
    return [int(next(iter(rounds))) for rounds in found]


def split_tables(texts: list[str], tables: dict[tuple[int, int], set[int]]) -> list[tuple[int, int]]:
    """Tables whose people are not all on one page of their round, with the table's heading."""
    page_round = _round_of_pages(texts)
    split = []
    for (r, t), members in sorted(tables.items()):
        whole = [
            i
            for i, text in enumerate(texts)
            if page_round[i] == r and members <= set(ids_on(text)) and f"Pöytä {t} · " in text
        ]
        if len(whole) != 1:
            split.append((r, t))
    return split


def test_the_table_list_seats_everyone_once_per_round_on_a4(printed: Printed) -> None:
    texts = page_texts(printed.pdfs["tables"])
    page_round = _round_of_pages(texts)
    assert page_round == sorted(page_round) and set(page_round) == set(range(1, ROUNDS + 1))
    assert len(texts) > ROUNDS, "a round spans pages, so page breaks are exercised"
    assert set(page_sizes_mm(printed.pdfs["tables"])) == {A4}
    for r in range(1, ROUNDS + 1):
        seen = Counter(k for text, pr in zip(texts, page_round, strict=True) if pr == r for k in ids_on(text))
        assert seen == Counter(range(N)), f"round {r}: everyone exactly once"
    assert "■ Y" in texts[0] and "yksityinen sektori" in texts[0], "sector marks and their key"


def test_no_table_is_split_across_pages(printed: Printed) -> None:
    assert split_tables(page_texts(printed.pdfs["tables"]), printed.tables) == []


def test_without_the_keep_together_rule_tables_would_split(printed: Printed) -> None:
    """The check above can fail: drop ``break-inside: avoid`` and tables straddle pages."""
    with printed.seated.session() as session:
        printout = gather(
            session,
            event_id=printed.seated.event_id,
            what=PrintWhat.TABLES,
            lang="fi",
            signer=SIGNER,
            base_url=BASE_URL,
        )
    html = render_html(printout, PrintWhat.TABLES)
    rule = ".table-block { break-inside: avoid;"
    assert rule in html
    loose, _ = html_to_pdf(html.replace(rule, ".table-block {"))
    assert split_tables(page_texts(loose), printed.tables) != []


def test_one_card_per_table_with_its_people_and_a_starter(printed: Printed) -> None:
    texts = page_texts(printed.pdfs["cards"])
    assert len(texts) == len(printed.tables)
    assert set(page_sizes_mm(printed.pdfs["cards"])) == {(297, 210)}, "A4 landscape, folded in half"
    cards = []
    for text in texts:
        found = re.search(r"Pöytä (\d+)\s*Kierros (\d+) ·", text)
        assert found, text[:200]
        table, r = int(found.group(1)), int(found.group(2))
        cards.append((r, table))
        assert set(ids_on(text)) == printed.tables[(r, table)]
        assert re.search(r"Yhtei(nen teema|siä teemoja): | etsii: ”|Kertokaa vuorollaan", text)
    assert sorted(cards) == sorted(printed.tables), "every table once"


_SLIP = re.compile(
    r"(Äijä\d\d Öberg)\nHoiva \d\d Oy · [^\n]+\nPÖYTÄSI KIERROKSITTAIN\n((?:Kierros \d+\n(?:\d+|–)\n)+)"
)
_MEETING = re.compile(r"Kierros (\d+): (?:tapaamispöytä (\d+) – ([^\n]+)|vapaa kierros)")


def test_one_slip_per_participant_with_every_round_and_meeting(printed: Printed) -> None:
    texts = page_texts(printed.pdfs["slips"])
    assert len(texts) == math.ceil(N / 3), "three slips to a page"
    assert set(page_sizes_mm(printed.pdfs["slips"])) == {A4}
    owners = []
    for text in texts:
        slips = list(_SLIP.finditer(text))
        assert 1 <= len(slips) <= 3
        for k, found in enumerate(slips):
            me = _k(found.group(1))
            owners.append(me)
            seats = re.findall(r"Kierros (\d+)\n(\d+)", found.group(2))
            assert [(int(r), int(t)) for r, t in seats] == [
                (r, printed.seat_of[(r, me)]) for r in range(1, ROUNDS + 1)
            ]
            end = slips[k + 1].start() if k + 1 < len(slips) else len(text)
            meetings = _MEETING.findall(text[found.end() : end])
            assert len(meetings) == MEETING_ROUNDS
            for r, table, partners in meetings:
                want_table, want_partners = printed.meetings[(int(r), me)]
                assert (int(table) if table else None) == want_table
                assert set(ids_on(partners)) == want_partners
    assert sorted(owners) == list(range(N)), "one slip per participant"


def test_the_qr_codes_open_each_participants_own_page(printed: Printed) -> None:
    png = pdf_page_png(printed.pdfs["slips"], ARTEFACTS / f"slips-{uuid.uuid4().hex[:6]}.png", dpi=150)
    try:
        codes = read_qr_codes(png)
    finally:
        png.unlink()
    owners = [_k(m.group(1)) for m in _SLIP.finditer(page_texts(printed.pdfs["slips"])[0])]
    assert len(codes) == len(owners) == 3
    person_of_k = {_k(name): pid for pid, name in printed.seated.names.items()}
    for code, k in zip(codes, owners, strict=True):
        assert code.startswith(f"{BASE_URL}/p/")
        claims = SIGNER.load(code.removeprefix(f"{BASE_URL}/p/"))
        assert (claims.person_id, claims.event_id) == (person_of_k[k], printed.seated.event_id)


def test_first_pages_are_kept_as_png(printed: Printed) -> None:
    kind = "pg" if printed.seated.url.startswith("postgresql") else "sqlite"
    for what in ("tables", "cards", "slips"):
        png = pdf_page_png(printed.pdfs[what], ARTEFACTS / f"printout-{what}-{kind}.png", dpi=80)
        assert png.stat().st_size > 5_000 and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_readme_table_card_image(tmp_path: Path) -> None:
    """A printed table card of the sample event as PNG (tests/artefacts/); with
    ``KOHTAAMO_UPDATE_DOCS_IMAGES=1`` it also replaces the README's docs/images/table-card.png."""
    from typer.testing import CliRunner

    from api.cli import printing
    from api.cli.commands import build_app
    from api.workflows.sample import import_sample_event

    url = f"sqlite:///{tmp_path / 'sample.db'}"
    event_id = import_sample_event(url)
    app = build_app()
    plan = ["tables", "--event", str(event_id), "--seconds", "0.5", "--model", "hashing"]
    result = CliRunner().invoke(app, [*plan, "--database-url", url, "--out", str(tmp_path / "plan.csv")])
    assert result.exit_code == 0, result.output
    written = printing.write(url, event_id, tmp_path / "cards.pdf", what="cards", lang="fi", plan=None)
    assert written.pages and written.pages >= 10
    png = pdf_page_png(written.path.read_bytes(), ARTEFACTS / "table-card.png", dpi=70)
    assert png.stat().st_size > 10_000
    if os.environ.get("KOHTAAMO_UPDATE_DOCS_IMAGES") == "1":
        (ROOT / "docs" / "images").mkdir(parents=True, exist_ok=True)
        shutil.copyfile(png, ROOT / "docs" / "images" / "table-card.png")
