"""Parse RDF files safely (no network, no local files, no entity expansion) into pyoxigraph triples, with errors as InputError(path, line).

The checks before parsing are in rdfsafety, the terms past the parser's buffer in longterms, the
renaming of blank nodes and the refusal of named graphs in rdfmerge.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from . import formats, longterms, rdfmerge, rdfsafety
from .errors import InputError, LimitError

# Past this a file is refused with a clear error instead of exhausting the machine.
DEFAULT_MAX_INPUT_BYTES = 2 * 1024**3


def max_input_bytes() -> int:
    """The size limit of one input file: $KGTOOL_MAX_INPUT_BYTES, else 2 GiB."""
    value = os.environ.get("KGTOOL_MAX_INPUT_BYTES", "")
    try:
        return int(value) if value.strip() else DEFAULT_MAX_INPUT_BYTES
    except ValueError:
        raise InputError(f"KGTOOL_MAX_INPUT_BYTES={value!r} is not a number of bytes") from None


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
    blank_nodes: int = 0  # how many distinct blank nodes it has

    def graph_names(self) -> list:
        """The names of the named graphs, in order of first appearance."""
        return list(dict.fromkeys(q.graph_name for q in self.quads))


def file_iri(path: str | Path) -> str:
    """The `file:` IRI of a file (its absolute path): the base its relative IRIs resolve against."""
    return Path(path).resolve().as_uri()


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
    they are refused. Blank nodes are renamed from `seed` (default: `rdfmerge.content_seed(data)`)
    in order of appearance (see `rdfmerge.relabel`). Named graphs are refused unless
    `named_graphs`, and a graph name in kgtool's reserved space always is. Raises nothing but
    KgError subclasses.
    """
    if len(data) > max_input_bytes():
        raise LimitError(f"input is {len(data)} bytes, over the limit of {max_input_bytes()} (KGTOOL_MAX_INPUT_BYTES)", path=display)
    original = data
    data = rdfsafety.checked(data, fmt, display, allow_remote)
    try:
        parser = ox.parse(data, fmt.rdf_format, base_iri=base_iri)
        quads = list(parser)
        prefixes = dict(parser.prefixes)
    except SyntaxError as e:
        raise InputError(_syntax_message(e, data, fmt), path=display, line=e.lineno, column=e.offset) from None
    except MemoryError as e:
        raise longterms.refusal(e, data, fmt, display, base_iri) from None
    except (ValueError, OSError, UnicodeError) as e:
        raise InputError(_printable(str(e)), path=display) from None
    if fmt.rdf_format == ox.RdfFormat.RDF_XML and len(data) > longterms.PARSER_BUFFER:
        longterms.check_xml_term_sizes(quads, data, display)
    triples, named, blank_nodes = rdfmerge.relabel(quads, seed or rdfmerge.content_seed(original), display, original, named_graphs, prefixes)
    return Parsed(triples, prefixes, named, blank_nodes)


def _syntax_message(e: SyntaxError, data: bytes, fmt: formats.Format) -> str:
    """What the parser's SyntaxError says, in one printable line, told plainly for a relative IRI in N-Triples and for OWL/XML."""
    message = _printable(_where(str(e)))
    if message == "No scheme found in an absolute IRI" and fmt.rdf_format in (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS):
        return f"a relative IRI: {fmt.description} allows absolute IRIs only"
    if fmt.rdf_format == ox.RdfFormat.RDF_XML and _OWL_XML.search(data, 0, 4096):
        return "this is OWL/XML, not RDF/XML (which kgtool reads from .rdf and .owl files); save the ontology as RDF/XML or Turtle"
    return message


def _printable(message: str) -> str:
    """A message with invisible and control characters written as \\uXXXX, so that it stays one readable line."""
    return "".join(c if c.isprintable() else f"\\u{ord(c):04X}" for c in message)


