"""One router per resource; :data:`ROUTERS` is what ``api.app`` mounts, in document order."""

from __future__ import annotations

from fastapi import APIRouter

from api.routes import (
    events,
    feedback,
    health,
    imports,
    jobs,
    mailings,
    meeting_requests,
    meetings,
    organisations,
    organisers,
    participant,
    people,
    printouts,
    profile_quality,
    registrations,
    reports,
    schedules,
    seating,
    suggestions,
    table_plans,
    tours,
)

ROUTERS: tuple[APIRouter, ...] = (
    health.router,
    organisers.router,
    events.router,
    organisations.router,
    people.router,
    registrations.router,
    imports.router,
    suggestions.router,
    feedback.router,
    seating.router,
    table_plans.router,
    meetings.router,
    meeting_requests.router,
    printouts.router,
    schedules.router,
    mailings.router,
    jobs.router,
    participant.router,
    tours.router,
    reports.router,
    profile_quality.router,
)
