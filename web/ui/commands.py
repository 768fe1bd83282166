"""Console commands of this area, added to ``sepakat`` by ``sepakat.cli``: ``sepakat demo``."""

from __future__ import annotations

import os

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_migrate import upgrade

from core.seed import seed_demo
from web import get_registry
from web.extensions import MIGRATIONS, services, session

DEMO_PASSWORD = "sepakat"


def demo_logins() -> list[tuple[str, str]]:
    """(username, who) of every demo user of every installed province."""
    out: list[tuple[str, str]] = []
    for runtime in get_registry(current_app):
        demo = runtime.pm.hook.demo_data()
        if demo is None:
            continue
        roles = runtime.roles
        for u in demo.users:
            role = roles[u.role].label if u.role in roles else u.role
            out.append(
                (u.username, f"{role}{' ' + u.opd.upper() if u.opd else ''} · {u.full_name}")
            )
    return out


def serve(host: str, port: int, threads: int = 8) -> None:
    """Serve with waitress: a production WSGI server in pure Python, so it runs wherever Python
    does (Windows office PCs included, where gunicorn does not), with no debugger or reloader
    exposed as Flask's development server has, and several threads for a handful of users."""
    from waitress import serve as waitress_serve

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    waitress_serve(app, host=host, port=port, threads=threads, ident="Sepakat")


@click.command("demo")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=int, help="Port to listen on.")
@with_appcontext
def demo(host: str, port: int) -> None:
    """Everything in one process: database, demo data and the web server.

    Uses SQLite in the instance folder unless DATABASE_URL is set; notifications are delivered
    in process unless REDIS_URL is set.
    """
    database = current_app.config["SQLALCHEMY_DATABASE_URI"]
    click.echo(f"Basis data: {database}")
    upgrade(directory=MIGRATIONS)
    report = seed_demo(session(), get_registry(current_app), DEMO_PASSWORD)
    services().sessions.remove()  # the serving threads open their own sessions
    click.echo(
        f"Data demo: {report.users} pengguna, {report.ceilings} pagu, "
        f"{report.activities} kegiatan baru, {report.reports} laporan realisasi baru."
    )
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    url = f"http://{shown}:{port}/"
    if not os.environ.get("PUBLIC_URL"):
        current_app.config["PUBLIC_URL"] = url.rstrip("/")
    click.echo("")
    click.echo(f"Sepakat berjalan di {url}")
    click.echo(f"Masuk sebagai salah satu pengguna demo (kata sandi semua: {DEMO_PASSWORD}):")
    for username, who in demo_logins():
        click.echo(f"  {username:<22} {who}")
    click.echo("Tekan Ctrl+C untuk berhenti.")
    serve(host, port)


COMMANDS: list[click.Command] = [demo]
