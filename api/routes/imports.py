"""Bulk import of a registration spreadsheet (the same CSV/XLSX as ``kohtaamo import``).

Files of up to :data:`BACKGROUND_ROWS` data rows are imported in the request (200, or 422
listing every bad row); larger ones (or any, with ``background=true``) run as a background
job: 202 with the job, whose ``result`` is the same import summary, or on refusal
``status="failed"`` with ``result.problems`` holding the same row-level problems as the 422.
A file that cannot be read as a spreadsheet at all is a 422 at once, job or not.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, HTTPException, Query, UploadFile, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from sqlmodel import Session

from api.deps import EventDep, JobsDep, OrganiserDep, get_engine
from api.jobs import JobFailed, Report
from api.routes.common import SCOPED
from api.schemas import ImportResult, ImportRowError
from models.importing import ImportErrors, SpreadsheetError, import_sheet
from models.importing import ImportResult as SheetImport
from models.results import JobPublic
from models.spreadsheet import Sheet, read_sheet_bytes

router = APIRouter(prefix="/events/{event_id}", tags=["registrations"], responses=SCOPED)

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
BACKGROUND_ROWS = 500  # larger files are imported by a background job
_ERRORS: dict[int | str, dict[str, Any]] = {
    202: {"model": JobPublic, "description": "A large file: imported by this background job."},
    422: {"description": "The file or some rows are invalid; `detail` lists every problem."},
}


def _detail(row: int | None, field: str | None, message: str) -> dict[str, Any]:
    return {
        "loc": ["file", row or 0, field or ""],
        "row": row,
        "field": field,
        "msg": message,
        "type": "value_error",
    }


def _summary(result: SheetImport) -> ImportResult:
    return ImportResult(
        rows=result.rows_read,
        created={
            "organisations": result.organisations_created,
            "people": result.people_created,
            "registrations": result.registrations_created,
        },
        updated={
            "organisations": result.organisations_updated,
            "people": result.people_updated,
            "registrations": result.registrations_updated,
        },
        rejected=[ImportRowError(row=p.row, field=p.field, message=str(p)) for p in result.rejected],
    )


def _problems(exc: ImportErrors | SpreadsheetError) -> list[dict[str, Any]]:
    if isinstance(exc, ImportErrors):
        return [_detail(p.row, p.field, str(p)) for p in exc.problems]
    return [_detail(None, None, f"file: {exc}")]


def _import_job(engine: Any, sheet: Sheet, name: str, event_id: int, skip_invalid: bool) -> Any:
    """The work of an import job: the summary as its result, or a failure listing the problems."""

    def work(_session: Session, report: Report) -> dict[str, Any]:
        def progress(stage: str, done: int, total: int) -> None:
            # Only while validating: during "writing" the import's transaction holds SQLite's
            # write lock, so the job row could not be updated until it commits.
            if stage == "validating" and (done == total or done % max(1, total // 20) == 0):
                report(0.5 * done / max(total, 1), f"validated {done}/{total} rows")

        try:
            result = import_sheet(
                engine,
                sheet,
                event_id=event_id,
                source_name=name,
                skip_invalid=skip_invalid,
                progress=progress,
            )
        except (ImportErrors, SpreadsheetError) as exc:
            raise JobFailed(str(exc), {"problems": _problems(exc)}) from None
        return _summary(result).model_dump()

    return work


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
    data = await file.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise HTTPException(413, detail=f"file: larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MiB")
    assert event.id is not None
    name = file.filename or "upload"
    try:
        sheet = await run_in_threadpool(read_sheet_bytes, data, name)
        if background or (background is None and len(sheet.rows) > BACKGROUND_ROWS):
            work = _import_job(engine, sheet, name, event.id, skip_invalid)
            job = jobs.submit(kind="import", event_id=event.id, organiser_id=organiser.id, work=work)
            public = JobPublic.model_validate(job, from_attributes=True)
            return JSONResponse(public.model_dump(mode="json"), status_code=status.HTTP_202_ACCEPTED)
        result = await run_in_threadpool(
            import_sheet, engine, sheet, event_id=event.id, source_name=name, skip_invalid=skip_invalid
        )
    except (ImportErrors, SpreadsheetError) as exc:
        raise HTTPException(422, detail=_problems(exc)) from None
    return _summary(result)
