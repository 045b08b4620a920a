"""Parse RDF files safely (no network, no local files, no entity expansion) and convert between toolkits."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

import pyoxigraph as ox

from . import formats
from .errors import InputError, LimitError, UnsafeError

# Past these a file is refused with a clear error instead of exhausting the machine.
MAX_INPUT_BYTES = int(os.environ.get("KGTOOL_MAX_INPUT_BYTES", str(2 * 1024**3)))
MAX_JSON_DEPTH = 256


def _where(message: str) -> str:
    """Oxigraph's message without its position (we report the position ourselves)."""
    message = re.sub(r"^Parser error (at line \d+ (between columns \d+ and \d+|column \d+)|between line \d+ column \d+ and line \d+ column \d+): ", "", message)
    return re.sub(r" \(line \d+\)$", "", message)


def _json_depth_and_contexts(node: Any, depth: int, remote: list[str]) -> None:
    """Walk a JSON-LD document, collecting remote context references (strings in @context, @import)."""
    if depth > MAX_JSON_DEPTH:
        raise LimitError(f"JSON nested more than {MAX_JSON_DEPTH} levels deep")
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "@context":
                for ctx in value if isinstance(value, list) else [value]:
                    if isinstance(ctx, str):
                        remote.append(ctx)
                    elif isinstance(ctx, dict) and isinstance(ctx.get("@import"), str):
                        remote.append(ctx["@import"])
            _json_depth_and_contexts(value, depth + 1, remote)
    elif isinstance(node, list):
        for item in node:
            _json_depth_and_contexts(item, depth + 1, remote)


def _check_jsonld(data: bytes, display: str) -> None:
    try:
        doc = json.loads(data)
    except RecursionError as e:
        raise LimitError("JSON nested too deeply to read", path=display) from e
    except json.JSONDecodeError as e:
        raise InputError(f"invalid JSON: {e.msg}", path=display, line=e.lineno, column=e.colno) from e
    except UnicodeDecodeError as e:
        raise InputError("not UTF-8 text", path=display) from e
    remote: list[str] = []
    try:
        _json_depth_and_contexts(doc, 0, remote)
    except LimitError as e:
        e.path = display
        raise
    if remote:
        raise UnsafeError(
            f"refused to fetch the remote JSON-LD @context '{remote[0]}'; inline the context, "
            "or pass --allow-remote",
            path=display,
        )


def _check_rdfxml(data: bytes, display: str) -> None:
    """Refuse any DTD: entities could read local files (XXE) or expand without bound."""
    from xml.parsers import expat

    parser = expat.ParserCreate()

    class Refused(Exception):
        pass

    def doctype(*_args):
        raise Refused()

    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = doctype
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    try:
        parser.Parse(data, True)
    except Refused:
        raise UnsafeError(
            "RDF/XML with a DOCTYPE is refused: its entities could read local files or expand without bound",
            path=display,
            line=parser.CurrentLineNumber,
        ) from None
    except expat.ExpatError as e:
        raise InputError(f"invalid XML: {expat.ErrorString(e.code)}", path=display, line=e.lineno, column=e.offset + 1) from e


def read_bytes(path: Path, display: str) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_INPUT_BYTES:
            raise LimitError(f"file is {size} bytes, over the limit of {MAX_INPUT_BYTES} (KGTOOL_MAX_INPUT_BYTES)", path=display)
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError("no such file", path=display) from None
    except IsADirectoryError:
        raise InputError("is a directory, not a file", path=display) from None
    except OSError as e:
        raise InputError(f"cannot read: {e.strerror}", path=display) from e


@dataclass
class Parsed:
    """What a document holds: its triples and the prefixes it declares."""

    triples: list[ox.Triple]
    prefixes: dict[str, str]


def parse_bytes(data: bytes, fmt: formats.Format, display: str, allow_remote: bool = False) -> Parsed:
    """The triples of one serialized document; InputError (with line) or UnsafeError when refused."""
    if fmt.rdf_format == ox.RdfFormat.JSON_LD and not allow_remote:
        _check_jsonld(data, display)
    if fmt.rdf_format == ox.RdfFormat.RDF_XML:
        _check_rdfxml(data, display)
    try:
        parser = ox.parse(data, fmt.rdf_format, rename_blank_nodes=True)
        quads = list(parser)
    except SyntaxError as e:
        raise InputError(_where(str(e)), path=display, line=e.lineno, column=e.offset) from None
    except ValueError as e:
        raise InputError(str(e), path=display) from None
    triples = []
    for q in quads:
        if not isinstance(q.graph_name, ox.DefaultGraph):
            raise InputError(
                f"has triples in the named graph {q.graph_name}; kgtool keeps one graph, put them in the default graph",
                path=display,
            )
        triples.append(q.triple)
    return Parsed(triples, dict(parser.prefixes))


def parse_file(path: str | Path, display: str | None = None, allow_remote: bool = False) -> Parsed:
    """Parse one file, its format told by its extension."""
    path = Path(path)
    display = display or str(path)
    fmt = formats.for_path(path)
    return parse_bytes(read_bytes(path, display), fmt, display, allow_remote)


def to_rdflib(triples: Iterable[ox.Triple], graph=None):
    """An rdflib Graph of the triples (for owlrl and pySHACL), via N-Triples."""
    import rdflib

    graph = graph if graph is not None else rdflib.Graph()
    data = ox.serialize(triples, None, ox.RdfFormat.N_TRIPLES)
    if data:
        graph.parse(data=data.decode("utf-8"), format="nt")
    return graph


def from_rdflib(graph) -> list[ox.Triple]:
    """The triples of an rdflib Graph as pyoxigraph triples, via N-Triples."""
    data = graph.serialize(format="nt", encoding="utf-8")
    return [q.triple for q in ox.parse(data, ox.RdfFormat.N_TRIPLES)]


def from_rdflib_triples(triples: Iterable) -> list[ox.Triple]:
    """rdflib (s, p, o) tuples as pyoxigraph Triples, via N-Triples."""
    lines = [f"{s.n3()} {p.n3()} {o.n3()} .\n" for s, p, o in triples]
    if not lines:
        return []
    # Turtle, not N-Triples: rdflib writes multi-line strings with """ quotes.
    return [q.triple for q in ox.parse("".join(lines).encode("utf-8"), ox.RdfFormat.TURTLE)]
