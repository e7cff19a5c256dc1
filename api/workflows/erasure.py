"""The right to erasure: remove a person and every trace of them, in one transaction.

What goes: the person row; their registrations (with their event-day marks); every stored suggestion
for them *and* every one naming them as someone's partner; feedback they gave or that was
given about them (removed, not kept anonymously: a 1:1 rating is about one person); their
outbox messages, and the recorded body of other people's messages that named them (the
delivery record stays, its body is emptied, and an undelivered one is superseded, so the next
mailing run renders it afresh without them); their seat in every stored plan (removed, and the
plan marked with a violation saying a participant was erased, so the organiser re-plans the
rounds not yet played); their id, name and e-mail in job results. Their organisation goes too
when nobody else belongs to it, and then the embedding-cache entries of its texts (cleared
after the commit: the cache is a file beside the database).

Example: ``erase_person(session=s, organiser=None, person_id=17, cache_dir=Path("~/.cache/kohtaamo"))``.
"""

from __future__ import annotations

import email
import email.policy
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from api.workflows.people import get_person
from matcher import split_statements
from matcher.encoders.cache import EmbeddingCache
from models.access import Organiser
from models.entities import Organisation, Person, Registration
from models.feedback import Feedback
from models.jobs import Job
from models.outbox import OutboxMessage, OutboxStatus
from models.plans import StoredTablePlan
from models.suggestions import StoredSuggestion

ERASED_MARK = "a participant was erased: their seat is empty, re-plan the rounds not yet played"
REDACTED = ""
ERASED_TEXT = "[erased]"
CACHE_FILE = Path("embeddings") / "vectors.sqlite3"
PERSON_KEYS = ("person_id", "target_id")


@dataclass
class Erasure:
    """What one erasure removed or changed (counts per kind of record)."""

    person_id: int
    events: list[int]
    removed: dict[str, int] = field(default_factory=dict)
    redacted_messages: int = 0
    plans_marked: list[int] = field(default_factory=list)
    organisation_removed: int | None = None
    cache_entries_removed: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "person_id": self.person_id,
            "events": self.events,
            "removed": self.removed,
            "redacted_messages": self.redacted_messages,
            "plans_marked": self.plans_marked,
            "organisation_removed": self.organisation_removed,
            "cache_entries_removed": self.cache_entries_removed,
        }


def _delete(session: Session, table: Any, *conditions: Any) -> int:
    result = session.execute(sa.delete(table).where(*conditions))
    return int(getattr(result, "rowcount", 0) or 0)


class _Words:
    """The person's identifying strings, found case-insensitively."""

    def __init__(self, person: Person) -> None:
        self.words = [w.casefold() for w in (person.name, person.email) if w and len(w.strip()) >= 3]

    def found_in(self, text: str) -> bool:
        folded = text.casefold()
        return any(w in folded for w in self.words)

    def scrub(self, value: Any, person_id: int) -> Any:
        """``value`` (JSON) without rows about ``person_id``, their id in id lists, or their words."""
        if isinstance(value, str):
            return ERASED_TEXT if self.found_in(value) else value
        if isinstance(value, list):
            kept = [v for v in value if not _is_about(v, person_id)]
            return [self.scrub(v, person_id) for v in kept]
        if isinstance(value, dict):
            out: dict[str, Any] = {}
            for key, item in value.items():
                if isinstance(item, list) and (key.endswith(("ids", "people")) or key in PERSON_KEYS):
                    item = [v for v in item if v != person_id]
                out[key] = self.scrub(item, person_id)
            return out
        return value


def _is_about(value: Any, person_id: int) -> bool:
    return isinstance(value, dict) and any(value.get(k) == person_id for k in PERSON_KEYS)


def _message_text(raw: str) -> str:
    """Everything a recorded message says, decoded (quoted-printable or base64 parts too)."""
    try:
        message = email.message_from_string(raw, policy=email.policy.default)
        parts = [str(v) for v in message.values()]
        for part in message.walk():
            if part.get_content_maintype() == "text":
                parts.append(str(part.get_content()))
        return "\n".join([raw, *parts])
    except Exception:  # a damaged record: search it as it is
        return raw


