"""The query gate: a query is read-only, local and of a bounded size, decided on rdflib's parse tree (never the text), and remembered."""

from __future__ import annotations

import re
import sys
import threading
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import __version__
from .errors import QueryError, UnsafeError
from .fsutil import atomic_write
from .workers import DEFAULT_TIMEOUT, start, wait

# The most nodes (operators, patterns, terms) a query's parse tree may have.
MAX_QUERY_NODES = 20_000
# rdflib's parser (pyparsing) needs ~50 Python frames per level of nesting, so the default limit
# of 1000 refuses a SERVICE inside a SERVICE. On the worker's large stack the gate raises it to this.
PARSE_RECURSION_LIMIT = 20_000


@dataclass(frozen=True)
class Checked:
    """What the gate learnt of a safe query: its kind and its variables."""

    kind: str  # "select" | "ask" | "graph" (CONSTRUCT, DESCRIBE)
    variables: frozenset[str]


_KINDS = {"SelectQuery": "select", "AskQuery": "ask", "ConstructQuery": "graph", "DescribeQuery": "graph"}


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

    return wait(start(work, "kgtool-query-check"), outcome, timeout, "could not be checked")["checked"]


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
