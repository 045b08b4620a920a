"""Value type constraint components (https://www.w3.org/TR/shacl/#core-components-value-type)."""

from __future__ import annotations

import pyoxigraph as ox

from .. import xsd
from ..vocab import SH
from . import ValueComponent

_KINDS = {  # sh:nodeKind value -> the term types it allows
    "IRI": (ox.NamedNode,), "BlankNode": (ox.BlankNode,), "Literal": (ox.Literal,),
    "BlankNodeOrIRI": (ox.BlankNode, ox.NamedNode), "BlankNodeOrLiteral": (ox.BlankNode, ox.Literal),
    "IRIOrLiteral": (ox.NamedNode, ox.Literal),
}


class Class(ValueComponent):
    """Each value node is a SHACL instance of sh:class in the data graph (https://www.w3.org/TR/shacl/#ClassConstraintComponent)."""

    name = "Class"
    parameters = (SH["class"],)

    def ok(self, run, value) -> bool:
        return not isinstance(value, ox.Literal) and run.data.is_instance(value, self.args["class"])

    def message(self, run, result):
        rules = self.all_values("class")
        if len(rules) < 2:
            return f"Value does not have class {run.shape_name(rules[0])}"
        return "Value class is not in classes ({})".format(", ".join(run.shape_name(c) for c in rules))


class Datatype(ValueComponent):
    """Each value node is a literal of sh:datatype, well-formed for it (https://www.w3.org/TR/shacl/#DatatypeConstraintComponent)."""

    name = "Datatype"
    parameters = (SH.datatype,)

    def setup(self) -> None:
        if not isinstance(self.args["datatype"], ox.NamedNode):
            raise self.fail(f"sh:datatype must be an IRI, not {self.args['datatype']}")

    def ok(self, run, value) -> bool:
        return isinstance(value, ox.Literal) and value.datatype == self.args["datatype"] and xsd.well_formed(value)

    def message(self, run, result):
        return f"Value is not Literal with datatype {run.shape_name(self.args['datatype'])}"


class NodeKind(ValueComponent):
    """Each value node is of sh:nodeKind: IRI, blank node, literal or a pair of them (https://www.w3.org/TR/shacl/#NodeKindConstraintComponent)."""

    name = "NodeKind"
    parameters = (SH.nodeKind,)

    def setup(self) -> None:
        kind = self.args["nodeKind"]
        if not (isinstance(kind, ox.NamedNode) and kind.value.startswith(SH.base) and kind.value[len(SH.base):] in _KINDS):
            raise self.fail(f"sh:nodeKind must be one of sh:{', sh:'.join(_KINDS)}, not {kind}")
        self.allowed = _KINDS[kind.value[len(SH.base):]]

    def ok(self, run, value) -> bool:
        return isinstance(value, self.allowed)

    def message(self, run, result):
        return f"Value is not of Node Kind {run.shape_name(self.args['nodeKind'])}"
