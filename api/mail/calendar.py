"""Calendar entries for 1:1 meeting rounds as an iCalendar file (RFC 5545), written by hand:
a handful of properties need no library.

Each entry's UID is derived from the event, the person and the round
(:func:`calendar_uid`), never random, and every message that carries entries raises their
SEQUENCE. A calendar that imported the first message therefore *updates* its entries when a
re-plan sends a new one, instead of adding duplicates; a round that no longer has a meeting
is sent as a cancelled entry. Times are written in UTC, so no time-zone block is needed.

Example:
    >>> import datetime as dt
    >>> start = dt.datetime(2026, 12, 3, 11, 0, tzinfo=dt.UTC)
    >>> entry = CalendarEntry(uid=calendar_uid(event_id=1, person_id=2, round_number=3, host="k.fi"),
    ...                       starts=start, ends=start + dt.timedelta(minutes=15), summary="Tapaaminen; Äijä")
    >>> text = ics([entry], sequence=1, stamp=start)
    >>> "UID:kohtaamo-e1-p2-r3@k.fi" in text, "SUMMARY:Tapaaminen\\\\; Äijä" in text, "SEQUENCE:1" in text
    (True, True, True)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

METHOD = "PUBLISH"
PRODID = "-//Kohtaamo//Kohtaamo e-mail//FI"


@dataclass(frozen=True)
class CalendarEntry:
    """One round's meeting (or, ``cancelled``, a meeting that no longer happens)."""

    uid: str
    starts: dt.datetime
    ends: dt.datetime
    summary: str
    location: str = ""
    description: str = ""
    cancelled: bool = False


def calendar_uid(*, event_id: int, person_id: int, round_number: int, host: str) -> str:
    """The stable UID of ``person_id``'s meeting in round ``round_number`` of ``event_id``."""
    return f"kohtaamo-e{event_id}-p{person_id}-r{round_number}@{host}"


def escape(text: str) -> str:
    r"""A TEXT value as RFC 5545 writes it (``\\``, ``\;``, ``\,``, line breaks as ``\n``;
    other control characters, which TEXT may not hold, dropped).

    Example:
        >>> escape("a;b,c\r\nd")
        'a\\;b\\,c\\nd'
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n")
    kept = "".join(c for c in lines if c in "\t\n" or not (ord(c) < 32 or ord(c) == 127))
    return kept.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold(line: str) -> str:
    """``line`` folded into lines of at most 75 octets (UTF-8), never inside a character.

    Example:
        >>> [len(part.encode()) <= 75 for part in fold("X:" + "ä" * 80).split("\\r\\n")]
        [True, True, True]
    """
    if len(line.encode("utf-8")) <= 75:
        return line
    parts: list[str] = []
    current, size, limit = "", 0, 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append(current)
            current, size, limit = " ", 1, 75
        current += char
        size += width
    parts.append(current)
    return "\r\n".join(parts)


def _utc(value: dt.datetime) -> str:
    if value.tzinfo is None:
        raise ValueError(f"{value.isoformat()} has no time zone; calendar times must be aware")
    return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _event(entry: CalendarEntry, sequence: int, stamp: dt.datetime) -> list[str]:
    lines = [
        "BEGIN:VEVENT",
        f"UID:{entry.uid}",
        f"SEQUENCE:{sequence}",
        f"DTSTAMP:{_utc(stamp)}",
        f"DTSTART:{_utc(entry.starts)}",
        f"DTEND:{_utc(entry.ends)}",
        f"SUMMARY:{escape(entry.summary)}",
        f"STATUS:{'CANCELLED' if entry.cancelled else 'CONFIRMED'}",
    ]
    if entry.location:
        lines.append(f"LOCATION:{escape(entry.location)}")
    if entry.description:
        lines.append(f"DESCRIPTION:{escape(entry.description)}")
    return [*lines, "END:VEVENT"]


def ics(entries: Sequence[CalendarEntry], *, sequence: int, stamp: dt.datetime) -> str:
    """An iCalendar file (``METHOD:PUBLISH``) with ``entries`` at SEQUENCE ``sequence``."""
    if sequence < 0:
        raise ValueError(f"sequence: {sequence} must be at least 0")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", f"METHOD:{METHOD}", "CALSCALE:GREGORIAN"]
    for entry in entries:
        lines += _event(entry, sequence, stamp)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
