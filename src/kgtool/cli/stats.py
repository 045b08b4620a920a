"""`kgtool stats`: the home's figures, as text or JSON."""

from __future__ import annotations

import json

import click

from ..errors import ExitCode
from ..terms import shorten
from . import Ctx

LISTED = 25  # the text lists at most this many classes and properties (json lists all)


def _listed(title: str, counts: list, noun: str, prefixes: dict[str, str]) -> list[str]:
    lines = [title] + [f"  {n:6d}  {shorten(iri, prefixes)}" for iri, n in counts[:LISTED]]
    if len(counts) > LISTED:
        lines.append(f"  ... {len(counts) - LISTED} more {noun} (--format json lists all)")
    return lines


def stats_text(s: dict) -> str:
    """The figures as lines: triples, named graphs (when there are some), files, shapes, conformance (unless --no-check), classes, properties."""
    t, f, sh, named = s["triples"], s["files"], s["shapes"], s["named_graphs"]
    lines = [
        f"home: {'(bundled) ' if s['bundled'] else ''}{s['home']}",
        f"triples: {t['ontology'] + t['data']} asserted ({t['ontology']} ontology, {t['data']} data), {t['inferred']} inferred, {t['shapes']} in shapes",
    ]
    if named["graphs"]:
        lines.append(f"named graphs: {named['graphs']} in the data, {named['triples']} triples (asserted only, not in the default graph)")
    lines.append(f"files: {f['ontology']} ontology, {f['data']} data, {f['shapes']} shapes, {f['queries']} queries")
    lines.append(f"shapes: {sh.get('NodeShape', 0)} node shapes, {sh.get('PropertyShape', 0)} property shapes")
    if "conforms" in s:
        v = s["validation"]
        custom = "".join(f", {n} {severity}" for severity, n in v.items() if severity not in ("Violation", "Warning", "Info"))
        lines.append(f"conforms: {'yes' if s['conforms'] else 'no'} ({v['Violation']} violations, {v['Warning']} warnings, {v['Info']} info{custom})")
    lines += _listed("instances per class (with entailments):", s["classes"], "classes", s["prefixes"])
    lines += _listed("uses per property (asserted data):", s["properties"], "properties", s["prefixes"])
    return "\n".join(lines)


# stats --format: one row per format
STATS_WRITERS = {
    "text": stats_text,
    "json": lambda s: json.dumps(s, indent=2),
}


@click.command()
@click.option("--format", "fmt", type=click.Choice(list(STATS_WRITERS)), default="text", show_default=True, help="Output format.")
@click.option("--no-check", is_flag=True, help="Skip validating the home against its shapes.")
@click.pass_obj
def stats(ctx: Ctx, fmt, no_check):
    """Figures of the home: triples asserted and inferred, instances per class, uses per property, shapes, conformance.

    \b
    Example:
      kgtool stats
    """
    from ..remote import stats as run

    click.echo(STATS_WRITERS[fmt](run(ctx.home, check=not no_check)))
    return ExitCode.OK
