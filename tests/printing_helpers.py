"""Shared helpers of the printout tests: a seated event on a real database, and readers of the
PDFs (text per page with pypdf, pages as PNG with pdftoppm, QR codes with zxing-cpp).

Holds no tests itself.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pypdf
from sqlmodel import Session

from api.schemas import MeetingPlanCreate, TablePlanCreate
from api.security import LinkSigner
from api.workflows import meeting_plans, table_plans
from matcher.embed import HashingEmbedder
from models.db import make_engine, upgrade_database
from models.entities import Event, Organisation, Person, Registration

ROOT = Path(__file__).resolve().parents[1]
ARTEFACTS = ROOT / "tests" / "artefacts"
SIGNER = LinkSigner("printing-test-secret", max_age_seconds=3600)
BASE_URL = "https://kohtaamo.example"
SECTORS = ("private", "public", "third_sector", "education_research")
THEMES = (("home_care", "impact"), ("digital_services",), ("home_care",), ("impact", "recruitment"))
OFFERS = ("kotihoidon yöpartiointi", "etälääkäripalvelut", "rekrytointipalvelut hoitajille", "kuntoutus")
NEEDS = ("yöpartiointia kotihoitoon", "hoitajien rekrytointi", "etälääkärin palvelut", "ruokapalvelu")
NAME = re.compile(r"Äijä(\d\d)")


def person_name(k: int) -> str:
    """Short, unique, with Finnish letters: 'Äijä07 Öberg' (the tests find people by it)."""
    return f"Äijä{k:02d} Öberg"


@dataclass
class Seated:
    """An event with stored plans: ``names[person_id]`` is each person's printed name."""

    url: str
    event_id: int
    plan_id: int
    meeting_plan_id: int | None
    names: dict[int, str]

    @contextmanager
    def session(self) -> Iterator[Session]:
        engine = make_engine(self.url)
        try:
            with Session(engine) as session:
                yield session
        finally:
            engine.dispose()


def add_people(session: Session, event_id: int, n: int, *, per_org: int = 2) -> dict[int, str]:
    """``n`` registered people, ``per_org`` to an organisation, sectors and themes cycling."""
    orgs = []
    for k in range(-(-n // per_org)):
        org = Organisation(
            name=f"Hoiva {k:02d} Oy",
            normalised_name=f"hoiva {k:02d} oy",
            sector=SECTORS[k % len(SECTORS)],
            themes=list(THEMES[k % len(THEMES)]),
            offers=OFFERS[k % len(OFFERS)],
            needs=NEEDS[k % len(NEEDS)],
        )
        session.add(org)
        orgs.append(org)
    session.flush()
    names = {}
    for k in range(n):
        person = Person(name=person_name(k), email=f"p{k}@example.fi", organisation_id=orgs[k // per_org].id)
        session.add(person)
        session.flush()
        session.add(Registration(person_id=person.id, event_id=event_id))
        assert person.id is not None
        names[person.id] = person.name
    return names


def seat_event(
    url: str, n: int = 40, *, rounds: int = 3, sizes: tuple[int, int] = (4, 5), meetings: int = 2
) -> Seated:
    """An event of ``n`` people with a stored table plan and (``meetings`` > 0) a meeting plan."""
    upgrade_database(url)
    engine = make_engine(url)
    encoder = HashingEmbedder(dimension=64)
    try:
        with Session(engine) as session:
            event = Event(name="Soteuttamo Testilä", region="kanta_hame")
            session.add(event)
            session.flush()
            assert event.id is not None
            names = add_people(session, event.id, n)
            session.commit()
            params = TablePlanCreate(rounds=rounds, min_size=sizes[0], max_size=sizes[1], seconds=0.3)
            profiles, layout, plan = table_plans.plan_event(
                session=session, event_id=event.id, params=params, encoder=encoder
            )
            stored = table_plans.store_plan(
                session=session, event_id=event.id, params=params, profiles=profiles, layout=layout, plan=plan
            )
            meeting_id = None
            if meetings:
                m_params = MeetingPlanCreate(rounds=meetings, mode="registered", seconds=0.3)
                m_profiles, m_plan = meeting_plans.plan_event(
                    session=session, event_id=event.id, params=m_params, encoder=encoder
                )
                meeting_id = meeting_plans.store_plan(
                    session=session, event=event, params=m_params, profiles=m_profiles, plan=m_plan
                ).id
            assert stored.id is not None
            return Seated(url, event.id, stored.id, meeting_id, names)
    finally:
        engine.dispose()


def page_texts(pdf: bytes) -> list[str]:
    """The text of every page (pypdf)."""
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def page_sizes_mm(pdf: bytes) -> list[tuple[int, int]]:
    """Width and height of every page in whole millimetres."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return [
        (round(float(p.mediabox.width) * 25.4 / 72), round(float(p.mediabox.height) * 25.4 / 72))
        for p in reader.pages
    ]


def ids_on(text: str) -> list[int]:
    """The numbers k of every 'Äijäk' on a page, in order."""
    return [int(k) for k in NAME.findall(text)]


def pdf_page_png(pdf: bytes, out: Path, *, page: int = 1, dpi: int = 100) -> Path:
    """Page ``page`` of ``pdf`` as a PNG at ``out`` (pdftoppm, from Debian's poppler-utils)."""
    tool = shutil.which("pdftoppm")
    assert tool, "pdftoppm is missing: install poppler-utils (make test does)"
    out.parent.mkdir(parents=True, exist_ok=True)
    source = out.with_suffix(".pdf")
    source.write_bytes(pdf)
    stem = out.with_suffix("")
    args = [tool, "-png", "-r", str(dpi), "-f", str(page), "-l", str(page), "-singlefile"]
    subprocess.run([*args, str(source), str(stem)], check=True, capture_output=True)
    source.unlink()
    return out


def read_qr_codes(png: Path) -> list[str]:
    """The texts of every QR code found in the image (zxing-cpp)."""
    import zxingcpp
    from PIL import Image

    with Image.open(png) as image:
        return [code.text for code in zxingcpp.read_barcodes(image.convert("L"))]
