"""The production server: gunicorn running ``create_app`` (what ``sepakat serve`` starts).

Each worker builds its own application after the fork (no ``preload_app``), so no database
connection pool is shared across processes.

Workers are threaded (``gthread``): with the default sync workers, two clients trickling a
request body one byte at a time held both workers, and ``/healthz`` waited 30 s (issue 15,
finding 9). A gthread worker waits for a request's first bytes in its poller, not in a thread,
and a slow body holds one thread of ``threads``; idle keep-alive connections are closed after
``KEEPALIVE`` seconds and a worker silent for ``timeout`` seconds is restarted.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from gunicorn.app.base import BaseApplication


class SepakatServer(BaseApplication):
    def __init__(self, app_factory: Callable[[], Any], options: Mapping[str, Any]) -> None:
        self.app_factory = app_factory
        self.options = dict(options)
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if key in self.cfg.settings and value is not None:
                self.cfg.set(key, value)

    def load(self) -> Any:
        return self.app_factory()


KEEPALIVE = 5  # seconds an idle keep-alive connection is kept (gunicorn's default is 2)
GRACEFUL_TIMEOUT = 20  # seconds a stopping worker may finish its requests


def options(host: str, port: int, workers: int, timeout: int, threads: int = 8) -> dict[str, Any]:
    return {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": threads,
        "timeout": timeout,
        "keepalive": KEEPALIVE,
        "graceful_timeout": GRACEFUL_TIMEOUT,
        "accesslog": "-",  # request lines only: bodies (and so passwords) are never logged
        "errorlog": "-",
        "proc_name": "sepakat",
        "forwarded_allow_ips": "127.0.0.1",
        # One gunicorn per host is not assumed: a fixed control socket path would collide.
        "control_socket_disable": True,
    }
