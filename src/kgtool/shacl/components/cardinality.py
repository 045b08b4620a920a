"""Cardinality constraint components (https://www.w3.org/TR/shacl/#core-components-count)."""

from __future__ import annotations

from ..vocab import SH
from . import Component


class MinCount(Component):
    """At least sh:minCount value nodes (https://www.w3.org/TR/shacl/#MinCountConstraintComponent)."""

    name = "MinCount"
    parameters = (SH.minCount,)
    property_only = True

    def setup(self) -> None:
        self.count = self.integer("minCount")

    def evaluate(self, run, focus):
        for f, values in focus.items():
            if len(values) < self.count:
                yield self.result(f)

    def message(self, run, result):
        return f"Less than {self.count} values on {run.data_name(result.focus)}->{run.shape_name(self.shape.path_node)}"


class MaxCount(Component):
    """At most sh:maxCount value nodes (https://www.w3.org/TR/shacl/#MaxCountConstraintComponent)."""

    name = "MaxCount"
    parameters = (SH.maxCount,)
    property_only = True

    def setup(self) -> None:
        self.count = self.integer("maxCount")

    def evaluate(self, run, focus):
        for f, values in focus.items():
            if len(values) > self.count:
                yield self.result(f)

    def message(self, run, result):
        return f"More than {self.count} values on {run.data_name(result.focus)}->{run.shape_name(self.shape.path_node)}"
