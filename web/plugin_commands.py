"""``sepakat plugins``, ``sepakat workflow`` and ``sepakat new-province``: commands about province
plugins. They parse and print; the logic lives in ``core.plugin_check``,
``core.workflow_migration`` and ``core.scaffold``."""

from __future__ import annotations

import getpass
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from core.errors import DomainError
from core.plugin_check import check_province
from core.plugins import ProvinceRuntime, implemented_hooks
from core.scaffold import new_province
from core.timezones import local_time
from core.workflow_migration import (
    ACTIVITIES,
    REPORTS,
    Kind,
    MigrationRefused,
    diff_workflows,
    load_version,
    migrate,
    stored_versions,
)
from web import get_registry
from web.extensions import session


def _runtime(code: str) -> ProvinceRuntime:
    registry = get_registry(current_app)
    if code not in registry:
        known = ", ".join(r.code for r in registry) or "-"
        click.echo(f"Provinsi '{code}' tidak terpasang (terpasang: {known}).", err=True)
        sys.exit(1)
    return registry.get(code)


@click.group("plugins", invoke_without_command=True)
@click.pass_context
@with_appcontext
def plugins_group(ctx: click.Context) -> None:
    """List the installed province plugins, their workflow version and hooks."""
    if ctx.invoked_subcommand is not None:
        return
    for runtime in get_registry(current_app):
        info = runtime.info
        click.echo(f"{info.code}\t{info.name}")
        click.echo(f"  workflow: {runtime.workflow.version}")
        click.echo(f"  plans: {', '.join(p.title for p in info.plans) or '-'}")
        click.echo(f"  hooks: {', '.join(implemented_hooks(runtime.pm, runtime.plugin))}")


@plugins_group.command("check")
@click.argument("code")
@with_appcontext
def plugins_check(code: str) -> None:
    """Validate a province plugin; exit 1 listing every problem."""
    runtime = _runtime(code)
    problems = check_province(runtime)
    click.echo(f"Memeriksa plugin provinsi {code} ({runtime.info.name})...")
    for problem in problems:
        click.echo(f"  MASALAH {problem}")
    if problems:
        click.echo(f"{len(problems)} masalah ditemukan.", err=True)
        sys.exit(1)
    click.echo("Tidak ada masalah: referensi, peran, alur dan data demo konsisten.")


@click.group("workflow")
def workflow_group() -> None:
    """Versioned workflows: what changed, and moving activities (or reports) in flight."""


# The second workflow type (issue 14): the same commands on the progress-report workflow.
REPORTS_OPTION = click.option(
    "--reports",
    "kind",
    flag_value=REPORTS,
    default=ACTIVITIES,
    type=click.UNPROCESSED,
    help="Alur laporan kemajuan, bukan alur kegiatan.",
)
TYPE_NAME = {ACTIVITIES.code: "alur", REPORTS.code: "alur laporan"}


@workflow_group.command("diff")
@click.argument("code")
@click.option("--from", "from_version", help="Versi lama (bawaan: versi tersimpan sebelumnya).")
@click.option("--to", "to_version", help="Versi baru (bawaan: versi saat ini).")
@REPORTS_OPTION
@with_appcontext
def workflow_diff(code: str, from_version: str | None, to_version: str | None, kind: Kind) -> None:
    """List the stored workflow versions and show what changed between two of them."""
    runtime = _runtime(code)
    s = session()
    versions = stored_versions(s, runtime, kind)
    click.echo(f"Versi {TYPE_NAME[kind.code]} {code}:")
    for v in versions:
        at = local_time(v.created_at, runtime.info.timezone) if v.created_at else None
        stored = f"{at.date.isoformat()} {at.clock}" if at else "belum disimpan"
        mark = "  (saat ini)" if v.current else ""
        click.echo(f"  {v.version}  {stored}  {v.activities} {kind.noun}{mark}")
    new = to_version or kind.current(runtime).version
    older = [v.version for v in versions if v.version != new]
    old = from_version or (older[-1] if older else None)
    if old is None:
        click.echo("Hanya ada satu versi: tidak ada perubahan.")
        return
    try:
        diff = diff_workflows(load_version(s, runtime, old), load_version(s, runtime, new))
    except DomainError as err:
        click.echo(err.message, err=True)
        sys.exit(1)
    click.echo(f"Perubahan {old} → {new}:")
    for line in diff.lines() or ["(tidak ada perubahan)"]:
        click.echo(f"  {line}")


def _parse_map(
    _ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]
) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for item in values:
        old, sep, new = item.partition("=")
        if not sep or not old or not new:
            raise click.BadParameter(f"'{item}' harus berbentuk STATUS_LAMA=STATUS_BARU")
        mapping[old] = new
    return mapping


@workflow_group.command("migrate")
@click.argument("code")
@click.option("--to", "to_version", required=True, help="Versi tujuan.")
@click.option(
    "--map",
    "mapping",
    multiple=True,
    callback=_parse_map,
    help="STATUS_LAMA=STATUS_BARU, untuk status yang tidak ada di versi tujuan (boleh berulang).",
)
@click.option("--dry-run", is_flag=True, help="Tampilkan saja, jangan ubah apa pun.")
@click.option("--actor", default=None, help="Nama pelaku di jejak audit (bawaan: cli:<user>).")
@REPORTS_OPTION
@with_appcontext
def workflow_migrate(
    code: str,
    to_version: str,
    mapping: dict[str, str],
    dry_run: bool,
    actor: str | None,
    kind: Kind,
) -> None:
    """Move in-flight activities (or, with --reports, progress reports) to another workflow
    version (all or nothing, audited)."""
    runtime = _runtime(code)
    noun = kind.noun
    try:
        moves = migrate(
            session(),
            runtime,
            to_version,
            mapping,
            actor=actor or f"cli:{getpass.getuser()}",
            dry_run=dry_run,
            kind=kind,
        )
    except MigrationRefused as err:
        for reason in err.reasons:
            click.echo(f"DITOLAK: {reason}", err=True)
        click.echo(f"Tidak ada {noun} yang dipindahkan.", err=True)
        sys.exit(1)
    except DomainError as err:
        click.echo(err.message, err=True)
        sys.exit(1)
    for m in moves:
        of = f" (kegiatan {m.activity_id})" if m.report_id is not None else ""
        click.echo(
            f"  {noun} {m.row_id}{of}: {m.from_state} → {m.to_state} "
            f"(versi {m.from_version} → {to_version})"
        )
    if dry_run:
        click.echo(f"Uji coba: {len(moves)} {noun} akan dipindahkan; tidak ada yang diubah.")
    else:
        click.echo(f"{len(moves)} {noun} dipindahkan ke versi {to_version}.")


@click.command("new-province")
@click.argument("code")
@click.option("--name", required=True, help='Nama provinsi, mis. "Provinsi Maluku".')
@click.option(
    "--dir",
    "parent",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path(),
    help="Folder induk (bawaan: folder saat ini).",
)
def new_province_command(code: str, name: str, parent: Path) -> None:
    """Scaffold a province plugin as its own pip-installable package."""
    try:
        made = new_province(code, name, parent)
    except DomainError as err:
        click.echo(err.message, err=True)
        sys.exit(1)
    for path in made.files:
        click.echo(f"  dibuat {path}")
    click.echo(
        f"Paket {made.distribution} siap. Berikutnya:\n"
        f"  pip install -e {made.root}\n"
        f"  sepakat plugins check {made.code}\n"
        f"  cd {made.root} && python -m pytest"
    )


COMMANDS: list[click.Command] = [plugins_group, workflow_group, new_province_command]
