"""E-mails to an event's participants: preview one, or send a kind to everyone (the one way
in for ``kohtaamo send`` and ``POST /events/{id}/mailings``).

A run reads who gets what (:mod:`api.workflows.mail_data`), renders each message
(:func:`api.mail.render.render_message`), records every new one in the outbox *before*
sending, then delivers (:class:`api.workflows.outbox.Delivery`). Messages are keyed by
(event, person, kind, content hash, sequence) (see :mod:`models.outbox`), so:

- running the same mailing again sends nothing new ("already sent");
- after a re-plan or new suggestions, only people whose message changed get a new one,
  marked as an update; its calendar entries keep their UIDs with a higher SEQUENCE, so
  calendars update instead of duplicating, and a round that lost its meeting is cancelled;
  an older version never handed over is superseded (content that goes back to what an
  earlier message said is sent again, since the reader's newest message says otherwise);
- a message left ``sending`` by a killed run (it may have arrived) is not resent unless
  ``retry_interrupted``; a permanent failure (5xx) is not retried until the content or the
  address changes.

A dry run writes the messages as ``.eml`` files under ``settings.outbox_dir`` and records
nothing.

Example::

    summary = send_mailing(session, event_id=1, kind="before", signer=signer, settings=settings)
    summary.as_dict()["sent"]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from sqlmodel import Session, col, select

from api.mail.content import content_hash
from api.mail.pacing import BACKOFF_SECONDS, Pacing
from api.mail.render import render_parts
from api.mail.smtp import DeliveryError, Sender, SmtpConfig, SmtpSender, envelope_sender
from api.security import LinkSigner
from api.settings import Settings
from api.workflows.common import Progress, no_progress
from api.workflows.errors import ConflictError, FieldError, NotFoundError
from api.workflows.events import require_event
from api.workflows.feedback import followup_due
from api.workflows.mail_data import gather, material
from api.workflows.mail_plan import (
    MailingSummary,
    envelope_for,
    mail_host,
    mail_links,
    plan_run,
    write_dry_run,
)
from api.workflows.outbox import Delivery, history, record, set_status
from models.crud import page
from models.entities import Event
from models.outbox import DELIVERABLE, MailKind, OutboxMessage, OutboxStatus

Connect = Callable[[], Sender]
"""Makes the sender a run uses (default: :class:`api.mail.smtp.SmtpSender` from the settings)."""


@dataclass(frozen=True)
class RenderedMessage:
    """One person's message as a preview shows it; ``skip`` says why it would not be sent."""

    person_id: int
    to: str
    subject: str
    text: str
    html: str
    attachments: tuple[str, ...]
    skip: str | None


def check_kind(kind: str) -> MailKind:
    """``kind`` as a :class:`MailKind`, or a :class:`FieldError` naming the choices."""
    try:
        return MailKind(kind)
    except ValueError:
        raise FieldError("kind", f"{kind!r} is not one of {', '.join(MailKind)}") from None


def sender_address(settings: Settings, *, dry_run: bool) -> str:
    """The ``From`` of the messages: ``mail_from``; a dry run or preview without it shows a
    placeholder on the public host (sending without it is a :class:`FieldError`)."""
    if settings.mail_from:
        try:
            envelope_sender(settings.mail_from)
        except ValueError as exc:
            raise FieldError("mail_from", str(exc).removeprefix("mail_from: ")) from None
        return settings.mail_from
    if not dry_run:
        raise FieldError("mail_from", "not set (KOHTAAMO_MAIL_FROM); only a dry run is possible")
    return f"Kohtaamo <kohtaamo@{mail_host(settings)}>"


def default_connect(settings: Settings) -> Connect:
    """A :data:`Connect` for the settings' SMTP server; a missing host is a :class:`FieldError`."""
    try:
        config = SmtpConfig.from_settings(settings)
    except ValueError as exc:
        raise FieldError("smtp_host", str(exc).removeprefix("smtp_host: ")) from None
    return lambda: SmtpSender(config)


def check_server(sender: Sender) -> None:
    """Connect and log in once, so a wrong host, port or login is one clear
    :class:`ConflictError` before anything is recorded."""
    try:
        sender.check()
    except DeliveryError as exc:
        raise ConflictError(f"cannot send: {exc}; nothing was recorded or sent") from None


def check_followup_due(event: Event, settings: Settings, *, today: dt.date | None = None) -> None:
    """A follow-up goes out ``followup_months`` after the event, not before (a dry run too:
    it shows what would go out); an undated event has no follow-up date."""
    if event.date is None:
        raise FieldError("kind", f"event {event.id} has no date, so no follow-up date: set the event's date")
    due = followup_due(event.date, settings.followup_months)
    if (today or dt.date.today()) < due:
        raise FieldError(
            "kind",
            f"the follow-up of event {event.id} is due on {due.isoformat()} "
            f"({settings.followup_months} months after the event; KOHTAAMO_FOLLOWUP_MONTHS)",
        )


def check_mailing(session: Session, *, event_id: int, kind: str, settings: Settings, dry_run: bool) -> None:
    """Everything a run needs that can be checked without the network: the kind, the
    sender and SMTP settings (unless dry), the event and what the kind draws on."""
    mail_kind = check_kind(kind)
    sender_address(settings, dry_run=dry_run)
    if not dry_run:
        default_connect(settings)
    event = require_event(session=session, event_id=event_id)
    if mail_kind == MailKind.FOLLOWUP:
        check_followup_due(event, settings)
    material(session, event, kind)


