"""Read-only SPARQL: refuse Update, SERVICE and FROM by inspecting the parse tree; bind --param; enforce the timeout."""

from __future__ import annotations

import re
import sys
import threading
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import pyoxigraph as ox

from . import __version__
from .errors import QueryError, QueryTimeout, UnsafeError, UsageError
from .fsutil import atomic_write

DEFAULT_TIMEOUT = 60.0  # seconds; interactive use should never hang on a runaway query


@dataclass(frozen=True)
class Checked:
    """What the gate learnt of a safe query: its kind and its variables."""

    kind: str  # "select" | "ask" | "graph" (CONSTRUCT, DESCRIBE)
    variables: frozenset[str]


_KINDS = {"SelectQuery": "select", "AskQuery": "ask", "ConstructQuery": "graph", "DescribeQuery": "graph"}


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
# worker threads: a timeout the caller can enforce, and a stack deep enough for Oxigraph
# --------------------------------------------------------------------------------------
# Oxigraph's SPARQL parser and evaluator recurse on the query's algebra; on the default 8 MiB
# thread stack a chain of ~10,000 operators crashes the process. The gate below keeps queries
# well under that, and the worker gets a larger stack (reserved, not committed) for margin.
WORKER_STACK_BYTES = 256 * 1024**2
# The most nodes (operators, patterns, terms) a query's parse tree may have.
MAX_QUERY_NODES = 20_000


# rdflib's parser (pyparsing) needs ~50 Python frames per level of nesting, so the default limit
# of 1000 refuses a SERVICE inside a SERVICE. On the large stack the gate raises it to this.
PARSE_RECURSION_LIMIT = 20_000


def _start(target: Callable[[bool], None], name: str) -> threading.Thread:
    """Start a daemon thread running target(big_stack), with a large stack where the platform allows it."""
    old = threading.stack_size()
    try:
        try:
            threading.stack_size(WORKER_STACK_BYTES)
            big = True
        except (ValueError, RuntimeError):
            big = False
        worker = threading.Thread(target=target, args=(big,), name=name, daemon=True)
        try:
            worker.start()
        except RuntimeError:  # the stack could not be reserved: use the default
            threading.stack_size(old)
            worker = threading.Thread(target=target, args=(False,), name=name, daemon=True)
            worker.start()
    finally:
        threading.stack_size(old)
    return worker


# --------------------------------------------------------------------------------------
# the gate
# --------------------------------------------------------------------------------------
def _items(tree: Any):
    """Every item of an rdflib SPARQL parse tree (operators, patterns, terms), depth first in the order of the text."""
    stack = [tree]
    while stack:
        item = stack.pop()
        yield item
        if isinstance(item, dict):  # a CompValue is a dict
            stack.extend(reversed(list(item.values())))
        elif isinstance(item, (list, tuple)) or type(item).__name__ == "ParseResults":
            stack.extend(reversed(list(item)))


def _walk(tree: Any):
    """Every CompValue (operator, pattern, clause) of a parse tree, in the order of the text."""
    from rdflib.plugins.sparql.parserutils import CompValue

    return (item for item in _items(tree) if isinstance(item, CompValue))


def _size(tree: Any) -> int:
    """How many nodes (operators, patterns, terms) a parse tree has."""
    return sum(1 for _ in _items(tree))


def _variables(tree: Any) -> set[str]:
    """The names of the variables a parse tree mentions."""
    from rdflib.term import Variable

    return {str(item) for item in _items(tree) if isinstance(item, Variable)}


class _NoServiceText:
    """Stands in for pyparsing's original_text_for while the gate parses (see _parse)."""

    def __init__(self, _expr: Any):
        pass

    def search_string(self, _text: str) -> list[list[str]]:
        return [[""]]


