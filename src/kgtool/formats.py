"""The format table: every input and output format as one row (name, kind, extensions, media type, writer)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Callable, Iterable, Literal

import pyoxigraph as ox

from . import jsonld
from .errors import InputError, UsageError
from .terms import render_term
from .vocab import OWL, RDF_TYPE

Kind = Literal["graph", "results"]


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
    needs_context: bool = False  # the writer compacts with the home's JSON-LD context (WriteOptions.context, from jsonld_context)

    @property
    def keeps_named_graphs(self) -> bool:
        """Whether the format carries named graphs (a dataset: nq, trig, json-ld): its writer takes their quads too."""
        return bool(self.rdf_format is not None and self.rdf_format.supports_datasets)


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


class _EscapedCarriageReturns:
    """A byte stream that writes CR as `&#13;`: Oxigraph's XML results writer emits a raw CR,
    which every XML parser reads back as LF (XML 1.0 §2.11), so `"a\r\nb"` would come back as
    `"a\nb"`. The writer's own markup has no CR, so every CR is inside a value."""

    def __init__(self, out: BinaryIO):
        self.out = out

    def write(self, data: bytes) -> int:
        self.out.write(bytes(data).replace(b"\r", b"&#13;"))
        return len(data)

    def flush(self) -> None:
        self.out.flush()


def _results_writer(fmt) -> Callable[..., None]:
    """W3C SPARQL 1.1 results formats, written by Oxigraph's conformant serializers."""

    def write(result, out: BinaryIO, options: WriteOptions) -> None:
        target = result.boolean_result if result.kind == "ask" else result.solutions
        target.serialize(_EscapedCarriageReturns(out) if fmt == ox.QueryResultsFormat.XML else out, fmt)
        # JSON and XML end without a newline, and so does an ASK answer in CSV/TSV (which the
        # W3C note leaves undefined; Oxigraph writes the bare word): end every output with one.
        if fmt in (ox.QueryResultsFormat.JSON, ox.QueryResultsFormat.XML) or result.kind == "ask":
            out.write(b"\n")

    return write


# --------------------------------------------------------------------------------------
# graph writers
# --------------------------------------------------------------------------------------
def _sorted_prefixes(prefixes: dict[str, str]) -> dict[str, str]:
    return {name: prefixes[name] for name in sorted(prefixes)}


def _graph_writer(rdf_format) -> Callable[..., None]:
    """A writer by Oxigraph (N-Triples, RDF/XML): it streams to `out` (which the CLI buffers whole before writing it out)."""

    def write(triples: Iterable, out: BinaryIO, options: WriteOptions) -> None:
        ox.serialize(triples, out, rdf_format, prefixes=_sorted_prefixes(options.prefixes) or None)

    return write


def _dataset_writer(rdf_format) -> Callable[..., None]:
    """N-Quads and TriG: the triples go to the default graph."""

    def write(triples: Iterable, out: BinaryIO, options: WriteOptions) -> None:
        quads = (ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) if isinstance(t, ox.Triple) else t for t in triples)
        kwargs = {"prefixes": _sorted_prefixes(options.prefixes)} if rdf_format == ox.RdfFormat.TRIG and options.prefixes else {}
        ox.serialize(quads, out, rdf_format, **kwargs)

    return write


def _term_key(term: Any) -> tuple:
    """Sort order of terms: IRIs, then blank nodes, then literals; each by its text."""
    if isinstance(term, ox.NamedNode):
        return (0, term.value)
    if isinstance(term, ox.BlankNode):
        return (1, term.value)
    return (2, term.value, term.datatype.value, term.language or "")


def _triple_key(t: Any) -> tuple:
    return (_term_key(t.subject), t.predicate.value != RDF_TYPE, t.predicate.value, _term_key(t.object))


