"""The baseline of the notifications benchmark: a bare Celery app whose one task does nothing
but note when it ran (one RPUSH of a timestamp), on the same Redis as Sepakat's worker and with
the same delivery settings (``acks_late``, prefetch 1 per process). What its worker drains per
second is what Celery and Redis allow on this machine without any of Sepakat's work."""

from __future__ import annotations

import os
import time

import redis
from celery import Celery

QUEUE = "bench_noop"
STAMPS = "bench:noop:stamps"
BROKER = os.environ.get("BENCH_NOOP_BROKER", "redis://127.0.0.1:6379/13")

app = Celery("bench_noop", broker=BROKER)
app.conf.update(
    task_default_queue=QUEUE,
    task_acks_late=True,
    worker_prefetch_multiplier=1,
    task_ignore_result=True,
    worker_hijack_root_logger=False,
)
_client: redis.Redis | None = None


@app.task(name="bench.noop")
def noop() -> None:
    global _client
    if _client is None:
        _client = redis.Redis.from_url(BROKER)
    _client.rpush(STAMPS, time.time())
