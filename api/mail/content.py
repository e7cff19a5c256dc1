"""What one e-mail to a participant says, as plain frozen data, and the hash of it.

The workflow (:mod:`api.workflows.mail_data`) fills these from the database; the templates
only read them. :func:`content_hash` covers everything a reader sees except the personal
link token (a fresh token is signed for every message), so the same content gives the same
hash and the outbox can tell a repeat from an update.

Example:
    >>> event = EventInfo(event_id=1, name="Soteuttamo", date=None, venue="")
    >>> a = MailContent(kind="before", language="fi", event=event, person_id=2, name="Äijä", email="a@x.fi")
    >>> content_hash(a) == content_hash(a), len(content_hash(a))
    (True, 64)
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

KINDS: tuple[str, ...] = ("before", "live", "feedback", "followup")


@dataclass(frozen=True)
class Contact:
    """A partner's contact details, present only where that partner agreed to share them."""

    email: str
    role: str


@dataclass(frozen=True)
class Slot:
    """A round: its number (from 1) and, where the event has a schedule, its local times."""

    round: int
    starts: dt.datetime | None = None
    ends: dt.datetime | None = None


@dataclass(frozen=True)
class Seat:
    """A table in one round (both from 1)."""

    slot: Slot
    table: int


@dataclass(frozen=True)
class Partner:
    """A suggested partner: who, from where, why; contact only with consent; in a live
    message also where they sit in each round."""

    name: str
    organisation: str | None
    sector: str | None
    reasons: tuple[str, ...] = ()
    contact: Contact | None = None
    seats: tuple[Seat, ...] = ()


@dataclass(frozen=True)
class MeetingPerson:
    """Someone the reader meets 1:1: name, organisation, contact only with consent."""

    name: str
    organisation: str | None
    contact: Contact | None = None


@dataclass(frozen=True)
class Meeting:
    """One 1:1 meeting of the reader: the round, the meeting table and who is there."""

    slot: Slot
    table: int
    people: tuple[MeetingPerson, ...]


@dataclass(frozen=True)
class EventInfo:
    """The event as a message names it."""

    event_id: int
    name: str
    date: dt.date | None
    venue: str


@dataclass(frozen=True)
class MailContent:
    """Everything one message to one participant says (links aside: see :class:`Links`).

    ``no_meeting`` are the rounds of the meeting plan without a meeting for the reader
    (a bye, or absent): a calendar entry sent for them earlier is cancelled.
    """

    kind: str
    language: str
    event: EventInfo
    person_id: int
    name: str
    email: str
    partners: tuple[Partner, ...] = ()
    seats: tuple[Seat, ...] = ()
    meetings: tuple[Meeting, ...] = ()
    no_meeting: tuple[Slot, ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind: {self.kind!r} is not one of {', '.join(KINDS)}")


@dataclass(frozen=True)
class Links:
    """The reader's personal addresses (from :func:`api.workflows.links.participant_links`)."""

    page: str
    feedback: str
    unsubscribe: str
    followup: str = ""


@dataclass(frozen=True)
class Envelope:
    """What a message needs besides its content: sender, identity, date, calendar state.

    ``sequence`` is the SEQUENCE of its calendar entries: 0 the first time, one more for
    each earlier message, so a calendar updates its entries instead of duplicating them.
    ``earlier_rounds`` are the rounds earlier messages put in the reader's calendar: those
    without a meeting now are sent as cancelled. ``updated`` marks a message that replaces
    one sent earlier.
    """

    sender: str
    message_id: str
    date: dt.datetime
    calendar_host: str
    sequence: int = 0
    earlier_rounds: tuple[int, ...] = ()
    updated: bool = False
    extra_headers: tuple[tuple[str, str], ...] = field(default=())


def _plain(value: Any) -> Any:
    """``value`` as JSON-ready data (dataclasses as dicts, times as ISO text), without the
    deep copies :func:`dataclasses.asdict` makes."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise TypeError(f"cannot hash {type(value).__name__}")


def content_hash(content: MailContent) -> str:
    """SHA-256 (hex) of the content as canonical JSON: equal content, equal hash."""
    text = json.dumps(_plain(content), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
