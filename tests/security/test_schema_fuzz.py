"""The API against its own OpenAPI schema, by property-based testing (schemathesis): for
every operation, generated requests of a school's director and of nobody, through the WSGI
application inside the test's transaction. A response fails on a server error, on a body
that breaks the schema, or when the request without credentials is accepted.

The example count per operation is bounded (HOUQIN_FUZZ_EXAMPLES, 4 by default) so that
the whole schema fits in CI's time; raise it locally to dig deeper."""

import os

import pytest
import schemathesis
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import ignored_auth, response_schema_conformance

from houqin.core import tokens
from houqin.core.choices import Role
from houqin.wsgi import application

# The coverage phase (boundary values of every parameter) alone takes seconds an operation;
# the fuzzing phase with a few examples reaches every operation in CI's time.
CONFIG = SchemathesisConfig.from_dict({"phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}}})
schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True), config=CONFIG)
schema.app = application
CHECKS = [not_a_server_error, response_schema_conformance, ignored_auth]
EXAMPLES = int(os.environ.get("HOUQIN_FUZZ_EXAMPLES", "4"))

pytestmark = pytest.mark.django_db


@pytest.fixture
def director_token(world):
    return tokens.issue(world.user(Role.DIRECTOR))


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_every_operation_keeps_to_its_schema(case, director_token, world):
    case.call_and_validate(headers={"Authorization": f"Token {director_token}", "X-School": "schoola"},
                           checks=CHECKS)
