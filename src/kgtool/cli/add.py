"""`kgtool add`: merge files into the home's data (all or nothing) and say what was added or why it was refused."""

from __future__ import annotations

import click

from ..errors import ExitCode
from ..terms import shorten
from . import ALLOW_REMOTE_CONTEXTS_OPTION, Ctx

ADD_LISTS_NEW_ENTITIES = 20  # add --dry-run names at most this many new entities


@click.command()
@click.argument("files", nargs=-1, required=True, metavar="FILE...")
@click.option("--dry-run", is_flag=True, help="Report what would be added; change nothing.")
@click.option("--strict", is_flag=True, help="Refuse on warnings too.")
@click.option("--allow-merge", "allow_merge", is_flag=True, help="Accept a submission that makes two entities of the home the same (owl:sameAs).")
@ALLOW_REMOTE_CONTEXTS_OPTION
@click.pass_obj
def add(ctx: Ctx, files, dry_run, strict, allow_remote, allow_merge):
    """Validate FILEs with the home and merge them into its data, all or nothing.

    Refuses on any violation (and on warnings with --strict), and a submission with no new
    triple. Refuses too a submission that, with the home and the OWL RL entailments, makes an
    instance of owl:Nothing, a disjointness clash or a broken owl:differentFrom, or makes two
    entities of the home the same (unless --allow-merge). Accepted triples land as one new file under data/submissions/ with a PROV record
    of when and from which file (name and sha256); delete it to revert. Concurrent adds wait
    for the home's lock. Exits 1 if the submission is refused.

    \b
    Examples:
      kgtool --home myhome add new-facts.ttl --dry-run
      kgtool --home myhome add new-facts.ttl
    """
    from ..remote import add as run

    outcome = run(ctx.home, list(files), dry_run=dry_run, strict=strict, allow_remote=allow_remote, allow_merge=allow_merge)
    return render(outcome, dry_run)


def render(outcome, dry_run: bool, lead: str = "") -> int:
    """Print an add's outcome (its results, then what was added or why it was refused) and return the exit code.

    `lead` opens the summary line (import's "Read N row(s) ..."); without it the line starts with the verb.
    """
    if outcome.report is not None:
        for r in outcome.report.results:
            click.echo(r.text())
    opening = (lambda verb: f"{lead}: {verb.lower()}") if lead else (lambda verb: verb)
    if outcome.reason:
        click.echo(f"{lead + '. ' if lead else ''}Refused: {outcome.reason}; the home is unchanged.", err=True)
        return ExitCode.NO
    n = len(outcome.new_subjects) + outcome.more_new
    entities = f"{n} new entit{'y' if n == 1 else 'ies'}"
    if not dry_run:
        click.echo(f"{opening('Added')} {outcome.added} new triple(s) of {outcome.submitted}, describing {entities}, as {outcome.written}.")
        return ExitCode.OK
    click.echo(f"{opening('Would add')} {outcome.added} new triple(s) of {outcome.submitted}, describing {entities}; nothing was changed (dry run).")
    for iri in outcome.new_subjects[:ADD_LISTS_NEW_ENTITIES]:
        click.echo(f"  new: {shorten(iri, outcome.prefixes)}")
    if n > ADD_LISTS_NEW_ENTITIES:
        click.echo(f"  ... and {n - ADD_LISTS_NEW_ENTITIES} more")
    return ExitCode.OK
