"""Errors on the pages answer with a page, never JSON or a stack trace.

:func:`install` wraps the app's exception handlers: a request to a page address
(:data:`PAGE_PREFIXES`) gets a short page in its language with the right status; every other
request keeps the API's JSON answer.

Example:
    >>> is_page("/dashboard/events/1"), is_page("/p/abc"), is_page("/events/1")
    (True, True, False)
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler, request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import PlainTextResponse
from starlette.exceptions import HTTPException
from starlette.responses import Response

from api.pages.auth import LoginRequiredError
from api.pages.session import CsrfError
from api.pages.templating import choose_language, redirect, render
from api.workflows.errors import ConflictError, FieldError, NotFoundError, ProblemsError

log = logging.getLogger(__name__)
PAGE_PREFIXES = ("/dashboard", "/p/", "/unsubscribe/")
Handler = Callable[[Request, Exception], Awaitable[Response] | Response]

# exception class -> (status, catalogue key of the page's title); message shown where it helps
_PAGES: dict[type[Exception], tuple[int, str]] = {
    NotFoundError: (404, "error.not_found"),
    FieldError: (422, "error.invalid"),
    ProblemsError: (422, "error.invalid"),
    ConflictError: (409, "error.conflict"),
    CsrfError: (403, "error.csrf"),
}


def is_page(path: str) -> bool:
    """Whether ``path`` is one of the pages' addresses (not the JSON API)."""
    return path == "/dashboard" or path.startswith(PAGE_PREFIXES)


def error_page(request: Request, status: int, title_key: str, detail: str | None = None) -> Response:
    """The error page: a heading, an explanation and a way back."""
    language = choose_language(request)
    return render(request, "error.html", language, status=status, title_key=title_key, detail=detail)


def _http_status(exc: HTTPException) -> tuple[int, str]:
    if exc.status_code == 404:
        return 404, "error.not_found"
    if exc.status_code in (401, 403):
        return exc.status_code, "error.forbidden"
    return exc.status_code, "error.invalid"


def _wrap(cls: type[Exception], previous: Handler | None) -> Handler:
    async def handle(request: Request, exc: Exception) -> Response:
        if not is_page(request.url.path):
            if previous is None:
                raise exc
            answer = previous(request, exc)
            return await answer if isinstance(answer, Awaitable) else answer
        if isinstance(exc, LoginRequiredError):
            return redirect(request, f"/dashboard/login?next={quote(exc.next_path)}")
        if isinstance(exc, HTTPException):
            status, key = _http_status(exc)
            return error_page(request, status, key)
        if isinstance(exc, RequestValidationError):
            in_path = any(tuple(e.get("loc", ()))[:1] == ("path",) for e in exc.errors())
            return (
                error_page(request, 404, "error.not_found")
                if in_path
                else error_page(request, 422, "error.invalid")
            )
        if cls in _PAGES:
            status, key = _PAGES[cls]
            return error_page(request, status, key, None if cls is CsrfError else str(exc))
        log.error("page %s failed", request.url.path, exc_info=exc)
        return error_page(request, 500, "error.server")

    return handle


async def _plain_500(_request: Request, _exc: Exception) -> Response:
    return PlainTextResponse("Internal Server Error", status_code=500)


def install(app: FastAPI) -> None:
    """Answer the pages' errors with pages, keeping the API's handlers for everything else."""
    defaults: dict[type[Exception], Any] = {
        HTTPException: http_exception_handler,
        RequestValidationError: request_validation_exception_handler,
        Exception: _plain_500,
    }
    for cls in (*_PAGES, LoginRequiredError, HTTPException, RequestValidationError, Exception):
        previous = app.exception_handlers.get(cls, defaults.get(cls))
        app.add_exception_handler(cls, _wrap(cls, previous))
