"""Binary relations as {x: {y, ...}}: the transitive closure, subsumption and RDF lists both rule sets walk."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping


def reach(edges: Mapping) -> dict:
    """{x: everything reachable from x along `edges`, x itself included}, for each x of `edges`."""
    out = {}
    for start in edges:
        seen = {start}
        todo = [start]
        while todo:
            for nxt in edges.get(todo.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        out[start] = seen
    return out


def relation(pairs: Iterable[tuple]) -> dict:
    """{x: {y, ...}} of (x, y) pairs."""
    out: dict = {}
    for s, o in pairs:
        out.setdefault(s, set()).add(o)
    return out


def subsumption(sub: Iterable[tuple], equivalent: Iterable[tuple]) -> dict:
    """{x: its direct super-terms}: from (sub, super) pairs, and (a, b) equivalences taken both ways."""
    out = relation(sub)
    for s, o in equivalent:
        out.setdefault(s, set()).add(o)
        out.setdefault(o, set()).add(s)
    return out


def rdf_list(first: Mapping, rest: Mapping, head: Hashable, nil: Hashable) -> list | None:
    """The members of the RDF list at `head` ({cell: rdf:first}, {cell: rdf:rest}); None when a cell lacks one or the list loops."""
    items, seen = [], set()
    while head != nil:
        if head in seen or head not in first or head not in rest:
            return None
        seen.add(head)
        items.append(first[head])
        head = rest[head]
    return items
