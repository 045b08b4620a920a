"""`kgtool push`: publish the home to a SPARQL server, so that `kgtool --home URL ...` answers as the home does."""

from __future__ import annotations

import time

import click

from ..errors import ExitCode
from . import REASONER_OPTION, Ctx


@click.command()
@click.argument("url")
@click.option("--no-check", is_flag=True, help="Do not validate the whole home for stats' 'conforms' line (slow on a large home the first time).")
@REASONER_OPTION
@click.pass_obj
def push(ctx: Ctx, url, no_check, reasoner):
    """Copy the home's graph, shapes, entailments, named queries and prefixes to the server at URL.

    URL is an Oxigraph server (http://HOST:PORT) or a config file for another SPARQL 1.1
    server. What kgtool put there before is replaced; other graphs on the server are left
    alone. Credentials come from $KGTOOL_USER and $KGTOOL_PASSWORD, or ~/.netrc.

    \b
    Examples:
      kgtool push http://127.0.0.1:7878
      kgtool --home myhome push http://127.0.0.1:7878 && kgtool --home http://127.0.0.1:7878 query -n csto-members
    """
    from ..remote.push import push as run

    start = time.monotonic()
    pushed = run(ctx.home, url, reasoner=reasoner, check=not no_check)
    click.echo(
        f"Pushed {pushed.quads} quad(s) in {pushed.graphs} graph(s) to {pushed.location} in {time.monotonic() - start:.1f} s "
        f"(generation {pushed.generation}); use it with --home {pushed.location}."
    )
    return ExitCode.OK
