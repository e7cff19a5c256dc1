"""Property-based fuzzing of the whole OpenAPI document (schemathesis): no request body,
header or query makes the server answer 500, and responses match the documented schemas.
Bounded: a few examples per operation, as an organiser (or a participant on ``/me``)."""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from api.app import create_app
from api.settings import Settings
from tests.test_api_access import World, world  # noqa: F401  (the fixture)

# The document does not depend on the database; the calls go to the fixture's running app.
schema = schemathesis.openapi.from_dict(create_app(Settings(database_url="sqlite://")).openapi())


@schema.parametrize()
@settings(max_examples=2, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_no_request_makes_a_server_error(case: Any, world: World) -> None:  # noqa: F811
    world.api.app.state.jobs.paused = True  # jobs are queued, not run: fuzzing checks the requests
    token = world.participant if case.path.startswith("/me") else world.a
    response = case.call(app=world.api.app, headers=world.api.auth(token))
    case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])
