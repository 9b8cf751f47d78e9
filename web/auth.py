"""Sign in and out; every other page needs a signed-in user (loaded into `g` before each request).

Sessions live in the database (web.server_sessions): signing out ends the session on the server,
so the old cookie opens nothing; the "You have signed out" page confirms it."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, g, redirect, render_template, request, session, url_for

from engine import accounts
from engine.models import User

from .engine_access import runtime
from .redirects import safe_path
from .security import SignInLimiter

bp = Blueprint("auth", __name__)
PUBLIC_ENDPOINTS = {"auth.sign_in", "auth.signed_out", "pages.accessibility", "assets.govuk", "assets.vendor",
                    "static", "api.openapi", "health.healthz", "health.readyz"}


def _limiter() -> SignInLimiter:
    app = current_app
    if "sign_in_limiter" not in app.extensions:
        app.extensions["sign_in_limiter"] = SignInLimiter(app.config["SIGN_IN_ATTEMPTS"],
                                                          app.config["SIGN_IN_WINDOW_SECONDS"])
    return app.extensions["sign_in_limiter"]


@bp.before_app_request
def load_user():
    g.user = None
    g.user_id = getattr(session, "user_id", None)
    if g.user_id is not None:
        with runtime().sessions() as s:
            user = s.get(User, g.user_id)
            if user is not None:
                s.expunge(user)
            g.user = user
        if g.user is None:
            session.sign_out()
    if request.blueprint == "api" or request.endpoint in PUBLIC_ENDPOINTS or request.endpoint is None:
        return None
    if g.user is None:
        return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?") if request.method == "GET" else None))
    return None


@bp.app_context_processor
def _user():
    return {"current_user": g.get("user")}


def _next(target: str | None) -> str:
    return safe_path(target, url_for("tasks.task_list"))


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    if request.method == "GET":
        return render_template("sign_in.html", errors={}, name="", next=_next(request.args.get("next")))
    name = request.form.get("name", "").strip()
    password = request.form.get("password", "")
    ip = request.remote_addr or "?"
    errors = {}
    if not name:
        errors["name"] = "Enter your user name"
    if not password:
        errors["password"] = "Enter your password"
    if not errors and _limiter().blocked(ip, name):
        abort(429, description="Too many failed sign-in attempts for this user name. Wait 15 minutes and try again.")
    if not errors:
        with runtime().sessions() as s:
            user = accounts.authenticate(s, name, password)
            user_id = user.id if user else None
        if user_id is None:
            _limiter().failed(ip, name)
            errors["name"] = "The user name or password is not right"
        else:
            _limiter().succeeded(ip, name)
            session.sign_in(user_id)  # a new session under a new id: nothing carried over from before
            return redirect(_next(request.form.get("next")))
    return render_template("sign_in.html", errors=errors, name=name, next=_next(request.form.get("next"))), 400


@bp.post("/sign-out")
def sign_out():
    session.sign_out()
    response = redirect(url_for("auth.signed_out"))
    response.headers["Clear-Site-Data"] = '"cache"'  # pages this browser kept of the session
    return response


@bp.get("/signed-out")
def signed_out():
    return render_template("signed_out.html")
