"""The errors workflows raise; the HTTP app and the CLI each turn them into their own answer.

Example:
    >>> str(FieldError("rounds", "must be at least 1"))
    'rounds: must be at least 1'
"""

from __future__ import annotations

from typing import Any


class NotFoundError(LookupError):
    """The resource does not exist, or the caller may not know that it does (HTTP 404)."""


class ConflictError(Exception):
    """The request clashes with the current state (HTTP 409), e.g. a duplicate e-mail."""


class FieldError(ValueError):
    """A request field or option has a value the service refuses (HTTP 422 naming the field)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


class ProblemsError(ValueError):
    """The input was refused as a whole; ``problems`` lists every problem found, each a
    validation-error entry (``loc``, ``field``, ``msg``, ``type``, and for files ``row``)."""

    def __init__(self, message: str, problems: list[dict[str, Any]]) -> None:
        super().__init__(message)
        self.problems = problems