def _parse_query(text: str) -> Any:
    """rdflib's parseQuery, without its copy of each SERVICE clause's text.

    For every SERVICE, rdflib searches the whole query again for the clause's text (kept for
    its own SERVICE evaluation, which kgtool never uses). That search recurses without end on
    a SERVICE inside a SERVICE and fails on a valid query with a '#' in a string before a
    SERVICE; the gate needs neither, so it is switched off while the gate parses.
    """
    from rdflib.plugins.sparql import parserutils
    from rdflib.plugins.sparql.parser import parseQuery

    with _SERVICE_TEXT_LOCK:
        original = parserutils.original_text_for
        parserutils.original_text_for = _NoServiceText
        try:
            return parseQuery(text)
        finally:
            parserutils.original_text_for = original


_SERVICE_TEXT_LOCK = threading.Lock()


def _parse(text: str) -> Any:
    """rdflib's parse tree of a query; QueryError for bad SPARQL, an Update, or one nested too deeply."""
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        return _parse_query(text)
    except ParseBaseException as e:
        error = e
    except RecursionError:
        raise QueryError("the query is nested too deeply to read") from None
    except Exception as e:  # rdflib raises plain exceptions for some lexical errors
        raise QueryError(f"bad SPARQL: {e}", path="query") from None
    try:
        update = parseUpdate(text)
    except Exception:
        raise QueryError(f"bad SPARQL: {_parse_message(error)}", path="query", line=error.lineno, column=error.col) from None
    for node in _walk(update):
        if node.name == "Load":
            raise UnsafeError(
                f"LOAD {_term(node.get('iri'))} is refused: kgtool query is read-only and reads no other graph, file or URL"
            )
    raise QueryError("SPARQL Update (INSERT, DELETE, LOAD, CLEAR, ...) is refused: kgtool query is read-only")


def _judge(text: str, allow_remote: bool) -> Checked:
    from rdflib.term import URIRef

    tree = _parse(text)
    if _size(tree) > MAX_QUERY_NODES:
        raise QueryError(f"the query is too large: over {MAX_QUERY_NODES} operators, patterns and terms")
    for node in _walk(tree):
        if node.name == "ServiceGraphPattern":
            silent = "SILENT " if "silent" in node else ""
            endpoint = node.get("term")
            if not allow_remote:
                raise UnsafeError(
                    f"SERVICE {silent}{_term(endpoint)} is refused: queries do not reach the network "
                    "unless you pass --allow-remote"
                )
            if isinstance(endpoint, URIRef) and not re.match(r"(?i)https?://", str(endpoint)):
                raise UnsafeError(f"SERVICE {silent}{_term(endpoint)} is refused: only http and https endpoints can be queried")
        # FROM and FROM NAMED pass here: they may name the home's own graphs (see `dataset`).
    return Checked(_KINDS[tree[-1].name], frozenset(_variables(tree)))


def inspect(text: str, allow_remote: bool = False, timeout: float | None = DEFAULT_TIMEOUT) -> Checked:
    """Check a query is a read-only, local query of a bounded size; return its kind and variables.

    Raises QueryError for bad SPARQL, an Update, or a query too large or too deeply nested;
    UnsafeError for SERVICE (unless allow_remote) or LOAD (FROM and FROM NAMED are judged by
    `dataset`, which knows the home's graphs); QueryTimeout if
    checking takes longer than `timeout`. Decided on rdflib's parse tree, never on the text.
    """
    from . import rdfio

    limit = rdfio.max_input_bytes()
    if len(text) > limit:
        raise QueryError(f"the query is {len(text)} characters, over the limit of {limit} (KGTOOL_MAX_INPUT_BYTES)")
    outcome: dict[str, Any] = {}

    def work(big_stack: bool) -> None:
        limit = sys.getrecursionlimit()
        try:
            if big_stack:
                sys.setrecursionlimit(max(limit, PARSE_RECURSION_LIMIT))
            outcome["checked"] = _judge(text, allow_remote)
        except (QueryError, UnsafeError) as e:
            outcome["error"] = e.with_traceback(None)
        except RecursionError:
            outcome["error"] = QueryError("the query is nested too deeply to read")
        except BaseException as e:  # a bug: handed to the caller
            outcome["error"] = e
        finally:
            sys.setrecursionlimit(limit)

    return _await(_start(work, "kgtool-query-check"), outcome, timeout, "could not be checked")["checked"]


