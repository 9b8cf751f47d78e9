"""REST API under /api/v1, mirroring the command line; bearer tokens, the web app's access rules,
JSON errors ({"error", "message", "status"}, plus "errors" by field for invalid data)."""
from __future__ import annotations

from flask import Blueprint, g, jsonify, request
from werkzeug.exceptions import HTTPException

from engine import accounts, incidents, organisations, permissions, queries
from engine.errors import Conflict, EngineError, Forbidden, InvalidData, NotFound, StepFailed
from engine.json_input import MAX_DEPTH, json_problem

from .engine_access import runtime
from .openapi import document

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# A step that failed (a handler, an expression) is the server's fault, not the request's: 500, with
# what failed and the incident that records it.
STATUS = {NotFound: 404, Forbidden: 403, Conflict: 409, InvalidData: 422, StepFailed: 500}
MAX_PAGE = queries.MAX_PAGE


def _error(status: int, error: str, message: str, **extra):
    response = jsonify({"error": error, "message": message, "status": status, **extra})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="reintegrate"'
    return response


@bp.before_request
def _authenticate():
    if request.endpoint == "api.openapi":
        return None
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return _error(401, "unauthorised", "send an API token: Authorization: Bearer <token>")
    rt = runtime()
    with rt.sessions() as s:
        user = accounts.user_for_token(s, token.strip(), rt.clock.now())
        g.api_user_id = user.id if user else None
        s.commit()  # when the token was last used
    if g.api_user_id is None:
        return _error(401, "unauthorised", "this API token is not valid, has expired or was revoked")
    return None


def _call(fn, status: int = 200):
    """`fn(engine, user)` in one transaction (run again after a deadlock); engine errors become JSON errors."""
    try:
        result = runtime().transact(lambda eng: fn(eng, eng.reads.user(g.api_user_id)))
    except InvalidData as exc:
        return _error(422, "invalid_data", str(exc), errors=exc.errors)
    except StepFailed as exc:
        return _error(500, type(exc).__name__.lower(), f"{exc}; nothing was saved", incident=exc.incident_id,
                      case_id=exc.case_id, element=exc.element)
    except EngineError as exc:
        status_code = next((code for kind, code in STATUS.items() if isinstance(exc, kind)), 400)
        return _error(status_code, type(exc).__name__.lower(), str(exc))
    return jsonify(result), status


@bp.errorhandler(HTTPException)
def _http_error(exc: HTTPException):
    """Werkzeug's errors inside the API (413 too large, 400 ...) in the API's JSON shape, not as HTML."""
    return _error(exc.code or 500, (exc.name or "error").lower().replace(" ", "_"), exc.description or "")


def _body(optional: bool = False) -> dict:
    """The request's JSON object; with `optional`, an empty body is {} (but a broken one is refused)."""
    if optional and not request.get_data(cache=True):
        return {}
    try:
        body = request.get_json(silent=True)
    except RecursionError:  # the JSON parser's own stack: nesting thousands deep
        raise InvalidData({"_": f"the request body is nested too deeply (at most {MAX_DEPTH} levels)"}) from None
    if not isinstance(body, dict):
        raise InvalidData({"_": "the request body must be a JSON object, sent as application/json"})
    problem = json_problem(body)
    if problem:
        raise InvalidData({"_": f"the request body is {problem}" if problem.startswith("nested")
                           else f"the request body's {problem}"})
    return body


@bp.get("/openapi.json")
def openapi():
    return jsonify(document())


@bp.post("/cases")
def start_case():
    def start(eng, user):
        body = _body()
        return eng.start_case(str(body.get("process", "")), body.get("data", {}), user.name)
    return _call(start, 201)


@bp.get("/cases/<case_id>")
def show_case(case_id: str):
    def show(eng, user):
        eng.reads.require_case(user, case_id)
        return eng.show_case(case_id, viewer=user.name)
    return _call(show)


