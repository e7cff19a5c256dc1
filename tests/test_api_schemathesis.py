"""Property-based fuzzing of the whole OpenAPI document (schemathesis): no request body,
header or query makes the server answer 500, and responses match the documented schemas.

Runs on each database kind (the ``world`` fixture: SQLite, then PostgreSQL), as an organiser
(or a participant on ``/me``), with :data:`EXAMPLES` generated requests per operation and
Hypothesis' health checks on."""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from api.app import create_app
from api.settings import Settings
from tests.test_api_access import World, pg_template, sqlite_template, world, world_url  # noqa: F401  (fixtures)

EXAMPLES = 25
"""Generated requests per operation and database (about 50 operations, so 2,500 calls in all)."""

# The document does not depend on the database; the calls go to the fixture's running app.
schema = schemathesis.openapi.from_dict(create_app(Settings(database_url="sqlite://")).openapi())


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True)
def test_no_request_makes_a_server_error(case: Any, world: World) -> None:  # noqa: F811
    world.api.app.state.jobs.paused = True  # jobs are queued, not run: fuzzing checks the requests
    token = world.participant if case.path.startswith("/me") else world.a
    response = case.call(app=world.api.app, headers=world.api.auth(token))
    case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])
