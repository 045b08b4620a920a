"""OWL 2 RL over instance data, fast and incremental: the schema's closure compiled into rules per property and per class, applied semi-naively.

Why: a general reasoner re-derives the whole closure from scratch on every change, and the
schema (a few hundred triples) is what makes the rules; the instance data (up to millions of
triples) only flows through them. So the reasoning is split in two:

1. the *schema* (every triple that says something about classes and properties: subclass,
   domain, inverse, restriction, list cells, property and class declarations) is closed by a
   general OWL RL reasoner (`reasoning.py`), which is quick on it;
2. that closure is compiled (`Rules`) into what each property and each class implies for
   instances (cax-sco, prp-dom/rng, prp-spo1/2, prp-inv, prp-symp, prp-trp, prp-fp, prp-ifp,
   cls-hv1/2, cls-svf1/2, cls-avf, cls-int1/2, cls-uni, cls-maxc2, cls-maxqc3/4, and the
   equality rules eq-sym, eq-trans, eq-rep-s/p/o), and the instance triples are run through
   it by `Engine`, each new triple joined once with what is already known (semi-naive).
   Seeded with the triples a submission adds, the engine extends a closure already in a
   store, without recomputing it (OWL RL is monotone).

What the compiled rules do not cover (owl:hasKey, n-ary restrictions, a qualified maximum
cardinality on a class other than owl:Thing) raises `Unsupported`, as does instance data that
entails new schema triples: the caller then closes the whole graph with the general reasoner.
Terms are strings in N-Triples syntax (`<iri>`, `_:label`, `"literal"...`), the form
Oxigraph dumps and parses fastest.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"

Triple = tuple  # (subject, predicate, object), each an N-Triples term string
Progress = Callable[[str, int, "int | None"], None]


def _rdf(name: str) -> str:
    return f"<{RDF}{name}>"


def _rdfs(name: str) -> str:
    return f"<{RDFS}{name}>"


def _owl(name: str) -> str:
    return f"<{OWL}{name}>"


TYPE, FIRST, REST, NIL = _rdf("type"), _rdf("first"), _rdf("rest"), _rdf("nil")
SUBCLASS, SUBPROP, DOMAIN, RANGE = _rdfs("subClassOf"), _rdfs("subPropertyOf"), _rdfs("domain"), _rdfs("range")
SAME, THING = _owl("sameAs"), _owl("Thing")
TRIVIAL_TYPES = frozenset({THING, _rdfs("Resource"), _owl("NamedIndividual")})
CHAIN_PREFIX = "<urn:kgtool:chain:"  # predicates standing for the first links of a long property chain

# Predicates whose triples are about classes and properties: they go to the general reasoner.
SCHEMA_PREDICATES = frozenset(
    [SUBCLASS, SUBPROP, DOMAIN, RANGE, FIRST, REST]
    + [
        _owl(n)
        for n in ["equivalentClass", "equivalentProperty", "inverseOf", "propertyChainAxiom", "onProperty", "onProperties", "someValuesFrom", "allValuesFrom", "hasValue", "hasSelf", "intersectionOf", "unionOf", "complementOf", "oneOf", "cardinality", "minCardinality", "maxCardinality", "qualifiedCardinality", "minQualifiedCardinality", "maxQualifiedCardinality", "onClass", "onDataRange", "hasKey", "disjointWith", "disjointUnionOf", "propertyDisjointWith", "members", "distinctMembers", "withRestrictions", "datatypeComplementOf", "sourceIndividual", "assertionProperty", "targetIndividual", "targetValue"]
    ]
)
# Classes whose instances are classes, properties, lists of axioms: typing with them is schema too.
META_CLASSES = frozenset(
    [_rdfs("Class"), _rdfs("Datatype"), _rdf("Property"), _rdf("List")]
    + [
        _owl(n)
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


def _reach(edges: dict) -> dict:
    """{x: everything reachable from x along `edges`, x itself excluded}."""
    out = {}
    for start, nexts in edges.items():
        seen: set = set()
        todo = list(nexts)
        while todo:
            nxt = todo.pop()
            if nxt not in seen:
                seen.add(nxt)
                todo.extend(edges.get(nxt, ()))
        seen.discard(start)
        out[start] = seen
    return out


def _subsumption(by_p: dict, sub: str, equivalent: str) -> dict[str, set[str]]:
    """{x: its direct super-terms}: from `sub` triples, and `equivalent` ones taken both ways."""
    out: dict[str, set[str]] = {}
    for s, o in by_p.get(sub, ()):
        out.setdefault(s, set()).add(o)
    for s, o in by_p.get(equivalent, ()):
        out.setdefault(s, set()).add(o)
        out.setdefault(o, set()).add(s)
    return out


def _int(literal: str) -> int | None:
    if not is_literal(literal):
        return None
    try:
        return int(literal[1 : literal.index('"', 1)])
    except ValueError:
        return None


class Rules:
    """What each property and each class implies for instances, compiled from the closed schema."""

    def __init__(self, schema: Iterable[Triple]):
        by_p: dict[str, list[tuple[str, str]]] = {}
        for s, p, o in schema:
            by_p.setdefault(p, []).append((s, o))
        first = dict(by_p.get(FIRST, ()))
        rest = dict(by_p.get(REST, ()))

        def members(head: str) -> list[str]:
            items, seen = [], set()
            while head != NIL:
                if head in seen or head not in first or head not in rest:
                    raise Unsupported(f"a malformed RDF list at {head}")
                seen.add(head)
                items.append(first[head])
                head = rest[head]
            return items

        typed: dict[str, set[str]] = {}
        for s, o in by_p.get(TYPE, ()):
            typed.setdefault(o, set()).add(s)
        for unsupported in ("hasKey", "onProperties", "hasSelf"):
            if _owl(unsupported) in by_p:
                raise Unsupported(f"owl:{unsupported}")

        sub_c = _subsumption(by_p, SUBCLASS, _owl("equivalentClass"))
        for u, head in by_p.get(_owl("unionOf"), ()):  # cls-uni
            for c in members(head):
                sub_c.setdefault(c, set()).add(u)
        intersections: dict[str, list] = {}
        for i, head in by_p.get(_owl("intersectionOf"), ()):  # cls-int1, cls-int2
            parts = tuple(members(head))
            for c in parts:
                sub_c.setdefault(i, set()).add(c)
                intersections.setdefault(c, []).append((i, parts))

        sub_p = _subsumption(by_p, SUBPROP, _owl("equivalentProperty"))
        inverses: dict[str, set[str]] = {}
        for s, o in by_p.get(_owl("inverseOf"), ()):
            inverses.setdefault(s, set()).add(o)
            inverses.setdefault(o, set()).add(s)
        for p in typed.get(_owl("SymmetricProperty"), ()):
            inverses.setdefault(p, set()).add(p)

        # prp-spo2: a chain (p1 ... pn) becomes binary joins through stand-in predicates
        chain_left: dict[str, list] = {}  # p1 -> [(p2, target)]: x p1 y, y p2 z => x target z
        chain_right: dict[str, list] = {}  # p2 -> [(p1, target)]
        self.stand_ins: dict[str, tuple[str, str]] = {}  # stand-in predicate -> (p1, p2) it joins
        for target, head in by_p.get(_owl("propertyChainAxiom"), ()):
            links = members(head)
            if len(links) == 1:
                sub_p.setdefault(links[0], set()).add(target)
                continue
            left = links[0]
            for k, link in enumerate(links[1:], start=2):
                out = target if k == len(links) else f"{CHAIN_PREFIX}{len(self.stand_ins)}>"
                if out != target:
                    self.stand_ins[out] = (left, link)
                chain_left.setdefault(left, []).append((link, out))
                chain_right.setdefault(link, []).append((left, out))
                left = out

        on_property = dict(by_p.get(_owl("onProperty"), ()))
        on_class = dict(by_p.get(_owl("onClass"), ()))

        def prop(r: str) -> str:
            if r not in on_property:
                raise Unsupported(f"a restriction without owl:onProperty: {r}")
            return on_property[r]

        hv_by_class: dict[str, list] = {}  # R -> [(p, v)]          cls-hv1
        hv_by_prop: dict[str, list] = {}  # p -> [(v, R)]           cls-hv2
        svf_by_prop: dict[str, list] = {}  # p -> [(C or None, R)]  cls-svf1/2
        svf_by_class: dict[str, list] = {}  # C -> [(p, R)]         cls-svf1
        avf_by_prop: dict[str, list] = {}  # p -> [(R, C)]          cls-avf
        avf_by_class: dict[str, list] = {}  # R -> [(p, C)]         cls-avf
        maxc_by_prop: dict[str, list] = {}  # p -> [(R, C or None)] cls-maxc2, cls-maxqc3/4
        maxc_by_class: dict[str, list] = {}  # R -> [(p, C or None)]
        for r, v in by_p.get(_owl("hasValue"), ()):
            hv_by_class.setdefault(r, []).append((prop(r), v))
            hv_by_prop.setdefault(prop(r), []).append((v, r))
        for r, c in by_p.get(_owl("someValuesFrom"), ()):
            svf_by_prop.setdefault(prop(r), []).append((None if c == THING else c, r))
            if c != THING:
                svf_by_class.setdefault(c, []).append((prop(r), r))
        for r, c in by_p.get(_owl("allValuesFrom"), ()):
            avf_by_prop.setdefault(prop(r), []).append((r, c))
            avf_by_class.setdefault(r, []).append((prop(r), c))
        for name in ("maxCardinality", "maxQualifiedCardinality"):
            for r, n in by_p.get(_owl(name), ()):
                if _int(n) != 1:
                    continue  # 0 only makes an inconsistency; above 1 entails nothing in OWL RL
                c = on_class.get(r, THING) if name == "maxQualifiedCardinality" else THING
                if c != THING:
                    raise Unsupported("owl:maxQualifiedCardinality 1 on a class other than owl:Thing")
                maxc_by_prop.setdefault(prop(r), []).append((r, None))
                maxc_by_class.setdefault(r, []).append((prop(r), None))

        supers_c = _reach(sub_c)
        supers_p = _reach(sub_p)
        domains: dict[str, set] = {}
        ranges: dict[str, set] = {}
        for s, o in by_p.get(DOMAIN, ()):
            domains.setdefault(s, set()).add(o)
        for s, o in by_p.get(RANGE, ()):
            ranges.setdefault(s, set()).add(o)
        transitive = typed.get(_owl("TransitiveProperty"), set())
        functional = typed.get(_owl("FunctionalProperty"), set())
        inverse_functional = typed.get(_owl("InverseFunctionalProperty"), set())

        def closed_types(classes) -> tuple:
            out = set(classes)
            for c in classes:
                out |= supers_c.get(c, set())
            return tuple(sorted(out - TRIVIAL_TYPES))

        # per property: (super-properties, domains, ranges, inverses, transitive, functional,
        #   inverse-functional, chain as first link, chain as second link, hasValue, someValuesFrom,
        #   allValuesFrom, max-cardinality-1)
        self.by_pred: dict[str, tuple] = {}
        props = set(supers_p) | set(domains) | set(ranges) | set(inverses) | transitive | functional | inverse_functional
        props |= set(chain_left) | set(chain_right) | set(hv_by_prop) | set(svf_by_prop) | set(avf_by_prop) | set(maxc_by_prop)
        for p in props:
            plan = (
                tuple(sorted(supers_p.get(p, set()) - {p})),
                closed_types(domains.get(p, ())),
                closed_types(ranges.get(p, ())),
                tuple(sorted(inverses.get(p, ()))),
                p in transitive,
                p in functional,
                p in inverse_functional,
                tuple(chain_left.get(p, ())),
                tuple(chain_right.get(p, ())),
                tuple(hv_by_prop.get(p, ())),
                tuple(svf_by_prop.get(p, ())),
                tuple(avf_by_prop.get(p, ())),
                tuple(maxc_by_prop.get(p, ())),
            )
            if any(plan[:4]) or any(plan[4:7]) or any(plan[7:]):
                self.by_pred[p] = plan
        # per class: (superclasses, hasValue, someValuesFrom filler, allValuesFrom, intersections, max cardinality)
        self.by_class: dict[str, tuple] = {}
        classes = set(supers_c) | set(hv_by_class) | set(svf_by_class) | set(avf_by_class) | set(intersections) | set(maxc_by_class)
        for c in classes:
            plan = (
                closed_types(supers_c.get(c, set()) - {c}),
                tuple(hv_by_class.get(c, ())),
                tuple(svf_by_class.get(c, ())),
                tuple(avf_by_class.get(c, ())),
                tuple(intersections.get(c, ())),
                tuple(maxc_by_class.get(c, ())),
            )
            if any(plan):
                self.by_class[c] = plan
        for special in (TYPE, SAME):
            if special in self.by_pred:
                raise Unsupported(f"rules about {special} itself")
        # predicates whose triples are looked up by subject or object while joining
        self.indexed = {SAME} | transitive | functional | inverse_functional | set(chain_left) | set(chain_right)
        self.indexed |= {p for p, _ in _flat(avf_by_class.values())} | {p for p, _ in _flat(maxc_by_class.values())}
        self.indexed |= {p for p, _ in _flat(svf_by_class.values())}


def _flat(lists):
    for items in lists:
        yield from items


class Known:
    """The closure computed so far, outside the engine (a store); the engine's own facts are added to it."""

    equalities = False  # whether it holds owl:sameAs triples
    stand_ins: dict = {}  # set by the engine: the chain stand-in predicates, which are not stored

    def has(self, t: Triple) -> bool:
        return False

    def objects(self, p: str, s: str) -> Iterable[str]:
        return ()

    def subjects(self, p: str, o: str) -> Iterable[str]:
        return ()

    def about(self, x: str) -> Iterable[Triple]:
        return ()


