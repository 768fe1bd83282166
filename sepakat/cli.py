"""The ``sepakat`` console script: a Flask CLI group (every command in the README's
"Commands") on the root's ``create_app``, with the database commands here and each area's
commands added to it."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext
from flask_migrate import upgrade
from sqlalchemy import select

from core.audit import iter_breaks
from core.models import Signoff
from core.seed import seed_demo, sync_provinces
from core.services import seals
from sepakat.app import create_app
from web import get_registry
from web.extensions import MIGRATIONS, session


@click.group(cls=FlaskGroup, create_app=create_app, add_version_option=False)
def main() -> None:
    """Sepakat: alur persetujuan rencana aksi daerah lintas OPD."""


@main.command("init-db")
@with_appcontext
def init_db() -> None:
    """Upgrade the database to the latest migration and load the provinces' reference data."""
    upgrade(directory=MIGRATIONS)
    report = sync_provinces(session(), get_registry(current_app))
    click.echo(
        f"Basis data siap. Provinsi baru: {report.provinces}, OPD baru: {report.opds}, "
        f"rencana baru: {report.plans}."
    )


@main.command("seed-demo")
@click.option(
    "--password", default="sepakat", show_default=True, help="Password of every demo user."
)
@with_appcontext
def seed_demo_command(password: str) -> None:
    """Add the demo users, pagu and activities (running it twice changes nothing)."""
    upgrade(directory=MIGRATIONS)
    report = seed_demo(session(), get_registry(current_app), password)
    click.echo(
        f"Data demo: {report.users} pengguna, {report.ceilings} pagu, "
        f"{report.activities} kegiatan ditambahkan."
    )


@main.group("audit")
def audit_group() -> None:
    """Audit trail commands."""


@audit_group.command("verify")
@with_appcontext
def audit_verify() -> None:
    """Recompute every hash chain; exit 1 naming the first broken entry."""
    for brk in iter_breaks(session()):
        where = f"kegiatan {brk.activity_id}, entri #{brk.seq} (id {brk.entry_id})"
        click.echo(f"RUSAK: {where}: {brk.reason}", err=True)
        sys.exit(1)
    click.echo("Jejak audit utuh.")


@main.group("signoff")
def signoff_group() -> None:
    """Sealed sign-off commands."""


@signoff_group.command("verify")
@click.argument("signoff_ids", nargs=-1, type=int)
@with_appcontext
def signoff_verify(signoff_ids: tuple[int, ...]) -> None:
    """Recompute the seal of the given sign-offs (all when none is given) from the rows as they
    are now; exit 1 if any no longer matches."""
    s = session()
    records = (
        [r for i in signoff_ids if (r := s.get(Signoff, i)) is not None]
        if signoff_ids
        else s.execute(select(Signoff).order_by(Signoff.id)).scalars().all()
    )
    missing = set(signoff_ids) - {r.id for r in records}
    broken = bool(missing)
    for i in sorted(missing):
        click.echo(f"TIDAK ADA: penetapan {i}", err=True)
    for record in records:
        check = seals.verify(s, record)
        where = f"penetapan {record.id} ({record.code}, {record.decree_number})"
        if check.valid:
            click.echo(f"UTUH: {where}, sidik {record.digest}")
        else:
            broken = True
            click.echo(
                f"TIDAK COCOK: {where}: tersimpan {record.digest}, dihitung ulang "
                f"{check.recomputed}" + ("" if check.stored_intact else "; snapshot diubah"),
                err=True,
            )
    if broken:
        sys.exit(1)
    click.echo(f"{len(records)} segel penetapan utuh.")


def _add_area_commands() -> None:
    from web.api.commands import COMMANDS as api_commands
    from web.plugin_commands import COMMANDS as plugin_commands
    from web.ui.commands import COMMANDS as ui_commands
    from workers.commands import COMMANDS as worker_commands

    for command in (*api_commands, *ui_commands, *worker_commands, *plugin_commands):
        main.add_command(command)


_add_area_commands()


if __name__ == "__main__":
    main()
