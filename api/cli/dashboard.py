"""The demo's last stage: where the web pages are and how to log in to the dashboard.

``kohtaamo demo`` ends here: it gives the demo organiser (who runs the sample event) a fresh
API token and prints the dashboard's address for ``kohtaamo serve``, the token to log in
with, and one participant's personal page.
"""

from __future__ import annotations

from rich.console import Console
from sqlmodel import Session

from api.cli.base import session_for
from api.keys import link_signer
from api.settings import get_settings
from api.workflows.links import link_nonces, participant_links
from api.workflows.sample import DEMO_ORGANISER, demo_organiser_token
from models.participation import participants


def _first_participant(session: Session, event_id: int) -> int | None:
    first = session.exec(participants(event_id, present_only=False)).first()
    return first.person_id if first is not None else None


def demo_stage(database_url: str, event_id: int, console: Console) -> None:
    """Print the dashboard URL, a log-in token and a participant's page for the sample event."""
    settings = get_settings()
    base = settings.public_base_url.rstrip("/")
    with session_for(database_url) as session:
        token = demo_organiser_token(session, event_id)
        person_id = _first_participant(session, event_id)
        nonce = link_nonces(session, event_id).get(person_id, "") if person_id is not None else ""
    console.print(f"Dashboard: start the server with `kohtaamo serve`, then open {base}/dashboard")
    console.print(f"Log in with the demo organiser's API token ({DEMO_ORGANISER}; a new one each run):")
    print(token)
    if person_id is not None:
        signer = link_signer(settings)
        page = participant_links(signer, base, event_id=event_id, person_id=person_id, nonce=nonce).page
        console.print(f"A participant's own page (their personal link): {page}", soft_wrap=True)
