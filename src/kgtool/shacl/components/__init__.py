"""The constraint components (https://www.w3.org/TR/shacl/#core-components), one class each, and the registry of their parameters.

A component declares its parameters; the registry gives a shape one constraint per combination of
their values (https://www.w3.org/TR/shacl/#constraints). Adding a component is one class (in the module
of its section of the spec) and one line in BUILT_IN; adding a parameter is one entry in its class.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any, ClassVar

import pyoxigraph as ox

from .. import ShapeError
from ..report import Result
from ..vocab import SH, TRUE


def local_name(iri: ox.NamedNode) -> str:
    """The longest run of name characters at the end of an IRI (https://www.w3.org/TR/shacl/#dfn-local-name)."""
    text = iri.value
    i = len(text)
    while i > 0 and (text[i - 1].isalnum() or text[i - 1] in "_-.\u00b7"):
        i -= 1
    return text[i:].lstrip("-.0123456789") or text[i:]


class Component:
    """One constraint: a component, the shape it is on and the values of its parameters there."""

    name: ClassVar[str] = ""  # "MinCount" for sh:MinCountConstraintComponent
    parameters: ClassVar[tuple[ox.NamedNode, ...]] = ()  # mandatory
    optional: ClassVar[tuple[ox.NamedNode, ...]] = ()
    property_only: ClassVar[bool] = False  # https://www.w3.org/TR/shacl/#property-shapes

    def __init__(self, shape, args: dict[str, Any], shapes):
        self.shape = shape
        self.args = args  # parameter local name -> value (optional ones may be absent)
        self.shapes = shapes
        self.setup()

    @property
    def iri(self) -> ox.NamedNode:
        return SH[self.name + "ConstraintComponent"]

    def setup(self) -> None:
        """Check and convert the parameter values (ShapeError if ill-formed)."""

    def evaluate(self, run, focus: dict) -> Iterator[Result]:
        """The results for focus nodes given with their value nodes ({focus: [value, ...]})."""
        raise NotImplementedError

    def message(self, run, result: Result) -> str | None:
        """The default sh:resultMessage when the shape gives none."""
        return None

    # -- helpers -------------------------------------------------------------------------
    def result(self, focus, value=None, **kw) -> Result:
        return Result(self.shape, self, focus, value, **kw)

    def fail(self, problem: str) -> ShapeError:
        return ShapeError(f"shape {self.shape.node}: {problem} ({self.iri.value})")

    def integer(self, name: str) -> int:
        value = self.args[name]
        if not isinstance(value, ox.Literal) or not value.value.lstrip("+-").isdigit():
            raise self.fail(f"sh:{name} must be an integer, not {value}")
        return int(value.value)

    def boolean(self, name: str) -> bool:
        """Whether the parameter is the literal true; only that turns a boolean parameter on
        ("1"^^xsd:boolean does not: W3C core/property/uniqueLang-002)."""
        return self.args.get(name) == TRUE

    def all_values(self, name: str) -> list:
        """Every value of the parameter on the shape (default messages name them all, as pySHACL's do)."""
        return self.shapes.graph.objects(self.shape.node, SH[name])

    def conforming(self, run, shape_node, nodes) -> set:
        return run.conforming(self.shapes.shape(shape_node), nodes)


class ValueComponent(Component):
    """A component that judges each value node alone: one result, with sh:value, for each value that fails."""

    def evaluate(self, run, focus: dict) -> Iterator[Result]:
        for f, values in focus.items():
            for v in values:
                if not self.ok(run, v):
                    yield self.result(f, v)

    def ok(self, run, value) -> bool:
        raise NotImplementedError


class Registry:
    """The components a shapes graph can use: the built-in ones and the SPARQL-based ones it declares."""

    def __init__(self, shapes, components: list[type[Component]]):
        self.shapes = shapes
        self.components = components

    def constraints(self, shape) -> list[Component]:
        """The constraints of a shape: each component whose mandatory parameters it has, once per combination of values."""
        g = self.shapes.graph
        out: list[Component] = []
        for component in self.components:
            found = [g.objects(shape.node, p) for p in component.parameters]
            if not all(found):
                continue
            if component.property_only and shape.path is None:
                raise ShapeError(f"shape {shape.node}: <{component.parameters[0].value}> is only for property shapes (ones with sh:path)")
            optional = [g.objects(shape.node, p) or [None] for p in component.optional]
            names = [local_name(p) for p in component.parameters + component.optional]
            for combination in itertools.product(*found, *optional):
                args = {n: v for n, v in zip(names, combination) if v is not None}
                out.append(component(shape, args, self.shapes))
        return out


def registry(shapes) -> Registry:
    """The registry for a shapes graph."""
    return Registry(shapes, BUILT_IN + sparql.declared(shapes))


from . import cardinality, logical, other, property_pair, shape_based, sparql, string_based, value_range, value_type  # noqa: E402

# The order of evaluation, and so of results before they are sorted for display.
BUILT_IN: list[type[Component]] = [
    value_type.Class, value_type.Datatype, value_type.NodeKind,
    cardinality.MinCount, cardinality.MaxCount,
    value_range.MinExclusive, value_range.MinInclusive, value_range.MaxExclusive, value_range.MaxInclusive,
    string_based.MinLength, string_based.MaxLength, string_based.Pattern, string_based.LanguageIn, string_based.UniqueLang,
    property_pair.Equals, property_pair.Disjoint, property_pair.LessThan, property_pair.LessThanOrEquals,
    logical.Not, logical.And, logical.Or, logical.Xone,
    shape_based.Node, shape_based.Property, shape_based.QualifiedMinCount, shape_based.QualifiedMaxCount,
    other.Closed, other.HasValue, other.In,
    sparql.Sparql,
]
