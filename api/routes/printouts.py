"""Printouts of an event's table plan for its organisers: the A4 PDF (table lists, table
cards, participants' slips) and the same plan as CSV or XLSX."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response

from api.deps import EventDep, SessionDep, link_signer
from api.printing import PrintWhat, plan_sheet_bytes, render_printout
from api.routes.common import MAX_ID, SCOPED, Problem
from api.security import LinkSigner

router = APIRouter(prefix="/events/{event_id}/printouts", tags=["printouts"], responses=SCOPED)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class Lang(StrEnum):
    """The printout's language."""

    FI = "fi"
    SV = "sv"
    EN = "en"


class SheetWhat(StrEnum):
    """A spreadsheet holds the table plan itself."""

    TABLES = "tables"
    ALL = "all"


PlanQuery = Annotated[
    int | None, Query(ge=1, le=MAX_ID, description="Table plan id (default: the event's newest).")
]
SignerDep = Annotated[LinkSigner, Depends(link_signer)]


def _file(content_type: str, description: str) -> dict[int | str, dict[str, Any]]:
    return {
        200: {
            "content": {content_type: {"schema": {"type": "string", "format": "binary"}}},
            "description": description,
        },
        404: {"model": Problem, "description": "No such event (or not yours), or it has no table plan yet."},
    }


def _attachment(body: bytes, media_type: str, name: str) -> Response:
    return Response(
        body, media_type=media_type, headers={"Content-Disposition": f'inline; filename="{name}"'}
    )


@router.get(
    "/{what}.pdf",
    response_class=Response,
    responses=_file("application/pdf", "The A4 PDF."),
    summary="Print the table plan: table lists, table cards, participants' slips, or all (PDF)",
)
def pdf(
    request: Request,
    session: SessionDep,
    event: EventDep,
    signer: SignerDep,
    what: PrintWhat,
    lang: Annotated[Lang, Query(description="Language of the printout.")] = Lang.FI,
    plan_id: PlanQuery = None,
) -> Response:
    assert event.id is not None
    body = render_printout(
        session,
        event_id=event.id,
        what=what.value,
        lang=lang.value,
        signer=signer,
        base_url=request.app.state.settings.public_base_url,
        plan_id=plan_id,
    )
    return _attachment(body, "application/pdf", f"event-{event.id}-{what.value}.pdf")


@router.get(
    "/{what}.csv",
    response_class=Response,
    responses=_file("text/csv", "One row per (round, person): table, name, organisation, sector."),
    summary="The table plan as CSV (UTF-8 with BOM)",
)
def csv(session: SessionDep, event: EventDep, what: SheetWhat, plan_id: PlanQuery = None) -> Response:
    assert event.id is not None
    body = plan_sheet_bytes(session, event_id=event.id, fmt="csv", plan_id=plan_id)
    return _attachment(body, "text/csv; charset=utf-8", f"event-{event.id}-tables.csv")


@router.get(
    "/{what}.xlsx",
    response_class=Response,
    responses=_file(XLSX, "One row per (round, person): table, name, organisation, sector."),
    summary="The table plan as XLSX",
)
def xlsx(session: SessionDep, event: EventDep, what: SheetWhat, plan_id: PlanQuery = None) -> Response:
    assert event.id is not None
    body = plan_sheet_bytes(session, event_id=event.id, fmt="xlsx", plan_id=plan_id)
    return _attachment(body, XLSX, f"event-{event.id}-tables.xlsx")
