"""Property pair constraint components (https://www.w3.org/TR/shacl/#core-components-property-pairs): the value nodes against the values of another property of the focus node."""

from __future__ import annotations

import pyoxigraph as ox

from .. import xsd
from ..vocab import SH
from . import Component, local_name


class _Pair(Component):
    """Reads the property the value nodes are compared with."""

    def setup(self) -> None:
        self.key = local_name(self.parameters[0])
        self.other = self.args[self.key]
        if not isinstance(self.other, ox.NamedNode):
            raise self.fail(f"sh:{self.key} must be an IRI (a property), not {self.other}")

    def others(self, run, focus) -> list:
        return run.data.objects(focus, self.other)


class Equals(_Pair):
    """The value nodes are exactly the values of sh:equals: one result per value in one set only (https://www.w3.org/TR/shacl/#EqualsConstraintComponent)."""

    name = "Equals"
    parameters = (SH.equals,)

    def evaluate(self, run, focus):
        for f, values in focus.items():
            others = self.others(run, f)
            for v in values:
                if v not in others:
                    yield self.result(f, v)
            for o in others:
                if o not in values:
                    yield self.result(f, o)

    def message(self, run, result):
        return f"Value of {run.data_name(result.focus)}->{run.shape_name(self.other)} != {run.data_name(result.value)}"


class Disjoint(_Pair):
    """No value node is also a value of sh:disjoint (https://www.w3.org/TR/shacl/#DisjointConstraintComponent)."""

    name = "Disjoint"
    parameters = (SH.disjoint,)

    def evaluate(self, run, focus):
        for f, values in focus.items():
            others = self.others(run, f)
            for v in values:
                if v in others:
                    yield self.result(f, v)

    def message(self, run, result):
        return f"Value of {run.data_name(result.focus)}->{run.shape_name(self.other)} == {run.data_name(result.value)}"


class LessThan(_Pair):
    """Each value node is < each value of sh:lessThan; one result per pair that is not, or cannot be compared
    (https://www.w3.org/TR/shacl/#LessThanConstraintComponent)."""

    name = "LessThan"
    parameters = (SH.lessThan,)
    symbol = "<="  # what the default message says the values of sh:lessThan are, compared with the value

    def accepts(self, order: int | None) -> bool:
        return order is not None and order < 0

    def evaluate(self, run, focus):
        for f, values in focus.items():
            others = self.others(run, f)
            for v in values:
                for o in others:
                    if not self.accepts(xsd.compare(v, o)):
                        yield self.result(f, v)

    def message(self, run, result):
        return f"Value of {run.data_name(result.focus)}->{run.shape_name(self.other)} {self.symbol} {run.data_name(result.value)}"


class LessThanOrEquals(LessThan):
    """Each value node is <= each value of sh:lessThanOrEquals (https://www.w3.org/TR/shacl/#LessThanOrEqualsConstraintComponent)."""

    name = "LessThanOrEquals"
    parameters = (SH.lessThanOrEquals,)
    symbol = "<"

    def accepts(self, order: int | None) -> bool:
        return order is not None and order <= 0
