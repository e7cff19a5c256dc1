"""The outbox: every e-mail to a participant, recorded before it is handed to the SMTP server.

A row is keyed by (event, person, kind, content hash, sequence): the hash covers what the
message says (partners, seats, meetings, times, address, language), never the link token;
``sequence`` counts the messages of that kind handed over to the person before it. Running
the same mailing again finds the row and sends nothing; a changed plan gives a new hash and
so a new message (an update, one sequence up); content that goes back to an older version
is a new message too, since the reader's newest message says otherwise. ``raw`` keeps the
message exactly as recorded, so a retry sends the same bytes with the same ``Message-ID``.

Status, and what a later run does with it:

- ``queued``: recorded, not yet handed over; sent by the next run (unless superseded).
- ``sending``: handed to the server but no answer was recorded (the run was killed at that
  moment): it may have arrived, so it is not sent again unless asked (``retry_interrupted``).
- ``sent``: the server accepted it (2xx); never sent again.
- ``deferred``: temporary failures (4xx, lost connection, timeout) used up one run's attempts;
  the next run tries again.
- ``failed``: a permanent failure (5xx), with the server's reply; not retried.
- ``superseded``: never handed over, and a newer version of the message replaced it.

Example:
    >>> OutboxMessage(event_id=1, person_id=2, kind=MailKind.BEFORE, content_hash="ab",
    ...               recipient="m@x.fi", subject="Hei", message_id="<1@x>", raw="").status
    <OutboxStatus.QUEUED: 'queued'>
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.types import StrEnumColumn, UTCDateTime, one_of, utc_now


class MailKind(StrEnum):
    """What an e-mail is: suggestions before the event, where to find people live, feedback
    after, and the follow-up months later (did the cooperation happen)."""

    BEFORE = "before"
    LIVE = "live"
    FEEDBACK = "feedback"
    FOLLOWUP = "followup"


class OutboxStatus(StrEnum):
    """Where a recorded message is (see the module docstring)."""

    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    DEFERRED = "deferred"
    FAILED = "failed"
    SUPERSEDED = "superseded"


DELIVERABLE: tuple[OutboxStatus, ...] = (OutboxStatus.QUEUED, OutboxStatus.DEFERRED)
"""Statuses a run hands to the server."""

HANDED_OVER: tuple[OutboxStatus, ...] = (OutboxStatus.SENDING, OutboxStatus.SENT)
"""Statuses of messages that reached (or may have reached) the recipient."""


class OutboxMessage(SQLModel, table=True):
    """One e-mail to one participant (see the module docstring)."""

    __tablename__ = "outbox_message"
    __table_args__ = (
        sa.UniqueConstraint(
            "event_id", "person_id", "kind", "content_hash", "sequence", name="uq_outbox_message_key"
        ),
        sa.CheckConstraint(one_of("kind", tuple(MailKind)), name="kind"),
        sa.CheckConstraint(one_of("status", tuple(OutboxStatus)), name="status"),
        sa.Index("ix_outbox_message_event_kind_status", "event_id", "kind", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", ondelete="CASCADE")
    person_id: int = Field(foreign_key="person.id", ondelete="CASCADE", index=True)
    kind: MailKind = Field(sa_type=StrEnumColumn(MailKind, 16))
    content_hash: str = Field(max_length=64)
    recipient: str = Field(max_length=320)
    subject: str = Field(max_length=998)
    message_id: str = Field(max_length=255, unique=True)
    sequence: int = Field(
        default=0, ge=0, description="Messages of this kind handed over before it (its calendar SEQUENCE)."
    )
    calendar_rounds: list[int] = Field(
        default_factory=list,
        sa_column=sa.Column(sa.JSON, nullable=False),
        description="Rounds it put in the reader's calendar (a later message cancels those it drops).",
    )
    raw: str = Field(sa_type=sa.Text)
    status: OutboxStatus = Field(default=OutboxStatus.QUEUED, sa_type=StrEnumColumn(OutboxStatus, 16))
    attempts: int = Field(default=0, ge=0)
    smtp_code: int | None = None
    smtp_reply: str = Field(default="", sa_type=sa.Text)
    created_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
