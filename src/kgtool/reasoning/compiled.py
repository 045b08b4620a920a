"""kgtool's OWL RL rules compiled from a closed schema: what each property and each class implies for instances.

The schema (every triple about classes and properties, `ntriples.is_schema`) is small and is
closed by a general reasoner first; compiling that closure gives, per predicate, a
`PropertyPlan` and, per class, a `ClassPlan`, which `engine.Engine` applies to each instance
triple. Rules covered: cax-sco, cax-eqc, prp-dom/rng, prp-spo1/2, prp-eqp, prp-inv, prp-symp,
prp-trp, prp-fp, prp-ifp, cls-hv1/2, cls-svf1/2, cls-avf, cls-int1/2, cls-uni, cls-maxc2,
cls-maxqc4 and the equality rules eq-sym, eq-trans, eq-rep-s/p/o. What it does not cover
(owl:hasKey, n-ary restrictions, owl:hasSelf, cls-maxqc3: a qualified maximum cardinality on a
class other than owl:Thing) raises `Unsupported`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from .ntriples import CHAIN_PREFIX, DOMAIN, EQUIVALENT_CLASS, EQUIVALENT_PROPERTY, FIRST, NIL, RANGE, REST, SAME, SUBCLASS, SUBPROP, THING, TRIVIAL_TYPES, TYPE, Triple, Unsupported, is_literal, owl
from .relations import rdf_list, reach, relation, subsumption


class PropertyPlan(NamedTuple):
    """What a triple `s p o` implies, for one predicate p. Fields in the order `Engine.run` unpacks them."""

    supers: tuple  # prp-spo1, prp-eqp: s q o for each q
    domains: tuple  # prp-dom, closed under cax-sco: s a c
    ranges: tuple  # prp-rng: o a c
    inverses: tuple  # prp-inv, prp-symp: o q s
    transitive: bool  # prp-trp
    functional: bool  # prp-fp
    inverse_functional: bool  # prp-ifp
    chain_left: tuple  # prp-spo2, p as first link: (link, target): x p y, y link z => x target z
    chain_right: tuple  # prp-spo2, p as second link: (first, target): w first x, x p y => w target y
    has_value: tuple  # cls-hv2: (v, R): s p v => s a R
    some_values: tuple  # cls-svf1/2: (C or None for owl:Thing, R): s p o, o a C => s a R
    all_values: tuple  # cls-avf: (R, C): s a R, s p o => o a C
    max_one: tuple  # cls-maxc2, cls-maxqc4: (R, None): s a R, s p o1, s p o2 => o1 sameAs o2


class ClassPlan(NamedTuple):
    """What a triple `x rdf:type c` implies, for one class c. Fields in the order `Engine._class_rules` unpacks them."""

    supers: tuple  # cax-sco, cax-eqc, cls-int2, cls-uni: x a d
    has_value: tuple  # cls-hv1: (p, v): x p v
    some_values: tuple  # cls-svf1, c as the filler: (p, R): w p x => w a R
    all_values: tuple  # cls-avf, c as the restriction: (p, d): x p y => y a d
    intersections: tuple  # cls-int1: (I, parts): x a every part => x a I
    max_one: tuple  # cls-maxc2, cls-maxqc4: (p, None): x p y1, x p y2 => y1 sameAs y2


class _Schema:
    """The closed schema, indexed for compiling: (subject, object) pairs by predicate, instances by class, lists."""

    def __init__(self, triples: Iterable[Triple]):
        self.by_p: dict[str, list[tuple[str, str]]] = {}
        for s, p, o in triples:
            self.by_p.setdefault(p, []).append((s, o))
        self.first, self.rest = dict(self.pairs(FIRST)), dict(self.pairs(REST))
        self.typed = relation((o, s) for s, o in self.pairs(TYPE))
        self.on_property, self.on_class = dict(self.pairs(owl("onProperty"))), dict(self.pairs(owl("onClass")))

    def pairs(self, p: str) -> list[tuple[str, str]]:
        return self.by_p.get(p, ())

    def instances(self, c: str) -> set[str]:
        return self.typed.get(c, set())

    def members(self, head: str) -> list[str]:
        items = rdf_list(self.first, self.rest, head, NIL)
        if items is None:
            raise Unsupported(f"a malformed RDF list at {head}")
        return items

    def prop(self, r: str) -> str:
        if r not in self.on_property:
            raise Unsupported(f"a restriction without owl:onProperty: {r}")
        return self.on_property[r]


@dataclass
class _Restrictions:
    """The restrictions kgtool compiles, indexed by property (instance triples) and by class (type triples)."""

    hv_by_class: dict = field(default_factory=dict)  # R -> [(p, v)]          cls-hv1
    hv_by_prop: dict = field(default_factory=dict)  # p -> [(v, R)]           cls-hv2
    svf_by_prop: dict = field(default_factory=dict)  # p -> [(C or None, R)]  cls-svf1/2
    svf_by_class: dict = field(default_factory=dict)  # C -> [(p, R)]         cls-svf1
    avf_by_prop: dict = field(default_factory=dict)  # p -> [(R, C)]          cls-avf
    avf_by_class: dict = field(default_factory=dict)  # R -> [(p, C)]         cls-avf
    maxc_by_prop: dict = field(default_factory=dict)  # p -> [(R, None)]      cls-maxc2, cls-maxqc4
    maxc_by_class: dict = field(default_factory=dict)  # R -> [(p, None)]

    @classmethod
    def read(cls, schema: _Schema) -> _Restrictions:
        out, prop = cls(), schema.prop
        for r, v in schema.pairs(owl("hasValue")):
            out.hv_by_class.setdefault(r, []).append((prop(r), v))
            out.hv_by_prop.setdefault(prop(r), []).append((v, r))
        for r, c in schema.pairs(owl("someValuesFrom")):
            out.svf_by_prop.setdefault(prop(r), []).append((None if c == THING else c, r))
            if c != THING:
                out.svf_by_class.setdefault(c, []).append((prop(r), r))
        for r, c in schema.pairs(owl("allValuesFrom")):
            out.avf_by_prop.setdefault(prop(r), []).append((r, c))
            out.avf_by_class.setdefault(r, []).append((prop(r), c))
        for name in ("maxCardinality", "maxQualifiedCardinality"):
            for r, n in schema.pairs(owl(name)):
                if _int(n) != 1:
                    continue  # 0 only makes an inconsistency; above 1 entails nothing in OWL RL
                if name == "maxQualifiedCardinality" and schema.on_class.get(r, THING) != THING:
                    raise Unsupported("owl:maxQualifiedCardinality 1 on a class other than owl:Thing (cls-maxqc3)")
                out.maxc_by_prop.setdefault(prop(r), []).append((r, None))
                out.maxc_by_class.setdefault(r, []).append((prop(r), None))
        return out


def _int(literal: str) -> int | None:
    if not is_literal(literal):
        return None
    try:
        return int(literal[1 : literal.index('"', 1)])
    except ValueError:
        return None


class Rules:
    """What each property (`by_pred`) and each class (`by_class`) implies for instances, compiled from the closed schema."""

    def __init__(self, schema: Iterable[Triple]):
        s = _Schema(schema)
        for unsupported in ("hasKey", "onProperties", "hasSelf"):
            if owl(unsupported) in s.by_p:
                raise Unsupported(f"owl:{unsupported}")
        self.stand_ins: dict[str, tuple[str, str]] = {}  # chain stand-in predicate -> (p1, p2) it joins
        sub_c, intersections = _class_hierarchy(s)
        sub_p = subsumption(s.pairs(SUBPROP), s.pairs(EQUIVALENT_PROPERTY))
        chain_left, chain_right = self._chains(s, sub_p)
        restrictions = _Restrictions.read(s)
        self.supers_c = reach(sub_c)
        self.by_pred = self._property_plans(s, reach(sub_p), _inverses(s), chain_left, chain_right, restrictions)
        self.by_class = self._class_plans(sub_c, intersections, restrictions)
        for special in (TYPE, SAME):
            if special in self.by_pred:
                raise Unsupported(f"rules about {special} itself")
        # predicates whose triples are looked up by subject or object while joining
        self.indexed = {SAME} | set(chain_left) | set(chain_right)
        self.indexed |= {p for p, plan in self.by_pred.items() if plan.transitive or plan.functional or plan.inverse_functional}
        for by_class in (restrictions.avf_by_class, restrictions.maxc_by_class, restrictions.svf_by_class):
            self.indexed |= {p for pairs in by_class.values() for p, _ in pairs}

    def _chains(self, s: _Schema, sub_p: dict) -> tuple[dict, dict]:
        """prp-spo2: each chain (p1 ... pn) as binary joins through stand-in predicates (a chain of one is prp-spo1).

        Returns {p1: [(p2, target)]} (x p1 y, y p2 z => x target z) and {p2: [(p1, target)]}.
        """
        left_of: dict[str, list] = {}
        right_of: dict[str, list] = {}
        for target, head in s.pairs(owl("propertyChainAxiom")):
            links = s.members(head)
            if len(links) == 1:
                sub_p.setdefault(links[0], set()).add(target)
                continue
            left = links[0]
            for k, link in enumerate(links[1:], start=2):
                out = target if k == len(links) else f"{CHAIN_PREFIX}{len(self.stand_ins)}>"
                if out != target:
                    self.stand_ins[out] = (left, link)
                left_of.setdefault(left, []).append((link, out))
                right_of.setdefault(link, []).append((left, out))
                left = out
        return left_of, right_of

    def _closed_types(self, classes) -> tuple:
        """`classes` and all their superclasses, less the types every individual has."""
        out = set(classes)
        for c in classes:
            out |= self.supers_c.get(c, set())
        return tuple(sorted(out - TRIVIAL_TYPES))

    def _property_plans(self, s: _Schema, supers_p: dict, inverses: dict, chain_left: dict, chain_right: dict, r: _Restrictions) -> dict[str, PropertyPlan]:
        domains, ranges = relation(s.pairs(DOMAIN)), relation(s.pairs(RANGE))
        transitive, functional, inverse_functional = (s.instances(owl(n)) for n in ("TransitiveProperty", "FunctionalProperty", "InverseFunctionalProperty"))
        props = set(supers_p) | set(domains) | set(ranges) | set(inverses) | transitive | functional | inverse_functional
        props |= set(chain_left) | set(chain_right) | set(r.hv_by_prop) | set(r.svf_by_prop) | set(r.avf_by_prop) | set(r.maxc_by_prop)
        plans = {}
        for p in props:
            plan = PropertyPlan(
                supers=tuple(sorted(supers_p.get(p, set()) - {p})),
                domains=self._closed_types(domains.get(p, ())),
                ranges=self._closed_types(ranges.get(p, ())),
                inverses=tuple(sorted(inverses.get(p, ()))),
                transitive=p in transitive,
                functional=p in functional,
                inverse_functional=p in inverse_functional,
                chain_left=tuple(chain_left.get(p, ())),
                chain_right=tuple(chain_right.get(p, ())),
                has_value=tuple(r.hv_by_prop.get(p, ())),
                some_values=tuple(r.svf_by_prop.get(p, ())),
                all_values=tuple(r.avf_by_prop.get(p, ())),
                max_one=tuple(r.maxc_by_prop.get(p, ())),
            )
            if any(plan):
                plans[p] = plan
        return plans

    def _class_plans(self, sub_c: dict, intersections: dict, r: _Restrictions) -> dict[str, ClassPlan]:
        plans = {}
        for c in set(self.supers_c) | set(r.hv_by_class) | set(r.svf_by_class) | set(r.avf_by_class) | set(intersections) | set(r.maxc_by_class):
            plan = ClassPlan(
                supers=self._closed_types(self.supers_c.get(c, set()) - {c}),
                has_value=tuple(r.hv_by_class.get(c, ())),
                some_values=tuple(r.svf_by_class.get(c, ())),
                all_values=tuple(r.avf_by_class.get(c, ())),
                intersections=tuple(intersections.get(c, ())),
                max_one=tuple(r.maxc_by_class.get(c, ())),
            )
            if any(plan):
                plans[c] = plan
        return plans


def _class_hierarchy(s: _Schema) -> tuple[dict, dict]:
    """{class: direct superclasses} (cax-sco, cax-eqc, cls-uni, cls-int2) and {part: [(intersection, parts)]} (cls-int1)."""
    sub_c = subsumption(s.pairs(SUBCLASS), s.pairs(EQUIVALENT_CLASS))
    for u, head in s.pairs(owl("unionOf")):
        for c in s.members(head):
            sub_c.setdefault(c, set()).add(u)
    intersections: dict[str, list] = {}
    for i, head in s.pairs(owl("intersectionOf")):
        parts = tuple(s.members(head))
        for c in parts:
            sub_c.setdefault(i, set()).add(c)
            intersections.setdefault(c, []).append((i, parts))
    return sub_c, intersections


def _inverses(s: _Schema) -> dict[str, set[str]]:
    """{p: the properties whose triples p's triples entail reversed} (prp-inv, prp-symp)."""
    pairs = s.pairs(owl("inverseOf"))
    inverses = relation([*pairs, *((b, a) for a, b in pairs)])
    for p in s.instances(owl("SymmetricProperty")):
        inverses.setdefault(p, set()).add(p)
    return inverses
