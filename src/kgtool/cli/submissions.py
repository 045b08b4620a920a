"""`kgtool submissions`: list the home's submissions (each accepted add or import), as text or JSON."""

from __future__ import annotations

import json

import click

from ..errors import ExitCode
from . import Ctx


def submissions_text(found: list) -> str:
    """One line per submission: id, when added, how many triples, from which files."""
    if not found:
        return "No submissions."
    lines = []
    for s in found:
        sources = ", ".join(f"{src.title or '?'} (sha256 {src.sha256 or '?'})" for src in s.sources) or "no source recorded"
        lines.append(f"{s.id}  {s.added or 'unknown time'}  {s.triples} triple(s)  from {sources}")
    return "\n".join(lines)


# submissions --format: one row per format
SUBMISSIONS_WRITERS = {
    "text": submissions_text,
    "json": lambda found: json.dumps([s.as_dict() for s in found], indent=2, ensure_ascii=False),
}


@click.command()
@click.option("--format", "fmt", type=click.Choice(list(SUBMISSIONS_WRITERS)), default="text", show_default=True, help="Output format.")
@click.pass_obj
def submissions(ctx: Ctx, fmt):
    """List the home's submissions, oldest first: id, when added, triples, source files.

    A submission is what one accepted add or import merged: in a local home its file under
    data/submissions/ (the id is the file's name without .ttl), in a remote home a named graph
    of the same id. 'kgtool remove ID' reverts one.

    \b
    Examples:
      kgtool --home myhome submissions
      kgtool --home http://127.0.0.1:7878 submissions --format json
    """
    from ..remote import list_submissions as run

    click.echo(SUBMISSIONS_WRITERS[fmt](run(ctx.home)))
    return ExitCode.OK