def write_turtle(triples: Iterable, out: BinaryIO, options: WriteOptions) -> None:
    """Pretty Turtle: the home's prefixes, one block per subject (rdf:type first), a blank line between.

    Oxigraph writes the terms (faithfully: every literal keeps its lexical form) and groups a
    subject's predicates and objects once the triples are sorted; blocks are then spaced. Lines
    are safe to split because Oxigraph escapes line breaks inside literals.
    """
    ordered = sorted(triples, key=_triple_key)
    prefixes = _sorted_prefixes(options.prefixes)
    text = ox.serialize(ordered, None, ox.RdfFormat.TURTLE, prefixes=prefixes or None).decode("utf-8")
    lines = [f"@prefix {name}: <{ns}> ." for name, ns in prefixes.items()]  # in order of name
    for line in text.splitlines():
        if line.startswith("@prefix "):
            continue  # Oxigraph's own order of the same prefixes
        if not line.startswith("\t") and lines:
            lines.append("")  # a new subject
        lines.append("    " + line[1:] if line.startswith("\t") else line)
    out.write(("\n".join(lines) + "\n").encode("utf-8") if lines else b"")


def write_jsonld(things: Iterable, out: BinaryIO, options: WriteOptions) -> None:
    """Compacted JSON-LD with an inline @context (the home's prefixes and ontology terms, else the prefixes), nodes sorted by @id (jsonld.py)."""
    context = options.context if options.context is not None else _sorted_prefixes({k: v for k, v in options.prefixes.items() if k})
    jsonld.write_jsonld(things, out, context)


# A term must not look like a keyword (@...), a compact IRI (a:b) or an IRI: plain names only.
_TERM = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")


def jsonld_context(prefixes: dict[str, str], store: ox.Store, ontology: list) -> dict[str, Any]:
    """A JSON-LD @context: the prefixes, plus a short term for each class and property declared in the graphs `ontology` of `store`.

    Object properties are coerced to IRIs ("@type": "@id"); datatype properties keep each
    value's own datatype, so that expansion gives back exactly the exported graph. A local
    name that is ambiguous, clashes with a prefix or is not a plain name gets no term.
    """
    context: dict[str, Any] = {name: ns for name, ns in prefixes.items() if name}
    query = f"""
        SELECT ?term ?kind WHERE {{
          VALUES ?kind {{ <{OWL}Class> <{OWL}ObjectProperty> <{OWL}DatatypeProperty> }}
          ?term a ?kind FILTER(isIRI(?term))
        }} ORDER BY ?term"""
    kinds: dict[str, set[str]] = {}
    for row in store.query(query, default_graph=ontology, named_graphs=[]):
        kinds.setdefault(row["term"].value, set()).add(row["kind"].value.rsplit("#", 1)[-1])
    taken = set(context)
    locals_seen: dict[str, int] = {}
    for iri in kinds:
        local = iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        locals_seen[local] = locals_seen.get(local, 0) + 1
    for iri, kind in kinds.items():
        local = iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        if not local or local in taken or locals_seen[local] > 1 or not _TERM.match(local):
            continue  # ambiguous, clashing with a prefix, or not a plain name: leave it as a compact IRI
        if "ObjectProperty" in kind and "DatatypeProperty" not in kind:
            context[local] = {"@id": iri, "@type": "@id"}
        else:
            context[local] = iri
        taken.add(local)
    return context


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
    Format("turtle", "graph", (".ttl",), "text/turtle", write_turtle, G.TURTLE, "Turtle (pretty)"),
    Format("nt", "graph", (".nt",), "application/n-triples", _graph_writer(G.N_TRIPLES), G.N_TRIPLES, "N-Triples"),
    Format("nq", "graph", (".nq",), "application/n-quads", _dataset_writer(G.N_QUADS), G.N_QUADS, "N-Quads"),
    Format("trig", "graph", (".trig",), "application/trig", _dataset_writer(G.TRIG), G.TRIG, "TriG"),
    Format("json-ld", "graph", (".jsonld",), "application/ld+json", write_jsonld, G.JSON_LD, "JSON-LD (compacted)", needs_context=True),
    Format("xml", "graph", (".rdf", ".owl"), "application/rdf+xml", _graph_writer(G.RDF_XML), G.RDF_XML, "RDF/XML"),
)


def names(kind: Kind) -> list[str]:
    return [f.name for f in FORMATS if f.kind == kind]


def get(name: str, kind: Kind) -> Format:
    for f in FORMATS:
        if f.kind == kind and f.name == name:
            return f
    raise UsageError(f"unknown {'result' if kind == 'results' else 'graph'} format '{name}' (known: {', '.join(names(kind))})")


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
