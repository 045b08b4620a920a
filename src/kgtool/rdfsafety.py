"""Refuse unsafe or too deeply nested RDF before it is parsed: RDF/XML DTDs, remote JSON-LD contexts (unless allowed), deep nesting."""

from __future__ import annotations

import json
import re
from typing import Any

import pyoxigraph as ox

from . import formats
from .errors import InputError, LimitError, UnsafeError

# Past these a document is refused with a clear error instead of exhausting the machine.
MAX_JSON_DEPTH = 256
# Deeper nesting ([ ], ( ), << >>, XML elements) is refused: Oxigraph's parsers and rdflib's
# serializers recurse on it (a triple term nested 50,000 deep crashes the process) and the
# RDF/XML parser slows down with the square of the depth. Real data nests a few levels.
MAX_NESTING = 256
# Remote JSON-LD contexts fetched with --allow-remote: at most this many, this large, this slow.
MAX_REMOTE_CONTEXTS = 16
MAX_CONTEXT_BYTES = 1024**2
CONTEXT_TIMEOUT = 10.0

_UTF8_BOM = b"\xef\xbb\xbf"
_TURTLE_FAMILY = {ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS, ox.RdfFormat.N3}


def checked(data: bytes, fmt: formats.Format, display: str, allow_remote: bool) -> bytes:
    """The bytes to parse, once the format's checks pass: a JSON-LD document with its remote contexts inlined (only if allow_remote), Turtle without its BOM."""
    if fmt.rdf_format == ox.RdfFormat.JSON_LD:
        return check_jsonld(data, display, allow_remote)
    if fmt.rdf_format == ox.RdfFormat.RDF_XML:
        check_rdfxml(data, display)
    elif fmt.rdf_format in _TURTLE_FAMILY:
        if data.startswith(_UTF8_BOM):  # as Jena and rdflib do; Oxigraph's Turtle family reads it as a character
            data = data[len(_UTF8_BOM):]
        check_nesting(data, display)
    return data


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


def check_jsonld(data: bytes, display: str, allow_remote: bool) -> bytes:
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
def check_rdfxml(data: bytes, display: str) -> None:
    """Refuse any DTD (entities could read local files (XXE) or expand without bound) and deep nesting."""
    from xml.parsers import expat

    parser = _guarded_parser()
    try:
        parser.Parse(data, True)
    except _Refused:
        raise UnsafeError(
            "RDF/XML with a DOCTYPE is refused: its entities could read local files or expand without bound",
            path=display,
            line=parser.CurrentLineNumber,
        ) from None
    except _TooDeep:
        raise LimitError(f"XML elements nested more than {MAX_NESTING} levels deep", path=display, line=parser.CurrentLineNumber) from None
    except expat.ExpatError as e:
        raise InputError(f"invalid XML: {expat.ErrorString(e.code)}", path=display, line=e.lineno, column=e.offset + 1) from None
    except (ValueError, UnicodeError) as e:
        raise InputError(f"invalid XML: {e}", path=display) from None


class _Refused(Exception):
    """A DOCTYPE or an entity declaration or reference."""


class _TooDeep(Exception):
    """XML elements nested more than MAX_NESTING levels deep."""


def _guarded_parser():
    """An expat parser that raises _Refused at any DTD or entity, and _TooDeep past MAX_NESTING levels."""
    from xml.parsers import expat

    parser = expat.ParserCreate()
    depth = 0

    def doctype(*_args):
        raise _Refused()

    def start(*_args):
        nonlocal depth
        depth += 1
        if depth > MAX_NESTING:
            raise _TooDeep()

    def end(*_args):
        nonlocal depth
        depth -= 1

    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = doctype
    parser.ExternalEntityRefHandler = doctype
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    return parser


# --------------------------------------------------------------------------------------
# Turtle family: bounded nesting of [ ], ( ) and << >> (triple terms, reified triples)
# --------------------------------------------------------------------------------------
# What the nesting scan must see past: strings, IRIs, comments and escaped name characters
# (ex:a\(b), so that a bracket inside them is not counted.
TURTLE_TOKEN = re.compile(
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


def check_nesting(data: bytes, display: str) -> None:
    """Refuse Turtle, TriG, N-Triples or N-Quads nested more than MAX_NESTING levels."""
    if data.count(b"[") + data.count(b"(") + data.count(b"<<") <= MAX_NESTING:
        return  # cannot nest that deep: skip the scan
    depth = 0
    for m in TURTLE_TOKEN.finditer(data):
        token = m.group()
        if token in _OPENERS:
            depth += 1
            if depth > MAX_NESTING:
                line = data.count(b"\n", 0, m.start()) + 1
                raise LimitError(f"nested more than {MAX_NESTING} levels deep ([ ], ( ) or << >>)", path=display, line=line)
        elif token in _CLOSERS:
            depth = max(depth - 1, 0)