def _outbox(session: Session, person_id: int, events: Sequence[int], words: _Words, report: Erasure) -> None:
    report.removed["outbox_message"] = _delete(
        session, OutboxMessage, col(OutboxMessage.person_id) == person_id
    )
    others = session.exec(select(OutboxMessage).where(col(OutboxMessage.event_id).in_(events))).all()
    for row in others:
        if not words.found_in("\n".join([_message_text(row.raw), row.subject, row.smtp_reply or ""])):
            continue
        row.raw, row.smtp_reply = REDACTED, ""
        if row.status in (OutboxStatus.QUEUED, OutboxStatus.DEFERRED, OutboxStatus.SENDING):
            row.status = OutboxStatus.SUPERSEDED  # never hand over a message that named them
        session.add(row)
        report.redacted_messages += 1


def _plans(session: Session, person_id: int, events: Sequence[int], report: Erasure) -> None:
    for plan in session.exec(select(StoredTablePlan).where(col(StoredTablePlan.event_id).in_(events))).all():
        if person_id not in plan.person_ids:
            continue
        index = plan.person_ids.index(person_id)
        plan.person_ids = [p for p in plan.person_ids if p != person_id]
        plan.assignment = [row[:index] + row[index + 1 :] for row in plan.assignment]
        plan.violations = (
            [*plan.violations, ERASED_MARK] if ERASED_MARK not in plan.violations else plan.violations
        )
        session.add(plan)
        assert plan.id is not None
        report.plans_marked.append(plan.id)


def _jobs(session: Session, person_id: int, events: Sequence[int], words: _Words) -> None:
    for job in session.exec(select(Job).where(col(Job.event_id).in_(events))).all():
        result, message = words.scrub(job.result, person_id), words.scrub(job.message, person_id)
        if result != job.result or message != job.message:
            job.result, job.message = result, message
            session.add(job)


def _organisation_texts(organisation: Organisation) -> list[str]:
    texts = [
        organisation.description,
        *split_statements(organisation.offers),
        *split_statements(organisation.needs),
    ]
    plain = [t.strip() for t in texts if t and t.strip()]
    return [*plain, *(prefix + t for t in plain for prefix in ("query: ", "passage: "))]


def _orphan_organisation(session: Session, person: Person, report: Erasure) -> list[str]:
    if person.organisation_id is None:
        return []
    others = session.exec(
        select(Person.id).where(Person.organisation_id == person.organisation_id, Person.id != person.id)
    ).first()
    organisation = session.get(Organisation, person.organisation_id)
    if others is not None or organisation is None:
        return []
    texts = _organisation_texts(organisation)
    session.delete(organisation)
    report.organisation_removed = organisation.id
    return texts


def erase_person(
    *, session: Session, organiser: Organiser | None, person_id: int, cache_dir: Path | None
) -> Erasure:
    """Remove ``person_id`` and every trace of them (see the module docstring), committed as
    one transaction; :class:`NotFoundError` if there is no such person (or, for an organiser
    who is not an admin, none registered at their events)."""
    person = get_person(session=session, organiser=organiser, person_id=person_id)
    try:
        report, texts = erase_uncommitted(session, person)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    if texts and cache_dir is not None:
        report.cache_entries_removed = discard_cached(cache_dir, texts)
    return report


def erase_uncommitted(session: Session, person: Person) -> tuple[Erasure, list[str]]:
    """The work of :func:`erase_person` in the caller's transaction (the caller commits, then
    discards the returned texts from the embedding cache)."""
    assert person.id is not None
    person_id = person.id
    registrations = session.exec(select(Registration).where(Registration.person_id == person_id)).all()
    events = sorted({r.event_id for r in registrations})
    report, words = Erasure(person_id=person_id, events=events), _Words(person)
    _outbox(session, person_id, events, words, report)
    report.removed["stored_suggestion"] = _delete(
        session,
        StoredSuggestion,
        sa.or_(col(StoredSuggestion.person_id) == person_id, col(StoredSuggestion.target_id) == person_id),
    )
    report.removed["feedback"] = _delete(
        session, Feedback, sa.or_(col(Feedback.person_id) == person_id, col(Feedback.target_id) == person_id)
    )
    _plans(session, person_id, events, report)
    _jobs(session, person_id, events, words)
    report.removed["registration"] = _delete(session, Registration, col(Registration.person_id) == person_id)
    texts = _orphan_organisation(session, person, report)
    session.delete(person)
    report.removed["person"] = 1
    return report, texts


def discard_cached(cache_dir: Path, texts: Sequence[str]) -> int:
    """Remove the embedding-cache vectors of ``texts`` (every model) under ``cache_dir``."""
    path = cache_dir / CACHE_FILE
    return EmbeddingCache(path).discard(texts) if path.exists() else 0
