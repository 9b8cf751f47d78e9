"""The WSGI entry point for a production server: `gunicorn -w 4 web.wsgi:app`.

Configuration comes from the environment (see the README); no timer poller runs inside web workers,
so run one or more `reintegrate scheduler` processes beside them.
"""
from __future__ import annotations

import logging
import os

from engine import logs
from engine.wiring import Runtime
from handlers import default_registry
from web import create_app

# JSON lines outside development, one per request (web.request_log), on the server's stderr.
logs.configure(json_lines=os.environ.get("REINTEGRATE_ENV", "production") not in ("dev", "test"), level=logging.INFO)
app = create_app(Runtime.from_env(default_registry()))
