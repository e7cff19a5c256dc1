"""End to end in a real browser: headless Chromium from Debian's packages, driven by
Playwright, against the app under uvicorn on a loopback port and a real SQLite file.

An organiser logs in (keyboard only), checks in a walk-in, locks the played round, re-plans
the rest and opens the printable plan; a participant opens their link on a phone, sees only
their own data and sends feedback (twice: the second answer updates the first); links for
another event, expired or tampered with get a clear page. Screenshots go to
``tests/artefacts/`` (git-ignored); with ``KOHTAAMO_UPDATE_SCREENSHOTS=1`` the README's
images in ``docs/images/`` are made from the same steps.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from sqlmodel import Session, select

from api.app import create_app
from api.settings import Settings
from api.workflows.meeting_plans import my_meetings
from matcher.embed import HashingEmbedder
from models.db import make_engine
from models.feedback import Feedback
from models.suggestions import StoredSuggestion
from tests.page_checks import BROWSER_CHECK
from tests.pages_support import SECRET, Seeded, live_server, person_name, seed_sample_event

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ROOT = Path(__file__).resolve().parents[1]
ARTEFACTS = ROOT / "tests" / "artefacts"
README_IMAGES = ROOT / "docs" / "images"


def shoot(page: Page, name: str, *, readme: bool = False, full_page: bool = True) -> None:
    """A screenshot kept as a test artefact (and, when asked, as the README's image)."""
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / f"{name}.png"), full_page=full_page)
    if readme and os.environ.get("KOHTAAMO_UPDATE_SCREENSHOTS") == "1":
        README_IMAGES.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(README_IMAGES / f"{name}.png"), full_page=full_page)


def accessible(page: Page) -> None:
    problems = page.evaluate(BROWSER_CHECK)
    assert problems == [], f"{page.url}: {problems}"


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Seeded:
    path = tmp_path_factory.mktemp("e2e") / "kohtaamo.db"
    return seed_sample_event(f"sqlite:///{path}")


