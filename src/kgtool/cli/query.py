"""`kgtool query`: read the query, check it, choose the format, load the home, run, render."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .. import formats
from ..errors import ExitCode, KgError, UsageError
from . import OUTPUT_OPTION, REASONER_OPTION, Ctx
from .output import Output, results_format, terminal_width, write_options


@click.command()
@click.argument("query", required=False)
@click.option("-f", "--file", "file", metavar="FILE", help="Read the query from FILE ('-' for standard input).")
@click.option("-n", "--name", "name", metavar="NAME", help="Run the home's named query queries/NAME.rq.")
@click.option("--list", "list_", is_flag=True, help="List the named queries with their questions.")
@click.option("--format", "fmt", metavar="F", help=f"Result format: {', '.join(formats.names('results'))} (SELECT/ASK, default table); {', '.join(formats.names('graph'))} (CONSTRUCT/DESCRIBE, default turtle); else from -o's extension.")
@click.option("--reason/--no-reason", default=True, show_default=True, help="Include the OWL RL entailments.")
@click.option("--param", "params", multiple=True, metavar="VAR=VALUE", help="Bind ?VAR to a Turtle term (cfr:armenia, <IRI>, \"text\"@en, 42).")
@click.option("--timeout", type=float, default=None, metavar="SECONDS", help="Stop after this long (default 60; 0 for no limit).")
@click.option("--allow-remote", is_flag=True, help="Allow SERVICE to reach the network.")
@OUTPUT_OPTION
@REASONER_OPTION
@click.pass_obj
def query(ctx: Ctx, query, file, name, list_, fmt, reason, params, timeout, allow_remote, output, reasoner):
    """Run a SPARQL query over the graph (ontology + data, with OWL RL entailments).

    ASK prints true or false and exits 0 or 1.

    \b
    Examples:
      kgtool query -n csto-members
      kgtool query 'SELECT ?s WHERE { ?s a cf:SovereignState }' --format csv
      kgtool query -n source-of-fact --param fact=cfr:membership-armenia-csto
      kgtool query --list
    """
    from .. import gate, sparql
    from ..remote import load

    if list_:
        return _list(ctx)
    known = list(dict.fromkeys(formats.names("results") + formats.names("graph")))
    if fmt is not None and fmt not in known:
        raise UsageError(f"unknown format '{fmt}' (known: {', '.join(known)})")
    text, source, base_iri = _read_query(ctx, query, file, name)
    timeout = sparql.DEFAULT_TIMEOUT if timeout is None else timeout
    checked = gate.check(text, allow_remote, ctx.home.state_dir(), timeout=timeout, source=source)
    chosen = results_format(fmt, output, checked.kind)  # refused before anything loads
    loaded = load(ctx.home, reasoner=reasoner, timeout=timeout)  # a remote home's requests are bounded too
    bindings = sparql.parse_params(list(params), loaded.prefixes, checked.variables)
    out = Output(output)
    options = write_options(chosen, loaded, width=terminal_width() if output is None else None)
    answer: dict = {}
    notes: list[str] = []

    def sink(result) -> None:  # in the query's worker thread, so that the timeout bounds writing too
        chosen.write(result.triples if result.kind == "graph" else result, out.buffer, options)
        answer["boolean"] = result.boolean

    graphs = loaded.named_graphs("graph")
    # FROM / FROM NAMED may pick the home's named graphs (asserted triples only); else the graph.
    default_graph, named_graphs = sparql.dataset(text, base_iri, loaded.prefixes, graphs) or (loaded.graphs("graph", inferred=reason), graphs)
    sparql.run(
        loaded.store,
        text,
        sink,
        default_graph=default_graph,
        named_graphs=named_graphs,
        prefixes=loaded.prefixes,
        bindings=bindings,
        base_iri=base_iri,
        timeout=timeout,
        source=source,
        notes=notes,
    )
    for note in notes:
        click.echo(f"Note: {note}", err=True)
    out.commit()
    return ExitCode.NO if answer.get("boolean") is False else ExitCode.OK


def _list(ctx: Ctx) -> ExitCode:
    """query --list: each named query with its question."""
    rows = [(n, question_of(p)) for n, p in ctx.home.query_files().items()]
    if not rows:
        click.echo(f"Note: the home {ctx.home.root} has no named queries (queries/*.rq)", err=True)
    width = max((len(n) for n, _ in rows), default=0)
    for n, q in rows:
        click.echo(f"{n.ljust(width)}  {q}")
    return ExitCode.OK


def _read_query(ctx: Ctx, query: str | None, file: str | None, name: str | None) -> tuple[str, str, str]:
    """(text, source, base IRI) of the query: its text; what names it in errors (the file,
    queries/NAME.rq, <stdin> or query); the IRI its relative IRIs resolve against (its file's,
    else the working directory's, as Jena's arq does; resolving reads nothing)."""
    given = [x for x in (query, file, name) if x is not None]
    if len(given) > 1:
        raise UsageError("give the query once: as an argument, with -f FILE or with -n NAME")
    here = Path.cwd().resolve().as_uri() + "/"
    if name is not None:
        queries = ctx.home.query_files()
        if name not in queries:
            known = ", ".join(queries) or "none"
            raise UsageError(f"no named query '{name}' in the home (known: {known}); see kgtool query --list")
        return queries[name].read_text(encoding="utf-8"), f"queries/{name}.rq", queries[name].resolve().as_uri()
    if file is not None:
        try:
            if file == "-":
                return sys.stdin.read(), "<stdin>", here
            return Path(file).read_text(encoding="utf-8"), file, Path(file).resolve().as_uri()
        except FileNotFoundError:
            raise KgError("no such file", path=file) from None
        except (OSError, UnicodeDecodeError) as e:
            raise KgError(f"cannot read the query: {e}", path=file) from None
    if query is None or query == "-":
        if query is None and sys.stdin.isatty():
            raise UsageError("no query: give one as an argument, with -f FILE, -n NAME, or on standard input")
        return sys.stdin.read(), "<stdin>", here
    return query, "query", here


def question_of(path: Path) -> str:
    """The '# Question: ...' line of a named query."""
    try:
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.lower().startswith("# question:"):
                    return line.split(":", 1)[1].strip()
                if line.strip() and not line.startswith("#"):
                    break
    except OSError:
        pass
    return ""