def _where(message: str) -> str:
    """Oxigraph's message without its position (we report the position ourselves)."""
    message = re.sub(r"^Parser error (at line \d+ (between columns \d+ and \d+|column \d+)|between line \d+ column \d+ and line \d+ column \d+): ", "", message)
    return re.sub(r" \(line \d+\)$", "", message)


# The root element of an OWL/XML document (https://www.w3.org/TR/owl2-xml-serialization/), often named .owl.
_OWL_XML = re.compile(rb'<(?:[\w.-]+:)?Ontology\b[^>]*\bxmlns(?::[\w.-]+)?=["\']http://www\.w3\.org/2002/07/owl#["\']')


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


# The formats parsed as they are read (`Chunks`): the others are parsed whole, then handed out in chunks.
_STREAMED = (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS, ox.RdfFormat.N3)


class Chunks:
    """A file parsed as it is read, handed out `size` triples at a time: what `parse_file` gives, without the whole file in memory.

    Iterating gives (default-graph triples, named-graph quads) pairs, blank nodes renamed from
    `seed` in order of appearance across the whole file (the labels `parse_file` gives). Once
    iterated to the end: `prefixes`, `blank_nodes` and `triples` (how many default-graph triples).
    The safety checks read the file's bytes first (released before parsing); a file in error is
    parsed whole again for the error `parse_file` raises (the same message and line).
    """

    def __init__(self, path: str | Path, display: str | None = None, *, named_graphs: bool = False, seed: str, size: int):
        self.path = Path(path)
        self.display = display or str(path)
        self.named_graphs = named_graphs
        self.seed = seed
        self.size = max(1, size)
        self.prefixes: dict[str, str] = {}
        self.blank_nodes = 0
        self.triples = 0

    def __iter__(self):
        fmt = formats.for_path(self.path)
        if fmt.rdf_format not in _STREAMED:
            parsed = parse_file(self.path, self.display, named_graphs=self.named_graphs, seed=self.seed)
            self.prefixes, self.blank_nodes, self.triples = dict(parsed.prefixes), parsed.blank_nodes, len(parsed.triples)
            triples, quads = parsed.triples, parsed.quads
            del parsed
            for start in range(0, max(len(triples), len(quads), 1), self.size):
                yield triples[start : start + self.size], quads[start : start + self.size]
            return
        data = read_bytes(self.path, self.display)
        bom = rdfsafety.checked(data, fmt, self.display, False) is not data  # the checks; a BOM is skipped
        del data
        term, labels = rdfmerge._renamer(self.seed)
        BN, TR, DG = ox.BlankNode, ox.Triple, ox.DefaultGraph
        with open(self.path, "rb") as f:
            if bom:
                f.read(3)
            parser = ox.parse(f, fmt.rdf_format, base_iri=file_iri(self.path))
            while True:
                triples: list = []
                named: list = []
                try:
                    for q in parser:
                        s, o, g = q.subject, q.object, q.graph_name
                        if type(g) is DG:
                            if type(s) is BN or type(o) is BN or type(o) is TR:
                                triples.append(TR(term(s), q.predicate, term(o)))
                            else:
                                triples.append(q.triple)
                            if len(triples) >= self.size:
                                break
                            continue
                        if not self.named_graphs or (type(g) is ox.NamedNode and g.value.startswith(rdfmerge.RESERVED_GRAPH_SPACE)):
                            self._fail()
                        named.append(ox.Quad(term(s), q.predicate, term(o), term(g)))
                        if len(named) >= self.size:
                            break
                except (SyntaxError, MemoryError, ValueError, OSError, UnicodeError):
                    self._fail()
                self.prefixes = dict(parser.prefixes)
                self.blank_nodes = len(labels)
                self.triples += len(triples)
                if not triples and not named:
                    return
                yield triples, named

    def _fail(self):
        """Raise the error `parse_file` raises for this file (it parses it whole)."""
        parse_file(self.path, self.display, named_graphs=self.named_graphs, seed=self.seed)
        raise InputError("could not be parsed", path=self.display)  # pragma: no cover - parse_file raised