@pytest.fixture(scope="module")
def base_url(seeded: Seeded) -> Iterator[str]:
    app = create_app(
        Settings(database_url=seeded.url, secret_key=SECRET, link_token_days=30),
        encoder=HashingEmbedder(dimension=64),
    )
    with live_server(app) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make system-packages` (Debian package chromium)")
    with sync_playwright() as play:
        launched = play.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield launched
        launched.close()


def test_organiser_logs_in_checks_in_a_walk_in_replans_and_prints(
    browser: Browser, base_url: str, seeded: Seeded
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fi-FI")
    page = context.new_page()
    page.goto(f"{base_url}/dashboard/events/{seeded.event_id}/tables")
    assert "/dashboard/login" in page.url
    accessible(page)
    for _ in range(12):  # keyboard only: tab to the token field, type, press Enter
        if page.evaluate("document.activeElement && document.activeElement.id") == "f-token":
            break
        page.keyboard.press("Tab")
    page.keyboard.type(seeded.token)
    page.keyboard.press("Enter")
    tables = f"{base_url}/dashboard/events/{seeded.event_id}/tables"
    page.wait_for_url(tables)
    accessible(page)
    round_one = page.locator("#h-round-1 + .tables").inner_text()

    page.get_by_role("link", name="Ilmoittautuneet").first.click()
    accessible(page)
    page.get_by_label("Nimi (pakollinen)").fill("Erik Lindqvist")
    page.get_by_label("Sähköposti (pakollinen)").fill("erik.lindqvist@vardhem.example")
    page.locator("#f-language").select_option("sv")
    page.get_by_label("Organisaatio (pakollinen)").fill("Vårdhem Ab")
    page.get_by_label("Sektori (pakollinen)").select_option("private")
    page.get_by_label("Mitä organisaatio tarjoaa").fill("Boendeservice för äldre\nHemvård på natten")
    page.get_by_label("Mitä organisaatio tarvitsee").fill("Digitala tjänster för anhöriga")
    page.get_by_role("button", name="Lisää ja kirjaa sisään").click()
    page.wait_for_url(re.compile(r"added=\d+"))
    assert "Erik Lindqvist lisättiin ja kirjattiin sisään" in page.inner_text("main")
    late = person_name(seeded.url, seeded.absent[0])
    page.get_by_label("Hae nimellä tai organisaatiolla").fill(late.split()[-1])
    page.get_by_role("button", name="Hae", exact=True).click()
    page.get_by_role("button", name=f"Kirjaa sisään: {late}").click()
    page.wait_for_url(re.compile(r"registrations\?q="))
    assert page.get_by_role("button", name=f"Kirjaa ulos: {late}").is_visible()

    page.get_by_role("link", name="Pöytäsuunnitelma").first.click()
    page.get_by_label("Lukitut kierrokset").select_option("1")
    page.get_by_role("button", name="Lukitse", exact=True).click()
    page.wait_for_load_state()
    assert "lukittu" in page.locator("#h-round-1").inner_text()
    page.get_by_label("Laskenta-aika (sekuntia)").first.fill("0.5")
    page.get_by_role("button", name="Suunnittele uudelleen").click()
    page.wait_for_url(re.compile(r"/dashboard/jobs/\d+"))
    accessible(page)
    page.get_by_text("Valmis").wait_for(timeout=60_000)  # the script follows the job
    page.get_by_role("link", name="Jatka").click()
    page.wait_for_url(tables)
    plan = page.inner_text("main")
    assert page.locator("#h-round-1 + .tables").inner_text() == round_one  # played round kept
    assert "Erik Lindqvist" not in round_one and plan.count("Erik Lindqvist") == 2  # rounds 2 and 3
    assert plan.count(late) == 2
    shoot(page, "dashboard", readme=True, full_page=False)

    page.get_by_role("link", name="Tulostettava pöytälista").click()
    page.wait_for_url(f"{tables}/print")
    accessible(page)
    assert page.get_by_role("button", name="Tulosta").is_visible()
    assert page.locator("section.round").count() == 3
    page.emulate_media(media="print")
    assert not page.get_by_role("button", name="Tulosta").is_visible()  # buttons do not print
    shoot(page, "print-view")
    context.close()


def _own_suggestions(url: str, event_id: int, person_id: int) -> tuple[list[int], list[int]]:
    """Whom the person is suggested, and whom they meet 1:1."""
    engine = make_engine(url)
    with Session(engine) as session:
        rows = session.exec(
            select(StoredSuggestion.target_id).where(
                StoredSuggestion.event_id == event_id, StoredSuggestion.person_id == person_id
            )
        ).all()
        meetings = my_meetings(session=session, event_id=event_id, person_id=person_id)
    engine.dispose()
    return list(rows), [p.person_id for m in meetings.meetings for p in m.partners]


def _feedback_rows(url: str, person_id: int) -> list[Feedback]:
    engine = make_engine(url)
    with Session(engine) as session:
        rows = list(session.exec(select(Feedback).where(Feedback.person_id == person_id)).all())
    engine.dispose()
    return rows


def test_participant_sees_only_their_own_page_on_a_phone_and_sends_feedback(
    browser: Browser, base_url: str, seeded: Seeded
) -> None:
    me = seeded.people[10]
    mine, met = _own_suggestions(seeded.url, seeded.event_id, me)
    strangers = [p for p in seeded.people if p not in mine and p not in met and p != me]
    assert met  # the page shows meeting partners too
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.goto(f"{base_url}/p/{seeded.link(me)}")
    accessible(page)
    text = page.inner_text("body")
    assert person_name(seeded.url, me) in page.inner_text("h1")
    assert all(person_name(seeded.url, p) in text for p in mine + met)
    assert not [p for p in strangers if person_name(seeded.url, p) in text]
    assert "Kierros 1" in text or "Omgång 1" in text or "Round 1" in text
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # one column, no sideways scroll
    shoot(page, "participant-phone", readme=True, full_page=False)
    shoot(page, "participant-phone-full")

    page.locator("a.button").click()
    accessible(page)
    first = page.locator("fieldset.partner").first
    first.locator("input[value=yes]").check()
    first.locator("input[name^=useful-][value='4']").check()
    first.locator("input[value=joint_project]").check()
    page.locator("form button[type=submit]").click()
    page.wait_for_url(re.compile(r"saved=1"))
    assert page.locator(".notice.ok").is_visible()
    first = page.locator("fieldset.partner").first
    assert first.locator("input[name^=useful-][value='4']").is_checked()  # the form shows the answer
    first.locator("input[name^=useful-][value='3']").check()
    page.locator("form button[type=submit]").click()
    page.wait_for_url(re.compile(r"saved=1"))
    rows = _feedback_rows(seeded.url, me)
    assert [(r.met, r.usefulness, r.cooperation_types) for r in rows] == [(True, 3, ["joint_project"])]
    shoot(page, "participant-feedback")
    context.close()


def test_links_for_another_event_expired_or_tampered_get_a_clear_page(
    browser: Browser, base_url: str, seeded: Seeded
) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    me = seeded.people[3]
    cases = [
        ("other-event", seeded.link(me, event_id=seeded.other_event_id), 404),
        ("expired", seeded.link(me, days_old=31), 401),
        ("tampered", seeded.link(me)[:-3] + "abc", 401),
    ]
    for name, token, status in cases:
        response = page.goto(f"{base_url}/p/{token}")
        assert response is not None and response.status == status, name
        accessible(page)
        body = page.inner_text("body")
        assert "Traceback" not in body and "Internal Server Error" not in body
        assert page.locator("h1").inner_text().strip(), name
        assert person_name(seeded.url, me) not in body  # a refused link shows nobody's data
        shoot(page, f"link-{name}")
    context.close()
