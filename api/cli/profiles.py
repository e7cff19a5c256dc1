"""Profile commands: ``kohtaamo profiles check`` lists the event's thin profiles (issue 11).

Example::

    kohtaamo profiles check --event 1
    12  Maija Mäki <maija@hoiva.fi> (Hoiva Oy): no_needs, one_word_offers

One line per flagged participant on standard output (person id, name, e-mail, organisation,
flag codes; for a profile without themes, the themes its text suggests), so it can be piped or
pasted into an e-mail; the count goes to standard error.
``--explain`` ends with what each code that occurred means.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from api.cli.base import DatabaseOpt, err_console, session_for
from api.workflows.events import find_event
from api.workflows.profile_quality import FlaggedProfile, flagged_profiles
from matcher.profile_quality import FLAGS


def flag_line(found: FlaggedProfile) -> str:
    """One participant's line: ``id  name <email> (organisation): code, code``, then any
    suggested themes: ``; themes to ask about: home_care, rehabilitation``."""
    organisation = f" ({found.organisation})" if found.organisation else ""
    line = f"{found.person_id}  {found.name} <{found.email}>{organisation}: {', '.join(found.flags)}"
    if found.suggested_themes:
        line += f"; themes to ask about: {', '.join(found.suggested_themes)}"
    return line


def profiles_check(
    event: Annotated[str, typer.Option("--event", help="Event id or exact name.")],
    explain: Annotated[bool, typer.Option("--explain", help="Say what each flag shown means.")] = False,
    database_url: DatabaseOpt = None,
) -> None:
    """List participants whose profiles are too thin to match well, one line each."""
    with session_for(database_url) as session:
        found = find_event(session=session, event=event)
        assert found.id is not None
        everyone = flagged_profiles(session=session, event_id=found.id, everyone=True)
    flagged = [f for f in everyone if f.flags]
    out = Console(soft_wrap=True)
    for one in flagged:
        out.print(flag_line(one), highlight=False, markup=False)
    if explain:
        shown = {code for one in flagged for code in one.flags}
        for code, meaning in FLAGS.items():
            if code in shown:
                out.print(f"{code}: {meaning}", highlight=False, markup=False)
    err_console.print(
        f"{len(flagged)} of {len(everyone)} participants of {found.name} have thin profiles",
        highlight=False,
        markup=False,
    )


def register(app: typer.Typer) -> None:
    """Add the profile commands to the command line."""
    profiles_app = typer.Typer(help="Participants' profiles: what is missing.", no_args_is_help=True)
    profiles_app.command("check")(profiles_check)
    app.add_typer(profiles_app, name="profiles")
