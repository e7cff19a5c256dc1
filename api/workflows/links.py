"""Participants' personal links: signed tokens naming one person at one event, bound to the
registration's ``link_nonce``, one scope per door (their page, their feedback form, one-click
unsubscribe), and the addresses that carry them. Revoking or reissuing one person's links
gives the registration a new nonce, so every older link of theirs stops working.

Every face builds links here, so e-mails, printed slips (QR codes) and pages agree.

Example:
    >>> from api.security import LinkSigner
    >>> signer = LinkSigner("k", max_age_seconds=60)
    >>> links = participant_links(signer, "https://k.fi/", event_id=1, person_id=2, nonce="n")
    >>> links.page.startswith("https://k.fi/p/"), links.unsubscribe.startswith("https://k.fi/unsubscribe/")
    (True, True)
    >>> signer.load(links.unsubscribe.rsplit("/", 1)[1]).scope
    'unsubscribe'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col

from api.security import SCOPE_FEEDBACK, SCOPE_PAGE, SCOPE_UNSUBSCRIBE, LinkSigner
from api.workflows.common import retrying
from api.workflows.errors import NotFoundError
from models import crud
from models.entities import Registration
from models.types import new_link_nonce

PAGE_PATH = "/p/{token}"
FEEDBACK_PATH = "/p/{token}/feedback"
FOLLOWUP_PATH = "/p/{token}/followup"
UNSUBSCRIBE_PATH = "/unsubscribe/{token}"


@dataclass(frozen=True)
class ParticipantLinks:
    """One participant's page token and the addresses built on their tokens (the feedback and
    unsubscribe addresses carry tokens of their own, narrower scope)."""

    token: str
    page: str
    feedback: str
    unsubscribe: str
    api: str
    followup: str = ""


def participant_links(
    signer: LinkSigner, base_url: str, *, event_id: int, person_id: int, nonce: str
) -> ParticipantLinks:
    """The personal links of ``person_id`` at ``event_id`` (registration nonce ``nonce``)
    under ``base_url`` (``""``: paths only)."""

    def token(scope: str) -> str:
        return signer.dump(person_id=person_id, event_id=event_id, nonce=nonce, scope=scope)

    page, base = token(SCOPE_PAGE), base_url.rstrip("/")
    return ParticipantLinks(
        token=page,
        page=base + PAGE_PATH.format(token=page),
        feedback=base + FEEDBACK_PATH.format(token=token(SCOPE_FEEDBACK)),
        unsubscribe=base + UNSUBSCRIBE_PATH.format(token=token(SCOPE_UNSUBSCRIBE)),
        api=f"{base}/me/suggestions?token={page}",
        followup=base + FOLLOWUP_PATH.format(token=token(SCOPE_FEEDBACK)),
    )


def link_nonces(session: Session | sa.Connection, event_id: int) -> dict[int, str]:
    """Every registration's link nonce at the event, by person id (for mailings and slips)."""
    rows = session.execute(
        sa.select(col(Registration.person_id), col(Registration.link_nonce)).where(
            col(Registration.event_id) == event_id
        )
    ).all()
    return {int(person_id): str(nonce) for person_id, nonce in rows}


def registration_nonce(session: Session, *, event_id: int, person_id: int) -> str:
    """The link nonce of one registration, or :class:`NotFoundError`."""
    found = crud.find_registration(session=session, event_id=event_id, person_id=person_id)
    if found is None:
        raise NotFoundError("registration not found")
    return found.link_nonce


def revoke_link(*, session: Session, event_id: int, person_id: int) -> None:
    """Invalidate every personal link of this registration so far (a new nonce, committed);
    links made from now on work. Cancelling a registration does this too."""

    def work() -> None:
        found = crud.find_registration(session=session, event_id=event_id, person_id=person_id)
        if found is None:
            raise NotFoundError("registration not found")
        found.link_nonce = new_link_nonce()
        session.add(found)
        session.commit()

    retrying(session, work)


def link_token(
    *, session: Session, signer: LinkSigner, event_id: int, person_id: int, base_url: str, days: int
) -> dict[str, Any]:
    """A participant's personal link token for this event (the registration must exist)."""
    nonce = registration_nonce(session, event_id=event_id, person_id=person_id)
    links = participant_links(signer, base_url, event_id=event_id, person_id=person_id, nonce=nonce)
    return {
        "token": links.token,
        "url": links.api,
        "page_url": links.page,
        "feedback_url": links.feedback,
        "unsubscribe_url": links.unsubscribe,
        "expires_in_days": days,
    }


def reissue_link(
    *, session: Session, signer: LinkSigner, event_id: int, person_id: int, base_url: str, days: int
) -> dict[str, Any]:
    """Revoke this person's links (:func:`revoke_link`) and return a new one."""
    revoke_link(session=session, event_id=event_id, person_id=person_id)
    return link_token(
        session=session, signer=signer, event_id=event_id, person_id=person_id, base_url=base_url, days=days
    )
