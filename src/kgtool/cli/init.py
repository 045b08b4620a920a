"""`kgtool init`: copy the bundled graph into a new home."""

from __future__ import annotations

import click

from .. import home
from ..errors import ExitCode


@click.command()
@click.argument("directory", metavar="DIR")
def init(directory):
    """Write a copy of the bundled graph to DIR (new or empty) to start a home of your own.

    \b
    Example:
      kgtool init myhome && kgtool --home myhome stats
    """
    dest = home.init(directory)
    click.echo(f"Created a kgtool home in {dest}; use it with --home {directory} or KGTOOL_HOME={directory}.")
    return ExitCode.OK
