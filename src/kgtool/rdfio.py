"""Parse RDF files safely (no network, no local files, no entity expansion) into pyoxigraph triples, with errors as InputError(path, line)."""

from __future__ import annotations

import io
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from . import formats
from .errors import InputError, LimitError, UnsafeError

# Past these a file is refused with a clear error instead of exhausting the machine.
DEFAULT_MAX_INPUT_BYTES = 2 * 1024**3
MAX_JSON_DEPTH = 256
# Deeper nesting ([ ], ( ), << >>, XML elements) is refused: Oxigraph's parsers and rdflib's
# serializers recurse on it (a triple term nested 50,000 deep crashes the process) and the
# RDF/XML parser slows down with the square of the depth. Real data nests a few levels.
MAX_NESTING = 256
# Remote JSON-LD contexts fetched with --allow-remote: at most this many, this large, this slow.
MAX_REMOTE_CONTEXTS = 16
MAX_CONTEXT_BYTES = 1024**2
CONTEXT_TIMEOUT = 10.0


def max_input_bytes() -> int:
    """The size limit of one input file: $KGTOOL_MAX_INPUT_BYTES, else 2 GiB."""
    value = os.environ.get("KGTOOL_MAX_INPUT_BYTES", "")
    try:
        return int(value) if value.strip() else DEFAULT_MAX_INPUT_BYTES
    except ValueError:
        raise InputError(f"KGTOOL_MAX_INPUT_BYTES={value!r} is not a number of bytes") from None


def _printable(message: str) -> str:
    """A message with invisible and control characters written as \\uXXXX, so that it stays one readable line."""
    return "".join(c if c.isprintable() else f"\\u{ord(c):04X}" for c in message)


def _where(message: str) -> str:
    """Oxigraph's message without its position (we report the position ourselves)."""
    message = re.sub(r"^Parser error (at line \d+ (between columns \d+ and \d+|column \d+)|between line \d+ column \d+ and line \d+ column \d+): ", "", message)
    return re.sub(r" \(line \d+\)$", "", message)


# --------------------------------------------------------------------------------------
# JSON-LD: no remote @context unless asked; bounded depth
# --------------------------------------------------------------------------------------
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


def _load_json(data: bytes, display: str) -> Any:
    try:
        return json.loads(data)
    except RecursionError:
        raise LimitError(f"JSON nested more than {MAX_JSON_DEPTH} levels deep", path=display) from None
    except json.JSONDecodeError as e:
        raise InputError(f"invalid JSON: {e.msg}", path=display, line=e.lineno, column=e.colno) from None
    except (UnicodeDecodeError, ValueError):
        raise InputError("invalid JSON: not UTF-8 text", path=display) from None


def _remote_contexts(doc: Any, display: str) -> list[str]:
    remote: list[str] = []
    try:
        _json_depth_and_contexts(doc, 0, remote)
    except LimitError as e:
        e.path = display
        raise
    return remote


def _fetch_context(url: str, display: str) -> Any:
    """The @context of the JSON-LD document at an http(s) URL (only with --allow-remote)."""
    import urllib.error
    import urllib.request

    if not re.match(r"(?i)https?://", url):
        raise UnsafeError(f"refused to read the JSON-LD @context '{url}': only http and https contexts can be fetched", path=display)
    request = urllib.request.Request(url, headers={"Accept": "application/ld+json, application/json"})
    try:
        with urllib.request.urlopen(request, timeout=CONTEXT_TIMEOUT) as response:
            body = response.read(MAX_CONTEXT_BYTES + 1)
    except (urllib.error.URLError, OSError, ValueError) as e:
        raise InputError(f"cannot fetch the JSON-LD @context '{url}': {getattr(e, 'reason', e)}", path=display) from None
    if len(body) > MAX_CONTEXT_BYTES:
        raise LimitError(f"the JSON-LD @context '{url}' is over {MAX_CONTEXT_BYTES} bytes", path=display)
    fetched = _load_json(body, f"{display}: @context {url}")
    if not isinstance(fetched, dict) or "@context" not in fetched:
        raise InputError(f"the JSON-LD @context '{url}' has no @context", path=display)
    return fetched["@context"]


