"""Console commands of this area, added to ``sepakat`` by ``web.cli``."""

from __future__ import annotations

import click

COMMANDS: list[click.Command] = []
