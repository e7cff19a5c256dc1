"""The outbox's life: record messages before sending, hand them to the server one at a time,
and write down each outcome at once (see :mod:`models.outbox` for the statuses).

Every state change is committed before the next step, so a run killed at any moment leaves
a row that says what happened: ``queued`` (never handed over: the next run sends it),
``sending`` (handed over, no answer recorded: not resent unless asked), or a final state.
Rows are claimed with a conditional UPDATE, so two runs at once never send the same row.

Delivery keeps going past a temporary failure (a greylisting 451 waits its backoff while
other messages go), pauses with backoff when the connection is lost, and stops, leaving the
rest queued, when the server stays away for ``max_attempts`` tries in a row or the
settings are wrong for every message.
"""

from __future__ import annotations

import heapq
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlmodel import Session, col, select

from api.mail.pacing import BACKOFF_SECONDS, Pacing, RateLimiter, backoff
from api.mail.smtp import DeliveryError, PermanentError, Sender, SetupError, TemporaryError
from api.workflows.common import Progress, no_progress, now
from api.workflows.errors import ConflictError
from models.outbox import DELIVERABLE, MailKind, OutboxMessage, OutboxStatus


@dataclass(frozen=True)
class Draft:
    """A rendered message about to be recorded."""

    person_id: int
    recipient: str
    content_hash: str
    subject: str
    message_id: str
    sequence: int
    raw: str
    calendar_rounds: tuple[int, ...] = ()


@dataclass(frozen=True)
class Outcome:
    """What happened to one row that was not sent: its status and the server's last word."""

    row_id: int
    person_id: int
    recipient: str
    status: str
    code: int | None
    reply: str


@dataclass
class DeliveryReport:
    """What one delivery pass did; ``stopped`` says why it ended early, if it did, and
    ``left`` holds the rows it never finished (still queued)."""

    sent: list[int] = field(default_factory=list)
    failed: list[Outcome] = field(default_factory=list)
    deferred: list[Outcome] = field(default_factory=list)
    left: list[int] = field(default_factory=list)
    stopped: str | None = None


def history(session: Session, event_id: int, kind: MailKind) -> dict[int, list[OutboxMessage]]:
    """The event's recorded messages of ``kind``, per person, oldest first (the raw messages
    are loaded only when read)."""
    rows = session.exec(
        select(OutboxMessage)
        .where(OutboxMessage.event_id == event_id, OutboxMessage.kind == kind)
        .order_by(col(OutboxMessage.id))
        .options(sa.orm.defer(OutboxMessage.raw))  # type: ignore[arg-type]
    ).all()
    found: dict[int, list[OutboxMessage]] = {}
    for row in rows:
        found.setdefault(row.person_id, []).append(row)
    return found


def _row(event_id: int, kind: MailKind, draft: Draft) -> OutboxMessage:
    return OutboxMessage(
        event_id=event_id,
        kind=kind,
        person_id=draft.person_id,
        recipient=draft.recipient,
        content_hash=draft.content_hash,
        subject=draft.subject[:998],
        message_id=draft.message_id,
        sequence=draft.sequence,
        calendar_rounds=list(draft.calendar_rounds),
        raw=draft.raw,
    )


def record(session: Session, event_id: int, kind: MailKind, drafts: Sequence[Draft]) -> list[int]:
    """Insert ``drafts`` as queued rows in one transaction; their ids, in order. A row that
    a concurrent run recorded first (same key) is found instead of inserted twice."""
    rows = [_row(event_id, kind, d) for d in drafts]
    try:
        session.add_all(rows)
        session.commit()
        return [int(r.id) for r in rows if r.id is not None]
    except sa.exc.IntegrityError:
        session.rollback()
    return [_record_one(session, event_id, kind, d) for d in drafts]


