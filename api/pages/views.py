"""What the dashboard's pages show, shaped for templates: registrations filtered and paged,
a table plan grouped by round and table, a job's next page.

Pure shaping over the workflows' answers; no HTML here.

Example:
    >>> from api.schemas import Seat
    >>> seats = [Seat(round=1, table=2, person_id=1, name="A", organisation=None, sector="public"),
    ...          Seat(round=1, table=1, person_id=2, name="B", organisation="O", sector="private")]
    >>> [(t.number, [s.name for s in t.seats]) for t in group_rounds(seats, rounds=1, locked=0)[0].tables]
    [(1, ['B']), (2, ['A'])]
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlmodel import Session

from api.schemas import RegistrationView, Seat
from api.workflows.registrations import list_registrations
from models.crud import MAX_LIMIT
from models.jobs import Job

PER_PAGE = 100
SHOW = ("all", "present", "absent")


@dataclass(frozen=True)
class RegistrationPage:
    """One page of an event's registrations after a search."""

    rows: list[RegistrationView]
    matched: int
    total: int
    present: int
    walk_ins: int
    page: int
    pages: int


def everyone(session: Session, event_id: int) -> list[RegistrationView]:
    """Every registration of the event that is not cancelled, in registration order."""
    rows, total = list_registrations(session=session, event_id=event_id, limit=MAX_LIMIT)
    while len(rows) < total:
        more, total = list_registrations(
            session=session, event_id=event_id, offset=len(rows), limit=MAX_LIMIT
        )
        if not more:
            break
        rows += more
    return rows


def _matches(row: RegistrationView, words: Sequence[str], show: str) -> bool:
    if (show == "present" and not row.present) or (show == "absent" and row.present):
        return False
    text = f"{row.person_name} {row.organisation_name or ''}".casefold()
    return all(word in text for word in words)


def registration_page(
    session: Session, event_id: int, *, query: str = "", show: str = "all", page: int = 1
) -> RegistrationPage:
    """Registrations whose name or organisation holds every word of ``query``, present or
    absent ones only if ``show`` says so, ``PER_PAGE`` to a page (sorted by name)."""
    rows = everyone(session, event_id)
    words = query.casefold().split()
    found = sorted(
        (r for r in rows if _matches(r, words, show if show in SHOW else "all")),
        key=lambda r: r.person_name.casefold(),
    )
    pages = max(1, -(-len(found) // PER_PAGE))
    page = min(max(page, 1), pages)
    return RegistrationPage(
        rows=found[(page - 1) * PER_PAGE : page * PER_PAGE],
        matched=len(found),
        total=len(rows),
        present=sum(r.present for r in rows),
        walk_ins=sum(r.source == "walk_in" for r in rows),
        page=page,
        pages=pages,
    )


@dataclass
class TableView:
    """One table in one round: who sits there and their sectors."""

    number: int
    seats: list[Seat] = field(default_factory=list)

    @property
    def sectors(self) -> Counter[str]:
        return Counter(s.sector or "other" for s in self.seats)


@dataclass
class RoundView:
    """One round of a table plan; ``locked`` rounds are played or printed and stay as they are."""

    number: int
    locked: bool
    tables: list[TableView] = field(default_factory=list)


def group_rounds(seats: Sequence[Seat], *, rounds: int, locked: int) -> list[RoundView]:
    """Seats grouped by round, then table (both from 1), names in order within a table."""
    grid: dict[int, dict[int, TableView]] = {r: {} for r in range(1, rounds + 1)}
    for seat in seats:
        grid[seat.round].setdefault(seat.table, TableView(seat.table)).seats.append(seat)
    return [
        RoundView(r, r <= locked, [tables[t] for t in sorted(tables)]) for r, tables in sorted(grid.items())
    ]


JOB_PAGES = {
    "suggestions": "suggestions",
    "table_plan": "tables",
    "table_replan": "tables",
    "import": "registrations",
    "meeting_plan": "",
    "meeting_replan": "",
    "mailing": "mail",
}
"""Every kind of background job, and the event page that shows what it made."""

RESULT_KEYS = (
    *("participants", "suggestions", "people", "left", "tables", "rounds"),
    *("sent", "written", "folder", "skipped", "failed", "deferred", "stopped"),
)
"""What a job page shows of a finished job's result, in this order (``result.<key>`` labels)."""


def job_next_page(job: Job) -> str:
    """Where to go when ``job`` is done: the page of what it made."""
    if job.event_id is None:
        return "/dashboard"
    base = f"/dashboard/events/{job.event_id}"
    section = JOB_PAGES[job.kind]
    return f"{base}/{section}" if section else base


def job_summary(job: Job) -> list[tuple[str, object]]:
    """``(result.<key>, value)`` of a succeeded job's result, for the job page."""
    if job.status != "succeeded":
        return []
    rows: list[tuple[str, object]] = []
    for key in RESULT_KEYS:
        value = job.result.get(key)
        if isinstance(value, dict):  # e.g. skipped: {reason: count}
            rows += [(f"result.{key}", f"{reason}: {count}") for reason, count in value.items()]
        elif isinstance(value, list):  # e.g. failed: one entry per message
            rows += [(f"result.{key}", len(value))] if value else []
        elif value is not None:
            rows.append((f"result.{key}", value))
    return rows
