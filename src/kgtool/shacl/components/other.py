"""Other constraint components (https://www.w3.org/TR/shacl/#core-components-others): sh:closed, sh:hasValue, sh:in."""

from __future__ import annotations

import pyoxigraph as ox

from ..vocab import SH
from . import Component, ValueComponent


class Closed(Component):
    """A value node has no property but those of the shape's property shapes and sh:ignoredProperties; one result per
    other triple, with its predicate as path and its object as value (https://www.w3.org/TR/shacl/#ClosedConstraintComponent)."""

    name = "Closed"
    parameters = (SH.closed,)
    optional = (SH.ignoredProperties,)

    def setup(self) -> None:
        self.on = self.boolean("closed")
        g = self.shapes.graph
        allowed = [g.value(p, SH.path) for p in g.objects(self.shape.node, SH.property)]
        if "ignoredProperties" in self.args:
            allowed += self.shapes.items(self.args["ignoredProperties"], "sh:ignoredProperties")
        self.allowed = {p for p in allowed if isinstance(p, ox.NamedNode)}

    def evaluate(self, run, focus):
        if not self.on:
            return
        for f, values in focus.items():
            for v in values:
                for p, objects in run.data.properties(v).items():
                    if p not in self.allowed:
                        for o in objects:
                            yield self.result(f, o, path=p)

    def message(self, run, result):
        return f"Node {run.data_name(result.focus)} is closed. It cannot have value: {run.data_name(result.value)}"


class HasValue(Component):
    """sh:hasValue is one of the value nodes (https://www.w3.org/TR/shacl/#HasValueConstraintComponent)."""

    name = "HasValue"
    parameters = (SH.hasValue,)

    def evaluate(self, run, focus):
        for f, values in focus.items():
            if self.args["hasValue"] not in values:
                yield self.result(f)

    def message(self, run, result):
        wanted = [run.shape_name(v) for v in self.all_values("hasValue")]
        if self.shape.path is not None:
            return f"Node {run.data_name(result.focus)}->{run.shape_name(self.shape.path_node)} does not contain a value in the set: {wanted}"
        return f"Node {run.data_name(result.focus)} value is not a in the set of values: {wanted}"


class In(ValueComponent):
    """Each value node is a member of the list sh:in (https://www.w3.org/TR/shacl/#InConstraintComponent)."""

    name = "In"
    parameters = (SH["in"],)

    def setup(self) -> None:
        self.members = self.shapes.items(self.args["in"], "sh:in")
        self.allowed = set(self.members)

    def ok(self, run, value) -> bool:
        return value in self.allowed

    def message(self, run, result):
        return f"Value {run.data_name(result.value)} not in list {[run.shape_name(m) for m in dict.fromkeys(self.members)]}"
