"""Triples as N-Triples term strings (the form Oxigraph dumps and parses fastest): vocabulary, lines, pyoxigraph."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pyoxigraph as ox

from ..vocab import OWL, RDF, RDFS

Triple = tuple  # (subject, predicate, object), each an N-Triples term string: <iri>, _:label, "literal"...


def rdf(name: str) -> str:
    return f"<{RDF}{name}>"


def rdfs(name: str) -> str:
    return f"<{RDFS}{name}>"


def owl(name: str) -> str:
    return f"<{OWL}{name}>"


TYPE, FIRST, REST, NIL = rdf("type"), rdf("first"), rdf("rest"), rdf("nil")
SUBCLASS, SUBPROP, DOMAIN, RANGE = rdfs("subClassOf"), rdfs("subPropertyOf"), rdfs("domain"), rdfs("range")
SAME, THING = owl("sameAs"), owl("Thing")
EQUIVALENT_CLASS, EQUIVALENT_PROPERTY = owl("equivalentClass"), owl("equivalentProperty")
TRIVIAL_TYPES = frozenset({THING, rdfs("Resource"), owl("NamedIndividual")})
CHAIN_PREFIX = "<urn:kgtool:chain:"  # predicates standing for the first links of a long property chain

# Predicates whose triples are about classes and properties: they go to the general reasoner.
SCHEMA_PREDICATES = frozenset(
    [SUBCLASS, SUBPROP, DOMAIN, RANGE, FIRST, REST]
    + [
        owl(n)
        for n in ["equivalentClass", "equivalentProperty", "inverseOf", "propertyChainAxiom", "onProperty", "onProperties", "someValuesFrom", "allValuesFrom", "hasValue", "hasSelf", "intersectionOf", "unionOf", "complementOf", "oneOf", "cardinality", "minCardinality", "maxCardinality", "qualifiedCardinality", "minQualifiedCardinality", "maxQualifiedCardinality", "onClass", "onDataRange", "hasKey", "disjointWith", "disjointUnionOf", "propertyDisjointWith", "members", "distinctMembers", "withRestrictions", "datatypeComplementOf", "sourceIndividual", "assertionProperty", "targetIndividual", "targetValue"]
    ]
)
# Classes whose instances are classes, properties, lists of axioms: typing with them is schema too.
META_CLASSES = frozenset(
    [rdfs("Class"), rdfs("Datatype"), rdf("Property"), rdf("List")]
    + [
        owl(n)
        for n in ["Class", "Restriction", "ObjectProperty", "DatatypeProperty", "AnnotationProperty", "OntologyProperty", "FunctionalProperty", "InverseFunctionalProperty", "TransitiveProperty", "SymmetricProperty", "AsymmetricProperty", "ReflexiveProperty", "IrreflexiveProperty", "AllDifferent", "AllDisjointClasses", "AllDisjointProperties", "NegativePropertyAssertion", "DeprecatedClass", "DeprecatedProperty", "Ontology"]
    ]
)


class Unsupported(Exception):
    """The schema or the data needs a rule the compiled engine does not have: close the whole graph instead."""


def is_schema(t: Triple) -> bool:
    return t[1] in SCHEMA_PREDICATES or (t[1] == TYPE and t[2] in META_CLASSES)


def is_literal(term: str) -> bool:
    return term[0] == '"'


def parse_lines(text: bytes) -> Iterator[Triple]:
    """The triples of N-Triples as Oxigraph writes it: one per line, terms split by one space.

    Raises Unsupported for a quoted triple (its subject or object holds spaces).
    """
    for line in text.decode("utf-8").splitlines():
        s, p, rest = line.split(" ", 2)
        if s.startswith("<<") or rest.startswith("<<"):
            raise Unsupported("a quoted triple")
        yield (s, p, rest[:-2])


def write_lines(triples: Iterable[Triple], graph: str = "") -> str:
    """N-Triples (or, with a graph's term, N-Quads) of `triples`."""
    end = f" {graph} .\n" if graph else " .\n"
    return "".join(f"{s} {p} {o}{end}" for s, p, o in triples)


def from_ox(triples: Iterable[ox.Triple]) -> set[Triple]:
    """pyoxigraph Triples as term strings."""
    return {(str(t.subject), str(t.predicate), str(t.object)) for t in triples}


def to_ox(triples: Iterable[Triple]) -> list[ox.Triple]:
    """Term-string triples as pyoxigraph Triples (parsed as N-Triples: the quickest way)."""
    return [q.triple for q in ox.parse(write_lines(triples).encode(), ox.RdfFormat.N_TRIPLES)]


class Terms:
    """Term strings as pyoxigraph terms, one at a time, remembered."""

    def __init__(self) -> None:
        self._terms: dict = {}

    def __call__(self, text: str):
        found = self._terms.get(text)
        if found is None:
            if text[0] == "<":
                found = ox.NamedNode(text[1:-1])
            elif text.startswith("_:"):
                found = ox.BlankNode(text[2:])
            else:
                found = next(iter(ox.parse(f"<urn:x:s> <urn:x:p> {text} .".encode(), ox.RdfFormat.N_TRIPLES))).object
            self._terms[text] = found
        return found
