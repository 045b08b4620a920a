"""The command line: parse options, call the core, render what it returns. The only module that knows click or exit codes."""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

import click

from . import __version__, formats
from .errors import ExitCode, KgError, UsageError


# --------------------------------------------------------------------------------------
# the one place where outcomes become exit codes
# --------------------------------------------------------------------------------------
class KgGroup(click.Group):
    """Maps every outcome to the contract's exit code; prints one line for user errors."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        argv = list(sys.argv[1:] if args is None else args)
        debug = "--debug" in argv[: argv.index("--")] if "--" in argv else "--debug" in argv
        try:
            rv = super().main(argv, prog_name="kgtool", complete_var=complete_var, standalone_mode=False, **extra)
            code = int(rv) if isinstance(rv, int) else ExitCode.OK
        except KgError as e:
            if debug:
                raise
            click.echo(f"Error: {e}", err=True)
            code = ExitCode.ERROR
        except click.exceptions.Exit as e:
            code = e.exit_code
        except click.UsageError as e:
            if debug:
                raise
            command = e.ctx.command_path if e.ctx is not None else "kgtool"
            click.echo(f"Error: {e.format_message()} (see '{command} --help')", err=True)
            code = ExitCode.ERROR
        except click.ClickException as e:
            if debug:
                raise
            e.show()
            code = ExitCode.ERROR
        except click.Abort:
            click.echo("Aborted.", err=True)
            code = 130
        except KeyboardInterrupt:
            code = 130
        except RecursionError:
            if debug:
                raise
            click.echo("Error: the input is nested too deeply to process", err=True)
            code = ExitCode.ERROR
        except Exception as e:  # a bug: say so in one line, details with --debug
            if debug:
                raise
            click.echo(f"Error: internal error: {type(e).__name__}: {e} (run with --debug for details)", err=True)
            code = ExitCode.ERROR
        if standalone_mode:
            sys.stdout.flush()
            sys.exit(code)
        return code


class _QuietLibraries:
    """Silences library warnings and logging the moment rdflib, pySHACL or owlrl is first imported.

    An import hook rather than doing it at start-up: `import logging` alone costs about 5 %
    of a warm query, which imports none of these libraries.
    """

    LIBRARIES = ("rdflib", "pyshacl", "owlrl")  # not reasonable: its presence is probed on every call

    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in self.LIBRARIES:
            sys.meta_path.remove(self)
            import logging
            import warnings

            warnings.filterwarnings("ignore")
            logging.disable(logging.WARNING)
        return None  # the ordinary finders do the importing


class Ctx:
    def __init__(self, home_option: str | None, debug: bool):
        self.home_option = home_option
        self.debug = debug
        self._home = None

    @property
    def home(self):
        if self._home is None:
            from . import home

            self._home = home.resolve(self.home_option)
        return self._home


@click.group(cls=KgGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--home", "home_option", metavar="DIR", help="The knowledge-graph home (default: $KGTOOL_HOME, else the bundled graph).")
@click.option("--debug", is_flag=True, help="Show tracebacks and library warnings.")
@click.version_option(__version__, prog_name="kgtool")
@click.pass_context
def cli(ctx: click.Context, home_option: str | None, debug: bool) -> None:
    """kgtool: query, export, validate and grow a knowledge graph of international conflicts.

    \b
    Examples:
      kgtool query -n csto-members
      kgtool --home myhome validate new-facts.ttl
    """
    if not debug and not any(isinstance(f, _QuietLibraries) for f in sys.meta_path):
        sys.meta_path.insert(0, _QuietLibraries())
    ctx.obj = Ctx(home_option, debug)
    _start_progress(ctx)


def _start_progress(ctx: click.Context) -> None:
    """A progress bar on standard error for steps over ~2 s (loading, reasoning, ...), only on a terminal."""
    from . import progress

    if not sys.stderr.isatty():
        progress.set_current(None)
        return
    bar = progress.Bar(sys.stderr)
    progress.set_current(bar.report)

    def stop() -> None:
        bar.close()
        progress.set_current(None)

    ctx.call_on_close(stop)


REASONER_OPTION = click.option(
    "--reasoner",
    type=click.Choice(["kgtool", "reasonable", "owlrl"]),
    default=None,
    help="OWL RL reasoner for the entailments: kgtool (the default: its own rules for the instance data, "
    "incremental after an add), reasonable, or owlrl (both from scratch, over the whole graph).",
)


# --------------------------------------------------------------------------------------
# output helpers
# --------------------------------------------------------------------------------------
class Output:
    """stdout, or -o FILE written atomically (nothing half-written on error)."""

    def __init__(self, path: str | None):
        self.path = path
        # Held in memory until the command succeeds: nothing half-written on error or timeout.
        self.buffer = io.BytesIO()

    def commit(self) -> None:
        self.buffer.seek(0)
        if self.path is None or self.path == "-":
            out = sys.stdout.buffer
            try:
                out.write(self.buffer.getbuffer())
                out.flush()
            except BrokenPipeError:
                # The reader went away (`kgtool export | head`): not an error. Point stdout at
                # devnull so the interpreter's last flush does not fail again (Python docs, 'SIGPIPE').
                os.dup2(os.open(os.devnull, os.O_WRONLY), out.fileno())
            return
        target = Path(self.path)
        try:
            import tempfile

            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent if str(target.parent) else ".")
        except OSError as e:
            raise KgError(f"cannot write: {e.strerror}", path=self.path) from e
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(self.buffer.getbuffer())
            os.replace(tmp, target)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise


def _terminal_width() -> int | None:
    if not sys.stdout.isatty():
        return None
    try:
        return os.get_terminal_size(sys.stdout.fileno()).columns
    except OSError:
        return None


def _graph_format(name: str | None, output: str | None) -> formats.Format:
    """--format, else the format of -o's extension, else Turtle (export)."""
    if name:
        return formats.get(name, "graph")
    if output and output != "-":
        try:
            return formats.for_path(output, "graph")
        except KgError:
            known = " ".join(e for f in formats.FORMATS if f.kind == "graph" for e in f.extensions)
            raise UsageError(f"cannot tell the format of '{output}' from its extension; use --format (known: {known})") from None
    return formats.get("turtle", "graph")


