"""What an import did, counted per kind of row.

Example:
    >>> ImportResult(event_id=1, rows_read=2, rows_imported=2, people_created=2).summary().split(":")[0]
    '2/2 rows imported'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from models.imports.rows import RowProblem


@dataclass
class ImportResult:
    """What an import did. ``*_unchanged`` counts rows already stored exactly as given."""

    event_id: int
    rows_read: int = 0
    rows_imported: int = 0
    organisations_created: int = 0
    organisations_updated: int = 0
    organisations_unchanged: int = 0
    people_created: int = 0
    people_updated: int = 0
    people_unchanged: int = 0
    registrations_created: int = 0
    registrations_updated: int = 0
    duplicates: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    rejected: list[RowProblem] = field(default_factory=list)
    rejected_path: Path | None = None

    def summary(self) -> str:
        """One line for people: what was created, updated and rejected."""
        text = (
            f"{self.rows_imported}/{self.rows_read} rows imported: people {self.people_created} new, "
            f"{self.people_updated} updated, {self.people_unchanged} unchanged; organisations "
            f"{self.organisations_created} new, {self.organisations_updated} updated, "
            f"{self.organisations_unchanged} unchanged; registrations {self.registrations_created} new"
        )
        if self.rejected:
            rows = len({p.row for p in self.rejected})
            text += f"; {rows} rows rejected" + (f" (see {self.rejected_path})" if self.rejected_path else "")
        return text
