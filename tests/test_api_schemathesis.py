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
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
)

from api.app import create_app
from api.settings import Settings
from tests.test_api_access import World, pg_template, sqlite_template, world, world_url  # noqa: F401  (fixtures)

EXAMPLES = 25
"""Generated requests per operation and database (about 50 operations, so 2,500 calls in all)."""

# Not checked yet, both found by this run with 10 examples per operation (2026-12-02) and left to
# the API's owner: status_code_conformance (400, 404 and 409 answers that the document does not
# list, on about 9 operations) and negative_data_rejection (pydantic's lax mode accepts 0 for
# false, false for 0 and 0 for the date 1970-01-01, on about 8 operations).
CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    content_type_conformance,
    response_headers_conformance,
]

# The document does not depend on the database; the calls go to the fixture's running app.
schema = schemathesis.openapi.from_dict(create_app(Settings(database_url="sqlite://")).openapi())


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True)
def test_no_request_makes_a_server_error(case: Any, world: World) -> None:  # noqa: F811
    world.api.app.state.jobs.paused = True  # jobs are queued, not run: fuzzing checks the requests
    token = world.participant if case.path.startswith("/me") else world.a
    # 60 s, not schemathesis' 10 s default: on a loaded 2-core machine one call took longer (a ReadTimeout).
    response = case.call(app=world.api.app, headers=world.api.auth(token), timeout=60)
    case.validate_response(response, checks=CHECKS)
