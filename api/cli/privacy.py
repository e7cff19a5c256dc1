"""Participants' links and personal data from the command line: ``kohtaamo link revoke`` and
``kohtaamo link reissue`` (one person's personal links at one event), ``kohtaamo person
delete`` (erasure, :mod:`api.workflows.erasure`) and ``kohtaamo event purge`` (retention,
:mod:`api.workflows.retention`; registered in the ``event`` group by :mod:`api.cli.data`).

Revoking gives the registration a new link nonce (:mod:`api.workflows.links`): every link
made before stops working, in e-mails and on printed slips alike; ``reissue`` also prints the
new page link to hand over.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from sqlmodel import Session

from api.cli.base import CliError, DatabaseOpt, session_for
from api.keys import link_signer
from api.settings import get_settings
from api.workflows import erasure, links, retention
from api.workflows.events import find_event

EventOpt = Annotated[str, typer.Option("--event", help="Event id or exact name.")]
PersonOpt = Annotated[int, typer.Option("--person", help="Person id.", min=1, max=2**31 - 1)]
link_app = typer.Typer(help="Participants' personal links.", no_args_is_help=True)
person_app = typer.Typer(help="A participant's personal data: erasure.", no_args_is_help=True)


def _event_id(session: Session, event: str) -> int:
    found = find_event(session=session, event=event)
    assert found.id is not None
    return found.id


@link_app.command("revoke")
def link_revoke(event: EventOpt, person: PersonOpt, database_url: DatabaseOpt = None) -> None:
    """Stop every personal link of this person at this event (mailed, printed or copied)."""
    with session_for(database_url) as session:
        event_id = _event_id(session, event)
        links.revoke_link(session=session, event_id=event_id, person_id=person)
    Console().print(f"Revoked the links of person {person} at event {event_id}.", highlight=False)


@link_app.command("reissue")
def link_reissue(event: EventOpt, person: PersonOpt, database_url: DatabaseOpt = None) -> None:
    """Revoke this person's links and print a new personal page link (the last line)."""
    settings = get_settings()
    with session_for(database_url) as session:
        event_id = _event_id(session, event)
        data = links.reissue_link(
            session=session,
            signer=link_signer(settings),
            event_id=event_id,
            person_id=person,
            base_url=settings.public_base_url,
            days=settings.link_token_days,
        )
    Console().print(
        f"Revoked the old links of person {person} at event {event_id}; the new page link"
        f" (valid {settings.link_token_days} days):",
        highlight=False,
    )
    print(data["page_url"])


def register(app: typer.Typer) -> None:
    """Add ``link`` and ``person`` to the ``kohtaamo`` command."""
    app.add_typer(link_app, name="link")
    app.add_typer(person_app, name="person")


@person_app.command("delete")
def person_delete(
    person: PersonOpt,
    yes: Annotated[bool, typer.Option("--yes", help="Confirm: the erasure cannot be undone.")] = False,
    database_url: DatabaseOpt = None,
) -> None:
    """Erase a person and every trace of them (registrations, suggestions, feedback, outbox,
    plan seats, job results; their organisation if nobody else belongs to it)."""
    if not yes:
        raise CliError(f"erasing person {person} cannot be undone: add --yes to confirm")
    with session_for(database_url) as session:
        report = erasure.erase_person(
            session=session, organiser=None, person_id=person, cache_dir=get_settings().cache_dir
        )
    removed = ", ".join(f"{n} {kind}" for kind, n in report.removed.items() if n)
    marked = f"; plans marked for re-planning: {report.plans_marked}" if report.plans_marked else ""
    Console().print(
        f"Erased person {person} (events {report.events or 'none'}): {removed};"
        f" {report.redacted_messages} other messages emptied{marked}.",
        highlight=False,
        soft_wrap=True,
    )


def event_purge(
    older_than_months: Annotated[
        int | None,
        typer.Option("--older-than-months", min=1, help="Default: KOHTAAMO_RETENTION_MONTHS (24)."),
    ] = None,
    yes: Annotated[bool, typer.Option("--yes", help="Confirm: the purge cannot be undone.")] = False,
    database_url: DatabaseOpt = None,
) -> None:
    """Purge the personal data of events older than N months (the events stay as a record)."""
    settings = get_settings()
    months = older_than_months or settings.retention_months
    with session_for(database_url) as session:
        report = retention.purge_events(
            session=session, months=months, cache_dir=settings.cache_dir, dry_run=not yes
        )
    console = Console(highlight=False, soft_wrap=True)
    if report.undated:
        console.print(f"Not purged, no date (set one with PATCH /events/ID): events {report.undated}.")
    if not report.events:
        console.print(f"No event is dated before {report.cutoff}: nothing to purge.")
        return
    if not yes:
        raise CliError(
            f"would purge the personal data of events {report.events} (dated before {report.cutoff}):"
            " add --yes to confirm"
        )
    removed = ", ".join(f"{n} {kind}" for kind, n in report.removed.items() if n)
    console.print(
        f"Purged events {report.events} (dated before {report.cutoff}): {removed or 'nothing stored'};"
        f" erased {len(report.people_erased)} people with no other registration."
    )
