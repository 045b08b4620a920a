"""RDF terms between the two toolkits (pyoxigraph, rdflib) and as a person reads them: every conversion and display, once.

pyoxigraph terms are kgtool's own; rdflib terms are met at its edges (pySHACL, owlrl, the
report graph of the SHACL engine). rdflib is imported only by the functions that make its terms,
so that a query, which displays terms, never loads it. (The compiled reasoner keeps its own
N-Triples-string terms: see kgtool.reasoning.)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pyoxigraph as ox

from .vocab import XSD, XSD_STRING

# Datatypes whose literals a table shows bare: 42, 1.5, 1.0E3, true
BARE_DATATYPES = {XSD + "integer", XSD + "decimal", XSD + "double", XSD + "boolean"}


# --------------------------------------------------------------------------------------
# pyoxigraph <-> rdflib
# --------------------------------------------------------------------------------------
def to_rdflib(term, as_written: bool = False):
    """A pyoxigraph term as the equal rdflib term.

    as_written: keep a literal's lexical form as it is (rdflib otherwise writes "01"^^xsd:integer
    as "1"), for a report that must show the terms as the data wrote them.
    """
    import rdflib

    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    normalize = False if as_written else None  # None: rdflib's default
    if term.language:
        return rdflib.Literal(term.value, lang=term.language, normalize=normalize)
    if term.datatype.value == XSD_STRING:
        return rdflib.Literal(term.value, normalize=normalize)
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value), normalize=normalize)


def to_ox(term):
    """An rdflib term as the equal pyoxigraph term."""
    import rdflib

    if isinstance(term, rdflib.URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, rdflib.BNode):
        return ox.BlankNode(str(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    if term.datatype is not None and str(term.datatype) != XSD_STRING:
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
    return ox.Literal(str(term))


def to_rdflib_graph(triples: Iterable[ox.Triple]):
    """An rdflib Graph of pyoxigraph triples (each term converted once)."""
    import rdflib

    g = rdflib.Graph()
    cache: dict = {}
    for t in triples:
        g.add(tuple(cache[x] if x in cache else cache.setdefault(x, to_rdflib(x)) for x in (t.subject, t.predicate, t.object)))
    return g


def to_ox_triples(graph) -> list[ox.Triple]:
    """The triples of an rdflib Graph as pyoxigraph triples, in the graph's order."""
    return [ox.Triple(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in graph]


# --------------------------------------------------------------------------------------
# display
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
    """A term as a table cell shows it: prefixed names, bare strings and numbers, other literals with their tag."""
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
        if dt == XSD_STRING:
            return term.value
        if dt in BARE_DATATYPES:
            return term.value
        return f'"{term.value}"^^{shorten(dt, prefixes)}'
    return str(term)


def n3(term: Any, prefixes: dict[str, str]) -> str | None:
    """A pyoxigraph term as Turtle writes it, IRIs as prefixed names where one fits (a report shows terms so); None for None."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return shorten(term.value, prefixes)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        text = '"' + term.value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t") + '"'
        if term.language:
            return f"{text}@{term.language}"
        if term.datatype.value != XSD_STRING:
            return f"{text}^^{shorten(term.datatype.value, {'xsd': XSD, **prefixes})}"
        return text
    return str(term)
