"""What a printout shows, as plain data: an event's tables per round, each table's card, and
each participant's slip. Built from the database by :mod:`api.printing.gather`, drawn by the
templates (:mod:`api.printing.pdf`); rounds and tables are numbered from 1.

Example:
    >>> m = Member(person_id=1, name="Maija", organisation="Hoiva Oy", sector="private")
    >>> table = PrintTable(round=1, number=3, members=(m,), starters=("Kertokaa...",))
    >>> table.sectors
    ('private',)
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class PrintWhat(StrEnum):
    """Which printout: the table lists, the table cards, the participants' slips, or all three."""

    TABLES = "tables"
    CARDS = "cards"
    SLIPS = "slips"
    ALL = "all"

    @property
    def parts(self) -> tuple[PrintWhat, ...]:
        """The printouts this one holds, in print order."""
        if self is PrintWhat.ALL:
            return (PrintWhat.TABLES, PrintWhat.CARDS, PrintWhat.SLIPS)
        return (self,)


@dataclass(frozen=True)
class Member:
    """A person as printed: name, organisation's name, sector code, and their role at this
    table: ``host`` (pinned here for every round), ``facilitator`` (one spread to each table)."""

    person_id: int
    name: str
    organisation: str
    sector: str
    host: bool = False
    facilitator: bool = False


@dataclass(frozen=True)
class PrintTable:
    """One table in one round: who sits there and what they might talk about."""

    round: int
    number: int
    members: tuple[Member, ...]
    starters: tuple[str, ...] = ()

    @property
    def sectors(self) -> tuple[str, ...]:
        """The sectors seated here, each once, in order of first appearance among the members."""
        return tuple(dict.fromkeys(m.sector for m in self.members))


@dataclass(frozen=True)
class SlipMeeting:
    """One round of a participant's 1:1 meetings: the meeting table and the partners
    (``"Name, Organisation"``), or a bye (``table`` None)."""

    round: int
    table: int | None
    partners: tuple[str, ...] = ()


@dataclass(frozen=True)
class Slip:
    """A participant's slip: their table in every round (None: no seat that round), their
    meetings from the newest meeting plan, and their personal page link with its QR code;
    ``host_table`` is the table a host keeps in every round, ``facilitator`` whether they
    facilitate their table."""

    member: Member
    seats: tuple[tuple[int, int | None], ...]
    meetings: tuple[SlipMeeting, ...]
    link: str
    qr_svg: str
    host_table: int | None = None
    facilitator: bool = False


@dataclass(frozen=True)
class Printout:
    """Everything the printouts of one table plan show, in one language."""

    event_name: str
    event_date: str
    lang: str
    plan_id: int
    rounds: tuple[tuple[PrintTable, ...], ...]
    slips: tuple[Slip, ...] = ()
    meeting_plan_id: int | None = None
