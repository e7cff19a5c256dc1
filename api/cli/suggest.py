"""``kohtaamo suggest``: compute and store each participant's partner suggestions, and print
them with reasons.

Example::

    kohtaamo suggest --event 1 --k 5 --language fi --present-only

Goes through the same workflow as the API (:func:`api.workflows.suggestions.compute_suggestions`):
the same people take part (:mod:`models.participation`; ``--present-only`` is the API's
``mode: present``), the suggestions are stored, and each participant's list is read back
as their e-mail and page will show it. A progress bar follows the embedding (cached vectors
are not embedded again).
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from sqlmodel import Session

from api.cli.base import DatabaseOpt, ModelOpt, session_for
from api.cli.render import Participant, ProgressEncoder, print_suggestions, spinner
from api.schemas import SuggestionList
from api.settings import get_settings
from api.workflows.errors import FieldError
from api.workflows.events import find_event
from api.workflows.plans import people_of
from api.workflows.scoring import settings_encoder
from api.workflows.suggestions import compute_suggestions, suggestion_list
from matcher.taxonomy import LANGUAGES
from models.participation import participant_ids


def run_suggestions(
    session: Session, event_id: int, *, k: int, present_only: bool, model: str | None, console: Console
) -> list[int]:
    """Compute and store the event's suggestions with a progress bar (and a line when the
    tour's feedback ranks them); the people who took part, in registration order."""
    settings = get_settings()
    find_event(session=session, event=str(event_id))
    ids = participant_ids(session, event_id, present_only=present_only)
    if len(ids) < 2:
        raise FieldError("--event", f"event {event_id} has {len(ids)} participant(s); at least 2 are needed")
    encoder = settings_encoder(settings, model)
    with spinner(console) as progress:
        result = compute_suggestions(
            session=session,
            event_id=event_id,
            k=k,
            mode="present" if present_only else "registered",
            encoder=ProgressEncoder(encoder, progress),
        )
    if result["ranking"] == "learned":
        console.print(f"Ranked by scores learnt from the tour's feedback: {result['ranking_reason']}.")
    return ids


def stored_lists(
    session: Session, event_id: int, ids: list[int], language: str | None
) -> tuple[list[Participant], list[SuggestionList]]:
    """Each person's heading and stored list (reasons in ``language``, default theirs)."""
    found = people_of(session, ids)
    people = [
        Participant(person.name, org.name if org else "", org.sector if org else "other")
        for person, org in (found[i] for i in ids)
    ]
    lists = [suggestion_list(session=session, event_id=event_id, person_id=i, language=language) for i in ids]
    return people, lists


def suggest_command(
    event: Annotated[int, typer.Option("--event", help="Event id.")],
    k: Annotated[int, typer.Option("--k", min=1, help="Suggestions per participant.")] = 5,
    language: Annotated[
        str | None, typer.Option("--language", help="fi, sv or en (default: each participant's own).")
    ] = None,
    present_only: Annotated[
        bool, typer.Option("--present-only", help="Only people present now (checked in, not out).")
    ] = False,
    model: ModelOpt = None,
    limit: Annotated[
        int | None, typer.Option("--limit", min=1, help="Print only the first N participants.")
    ] = None,
    database_url: DatabaseOpt = None,
) -> None:
    """Compute, store and print each participant's top partner suggestions with reasons."""
    if language is not None and language not in LANGUAGES:
        raise FieldError("--language", f"{language!r} is not one of fi, sv, en")
    console = Console()
    with session_for(database_url) as session:
        ids = run_suggestions(session, event, k=k, present_only=present_only, model=model, console=console)
        people, lists = stored_lists(session, event, ids, language)
    print_suggestions(people[:limit], lists[:limit], console)
    got = sum(len(x.suggestions) == k for x in lists)
    console.print(f"{len(ids)} participants; {got} got {k} suggestions.")


def demo_stage(database_url: str, event_id: int, console: Console) -> None:
    """The demo's suggestion stage: every sample participant's top 3, reasons in their language."""
    with session_for(database_url) as session:
        ids = run_suggestions(session, event_id, k=3, present_only=False, model=None, console=console)
        people, lists = stored_lists(session, event_id, ids, None)
    print_suggestions(people, lists, console)
    pairs = [(p.sector, s.sector) for p, x in zip(people, lists, strict=True) for s in x.suggestions]
    cross = sum(a != b for a, b in pairs) / max(len(pairs), 1)
    console.print(f"{len(ids)} participants, 3 suggestions each; {cross:.0%} across sectors.")


def register(app: typer.Typer) -> None:
    """Add ``kohtaamo suggest`` to the command line."""
    app.command("suggest")(suggest_command)
