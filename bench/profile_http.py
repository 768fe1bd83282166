"""Where a web worker's milliseconds go on ``POST /activities/{id}/transitions``: pyinstrument
over 520 transitions through the Flask app in process (Redis as broker), after a warm-up.
``python -m bench.profile_http`` (needs ``pip install pyinstrument``); the last output is
``bench/results/profile-http-transition.txt``."""

from __future__ import annotations

import secrets
import time

from pyinstrument import Profiler

from bench.api_walk import tokens
from bench.api_walk import walk as api_walk
from bench.common import recreate_database
from bench.engine import prepare
from sepakat.app import create_app

URL = "postgresql+psycopg://postgres@127.0.0.1:5432/sepakat_bench_prof"


def main() -> None:
    recreate_database(URL)
    ids = prepare(URL, 150)
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": URL,
            "SECRET_KEY": secrets.token_hex(32),
            "REDIS_URL": "redis://127.0.0.1:6379/8",
        }
    )
    client = app.test_client()
    headers = tokens(client)

    def walk(chunk: list[int]) -> None:
        api_walk(client, headers, chunk)

    walk(ids[:20])
    profiler = Profiler()
    profiler.start()
    start = time.process_time()
    walk(ids[20:])
    cpu = time.process_time() - start
    profiler.stop()
    print(f"client CPU ms/transition (app in process): {cpu / (130 * 4) * 1000:.1f}")
    print(profiler.output_text(unicode=False, color=False))


if __name__ == "__main__":
    main()
