"""Impact reports for organisers: per event and per tour, as HTML, PDF or CSV."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from api.deps import EventDep, OrganiserDep, SessionDep
from api.printing.impact import MEDIA_TYPES, report_bytes
from api.routes.common import SCOPED, IdPath
from api.workflows import tours
from api.workflows.impact_data import ImpactReport, event_report, tour_report

router = APIRouter(tags=["reports"], responses=SCOPED)

Format = Annotated[Literal["html", "pdf", "csv"], Query(alias="format", description="html, pdf or csv.")]
Lang = Annotated[Literal["fi", "sv", "en"], Query(description="The report's language.")]
FILE: dict[int | str, dict[str, Any]] = {
    "200": {
        "content": {"text/html": {}, "application/pdf": {}, "text/csv": {}},
        "description": "The report in the format asked for.",
    }
}


def report_response(report: ImpactReport, fmt: str, lang: str) -> Response:
    """The report as a download (PDF, CSV) or a page (HTML), never cached."""
    name = f"{report.scope}-{report.scope_id}-impact.{fmt}"
    disposition = "inline" if fmt != "csv" else "attachment"
    headers = {"Content-Disposition": f'{disposition}; filename="{name}"', "Cache-Control": "no-store"}
    return Response(report_bytes(report, fmt, lang), media_type=MEDIA_TYPES[fmt], headers=headers)


@router.get(
    "/events/{event_id}/report", response_class=Response, responses=FILE, summary="The event's impact report"
)
def event_impact(session: SessionDep, event: EventDep, fmt: Format = "html", lang: Lang = "fi") -> Response:
    assert event.id is not None
    return report_response(event_report(session=session, event_id=event.id), fmt, lang)


@router.get(
    "/tours/{tour_id}/report", response_class=Response, responses=FILE, summary="The tour's impact report"
)
def tour_impact(
    session: SessionDep, organiser: OrganiserDep, tour_id: IdPath, fmt: Format = "html", lang: Lang = "fi"
) -> Response:
    tours.require_tour(session=session, organiser=organiser, tour_id=tour_id)
    return report_response(tour_report(session=session, tour_id=tour_id), fmt, lang)
