"""Bulk import of a registration spreadsheet (the same CSV/XLSX as ``kohtaamo import``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, HTTPException, Query, UploadFile
from fastapi.concurrency import run_in_threadpool

from api.deps import EventDep, get_engine
from api.routes.common import SCOPED
from api.schemas import ImportResult, ImportRowError
from models.importing import ImportErrors, SpreadsheetError, import_bytes

router = APIRouter(prefix="/events/{event_id}", tags=["registrations"], responses=SCOPED)

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
_ERRORS: dict[int | str, dict[str, Any]] = {
    422: {"description": "The file or some rows are invalid; `detail` lists every problem."}
}


def _detail(row: int | None, field: str | None, message: str) -> dict[str, Any]:
    return {
        "loc": ["file", row or 0, field or ""],
        "row": row,
        "field": field,
        "msg": message,
        "type": "value_error",
    }


@router.post(
    "/import",
    response_model=ImportResult,
    summary="Import registrations from CSV or XLSX (all or nothing, unless skip_invalid)",
    responses=_ERRORS,
)
async def import_registrations(
    event: EventDep,
    engine: Annotated[Any, Depends(get_engine)],
    file: Annotated[UploadFile, File(description="CSV (; or , separated, UTF-8 or cp1252) or XLSX.")],
    skip_invalid: Annotated[
        bool, Query(description="Import the valid rows and list the rejected ones instead of refusing all.")
    ] = False,
) -> ImportResult:
    """Headers in Finnish or English map to fields. Re-importing updates, never duplicates.
    Without ``skip_invalid`` any bad row refuses the whole file: 422 with every problem."""
    data = await file.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise HTTPException(413, detail=f"file: larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MiB")
    assert event.id is not None
    try:
        result = await run_in_threadpool(
            import_bytes,
            engine,
            data,
            file.filename or "upload",
            event_id=event.id,
            skip_invalid=skip_invalid,
        )
    except ImportErrors as exc:
        detail = [_detail(p.row, p.field, str(p)) for p in exc.problems]
        raise HTTPException(422, detail=detail) from None
    except SpreadsheetError as exc:
        raise HTTPException(422, detail=[_detail(None, None, f"file: {exc}")]) from None
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
