"""Accessibility and languages of the pages: every page passes the checks of
``tests/page_checks.py`` in fi, sv and en; the CSS colours have a contrast ratio of at least
4.5:1 (computed here, WCAG 2.x); the three catalogues match key for key and field for field,
and every key a template uses exists; the language switch is remembered."""

from __future__ import annotations

import re
import string
from collections.abc import Iterator
from pathlib import Path

import pytest

from api.pages.catalogue import CATALOGUES, translate
from api.pages.templating import TEMPLATES
from api.pages.views import JOB_PAGES, RESULT_KEYS, SHOW
from models.jobs import JOB_STATUSES
from models.validation import EVENT_STATUSES
from tests.page_checks import page_problems
from tests.pages_support import Site, log_in, sqlite_site
from tests.test_api_support import *  # noqa: F403  (the api fixtures)

CSS = Path(__file__).resolve().parents[1] / "api" / "pages" / "static" / "kohtaamo.css"


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    """Relative luminance of ``#rrggbb`` (WCAG 2.x)."""
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast(a: str, b: str) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_the_contrast_formula_gives_known_answers() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # the classic near miss
    assert contrast("#ffffff", "#ffffff") == pytest.approx(1.0)


def _rules(css: str) -> list[tuple[str, dict[str, str]]]:
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    rules = []
    for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        declarations = dict(
            (name.strip(), value.strip())
            for name, value in (d.split(":", 1) for d in body.split(";") if ":" in d)
        )
        rules.append((selector.strip(), declarations))
    return rules


def test_every_text_colour_in_the_css_has_a_contrast_of_at_least_4_5() -> None:
    rules = _rules(CSS.read_text())
    variables = {k: v for s, d in rules if s == ":root" for k, v in d.items() if k.startswith("--")}
    assert all(re.fullmatch(r"#[0-9a-f]{6}", v) for v in variables.values()), variables

    def resolve(value: str) -> str:
        found = re.fullmatch(r"var\((--[\w-]+)\)", value)
        return variables[found.group(1)] if found else value

    pairs = []
    for selector, declarations in rules:
        colour = declarations.get("color")
        background = declarations.get("background") or declarations.get("background-color")
        if background is not None and selector != ":root":
            assert colour is not None, f"{selector} sets a background without a text colour"
        if colour is None or colour == "currentColor":
            continue
        pairs.append((selector, resolve(colour), resolve(background or "var(--bg)")))
    assert len(pairs) >= 15
    low = {s: round(contrast(c, b), 2) for s, c, b in pairs if contrast(c, b) < 4.5}
    assert low == {}
    # text that keeps its own colour on a panel or card, and links on every surface
    for text in ("--text", "--muted", "--accent"):
        for surface in ("--bg", "--panel"):
            assert contrast(variables[text], variables[surface]) >= 4.5, (text, surface)
    assert contrast(variables["--muted"], variables["--badge-bg"]) >= 4.5


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_the_catalogues_have_the_same_keys_and_fields() -> None:
    fi = CATALOGUES["fi"]
    for language, strings in CATALOGUES.items():
        assert set(strings) == set(fi), language
        assert {k: _fields(v) for k, v in strings.items()} == {k: _fields(v) for k, v in fi.items()}, language
        assert all(v.strip() for v in strings.values()), language
    with pytest.raises(KeyError, match="no string 'nope'"):
        translate("fi", "nope")


