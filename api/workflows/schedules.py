"""When an event's rounds happen: set, read or remove the schedule of its workshop table
rounds or its 1:1 meeting rounds (:class:`models.schedule.RoundSchedule`).

The e-mails show round times and carry calendar entries only where a schedule is set; a
time given without a zone is the event's local time (``timezone``, Europe/Helsinki by
default), so "13:00" means 13:00 in Hämeenlinna, summer or winter.

Example:
    >>> local_start("2026-12-03 13:00", None, "Europe/Helsinki").isoformat()
    '2026-12-03T13:00:00+02:00'
    >>> import datetime as dt
    >>> local_start("13:00", dt.date(2027, 6, 1), "Europe/Helsinki").isoformat()
    '2027-06-01T13:00:00+03:00'
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

from sqlmodel import Session

from api.schemas.mailings import RoundScheduleIn, RoundSchedulePublic
from api.workflows.errors import FieldError, NotFoundError
from api.workflows.events import require_event
from models.plans import PlanKind
from models.schedule import RoundSchedule


def check_kind(kind: str) -> PlanKind:
    """``kind`` (tables or meetings) as a :class:`PlanKind`, or a :class:`FieldError`."""
    try:
        return PlanKind(kind)
    except ValueError:
        raise FieldError("kind", f"{kind!r} is not one of tables, meetings") from None


@lru_cache(maxsize=1)
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


def zone(name: str) -> ZoneInfo:
    """The IANA time zone ``name`` (e.g. Europe/Helsinki), or a :class:`FieldError`."""
    if name not in _zones():
        raise FieldError("timezone", f"{name!r} is not a time zone (e.g. Europe/Helsinki)")
    return ZoneInfo(name)


def local_start(text: str, day: dt.date | None, timezone: str) -> dt.datetime:
    """``"YYYY-MM-DD HH:MM"``, or ``"HH:MM"`` on ``day`` (the event's date), in ``timezone``
    unless the text names its own offset."""
    text = text.strip()
    try:
        if len(text) <= 5:
            if day is None:
                raise FieldError("start", "the event has no date: give the day too, e.g. 2026-12-03 13:00")
            parsed = dt.datetime.combine(day, dt.time.fromisoformat(text))
        else:
            parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        raise FieldError("start", f"{text!r} is not a time like 13:00 or 2026-12-03 13:00") from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=zone(timezone))


def schedule_view(row: RoundSchedule) -> RoundSchedulePublic:
    """The stored schedule, its start in its own time zone."""
    return RoundSchedulePublic(
        event_id=row.event_id,
        kind=row.kind.value,
        starts_at=row.starts_at.astimezone(zone(row.timezone)),
        round_minutes=row.round_minutes,
        gap_minutes=row.gap_minutes,
        timezone=row.timezone,
    )


def set_schedule(*, session: Session, event_id: int, kind: str, body: RoundScheduleIn) -> RoundSchedulePublic:
    """Set (or replace) the times of the event's ``kind`` rounds."""
    plan_kind = check_kind(kind)
    require_event(session=session, event_id=event_id)
    local = zone(body.timezone)
    starts = body.starts_at if body.starts_at.tzinfo else body.starts_at.replace(tzinfo=local)
    row = session.get(RoundSchedule, (event_id, plan_kind)) or RoundSchedule(
        event_id=event_id, kind=plan_kind, starts_at=starts, round_minutes=body.round_minutes
    )
    row.starts_at = starts.astimezone(dt.UTC)
    row.round_minutes, row.gap_minutes, row.timezone = body.round_minutes, body.gap_minutes, body.timezone
    session.add(row)
    session.commit()
    session.refresh(row)
    return schedule_view(row)


def get_schedule(*, session: Session, event_id: int, kind: str) -> RoundSchedulePublic:
    """The times of the event's ``kind`` rounds, or :class:`NotFoundError`."""
    row = session.get(RoundSchedule, (event_id, check_kind(kind)))
    if row is None:
        raise NotFoundError(f"no {kind} schedule: rounds are numbered without times")
    return schedule_view(row)


def delete_schedule(*, session: Session, event_id: int, kind: str) -> None:
    """Remove the times of the event's ``kind`` rounds (safe to repeat)."""
    row = session.get(RoundSchedule, (event_id, check_kind(kind)))
    if row is not None:
        session.delete(row)
        session.commit()
