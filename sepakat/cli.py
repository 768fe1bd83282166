"""The ``sepakat`` console script: a Flask CLI group (every command in the README's
"Commands") on the root's ``create_app``, with the database commands here and each area's
commands added to it."""

from __future__ import annotations

import os
import sys

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext
from flask_migrate import upgrade
from sqlalchemy import select

from core.audit import Verification, walk_chains
from core.errors import DomainError
from core.models import Signoff
from core.security import password_problems
from core.seed import (
    DEMO_PASSWORD,
    WeakDemoPassword,
    check_demo_password,
    seed_demo,
    sync_provinces,
)
from core.services import seals
from core.services.accounts import NewAdmin, create_admin, set_password
from core.settings import UnsafeSecretKey, check_secret_key
from sepakat.app import create_app, instance_path
from web import get_registry
from web.config import from_environment
from web.extensions import MIGRATIONS, session

# The one command that may run with a weak key: ``sepakat demo`` serves one machine's SQLite
# with demo accounts whose password is printed on the screen anyway.
WEAK_KEY_COMMANDS = frozenset({"demo"})


def create_cli_app() -> Flask:
    """``create_app`` for the commands (and ``sepakat serve``'s workers): an unsafe
    ``SECRET_KEY`` is a clear error, not a traceback."""
    ctx = click.get_current_context(silent=True)
    command = ctx.info_name if ctx is not None else None
    config = {"ALLOW_WEAK_SECRET_KEY": True} if command in WEAK_KEY_COMMANDS else None
    try:
        return create_app(config)
    except UnsafeSecretKey as e:
        raise click.ClickException(str(e)) from None


@click.group(cls=FlaskGroup, create_app=create_cli_app, add_version_option=False)
def main() -> None:
    """Sepakat: alur persetujuan rencana aksi daerah lintas OPD."""
    # Before any command runs, ``serve`` included (its gunicorn workers build the app later,
    # where a refusal would be a worker's boot traceback rather than this one clear line).
    if click.get_current_context().invoked_subcommand not in WEAK_KEY_COMMANDS:
        try:
            check_secret_key(from_environment(instance_path()))
        except UnsafeSecretKey as e:
            raise click.ClickException(str(e)) from None


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
    "--password",
    default=DEMO_PASSWORD,
    show_default=True,
    help="Password of every demo user (at least 12 characters unless the default).",
)
@with_appcontext
def seed_demo_command(password: str) -> None:
    """Add the demo users, pagu, activities and progress reports (running it twice changes
    nothing). For trying Sepakat out only: production starts with `init-db` and
    `create-admin`."""
    try:
        check_demo_password(password)
    except WeakDemoPassword as e:
        raise click.BadParameter(str(e), param_hint="--password") from None
    upgrade(directory=MIGRATIONS)
    report = seed_demo(session(), get_registry(current_app), password)
    click.echo(
        # The first sentence is what scripts read (its words unchanged); the reports follow.
        f"Data demo: {report.users} pengguna, {report.ceilings} pagu, "
        f"{report.activities} kegiatan ditambahkan; {report.reports} laporan realisasi."
    )


PASSWORD_VARIABLE = "SEPAKAT_ADMIN_PASSWORD"


def _chosen_password(username: str) -> str:
    """From ``SEPAKAT_ADMIN_PASSWORD`` (scripts, containers), else asked twice, hidden; the
    policy is checked before anything is written."""
    password = os.environ.get(PASSWORD_VARIABLE)
    if password is None:
        password = click.prompt("Kata sandi", hide_input=True, confirmation_prompt="Ulangi")
    problems = password_problems(password, username)
    if problems:
        raise click.ClickException(" ".join(problems))
    return password


@main.command("create-admin")
@click.option("--province", required=True, help="Province code, e.g. lampung.")
@click.option("--username", required=True)
@click.option("--full-name", required=True)
@click.option("--email", required=True)
@with_appcontext
def create_admin_command(province: str, username: str, full_name: str, email: str) -> None:
    """Create a province admin with a password of their own (the first account of a production
    install). The password is asked twice, or read from SEPAKAT_ADMIN_PASSWORD."""
    password = _chosen_password(username)
    new = NewAdmin(province, username, full_name, email, password)
    try:
        user = create_admin(session(), new)
    except DomainError as e:
        raise click.ClickException(e.message) from None
    click.echo(f"Admin provinsi '{user.username}' dibuat untuk {province}.")


@main.command("set-password")
@click.argument("username")
@with_appcontext
def set_password_command(username: str) -> None:
    """Give a user a new password (asked twice, or SEPAKAT_ADMIN_PASSWORD); their open sessions
    end."""
    password = _chosen_password(username)
    try:
        set_password(session(), username, password)
    except DomainError as e:
        raise click.ClickException(e.message) from None
    click.echo(f"Kata sandi '{username}' diganti; sesi yang terbuka berakhir.")


@main.group("audit")
def audit_group() -> None:
    """Audit trail commands."""


@audit_group.command("verify")
@with_appcontext
def audit_verify() -> None:
    """Recompute every hash chain; exit 1 naming the first broken entry."""
    tally = Verification()
    for brk in walk_chains(session(), tally):
        where = f"kegiatan {brk.activity_id}, entri #{brk.seq} (id {brk.entry_id})"
        if brk.report_id is not None:  # a progress report's own chain (entry id of its table)
            where = (
                f"laporan {brk.report_id} (kegiatan {brk.activity_id}), entri #{brk.seq} "
                f"(id {brk.entry_id})"
            )
        click.echo(f"RUSAK: {where}: {brk.reason}", err=True)
        sys.exit(1)
    click.echo("Jejak audit utuh.")
    if tally.legacy:  # written before the hash covered actor_id (core.audit, form 1)
        click.echo(
            f"{tally.legacy} dari {tally.entries} entri ditulis dengan bentuk hash lama "
            "(actor_id belum tercakup; nama pengguna tercakup)."
        )


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
