"""`kgtool validate`: validate files with the home under its shapes and print the report in the chosen format."""

from __future__ import annotations

import click

from ..errors import ExitCode
from . import ALLOW_REMOTE_CONTEXTS_OPTION, Ctx


def report_text(report, fail_on: str = "violation") -> str:
    """One line per result, then the verdict (sh:conforms) with the count of each severity, custom ones last,
    and, when there are results but none at the --fail-on level, why the exit code is still 0."""
    lines = [r.text() for r in report.results]
    c = report.counts()
    verdict = "conforms" if report.conforms else "does not conform"
    custom = "".join(f", {n} {severity}" for severity, n in c.items() if severity not in ("Violation", "Warning", "Info"))
    passes = "" if report.conforms or report.fails(fail_on) else f"; none at --fail-on {fail_on} or worse"
    lines.append(f"{verdict}: {c['Violation']} violation(s), {c['Warning']} warning(s), {c['Info']} info{custom}{passes}")
    return "\n".join(lines)


# validate --format: one row per report format
REPORT_WRITERS = {
    "text": report_text,
    "turtle": lambda report, _fail_on: report.to_turtle().rstrip("\n"),
    "json": lambda report, _fail_on: report.to_json(),
}


@click.command()
@click.argument("files", nargs=-1, required=True, metavar="FILE...")
@click.option("--format", "fmt", type=click.Choice(list(REPORT_WRITERS)), default="text", show_default=True, help="Report format (json: see docs/validation-report.md).")
@click.option("--fail-on", "fail_on", type=click.Choice(["violation", "warning", "info"]), default="violation", show_default=True, help="Exit 1 on a result of this severity or worse.")
@click.option("--allow-merge", "allow_merge", is_flag=True, help="Do not report two entities of the home made the same (owl:sameAs).")
@ALLOW_REMOTE_CONTEXTS_OPTION
@click.pass_obj
def validate(ctx: Ctx, files, fmt, fail_on, allow_remote, allow_merge):
    """Validate FILEs together with the home's graph under the home's SHACL shapes.

    Judges the files' nodes, and the home's nodes they touch, with what the home says about
    them, and their consistency with the home under OWL RL (an instance of owl:Nothing, a
    disjointness clash, a broken owl:differentFrom, two entities of the home made the same
    unless --allow-merge). One line per result: file:line, severity, focus node, path, message, value. The
    files conform when there is no result at all. Exits 1 if a result of the --fail-on
    severity or worse exists (default: a violation, or a custom severity), 2 if a file
    cannot be read or the shapes are ill-formed.

    \b
    Examples:
      kgtool validate new-facts.ttl
      kgtool validate new-facts.ttl --format json --fail-on warning
    """
    from ..remote import validate as run

    report = run(ctx.home, list(files), allow_remote=allow_remote, allow_merge=allow_merge)
    for note in report.notes:
        click.echo(f"Note: {note}", err=True)
    click.echo(REPORT_WRITERS[fmt](report, fail_on))
    return ExitCode.NO if report.fails(fail_on) else ExitCode.OK
