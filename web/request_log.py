"""One JSON log line per request, and a request id that ties it to what the person saw.

Each request gets an id (the proxy's `X-Request-ID` if it is a plain token, else a new one), sent back
in the `X-Request-ID` header and shown on error pages, so that a person can quote it and an operator
find the line. The line holds the route's pattern (`/cases/<case_id>`), the case id if the route has
one, the method, status and duration: no query string, no user name, no address.
"""
from __future__ import annotations

import logging
import re
import time
import uuid

from flask import Flask, g, jsonify, render_template, request

log = logging.getLogger("reintegrate.request")
_SANE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def request_id() -> str:
    return g.get("request_id", "")


def install(app: Flask) -> None:
    app.jinja_env.globals["request_id"] = request_id
    log.setLevel(logging.INFO)  # a line per request whatever the root level

    @app.before_request
    def _start():
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if _SANE_ID.match(incoming) else uuid.uuid4().hex[:16]
        g.request_started = time.perf_counter()

    @app.after_request
    def _log(response):
        response.headers["X-Request-ID"] = request_id()
        view_args = request.view_args or {}
        fields = {"event": "request", "request_id": request_id(), "method": request.method,
                  "route": request.url_rule.rule if request.url_rule else None, "status": response.status_code,
                  "duration_ms": round((time.perf_counter() - g.get("request_started", time.perf_counter())) * 1000, 1)}
        if "case_id" in view_args:
            fields["case_id"] = view_args["case_id"]
        log.info("%s %s %s", request.method, fields["route"] or "(no route)", response.status_code,
                 extra={"fields": fields})
        return response

    @app.errorhandler(500)
    def _internal_error(exc):
        original = getattr(exc, "original_exception", None) or exc
        log.error("unhandled %s on %s", type(original).__name__, request.url_rule.rule if request.url_rule else "?",
                  exc_info=(type(original), original, original.__traceback__),
                  extra={"fields": {"event": "error", "request_id": request_id()}})
        message = ("Something went wrong and nothing was saved. Try again later; if it keeps happening, give "
                   "the service desk the reference below.")
        if request.path.startswith("/api/"):
            return jsonify({"error": "Internal server error", "message": message, "status": 500,
                            "request_id": request_id()}), 500
        return render_template("error.html", code=500, title="Sorry, there is a problem with the service",
                               message=message), 500
