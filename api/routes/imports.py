"""Bulk import of a registration spreadsheet (the same CSV/XLSX as ``kohtaamo import``).

Files of up to :data:`BACKGROUND_ROWS` data rows are imported in the request (200, or 422
listing every bad row); larger ones (or any, with ``background=true``) run as a background
job: 202 with the job, whose ``result`` is the same import summary, or on refusal
``status="failed"`` with ``result.problems`` holding the same row-level problems as the 422.
A file that cannot be read as a spreadsheet at all is a 422 at once, job or not.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, HTTPException, Query, Request, UploadFile, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from api.deps import EventDep, JobsDep, OrganiserDep, get_engine
from api.routes.common import SCOPED
from api.schemas import ImportResult
from api.settings import Settings
from api.workflows import imports as wf
from api.workflows.errors import ProblemsError
from models.jobs import JobPublic
from models.spreadsheet import SheetTooLarge, SpreadsheetError, read_sheet_bytes

router = APIRouter(prefix="/events/{event_id}", tags=["registrations"], responses=SCOPED)

BACKGROUND_ROWS = 500  # larger files are imported by a background job
_ERRORS: dict[int | str, dict[str, Any]] = {
    202: {"model": JobPublic, "description": "A large file: imported by this background job."},
    413: {"description": "The file is over the upload limits (size, rows, or what an XLSX unpacks to)."},
    422: {"description": "The file or some rows are invalid; `detail` lists every problem."},
}


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(_settings)]


@router.post(
    "/import",
    response_model=ImportResult,
    summary="Import registrations from CSV or XLSX (all or nothing, unless skip_invalid)",
    responses=_ERRORS,
)
async def import_registrations(
    event: EventDep,
    organiser: OrganiserDep,
    jobs: JobsDep,
    engine: Annotated[Any, Depends(get_engine)],
    settings: SettingsDep,
    file: Annotated[UploadFile, File(description="CSV (; or , separated, UTF-8 or cp1252) or XLSX.")],
    skip_invalid: Annotated[
        bool, Query(description="Import the valid rows and list the rejected ones instead of refusing all.")
    ] = False,
    background: Annotated[
        bool | None,
        Query(
            description=f"Run as a background job (202); default: only for files over {BACKGROUND_ROWS} rows."
        ),
    ] = None,
) -> ImportResult | JSONResponse:
    """Headers in Finnish or English map to fields. Re-importing updates, never duplicates.
    Without ``skip_invalid`` any bad row refuses the whole file: 422 with every problem
    (or, for a background job, ``status="failed"`` with the problems in ``result.problems``)."""
    limits = settings.sheet_limits()
    data = await file.read(limits.max_bytes + 1)
    assert event.id is not None
    name = file.filename or "upload"
    try:
        sheet = await run_in_threadpool(read_sheet_bytes, data, name, limits)
    except SheetTooLarge as exc:
        raise HTTPException(413, detail=f"file: {exc}") from None
    except SpreadsheetError as exc:
        raise ProblemsError(str(exc), wf.problems(exc)) from None
    if background or (background is None and len(sheet.rows) > BACKGROUND_ROWS):
        work = wf.import_job(engine, sheet, name=name, event_id=event.id, skip_invalid=skip_invalid)
        job = jobs.submit(kind="import", event_id=event.id, organiser_id=organiser.id, work=work)
        public = JobPublic.model_validate(job, from_attributes=True)
        return JSONResponse(public.model_dump(mode="json"), status_code=status.HTTP_202_ACCEPTED)
    return await run_in_threadpool(
        wf.import_upload, engine, sheet, name=name, event_id=event.id, skip_invalid=skip_invalid
    )
