"""Issue 15, finding 9: two sockets sending ``Content-Length: 100000`` and then a byte now and
then held both gunicorn sync workers, and ``/healthz`` took 30 s. ``sepakat serve`` now runs
threaded workers: with four such clients trickling, the site still answers at once."""

from __future__ import annotations

import socket
import threading
import time
import urllib.request

import pytest

from core.testing import Harness
from tests.api.serving import sepakat_serve
from tests.conftest import PG_URL

SLOW_CLIENTS = 4


def _trickle(port: int, stop: threading.Event) -> None:
    """A request whose body never finishes: one byte every half second until ``stop``."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(
            b"POST /api/v1/auth/token HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"
        )
        while not stop.wait(0.5):
            try:
                s.sendall(b" ")
            except OSError:
                return  # the server gave up on us: fine too


@pytest.mark.slow
def test_slow_uploads_do_not_stall_the_site(pg: Harness) -> None:
    with sepakat_serve(PG_URL, "--workers", "2") as port:
        stop = threading.Event()
        clients = [
            threading.Thread(target=_trickle, args=(port, stop), daemon=True)
            for _ in range(SLOW_CLIENTS)
        ]
        for c in clients:
            c.start()
        try:
            time.sleep(1.5)  # every slow client is inside its body by now
            timings = []
            for _ in range(5):
                started = time.monotonic()
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=3) as r:
                    assert r.status == 200
                timings.append(time.monotonic() - started)
            print(f"healthz with {SLOW_CLIENTS} slow clients: {[round(t, 3) for t in timings]} s")
            assert max(timings) < 2.0, timings
        finally:
            stop.set()
            for c in clients:
                c.join(timeout=5)
