"""A parsed document's quads made ready to merge: blank nodes renamed apart per document, named graphs refused or kept."""

from __future__ import annotations

import re

import pyoxigraph as ox

from .errors import InputError

# kgtool's own graphs (urn:kgtool:graph:data, ...) live here: a file may not name a graph in it.
RESERVED_GRAPH_SPACE = "urn:kgtool:"


def content_seed(data: bytes) -> str:
    """What a document's blank node labels start with: the first 12 hex digits of the sha256 of its bytes (see `relabel`)."""
    import hashlib

    return hashlib.sha256(data).hexdigest()[:12]


def relabel(quads: list, seed: str, display: str, data: bytes, named_graphs: bool, prefixes: dict[str, str]) -> tuple[list, list, int]:
    """Default-graph triples, named-graph quads and how many blank nodes there were, every one renamed from `seed` and its order of appearance.

    RDF merge keeps the blank nodes of two documents apart (https://www.w3.org/TR/rdf11-mt/#shared-blank-nodes-unions-and-merges):
    the seed is the document's digest, so two documents never share one, and the same document
    parsed twice gives the same triples. (Two files with identical bytes give the same nodes:
    their union is then the graph itself, which a merge is equivalent to.) Only the triples
    that hold a blank node are rebuilt. A named graph is refused unless `named_graphs`, and one
    in kgtool's reserved space always is.
    """
    term, labels = _renamer(seed)
    BN, TR, DG = ox.BlankNode, ox.Triple, ox.DefaultGraph
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
        _check_graph(g, named_graphs, display, data, prefixes)
        named.append(ox.Quad(term(s), q.predicate, term(o), term(g)))
    return triples, named, len(labels)


def _renamer(seed: str):
    """The function that renames the blank nodes in a term, the n-th new one (from 0) to "b" + `seed` + n, and the labels it gave (by old node).

    The label is "b", the seed's 12 hex digits, then n in 19 hex digits: 32 hex digits in all, a
    128-bit number, which Oxigraph keeps inline in 16 bytes (a longer label that is not such a
    number is stored as a string: at 1M blank-node triples, +300 MB and +2 s at build). The
    leading letter keeps it an XML NCName, as RDF/XML's rdf:nodeID needs (Oxigraph's own random
    labels start with a-f for the same reason).
    """
    labels: dict = {}
    BN, TR = ox.BlankNode, ox.Triple
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

    return term, labels


def _check_graph(name, named_graphs: bool, display: str, data: bytes, prefixes: dict[str, str]) -> None:
    """InputError if the document may not have the named graph `name`: none allowed, or in kgtool's reserved space."""
    if not named_graphs:
        raise InputError(
            f"has triples in the named graph {name}; only a home's data files keep named graphs: "
            "put them in the default graph",
            path=display,
            line=_named_graph_line(data, name, prefixes),
        )
    if type(name) is ox.NamedNode and name.value.startswith(RESERVED_GRAPH_SPACE):
        raise InputError(
            f"names the graph {name}, in kgtool's reserved space <{RESERVED_GRAPH_SPACE}>; give the graph another name",
            path=display,
            line=_named_graph_line(data, name, prefixes),
        )


def _named_graph_line(data: bytes, name, prefixes: dict[str, str]) -> int | None:
    """The line where a graph name is first written (as <IRI>, "IRI" or a prefixed name), for the error message."""
    if not isinstance(name, ox.NamedNode):
        return None
    iri = name.value
    spellings = [re.escape(f"<{iri}>".encode()), re.escape(f'"{iri}"'.encode())]
    spellings += [rb"(?<![\w:.-])" + re.escape(f"{p}:{iri[len(ns):]}".encode()) + rb"(?=[\s{])" for p, ns in prefixes.items() if ns and iri.startswith(ns)]
    found = [m.start() for m in (re.search(s, data) for s in spellings) if m is not None]
    return data.count(b"\n", 0, min(found)) + 1 if found else None