def _record_one(session: Session, event_id: int, kind: MailKind, draft: Draft) -> int:
    key = (
        OutboxMessage.event_id == event_id,
        OutboxMessage.kind == kind,
        OutboxMessage.person_id == draft.person_id,
        OutboxMessage.content_hash == draft.content_hash,
        OutboxMessage.sequence == draft.sequence,
    )
    found = session.exec(select(OutboxMessage.id).where(*key)).first()
    if found is None:
        row = _row(event_id, kind, draft)
        try:
            session.add(row)
            session.commit()
            return int(row.id or 0)
        except sa.exc.IntegrityError:
            session.rollback()
            found = session.exec(select(OutboxMessage.id).where(*key)).first()
    if found is None:
        raise ConflictError(
            f"outbox: cannot record the message to person {draft.person_id} ({draft.message_id})"
        )
    return int(found)


def set_status(
    session: Session, ids: Sequence[int], status: OutboxStatus, *, only: Sequence[OutboxStatus]
) -> None:
    """Move rows ``ids`` that are in one of ``only`` to ``status`` (supersede, re-queue)."""
    if ids:
        session.execute(
            sa.update(OutboxMessage)
            .where(col(OutboxMessage.id).in_(list(ids)), col(OutboxMessage.status).in_(list(only)))
            .values(status=status, updated_at=now())
        )
        session.commit()


def _claim(session: Session, row_id: int) -> tuple[str, str, int] | None:
    """Mark the row ``sending`` if it is still deliverable, and commit (with any outcome the
    session holds); its recipient, raw message and person. ``None``: another run has it, or
    it is no longer to be sent."""
    claimed = session.execute(
        sa.update(OutboxMessage)
        .where(col(OutboxMessage.id) == row_id, col(OutboxMessage.status).in_(list(DELIVERABLE)))
        .values(status=OutboxStatus.SENDING, attempts=col(OutboxMessage.attempts) + 1, updated_at=now())
    )
    session.commit()
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        return None
    row = session.execute(
        sa.select(col(OutboxMessage.recipient), col(OutboxMessage.raw), col(OutboxMessage.person_id)).where(
            col(OutboxMessage.id) == row_id
        )
    ).one()
    return str(row[0]), str(row[1]), int(row[2])


def _finish(
    session: Session, row_id: int, status: OutboxStatus, code: int | None, reply: str, *, commit: bool = True
) -> None:
    """Record a row's outcome; ``commit=False`` leaves it to the next commit (see :class:`Delivery`)."""
    values: dict[str, object] = {
        "status": status,
        "smtp_code": code,
        "smtp_reply": reply,
        "updated_at": now(),
    }
    if status == OutboxStatus.SENT:
        values["sent_at"] = values["updated_at"]
    session.execute(sa.update(OutboxMessage).where(col(OutboxMessage.id) == row_id).values(**values))
    if commit:
        session.commit()


def _code(reply: str) -> int | None:
    head = reply.split(" ", 1)[0]
    return int(head) if head.isdigit() else None


@dataclass
class _Pending:
    """A row waiting its turn: not before ``due`` (the backoff after a 4xx)."""

    due: float
    order: int
    row_id: int
    tries: int = 0

    def __lt__(self, other: _Pending) -> bool:
        return (self.due, self.order) < (other.due, other.order)


