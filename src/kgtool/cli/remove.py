"""`kgtool remove`: revert one submission (a local home's file, a remote home's graph and what it entailed)."""

from __future__ import annotations

import click

from ..errors import ExitCode
from . import Ctx


@click.command()
@click.argument("ident", metavar="ID")
@click.option("--dry-run", is_flag=True, help="Say what would be removed; change nothing.")
@click.pass_obj
def remove(ctx: Ctx, ident, dry_run):
    """Remove the submission ID (as 'kgtool submissions' lists it) from the home, all or nothing.

    In a local home its file under data/submissions/ is deleted, under the home's lock. In a
    remote home its graph is dropped and the entailments become those of what remains, in one
    update that lands only if no other write came first. An unknown ID is an error (exit 2).

    \b
    Examples:
      kgtool --home myhome remove 20261124T191025425043-900af79a5083583a --dry-run
      kgtool --home myhome remove 20261124T191025425043-900af79a5083583a
    """
    from ..remote import remove as run

    removed = run(ctx.home, ident, dry_run=dry_run)
    for note in removed.notes:
        click.echo(f"Note: {note}", err=True)
    what = f"submission {removed.id} ({removed.triples} triple(s) and its PROV record)"
    if removed.dry_run:
        click.echo(f"Would remove {what}; nothing was changed (dry run).")
    else:
        click.echo(f"Removed {what} from {removed.where}.")
    return ExitCode.OK
