"""Terms longer than the parser's buffer (16 MiB): refused with a LimitError that names the line where the term starts."""

from __future__ import annotations

import io
import re

import pyoxigraph as ox

from . import formats
from .errors import LimitError
from .rdfsafety import TURTLE_TOKEN

# Oxigraph holds one term (and the start of its line) in a buffer of at most 16 MiB and raises
# MemoryError past it, without a position.
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


# One token of the Turtle family, to find the long one: what TURTLE_TOKEN knows, runs of
# blanks, runs of other characters (prefixed names, numbers, blank node labels), or one character.
_ANY_TOKEN = re.compile(TURTLE_TOKEN.pattern + rb"|[ \t\r\n]+" + rb"|[^ \t\r\n<>\"'\[\](){};,#]+" + rb"|.", re.S)
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


def check_xml_term_sizes(quads: list, data: bytes, display: str) -> None:
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
    start, kind = _long_token(data, max(reader.pos - limit, 0), limit)
    return LimitError(f"{kind} is longer than the parser's limit of {size}", path=display, line=data.count(b"\n", 0, start) + 1)


def _long_token(data: bytes, at: int, limit: int) -> tuple[int, str]:
    """Where the token longer than `limit` // 2 starts and what it is, scanning the tokens from `at` (the start of its line)."""
    start = re.compile(rb"[ \t\r\n]*").match(data, at).end()
    for _ in range(10_000):  # the tokens from the start of the line to the long one
        m = _ANY_TOKEN.match(data, at)
        if m is None:
            break
        if m.end() - m.start() > limit // 2 and not m.group().isspace():
            return m.start(), _TERM_KINDS.get(data[m.start()], "a term")
        at = m.end()
    return start, "a term"


def refusal(error: MemoryError, data: bytes, fmt: formats.Format, display: str, base_iri: str | None) -> LimitError:
    """The LimitError for the parser's MemoryError: a term past its buffer (with its line), else a document past the memory available."""
    m = _BUFFER_LIMIT.search(str(error))
    if m is None:
        return LimitError("too large to parse in the memory available", path=display)
    return _past_buffer(data, fmt, display, int(m.group(1)), base_iri)