class Delivery:
    """One pass over recorded rows: rate-limited, retrying temporary failures with backoff
    (``max_attempts`` tries per row in this pass), recording every outcome.

    A success is committed together with the claim of the next row (one commit a message,
    not two), and always before any wait and at the end: a row is never handed over while
    the previous outcome is unrecorded, so a crash can at worst leave the previous row
    ``sending`` (not resent), never send anything twice.
    """

    def __init__(
        self,
        session: Session,
        sender: Sender,
        *,
        mail_from: str,
        pacing: Pacing,
        per_minute: int | None,
        max_attempts: int,
        backoff_base: float = BACKOFF_SECONDS,
        progress: Progress = no_progress,
    ) -> None:
        self.session, self.sender, self.mail_from, self.pacing = session, sender, mail_from, pacing
        self.limiter = RateLimiter(per_minute, pacing)
        self.max_attempts, self.backoff_base, self.progress = max_attempts, backoff_base, progress
        self.report = DeliveryReport()
        self._lost = 0  # connection failures in a row
        self._resume_at = 0.0
        self._unsaved = False  # an outcome waits for the next commit
        self._reported = time.monotonic()

    def run(self, ids: Sequence[int]) -> DeliveryReport:
        """Deliver rows ``ids`` (in order); the report of what happened to each."""
        queue = [_Pending(0.0, k, row_id) for k, row_id in enumerate(ids)]
        heapq.heapify(queue)
        total = max(len(ids), 1)
        try:
            while queue:
                item = heapq.heappop(queue)
                self._wait_until(max(item.due, self._resume_at))
                self.limiter.wait(before_sleep=self._save)
                again = self._attempt(item)
                if self.report.stopped is not None:
                    self.report.left = [item.row_id, *(p.row_id for p in sorted(queue))]
                    break
                if again is not None:
                    heapq.heappush(queue, again)
                self._report(total, last=not queue)
        finally:
            self._save()
        return self.report

    def _report(self, total: int, *, last: bool) -> None:
        """Progress at most once a second (a job's progress is a write of its own, which
        must not wait for this session's open transaction: save first)."""
        if not last and time.monotonic() - self._reported < 1.0:
            return
        self._save()
        self._reported = time.monotonic()
        done = len(self.report.sent) + len(self.report.failed) + len(self.report.deferred)
        self.progress(done / total, f"sent {len(self.report.sent)} of {total}")

    def _save(self) -> None:
        if self._unsaved:
            self.session.commit()
            self._unsaved = False

    def _wait_until(self, due: float) -> None:
        now = self.pacing.clock()
        if due > now:
            self._save()
            self.pacing.sleep(due - now)

    def _attempt(self, item: _Pending) -> _Pending | None:
        claimed = _claim(self.session, item.row_id)
        if claimed is None:
            return None
        recipient, raw, person_id = claimed
        try:
            reply = self.sender.send(sender=self.mail_from, recipient=recipient, data=raw.encode("ascii"))
        except DeliveryError as exc:
            return self._failed(item, person_id, recipient, exc)
        self._lost = 0
        _finish(self.session, item.row_id, OutboxStatus.SENT, _code(reply), reply, commit=False)
        self._unsaved = True
        self.report.sent.append(item.row_id)
        return None

    def _failed(self, item: _Pending, person_id: int, recipient: str, exc: DeliveryError) -> _Pending | None:
        def outcome(status: OutboxStatus) -> Outcome:
            _finish(self.session, item.row_id, status, exc.code, exc.reply)  # commits any success before it
            return Outcome(item.row_id, person_id, recipient, status.value, exc.code, exc.reply)

        if isinstance(exc, PermanentError):
            self.report.failed.append(outcome(OutboxStatus.FAILED))
            return None
        if isinstance(exc, SetupError) or not isinstance(exc, TemporaryError):
            outcome(OutboxStatus.QUEUED)  # nothing was accepted: the next run sends it
            self.report.stopped = f"the SMTP server refused the settings: {exc}"
            return None
        tries = item.tries + 1
        if exc.reconnect:
            self._lost += 1
            if self._lost >= self.max_attempts:
                outcome(OutboxStatus.QUEUED)
                self.report.stopped = f"lost the SMTP server after {self._lost} tries: {exc}"
                return None
            self._resume_at = self.pacing.clock() + backoff(self._lost, base=self.backoff_base)
        if tries >= self.max_attempts:
            self.report.deferred.append(outcome(OutboxStatus.DEFERRED))
            return None
        outcome(OutboxStatus.QUEUED)
        due = self.pacing.clock() + (0.0 if exc.reconnect else backoff(tries, base=self.backoff_base))
        return _Pending(due, item.order, item.row_id, tries)
