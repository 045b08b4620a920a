"""Shape-based constraint components (https://www.w3.org/TR/shacl/#core-components-shape): sh:node, sh:property and qualified value shapes."""

from __future__ import annotations

import dataclasses

from ..vocab import SH
from . import Component


class Node(Component):
    """Each value node conforms to the node shape sh:node (https://www.w3.org/TR/shacl/#NodeConstraintComponent)."""

    name = "Node"
    parameters = (SH.node,)

    def evaluate(self, run, focus):
        every = {v for values in focus.values() for v in values}
        conforming = self.conforming(run, self.args["node"], every)
        for f, values in focus.items():
            for v in values:
                if v not in conforming:
                    yield self.result(f, v)

    def message(self, run, result):
        return f"Value does not conform to Shape {run.shape_name(self.args['node'])}. See details for more information."


class Property(Component):
    """Each value node is validated against the property shape sh:property, whose results are reported as its own
    (https://www.w3.org/TR/shacl/#PropertyConstraintComponent)."""

    name = "Property"
    parameters = (SH.property,)

    def setup(self) -> None:
        self.target = self.shapes.shape(self.args["property"])

    def evaluate(self, run, focus):
        every = list(dict.fromkeys(v for values in focus.values() for v in values))
        by_node: dict = {}
        for r in run.validate(self.target, every):
            by_node.setdefault(r.origin, []).append(r)
        if not by_node:
            return
        for f, values in focus.items():  # a value of two focus nodes is validated twice (W3C core/property/property-001)
            for v in values:
                for r in by_node.get(v, []):
                    yield dataclasses.replace(r, origin=f)


class _Qualified(Component):
    """Counts the value nodes that conform to sh:qualifiedValueShape (and, when sh:qualifiedValueShapesDisjoint is true,
    to none of its siblings: the qualified value shapes of the other property shapes of the same shapes)."""

    property_only = True
    key = ""  # qualifiedMinCount or qualifiedMaxCount

    def setup(self) -> None:
        self.count = self.integer(self.key)
        self.disjoint = self.boolean("qualifiedValueShapesDisjoint")

    def siblings(self) -> list:
        g, own = self.shapes.graph, self.args["qualifiedValueShape"]
        found: dict = {}
        for parent in g.subjects(SH.property, self.shape.node):
            for sibling in g.objects(parent, SH.property):
                for q in g.objects(sibling, SH.qualifiedValueShape):
                    if q != own:
                        found[q] = None
        return list(found)

    def evaluate(self, run, focus):
        every = {v for values in focus.values() for v in values}
        good = self.conforming(run, self.args["qualifiedValueShape"], every)
        if self.disjoint:
            for sibling in self.siblings():
                good -= self.conforming(run, sibling, good)
        for f, values in focus.items():
            if not self.accepted(sum(v in good for v in values)):
                yield self.result(f)

    def accepted(self, count: int) -> bool:
        raise NotImplementedError

    def message(self, run, result):
        return f"Focus node does not conform to shape {self.label} {self.count}: {run.shape_name(self.args['qualifiedValueShape'])}"


class QualifiedMinCount(_Qualified):
    """At least sh:qualifiedMinCount value nodes conform (https://www.w3.org/TR/shacl/#QualifiedValueShapeConstraintComponent)."""

    name = "QualifiedMinCount"
    parameters = (SH.qualifiedValueShape, SH.qualifiedMinCount)
    optional = (SH.qualifiedValueShapesDisjoint,)
    key, label = "qualifiedMinCount", "MinCount"

    def accepted(self, count: int) -> bool:
        return count >= self.count


class QualifiedMaxCount(_Qualified):
    """At most sh:qualifiedMaxCount value nodes conform (https://www.w3.org/TR/shacl/#QualifiedValueShapeConstraintComponent)."""

    name = "QualifiedMaxCount"
    parameters = (SH.qualifiedValueShape, SH.qualifiedMaxCount)
    optional = (SH.qualifiedValueShapesDisjoint,)
    key, label = "qualifiedMaxCount", "MaxCount"

    def accepted(self, count: int) -> bool:
        return count <= self.count
