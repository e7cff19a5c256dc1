"""``kohtaamo suggest``: each participant's top partner suggestions with reasons.

Example::

    kohtaamo suggest --event 1 --k 5 --language fi --present-only

Loads the event's profiles from the configured database (``models.mapping.event_profiles``),
embeds their statements with the configured model (a rich progress bar shows it; cached
vectors are not embedded again), calls :func:`matcher.suggest` and prints one table per
participant: partner, score and the reasons in the chosen language (by default each
participant's own language).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

import numpy as np
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from api.settings import get_settings
from matcher import Embedder, Profile, Suggestion, suggest
from matcher.taxonomy import LANGUAGES, SECTOR_LABELS


class ProgressEncoder:
    """Wraps an embedder so that encoding advances a rich progress bar, batch by batch."""

    def __init__(self, embedder: Embedder, progress: Progress, batch_size: int = 64):
        self.embedder = embedder
        self.progress = progress
        self.batch_size = batch_size

    @property
    def name(self) -> str:
        return self.embedder.name

    def encode(self, texts: list[str]) -> Any:
        task = self.progress.add_task(f"embedding {len(texts)} texts ({self.name})", total=len(texts))
        parts = []
        for start in range(0, len(texts), self.batch_size):
            batch = texts[start : start + self.batch_size]
            parts.append(self.embedder.encode(batch))
            self.progress.advance(task, len(batch))
        self.progress.remove_task(task)
        return np.vstack(parts) if parts else self.embedder.encode([])


def _load(
    database_url: str, event_id: int, present_only: bool
) -> tuple[list[Profile], dict[str, tuple[str, str]]]:
    from api.workflows_tables import load_event_people

    profiles, people = load_event_people(database_url, event_id, present_only=present_only)
    return profiles, {str(p.id): (p.name, p.organisation) for p in people}


def compute(
    profiles: Sequence[Profile], k: int, model: str | None, console: Console
) -> list[list[Suggestion]]:
    """Embed (with a progress bar) and suggest: the work both the command and the demo do."""
    settings = get_settings()
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        name = model if model is not None else settings.model
        embedder = Embedder(name, cache_dir=settings.cache_dir)
        return suggest(list(profiles), k, embedder=ProgressEncoder(embedder, progress))


def print_suggestions(
    profiles: Sequence[Profile],
    lists: Sequence[Sequence[Suggestion]],
    names: dict[str, tuple[str, str]],
    console: Console,
    *,
    language: str | None = None,
    limit: int | None = None,
) -> None:
    """One table per participant: partner, organisation, sector, score, reasons."""
    for profile, suggestions in list(zip(profiles, lists, strict=True))[:limit]:
        lang = language or profile.language
        name, org = names.get(profile.id, (profile.id, profile.organisation))
        table = Table(
            title=f"{name} — {org} ({SECTOR_LABELS[profile.sector].label(lang)})", title_justify="left"
        )
        table.add_column("#", justify="right")
        table.add_column("partner")
        table.add_column("score", justify="right")
        table.add_column("why")
        by_id = {p.id: p for p in profiles}
        for rank, s in enumerate(suggestions, start=1):
            target = by_id[s.target_id]
            partner_name, partner_org = names.get(s.target_id, (s.target_id, target.organisation))
            partner = f"{partner_name}\n{partner_org} ({SECTOR_LABELS[target.sector].label(lang)})"
            why = "\n".join(f"• {r.render(lang)}" for r in s.reasons)
            table.add_row(str(rank), partner, f"{s.score:.2f}", why)
        if not suggestions:
            table.add_row("", "(no suggestions: not present, opted out or no one allowed)", "", "")
        console.print(table)


def suggest_command(
    event: Annotated[int, typer.Option("--event", help="Event id.")],
    k: Annotated[int, typer.Option("--k", min=1, help="Suggestions per participant.")] = 5,
    language: Annotated[
        str | None, typer.Option("--language", help="fi, sv or en (default: each participant's own).")
    ] = None,
    present_only: Annotated[
        bool, typer.Option("--present-only", help="Only people checked in (on the day).")
    ] = False,
    model: Annotated[
        str | None,
        typer.Option("--model", help="Embedding model (default: configured); 'hashing' needs none."),
    ] = None,
    limit: Annotated[
        int | None, typer.Option("--limit", min=1, help="Print only the first N participants.")
    ] = None,
    database_url: Annotated[
        str | None, typer.Option("--database-url", help="Database URL (default: configured).")
    ] = None,
) -> None:
    """Print each participant's top partner suggestions with reasons."""
    if language is not None and language not in LANGUAGES:
        raise ValueError(f"--language: {language!r} is not one of fi, sv, en")
    console = Console()
    profiles, names = _load(database_url or get_settings().database_url, event, present_only)
    if len(profiles) < 2:
        raise ValueError(f"--event: event {event} has {len(profiles)} participant(s); at least 2 are needed")
    lists = compute(profiles, k, model, console)
    print_suggestions(profiles, lists, names, console, language=language, limit=limit)
    got = sum(len(x) == k for x in lists)
    console.print(f"{len(profiles)} participants; {got} got {k} suggestions.")


def demo_stage(database_url: str, event_id: int, console: Console) -> None:
    """The demo's suggestion stage: every sample participant's top 3, reasons in their language."""
    profiles, names = _load(database_url, event_id, False)
    lists = compute(profiles, 3, None, console)
    print_suggestions(profiles, lists, names, console)
    cross = np.mean(
        [
            p.sector != next(q for q in profiles if q.id == s.target_id).sector
            for p, x in zip(profiles, lists, strict=True)
            for s in x
        ]
    )
    console.print(f"{len(profiles)} participants, 3 suggestions each; {cross:.0%} across sectors.")


def register(app: typer.Typer) -> None:
    """Add ``kohtaamo suggest`` to the command line."""
    app.command("suggest")(suggest_command)
