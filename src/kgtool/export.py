"""What `export` writes: a part of the home's graph, optionally with entailments, its named graphs where the format keeps them, and the JSON-LD context built from the ontology."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from typing import BinaryIO

import pyoxigraph as ox

from . import formats
from .store import ONTOLOGY, Loaded

OWL = "http://www.w3.org/2002/07/owl#"
# A term must not look like a keyword (@...), a compact IRI (a:b) or an IRI: plain names only.
_TERM = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")


def jsonld_context(loaded: Loaded) -> dict:
    """A JSON-LD @context: the home's prefixes, plus a short term for each ontology class and property.

    Object properties are coerced to IRIs ("@type": "@id"); datatype properties keep each
    value's own datatype, so that expansion gives back exactly the exported graph.
    """
    context: dict = {name: ns for name, ns in loaded.prefixes.items() if name}
    query = f"""
        SELECT ?term ?kind WHERE {{
          VALUES ?kind {{ <{OWL}Class> <{OWL}ObjectProperty> <{OWL}DatatypeProperty> }}
          ?term a ?kind FILTER(isIRI(?term))
        }} ORDER BY ?term"""
    kinds: dict[str, set[str]] = {}
    for row in loaded.store.query(query, default_graph=[ONTOLOGY], named_graphs=[]):
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


# --------------------------------------------------------------------------------------
# named graphs: N-Quads, TriG and JSON-LD carry them; Turtle, N-Triples and RDF/XML cannot
# --------------------------------------------------------------------------------------
def keeps_named_graphs(fmt: formats.Format) -> bool:
    """Whether a graph format can carry named graphs (a dataset), so export writes them."""
    return bool(fmt.rdf_format is not None and fmt.rdf_format.supports_datasets)


def items(loaded: Loaded, part: str, inferred: bool, fmt: formats.Format) -> Iterator:
    """What export writes in `fmt`: the part's default-graph triples, then its named graphs' quads where `fmt` keeps them."""
    yield from loaded.triples(part, inferred)
    if keeps_named_graphs(fmt):
        yield from loaded.named_quads(part)


def _write_jsonld_dataset(things: Iterable, out: BinaryIO, options: formats.WriteOptions) -> None:
    """Compacted JSON-LD of triples and quads: each named graph a node with its own "@graph" (JSON-LD 1.1 §4.9)."""
    import io

    default: list = []
    graphs: dict = {}
    for t in things:
        if isinstance(t, ox.Quad) and not isinstance(t.graph_name, ox.DefaultGraph):
            graphs.setdefault(t.graph_name, []).append(t.triple)
        else:
            default.append(t)

    def compacted(triples) -> dict:
        buffer = io.BytesIO()
        formats.write_jsonld(triples, buffer, options)
        return json.loads(buffer.getvalue())

    if not graphs:
        formats.write_jsonld(default, out, options)
        return
    doc = compacted(default)
    ids = formats._Compactor(doc["@context"])
    nodes = {node["@id"]: node for node in doc["@graph"]}
    for name, triples in graphs.items():
        node = nodes.setdefault(ids.node_id(name), {"@id": ids.node_id(name)})
        node["@graph"] = compacted(triples)["@graph"]  # beside the node's own (default-graph) properties
    doc["@graph"] = [nodes[k] for k in sorted(nodes)]
    out.write(json.dumps(doc, indent=2, ensure_ascii=False).encode("utf-8") + b"\n")


# The writers that replace a format's own when named graphs go with the triples.
_DATASET_WRITERS = {"json-ld": _write_jsonld_dataset}


def write(fmt: formats.Format, things: Iterable, out: BinaryIO, options: formats.WriteOptions) -> None:
    """Write triples (and, for a dataset format, quads of named graphs) in `fmt`."""
    _DATASET_WRITERS.get(fmt.name, fmt.write)(things, out, options)
