"""The OWL RL rules `reasonable` 0.4 lacks or gets wrong, applied in batch to its closure (pyoxigraph terms).

prp-ifp, prp-fp and prp-spo2 are also rules of kgtool's compiled engine (engine.py), which
applies them semi-naively to instance data; here they run over a whole closure at once, between
rounds of `reasonable`. Two algorithms for the same three rules, both held to owlrl's
entailments by tests/test_reasoning*.py. The scm-* rules are here only: the compiled engine
starts from a schema this closure already holds.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from ..vocab import OWL, RDF, RDFS, Namespace
from .relations import rdf_list, reach, relation, subsumption

_rdf, _rdfs, _owl = Namespace(RDF), Namespace(RDFS), Namespace(OWL)
TYPE, FIRST, REST, NIL = _rdf.type, _rdf.first, _rdf.rest, _rdf.nil
SUBPROP, SUBCLASS, DOMAIN, RANGE = _rdfs.subPropertyOf, _rdfs.subClassOf, _rdfs.domain, _rdfs.range
SAME, CHAIN, EQCLASS, EQPROP = _owl.sameAs, _owl.propertyChainAxiom, _owl.equivalentClass, _owl.equivalentProperty
INTERSECTION, UNION = _owl.intersectionOf, _owl.unionOf
IFP_CLASS, FP_CLASS, TRANSITIVE = _owl.InverseFunctionalProperty, _owl.FunctionalProperty, _owl.TransitiveProperty
WITHHELD_CLASSES = (IFP_CLASS, FP_CLASS)  # `reasonable` must not see these declarations (see general.py)


class _Closure:
    """A closure indexed for the rules: triples by predicate, and its RDF lists."""

    def __init__(self, triples: Iterable[ox.Triple]):
        self.by_p: dict = {}
        for t in triples:
            self.by_p.setdefault(t.predicate, []).append(t)
        self.first = {t.subject: t.object for t in self.of(FIRST)}
        self.rest = {t.subject: t.object for t in self.of(REST)}

    def of(self, p) -> list[ox.Triple]:
        return self.by_p.get(p, ())

    def members(self, head) -> list | None:
        return rdf_list(self.first, self.rest, head, NIL)


def derive(closure: Iterable[ox.Triple]) -> set[ox.Triple]:
    """What prp-ifp, prp-fp, prp-spo2 and the scm rules (`_scm`) derive from `closure`."""
    c = _Closure(closure)
    return _same_values(c, IFP_CLASS) | _same_values(c, FP_CLASS) | _chains(c) | _scm(c)


def _same_values(c: _Closure, declared: ox.NamedNode) -> set[ox.Triple]:
    """prp-ifp (p inverse-functional, x p z, y p z => x sameAs y) or prp-fp (p functional, x p y1, x p y2 => y1 sameAs y2)."""
    derived = set()
    for t in c.of(TYPE):
        if t.object != declared:
            continue
        groups: dict = {}  # the terms that become the same, by what they share
        for u in c.of(t.subject):
            if declared == FP_CLASS:
                groups.setdefault(u.subject, set()).add(u.object)
            else:
                groups.setdefault(u.object, set()).add(u.subject)
        for same in groups.values():
            if len(same) > 1:
                for a in same:
                    if isinstance(a, ox.Literal):
                        continue  # a generalized triple: not kept
                    derived.update(ox.Triple(a, SAME, b) for b in same if b != a)
    return derived


def _chains(c: _Closure) -> set[ox.Triple]:
    """prp-spo2: p propertyChainAxiom (p1 ... pn), x0 p1 x1 ... pn xn => x0 p xn."""
    derived = set()
    for t in c.of(CHAIN):
        chain = c.members(t.object)
        if not chain or not isinstance(t.subject, ox.NamedNode):
            continue
        pairs = {(u.subject, u.object) for u in c.of(chain[0])}
        for link in chain[1:]:
            step: dict = {}
            for u in c.of(link):
                step.setdefault(u.subject, []).append(u.object)
            pairs = {(x, z) for x, y in pairs for z in step.get(y, ())}
        derived.update(ox.Triple(x, t.subject, z) for x, z in pairs if not isinstance(x, ox.Literal))
    return derived


def _scm(c: _Closure) -> set[ox.Triple]:
    """scm-spo, scm-eqc1, scm-eqp1, scm-dom1/2, scm-rng1/2, scm-int, scm-uni and the symmetry of equivalentClass/equivalentProperty."""
    derived = set()
    for t in c.of(INTERSECTION):  # scm-int: an intersection is a subclass of each part
        derived.update(ox.Triple(t.subject, SUBCLASS, part) for part in c.members(t.object) or ())
    for t in c.of(UNION):  # scm-uni: each part is a subclass of the union
        derived.update(ox.Triple(part, SUBCLASS, t.subject) for part in c.members(t.object) or () if not isinstance(part, ox.Literal))
    for eq in (EQCLASS, EQPROP):
        derived.update(ox.Triple(t.object, eq, t.subject) for t in c.of(eq) if not isinstance(t.object, ox.Literal))
    supers = {}
    for eq, sub in ((EQCLASS, SUBCLASS), (EQPROP, SUBPROP)):  # scm-eqc1, scm-eqp1: subsumption both ways
        both_ways = [(t.subject, t.object) for t in c.of(eq) if not isinstance(t.object, ox.Literal) and t.subject != t.object]
        derived.update(ox.Triple(a, sub, b) for x, y in both_ways for a, b in ((x, y), (y, x)))
        supers[sub] = reach(subsumption(((t.subject, t.object) for t in c.of(sub)), both_ways))
    supers_p, supers_c = supers[SUBPROP], supers[SUBCLASS]
    for p, ups in supers_p.items():  # scm-spo
        derived.update(ox.Triple(p, SUBPROP, q) for q in ups if q != p)
    for rel in (DOMAIN, RANGE):  # scm-dom1/2, scm-rng1/2
        declared = relation((t.subject, t.object) for t in c.of(rel))
        for p in set(declared) | set(supers_p):
            classes = set()
            for q in supers_p.get(p, {p}):
                for cls in declared.get(q, ()):
                    classes |= supers_c.get(cls, {cls})
            if not isinstance(p, ox.Literal):
                derived.update(ox.Triple(p, rel, cls) for cls in classes)
    return derived


def presaturate(asserted: set[ox.Triple]) -> set[ox.Triple]:
    """The asserted triples plus what `derive` adds to them (with transitive properties closed),
    so that `reasonable` usually runs once instead of twice."""
    base = set(asserted)
    for _ in range(3):
        transitive = {t.subject for t in base if t.predicate == TYPE and t.object == TRANSITIVE}
        closed = set()
        for p in transitive:  # prp-trp
            for x, reached in reach(relation((t.subject, t.object) for t in base if t.predicate == p)).items():
                closed.update(ox.Triple(x, p, y) for y in reached if y != x and not isinstance(x, ox.Literal))
        new = (derive(base | closed) | closed) - base
        if not new:
            break
        base |= new
    return base
