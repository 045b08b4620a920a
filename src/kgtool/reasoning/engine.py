"""Semi-naive forward chaining of the compiled rules (`compiled.Rules`) over instance triples, optionally on top of a closure kept elsewhere."""

from __future__ import annotations

from collections.abc import Iterable

from ..progress import Report as Progress
from .compiled import ClassPlan, PropertyPlan, Rules
from .ntriples import SAME, TRIVIAL_TYPES, TYPE, Triple


class Known:
    """The closure computed so far outside the engine (a store, see incremental.py): what the engine looks up.

    This base knows nothing. The engine's own facts are added to what it knows.
    """

    equalities = False  # whether it holds owl:sameAs triples

    def has(self, t: Triple) -> bool:
        return False

    def objects(self, p: str, s: str) -> Iterable[str]:
        return ()

    def subjects(self, p: str, o: str) -> Iterable[str]:
        return ()

    def about(self, x: str) -> Iterable[Triple]:
        """Every triple with `x` as subject, predicate or object."""
        return ()


class Engine:
    """Semi-naive forward chaining of `Rules` over the triples pushed into it: each new triple is joined once with what is known."""

    def __init__(self, rules: Rules, known: Known | None = None, progress: Progress | None = None):
        self.rules = rules
        self.known = known or Known()
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
        """Apply the rules to each new triple until nothing new comes."""
        rules = self.rules
        by_pred, by_class, indexed = rules.by_pred, rules.by_class, rules.indexed
        out, inn = self.out, self.inn
        todo = self.todo
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
            if plan is not None:
                self._property_rules(s, p, o, plan)
        if self.progress:
            self.progress("reasoning", done, done)

    def _property_rules(self, s: str, p: str, o: str, plan: PropertyPlan) -> None:
        """What `s p o` implies by its predicate's plan (the rules prp-*, cls-hv2, cls-svf1/2, cls-avf, cls-maxc2)."""
        push = self.push
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

    def _class_rules(self, x: str, c: str, plan: ClassPlan) -> None:
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

