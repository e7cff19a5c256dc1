"""Rendering pages: one Jinja2 environment (autoescaped, strict about missing values), the
language a page speaks, and the reply that carries the session and language cookies.

A page's language is ``?lang=`` if given (and remembered in a cookie), else the remembered
one, else the page's own default (a participant's preferred language; Finnish otherwise).

Example:
    >>> environment().get_template("error.html").name
    'error.html'
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache, partial
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse

from api.pages import session
from api.pages.catalogue import DEFAULT_LANGUAGE, LANGUAGE_NAMES, translate
from matcher.taxonomy import COOPERATION_TYPES, LANGUAGES, SECTOR_LABELS, SECTORS

TEMPLATES = Path(__file__).resolve().parent / "templates"
LANG_COOKIE = "kohtaamo_lang"
# Pages hold personal data and participants' addresses hold their link token: never cached,
# never sent on as a referrer, never framed; scripts, styles and forms only from this site.
HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; form-action 'self'; "
    "base-uri 'none'; object-src 'none'",
}


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The pages' Jinja2 environment (built on first use)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(["html"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["percent"] = lambda x: "–" if x is None else f"{100 * x:.0f} %"
    return env


def choose_language(request: Request, fallback: str | None = None) -> str:
    """The language this page speaks (see the module docstring)."""
    for candidate in (request.query_params.get("lang"), request.cookies.get(LANG_COOKIE), fallback):
        if candidate in LANGUAGES:
            return str(candidate)
    return DEFAULT_LANGUAGE


def _sector(language: str, code: str | None) -> str:
    return SECTOR_LABELS[code].label(language) if code in SECTOR_LABELS else (code or "")


def _day(language: str, value: dt.date | None) -> str:
    if value is None:
        return ""
    return translate(language, "common.date", day=value.day, month=value.month, year=value.year)


def _switch_url(request: Request, language: str) -> str:
    query = {k: v for k, v in request.query_params.items() if k != "lang"}
    return f"{request.url.path}?{urlencode({**query, 'lang': language})}"


def render(
    request: Request, template: str, language: str, *, status: int = 200, **context: Any
) -> HTMLResponse:
    """``template`` rendered in ``language`` as an HTML reply (with the session cookie if new)."""
    values = {
        "lang": language,
        "t": partial(translate, language),
        "sector": partial(_sector, language),
        "day": partial(_day, language),
        "sector_options": [(code, SECTOR_LABELS[code].label(language)) for code in SECTORS],
        "cooperation_types": {code: label.label(language) for code, label in COOPERATION_TYPES.items()},
        "csrf_field": session.CSRF_FIELD,
        "csrf_token": session.current(request).csrf,
        "languages": [(code, LANGUAGE_NAMES[code], _switch_url(request, code)) for code in LANGUAGES],
        "path": request.url.path,
        "here": request.url.path + (f"?{request.url.query}" if request.url.query else ""),
        **context,
    }
    body = environment().get_template(template).render(values)
    response = HTMLResponse(body, status_code=status, headers=HEADERS)
    if request.query_params.get("lang") == language:
        response.set_cookie(
            LANG_COOKIE, language, max_age=365 * 24 * 3600, path="/", httponly=True, samesite="lax"
        )
    session.send_cookie(request, response)
    return response


def redirect(request: Request, url: str) -> RedirectResponse:
    """A 303 See Other to ``url`` (after a POST), carrying a new or changed session."""
    response = RedirectResponse(url, status_code=303, headers=HEADERS)
    session.send_cookie(request, response)
    return response
