"""Event-day marks beside a registration: when someone checked out, and no-shows.

Example:
    >>> Attendance(registration_id=1).no_show
    False
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from models.types import UTCDateTime, utc_now


class Attendance(SQLModel, table=True):
    """Event-day marks the registration table does not carry: check-out time and no-show.

    One row per registration, created on the first mark. A person is present while
    checked in (``registration.checked_in_at``) and not checked out.
    """

    registration_id: int = Field(foreign_key="registration.id", primary_key=True, ondelete="CASCADE")
    checked_out_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    no_show: bool = Field(default=False)
    updated_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)
