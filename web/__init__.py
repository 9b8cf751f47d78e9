"""The web app: `create_app(config)` builds it; views parse, call the engine facade and render."""
from __future__ import annotations

from typing import Any

from flask import Flask

from engine.wiring import Runtime


def create_app(runtime: Runtime, config: dict[str, Any] | None = None) -> Flask:
    """An app on `runtime` (database, clock, policy, handlers), with optional Flask config."""
    app = Flask(__name__)
    app.config.update(SECRET_KEY=None, **(config or {}))
    app.extensions["runtime"] = runtime

    from . import cases, mail, tasks

    app.register_blueprint(tasks.bp)
    app.register_blueprint(cases.bp)
    app.register_blueprint(mail.bp)

    @app.after_request
    def _headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Content-Security-Policy", "default-src 'self'")
        return response

    return app
