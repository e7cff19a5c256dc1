"""Suggested partners and the feedback aggregate."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field


class SuggestionsCompute(BaseModel):
    """Parameters of a suggestions run."""

    k: int = Field(default=5, ge=1, le=20, description="Suggestions per participant.")
    mode: Literal["auto", "registered", "present"] = Field(
        default="auto",
        description="registered: everyone registered (before the event); present: checked-in people only, "
        "excluding pairs who already met; auto: present when the event is live, else registered.",
    )


class ContactDetails(BaseModel):
    """How to reach a suggested partner: shown only if they consented."""

    email: str
    role: str


class SuggestedPartner(BaseModel):
    """One suggested partner with the reasons, in the reader's language."""

    rank: int = Field(examples=[1])
    person_id: int = Field(examples=[42])
    name: str = Field(examples=["Pekka Virtanen"])
    organisation: str | None = Field(examples=["Pirkanmaan hyvinvointialue"])
    sector: str | None = Field(examples=["public"])
    score: float = Field(examples=[0.71])
    reasons: list[str] = Field(examples=[["He tarjoavat 'kotihoidon yöpartiointi', jota etsitte"]])
    contact: ContactDetails | None = Field(description="Present only if the partner agreed to share it.")


class SuggestionList(BaseModel):
    """One participant's suggested partners at one event."""

    event_id: int
    person_id: int
    language: Literal["fi", "sv", "en"]
    computed_at: dt.datetime | None
    suggestions: list[SuggestedPartner]


class FeedbackSummary(BaseModel):
    """An event's feedback in aggregate (no individual answers)."""

    event_id: int
    responses: int = Field(description="Feedback rows (one per participant and partner).")
    respondents: int
    met: int
    met_share: float | None = Field(description="Share of answers where the pair met.")
    mean_usefulness: float | None = Field(description="1 to 4, over rated meetings.", examples=[3.3])
    cooperation_agreed: int
    cooperation_types: dict[str, int] = Field(examples=[{"joint_project": 4, "subcontracting": 2}])
    suggestions_stored: int
