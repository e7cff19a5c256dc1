"""Participants' personal links: a signed token naming one person at one event."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from api.security import LinkSigner
from api.workflows.registrations import registration_view


def link_token(
    *, session: Session, signer: LinkSigner, event_id: int, person_id: int, base_url: str, days: int
) -> dict[str, Any]:
    """A participant's personal link token for this event (the registration must exist)."""
    registration_view(session=session, event_id=event_id, person_id=person_id)
    token = signer.dump(person_id=person_id, event_id=event_id)
    return {
        "token": token,
        "url": f"{base_url.rstrip('/')}/me/suggestions?token={token}",
        "expires_in_days": days,
    }
