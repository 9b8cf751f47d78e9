"""Security headers with a per-request CSP nonce, and error pages."""
from __future__ import annotations

import secrets

from flask import Flask, g, jsonify, render_template, request
from flask_wtf.csrf import CSRFError

from engine.errors import StepFailed

_HTML_ERRORS = {400: "Bad request", 403: "You cannot do this", 404: "Page not found", 405: "Not allowed",
                409: "Already done", 429: "Too many attempts"}


#: GOV.UK's "page not found" words: a page never shows the engine's own ("no case 'R-D987058C'").
NOT_FOUND = ("If you typed the web address, check it is correct. If you pasted the web address, check you copied "
             "the entire address. If you followed a link to a case or a task, the case may have been closed, or "
             "your account may not be able to see it.")


def for_people(code: int, description: str) -> str:
    """What an error page says: the view's own sentence for people (one that starts with a capital
    letter), else, for a page not found, GOV.UK's words; never an engine message with an id in quotes."""
    text = (description or "").strip()
    if code == 404 and not (text[:1].isupper() and "'" not in text):
        return NOT_FOUND
    return text


def nonce() -> str:
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def content_security_policy(script_nonce: str) -> str:
    # GOV.UK Frontend needs one inline script (the js-enabled class), allowed by its nonce; bpmn-js
    # sets style attributes on the SVG it draws, hence style-src-attr.
    return "; ".join([
        "default-src 'self'", f"script-src 'self' 'nonce-{script_nonce}'", "style-src 'self'",
        "style-src-attr 'unsafe-inline'", "img-src 'self' data:", "font-src 'self'", "connect-src 'self'",
        "object-src 'none'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'",
    ])


def install(app: Flask) -> None:
    app.jinja_env.globals["csp_nonce"] = nonce

    @app.after_request
    def _headers(response):
        h = response.headers
        h.setdefault("Content-Security-Policy", content_security_policy(nonce()))
        h.setdefault("X-Content-Type-Options", "nosniff")
        h.setdefault("X-Frame-Options", "DENY")
        h.setdefault("Referrer-Policy", "same-origin")
        h.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
        h.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if app.config["SESSION_COOKIE_SECURE"]:
            h.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if not request.path.startswith(("/assets/", "/static/", "/vendor/")):
            h.setdefault("Cache-Control", "no-store")  # pages hold pupils' personal data
        return response

    def _error(code: int, description: str):
        if request.path.startswith("/api/"):
            return jsonify({"error": _HTML_ERRORS.get(code, "Error"), "message": description, "status": code}), code
        return render_template("error.html", code=code, title=_HTML_ERRORS.get(code, "Error"),
                               message=for_people(code, description)), code

    @app.errorhandler(CSRFError)
    def _csrf(exc):
        return _error(400, "The form had expired or was not sent from this service. Go back, reload it and try again.")

    @app.errorhandler(StepFailed)
    def _step_failed(exc):  # a page other than the task form (which keeps the answers itself)
        from .engine_access import failure_for_people

        return _error(500, failure_for_people(exc))

    for code in _HTML_ERRORS:
        app.register_error_handler(code, lambda exc, code=code: _error(code, getattr(exc, "description", "")))
