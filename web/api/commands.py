"""Console commands of this area, added to ``sepakat`` by ``sepakat.cli``."""

from __future__ import annotations

import os

import click
from flask.cli import ScriptInfo

from core import settings
from web.api.server import SepakatServer, options


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Alamat yang didengarkan.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--workers",
    default=lambda: settings.value("WEB_CONCURRENCY", os.environ),
    show_default="WEB_CONCURRENCY atau 2",
    type=click.IntRange(1, 64),
    help="Jumlah proses pekerja gunicorn.",
)
@click.option(
    "--threads",
    default=lambda: settings.value("WEB_THREADS", os.environ),
    show_default="WEB_THREADS atau 8",
    type=click.IntRange(1, 256),
    help="Jumlah utas per pekerja: klien yang lambat hanya menahan satu utas.",
)
@click.option("--timeout", default=30, show_default=True, type=click.IntRange(1, 3600))
def serve(host: str, port: int, workers: int, threads: int, timeout: int) -> None:
    """Jalankan server produksi (gunicorn, pekerja berutas) untuk API dan halaman web."""
    # The group's own factory (the composition root's), called by each gunicorn worker.
    factory = click.get_current_context().ensure_object(ScriptInfo).create_app
    if factory is None:
        raise click.UsageError("Perintah ini dijalankan lewat `sepakat serve`.")
    SepakatServer(factory, options(host, port, workers, timeout, threads)).run()


COMMANDS: list[click.Command] = [serve]
