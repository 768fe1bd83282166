"""Schemathesis on ``/api/v1/openapi.json`` (issue 15's standing suite): generated requests, valid
and not, to every operation, each sent as three roles (an OPD's staff, the governor, the
auditor) and anonymously; no answer may be a 5xx, and each must conform to the spec (documented
status, content type, response schema). Bounded: ``MAX_EXAMPLES`` per operation.

Sign-in and sign-out are left out: fuzzing them would lock or revoke the demo accounts the
other operations are called as (the throttle and logout have tests of their own).
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from core.testing import Harness
from tests.api.conftest import PASSWORD

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

MAX_EXAMPLES = 12
ROLES = ("dpppa.staf", "gubernur", "auditor")
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
TRIED: dict[str, int] = {"requests": 0}


@pytest.fixture(scope="module")
def tokens(api_app: Flask) -> dict[str, str]:
    out = {}
    client = api_app.test_client()
    for user in ROLES:
        response = client.post("/api/v1/auth/token", json={"username": user, "password": PASSWORD})
        assert response.status_code == 200, response.json
        out[user] = response.json["access_token"]  # type: ignore[index]
    return out


def test_no_server_error_and_conforming_answers(
    pg: Harness, api_app: Flask, tokens: dict[str, str]
) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", api_app)
    operations = [
        result.ok() for result in schema.exclude(path_regex="^/api/v1/auth/").get_all_operations()
    ]
    assert len(operations) >= 15, [o.label for o in operations]
    failures: list[str] = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case: Any) -> None:
            for user in (*ROLES, None):
                headers = {"Authorization": f"Bearer {tokens[user]}"} if user else {}
                response = case.call(headers=headers)
                TRIED["requests"] += 1
                case.validate_response(response, checks=CHECKS)

        try:
            run()
        except Exception as err:  # collect every operation's failure, then report them all
            failures.append(f"{operation.label}: {err}")
    print(f"schemathesis: {len(operations)} operations, {TRIED['requests']} requests")
    assert failures == [], "\n\n".join(failures)