def _results_format(name: str | None, output: str | None, kind: str) -> formats.Format:
    """The format for a query's answer: --format, else -o's extension, else table or turtle.

    Raises UsageError when the format does not fit the kind of answer ("select", "ask", "graph").
    """
    wanted = "graph" if kind == "graph" else "results"
    what = {"select": "a SELECT query", "ask": "an ASK query", "graph": "a CONSTRUCT or DESCRIBE query"}[kind]
    fits = ", ".join(formats.names(wanted))
    if name is not None:
        if name not in formats.names(wanted):
            raise UsageError(f"--format {name} does not fit {what}; use one of: {fits}")
        return formats.get(name, wanted)
    if output and output != "-":
        suffix = Path(output).suffix.lower()
        for f in formats.FORMATS:
            if f.kind == wanted and suffix in f.extensions:
                return f
        if any(suffix in f.extensions for f in formats.FORMATS):
            raise UsageError(f"-o {output}: a '{suffix}' file does not fit {what}; use --format (one of: {fits})")
    return formats.get("turtle" if kind == "graph" else "table", wanted)


# --------------------------------------------------------------------------------------
# query
# --------------------------------------------------------------------------------------
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


@cli.command()
@click.argument("query", required=False)
@click.option("-f", "--file", "file", metavar="FILE", help="Read the query from FILE ('-' for standard input).")
@click.option("-n", "--name", "name", metavar="NAME", help="Run the home's named query queries/NAME.rq.")
@click.option("--list", "list_", is_flag=True, help="List the named queries with their questions.")
@click.option("--format", "fmt", metavar="F", help=f"Result format: {', '.join(formats.names('results'))} (SELECT/ASK, default table); {', '.join(formats.names('graph'))} (CONSTRUCT/DESCRIBE, default turtle); else from -o's extension.")
@click.option("--reason/--no-reason", default=True, show_default=True, help="Include the OWL RL entailments.")
@click.option("--param", "params", multiple=True, metavar="VAR=VALUE", help="Bind ?VAR to a Turtle term (cfr:armenia, <IRI>, \"text\"@en, 42).")
@click.option("--timeout", type=float, default=None, metavar="SECONDS", help="Stop after this long (default 60; 0 for no limit).")
@click.option("--allow-remote", is_flag=True, help="Allow SERVICE to reach the network.")
@click.option("-o", "--output", metavar="FILE", help="Write to FILE instead of standard output.")
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
    from . import sparql
    from .store import load

    if list_:
        rows = [(n, question_of(p)) for n, p in ctx.home.query_files().items()]
        if not rows:
            click.echo(f"Note: the home {ctx.home.root} has no named queries (queries/*.rq)", err=True)
        width = max((len(n) for n, _ in rows), default=0)
        for n, q in rows:
            click.echo(f"{n.ljust(width)}  {q}")
        return ExitCode.OK
    known = list(dict.fromkeys(formats.names("results") + formats.names("graph")))
    if fmt is not None and fmt not in known:
        raise UsageError(f"unknown format '{fmt}' (known: {', '.join(known)})")
    text, source, base_iri = _read_query(ctx, query, file, name)
    timeout = sparql.DEFAULT_TIMEOUT if timeout is None else timeout
    checked = sparql.check(text, allow_remote, ctx.home.state_dir(), timeout=timeout, source=source)
    chosen = _results_format(fmt, output, checked.kind)
    loaded = load(ctx.home, reasoner=reasoner)
    bindings = sparql.parse_params(list(params), loaded.prefixes, checked.variables)
    out = Output(output)
    options = formats.WriteOptions(prefixes=loaded.prefixes, width=_terminal_width() if output is None else None)
    if chosen.needs_context:
        from .export import jsonld_context

        options.context = jsonld_context(loaded)
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


