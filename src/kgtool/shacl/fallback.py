"""pySHACL for shapes graphs that use SHACL Advanced Features (https://www.w3.org/TR/shacl-af/), which kgtool does not evaluate."""

from __future__ import annotations

import pyoxigraph as ox

from ..terms import to_rdflib, to_rdflib_graph
from . import Unsupported
from .vocab import SH, TYPE

# Predicates and classes of SHACL-AF that change what a validation finds.
_PREDICATES = {SH.rule, SH.target, SH.expression, SH.js, SH.jsFunctionName, SH.condition}
_TYPES = {SH.SPARQLTarget, SH.SPARQLTargetType, SH.JSTarget, SH.JSTargetType, SH.SPARQLRule, SH.TripleRule, SH.JSConstraint, SH.JSRule}


def check(shapes: list[ox.Triple]) -> None:
    """Raise Unsupported when the shapes use a SHACL-AF construct."""
    for t in shapes:
        if t.predicate in _PREDICATES or (t.predicate == TYPE and t.object in _TYPES):
            raise Unsupported(f"{t.predicate.value if t.predicate != TYPE else t.object.value}")


def validate(data: list[ox.Triple], shapes: list[ox.Triple], keep: set | None = None):
    """(conforms, report graph) from pySHACL (advanced features on), with the results on `keep` only."""
    import pyshacl
    import rdflib

    _conforms, report, _text = pyshacl.validate(
        to_rdflib_graph(data), shacl_graph=to_rdflib_graph(shapes), inference="none", advanced=True,
        allow_warnings=True, allow_infos=True, do_owl_imports=False, inplace=True,
    )
    sh = rdflib.Namespace(SH.base)
    wanted = None if keep is None else {to_rdflib(n) for n in keep}
    [top] = report.subjects(rdflib.RDF.type, sh.ValidationReport)
    for r in list(report.objects(top, sh.result)):
        if wanted is not None and report.value(r, sh.focusNode) not in wanted:
            report.remove((top, sh.result, r))
    conforms = next(report.objects(top, sh.result), None) is None  # any result, whatever its severity
    report.set((top, sh.conforms, rdflib.Literal(conforms)))
    return conforms, report
