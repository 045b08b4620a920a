"""The format table: every input and output format as one row (name, kind, extensions, media type, writer)."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Callable, Iterable, Literal

import pyoxigraph as ox

from .errors import InputError, UsageError

Kind = Literal["graph", "results"]

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
BARE_DATATYPES = {XSD + "integer", XSD + "decimal", XSD + "double", XSD + "boolean"}


@dataclass
class WriteOptions:
    """What a writer may need besides the data: prefixes to shorten IRIs, terminal width, JSON-LD context."""

    prefixes: dict[str, str] = field(default_factory=dict)
    width: int | None = None  # fit the table to this many columns (a terminal), or None
    context: dict[str, Any] | None = None  # JSON-LD @context (export)


@dataclass(frozen=True)
class Format:
    name: str  # what --format accepts
    kind: Kind
    extensions: tuple[str, ...]  # the first is canonical
    media_type: str
    write: Callable[..., None]
    rdf_format: Any = None  # pyoxigraph.RdfFormat for graph formats (parsing and writing)
    description: str = ""


# --------------------------------------------------------------------------------------
# term rendering (table, md)
# --------------------------------------------------------------------------------------
def shorten(iri: str, prefixes: dict[str, str]) -> str:
    """An IRI as a prefixed name where a prefix fits (longest namespace wins), else <iri>."""
    best = None
    for prefix, ns in prefixes.items():
        if ns and iri.startswith(ns) and (best is None or len(ns) > len(best[1])):
            local = iri[len(ns):]
            if local == "" or (local.replace("_", "a").replace("-", "a").replace(".", "a").isalnum() and not local.endswith(".")):
                best = (prefix, ns)
    if best is None:
        return f"<{iri}>"
    return f"{best[0]}:{iri[len(best[1]):]}"


def render_term(term: Any, prefixes: dict[str, str]) -> str:
    """A term as a person reads it: prefixed names, bare numbers, quoted strings with tags."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return shorten(term.value, prefixes)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        dt = term.datatype.value
        if term.language:
            return f'"{term.value}"@{term.language}'
        if dt == XSD + "string":
            return term.value
        if dt in BARE_DATATYPES:
            return term.value
        return f'"{term.value}"^^{shorten(dt, prefixes)}'
    return str(term)


def _rows(result, prefixes: dict[str, str]) -> tuple[list[str], list[list[str]]]:
    if result.kind == "ask":
        return ["ask"], [["true" if result.boolean else "false"]]
    variables = [v.value for v in result.solutions.variables]
    rows = [[render_term(sol[v], prefixes) for v in variables] for sol in result.solutions]
    return variables, rows


def _fit(headers: list[str], rows: list[list[str]], width: int | None) -> list[int]:
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(headers)]
    if width is None:
        return widths
    # borders: "| " + " | ".join + " |"
    budget = width - (3 * len(widths) + 1)
    while sum(widths) > budget and max(widths) > 8:
        widths[widths.index(max(widths))] -= 1
    return widths


def _clip(text: str, width: int) -> str:
    text = text.replace("\n", "\\n")
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


def write_table(result, out: BinaryIO, options: WriteOptions) -> None:
    """An aligned text table, IRIs shortened with the home's prefixes; ASK prints true or false."""
    if result.kind == "ask":
        out.write(b"true\n" if result.boolean else b"false\n")
        return
    headers, rows = _rows(result, options.prefixes)
    widths = _fit(headers, rows, options.width)
    line = "+" + "+".join("-" * (w + 2) for w in widths) + "+"
    text = [line, "| " + " | ".join(_clip(h, w).ljust(w) for h, w in zip(headers, widths)) + " |", line.replace("-", "=")]
    for r in rows:
        text.append("| " + " | ".join(_clip(c, w).ljust(w) for c, w in zip(r, widths)) + " |")
    text.append(line)
    out.write(("\n".join(text) + "\n").encode("utf-8"))


