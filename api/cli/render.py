"""What the terminal shows: progress bars, suggestion tables, the sector mix of a table plan.

Only the command line imports this module (and rich); the HTTP server never does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from api.cli.base import err_console
from api.schemas import SuggestionList
from api.workflows.plan_rows import TableMix
from matcher import TextEncoder
from matcher.taxonomy import SECTOR_LABELS


@contextmanager
def stage_progress() -> Iterator[Callable[[str, int, int], None]]:
    """A ``progress(stage, done, total)`` callable drawing one bar per stage on stderr."""
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err_console, transient=True, disable=not err_console.is_terminal) as bar:
        tasks: dict[str, TaskID] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        yield progress


def spinner(console: Console) -> Progress:
    """A transient spinner with a bar and the time elapsed, for long steps."""
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )


class ProgressEncoder:
    """Wraps an encoder so that encoding advances a progress bar, batch by batch."""

    def __init__(self, encoder: TextEncoder, progress: Progress, batch_size: int = 64):
        self.encoder = encoder
        self.progress = progress
        self.batch_size = batch_size
        self.english = getattr(encoder, "english", None)  # passed on: see api.workflows.scoring

    @property
    def name(self) -> str:
        return self.encoder.name

    @property
    def dimension(self) -> int:
        return self.encoder.dimension

    def encode(self, texts: list[str]) -> Any:
        task = self.progress.add_task(f"embedding {len(texts)} texts ({self.name})", total=len(texts))
        parts = []
        for start in range(0, len(texts), self.batch_size):
            batch = texts[start : start + self.batch_size]
            parts.append(self.encoder.encode(batch))
            self.progress.advance(task, len(batch))
        self.progress.remove_task(task)
        return np.vstack(parts) if parts else self.encoder.encode([])


@dataclass(frozen=True)
class Participant:
    """The heading of one participant's suggestions."""

    name: str
    organisation: str
    sector: str


def print_suggestions(
    people: Sequence[Participant], lists: Sequence[SuggestionList], console: Console
) -> None:
    """One table per participant: partner, organisation, sector, score, reasons (in each
    list's language)."""
    for person, found in zip(people, lists, strict=True):
        lang = found.language
        table = Table(
            title=f"{person.name} — {person.organisation} ({SECTOR_LABELS[person.sector].label(lang)})",
            title_justify="left",
        )
        table.add_column("#", justify="right")
        table.add_column("partner")
        table.add_column("score", justify="right")
        table.add_column("why")
        for s in found.suggestions:
            sector = SECTOR_LABELS[s.sector].label(lang) if s.sector else ""
            partner = f"{s.name}\n{s.organisation or ''} ({sector})"
            table.add_row(str(s.rank), partner, f"{s.score:.2f}", "\n".join(f"• {r}" for r in s.reasons))
        if not found.suggestions:
            table.add_row("", "(no suggestions: not present, opted out or no one allowed)", "", "")
        console.print(table)


def print_table_summary(mix: TableMix, console: Console, *, title: str = "Sectors per table") -> None:
    """A round x table grid of sector counts, then the mix, repeat and score totals."""
    n_tables = max((len(r) for r in mix.sectors), default=0)
    grid = Table(title=title)
    grid.add_column("round")
    for t in range(n_tables):
        grid.add_column(f"T{t + 1}", justify="right")
    for r, row in enumerate(mix.sectors):
        grid.add_row(str(r + 1), *(str(len(c)) for c in row))
    console.print(grid)
    console.print(
        f"Cross-sector mix: {mix.mixed}/{mix.cells} tables seat two or more sectors; "
        f"{mix.dominated} have one sector above half the table. "
        f"Repeat encounters: {mix.repeats}. Score: {mix.score:.3f}."
    )
