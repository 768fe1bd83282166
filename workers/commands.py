"""Console commands of this area, added to ``sepakat`` by ``sepakat.cli``: the worker, and the
periodic jobs run once by hand (for installations without Redis, e.g. from cron)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from workers import RELAY, REMINDERS


@click.command("worker")
@click.option("--concurrency", "-c", type=int, default=None, help="Jumlah proses pekerja.")
@click.option("--loglevel", "-l", default="INFO", show_default=True)
@click.option(
    "--beat/--no-beat",
    default=True,
    show_default=True,
    help="Jalankan juga tugas berkala (relay outbox, pengingat) di pekerja ini.",
)
@with_appcontext
def worker_command(concurrency: int | None, loglevel: str, beat: bool) -> None:
    """Celery worker delivering notifications, with the outbox relay and reminders (beat)."""
    if not current_app.config.get("REDIS_URL"):
        raise click.ClickException(
            "REDIS_URL belum diatur. Tanpa Redis, notifikasi dikirim langsung oleh aplikasi "
            "web dan pekerja tidak diperlukan."
        )
    argv = ["worker", f"--loglevel={loglevel}"]
    if beat:
        argv.append("--beat")
    if concurrency:
        argv.append(f"--concurrency={concurrency}")
    current_app.extensions["celery"].worker_main(argv)


@click.group("jobs")
def jobs_group() -> None:
    """Run a periodic notification job once, in this process."""


def _run_here(task_name: str) -> int:
    # ``apply`` runs the task body here, whatever the broker; its deliveries go through
    # ``publish`` (to the broker, or in process without one).
    result = current_app.extensions["celery"].tasks[task_name].apply()
    return int(result.get())


@jobs_group.command("relay")
@with_appcontext
def relay_command() -> None:
    """Publish outbox messages that were not handed over yet."""
    click.echo(f"Pesan outbox diteruskan: {_run_here(RELAY)}.")


@jobs_group.command("reminders")
@with_appcontext
def reminders_command() -> None:
    """Send the reminders and escalations that are due."""
    click.echo(f"Pengingat dan eskalasi dibuat: {_run_here(REMINDERS)}.")


COMMANDS: list[click.Command] = [worker_command, jobs_group]
