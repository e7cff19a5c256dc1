"""How one mailing run decides, person by person, what to do: render a new message, deliver a
recorded one again, or skip (and why), by comparing the message's content hash with the
person's outbox rows; and the run's summary. Used by :mod:`api.workflows.mailing`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlmodel import Session

from api.mail.content import Envelope, Links, content_hash
from api.mail.render import calendar_rounds, message_bytes, render_message
from api.mail.smtp import envelope_sender
from api.security import LinkSigner
from api.settings import Settings
from api.workflows.common import now
from api.workflows.links import participant_links
from api.workflows.mail_data import PersonMail
from api.workflows.outbox import Draft, Outcome
from models.outbox import DELIVERABLE, HANDED_OVER, OutboxMessage, OutboxStatus


@dataclass
class MailingSummary:
    """What a run did: sent (or, dry, written), skipped and why, failed and why."""

    event_id: int
    kind: str
    dry_run: bool
    sent: int = 0
    written: int = 0
    folder: str | None = None
    skipped: dict[str, list[int]] = field(default_factory=dict)
    failed: list[Outcome] = field(default_factory=list)
    deferred: list[Outcome] = field(default_factory=list)
    left: int = 0
    stopped: str | None = None

    def skip(self, reason: str, person_id: int) -> None:
        self.skipped.setdefault(reason, []).append(person_id)

    def as_dict(self) -> dict[str, Any]:
        """The summary as JSON (a background job's result)."""

        def rows(items: list[Outcome]) -> list[dict[str, Any]]:
            return [
                {
                    "person_id": o.person_id,
                    "to": o.recipient,
                    "status": o.status,
                    "code": o.code,
                    "reply": o.reply,
                }
                for o in items
            ]

        return {
            "event_id": self.event_id,
            "kind": self.kind,
            "dry_run": self.dry_run,
            "sent": self.sent,
            "written": self.written,
            "folder": self.folder,
            "skipped": {reason: len(ids) for reason, ids in self.skipped.items()},
            "skipped_people": {reason: ids for reason, ids in self.skipped.items()},
            "failed": rows(self.failed),
            "deferred": rows(self.deferred),
            "left_queued": self.left,
            "stopped": self.stopped,
        }


def mail_host(settings: Settings) -> str:
    host = urlsplit(settings.public_base_url).hostname or ""
    return host if any(c.isalpha() for c in host) else "localhost"  # an IP is no mail domain


def mail_links(signer: LinkSigner, settings: Settings, event_id: int, mail: PersonMail) -> Links:
    """The message's links: the page, the feedback form and unsubscribe, each its own scope."""
    found = participant_links(
        signer, settings.public_base_url, event_id=event_id, person_id=mail.person_id, nonce=mail.link_nonce
    )
    return Links(
        page=found.page, feedback=found.feedback, unsubscribe=found.unsubscribe, followup=found.followup
    )


def message_id(
    *, event_id: int, person_id: int, kind: str, digest: str, sequence: int, mail_from: str
) -> str:
    """The ``Message-ID`` of a message: derived from its outbox key, so a retry reuses it.

    Example:
        >>> message_id(event_id=1, person_id=2, kind="live", digest="ab" * 32, sequence=1, mail_from="k@x.fi")
        '<kohtaamo.e1.p2.live.abababababababab.1@x.fi>'
    """
    domain = envelope_sender(mail_from).rsplit("@", 1)[1]
    return f"<kohtaamo.e{event_id}.p{person_id}.{kind}.{digest[:16]}.{sequence}@{domain}>"


@dataclass
class RunPlan:
    """What a run will do: new drafts to record, recorded rows to deliver or change."""

    drafts: list[Draft] = field(default_factory=list)
    deliver: list[int] = field(default_factory=list)
    supersede: list[int] = field(default_factory=list)
    revive: list[int] = field(default_factory=list)


def decide(
    rows: list[OutboxMessage], digest: str, retry_interrupted: bool
) -> tuple[str, OutboxMessage | None]:
    """What to do about a message whose content hash is ``digest``, given the person's
    recorded rows (oldest first): ``("new", None)``, ``("deliver", row)``, ``("revive", row)``
    or ``("skip: <reason>", row)``.

    Only the newest message handed over counts as what the reader has: content that goes
    back to an older version (A, then B, then A again) is a new message, not "already sent".
    """
    handed = [r for r in rows if r.status in HANDED_OVER]
    latest = handed[-1] if handed else None
    if latest is not None and latest.content_hash == digest:
        if latest.status == OutboxStatus.SENT:
            return "skip: already sent", latest
        if not retry_interrupted:
            return (
                "skip: interrupted while sending earlier; may have arrived (retry_interrupted resends)",
                latest,
            )
        return "revive", latest
    same = next((r for r in rows if r.content_hash == digest and r.sequence == len(handed)), None)
    if same is None:
        return "new", None
    if same.status == OutboxStatus.FAILED:
        return f"skip: refused earlier ({same.smtp_code} {same.smtp_reply})".strip(), same
    if same.status in DELIVERABLE:
        return "deliver", same
    return "revive", same


def envelope_for(
    rows: list[OutboxMessage], digest: str, *, kind: str, settings: Settings, mail_from: str, mail: PersonMail
) -> Envelope:
    """The envelope of a message with content hash ``digest``, given the person's recorded
    rows of its kind: its SEQUENCE counts the earlier messages handed over, whose calendar
    rounds it cancels where they have no meeting now, and it is an update if there were any."""
    handed = [r for r in rows if r.status in HANDED_OVER]
    event_id = mail.content.event.event_id
    return Envelope(
        sender=mail_from,
        message_id=message_id(
            event_id=event_id,
            person_id=mail.person_id,
            kind=kind,
            digest=digest,
            sequence=len(handed),
            mail_from=mail_from,
        ),
        date=now(),
        calendar_host=mail_host(settings),
        sequence=len(handed),
        earlier_rounds=tuple(sorted({r for row in handed for r in row.calendar_rounds})),
        updated=bool(handed),
    )


def plan_run(
    mails: list[PersonMail],
    rows_of: dict[int, list[OutboxMessage]],
    summary: MailingSummary,
    *,
    signer: LinkSigner,
    settings: Settings,
    mail_from: str,
    retry_interrupted: bool,
) -> RunPlan:
    plan = RunPlan()
    for mail in mails:
        if mail.skip is not None:
            summary.skip(mail.skip, mail.person_id)
            continue
        rows = rows_of.get(mail.person_id, [])
        digest = content_hash(mail.content)
        action, row = decide(rows, digest, retry_interrupted)
        keep = row.id if row is not None else None
        plan.supersede += [r.id for r in rows if r.id and r.id != keep and r.status in DELIVERABLE]
        if action.startswith("skip: "):
            summary.skip(action.removeprefix("skip: "), mail.person_id)
        elif action == "deliver" and row is not None and row.id is not None:
            plan.deliver.append(row.id)
        elif action == "revive" and row is not None and row.id is not None:
            plan.revive.append(row.id)
            plan.deliver.append(row.id)
        else:
            envelope = envelope_for(
                rows, digest, kind=summary.kind, settings=settings, mail_from=mail_from, mail=mail
            )
            links = mail_links(signer, settings, summary.event_id, mail)
            message = render_message(mail.content, links, envelope)
            raw = message_bytes(message).decode("ascii")
            subject = str(message["Subject"])
            plan.drafts.append(
                Draft(
                    mail.person_id,
                    mail.content.email,
                    digest,
                    subject,
                    envelope.message_id,
                    envelope.sequence,
                    raw,
                    calendar_rounds(mail.content),
                )
            )
    return plan


def _write_eml(folder: Path, named: list[tuple[int, str, str]]) -> int:
    """Write (person id, recipient, raw message) as ``.eml`` files in ``folder``, replacing
    the ``.eml`` files an earlier dry run left there."""
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.eml"):
        old.unlink()
    for person_id, recipient, raw in named:
        (folder / f"p{person_id:05d}-{recipient}.eml").write_bytes(raw.encode("ascii"))
    return len(named)


def write_dry_run(
    session: Session, plan: RunPlan, summary: MailingSummary, settings: Settings
) -> MailingSummary:
    queued = [session.get(OutboxMessage, row_id) for row_id in plan.deliver]
    named = [(d.person_id, d.recipient, d.raw) for d in plan.drafts]
    named += [(r.person_id, r.recipient, r.raw) for r in queued if r is not None]
    folder = Path(settings.outbox_dir) / f"event-{summary.event_id}" / summary.kind
    summary.written = _write_eml(folder, sorted(named))
    summary.folder = str(folder.resolve())
    return summary
