"""Participants' personal links: a signed token naming one person at one event, and the
addresses that carry it (their page, their feedback form, one-click unsubscribe).

Every face builds links here, so e-mails, printed slips (QR codes) and pages agree.

Example:
    >>> from api.security import LinkSigner
    >>> signer = LinkSigner("k", max_age_seconds=60)
    >>> links = participant_links(signer, "https://k.fi/", event_id=1, person_id=2)
    >>> links.page.startswith("https://k.fi/p/"), links.unsubscribe.startswith("https://k.fi/unsubscribe/")
    (True, True)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from api.security import LinkSigner
from api.workflows.registrations import registration_view

PAGE_PATH = "/p/{token}"
FEEDBACK_PATH = "/p/{token}/feedback"
FOLLOWUP_PATH = "/p/{token}/followup"
UNSUBSCRIBE_PATH = "/unsubscribe/{token}"


@dataclass(frozen=True)
class ParticipantLinks:
    """One participant's token and the addresses built on it."""

    token: str
    page: str
    feedback: str
    unsubscribe: str
    api: str
    followup: str = ""


def participant_links(
    signer: LinkSigner, base_url: str, *, event_id: int, person_id: int
) -> ParticipantLinks:
    """The personal links of ``person_id`` at ``event_id`` under ``base_url``."""
    token = signer.dump(person_id=person_id, event_id=event_id)
    base = base_url.rstrip("/")
    return ParticipantLinks(
        token=token,
        page=base + PAGE_PATH.format(token=token),
        feedback=base + FEEDBACK_PATH.format(token=token),
        unsubscribe=base + UNSUBSCRIBE_PATH.format(token=token),
        api=f"{base}/me/suggestions?token={token}",
        followup=base + FOLLOWUP_PATH.format(token=token),
    )


def link_token(
    *, session: Session, signer: LinkSigner, event_id: int, person_id: int, base_url: str, days: int
) -> dict[str, Any]:
    """A participant's personal link token for this event (the registration must exist)."""
    registration_view(session=session, event_id=event_id, person_id=person_id)
    links = participant_links(signer, base_url, event_id=event_id, person_id=person_id)
    return {"token": links.token, "url": links.api, "page_url": links.page, "expires_in_days": days}
