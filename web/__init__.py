"""The web app: `create_app(runtime, config)` builds it; views parse, call the engine and render.

GOV.UK Design System: `govuk-frontend` (npm) assets served from node_modules, `govuk-frontend-jinja`
macros in the templates. Every page but sign-in, the accessibility statement and the assets needs a
signed-in user, whose session is kept in the database (the cookie holds only a random id); the API
under /api/v1 takes bearer tokens instead of the session cookie.
"""
from __future__ import annotations

import logging
import os
import secrets
from typing import Any
from urllib.parse import urlparse

from flask import Flask
from flask_wtf.csrf import CSRFProtect
from jinja2 import ChoiceLoader, PackageLoader, PrefixLoader
from werkzeug.middleware.proxy_fix import ProxyFix

from engine.organisations import KIND_LABELS
from engine.people_dates import DEFAULT_TIMEZONE, people_date
from engine.role_names import role_name, status_name
from engine.wiring import Runtime

from . import security, template_cache
from .server_sessions import ServerSessionInterface
from .task_forms import error_anchor, wrong_boxes

log = logging.getLogger(__name__)
DEVELOPMENT_ENVS = ("dev", "test")


class MissingSecretKey(ValueError):
    """Production without REINTEGRATE_SECRET_KEY: every worker would sign cookies and forms its own way."""


def secret_key(environ: dict[str, str] | None = None) -> str:
    """REINTEGRATE_SECRET_KEY; in development (REINTEGRATE_ENV dev or test) a key made up for this
    process when it is missing, said in the log; in production its absence is refused."""
    env = os.environ if environ is None else environ
    key = env.get("REINTEGRATE_SECRET_KEY", "").strip()
    if key:
        return key
    mode = env.get("REINTEGRATE_ENV", "production")
    if mode not in DEVELOPMENT_ENVS:
        raise MissingSecretKey(
            "REINTEGRATE_SECRET_KEY is not set. Set it to the same long random value (for example the output of "
            "`python -c 'import secrets; print(secrets.token_hex(32))'`) for every web worker; without it each "
            f"worker would sign its own cookies and forms. (REINTEGRATE_ENV is {mode!r}: only dev or test "
            "make up a key.)")
    log.warning("REINTEGRATE_SECRET_KEY is not set: made up a key for this process (REINTEGRATE_ENV=%s); "
                "forms and sign-ins do not survive a restart and are not shared between processes", mode)
    return secrets.token_hex(32)


def _proxies(environ: dict[str, str] | None = None) -> int:
    env = os.environ if environ is None else environ
    value = env.get("REINTEGRATE_TRUSTED_PROXIES", "").strip() or "0"
    if not value.isdigit():
        raise ValueError(f"REINTEGRATE_TRUSTED_PROXIES must be a number of proxies (0, 1, 2 ...), not {value!r}")
    return int(value)


def _default_config(runtime: Runtime) -> dict[str, Any]:
    url = urlparse(runtime.base_url)
    # Secure cookies everywhere but plain http on this machine (the demo on 127.0.0.1).
    local_http = url.scheme == "http" and url.hostname in ("127.0.0.1", "localhost", "::1")
    return {
        "SESSION_COOKIE_SECURE": not local_http,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
        # Failed sign-ins (counted in the database, for every worker) from one address for one user name,
        # and from one address for any names, within the window; past either, that address gets 429.
        "SIGN_IN_ATTEMPTS": 5,
        "SIGN_IN_ADDRESS_ATTEMPTS": 20,
        "SIGN_IN_WINDOW_SECONDS": 15 * 60,
        # How many proxies in front of the app set X-Forwarded-For/-Proto: the client's address is read
        # from that many hops back (0: the address the connection came from).
        "TRUSTED_PROXIES": _proxies(),
        "SERVICE_NAME": "Reintegration from alternative provision",
        "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,  # bigger requests get 413: the largest BPMN upload is ~120 kB
    }


def create_app(runtime: Runtime, config: dict[str, Any] | None = None) -> Flask:
    """An app on `runtime` (database, clock, policy, handlers), with optional Flask config."""
    app = Flask(__name__)
    app.config.update(_default_config(runtime))
    app.config.update(config or {})
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = secret_key()
    app.session_interface = ServerSessionInterface()
    if app.config["TRUSTED_PROXIES"]:
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    app.extensions["runtime"] = runtime
    app.jinja_loader = ChoiceLoader([PackageLoader("web"),
                                     PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")})])
    app.jinja_env.trim_blocks = app.jinja_env.lstrip_blocks = True
    app.jinja_env.bytecode_cache = template_cache.SHARED  # templates compiled once per process, not per app
    timezone = getattr(runtime.policy, "timezone", DEFAULT_TIMEZONE)
    # The one filter for dates and times on every page (emails use the same helper): 14 May 2012, London time.
    app.jinja_env.filters["people_date"] = lambda value, time=False: people_date(value, time, timezone)
    app.jinja_env.filters["role_name"] = role_name
    app.jinja_env.filters["status_name"] = status_name
    app.jinja_env.filters["kind_name"] = lambda kind: KIND_LABELS.get(kind, kind)
    app.jinja_env.globals["error_anchor"] = error_anchor
    app.jinja_env.globals["wrong_boxes"] = wrong_boxes

    from . import admin, api, assets, auth, cases, health, mail, pages, tasks

    app.jinja_env.globals["summary_parties"] = cases.SUMMARY_PARTIES

    csrf = CSRFProtect(app)
    csrf.exempt(api.bp)  # bearer tokens, no cookies: nothing for a cross-site form to ride on
    for blueprint in (assets.bp, health.bp, auth.bp, pages.bp, tasks.bp, cases.bp, mail.bp, admin.bp, api.bp):
        app.register_blueprint(blueprint)
    from . import audit, data_protection, organisations, printables
    app.register_blueprint(organisations.bp)
    app.register_blueprint(audit.bp)
    app.register_blueprint(data_protection.bp)
    app.register_blueprint(printables.bp)
    from . import case_list, incidents, processes, starts
    app.register_blueprint(case_list.bp)
    app.register_blueprint(starts.bp)
    app.register_blueprint(processes.bp)
    app.register_blueprint(incidents.bp)
    from .reports import bp as reports_bp  # the report pages
    app.register_blueprint(reports_bp)
    security.install(app)
    from . import request_log
    request_log.install(app)
    return app
