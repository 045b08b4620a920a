"""SHACL property paths (https://www.w3.org/TR/shacl/#property-paths): read once, then evaluated, written as SPARQL, as text for a person, and as RDF into a report."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from .graph import Graph, ListError
from .vocab import FIRST, REST, NIL, SH

MAX_DEPTH = 64  # a path nested deeper is taken for a cycle in the shapes graph
# (mark in SPARQL, the SHACL predicate) of the unary paths
_UNARY = {"*": SH.zeroOrMorePath, "+": SH.oneOrMorePath, "?": SH.zeroOrOnePath}


class PathError(ValueError):
    """A node is not a well-formed SHACL property path."""


@dataclass(frozen=True)
class Path:
    """kind: "iri" (args = (IRI,)), "^" (inverse), "/" (sequence), "|" (alternatives), "*", "+" or "?"."""

    kind: str
    args: tuple

    @property
    def iri(self):
        """The property, when the path is one IRI; else None."""
        return self.args[0] if self.kind == "iri" else None


def read(g: Graph, node, depth: int = 0) -> Path:
    """The path that `node` of the shapes graph describes; PathError if it describes none."""
    if depth > MAX_DEPTH:
        raise PathError(f"the property path at {node} is nested too deeply (a cycle?)")
    if isinstance(node, ox.NamedNode):
        return Path("iri", (node,))
    if not isinstance(node, ox.BlankNode):
        raise PathError(f"{node} is not a property path (a path is an IRI or a blank node)")
    if g.objects(node, FIRST):  # a list is a sequence, whatever else the node says (W3C path-strange-001)
        try:
            members = g.items(node)
        except ListError as e:
            raise PathError(f"the sequence path {node} is not a well-formed list") from e
        if len(members) < 2:
            raise PathError(f"the sequence path {node} has fewer than two members")
        return Path("/", tuple(read(g, m, depth + 1) for m in members))
    found = []
    if g.objects(node, SH.inversePath):
        found.append(Path("^", (read(g, g.value(node, SH.inversePath), depth + 1),)))
    if g.objects(node, SH.alternativePath):
        try:
            members = g.items(g.value(node, SH.alternativePath))
        except ListError as e:
            raise PathError(f"the alternative path {node} is not a well-formed list") from e
        if len(members) < 2:
            raise PathError(f"the alternative path {node} has fewer than two members")
        found.append(Path("|", tuple(read(g, m, depth + 1) for m in members)))
    for mark, predicate in _UNARY.items():
        if g.objects(node, predicate):
            found.append(Path(mark, (read(g, g.value(node, predicate), depth + 1),)))
    if len(found) != 1:
        raise PathError(f"{node} is not a property path" if not found else f"{node} describes more than one property path")
    return found[0]


def values(path: Path, g: Graph, node, inverse: bool = False, memo: dict | None = None) -> list:
    """The nodes `path` reaches from `node` in g (distinct, in a stable order); backwards when inverse.

    `memo` keeps what each step of the path reaches from each node, for a run over many nodes
    (`values_of`); the lists in it are shared, so read them only."""
    if path.kind == "iri":
        return list(g.subjects(path.iri, node) if inverse else g.objects(node, path.iri))
    if path.kind == "^":
        return values(path.args[0], g, node, not inverse, memo)
    if memo is not None:
        key = (id(path), node, inverse)
        found = memo.get(key)
        if found is None:
            found = memo[key] = _values(path, g, node, inverse, memo)
        return found
    return _values(path, g, node, inverse, memo)


def _values(path: Path, g: Graph, node, inverse: bool, memo: dict | None) -> list:
    """`values` of a path that is not an IRI or an inverse."""
    if path.kind == "/":
        current = [node]
        for step in reversed(path.args) if inverse else path.args:
            current = list(dict.fromkeys(v for n in current for v in values(step, g, n, inverse, memo)))
        return current
    if path.kind == "|":
        return list(dict.fromkeys(v for step in path.args for v in values(step, g, node, inverse, memo)))
    inner = path.args[0]
    if path.kind == "?":
        return list(dict.fromkeys([node, *values(inner, g, node, inverse, memo)]))
    reached: dict = {node: None} if path.kind == "*" else {}
    todo = [node]
    while todo:
        for v in values(inner, g, todo.pop(), inverse, memo):
            if v not in reached:
                reached[v] = None
                todo.append(v)
    return list(reached)


def values_of(path: Path, g: Graph, nodes) -> dict:
    """{node: values(path, g, node)} for each of `nodes`, each step worked out once per node it starts from
    (the types of many nodes share their superclasses: rdf:type/rdfs:subClassOf*). The value lists are
    the graph's own or shared between nodes: read them only."""
    if path.kind == "iri":
        out, p, empty = g.out, path.iri, {}
        return {n: out.get(n, empty).get(p, ()) for n in nodes}
    memo: dict = {}
    return {n: values(path, g, n, False, memo) for n in nodes}


def sparql(path: Path) -> str:
    """The path as a SPARQL 1.1 property path."""
    if path.kind == "iri":
        return str(path.iri)
    if path.kind == "^":
        return f"^({sparql(path.args[0])})"
    if path.kind in "/|":
        return "(" + path.kind.join(sparql(a) for a in path.args) + ")"
    return f"({sparql(path.args[0])}){path.kind}"


def text(path: Path, name, depth: int = 0) -> str:
    """The path as a person reads it in a report: SPARQL property path syntax with the IRIs as `name(iri)` writes them,
    parentheses only around a step that needs them (`^cf:member`, `(a/b)*`); past 20 levels, "(complex path)"."""
    if path.kind == "iri":
        return name(path.iri)
    if depth > 20:
        return "(complex path)"

    def step(p: Path) -> str:
        written = text(p, name, depth + 1)
        return written if p.kind == "iri" or written.startswith(("(", "^")) else f"({written})"

    if path.kind == "^":
        return "^" + step(path.args[0])
    if path.kind in "/|":
        return path.kind.join(step(a) for a in path.args)
    return step(path.args[0]) + path.kind


def triples(path: Path) -> tuple[object, list[ox.Triple]]:
    """The path written as RDF again (a fresh blank node per step): (its node, its triples)."""
    if path.kind == "iri":
        return path.iri, []
    node, out = ox.BlankNode(), []
    if path.kind == "/":
        head = node
        for i, step in enumerate(path.args):
            member, more = triples(step)
            out += more + [ox.Triple(head, FIRST, member)]
            rest = ox.BlankNode() if i + 1 < len(path.args) else NIL
            out.append(ox.Triple(head, REST, rest))
            head = rest
        return node, out
    if path.kind == "|":
        items, more = triples(Path("/", path.args))
        return node, more + [ox.Triple(node, SH.alternativePath, items)]
    inner, more = triples(path.args[0])
    predicate = SH.inversePath if path.kind == "^" else _UNARY[path.kind]
    return node, more + [ox.Triple(node, predicate, inner)]
