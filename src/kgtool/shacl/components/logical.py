"""Logical constraint components (https://www.w3.org/TR/shacl/#core-components-logical): value nodes against other shapes."""

from __future__ import annotations

from ..vocab import SH
from . import Component


class Not(Component):
    """No value node conforms to the shape sh:not (https://www.w3.org/TR/shacl/#NotConstraintComponent)."""

    name = "Not"
    parameters = (SH["not"],)

    def evaluate(self, run, focus):
        every = {v for values in focus.values() for v in values}
        conforming = self.conforming(run, self.args["not"], every)
        for f, values in focus.items():
            for v in values:
                if v in conforming:
                    yield self.result(f, v)

    def message(self, run, result):
        return f"Node {run.data_name(result.value)} must not conform to shape {run.shape_name(self.args['not'])}"


class _List(Component):
    """A value node passes when the number of the listed shapes it conforms to is `accepted`."""

    key = ""  # the parameter's local name
    wording = ""  # what the default message asks of a value node

    def setup(self) -> None:
        self.members = self.shapes.items(self.args[self.key], f"sh:{self.key}")

    def evaluate(self, run, focus):
        every = {v for values in focus.values() for v in values}
        sets = [self.conforming(run, m, every) for m in self.members]
        for f, values in focus.items():
            for v in values:
                if not self.accepted(sum(v in s for s in sets)):
                    yield self.result(f, v)

    def accepted(self, count: int) -> bool:
        raise NotImplementedError

    def message(self, run, result):
        lists = self.all_values(self.key)
        if len(lists) < 2:
            text = " , ".join(run.shape_name(m) for m in self.members)
        else:
            text = " and ".join("({})".format(" , ".join(run.shape_name(m) for m in self.shapes.items(lst, f"sh:{self.key}"))) for lst in lists)
        return f"Node {run.data_name(result.value)} must conform to {self.wording} {text}"


class And(_List):
    """Each value node conforms to every shape of the list sh:and (https://www.w3.org/TR/shacl/#AndConstraintComponent)."""

    name, parameters, key, wording = "And", (SH["and"],), "and", "all shapes in"

    def accepted(self, count: int) -> bool:
        return count == len(self.members)


class Or(_List):
    """Each value node conforms to at least one shape of the list sh:or (https://www.w3.org/TR/shacl/#OrConstraintComponent)."""

    name, parameters, key, wording = "Or", (SH["or"],), "or", "one or more shapes in"

    def accepted(self, count: int) -> bool:
        return count > 0


class Xone(_List):
    """Each value node conforms to exactly one shape of the list sh:xone (https://www.w3.org/TR/shacl/#XoneConstraintComponent)."""

    name, parameters, key, wording = "Xone", (SH.xone,), "xone", "exactly one shape in"

    def accepted(self, count: int) -> bool:
        return count == 1