# --------------------------------------------------------------------------------------
# export
# --------------------------------------------------------------------------------------
@cli.command()
@click.option("--format", "fmt", type=click.Choice(formats.names("graph")), help="Graph format (default: from -o's extension, else turtle).")
@click.option("--part", type=click.Choice(["graph", "data", "ontology", "shapes", "all"]), default="graph", show_default=True, help="What to export.")
@click.option("--inferred", is_flag=True, help="Add the OWL RL entailments.")
@click.option("-o", "--output", metavar="FILE", help="Write to FILE instead of standard output.")
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
    from . import export as exporting
    from .store import load

    if inferred and part == "shapes":
        raise UsageError("--inferred adds the graph's entailments; it does not apply to --part shapes")
    from . import progress

    chosen = _graph_format(fmt, output)
    loaded = load(ctx.home, reasoner=reasoner)
    options = formats.WriteOptions(prefixes=loaded.prefixes)
    if chosen.needs_context:
        options.context = exporting.jsonld_context(loaded)
    out = Output(output)
    report = progress.current()
    names = {"graph": ["ontology", "data"], "all": ["ontology", "data", "shapes"]}.get(part, [part])
    named = loaded.named_graphs(part)
    keeps = exporting.keeps_named_graphs(chosen)
    total = sum(loaded.counts.get(n, 0) for n in names + (["inferred"] if inferred else []) + (["named"] if named and keeps else []))

    def counted(triples):
        for i, t in enumerate(triples, 1):
            if i % 10000 == 0:
                report("exporting", i, total)
            yield t

    exporting.write(chosen, counted(exporting.items(loaded, part, inferred, chosen)), out.buffer, options)
    out.commit()
    if named and not keeps:
        click.echo(
            f"Note: {len(named)} named graph{'s' if len(named) != 1 else ''} of the data left out: the {chosen.name} format "
            "holds one graph; use --format nq, trig or json-ld to keep them",
            err=True,
        )
    return ExitCode.OK


# --------------------------------------------------------------------------------------
# validate / add
# --------------------------------------------------------------------------------------
def _report_text(report, fail_on: str = "violation") -> str:
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
    "text": _report_text,
    "turtle": lambda report, _fail_on: report.to_turtle().rstrip("\n"),
    "json": lambda report, _fail_on: report.to_json(),
}


def _print_report(report, fmt: str, fail_on: str = "violation") -> None:
    click.echo(REPORT_WRITERS[fmt](report, fail_on))


@cli.command()
@click.argument("files", nargs=-1, required=True, metavar="FILE...")
@click.option("--format", "fmt", type=click.Choice(list(REPORT_WRITERS)), default="text", show_default=True, help="Report format (json: see docs/validation-report.md).")
@click.option("--fail-on", "fail_on", type=click.Choice(["violation", "warning", "info"]), default="violation", show_default=True, help="Exit 1 on a result of this severity or worse.")
@click.option("--allow-remote", is_flag=True, help="Allow remote JSON-LD contexts.")
@click.pass_obj
def validate(ctx: Ctx, files, fmt, fail_on, allow_remote):
    """Validate FILEs together with the home's graph under the home's SHACL shapes.

    Judges the files' nodes, and the home's nodes they touch, with what the home says about
    them. One line per result: file:line, severity, focus node, path, message, value. The
    files conform when there is no result at all. Exits 1 if a result of the --fail-on
    severity or worse exists (default: a violation, or a custom severity), 2 if a file
    cannot be read or the shapes are ill-formed.

    \b
    Examples:
      kgtool validate new-facts.ttl
      kgtool validate new-facts.ttl --format json --fail-on warning
    """
    from .validation import validate as run

    report = run(ctx.home, list(files), allow_remote=allow_remote)
    for note in report.notes:
        click.echo(f"Note: {note}", err=True)
    _print_report(report, fmt, fail_on)
    return ExitCode.NO if report.fails(fail_on) else ExitCode.OK


