"""The production HTTP server: gunicorn running `create_app` in N worker processes of M threads each.

Each worker builds its own app and database pool after the fork (the app is not preloaded), so no
connection is ever shared between processes. Used by `reintegrate serve` outside development mode.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any


class GunicornUnavailable(RuntimeError):
    """gunicorn is not installed (the `serve` extra)."""


def run_gunicorn(app_factory: Callable[[], Any], *, host: str, port: int, workers: int, threads: int,
                 timeout: int = 60) -> None:
    """Serve `app_factory()` (called in each worker) on host:port until gunicorn is stopped."""
    try:
        from gunicorn.app.base import BaseApplication
    except ImportError:
        raise GunicornUnavailable("gunicorn is not installed: pip install 'reintegrate[serve]'") from None

    class _Server(BaseApplication):
        def load_config(self) -> None:
            settings = {"bind": f"{host}:{port}", "workers": workers, "threads": threads, "timeout": timeout,
                        "worker_class": "gthread" if threads > 1 else "sync", "preload_app": False,
                        "accesslog": None,  # the app writes its own JSON line per request
                        "errorlog": "-", "proc_name": "reintegrate-web"}
            # gunicorn 25.1+ opens a control socket in $HOME by default: not wanted (a service account's home
            # is read-only under ProtectHome=, and two servers on one machine would share its path).
            if "control_socket_disable" in self.cfg.settings:
                settings["control_socket_disable"] = True
            for key, value in settings.items():
                self.cfg.set(key, value)

        def load(self):
            return app_factory()

    _Server().run()