def test_every_key_the_templates_use_exists() -> None:
    used: set[str] = set()
    for template in TEMPLATES.glob("*.html"):
        text = template.read_text()
        used |= set(re.findall(r"""\bt\(["']([a-z_]+\.[a-z_0-9]+)["']\s*[),]""", text))
    dynamic = {f"status.{s}" for s in EVENT_STATUSES}
    dynamic |= {f"job.kind_{k}" for k in JOB_PAGES} | {f"job.status_{s}" for s in JOB_STATUSES}
    dynamic |= {f"result.{k}" for k in RESULT_KEYS} | {
        f"tables.pdf_{w}" for w in ("tables", "cards", "slips")
    }
    dynamic |= {f"registrations.show_{s}" for s in SHOW} | {f"feedback.useful_{n}" for n in range(1, 5)}
    dynamic |= {f"stats.mode_{m}" for m in ("auto", "registered", "present")}
    errors = {
        "error.not_found",
        "error.invalid",
        "error.conflict",
        "error.csrf",
        "error.forbidden",
        "error.server",
    }
    links = {"link.invalid", "link.expired", "link.other_event", "link.gone"}
    dynamic |= errors | {f"{k}_text" for k in errors} | links | {f"{k}_title" for k in links}
    assert len(used) > 150
    assert (used | dynamic) - set(CATALOGUES["fi"]) == set()


def test_every_kind_of_background_job_has_a_page() -> None:
    api = Path(__file__).resolve().parents[1] / "api"
    submitted = {
        kind
        for path in api.rglob("*.py")
        for kind in re.findall(r'submit\(\s*kind="([a-z_]+)"', path.read_text())
    }
    assert {"suggestions", "table_plan", "table_replan", "import"} <= submitted
    assert submitted - set(JOB_PAGES) == set()


@pytest.fixture
def site(sqlite_template: Path, tmp_path: Path) -> Iterator[Site]:
    yield from sqlite_site(sqlite_template, tmp_path, plan=True)  # rendering is the subject here


def test_every_page_passes_the_checks_in_every_language(site: Site) -> None:
    client = site.api.client
    log_in(client, site.token_a)
    e, me = site.event_a, site.people[0]
    job = client.post(f"/events/{e}/suggestions", headers=site.api.auth(site.token_a), json={"k": 2}).json()
    site.api.wait_job(site.token_a, job)
    link = site.link(me)
    pages = {
        "/dashboard": 200,
        f"/dashboard/events/{e}": 200,
        f"/dashboard/events/{e}/registrations": 200,
        f"/dashboard/events/{e}/suggestions": 200,
        f"/dashboard/events/{e}/tables": 200,
        f"/dashboard/events/{e}/tables/print": 200,
        f"/dashboard/jobs/{job['id']}": 200,
        f"/dashboard/events/{e}/mail": 200,
        f"/dashboard/events/{e}/mail?kind=before&person_id={me}": 200,
        f"/dashboard/events/{e}/report": 200,
        f"/p/{link}": 200,
        f"/p/{link}/feedback": 200,
        f"/p/{link}/followup": 200,
        f"/unsubscribe/{site.link(me, scope='unsubscribe')}": 200,
        "/p/not-a-token": 401,
        f"/dashboard/events/{site.event_b}": 404,
        "/dashboard/nowhere": 404,
    }
    for language in ("fi", "sv", "en"):
        for path, status in pages.items():
            response = client.get(f"{path}{'&' if '?' in path else '?'}lang={language}")
            assert response.status_code == status, path
            assert f'<html lang="{language}">' in response.text, path
            assert page_problems(response.text) == [], (language, path)
    anonymous = site.api.client.__class__(site.api.app)
    assert page_problems(anonymous.get("/dashboard/login").text) == []


def test_the_language_switch_is_remembered(site: Site) -> None:
    client = site.api.client
    log_in(client, site.token_a)
    assert 'lang="fi"' in client.get("/dashboard").text
    swedish = client.get("/dashboard?lang=sv")
    assert "Dina evenemang" in swedish.text and "kohtaamo_lang=sv" in swedish.headers["set-cookie"]
    assert "Dina evenemang" in client.get("/dashboard").text
    assert 'lang="en"' in client.get("/dashboard?lang=en").text
    assert 'lang="en"' in client.get("/dashboard?lang=xx").text  # an unknown choice keeps the last one
