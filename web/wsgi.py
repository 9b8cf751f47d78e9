"""The WSGI entry point for a production server: `gunicorn -w 4 web.wsgi:app`.

Configuration comes from the environment (see the README); no timer poller runs inside web workers,
so run one or more `reintegrate scheduler` processes beside them.
"""
from __future__ import annotations

from engine.wiring import Runtime
from handlers import default_registry
from web import create_app

app = create_app(Runtime.from_env(default_registry()))
