"""Schemathesis over the /api/v1 OpenAPI document: no generated input may cause a 5xx.

Bounded (a few dozen examples per operation, positive and negative data) so
it runs in seconds, against the WSGI app in-process.
"""

from __future__ import annotations

import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.generation import GenerationMode

from aduan.core.models import Status
from aduan.wsgi import application

EXAMPLES = 15


@pytest.fixture
def keep_connection():
    """Calling the WSGI app directly fires request_finished, which would close the
    test's database connection (and its transaction); Django's test client
    disconnects the same handler for the same reason."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def seeded(city, complaint_in, make_complaint):
    """Complaints in several states, so generated codes sometimes hit real rows."""
    return [
        make_complaint(),
        complaint_in(Status.MENUNGGU_INFO),
        complaint_in(Status.SELESAI),
    ]


def _check(case, response, failures):
    if response.status_code >= 500:
        failures.append(f"{case.method} {case.formatted_path}: {response.status_code} {case!r}")
        return
    if response.status_code >= 400 and response.status_code != 405:
        body = json.loads(response.content)
        assert set(body["error"]) == {"field", "code", "message"}, body


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_input_causes_a_server_error(db, keep_connection, seeded, mode):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 9
    calls = 0
    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case):
            nonlocal calls
            calls += 1
            _check(case, case.call(), failures)

        try:
            run()
        except Exception as exc:  # hypothesis may refuse to generate negative data for a path
            if "Unsatisfiable" not in type(exc).__name__:
                raise
    assert calls > len(operations) * 5
    assert failures == []
