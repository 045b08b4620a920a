"""`kgtool import`: read an event dataset's CSV files, turn each row into triples, and merge them as `add` does."""

from __future__ import annotations

import click

from .. import importers
from . import Ctx
from .add import render


@click.command("import")
@click.argument("dataset", metavar="FORMAT", type=click.Choice(importers.names()))
@click.argument("files", nargs=-1, required=True, metavar="FILE...")
@click.option("--dry-run", is_flag=True, help="Report what would be added; change nothing.")
@click.option("--release", metavar="VERSION", help="The dataset's release, e.g. 24.1 (default: read from the file name: GEDEvent_v24_1.csv, or an ACLED export's date).")
@click.pass_obj
def import_(ctx: Ctx, dataset, files, dry_run, release):
    """Import the rows of an event dataset's CSV FILEs into the home, all or nothing.

    FORMAT is ucdp-ged (the UCDP Georeferenced Event Dataset) or acled (an ACLED export,
    its 31 columns; event_date YYYY-MM-DD or '13 September 2022'). Each row becomes the event,
    its actors, dates, location and fatality figures, with the dataset release as their
    source; the result is validated and merged exactly as `add` does. A malformed row is an
    error naming its file and line (exit 2); triples that break the shapes, or add nothing
    new, refuse the import (exit 1). Either way the home is unchanged.

    \b
    Examples:
      kgtool --home myhome import ucdp-ged GEDEvent_v24_1.csv --dry-run
      kgtool --home myhome import ucdp-ged GEDEvent_v24_1.csv
      kgtool --home myhome import acled acled-export.csv --release 2024-01-31
    """
    from ..importers.core import run

    done = run(importers.get(dataset), ctx.home, list(files), dry_run=dry_run, options={"release": release} if release else None)
    read = f"Read {done.converted.rows} row(s) of {len(files)} file(s) ({done.converted.triples} triples)"
    return render(done.outcome, dry_run, lead=read)
