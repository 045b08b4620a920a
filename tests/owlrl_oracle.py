"""The OWL RL entailments of a home by owlrl over rdflib: the oracle the CLI tests compare kgtool's figures and answers with.

Nothing here comes from kgtool. What kgtool leaves out of its entailments (docs: what is true
of every term, and so says nothing about the home's own) is written out again below from the
OWL RL rules that produce it, so that a reasoner that lost or invented entailments makes the
tests fail rather than agree with itself.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import owlrl
import rdflib
from rdflib.namespace import OWL, RDF, RDFS, XSD

BUILTIN = tuple(str(ns) for ns in (RDF, RDFS, OWL, XSD))  # the axiomatic triples are about these terms
REFLEXIVE = {OWL.sameAs, OWL.equivalentClass, OWL.equivalentProperty, RDFS.subClassOf, RDFS.subPropertyOf}  # eq-ref, scm-cls, scm-op, scm-dp
TRIVIAL_TYPES = {OWL.Thing, RDFS.Resource, OWL.NamedIndividual}
TRIVIAL_SUPERCLASSES = {OWL.Thing, RDFS.Resource}  # scm-cls, and so every domain and range


def true_of_every_term(t) -> bool:
    s, p, o = t
    if isinstance(s, rdflib.Literal) or str(s).startswith(BUILTIN):
        return True
    if p in REFLEXIVE and s == o:
        return True
    if p == RDF.type and o in TRIVIAL_TYPES:
        return True
    return p in (RDFS.subClassOf, RDFS.domain, RDFS.range) and o in TRIVIAL_SUPERCLASSES


def _graph(files) -> rdflib.Graph:
    g = rdflib.Graph()
    for f in files:
        g.parse(f, format="turtle")
    return g


@lru_cache(maxsize=4)
def entailments(root: Path) -> tuple[rdflib.Graph, rdflib.Graph, rdflib.Graph]:
    """(ontology, data, inferred) of the home at `root` (its Turtle files, as rdflib reads them); inferred is
    owlrl's OWL RL closure of both, less the asserted triples and those true of every term. Blank nodes are shared."""
    ontology = _graph(sorted((root / "ontology").glob("*.ttl")))
    data = _graph(sorted((root / "data").rglob("*.ttl")))
    closure = ontology + data
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(closure)
    inferred = rdflib.Graph()
    for t in closure:
        if t not in ontology and t not in data and not true_of_every_term(t):
            inferred.add(t)
    return ontology, data, inferred
