"""The impact report on the dashboard: an event's (on its own tab) and a tour's, with the
same report as PDF and CSV to download (:mod:`api.printing.impact`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response

from api.deps import SessionDep
from api.pages.auth import DashboardEvent, DashboardOrganiser
from api.pages.templating import choose_language, render
from api.printing.impact import impact_html
from api.routes.common import IdPath
from api.routes.reports import report_response
from api.workflows import tours
from api.workflows.impact_data import event_report, tour_report

router = APIRouter(prefix="/dashboard", include_in_schema=False)
FileFormat = Annotated[str, Path(pattern="^(pdf|csv)$")]


@router.get("/events/{event_id}/report", response_class=HTMLResponse)
def event_page(
    request: Request, db: SessionDep, organiser: DashboardOrganiser, event: DashboardEvent
) -> HTMLResponse:
    assert event.id is not None
    language = choose_language(request)
    report = event_report(session=db, event_id=event.id)
    tour_id = tours.tour_of_event(session=db, event_id=event.id)
    return render(
        request,
        "report.html",
        language,
        organiser=organiser,
        event=event,
        report=report,
        body=impact_html(report, language, fragment=True),
        files=f"/dashboard/events/{event.id}/report",
        tour_link=f"/dashboard/tours/{tour_id}/report" if tour_id is not None else None,
    )


@router.get("/events/{event_id}/report.{fmt}")
def event_file(request: Request, db: SessionDep, event: DashboardEvent, fmt: FileFormat) -> Response:
    assert event.id is not None
    return report_response(event_report(session=db, event_id=event.id), fmt, choose_language(request))


@router.get("/tours/{tour_id}/report", response_class=HTMLResponse)
def tour_page(
    request: Request, db: SessionDep, organiser: DashboardOrganiser, tour_id: IdPath
) -> HTMLResponse:
    tours.require_tour(session=db, organiser=organiser, tour_id=tour_id)
    language = choose_language(request)
    report = tour_report(session=db, tour_id=tour_id)
    return render(
        request,
        "report.html",
        language,
        organiser=organiser,
        report=report,
        body=impact_html(report, language, fragment=True),
        files=f"/dashboard/tours/{tour_id}/report",
        tour_link=None,
    )


@router.get("/tours/{tour_id}/report.{fmt}")
def tour_file(
    request: Request, db: SessionDep, organiser: DashboardOrganiser, tour_id: IdPath, fmt: FileFormat
) -> Response:
    tours.require_tour(session=db, organiser=organiser, tour_id=tour_id)
    return report_response(tour_report(session=db, tour_id=tour_id), fmt, choose_language(request))
