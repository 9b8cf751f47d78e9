"""Schemathesis against /api/v1/openapi.json, in-process on the WSGI app over the demo data: for every
operation, data that fits the schema and data that does not, sent with a valid bearer token. No
response may be a server error, and every response must match the document (status code declared,
JSON content type, body valid against its schema); data outside the schema must be refused (4xx)."""
from __future__ import annotations

from collections import Counter

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = 15  # per operation and mode


def _run(operation, mode: GenerationMode, seen: Counter, examples: int = EXAMPLES, **fixed) -> None:
    checks = CHECKS + ([negative_data_rejection] if mode is GenerationMode.NEGATIVE else [])

    @settings(max_examples=examples, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode, **fixed))
    def run(case):
        response = case.call_and_validate(checks=checks)
        seen[(operation.label, response.status_code)] += 1

    run()


def _schema(web_app, token: str):
    config = schemathesis.Config.from_dict({
        # Schemathesis sends the token itself, so that its negative cases may also leave it out or spoil it
        "auth": {"openapi": {"bearer": {"bearer": token}}},
        # OpenAPI does not forbid query parameters it does not name, and the API ignores them
        "generation": {"allow-extra-parameters": False},
    })
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", web_app, config=config)
    return {op.label: op for op in (result.ok() for result in schema.get_all_operations())}


def test_the_api_matches_its_openapi_document_and_never_fails(web_app, web_world):
    seen: Counter = Counter()
    modes = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    # lee.la (la_admissions) writes and sees the LA's cases: every operation with random ids ...
    operations = _schema(web_app, web_world.tokens["lee.la"])
    assert len(operations) == 10
    for operation in operations.values():
        for mode in modes:
            _run(operation, mode, seen)
    # ... and with the ids of a real case and a real task of theirs, so that bodies reach the engine
    case_id = web_world.placement
    task_id = web_world.task_id(web_world.case_with("record_fair_access_decision"), "record_fair_access_decision")
    # an emergency review asked for on it first (with the reason a request needs): the messages sent below reach
    # the engine, which refuses them as not awaited now (409) whatever data the schema lets through
    with web_world.runtime.engine() as eng:
        eng.send_message(case_id, "emergency_review_requested", {"reason": "A fight at lunchtime"}, "lee.la")
    for label, path in (("GET /cases/{case_id}", {"case_id": case_id}),
                        ("GET /cases/{case_id}/history", {"case_id": case_id}),
                        ("POST /cases/{case_id}/messages/{name}", {"case_id": case_id,
                                                                   "name": "emergency_review_requested"}),
                        ("GET /tasks/{task_id}", {"task_id": task_id}),
                        ("POST /tasks/{task_id}/complete", {"task_id": task_id})):
        for mode in modes:
            _run(operations[label], mode, seen, path_parameters=path)
    # the auditor reads everything and writes nothing
    auditor = _schema(web_app, web_world.tokens["aud.auditor"])
    for operation in auditor.values():
        _run(operation, GenerationMode.POSITIVE, seen, examples=EXAMPLES // 2)
    # ... and is refused (403) on the real case and task it can read, not merely unable to find them
    for label, path in (("POST /cases/{case_id}/messages/{name}", {"case_id": case_id,
                                                                   "name": "emergency_review_requested"}),
                        ("POST /tasks/{task_id}/complete", {"task_id": task_id})):
        _run(auditor[label], GenerationMode.POSITIVE, seen, path_parameters=path)

    # an admin lists incidents (none in the demo) and retries ids that are none
    admin = _schema(web_app, web_world.tokens["ada.admin"])
    for label in ("GET /incidents", "POST /incidents/{incident_id}/retry"):
        for mode in modes:
            _run(admin[label], mode, seen)

    statuses = {status for _, status in seen}
    # the token was sent and accepted, left out or spoiled in negative cases, and writes reached the engine
    assert {200, 401, 403, 404, 409, 422} <= statuses, sorted(seen.items())
    assert seen[("GET /cases/{case_id}/history", 200)] and seen[("POST /tasks/{task_id}/complete", 422)]
    assert seen[("GET /incidents", 200)] and seen[("GET /incidents", 403)]
    assert seen[("POST /incidents/{incident_id}/retry", 404)] and seen[("POST /incidents/{incident_id}/retry", 403)]
