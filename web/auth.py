"""Sign in and out; every other page needs a signed-in user (loaded into `g` before each request).

Sessions live in the database (web.server_sessions): signing out ends the session on the server,
so the old cookie opens nothing; the "You have signed out" page confirms it. A person changes their
own password here too, which ends their sessions everywhere else."""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, session, url_for

from engine import throttle
from engine.models import User

from .engine_access import run, runtime
from .redirects import safe_path

bp = Blueprint("auth", __name__)
PUBLIC_ENDPOINTS = {"auth.sign_in", "auth.signed_out", "pages.accessibility", "assets.govuk", "assets.vendor",
                    "static", "api.openapi", "health.healthz", "health.readyz"}


def _limits() -> throttle.Limits:
    config = current_app.config
    return throttle.Limits(config["SIGN_IN_ATTEMPTS"], config["SIGN_IN_ADDRESS_ATTEMPTS"],
                           timedelta(seconds=config["SIGN_IN_WINDOW_SECONDS"]))


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
    errors = {}
    if not name:
        errors["name"] = "Enter your user name"
    if not password:
        errors["password"] = "Enter your password"
    if not errors:
        rt = runtime()
        with rt.sessions() as s:  # the client's address: see TRUSTED_PROXIES for one behind a proxy
            outcome, user = throttle.attempt(s, request.remote_addr or "?", name, password, rt.clock.now(), _limits())
            s.commit()
        if outcome == "blocked":
            minutes = current_app.config["SIGN_IN_WINDOW_SECONDS"] // 60
            abort(429, description=f"Too many failed sign-in attempts from your network. Wait {minutes} minutes "
                                   "and try again, or ask your administrator to reset your password.")
        if user is None:
            errors["name"] = "The user name or password is not right"
        else:
            session.sign_in(user.id)  # a new session under a new id: nothing carried over from before
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


@bp.route("/account/password", methods=["GET", "POST"])
def change_password():
    if request.method == "GET":
        return render_template("change_password.html", errors={})
    current, new = request.form.get("current_password", ""), request.form.get("new_password", "")
    errors = {}
    if not current:
        errors["current_password"] = "Enter your current password"
    if not new:
        errors["new_password"] = "Enter a new password"
    if not errors:
        def change(eng, user):
            try:
                return eng.change_own_password(user.id, current, new, keep_session=session.sid)
            except ValueError as exc:
                return str(exc)

        result = run(change)
        if not isinstance(result, str):
            session.sign_in(g.user_id)  # this session goes on under a new id; every other one has ended
            flash("Your password has been changed. You have been signed out everywhere else.", "success")
            return redirect(url_for("tasks.task_list"))
        field, message = result.split(": ", 1)
        errors[f"{field}_password"] = message[:1].upper() + message[1:]
    return render_template("change_password.html", errors=errors), 400