def _inline_contexts(node: Any, contexts: dict[str, Any]) -> Any:
    """The document with every remote context reference replaced by its (fetched) content."""
    if isinstance(node, list):
        return [_inline_contexts(item, contexts) for item in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key == "@context":
            items = []
            for ctx in value if isinstance(value, list) else [value]:
                if isinstance(ctx, str):
                    ctx = contexts[ctx]
                elif isinstance(ctx, dict) and isinstance(ctx.get("@import"), str):
                    imported = contexts[ctx["@import"]]
                    rest = {k: v for k, v in ctx.items() if k != "@import"}
                    ctx = [imported, rest] if not isinstance(imported, list) else [*imported, rest]
                items.extend(ctx if isinstance(ctx, list) else [ctx])
            value = items if len(items) != 1 else items[0]
        out[key] = _inline_contexts(value, contexts)
    return out


def _check_jsonld(data: bytes, display: str, allow_remote: bool) -> bytes:
    """The document to parse: refused if it names a remote @context, unless allow_remote (then inlined)."""
    doc = _load_json(data, display)
    remote = _remote_contexts(doc, display)
    if not remote:
        return data
    if not allow_remote:
        raise UnsafeError(
            f"refused to fetch the remote JSON-LD @context '{remote[0]}'; inline the context, "
            "or pass --allow-remote",
            path=display,
        )
    contexts: dict[str, Any] = {}
    while remote:  # fetched contexts may name further contexts
        for url in remote:
            if url not in contexts:
                if len(contexts) >= MAX_REMOTE_CONTEXTS:
                    raise LimitError(f"names more than {MAX_REMOTE_CONTEXTS} remote JSON-LD contexts", path=display)
                contexts[url] = _fetch_context(url, display)
        doc = _inline_contexts(doc, contexts)
        remote = _remote_contexts(doc, display)
    return json.dumps(doc).encode("utf-8")


# --------------------------------------------------------------------------------------
# RDF/XML: no DTD (so no external entity, no entity expansion); bounded depth
# --------------------------------------------------------------------------------------
def _check_rdfxml(data: bytes, display: str) -> None:
    """Refuse any DTD (entities could read local files (XXE) or expand without bound) and deep nesting."""
    from xml.parsers import expat

    parser = expat.ParserCreate()

    class Refused(Exception):
        pass

    class TooDeep(Exception):
        pass

    depth = 0

    def doctype(*_args):
        raise Refused()

    def start(*_args):
        nonlocal depth
        depth += 1
        if depth > MAX_NESTING:
            raise TooDeep()

    def end(*_args):
        nonlocal depth
        depth -= 1

    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = doctype
    parser.ExternalEntityRefHandler = doctype
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    try:
        parser.Parse(data, True)
    except Refused:
        raise UnsafeError(
            "RDF/XML with a DOCTYPE is refused: its entities could read local files or expand without bound",
            path=display,
            line=parser.CurrentLineNumber,
        ) from None
    except TooDeep:
        raise LimitError(f"XML elements nested more than {MAX_NESTING} levels deep", path=display, line=parser.CurrentLineNumber) from None
    except expat.ExpatError as e:
        raise InputError(f"invalid XML: {expat.ErrorString(e.code)}", path=display, line=e.lineno, column=e.offset + 1) from None
    except (ValueError, UnicodeError) as e:
        raise InputError(f"invalid XML: {e}", path=display) from None


# --------------------------------------------------------------------------------------
# Turtle family: bounded nesting of [ ], ( ) and << >> (triple terms, reified triples)
# --------------------------------------------------------------------------------------
# What the nesting scan must see past: strings, IRIs, comments and escaped name characters
# (ex:a\(b), so that a bracket inside them is not counted.
_TURTLE_TOKEN = re.compile(
    rb'"""[^"\\]*(?:(?:\\.|"(?!""))[^"\\]*)*"""'  # loops unrolled: linear in a 16 MiB literal
    rb"|'''[^'\\]*(?:(?:\\.|'(?!''))[^'\\]*)*'''"
    rb'|"[^"\\\n\r]*(?:\\.[^"\\\n\r]*)*"'
    rb"|'[^'\\\n\r]*(?:\\.[^'\\\n\r]*)*'"
    rb"|<<|>>"
    rb'|<[^<>"{}|^`\\\x00-\x20]*>'
    rb"|#[^\n\r]*"
    rb"|\\."
    rb"|[\[\]()]",
    re.S,
)
_OPENERS = {b"[", b"(", b"<<"}
_CLOSERS = {b"]", b")", b">>"}


def _check_nesting(data: bytes, display: str) -> None:
    """Refuse Turtle, TriG, N-Triples or N-Quads nested more than MAX_NESTING levels."""
    if data.count(b"[") + data.count(b"(") + data.count(b"<<") <= MAX_NESTING:
        return  # cannot nest that deep: skip the scan
    depth = 0
    for m in _TURTLE_TOKEN.finditer(data):
        token = m.group()
        if token in _OPENERS:
            depth += 1
            if depth > MAX_NESTING:
                line = data.count(b"\n", 0, m.start()) + 1
                raise LimitError(f"nested more than {MAX_NESTING} levels deep ([ ], ( ) or << >>)", path=display, line=line)
        elif token in _CLOSERS:
            depth = max(depth - 1, 0)


_UTF8_BOM = b"\xef\xbb\xbf"
# The root element of an OWL/XML document (https://www.w3.org/TR/owl2-xml-serialization/), often named .owl.
_OWL_XML = re.compile(rb'<(?:[\w.-]+:)?Ontology\b[^>]*\bxmlns(?::[\w.-]+)?=["\']http://www\.w3\.org/2002/07/owl#["\']')
_TURTLE_FAMILY = {ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS, ox.RdfFormat.N3}


def read_bytes(path: Path, display: str) -> bytes:
    """The bytes of a file; InputError if unreadable, LimitError past KGTOOL_MAX_INPUT_BYTES."""
    limit = max_input_bytes()
    try:
        with open(path, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            if size > limit:
                raise LimitError(f"file is {size} bytes, over the limit of {limit} (KGTOOL_MAX_INPUT_BYTES)", path=display)
            data = f.read(limit + 1)  # a pipe or a growing file may hold more than its size said
    except FileNotFoundError:
        raise InputError("no such file", path=display) from None
    except IsADirectoryError:
        raise InputError("is a directory, not a file", path=display) from None
    except OSError as e:
        raise InputError(f"cannot read: {e.strerror or e}", path=display) from None
    if len(data) > limit:
        raise LimitError(f"file is over the limit of {limit} bytes (KGTOOL_MAX_INPUT_BYTES)", path=display)
    return data


@dataclass
class Parsed:
    """What a document holds: its default-graph triples, its named-graph quads and the prefixes it declares."""

    triples: list[ox.Triple]
    prefixes: dict[str, str]
    quads: list[ox.Quad] = field(default_factory=list)  # the triples of named graphs (only with named_graphs=True)

    def graph_names(self) -> list:
        """The names of the named graphs, in order of first appearance."""
        return list(dict.fromkeys(q.graph_name for q in self.quads))


# kgtool's own graphs (urn:kgtool:graph:data, ...) live here: a file may not name a graph in it.
RESERVED_GRAPH_SPACE = "urn:kgtool:"


def file_iri(path: str | Path) -> str:
    """The `file:` IRI of a file (its absolute path): the base its relative IRIs resolve against."""
    return Path(path).resolve().as_uri()


def content_seed(data: bytes) -> str:
    """What a document's blank node labels start with: the first 12 hex digits of the sha256 of its bytes (see `_relabel`)."""
    import hashlib

    return hashlib.sha256(data).hexdigest()[:12]


def _named_graph_line(data: bytes, name, prefixes: dict[str, str]) -> int | None:
    """The line where a graph name is first written (as <IRI>, "IRI" or a prefixed name), for the error message."""
    if not isinstance(name, ox.NamedNode):
        return None
    iri = name.value
    spellings = [re.escape(f"<{iri}>".encode()), re.escape(f'"{iri}"'.encode())]
    spellings += [rb"(?<![\w:.-])" + re.escape(f"{p}:{iri[len(ns):]}".encode()) + rb"(?=[\s{])" for p, ns in prefixes.items() if ns and iri.startswith(ns)]
    found = [m.start() for m in (re.search(s, data) for s in spellings) if m is not None]
    return data.count(b"\n", 0, min(found)) + 1 if found else None


def _relabel(quads: list, seed: str, display: str, data: bytes, named_graphs: bool, prefixes: dict[str, str]) -> tuple[list, list]:
    """Default-graph triples and named-graph quads, every blank node renamed from `seed` and its order of appearance.

    RDF merge keeps the blank nodes of two documents apart (https://www.w3.org/TR/rdf11-mt/#shared-blank-nodes-unions-and-merges):
    the seed is the document's digest, so two documents never share one, and the same document
    parsed twice gives the same triples. (Two files with identical bytes give the same nodes:
    their union is then the graph itself, which a merge is equivalent to.) Only the triples
    that hold a blank node are rebuilt.

    The n-th blank node (from 0) is labelled "b", the seed's 12 hex digits, then n in 19 hex
    digits: 32 hex digits in all, a 128-bit number, which Oxigraph keeps inline in 16 bytes (a
    longer label that is not such a number is stored as a string: at 1M blank-node triples,
    +300 MB and +2 s at build). The leading letter keeps it an XML NCName, as RDF/XML's
    rdf:nodeID needs (Oxigraph's own random labels start with a-f for the same reason).
    """
    labels: dict = {}
    BN, TR, DG = ox.BlankNode, ox.Triple, ox.DefaultGraph
    base = (0xB << 124) | (int(seed, 16) << 76)

    def bnode(b):
        new = labels.get(b)
        if new is None:
            new = labels[b] = BN(format(base | len(labels), "x"))
        return new

    def term(t):
        if type(t) is BN:
            return bnode(t)
        if type(t) is TR:  # an RDF 1.2 triple term (an object only) may hold blank nodes too
            return TR(term(t.subject), t.predicate, term(t.object))
        return t

    triples: list = []
    named: list = []
    for q in quads:
        s, o, g = q.subject, q.object, q.graph_name
        if type(g) is DG:
            if type(s) is BN or type(o) is BN or type(o) is TR:
                triples.append(TR(term(s), q.predicate, term(o)))
            else:
                triples.append(q.triple)
            continue
        if not named_graphs:
            raise InputError(
                f"has triples in the named graph {g}; only a home's data files keep named graphs: "
                "put them in the default graph",
                path=display,
                line=_named_graph_line(data, g, prefixes),
            )
        if type(g) is ox.NamedNode and g.value.startswith(RESERVED_GRAPH_SPACE):
            raise InputError(
                f"names the graph {g}, in kgtool's reserved space <{RESERVED_GRAPH_SPACE}>; give the graph another name",
                path=display,
                line=_named_graph_line(data, g, prefixes),
            )
        named.append(ox.Quad(term(s), q.predicate, term(o), term(g)))
    return triples, named


# --------------------------------------------------------------------------------------
# input past the parser's buffer: Oxigraph holds one term (and the start of its line) in a
# buffer of at most 16 MiB and raises MemoryError past it, without a position.
# --------------------------------------------------------------------------------------
_BUFFER_LIMIT = re.compile(r"Reached the buffer maximal size of (\d+)")
# The same limit holds for RDF/XML, whose parser has none: a longer term could not be read back
# from the N-Triples and N-Quads kgtool writes for itself (its cache, the reasoner).
PARSER_BUFFER = 16 * 1024**2


class _CountingReader(io.RawIOBase):
    """A file-like view of bytes that remembers how far a parser has read."""

    def __init__(self, data: bytes):
        self.data = memoryview(data)
        self.pos = 0

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        n = min(len(b), len(self.data) - self.pos)
        b[:n] = self.data[self.pos : self.pos + n]
        self.pos += n
        return n


# One token of the Turtle family, to find the long one: what _TURTLE_TOKEN knows, runs of
# blanks, runs of other characters (prefixed names, numbers, blank node labels), or one character.
_ANY_TOKEN = re.compile(_TURTLE_TOKEN.pattern + rb"|[ \t\r\n]+" + rb"|[^ \t\r\n<>\"'\[\](){};,#]+" + rb"|.", re.S)
_TERM_KINDS = {ord('"'): "a literal", ord("'"): "a literal", ord("<"): "an IRI", ord("#"): "a comment", ord("_"): "a blank node label"}


def _long_xml_value_line(data: bytes, threshold: int) -> int | None:
    """The line where the first XML text or attribute value longer than `threshold` bytes (in UTF-8) starts."""
    from xml.parsers import expat

    class Found(Exception):
        pass

    parser = expat.ParserCreate()
    text = {"length": 0, "line": 1}

    def start(_name, attributes):
        if any(len(v.encode("utf-8", "surrogatepass")) > threshold for v in attributes.values()):
            raise Found(parser.CurrentLineNumber)
        text["length"] = 0

    def end(_name):
        text["length"] = 0

    def characters(chunk):
        if text["length"] == 0:
            text["line"] = parser.CurrentLineNumber
        text["length"] += len(chunk.encode("utf-8", "surrogatepass"))
        if text["length"] > threshold:
            raise Found(text["line"])

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = characters
    try:
        parser.Parse(data, True)
    except Found as found:
        return found.args[0]
    except (expat.ExpatError, ValueError, UnicodeError):
        pass
    return None


def _size(limit: int) -> str:
    return f"{limit // 1024**2} MiB" if limit % 1024**2 == 0 else f"{limit} bytes"


def _check_xml_term_sizes(quads: list, data: bytes, display: str) -> None:
    """Refuse an RDF/XML literal or IRI longer than PARSER_BUFFER, as the other formats' parsers do."""
    for q in quads:
        for term in (q.subject, q.object):
            if isinstance(term, (ox.Literal, ox.NamedNode)) and len(term.value) > PARSER_BUFFER // 4 and len(term.value.encode("utf-8", "surrogatepass")) > PARSER_BUFFER:
                kind = "a literal" if isinstance(term, ox.Literal) else "an IRI"
                line = _long_xml_value_line(data, PARSER_BUFFER)
                raise LimitError(f"{kind} is longer than the parser's limit of {_size(PARSER_BUFFER)}", path=display, line=line)


def _past_buffer(data: bytes, fmt: formats.Format, display: str, limit: int, base_iri: str | None) -> LimitError:
    """The LimitError for a term past the parser's buffer, naming the line where that term starts.

    Found by parsing again from a reader that counts what the parser read: it stops within
    `limit` bytes after the start of the line that holds the term (Turtle family), or within the
    term (JSON, whose strings hold no line break).
    """
    size = _size(limit)
    if fmt.rdf_format == ox.RdfFormat.RDF_XML:
        return LimitError(f"a text or attribute value is longer than the parser's limit of {size}", path=display, line=_long_xml_value_line(data, limit // 2))
    reader = _CountingReader(data)
    try:
        for _ in ox.parse(reader, fmt.rdf_format, base_iri=base_iri):
            pass
    except MemoryError:
        pass
    except (SyntaxError, ValueError, OSError, UnicodeError):
        return LimitError(f"a term is longer than the parser's limit of {size}", path=display)
    if fmt.rdf_format == ox.RdfFormat.JSON_LD:
        at = max(reader.pos - 1, 0)
        return LimitError(f"a JSON value is longer than the parser's limit of {size}", path=display, line=data.count(b"\n", 0, at) + 1)
    at = max(reader.pos - limit, 0)
    start = re.compile(rb"[ \t\r\n]*").match(data, at).end()
    kind = "a term"
    for _ in range(10_000):  # the tokens from the start of the line to the long one
        m = _ANY_TOKEN.match(data, at)
        if m is None:
            break
        if m.end() - m.start() > limit // 2 and not m.group().isspace():
            start, kind = m.start(), _TERM_KINDS.get(data[m.start()], "a term")
            break
        at = m.end()
    return LimitError(f"{kind} is longer than the parser's limit of {size}", path=display, line=data.count(b"\n", 0, start) + 1)


def parse_bytes(
    data: bytes,
    fmt: formats.Format,
    display: str,
    allow_remote: bool = False,
    *,
    base_iri: str | None = None,
    named_graphs: bool = False,
    seed: str | None = None,
) -> Parsed:
    """The triples of one serialized document; InputError (with line), LimitError or UnsafeError when refused.

    Nothing is fetched: a remote JSON-LD @context is refused unless allow_remote, an RDF/XML DTD
    is refused, owl:imports is only a triple. Relative IRIs resolve against the document's own
    base (@base, BASE, xml:base, JSON-LD @base), else `base_iri` (see `file_iri`); with neither
    they are refused. Blank nodes are renamed from `seed` (default: `content_seed(data)`) in
    order of appearance (see `_relabel`). Named graphs are refused unless `named_graphs`, and a
    graph name in kgtool's reserved space always is. Raises nothing but KgError subclasses.
    """
    if len(data) > max_input_bytes():
        raise LimitError(f"input is {len(data)} bytes, over the limit of {max_input_bytes()} (KGTOOL_MAX_INPUT_BYTES)", path=display)
    original = data
    if fmt.rdf_format == ox.RdfFormat.JSON_LD:
        data = _check_jsonld(data, display, allow_remote)
    elif fmt.rdf_format == ox.RdfFormat.RDF_XML:
        _check_rdfxml(data, display)
    elif fmt.rdf_format in _TURTLE_FAMILY:
        if data.startswith(_UTF8_BOM):  # as Jena and rdflib do; Oxigraph's Turtle family reads it as a character
            data = data[len(_UTF8_BOM):]
        _check_nesting(data, display)
    try:
        parser = ox.parse(data, fmt.rdf_format, base_iri=base_iri)
        quads = list(parser)
        prefixes = dict(parser.prefixes)
    except SyntaxError as e:
        message = _printable(_where(str(e)))
        if message == "No scheme found in an absolute IRI" and fmt.rdf_format in (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS):
            message = f"a relative IRI: {fmt.description} allows absolute IRIs only"
        elif fmt.rdf_format == ox.RdfFormat.RDF_XML and _OWL_XML.search(data, 0, 4096):
            message = "this is OWL/XML, not RDF/XML (which kgtool reads from .rdf and .owl files); save the ontology as RDF/XML or Turtle"
        raise InputError(message, path=display, line=e.lineno, column=e.offset) from None
    except MemoryError as e:
        m = _BUFFER_LIMIT.search(str(e))
        if m is None:
            raise LimitError("too large to parse in the memory available", path=display) from None
        raise _past_buffer(data, fmt, display, int(m.group(1)), base_iri) from None
    except (ValueError, OSError, UnicodeError) as e:
        raise InputError(_printable(str(e)), path=display) from None
    if fmt.rdf_format == ox.RdfFormat.RDF_XML and len(data) > PARSER_BUFFER:
        _check_xml_term_sizes(quads, data, display)
    triples, named = _relabel(quads, seed or content_seed(original), display, original, named_graphs, prefixes)
    return Parsed(triples, prefixes, named)


def parse_file(
    path: str | Path,
    display: str | None = None,
    allow_remote: bool = False,
    *,
    named_graphs: bool = False,
    seed: str | None = None,
) -> Parsed:
    """Parse one file, its format told by its extension, its relative IRIs resolved against its `file:` IRI."""
    path = Path(path)
    display = display or str(path)
    fmt = formats.for_path(path)
    data = read_bytes(path, display)
    return parse_bytes(data, fmt, display, allow_remote, base_iri=file_iri(path), named_graphs=named_graphs, seed=seed)