class Engine:
    """Semi-naive forward chaining of `Rules` over the triples pushed into it."""

    def __init__(self, rules: Rules, known: Known | None = None, progress: Progress | None = None):
        self.rules = rules
        self.known = known or Known()
        self.known.stand_ins = rules.stand_ins
        self.facts: set[Triple] = set()
        self.todo: list[Triple] = []
        self.out: dict[str, dict[str, list[str]]] = {p: {} for p in rules.indexed}
        self.inn: dict[str, dict[str, list[str]]] = {p: {} for p in rules.indexed}
        self.equalities = self.known.equalities
        self.by_node: dict[str, list[Triple]] | None = None  # built once an equality appears
        self.progress = progress

    # ---------------------------------------------------------------- facts
    def push(self, t: Triple) -> None:
        if t in self.facts or self.known.has(t):
            return
        self.facts.add(t)
        self.todo.append(t)
        if self.by_node is not None:
            self._index_node(t)

    def seed(self, triples: Iterable[Triple]) -> None:
        """Triples that are new to the closure (not checked against `known`)."""
        for t in triples:
            if t not in self.facts:
                self.facts.add(t)
                self.todo.append(t)
                if self.by_node is not None:
                    self._index_node(t)

    def objects(self, p: str, s: str) -> list[str]:
        found = self.out[p].get(s, [])
        old = self.known.objects(p, s)
        return [*found, *old] if old else found

    def subjects(self, p: str, o: str) -> list[str]:
        found = self.inn[p].get(o, [])
        old = self.known.subjects(p, o)
        return [*found, *old] if old else found

    def has_type(self, x: str, c: str) -> bool:
        return c in TRIVIAL_TYPES or (x, TYPE, c) in self.facts or self.known.has((x, TYPE, c))

    def _index_node(self, t: Triple) -> None:
        for term in set(t):
            self.by_node.setdefault(term, []).append(t)

    def _about(self, x: str) -> list[Triple]:
        if self.by_node is None:
            self.by_node = {}
            for t in self.facts:
                self._index_node(t)
        return [*self.by_node.get(x, ()), *self.known.about(x)]

    # ---------------------------------------------------------------- rules
    def run(self) -> None:
        rules = self.rules
        by_pred, by_class, indexed = rules.by_pred, rules.by_class, rules.indexed
        out, inn = self.out, self.inn
        push, todo = self.push, self.todo
        done = 0
        while todo:
            t = todo.pop()
            s, p, o = t
            done += 1
            if self.progress and not done % 200_000:
                self.progress("reasoning", done, None)
            if p in indexed:
                out[p].setdefault(s, []).append(o)
                inn[p].setdefault(o, []).append(s)
            if self.equalities or p == SAME:
                self._equality(t)
            if p == TYPE:
                plan = by_class.get(o)
                if plan is not None:
                    self._class_rules(s, o, plan)
                continue
            plan = by_pred.get(p)
            if plan is None:
                continue
            supers, domains, ranges, inverses, transitive, functional, inv_functional, c_left, c_right, hv, svf, avf, maxc = plan
            for q in supers:
                push((s, q, o))
            for c in domains:
                push((s, TYPE, c))
            literal = o[0] == '"'
            if not literal:
                for c in ranges:
                    push((o, TYPE, c))
                for q in inverses:
                    push((o, q, s))
            if transitive:
                for z in self.objects(p, o):
                    push((s, p, z))
                for w in self.subjects(p, s):
                    push((w, p, o))
            if functional and not literal:
                for o2 in self.objects(p, s):
                    if o2 != o:
                        push((o, SAME, o2))
            if inv_functional:
                for s2 in self.subjects(p, o):
                    if s2 != s:
                        push((s, SAME, s2))
            for link, target in c_left:  # x p y, y link z => x target z
                for z in self.objects(link, o):
                    push((s, target, z))
            for first, target in c_right:  # w first x, x p y => w target y
                for w in self.subjects(first, s):
                    push((w, target, o))
            for v, r in hv:  # cls-hv2
                if o == v:
                    push((s, TYPE, r))
            for c, r in svf:  # cls-svf1/2
                if c is None or self.has_type(o, c):
                    push((s, TYPE, r))
            if not literal:
                for r, c in avf:  # cls-avf
                    if self.has_type(s, r):
                        push((o, TYPE, c))
            for r, _ in maxc:  # cls-maxc2
                if not literal and self.has_type(s, r):
                    for o2 in self.objects(p, s):
                        if o2 != o:
                            push((o, SAME, o2))
        if self.progress:
            self.progress("reasoning", done, done)

    def _class_rules(self, x: str, c: str, plan: tuple) -> None:
        push = self.push
        supers, hv, svf, avf, intersections, maxc = plan
        for d in supers:
            push((x, TYPE, d))
        for p, v in hv:  # cls-hv1
            push((x, p, v))
        for p, r in svf:  # cls-svf1: w p x, x a c => w a r
            for w in self.subjects(p, x):
                push((w, TYPE, r))
        for p, d in avf:  # cls-avf: x a c, x p y => y a d
            for y in self.objects(p, x):
                if y[0] != '"':
                    push((y, TYPE, d))
        for i, parts in intersections:  # cls-int1
            if all(part == c or self.has_type(x, part) for part in parts):
                push((x, TYPE, i))
        for p, _ in maxc:  # cls-maxc2
            values = [y for y in self.objects(p, x) if y[0] != '"']
            for y1 in values:
                for y2 in values:
                    if y1 != y2:
                        push((y1, SAME, y2))

    def _equality(self, t: Triple) -> None:
        """eq-sym, eq-trans, eq-rep-s, eq-rep-p, eq-rep-o."""
        push = self.push
        s, p, o = t
        if p == SAME and s != o and o[0] != '"':
            if not self.equalities:
                self.equalities = True
            push((o, SAME, s))
            for z in self.objects(SAME, o):
                push((s, SAME, z))
            for u in self._about(s):  # what is said of s is said of o
                u2 = tuple(o if term == s else term for term in u)
                if u2[0][0] != '"':
                    push(u2)
        objects = self.objects
        for y in objects(SAME, s):
            if y[0] != '"' and y != s:
                push((y, p, o))
        for y in objects(SAME, p):
            if y[0] != '"' and y != p:
                push((s, y, o))
        for y in objects(SAME, o):
            if y != o:
                push((s, p, y))


def closure(schema_closure: set[Triple], instances: Iterable[Triple], progress: Progress | None = None) -> set[Triple]:
    """Every triple of the OWL RL closure of `schema_closure` plus `instances` (stand-ins left out).

    Raises Unsupported when the compiled rules do not cover the schema or the data entails schema triples.
    """
    rules = Rules(schema_closure)
    engine = Engine(rules, progress=progress)
    engine.seed(schema_closure)
    engine.seed(instances)
    engine.run()
    for t in engine.facts:
        if is_schema(t) and t not in schema_closure:
            raise Unsupported(f"the instance data entails a schema triple: {' '.join(t)}")
    if rules.stand_ins:
        return {t for t in engine.facts if not t[1].startswith(CHAIN_PREFIX)}
    return engine.facts
