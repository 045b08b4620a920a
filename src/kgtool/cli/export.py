"""`kgtool export`: choose the format, load the home, write a part of its graph (with entailments and named graphs where asked and kept)."""

from __future__ import annotations

import itertools

import click

from .. import exporting, formats, progress
from ..errors import ExitCode, UsageError
from . import OUTPUT_OPTION, REASONER_OPTION, Ctx
from .output import Output, graph_format, write_options


@click.command()
@click.option("--format", "fmt", type=click.Choice(formats.names("graph")), help="Graph format (default: from -o's extension, else turtle).")
@click.option("--part", type=click.Choice(["graph", "data", "ontology", "shapes", "all"]), default="graph", show_default=True, help="What to export.")
@click.option("--inferred", is_flag=True, help="Add the OWL RL entailments.")
@OUTPUT_OPTION
@REASONER_OPTION
@click.pass_obj
def export(ctx: Ctx, fmt, part, inferred, output, reasoner):
    """Export the graph (ontology + data), or one part, in a standard RDF format.

    The named graphs of TriG and N-Quads data go with the data in nq, trig and json-ld; the
    other formats hold one graph, so they are left out (a note says how many).

    \b
    Examples:
      kgtool export > graph.ttl
      kgtool export --format json-ld --part data -o karabakh.jsonld
      kgtool export --inferred -o closure.nt
      kgtool export --format trig -o dataset.trig
    """
    from ..remote import load

    if inferred and part == "shapes":
        raise UsageError("--inferred adds the graph's entailments; it does not apply to --part shapes")
    chosen = graph_format(fmt, output)
    loaded = load(ctx.home, reasoner=reasoner)
    options = write_options(chosen, loaded)
    out = Output(output)
    report = progress.current()
    names = {"graph": ["ontology", "data"], "all": ["ontology", "data", "shapes"]}.get(part, [part])
    named = loaded.named_graphs(part)
    keeps = chosen.keeps_named_graphs
    total = sum(loaded.counts.get(n, 0) for n in names + (["inferred"] if inferred else []) + (["named"] if named and keeps else []))

    def counted(triples):
        if report is progress.NOTHING:
            return triples  # no terminal to report to: no step per triple
        return _reported(triples, report, total)

    # The part's default-graph triples, then its named graphs' quads where the format keeps them.
    things = itertools.chain(exporting.statements(loaded, part, inferred), loaded.named_quads(part) if keeps else ())
    chosen.write(counted(things), out.buffer, options)
    out.commit()
    if named and not keeps:
        click.echo(
            f"Note: {len(named)} named graph{'s' if len(named) != 1 else ''} of the data left out: the {chosen.name} format "
            "holds one graph; use --format nq, trig or json-ld to keep them",
            err=True,
        )
    return ExitCode.OK


def _reported(triples, report, total: int):
    for i, t in enumerate(triples, 1):
        if i % 10000 == 0:
            report("exporting", i, total)
        yield t
