"""The worker's entry points: ``sepakat worker`` refuses to start without a broker (and says
why, in Indonesian), and ``sepakat.celery_app`` (what ``celery -A`` and the compose
healthcheck load) exposes the Celery app with the notification tasks."""

from __future__ import annotations

import os
import subprocess
import sys

from click.testing import CliRunner
from flask.cli import ScriptInfo

from sepakat.cli import main
from tests.notify.conftest import AppFactory
from tests.notify.services import ROOT
from workers import DELIVER, DELIVER_BATCH, RELAY, REMINDERS


def test_sepakat_worker_needs_redis(app_factory: AppFactory) -> None:
    app = app_factory(None, None)
    result = CliRunner().invoke(main, ["worker"], obj=ScriptInfo(create_app=lambda: app))
    assert result.exit_code == 1
    assert "REDIS_URL belum diatur" in result.output


def test_the_worker_module_exposes_the_celery_app_with_its_tasks() -> None:
    env = {**os.environ, "REDIS_URL": "redis://127.0.0.1:6379/15", "PYTHONPATH": str(ROOT)}
    script = (
        "from sepakat.celery_app import celery_app as c; "
        "print(c.conf.broker_url, c.conf.task_acks_late, c.conf.worker_prefetch_multiplier); "
        "print(*sorted(n for n in c.tasks if n.startswith('sepakat.'))); "
        "print(*sorted(e['task'] for e in c.conf.beat_schedule.values()))"
    )
    run = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    settings, tasks, periodic = run.stdout.splitlines()
    assert settings == "redis://127.0.0.1:6379/15 True 1"
    assert tasks.split() == sorted((DELIVER, DELIVER_BATCH, RELAY, REMINDERS))
    assert periodic.split() == sorted((RELAY, REMINDERS))  # what beat runs in `sepakat worker`
