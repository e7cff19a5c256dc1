"""Shapes every part of the API shares: a page of a list, the health check.

Example:
    >>> Page[int](items=[1, 2], total=7, offset=0, limit=2).total
    7
"""

from __future__ import annotations

from typing import Generic, Literal, TypeVar

from pydantic import BaseModel, Field

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """One page of a list: ``items``, the ``total`` matching, and where the page starts."""

    items: list[T]
    total: int = Field(examples=[134])
    offset: int = Field(examples=[0])
    limit: int = Field(examples=[50])


class Health(BaseModel):
    """Liveness and database reachability."""

    status: Literal["ok"] = "ok"
    database: Literal["ok"] = "ok"
