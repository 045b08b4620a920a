"""An RDF graph held in memory as pyoxigraph terms, indexed by subject and by object: the data graph and the shapes graph.

Values are read from here, not from an Oxigraph store, because a store keeps literals in a
canonical form ("1.50"^^xsd:decimal becomes "1.5", "5"^^xsd:byte becomes "5"^^xsd:integer)
and SHACL judges the terms as written (sh:datatype, sh:value in the report).
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from .vocab import FIRST, NIL, REST, SUBCLASS, TYPE


class ListError(ValueError):
    """A node that should start a well-formed RDF list does not."""


class Graph:
    """Triples looked up by (subject, predicate) and (predicate, object); each triple once."""

    def __init__(self, triples: Iterable[ox.Triple]):
        out: dict = {}  # subject -> {predicate -> [object, ...]}
        inc: dict = {}  # object -> {predicate -> [subject, ...]}
        unique = dict.fromkeys(triples)
        for s, p, o in unique:  # (written out: this loop is most of the cost of a large graph)
            props = out.get(s)
            if props is None:
                out[s] = {p: [o]}
            elif p in props:
                props[p].append(o)
            else:
                props[p] = [o]
            props = inc.get(o)
            if props is None:
                inc[o] = {p: [s]}
            elif p in props:
                props[p].append(s)
            else:
                props[p] = [s]
        self.out, self.inc, self.size = out, inc, len(unique)
        self._by_predicate: dict | None = None
        self._subjects_by_predicate: dict | None = None
        self._objects_by_predicate: dict = {}
        self._supers: dict = {}
        self._subs: dict = {}

    def __iter__(self):
        for s, p, o in self.spo():
            yield ox.Triple(s, p, o)

    def spo(self):
        """Every (subject, predicate, object), grouped by subject (the order iteration gives)."""
        for s, props in self.out.items():
            for p, objects in props.items():
                for o in objects:
                    yield s, p, o

    def objects(self, s, p) -> list:
        return self.out.get(s, {}).get(p, [])

    def subjects(self, p, o) -> list:
        return self.inc.get(o, {}).get(p, [])

    def value(self, s, p):
        """The first object of (s, p), or None."""
        found = self.objects(s, p)
        return found[0] if found else None

    def properties(self, s) -> dict:
        """{predicate: [objects]} of a subject."""
        return self.out.get(s, {})

    def has(self, s, p, o) -> bool:
        return o in self.objects(s, p)

    def pairs(self, p) -> list[tuple]:
        """Every (subject, object) of the predicate p."""
        if self._by_predicate is None:
            self._by_predicate = {}
            for s, props in self.out.items():
                for q, objects in props.items():
                    self._by_predicate.setdefault(q, []).extend((s, o) for o in objects)
        return self._by_predicate.get(p, [])

    def subjects_with(self, p) -> list:
        """The distinct subjects of the predicate p, in the order `pairs(p)` meets them."""
        if self._subjects_by_predicate is None:
            found: dict = {}
            for s, props in self.out.items():
                for q in props:
                    found.setdefault(q, []).append(s)
            self._subjects_by_predicate = found
        return self._subjects_by_predicate.get(p, [])

    def objects_with(self, p) -> list:
        """The distinct objects of the predicate p, in the order `pairs(p)` meets them."""
        found = self._objects_by_predicate.get(p)
        if found is None:
            empty: dict = {}
            found = self._objects_by_predicate[p] = list(dict.fromkeys(o for props in self.out.values() for o in props.get(p, empty)))
        return found

    def items(self, node) -> list:
        """The members of the RDF list starting at `node`; ListError if it is not a well-formed list."""
        out, seen = [], set()
        while node != NIL:
            first, rest = self.objects(node, FIRST), self.objects(node, REST)
            if len(first) != 1 or len(rest) != 1 or node in seen:
                raise ListError(f"{node} is not a well-formed RDF list")
            seen.add(node)
            out.append(first[0])
            node = rest[0]
        return out

    def description(self, node, seen: set) -> list[ox.Triple]:
        """The triples of `node` and, through the blank nodes among their objects, of those nodes, to the end.

        Nodes in `seen` are not described again, and the nodes described are added to it.
        """
        out: list[ox.Triple] = []
        todo = [node]
        while todo:
            n = todo.pop()
            if n in seen:
                continue
            seen.add(n)
            for p, objects in self.properties(n).items():
                for o in objects:
                    out.append(ox.Triple(n, p, o))
                    if isinstance(o, ox.BlankNode):
                        todo.append(o)
        return out

    # -- classes (https://www.w3.org/TR/shacl/#dfn-shacl-instance) -------------------
    def superclasses(self, cls) -> set:
        """cls and everything it is an rdfs:subClassOf, transitively."""
        return self._closure(cls, self._supers, self.objects, SUBCLASS)

    def subclasses(self, cls) -> set:
        """cls and everything that is an rdfs:subClassOf it, transitively."""
        return self._closure(cls, self._subs, lambda n, p: self.subjects(p, n), SUBCLASS)

    def _closure(self, start, memo: dict, step, predicate) -> set:
        found = memo.get(start)
        if found is None:
            found, todo = {start}, [start]
            while todo:
                for n in step(todo.pop(), predicate):
                    if n not in found:
                        found.add(n)
                        todo.append(n)
            memo[start] = found
        return found

    def is_instance(self, node, cls) -> bool:
        """Whether node is a SHACL instance of cls: rdf:type/rdfs:subClassOf* reaches it (one of its types is a subclass)."""
        below = self.subclasses(cls)
        return any(t in below for t in self.objects(node, TYPE))

    def instances(self, cls) -> list:
        """The SHACL instances of cls."""
        out: dict = {}
        for c in self.subclasses(cls):
            out.update(dict.fromkeys(self.subjects(TYPE, c)))
        return list(out)
