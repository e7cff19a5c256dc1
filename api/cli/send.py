"""``kohtaamo send`` and ``kohtaamo schedule``: e-mail an event's participants, and set when
its rounds happen (so e-mails show times and carry calendar entries).

Examples::

    kohtaamo send --event 1 --kind before --dry-run      # .eml files in the outbox folder
    kohtaamo send --event 1 --kind before                 # over SMTP (KOHTAAMO_SMTP_HOST, ...)
    kohtaamo schedule --event 1 --kind meetings --start 13:00 --minutes 15 --gap 5

Both go through the API's workflows (:mod:`api.workflows.mailing`,
:mod:`api.workflows.schedules`): every message is recorded in the outbox before it is sent,
and a repeated or interrupted run never sends a message twice. The summary says what was
sent, what was skipped and why, and what failed with the server's reply. The exit code is
2 when the run stopped early or left messages for a later run.
"""

from __future__ import annotations

from collections import Counter
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from api.cli.base import DatabaseOpt, session_for
from api.cli.render import spinner
from api.keys import link_signer
from api.schemas.mailings import RoundScheduleIn
from api.security import LinkSigner
from api.settings import Settings, get_settings
from api.workflows.events import find_event
from api.workflows.mailing import MailingSummary, send_mailing
from api.workflows.schedules import local_start, set_schedule

EventOpt = Annotated[str, typer.Option("--event", help="Event id or exact name.")]


def signer_for(settings: Settings) -> LinkSigner:
    """The participants' link signer the settings describe (as the API's)."""
    return link_signer(settings)


def print_summary(summary: MailingSummary, console: Console) -> None:
    """Sent (or written), skipped with reasons, failed and deferred with the server's replies."""
    if summary.dry_run:
        console.print(f"Dry run: wrote {summary.written} message(s) to {summary.folder}/ (nothing sent).")
    else:
        console.print(f"Sent {summary.sent} message(s).")
    for reason, ids in sorted(summary.skipped.items(), key=lambda item: -len(item[1])):
        console.print(f"Skipped {len(ids)}: {reason}.")
    problems = [*summary.failed, *summary.deferred]
    if problems:
        table = Table(title="Not delivered", title_justify="left")
        for column in ("person", "to", "status", "server's reply"):
            table.add_column(column)
        for o in problems:
            table.add_row(str(o.person_id), o.recipient, o.status, f"{o.code or ''} {o.reply}".strip())
        console.print(table)
        counts = Counter(o.status for o in problems)
        console.print(", ".join(f"{n} {status}" for status, n in sorted(counts.items())) + ".")
    if summary.stopped:
        console.print(f"[bold]Stopped early:[/] {summary.stopped}; {summary.left} message(s) left queued.")


def send_command(
    event: EventOpt,
    kind: Annotated[str, typer.Option("--kind", help="before, live, feedback or followup.")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Write .eml files to the outbox folder instead of sending.")
    ] = False,
    retry_interrupted: Annotated[
        bool,
        typer.Option(
            "--retry-interrupted", help="Resend messages a killed run left mid-send (may duplicate)."
        ),
    ] = False,
    database_url: DatabaseOpt = None,
) -> None:
    """E-mail the participants: suggestions (before), tables and meetings (live), feedback, follow-up."""
    settings = get_settings()
    console = Console()
    with session_for(database_url) as session, spinner(console) as bar:
        event_id = find_event(session=session, event=event).id
        assert event_id is not None
        task = bar.add_task("starting", total=1.0)
        summary = send_mailing(
            session,
            event_id=event_id,
            kind=kind,
            signer=signer_for(settings),
            settings=settings,
            dry_run=dry_run,
            retry_interrupted=retry_interrupted,
            progress=lambda fraction, message: bar.update(task, completed=fraction, description=message),
        )
    print_summary(summary, console)
    if summary.stopped or summary.deferred:
        console.print(f"Run `kohtaamo send --event {event_id} --kind {kind}` again later for the rest.")
        raise typer.Exit(2)


def schedule_command(
    event: EventOpt,
    kind: Annotated[str, typer.Option("--kind", help="tables or meetings.")],
    start: Annotated[
        str, typer.Option("--start", help="Round 1 starts: 13:00 (on the event's date) or 2026-12-03 13:00.")
    ],
    minutes: Annotated[int, typer.Option("--minutes", min=1, max=600, help="Length of a round.")],
    gap: Annotated[int, typer.Option("--gap", min=0, max=600, help="Minutes between rounds.")] = 0,
    timezone: Annotated[
        str, typer.Option("--timezone", help="Local time zone of the event.")
    ] = "Europe/Helsinki",
    database_url: DatabaseOpt = None,
) -> None:
    """Set when the event's table rounds or 1:1 meeting rounds happen (times in e-mails and calendars)."""
    console = Console()
    with session_for(database_url) as session:
        found = find_event(session=session, event=event)
        assert found.id is not None
        body = RoundScheduleIn(
            starts_at=local_start(start, found.date, timezone),
            round_minutes=minutes,
            gap_minutes=gap,
            timezone=timezone,
        )
        view = set_schedule(session=session, event_id=found.id, kind=kind, body=body)
    step = view.round_minutes + view.gap_minutes
    console.print(
        f"{kind.capitalize()} rounds of event {view.event_id}: round 1 at {view.starts_at:%Y-%m-%d %H:%M} "
        f"({view.timezone}), {view.round_minutes} min each, a new round every {step} min."
    )


def demo_stage(database_url: str, event_id: int, console: Console) -> None:
    """``kohtaamo demo``: the sample event's ``before`` e-mails as a dry run, and where they are."""
    settings = get_settings()
    with session_for(database_url) as session:
        summary = send_mailing(
            session,
            event_id=event_id,
            kind="before",
            signer=signer_for(settings),
            settings=settings,
            dry_run=True,
        )
    print_summary(summary, console)
    console.print("Open any .eml file in a mail program to see the message as a participant would.")


def register(app: typer.Typer) -> None:
    """Add ``kohtaamo send`` and ``kohtaamo schedule`` to the command line."""
    app.command("send")(send_command)
    app.command("schedule")(schedule_command)