def send_mailing(
    session: Session,
    *,
    event_id: int,
    kind: str,
    signer: LinkSigner,
    settings: Settings,
    dry_run: bool = False,
    retry_interrupted: bool = False,
    connect: Connect | None = None,
    pacing: Pacing | None = None,
    rate_per_minute: int | Literal["settings"] | None = "settings",
    backoff_base: float = BACKOFF_SECONDS,
    progress: Progress = no_progress,
) -> MailingSummary:
    """Send the event's ``kind`` e-mails to everyone who should get one (see the module
    docstring), or write them as ``.eml`` files (``dry_run``); the run's summary.

    ``connect`` replaces the SMTP sender (tests inject faults), ``pacing`` the clock and
    sleep, ``rate_per_minute`` the settings' limit (``None``: no limit).
    """
    mail_kind = check_kind(kind)
    mail_from = sender_address(settings, dry_run=dry_run)
    sender: Sender | None = None
    if not dry_run:
        sender = (connect or default_connect(settings))()
    event = require_event(session=session, event_id=event_id)
    if mail_kind == MailKind.FOLLOWUP:
        check_followup_due(event, settings)
    found = material(session, event, mail_kind)
    if sender is not None:
        check_server(sender)
    progress(0.02, "reading participants")
    mails = gather(session, event, mail_kind, found)
    summary = MailingSummary(event_id=event_id, kind=mail_kind.value, dry_run=dry_run)
    progress(0.1, f"rendering {len(mails)} messages")
    plan = plan_run(
        mails,
        history(session, event_id, mail_kind),
        summary,
        signer=signer,
        settings=settings,
        mail_from=mail_from,
        retry_interrupted=retry_interrupted,
    )
    if dry_run or sender is None:
        return write_dry_run(session, plan, summary, settings)
    set_status(session, plan.supersede, OutboxStatus.SUPERSEDED, only=DELIVERABLE)
    set_status(
        session, plan.revive, OutboxStatus.QUEUED, only=(OutboxStatus.SENDING, OutboxStatus.SUPERSEDED)
    )
    ids = [*plan.deliver, *record(session, event_id, mail_kind, plan.drafts)]
    progress(0.2, f"sending {len(ids)} messages")
    per_minute = settings.mail_rate_per_minute if rate_per_minute == "settings" else rate_per_minute
    delivery = Delivery(
        session,
        sender,
        mail_from=envelope_sender(mail_from),
        pacing=pacing or Pacing(),
        per_minute=per_minute if isinstance(per_minute, int) else None,
        max_attempts=settings.mail_max_attempts,
        backoff_base=backoff_base,
        progress=lambda fraction, message: progress(0.2 + 0.8 * fraction, message),
    )
    try:
        report = delivery.run(ids)
    finally:
        sender.close()
    summary.sent, summary.failed, summary.deferred = len(report.sent), report.failed, report.deferred
    summary.left, summary.stopped = len(report.left), report.stopped
    return summary


def preview_message(
    session: Session,
    *,
    event_id: int,
    person_id: int,
    kind: str,
    signer: LinkSigner,
    settings: Settings,
    language: str | None = None,
) -> RenderedMessage:
    """One person's ``kind`` message as it would go out now (``language``: another of
    fi/sv/en than theirs); nothing is recorded or sent. ``skip`` says why a run would not
    send it; :class:`NotFoundError` if they are not registered at the event."""
    mail_kind = check_kind(kind)
    if language is not None and language not in ("fi", "sv", "en"):
        raise FieldError("language", f"{language!r} is not one of fi, sv, en")
    event = require_event(session=session, event_id=event_id)
    found = material(session, event, mail_kind)
    mails = gather(session, event, mail_kind, found, person_ids=[person_id], language=language)
    if not mails:
        raise NotFoundError("registration not found")
    mail = mails[0]
    mail_from = sender_address(settings, dry_run=True)
    digest = content_hash(mail.content)
    rows = history(session, event_id, mail_kind).get(person_id, [])
    envelope = envelope_for(
        rows, digest, kind=mail_kind.value, settings=settings, mail_from=mail_from, mail=mail
    )
    parts = render_parts(mail.content, mail_links(signer, settings, event_id, mail), envelope)
    return RenderedMessage(
        person_id=person_id,
        to=mail.content.email,
        subject=parts.subject,
        text=parts.text,
        html=parts.html,
        attachments=("kohtaamo.ics",) if parts.calendar else (),
        skip=mail.skip,
    )


def outbox_page(
    session: Session,
    *,
    event_id: int,
    kind: str | None = None,
    person_id: int | None = None,
    offset: int = 0,
    limit: int = 50,
) -> tuple[list[OutboxMessage], int]:
    """The event's recorded messages, newest first (optionally one kind or one person)."""
    conditions = [OutboxMessage.event_id == event_id]
    if kind is not None:
        conditions.append(OutboxMessage.kind == check_kind(kind))
    if person_id is not None:
        conditions.append(OutboxMessage.person_id == person_id)
    statement = select(OutboxMessage).where(*conditions).order_by(col(OutboxMessage.id).desc())
    return page(session, statement, offset=offset, limit=limit)


__all__ = [
    "Connect",
    "MailingSummary",
    "RenderedMessage",
    "check_kind",
    "check_mailing",
    "check_server",
    "default_connect",
    "outbox_page",
    "preview_message",
    "send_mailing",
    "sender_address",
]
