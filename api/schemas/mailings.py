"""E-mails to participants: a send request, one person's preview, outbox rows, round times."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

MailKindName = Literal["before", "live", "feedback", "followup"]


class MailingCreate(BaseModel):
    """Send one kind of e-mail to the event's participants (a background job)."""

    kind: MailKindName = Field(
        description="before: suggested partners; live: also tables, rounds and 1:1 meetings; "
        "feedback: the feedback form link after the event; "
        "followup: months later (KOHTAAMO_FOLLOWUP_MONTHS), did the cooperation happen."
    )
    dry_run: bool = Field(default=False, description="Write .eml files on the server instead of sending.")
    retry_interrupted: bool = Field(
        default=False,
        description="Resend messages a killed run left 'sending' (they may have arrived already).",
    )


class MailPreview(BaseModel):
    """One person's message as it would go out now; nothing is recorded or sent."""

    person_id: int
    to: str
    subject: str = Field(examples=["Ihmiset, jotka kannattaa tavata – Soteuttamo Kanta-Häme"])
    text: str
    html: str
    attachments: list[str] = Field(examples=[["kohtaamo.ics"]])
    skip: str | None = Field(description="Why a run would not send it (e.g. 'no e-mail consent').")


class OutboxEntry(BaseModel):
    """One recorded message and what became of it."""

    id: int
    person_id: int
    kind: MailKindName
    recipient: str
    subject: str
    status: Literal["queued", "sending", "sent", "deferred", "failed", "superseded"]
    attempts: int
    sequence: int
    smtp_code: int | None
    smtp_reply: str
    created_at: dt.datetime
    sent_at: dt.datetime | None


class RoundScheduleIn(BaseModel):
    """When one kind of round happens; a time without a zone is read in ``timezone``."""

    starts_at: dt.datetime = Field(description="Start of round 1.", examples=["2026-12-03T13:00"])
    round_minutes: int = Field(ge=1, le=600, examples=[15])
    gap_minutes: int = Field(default=0, ge=0, le=600, examples=[5])
    timezone: str = Field(default="Europe/Helsinki", max_length=64)


class RoundSchedulePublic(BaseModel):
    """An event's schedule of one kind of round, with every round's times."""

    event_id: int
    kind: Literal["tables", "meetings"]
    starts_at: dt.datetime
    round_minutes: int
    gap_minutes: int
    timezone: str
