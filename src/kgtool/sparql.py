"""Read-only SPARQL over the store: --param, FROM over the home's graphs, evaluation under a timeout, Oxigraph's errors in one line."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable

import pyoxigraph as ox

from .errors import QueryError, UnsafeError, UsageError
from .workers import DEFAULT_TIMEOUT, start, wait


@dataclass
class QueryResult:
    """What a query returned: SELECT solutions, an ASK boolean or CONSTRUCT/DESCRIBE triples (consumed once)."""

    kind: str  # "select" | "ask" | "graph"
    solutions: Any = None  # pyoxigraph.QuerySolutions
    boolean_result: Any = None  # pyoxigraph.QueryBoolean
    triples: Any = None  # pyoxigraph.QueryTriples

    @property
    def boolean(self) -> bool | None:
        return bool(self.boolean_result) if self.kind == "ask" else None


# --------------------------------------------------------------------------------------
# parameters
# --------------------------------------------------------------------------------------
_VAR = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def parse_term(value: str, prefixes: dict[str, str]) -> Any:
    """A --param value written as a Turtle term (prefixed name, <IRI>, literal, 42, true); else a plain string."""
    head = "".join(f"@prefix {name}: <{ns}> .\n" for name, ns in prefixes.items())
    doc = f"{head}<urn:kgtool:s> <urn:kgtool:p> {value} .\n".encode("utf-8")
    try:
        quads = list(ox.parse(doc, ox.RdfFormat.TURTLE))
    except (SyntaxError, ValueError):
        quads = []
    if len(quads) == 1 and not isinstance(quads[0].object, ox.BlankNode):
        return quads[0].object
    return ox.Literal(value)


def parse_params(params: list[str], prefixes: dict[str, str], variables: frozenset[str] | None = None) -> dict[str, Any]:
    """{variable name: term} of `--param VAR=VALUE` items; UsageError for a malformed item or
    (given the query's `variables`) a variable the query does not have."""
    bound: dict[str, Any] = {}
    for item in params:
        name, sep, value = item.partition("=")
        name = name.strip().lstrip("?$")
        if not sep or not _VAR.match(name):
            raise UsageError(f"--param '{item}' is not VAR=VALUE (for example --param state=cfr:armenia)")
        if variables is not None and name not in variables:
            raise UsageError(f"--param {name}: the query has no variable ?{name}")
        bound[name] = parse_term(value, prefixes)
    return bound


# --------------------------------------------------------------------------------------
# the dataset
# --------------------------------------------------------------------------------------
def dataset(text: str, base_iri: str | None, prefixes: dict[str, str], graphs: list) -> tuple[list, list] | None:
    """The (default graphs, named graphs) a checked query's FROM and FROM NAMED choose, or None if it has neither.

    A dataset clause may only name a named graph of the home (`graphs`): nothing else is read,
    so any other IRI (a URL, a file) is refused with UnsafeError, even with --allow-remote.
    IRIs resolve as the query's own BASE and PREFIX lines and `base_iri` say.
    """
    if not re.search(r"(?i)\bfrom\b", text):  # every query passes here: most have no dataset clause
        return None
    from urllib.parse import urljoin

    from .querytext import tokens

    code = [t for t in tokens(text) if t.kind not in ("ws", "comment")]
    known = {g.value: g for g in graphs if isinstance(g, ox.NamedNode)}
    declared = dict(prefixes)
    base = base_iri or ""
    chosen: dict[str, list] = {"FROM": [], "FROM NAMED": []}

    def resolve(t) -> str:
        if t.kind == "iri":
            return urljoin(base, t.text[1:-1]) if base else t.text[1:-1]
        prefix, _, local = t.text.partition(":")
        return declared.get(prefix, "") + re.sub(r"\\(.)", r"\1", local)

    for n, t in enumerate(code):
        if t.keyword == "BASE" and n + 1 < len(code):
            base = resolve(code[n + 1])
        elif t.keyword == "PREFIX" and n + 2 < len(code):
            declared[code[n + 1].text[:-1]] = resolve(code[n + 2])
        elif t.keyword == "FROM" and n + 1 < len(code):
            named = code[n + 1].keyword == "NAMED"
            clause = "FROM NAMED" if named else "FROM"
            iri = resolve(code[n + 2 if named else n + 1])
            if iri not in known:
                raise UnsafeError(
                    f"{clause} <{iri}> is refused: it is not a named graph of the home, and kgtool reads no other "
                    "graph, file or URL (not even with --allow-remote)"
                )
            chosen[clause].append(known[iri])  # (FROM is a keyword of dataset clauses only)
    if not chosen["FROM"] and not chosen["FROM NAMED"]:
        return None
    return chosen["FROM"], chosen["FROM NAMED"]



# --------------------------------------------------------------------------------------
# evaluation
# --------------------------------------------------------------------------------------
def _oxigraph_error(e: Exception, text: str, prefixes: dict[str, str], source: str) -> QueryError:
    """Oxigraph's error as one clear line. Its syntax errors can span lines and bury the point."""
    m = re.match(r"error at (\d+):(\d+): (.*)", str(e), re.S)
    if not m:
        return QueryError(f"the query failed: {' '.join(str(e).split())}")
    line, column, message = int(m.group(1)), int(m.group(2)), " ".join(m.group(3).split())
    # The gate (rdflib) found the syntax good, so Oxigraph most likely met an undeclared prefix,
    # which it reports variously ("Prefix not found", "expected OPTIONAL"): look for one.
    from .querytext import tokens

    lines = text.splitlines()
    where = tokens(lines[line - 1]) if 0 < line <= len(lines) else []
    code = [t for t in tokens(text) if t.kind not in ("ws", "comment")]
    declared = set(prefixes) | {t.text[:-1] for k, t in zip(code, code[1:]) if k.keyword == "PREFIX"}
    missing = [t.text.partition(":")[0] for t in where if t.kind == "pname" and not t.text.startswith("_:") and t.text.partition(":")[0] not in declared]
    if missing or "Prefix not found" in message:
        name = f"'{missing[0]}:' " if missing else ""
        known = ", ".join(sorted(p for p in prefixes if p))
        message = f"the prefix {name}is not declared; add a PREFIX line (prefixes the home knows: {known})"
    return QueryError(f"bad SPARQL: {message}", path=source, line=line, column=column)


def run(
    store: Any,
    text: str,
    sink: Callable[[QueryResult], None],
    *,
    default_graph: list,
    named_graphs: list | None = None,
    prefixes: dict[str, str] | None = None,
    bindings: dict[str, Any] | None = None,
    base_iri: str | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
    source: str = "query",
    notes: list[str] | None = None,
) -> str:
    """Evaluate a checked query over `default_graph` and hand the live result to `sink`; return its kind.

    `named_graphs`: the graphs GRAPH may see (none by default). `bindings` bind variables
    wherever they occur (querytext.bind); `base_iri` resolves the query's relative IRIs.
    Evaluation and `sink` run in a worker thread so that `timeout` bounds both; past it,
    QueryTimeout is raised (the worker is abandoned; a CLI process then exits).
    """
    from . import querytext

    given = text
    text = querytext.simple_group_concat(text)
    text = querytext.bind(text, {name: str(term) for name, term in (bindings or {}).items()})
    outcome: dict[str, Any] = {}

    def work(_big_stack: bool) -> None:
        raw = result = None
        try:
            raw = _query(store, text, source, notes, base_iri=base_iri, prefixes=prefixes or None,
                         default_graph=default_graph, named_graphs=list(named_graphs or []))
            kind = "ask" if isinstance(raw, ox.QueryBoolean) else "select" if isinstance(raw, ox.QuerySolutions) else "graph"
            result = QueryResult(kind, **{_RESULT_FIELD[kind]: raw})
            sink(result)
            outcome["kind"] = result.kind
        except SyntaxError as e:
            outcome["error"] = _oxigraph_error(e, given, prefixes or {}, source)
        except OSError as e:
            outcome["error"] = QueryError(f"the query failed: {e}")
        except BaseException as e:  # handed to the caller's thread
            # Oxigraph's live results may only be dropped in this thread: the traceback's frames
            # must not keep them alive ("... is unsendable, but is being dropped on another thread").
            import traceback

            traceback.clear_frames(e.__traceback__)
            outcome["error"] = e
        finally:
            raw = result = None

    return wait(start(work, "kgtool-query"), outcome, timeout, "did not finish")["kind"]


_RESULT_FIELD = {"ask": "boolean_result", "select": "solutions", "graph": "triples"}


def _query(store: Any, text: str, source: str, notes: list[str] | None, **options: Any) -> Any:
    """store.query(text, **options), where a function Oxigraph does not know gives no value.

    An unknown function is an evaluation error, not a syntax error (SPARQL 1.1 §17.3): like
    Jena, kgtool gives no value and says so in `notes`. Oxigraph refuses such a function when
    it prepares the query, one at a time, before any evaluation; each is then declared.
    """
    unknown: dict = {}
    while True:
        try:
            return store.query(text, custom_functions=unknown or None, **options)
        except RuntimeError as e:
            m = re.fullmatch(r"The custom function <(.*)> is not supported", str(e))
            if m is None or len(unknown) > 100:
                raise QueryError(f"the query failed: {' '.join(str(e).split())}", path=source) from None
            unknown[ox.NamedNode(m.group(1))] = _no_value
            if notes is not None:
                notes.append(f"the function <{m.group(1)}> is unknown to kgtool: it gives no value")


def _no_value(*_args: Any) -> None:
    """The value of a function kgtool does not know: none (an evaluation error)."""
    return None
