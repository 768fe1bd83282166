"""``sepakat plugins`` and the other commands about province plugins."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from core.plugins import implemented_hooks
from web import get_registry


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


COMMANDS: list[click.Command] = [plugins_group]
