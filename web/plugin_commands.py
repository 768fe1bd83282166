"""``sepakat plugins``, ``sepakat workflow`` and ``sepakat new-province``: commands about province
plugins. They parse and print; the logic lives in ``core.plugin_check``,
``core.workflow_migration`` and ``core.scaffold``."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from core.plugin_check import check_province
from core.plugins import ProvinceRuntime, implemented_hooks
from web import get_registry


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


COMMANDS: list[click.Command] = [plugins_group]