@bp.post("/cases/<case_id>/messages/<name>")
def send_message(case_id: str, name: str):
    def send(eng, user):
        eng.reads.require_case(user, case_id)
        return eng.send_message(case_id, name, _body(optional=True).get("data", {}), user.name)
    return _call(send)


@bp.get("/cases/<case_id>/history")
def history(case_id: str):
    def read(eng, user):
        eng.reads.require_case(user, case_id)
        return eng.history(case_id, viewer=user.name)
    return _call(read)


def _task_filter(args) -> queries.TaskFilter:
    """The task list's query parameters, as the OpenAPI document declares them; anything else is 422."""
    errors: dict[str, str] = {}

    def choice(name: str, options: tuple[str, ...], default: str) -> str:
        value = args.get(name, default)
        if value not in options:
            errors[name] = f"must be one of {', '.join(options)}"
        return value

    def number(name: str, default: int, top: int | None = None) -> int:
        value = args.get(name)
        if value is None:
            return default
        if not (value.isascii() and value.isdigit()) or int(value) < 1 or (top is not None and int(value) > top):
            errors[name] = f"must be a whole number from 1{f' to {top}' if top else ''}"
            return default
        return int(value)

    filters = queries.TaskFilter(
        scope=choice("scope", ("team", "mine"), "team"), overdue=choice("overdue", ("true", "false"), "false") == "true",
        due_soon=choice("due_soon", ("true", "false"), "false") == "true",
        process=args.get("process") or None, lane=args.get("lane") or None, order=choice("order", ("due", "-due"), "due"),
        page=number("page", 1, MAX_PAGE), per_page=number("per_page", queries.PAGE_SIZE, queries.MAX_PAGE_SIZE))
    if errors:
        raise InvalidData(errors, "query parameters")
    return filters


@bp.get("/tasks")
def list_tasks():
    today = runtime().clock.now().date()
    return _call(lambda eng, user: eng.task_page(user, _task_filter(request.args), today).to_json())


@bp.get("/organisations")
def list_organisations():
    kind = request.args.get("kind") or None

    def read(eng, _user):
        if kind is not None and kind not in organisations.KINDS:
            raise InvalidData({"kind": f"must be one of {', '.join(organisations.KINDS)}"}, "query parameters")
        return eng.reads.organisations(kind)
    return _call(read)


@bp.get("/tasks/<task_id>")
def show_task(task_id: str):
    def show(eng, user):
        eng.reads.task_or_done(user, task_id)  # 404 for a task on a case this account may not read
        return eng.show_task(task_id, viewer=user.name)
    return _call(show)


@bp.post("/tasks/<task_id>/complete")
def complete_task(task_id: str):
    def complete(eng, user):
        data = _body().get("data", {})
        row, done = eng.reads.task_or_done(user, task_id)
        if row is None and done is None:
            raise NotFound(f"no task {task_id!r}")
        return eng.complete_task(task_id, data, user.name)
    return _call(complete)


#: Incident ids as the table's integer key holds them; anything else is no incident.
MAX_ID = 2**31 - 1


@bp.get("/incidents")
def list_incidents():
    """`reintegrate incident list [--all]`: open incidents, with `all=true` resolved ones too."""
    def read(eng, user):
        show_all = request.args.get("all", "false")
        if show_all not in ("true", "false"):
            raise InvalidData({"all": "must be true or false"}, "query parameters")
        return eng.reads.incidents(user.name, include_resolved=show_all == "true")
    return _call(read)


@bp.post("/incidents/<incident_id>/retry")
def retry_incident(incident_id: str):
    """`reintegrate incident retry ID`: the failed step again; 500 with the incident if it fails again."""
    def retry(eng, user):
        number = int(incident_id) if incident_id.isascii() and incident_id.isdigit() else 0
        if not 1 <= number <= MAX_ID:
            permissions.require_may(user, permissions.INCIDENTS)  # 403 before 404, as for a real id
            raise NotFound(f"no incident {incident_id[:30]!r}")
        return incidents.retry(eng, number, user.name)
    return _call(retry)
