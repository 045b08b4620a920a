"""OWL 2 RL entailments (owlrl) of a graph, without the built-in vocabularies' own axioms."""

from __future__ import annotations

from typing import Iterable

BUILTIN_NAMESPACES = (
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "http://www.w3.org/2000/01/rdf-schema#",
    "http://www.w3.org/2002/07/owl#",
    "http://www.w3.org/2001/XMLSchema#",
)
OWL = "http://www.w3.org/2002/07/owl#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
# Relations every term has with itself under OWL RL (eq-ref, scm-cls, scm-op, ...): true, and noise.
REFLEXIVE = {OWL + "sameAs", OWL + "equivalentClass", OWL + "equivalentProperty", RDFS + "subClassOf", RDFS + "subPropertyOf"}
# Types every individual or class has (owl:Thing, rdfs:Resource, ...): true, and noise.
TRIVIAL_TYPES = {OWL + "Thing", RDFS + "Resource", OWL + "NamedIndividual"}


def is_noise(s: str, p: str, o: str, s_is_iri: bool) -> bool:
    """Entailments that say nothing about the home's own terms and would flood every answer."""
    if s_is_iri and s.startswith(BUILTIN_NAMESPACES):
        return True  # owlrl's axiomatic triples about rdf:, rdfs:, owl:, xsd: terms
    if p in REFLEXIVE and s == o:
        return True
    if p == RDF_TYPE and o in TRIVIAL_TYPES:
        return True
    return False


def entailments(graph) -> Iterable:
    """The triples owlrl's OWL RL closure adds to an rdflib Graph (which is left unchanged), less noise."""
    import owlrl
    import rdflib

    closure = rdflib.Graph()
    for triple in graph:
        closure.add(triple)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(closure)
    for s, p, o in closure:
        if (s, p, o) in graph or isinstance(s, rdflib.Literal):
            continue
        if is_noise(str(s), str(p), str(o), isinstance(s, rdflib.URIRef)):
            continue
        yield s, p, o
