"""Read-only SPARQL: refuse Update, SERVICE and FROM by inspecting the parse tree; bind --param; enforce the timeout."""

from __future__ import annotations

import hashlib
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import pyoxigraph as ox

from . import __version__
from .errors import QueryError, QueryTimeout, UnsafeError, UsageError

DEFAULT_TIMEOUT = 60.0  # seconds; interactive use should never hang on a runaway query


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
# the gate
# --------------------------------------------------------------------------------------
def _walk(node: Any):
    """Every CompValue in an rdflib SPARQL parse tree."""
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, CompValue):
            yield item
            stack.extend(item.values())
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)) or type(item).__name__ == "ParseResults":
            stack.extend(list(item))


def _variables(tree: Any) -> set[str]:
    from rdflib.term import Variable

    found: set[str] = set()
    stack = [tree]
    while stack:
        item = stack.pop()
        if isinstance(item, Variable):
            found.add(str(item))
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)) or type(item).__name__ == "ParseResults":
            stack.extend(list(item))
    return found


def inspect(text: str, allow_remote: bool = False) -> set[str]:
    """Check a query is a read-only, local query; return its variable names.

    Raises QueryError for bad SPARQL or an Update, UnsafeError for SERVICE or FROM
    (unless allow_remote). Decided on rdflib's parse tree, never on the text.
    """
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    try:
        tree = parseQuery(text)
    except ParseException as e:
        try:
            parseUpdate(text)
        except ParseException:
            raise QueryError(f"bad SPARQL: {_parse_message(e)}", path="query", line=e.lineno, column=e.col) from None
        raise QueryError("SPARQL Update (INSERT, DELETE, LOAD, CLEAR, ...) is refused: kgtool query is read-only") from None
    except RecursionError:
        raise QueryError("the query is nested too deeply to read") from None
    for node in _walk(tree):
        if node.name == "ServiceGraphPattern" and not allow_remote:
            raise UnsafeError(
                f"SERVICE {_term(node.get('term'))} is refused: queries do not reach the network "
                "unless you pass --allow-remote"
            )
        if node.name == "DatasetClause":
            iri = node.get("default") or node.get("named")
            kind = "FROM NAMED" if node.get("named") is not None else "FROM"
            raise UnsafeError(
                f"{kind} {_term(iri)} is refused: kgtool queries the home's graph and reads no other "
                "graph, file or URL"
            )
    return _variables(tree)


def _term(term: Any) -> str:
    from rdflib.term import URIRef, Variable

    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, Variable):
        return f"?{term}"
    return str(term)


def _parse_message(e: Exception) -> str:
    msg = getattr(e, "msg", str(e))
    found = getattr(e, "found", None) or ""
    return f"{msg}, found {found!r}" if found else msg


def check(text: str, allow_remote: bool, cache_dir: Path | None) -> set[str] | None:
    """inspect(), remembering queries already found safe (rdflib's parser is slow to load)."""
    if cache_dir is None:
        return inspect(text, allow_remote)
    digest = hashlib.sha256(f"{__version__}\0{allow_remote}\0{text}".encode()).hexdigest()
    memo = cache_dir / "safe-queries" / digest
    if memo.is_file():
        return set(memo.read_text(encoding="utf-8").split())
    variables = inspect(text, allow_remote)
    try:
        memo.parent.mkdir(parents=True, exist_ok=True)
        tmp = memo.with_suffix(".tmp")
        tmp.write_text(" ".join(sorted(variables)), encoding="utf-8")
        tmp.replace(memo)
    except OSError:
        pass  # a read-only cache only costs speed
    return variables


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


def parse_params(params: list[str], prefixes: dict[str, str]) -> dict[str, Any]:
    bound: dict[str, Any] = {}
    for item in params:
        name, sep, value = item.partition("=")
        name = name.strip().lstrip("?$")
        if not sep or not _VAR.match(name):
            raise UsageError(f"--param '{item}' is not VAR=VALUE (for example --param state=cfr:Armenia)")
        bound[name] = parse_term(value, prefixes)
    return bound


# --------------------------------------------------------------------------------------
# evaluation
# --------------------------------------------------------------------------------------
def _oxigraph_error(e: Exception) -> QueryError:
    text = str(e)
    m = re.match(r"error at (\d+):(\d+): (.*)", text, re.S)
    if m:
        return QueryError(f"bad SPARQL: {m.group(3)}", path="query", line=int(m.group(1)), column=int(m.group(2)))
    return QueryError(f"the query failed: {text}")


def run(
    store: Any,
    text: str,
    sink: Callable[[QueryResult], None],
    *,
    default_graph: list,
    prefixes: dict[str, str] | None = None,
    bindings: dict[str, Any] | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
) -> str:
    """Evaluate a checked query over `default_graph` and hand the live result to `sink`; return its kind.

    Evaluation and `sink` run in a worker thread so that `timeout` bounds both; past it,
    QueryTimeout is raised (the worker is abandoned; a CLI process then exits).
    """
    outcome: dict[str, Any] = {}

    def work() -> None:
        try:
            raw = store.query(
                text,
                prefixes=prefixes or None,
                default_graph=default_graph,
                named_graphs=[],
                substitutions={ox.Variable(k): v for k, v in (bindings or {}).items()} or None,
            )
            if isinstance(raw, ox.QueryBoolean):
                result = QueryResult("ask", boolean_result=raw)
            elif isinstance(raw, ox.QuerySolutions):
                result = QueryResult("select", solutions=raw)
            else:
                result = QueryResult("graph", triples=raw)
            sink(result)
            outcome["kind"] = result.kind
        except SyntaxError as e:
            outcome["error"] = _oxigraph_error(e)
        except OSError as e:
            outcome["error"] = QueryError(f"the query failed: {e}")
        except BaseException as e:  # handed to the caller's thread
            outcome["error"] = e

    worker = threading.Thread(target=work, name="kgtool-query", daemon=True)
    worker.start()
    worker.join(timeout if timeout and timeout > 0 else None)
    if worker.is_alive():
        raise QueryTimeout(f"the query did not finish within {timeout:g} s (use --timeout to allow longer)")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["kind"]
