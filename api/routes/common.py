"""Query parameters shared by the list routes: pagination and taxonomy filters.

Filters are enums built from :mod:`matcher.taxonomy`, so the OpenAPI document lists the
valid codes and a wrong one is a 422 naming the parameter.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any

from fastapi import Depends, Path, Query
from pydantic import BaseModel, Field

from matcher.taxonomy import REGIONS, SECTORS, THEMES

MAX_ID = 2**31 - 1

SectorCode = StrEnum("SectorCode", {code: code for code in SECTORS})  # type: ignore[misc]
RegionCode = StrEnum("RegionCode", {code: code for code in REGIONS})  # type: ignore[misc]
ThemeCode = StrEnum("ThemeCode", {code: code for code in THEMES})  # type: ignore[misc]

IdPath = Annotated[int, Path(ge=1, le=MAX_ID)]


@dataclass(frozen=True)
class Pagination:
    """``offset`` and ``limit`` of a list request."""

    offset: int
    limit: int


def pagination(
    offset: Annotated[int, Query(ge=0, le=10_000_000, description="Items to skip.")] = 0,
    limit: Annotated[int, Query(ge=1, le=500, description="Items per page (at most 500).")] = 50,
) -> Pagination:
    """The page asked for."""
    return Pagination(offset=offset, limit=limit)


PageDep = Annotated[Pagination, Depends(pagination)]


@dataclass(frozen=True)
class TaxonomyFilter:
    """Optional sector, region and theme filters (codes of the taxonomy)."""

    sector: str | None
    region: str | None
    theme: str | None


def taxonomy_filter(
    sector: Annotated[SectorCode | None, Query(description="Organisation sector code.")] = None,
    region: Annotated[RegionCode | None, Query(description="Region (maakunta) code.")] = None,
    theme: Annotated[ThemeCode | None, Query(description="Theme code.")] = None,
) -> TaxonomyFilter:
    """The taxonomy filters given (as plain strings)."""
    return TaxonomyFilter(
        sector=sector.value if sector else None,
        region=region.value if region else None,
        theme=theme.value if theme else None,
    )


FilterDep = Annotated[TaxonomyFilter, Depends(taxonomy_filter)]


class Problem(BaseModel):
    """An error that is not a validation error."""

    detail: str = Field(examples=["event not found"])


UNAUTHORISED: dict[int | str, dict[str, Any]] = {
    401: {"model": Problem, "description": "No token, or not a valid one (`WWW-Authenticate: Bearer`)."}
}
SCOPED: dict[int | str, dict[str, Any]] = {
    **UNAUTHORISED,
    404: {
        "model": Problem,
        "description": "Not found, or not yours: the same answer, so existence is not revealed.",
    },
}
ADMIN_ONLY: dict[int | str, dict[str, Any]] = {
    **UNAUTHORISED,
    403: {"model": Problem, "description": "Only an admin may do this."},
}