@cli.command()
@click.argument("files", nargs=-1, required=True, metavar="FILE...")
@click.option("--dry-run", is_flag=True, help="Report what would be added; change nothing.")
@click.option("--strict", is_flag=True, help="Refuse on warnings too.")
@click.option("--allow-remote", is_flag=True, help="Allow remote JSON-LD contexts.")
@click.pass_obj
def add(ctx: Ctx, files, dry_run, strict, allow_remote):
    """Validate FILEs with the home and merge them into its data, all or nothing.

    Refuses on any violation (and on warnings with --strict), and a submission with no new
    triple. Accepted triples land as one new file under data/submissions/ with a PROV record
    of when and from which file (name and sha256); delete it to revert. Concurrent adds wait
    for the home's lock. Exits 1 if the submission is refused.

    \b
    Examples:
      kgtool --home myhome add new-facts.ttl --dry-run
      kgtool --home myhome add new-facts.ttl
    """
    from .submission import add as run

    outcome = run(ctx.home, list(files), dry_run=dry_run, strict=strict, allow_remote=allow_remote)
    if outcome.report is not None:
        for r in outcome.report.results:
            click.echo(r.text())
    if outcome.reason:
        click.echo(f"Refused: {outcome.reason}; the home is unchanged.", err=True)
        return ExitCode.NO
    n = len(outcome.new_subjects)
    entities = f"{n} new entit{'y' if n == 1 else 'ies'}"
    if dry_run:
        click.echo(f"Would add {outcome.added} new triple(s) of {outcome.submitted}, describing {entities}; nothing was changed (dry run).")
        shown = ADD_LISTS_NEW_ENTITIES
        for iri in outcome.new_subjects[:shown]:
            click.echo(f"  new: {formats.shorten(iri, outcome.prefixes)}")
        if n > shown:
            click.echo(f"  ... and {n - shown} more")
    else:
        click.echo(f"Added {outcome.added} new triple(s) of {outcome.submitted}, describing {entities}, as {outcome.written}.")
    return ExitCode.OK


ADD_LISTS_NEW_ENTITIES = 20  # add --dry-run names at most this many new entities


# --------------------------------------------------------------------------------------
# stats / init
# --------------------------------------------------------------------------------------
@cli.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, help="Output format.")
@click.option("--no-check", is_flag=True, help="Skip validating the home against its shapes.")
@click.pass_obj
def stats(ctx: Ctx, fmt, no_check):
    """Figures of the home: triples asserted and inferred, instances per class, uses per property, shapes, conformance.

    \b
    Example:
      kgtool stats
    """
    import json

    from .stats import stats as run

    s = run(ctx.home, check=not no_check)
    if fmt == "json":
        click.echo(json.dumps(s, indent=2))
        return ExitCode.OK
    p = s["prefixes"]
    t = s["triples"]
    click.echo(f"home: {'(bundled) ' if s['bundled'] else ''}{s['home']}")
    click.echo(f"triples: {t['ontology'] + t['data']} asserted ({t['ontology']} ontology, {t['data']} data), {t['inferred']} inferred, {t['shapes']} in shapes")
    named = s["named_graphs"]
    if named["graphs"]:
        click.echo(f"named graphs: {named['graphs']} in the data, {named['triples']} triples (asserted only, not in the default graph)")
    f = s["files"]
    click.echo(f"files: {f['ontology']} ontology, {f['data']} data, {f['shapes']} shapes, {f['queries']} queries")
    sh = s["shapes"]
    click.echo(f"shapes: {sh.get('NodeShape', 0)} node shapes, {sh.get('PropertyShape', 0)} property shapes")
    if "conforms" in s:
        v = s["validation"]
        custom = "".join(f", {n} {severity}" for severity, n in v.items() if severity not in ("Violation", "Warning", "Info"))
        click.echo(f"conforms: {'yes' if s['conforms'] else 'no'} ({v['Violation']} violations, {v['Warning']} warnings, {v['Info']} info{custom})")
    click.echo("instances per class (with entailments):")
    for c, n in s["classes"][:25]:
        click.echo(f"  {n:6d}  {formats.shorten(c, p)}")
    if len(s["classes"]) > 25:
        click.echo(f"  ... {len(s['classes']) - 25} more classes (--format json lists all)")
    click.echo("uses per property (asserted data):")
    for prop, n in s["properties"][:25]:
        click.echo(f"  {n:6d}  {formats.shorten(prop, p)}")
    if len(s["properties"]) > 25:
        click.echo(f"  ... {len(s['properties']) - 25} more properties (--format json lists all)")
    return ExitCode.OK


@cli.command()
@click.argument("directory", metavar="DIR")
def init(directory):
    """Write a copy of the bundled graph to DIR (new or empty) to start a home of your own.

    \b
    Example:
      kgtool init myhome && kgtool --home myhome stats
    """
    from . import home

    dest = home.init(directory)
    click.echo(f"Created a kgtool home in {dest}; use it with --home {directory} or KGTOOL_HOME={directory}.")
    return ExitCode.OK


def main() -> None:
    cli.main()
