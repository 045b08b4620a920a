"""Value range constraint components (https://www.w3.org/TR/shacl/#core-components-range): SPARQL's order of literals."""

from __future__ import annotations

import pyoxigraph as ox

from .. import xsd
from ..vocab import SH
from . import ValueComponent, local_name


class _Range(ValueComponent):
    """A value node passes when it compares with the bound as `accepts` says; one that cannot be compared fails."""

    symbol = ""  # how the default message writes the test

    def setup(self) -> None:
        self.key = local_name(self.parameters[0])
        self.bound = self.args[self.key]
        if not isinstance(self.bound, ox.Literal):
            raise self.fail(f"sh:{self.key} must be a literal, not {self.bound}")

    def ok(self, run, value) -> bool:
        order = xsd.compare(value, self.bound)
        return order is not None and self.accepts(order)

    def accepts(self, order: int) -> bool:
        raise NotImplementedError

    def message(self, run, result):
        bounds = self.all_values(self.key)
        if len(bounds) < 2:
            return f"Value is not {self.symbol} {run.shape_name(bounds[0])}"
        return "Value is not {} in ({})".format(self.symbol, ", ".join(run.shape_name(b) for b in bounds))


class MinExclusive(_Range):
    """Each value node is > sh:minExclusive (https://www.w3.org/TR/shacl/#MinExclusiveConstraintComponent)."""

    name, parameters, symbol = "MinExclusive", (SH.minExclusive,), ">"

    def accepts(self, order: int) -> bool:
        return order > 0


class MinInclusive(_Range):
    """Each value node is >= sh:minInclusive (https://www.w3.org/TR/shacl/#MinInclusiveConstraintComponent)."""

    name, parameters, symbol = "MinInclusive", (SH.minInclusive,), ">="

    def accepts(self, order: int) -> bool:
        return order >= 0


class MaxExclusive(_Range):
    """Each value node is < sh:maxExclusive (https://www.w3.org/TR/shacl/#MaxExclusiveConstraintComponent)."""

    name, parameters, symbol = "MaxExclusive", (SH.maxExclusive,), "<"

    def accepts(self, order: int) -> bool:
        return order < 0


class MaxInclusive(_Range):
    """Each value node is <= sh:maxInclusive (https://www.w3.org/TR/shacl/#MaxInclusiveConstraintComponent)."""

    name, parameters, symbol = "MaxInclusive", (SH.maxInclusive,), "<="

    def accepts(self, order: int) -> bool:
        return order <= 0
