"""The OpenAPI 3 document of /api/v1."""
from __future__ import annotations

from typing import Any


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERRORS = {code: {"$ref": f"#/components/responses/{name}"} for code, name in
          (("401", "Unauthorised"), ("403", "Forbidden"), ("404", "NotFound"))}
CASE_ID = {"name": "case_id", "in": "path", "required": True, "schema": {"type": "string"}}
TASK_ID = {"name": "task_id", "in": "path", "required": True, "schema": {"type": "string"}}


def _op(summary: str, op_id: str, ok: dict[str, Any], params=(), body: dict | None = None,
        extra: tuple[str, ...] = (), body_required: bool = True) -> dict[str, Any]:
    op: dict[str, Any] = {"summary": summary, "operationId": op_id, "parameters": list(params),
                          "responses": {**ok, **ERRORS}}
    for code in extra:
        name = {'409': 'Conflict', '422': 'Invalid', '500': 'StepFailed'}[code]
        op["responses"][code] = {"$ref": f"#/components/responses/{name}"}
    if body is not None:
        op["requestBody"] = {"required": body_required, "content": {"application/json": {"schema": body}}}
    return op


def _query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


def document() -> dict[str, Any]:
    data = {"type": "object", "additionalProperties": True}
    return {
        "openapi": "3.0.3",
        "info": {"title": "Reintegration from alternative provision", "version": "1",
                 "description": "Cases and tasks, as the `reintegrate` command line has them. Every call but this "
                                "document needs `Authorization: Bearer <token>` (`reintegrate user token add NAME`, or "
                                "an account's admin page); an expired or revoked token gets 401. A user sees the cases of "
                                "their organisation and does their lane's tasks."},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "paths": {
            "/cases": {"post": _op("Start a case", "startCase", {"201": _json(_ref("Case"), "the case")},
                                   body={"type": "object", "required": ["process", "data"],
                                         "properties": {"process": {"type": "string"}, "data": data}},
                                   extra=("422", "500"))},
            "/cases/{case_id}": {"get": _op("Show a case", "showCase", {"200": _json(_ref("Case"), "the case")},
                                            [CASE_ID])},
            "/cases/{case_id}/messages/{name}": {"post": _op(
                "Deliver a message, such as emergency_review_requested", "sendMessage",
                {"200": _json(_ref("Case"), "the case after the message")},
                [CASE_ID, {"name": "name", "in": "path", "required": True, "schema": {"type": "string"}}],
                body={"type": "object", "properties": {"data": data}}, extra=("409", "422", "500"), body_required=False)},
            "/cases/{case_id}/history": {"get": _op(
                "A case's event log", "caseHistory",
                {"200": _json({"type": "array", "items": _ref("Event")}, "events, oldest first")}, [CASE_ID])},
            "/tasks": {"get": _op("Ready tasks the caller may do", "listTasks",
                                  {"200": _json(_ref("TaskPage"), "one page of tasks, by due date")}, [
                                      _query("scope", {"type": "string", "enum": ["team", "mine"]}, "my lane, or claimed by me"),
                                      _query("overdue", {"type": "boolean"}, "only overdue tasks"),
                                      _query("due_soon", {"type": "boolean"}, "only tasks due in 3 days"),
                                      _query("process", {"type": "string"}, "process key"),
                                      _query("lane", {"type": "string"}, "lane (admins and auditors)"),
                                      _query("order", {"type": "string", "enum": ["due", "-due"]}, "sort by due date"),
                                      _query("page", {"type": "integer", "minimum": 1, "maximum": 1000000}, "page number"),
                                      _query("per_page", {"type": "integer", "minimum": 1, "maximum": 100}, "page size")],
                                  extra=("422",))},
            "/tasks/{task_id}": {"get": _op("One task with its form", "showTask",
                                            {"200": _json(_ref("Task"), "the task")}, [TASK_ID])},
            "/organisations": {"get": _op(
                "The organisations register: what a party field (ap_setting, host_school, home_school, "
                "local_authority) may name, by id or exact name", "listOrganisations",
                {"200": _json({"type": "array", "items": _ref("Organisation")}, "entries, authorities first")},
                [_query("kind", {"type": "string", "enum": ["local_authority", "school", "ap_setting", "provider"]},
                        "only entries of this kind")], extra=("422",))},
            "/incidents": {"get": _op(
                "Steps of cases that failed (`reintegrate incident list`): admins and process owners",
                "listIncidents", {"200": _json({"type": "array", "items": _ref("Incident")}, "newest first")},
                [_query("all", {"type": "boolean"}, "resolved incidents too")], extra=("422",))},
            "/incidents/{incident_id}/retry": {"post": _op(
                "Do the failed step again as first asked (`reintegrate incident retry`); resolves the incident "
                "when it goes through, else 500 and the incident counts it", "retryIncident",
                {"200": _json(_ref("Retried"), "the incident, resolved, and the case after the step")},
                [{"name": "incident_id", "in": "path", "required": True,
                  "schema": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}}], extra=("409", "500"))},
            "/tasks/{task_id}/complete": {"post": _op(
                "Validate and complete a task (a task of kind `manual` is marked as done: its data holds only an "
                "optional `note`)", "completeTask", {"200": _json(_ref("Case"), "the case after it")},
                [TASK_ID], body={"type": "object", "required": ["data"], "properties": {"data": data}},
                extra=("409", "422", "500"))},
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": _schemas(),
            "responses": {name: _json(_ref("Error"), text) for name, text in (
                ("Unauthorised", "no or a wrong API token"), ("Forbidden", "the caller may not do this"),
                ("NotFound", "no such case, task or incident, or not one the caller may see"),
                ("Conflict", "the case changed: the task is done or the case is not waiting for this; or the "
                             "incident is already resolved"),
                ("Invalid", "invalid data; `errors` maps each field id to a message"),
                ("StepFailed", "a step of the case failed (an expression, a handler): nothing was saved; `incident` "
                               "is the incident that records it, `case_id` and `element` where"))},
        },
    }


