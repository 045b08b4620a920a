"""The shapes graph read once: shapes, their targets, paths, severities and messages, and the prefixes of SPARQL queries."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from . import ShapeError, components, paths
from .graph import Graph, ListError
from .vocab import OWL, RDFS, SH, TRUE, VIOLATION

TARGETS = (SH.targetNode, SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf)


@dataclass(eq=False)
class Shape:
    """A node shape, or a property shape when it has a path."""

    node: object
    path: paths.Path | None
    path_node: object  # the value of sh:path as written (default messages name it)
    severity: object
    messages: list  # ox.Literal values of sh:message
    deactivated: bool
    constraints: list = field(default_factory=list)  # components.Component instances, filled by Shapes

    def value_nodes(self, data: Graph, nodes) -> dict:
        """{focus node: its value nodes} for each of `nodes`: itself, or what the path reaches (https://www.w3.org/TR/shacl/#value-nodes)."""
        return {f: [f] for f in nodes} if self.path is None else paths.values_of(self.path, data, nodes)


class Shapes:
    """The shapes of a shapes graph, each read once and on demand."""

    def __init__(self, triples):
        self.graph = Graph(triples)
        self._shapes: dict = {}
        self.components = components.registry(self)  # built-in plus the SPARQL-based ones declared here

    def shape(self, node) -> Shape:
        """The shape `node`, with its constraints; ShapeError if it is ill-formed."""
        found = self._shapes.get(node)
        if found is None:
            g = self.graph
            path = None
            if g.objects(node, SH.path):
                try:
                    path = paths.read(g, g.value(node, SH.path))
                except paths.PathError as e:
                    raise ShapeError(f"shape {node}: {e}") from None
            found = self._shapes[node] = Shape(
                node=node,
                path=path,
                path_node=g.value(node, SH.path),
                severity=g.value(node, SH.severity) or VIOLATION,
                messages=[m for m in g.objects(node, SH.message) if isinstance(m, ox.Literal)],
                deactivated=TRUE in g.objects(node, SH.deactivated),
            )
            found.constraints = [] if found.deactivated else self.components.constraints(found)
        return found

    def is_instance(self, node, cls) -> bool:
        """A SHACL instance in the shapes graph (used for the vocabulary: sh:NodeShape, rdfs:Class, sh:ConstraintComponent)."""
        return self.graph.is_instance(node, cls)

    def targeted(self) -> list[Shape]:
        """The shapes that have targets, including implicit class targets (https://www.w3.org/TR/shacl/#targets)."""
        g = self.graph
        found: dict = {}
        for predicate in TARGETS:
            for s, _ in g.pairs(predicate):
                found[s] = None
        for cls in g.instances(RDFS.Class):
            if self.is_instance(cls, SH.NodeShape) or self.is_instance(cls, SH.PropertyShape):
                found[cls] = None
        return [self.shape(n) for n in found if isinstance(n, (ox.NamedNode, ox.BlankNode))]

    def items(self, node, what: str) -> list:
        """The members of a list-valued parameter; ShapeError if it is not a list."""
        try:
            return self.graph.items(node)
        except ListError:
            raise ShapeError(f"the value of {what} ({node}) is not a well-formed RDF list") from None

    # -- SPARQL prefixes (https://www.w3.org/TR/shacl/#sparql-prefixes) ------------------
    def prefixes(self, node) -> dict[str, str]:
        """The prefix declarations a SPARQL query at `node` uses: those of its sh:prefixes values and, through
        owl:imports, of the ontologies they import (in the shapes graph: nothing is fetched)."""
        g = self.graph
        out: dict[str, str] = {}
        seen: set = set()
        todo = list(g.objects(node, SH.prefixes))
        while todo:
            source = todo.pop()
            if source in seen:
                continue
            seen.add(source)
            todo += g.objects(source, OWL.imports)
            for declaration in g.objects(source, SH.declare):
                prefix, namespace = g.objects(declaration, SH.prefix), g.objects(declaration, SH.namespace)
                if len(prefix) != 1 or len(namespace) != 1 or not isinstance(prefix[0], ox.Literal):
                    raise ShapeError(f"the prefix declaration {declaration} of {source} needs one sh:prefix and one sh:namespace")
                name, iri = prefix[0].value, namespace[0].value
                if out.get(name, iri) != iri:
                    raise ShapeError(f"the prefix '{name}:' is declared twice, as <{out[name]}> and <{iri}> (sh:prefixes of {node})")
                out[name] = iri
        return out