def dataset(text: str, base_iri: str | None, prefixes: dict[str, str], graphs: list) -> tuple[list, list] | None:
    """The (default graphs, named graphs) a checked query's FROM and FROM NAMED choose, or None if it has neither.

    A dataset clause may only name a named graph of the home (`graphs`): nothing else is read,
    so any other IRI (a URL, a file) is refused with UnsafeError, even with --allow-remote.
    IRIs resolve as the query's own BASE and PREFIX lines and `base_iri` say.
    """
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


def check(
    text: str, allow_remote: bool, cache_dir: Path | None, timeout: float | None = DEFAULT_TIMEOUT, source: str = "query"
) -> Checked:
    """inspect(), remembering queries already found safe (rdflib's parser is slow to load).

    `source` names the query in errors: its file, `queries/NAME.rq`, `<stdin>` or `query`.
    """
    try:
        return _check(text, allow_remote, cache_dir, timeout)
    except QueryError as e:
        if e.path == "query":
            e.path = source
        raise


def _check(text: str, allow_remote: bool, cache_dir: Path | None, timeout: float | None) -> Checked:
    if cache_dir is None:
        return inspect(text, allow_remote, timeout)
    # The memo holds the whole key and is trusted only on an exact match, so a cheap
    # checksum can name it (hashlib's OpenSSL start-up costs more than the rest of a warm check).
    key = f"{__version__}\0kind+variables\0{allow_remote}\0{MAX_QUERY_NODES}\0{text}"  # memo format 2
    memo = cache_dir / "safe-queries" / f"{zlib.crc32(key.encode()):08x}-{len(key)}"
    try:
        kind, _, rest = memo.read_text(encoding="utf-8").partition(" ")
        variables_line, _, stored = rest.partition("\n")
        if stored == key and kind in _KINDS.values():
            return Checked(kind, frozenset(variables_line.split()))
    except (OSError, UnicodeDecodeError):
        pass
    checked = inspect(text, allow_remote, timeout)
    try:
        atomic_write(memo, f"{checked.kind} {' '.join(sorted(checked.variables))}\n{key}".encode("utf-8"), fsync=False)
    except OSError:
        pass  # a read-only cache only costs speed
    return checked


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
        unknown: dict = {}  # functions Oxigraph does not know: they give no value
        try:
            while True:
                try:
                    raw = store.query(
                        text,
                        base_iri=base_iri,
                        prefixes=prefixes or None,
                        default_graph=default_graph,
                        named_graphs=list(named_graphs or []),
                        custom_functions=unknown or None,
                    )
                    break
                except RuntimeError as e:
                    # An unknown function is an evaluation error, not a syntax error (SPARQL 1.1
                    # §17.3): like Jena, give no value and say so. Oxigraph refuses it at
                    # preparation, one function at a time, before any evaluation.
                    m = re.fullmatch(r"The custom function <(.*)> is not supported", str(e))
                    if m is None or len(unknown) > 100:
                        raise QueryError(f"the query failed: {' '.join(str(e).split())}", path=source) from None
                    unknown[ox.NamedNode(m.group(1))] = _no_value
                    if notes is not None:
                        notes.append(f"the function <{m.group(1)}> is unknown to kgtool: it gives no value")
            if isinstance(raw, ox.QueryBoolean):
                result = QueryResult("ask", boolean_result=raw)
            elif isinstance(raw, ox.QuerySolutions):
                result = QueryResult("select", solutions=raw)
            else:
                result = QueryResult("graph", triples=raw)
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

    return _await(_start(work, "kgtool-query"), outcome, timeout, "did not finish")["kind"]


def _no_value(*_args: Any) -> None:
    """The value of a function kgtool does not know: none (an evaluation error)."""
    return None


def _await(worker, outcome: dict, timeout: float | None, what: str) -> dict:
    """Wait for a worker thread up to `timeout`; raise QueryTimeout past it, or the worker's error."""
    worker.join(timeout if timeout and timeout > 0 else None)
    if worker.is_alive():
        raise QueryTimeout(f"the query {what} within {timeout:g} s (use --timeout to allow longer)")
    if "error" in outcome:
        raise outcome["error"]
    return outcome