def _schemas() -> dict[str, Any]:
    s, n = {"type": "string"}, {"type": "string", "nullable": True}
    field = {"type": "object", "properties": {
        "id": s, "label": s, "type": {"type": "string", "enum": ["string", "long", "boolean", "date", "enum"]},
        "required": {"type": "boolean"},
        "options": {"type": "array", "items": {"type": "object", "properties": {"id": s, "name": s}}}}}
    task = {"type": "object", "properties": {
        "task_id": s, "case_id": s, "task": s, "title": s, "lane": n, "due": n,
        "form": {"type": "array", "items": field}, "pupil": n,
        "kind": {"type": "string", "enum": ["user", "manual"]}}}
    return {
        "Task": task,
        "TaskRow": {"type": "object", "properties": {
            "task_id": s, "case_id": s, "task": s, "title": s, "lane": n, "due": n, "process": s, "pupil": n,
            "claimed_by": n, "claimed_at": n, "overdue": {"type": "boolean"}, "due_soon": {"type": "boolean"}}},
        "TaskPage": {"type": "object", "properties": {
            "items": {"type": "array", "items": _ref("TaskRow")},
            "total": {"type": "integer", "description": "tasks matching, counted up to 1,000"},
            "total_capped": {"type": "boolean", "description": "true when more than `total` tasks match"},
            "page": {"type": "integer"}, "per_page": {"type": "integer"}, "pages": {"type": "integer"}}},
        "Case": {"type": "object", "properties": {
            "case_id": s, "process": s, "version": {"type": "integer"},
            "status": {"type": "string", "enum": ["running", "completed", "cancelled", "error"]},
            "data": {"type": "object", "additionalProperties": True},
            "ready_tasks": {"type": "array", "items": task},
            "waiting_timers": {"type": "array", "items": {"type": "object", "properties": {"task": s, "due": s}}},
            "error": n}},
        "Organisation": {"type": "object", "properties": {
            "id": s, "name": s, "kind": {"type": "string", "enum": ["local_authority", "school", "ap_setting", "provider"]},
            "authority": {**n, "description": "the id of the local authority it belongs to"},
            "authority_name": n, "urn": {**n, "description": "its DfE URN, where it has one"}}},
        "Incident": {"type": "object", "properties": {
            "id": {"type": "integer"}, "case_id": s, "process": s, "version": {"type": "integer"},
            "element": s, "title": s, "kind": {**s, "description": "what failed: expression, handler"},
            "action": {**s, "description": "what was being done: start, complete, message, timer, migrate"},
            "task_id": n, "error": s, "actor": s, "created_at": s, "last_at": s, "occurrences": {"type": "integer"},
            "status": {"type": "string", "enum": ["open", "resolved"]}, "resolved_at": n, "resolved_by": n,
            "resolution": n, "done_since": {"type": "object", "nullable": True, "description":
                                            "the task was done since by someone else: a retry resolves it"}}},
        "Retried": {"type": "object", "properties": {
            "incident": _ref("Incident"),
            "case": {"type": "object", "nullable": True, "additionalProperties": True,
                     "description": "the case after the step, as a Case; null when its task was done since"}}},
        "Event": {"type": "object", "additionalProperties": True, "properties": {
            "seq": {"type": "integer"}, "at": s, "actor": s, "kind": s, "element": n}},
        "Error": {"type": "object", "required": ["error", "message", "status"], "properties": {
            "error": s, "message": s, "status": {"type": "integer"},
            "errors": {"type": "object", "additionalProperties": {"type": "string"}},
            "incident": {"type": "integer", "nullable": True}, "case_id": s, "element": s}},
    }
