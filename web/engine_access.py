"""The one way views reach the engine: a transaction per request, errors turned into responses."""
from __future__ import annotations

from flask import abort, current_app

from engine.errors import NotFound


def runtime():
    return current_app.extensions["runtime"]


def call(method: str, *args, **kwargs):
    """Call an engine facade method in its own transaction; unknown ids become 404."""
    try:
        with runtime().engine() as eng:
            return getattr(eng, method)(*args, **kwargs)
    except NotFound as exc:
        abort(404, description=str(exc))
