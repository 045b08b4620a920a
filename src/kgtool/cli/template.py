"""`kgtool template CLASS`: print the Turtle skeleton (or JSON) of a valid submission about an instance of CLASS."""

from __future__ import annotations

import click

from ..errors import ExitCode
from . import Ctx

FORMATS = ("turtle", "json")  # the writers, one per format, are the core's to_turtle and to_json


@click.command()
@click.argument("cls", metavar="CLASS")
@click.option("--id", "subject", metavar="IRI", help="The subject to describe (default: cfr:NEW-ID).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="turtle", show_default=True, help="Output format.")
@click.pass_obj
def template(ctx: Ctx, cls, subject, fmt):
    """Print what a valid submission about an instance of CLASS must and may contain.

    CLASS is a prefixed name of the home (cf:MilitaryOperation) or an IRI. The skeleton
    is read from the home's shapes (those of CLASS and its superclasses): required
    properties ready to fill, recommended and optional ones commented out, each with its
    cardinality, value type, closed list and the shapes' message. It parses as Turtle;
    replace every FILL placeholder, then check it with `kgtool validate`. Exits 2 for an
    unknown class.

    \b
    Examples:
      kgtool template cf:Membership > membership.ttl
      kgtool template cf:CasualtyClaim --format json
    """
    from .. import template as core

    writers = {"turtle": core.to_turtle, "json": core.to_json}
    click.echo(writers[fmt](core.template(ctx.home, cls, subject)).rstrip("\n"))
    return ExitCode.OK