def write_md(result, out: BinaryIO, options: WriteOptions) -> None:
    """A GitHub-flavoured Markdown table."""
    headers, rows = _rows(result, options.prefixes)

    def cell(s: str) -> str:
        return s.replace("\\", "\\\\").replace("|", "\\|").replace("\n", "<br>")

    text = ["| " + " | ".join(cell(h) for h in headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    text += ["| " + " | ".join(cell(c) for c in r) + " |" for r in rows]
    out.write(("\n".join(text) + "\n").encode("utf-8"))


def _results_writer(fmt) -> Callable[..., None]:
    """W3C SPARQL 1.1 results formats, written by Oxigraph's conformant serializers."""

    def write(result, out: BinaryIO, options: WriteOptions) -> None:
        target = result.boolean_result if result.kind == "ask" else result.solutions
        target.serialize(out, fmt)
        if fmt in (ox.QueryResultsFormat.JSON, ox.QueryResultsFormat.XML):
            out.write(b"\n")

    return write


# --------------------------------------------------------------------------------------
# graph writers
# --------------------------------------------------------------------------------------
def _graph_writer(rdf_format) -> Callable[..., None]:
    def write(triples: Iterable, out: BinaryIO, options: WriteOptions) -> None:
        ox.serialize(triples, out, rdf_format, prefixes=options.prefixes or None)

    return write


def _dataset_writer(rdf_format) -> Callable[..., None]:
    def write(triples: Iterable, out: BinaryIO, options: WriteOptions) -> None:
        quads = (ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) if isinstance(t, ox.Triple) else t for t in triples)
        kwargs = {"prefixes": options.prefixes} if rdf_format == ox.RdfFormat.TRIG and options.prefixes else {}
        ox.serialize(quads, out, rdf_format, **kwargs)

    return write


def write_jsonld(triples: Iterable, out: BinaryIO, options: WriteOptions) -> None:
    """Compacted JSON-LD with an inline @context (the home's prefixes and ontology terms)."""
    import rdflib  # only the JSON-LD writer needs rdflib's compaction

    nt = ox.serialize(triples, None, ox.RdfFormat.N_TRIPLES)
    graph = rdflib.Graph()
    graph.parse(data=nt.decode("utf-8"), format="nt")
    context = options.context if options.context is not None else dict(options.prefixes)
    text = graph.serialize(format="json-ld", context=context, auto_compact=True, indent=2)
    out.write(text.encode("utf-8"))
    if not text.endswith("\n"):
        out.write(b"\n")


R = ox.QueryResultsFormat
G = ox.RdfFormat
FORMATS: tuple[Format, ...] = (
    # SELECT / ASK results
    Format("table", "results", (".txt",), "text/plain", write_table, description="aligned text table"),
    Format("csv", "results", (".csv",), "text/csv", _results_writer(R.CSV), description="SPARQL 1.1 CSV"),
    Format("tsv", "results", (".tsv",), "text/tab-separated-values", _results_writer(R.TSV), description="SPARQL 1.1 TSV"),
    Format("json", "results", (".srj", ".json"), "application/sparql-results+json", _results_writer(R.JSON), description="SPARQL 1.1 Query Results JSON"),
    Format("xml", "results", (".srx", ".xml"), "application/sparql-results+xml", _results_writer(R.XML), description="SPARQL Query Results XML"),
    Format("md", "results", (".md",), "text/markdown", write_md, description="Markdown table"),
    # graphs: CONSTRUCT, DESCRIBE, export, and input files
    Format("turtle", "graph", (".ttl",), "text/turtle", _graph_writer(G.TURTLE), G.TURTLE, "Turtle"),
    Format("nt", "graph", (".nt",), "application/n-triples", _graph_writer(G.N_TRIPLES), G.N_TRIPLES, "N-Triples"),
    Format("nq", "graph", (".nq",), "application/n-quads", _dataset_writer(G.N_QUADS), G.N_QUADS, "N-Quads"),
    Format("trig", "graph", (".trig",), "application/trig", _dataset_writer(G.TRIG), G.TRIG, "TriG"),
    Format("json-ld", "graph", (".jsonld",), "application/ld+json", write_jsonld, G.JSON_LD, "JSON-LD (compacted)"),
    Format("xml", "graph", (".rdf", ".owl"), "application/rdf+xml", _graph_writer(G.RDF_XML), G.RDF_XML, "RDF/XML"),
)


def names(kind: Kind) -> list[str]:
    return [f.name for f in FORMATS if f.kind == kind]


def get(name: str, kind: Kind) -> Format:
    for f in FORMATS:
        if f.kind == kind and f.name == name:
            return f
    raise UsageError(f"unknown {'result' if kind == 'results' else 'graph'} format '{name}' (known: {', '.join(names(kind))})")


def input_extensions() -> list[str]:
    return [e for f in FORMATS if f.kind == "graph" for e in f.extensions]


def for_path(path: str | Path, kind: Kind = "graph") -> Format:
    """The format of a file, by its extension; an unknown extension is an InputError."""
    suffix = Path(path).suffix.lower()
    for f in FORMATS:
        if f.kind == kind and suffix in f.extensions:
            return f
    known = " ".join(e for f in FORMATS if f.kind == kind for e in f.extensions)
    raise InputError(f"cannot tell the format from the extension '{suffix or '(none)'}'; known: {known}", path=str(path))


def for_media_type(value: str, kind: Kind) -> Format:
    base = value.split(";")[0].strip().lower()
    for f in FORMATS:
        if f.kind == kind and f.media_type == base:
            return f
    raise UsageError(f"no {kind} format for media type '{value}'")
