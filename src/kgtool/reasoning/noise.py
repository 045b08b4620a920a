"""The one noise filter: entailments true of every term (reflexive, trivial types, axioms about rdf:, owl: ...), left out by every reasoner."""

from __future__ import annotations

from ..vocab import OWL, RDF, RDFS, XSD
from .ntriples import CHAIN_PREFIX, DOMAIN, RANGE, SUBCLASS, THING, TRIVIAL_TYPES, TYPE, Triple, owl, rdfs

_BUILTIN_IRIS = tuple(f"<{ns}" for ns in (RDF, RDFS, OWL, XSD))  # axiomatic triples are about these terms
# Relations every term has with itself under OWL RL (eq-ref, scm-cls, scm-op, ...).
_REFLEXIVE = frozenset({owl("sameAs"), owl("equivalentClass"), owl("equivalentProperty"), SUBCLASS, rdfs("subPropertyOf")})
# Classes every class is a subclass of (scm-cls), so every domain and range.
_TRIVIAL_SUPERCLASSES = frozenset({THING, rdfs("Resource")})
_TO_CLASS = frozenset({SUBCLASS, DOMAIN, RANGE})


def is_noise(t: Triple) -> bool:
    """Whether an entailment (term strings) says nothing about the home's own terms; generalized and quoted triples too."""
    s, p, o = t
    if s[0] == '"' or s.startswith("<<") or o.startswith("<<") or p.startswith(CHAIN_PREFIX):
        return True
    if s.startswith(_BUILTIN_IRIS):
        return True
    if p in _REFLEXIVE and s == o:
        return True
    if p == TYPE and o in TRIVIAL_TYPES:
        return True
    return p in _TO_CLASS and o in _TRIVIAL_SUPERCLASSES
