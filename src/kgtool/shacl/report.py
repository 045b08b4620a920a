"""Validation results, their messages, and the W3C validation report graph (https://www.w3.org/TR/shacl/#validation-report)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox
import rdflib

from ..terms import to_rdflib
from . import paths
from .graph import Graph
from .vocab import FIRST, SH_NS, XSD_STRING

_UNSET: Any = object()
_TEMPLATE = re.compile(r"\{[?$]([A-Za-z_][\w]*)\}")


@dataclass(eq=False)
class Result:
    """One validation result, in pyoxigraph terms (messages are made when the report is)."""

    shape: Any  # shapes.Shape (the source shape)
    component: Any  # components.Component (the source constraint component)
    focus: Any
    value: Any = None
    path: Any = _UNSET  # paths.Path or an IRI; unset: the shape's path
    constraint: Any = None  # sh:sourceConstraint (SHACL-SPARQL)
    bindings: dict = field(default_factory=dict)  # {variable: term} filled into message templates
    messages: list | None = None  # templates that replace the shape's (SHACL-SPARQL)
    origin: Any = None  # the focus node whose validation gave it (another than `focus` when a nested sh:property did)

    def __post_init__(self):
        if self.path is _UNSET:
            self.path = self.shape.path
        if self.origin is None:
            self.origin = self.focus


def rdf_term(term):
    """A pyoxigraph term as the rdflib term, a literal kept as written (rdflib would write "01"^^xsd:integer as "1")."""
    return to_rdflib(term, as_written=True)


def fill(template: str, bindings: dict) -> str:
    """A message template with {$var} and {?var} replaced by the bound values (https://www.w3.org/TR/shacl/#sparql-constraints-variables);
    an unbound variable is left as written."""

    def value(m: re.Match) -> str:
        term = bindings.get(m.group(1))
        if term is None:
            return m.group()
        return term.value if isinstance(term, (ox.NamedNode, ox.Literal)) else str(term)

    return _TEMPLATE.sub(value, template)


class Names:
    """How default messages write terms: prefixed names known to rdflib, literals and blank nodes as pySHACL writes them."""

    def __init__(self):
        self.manager = rdflib.Graph().namespace_manager
        self.manager.bind("sh", SH_NS, override=False, replace=False)

    def __call__(self, g: Graph | None, term, depth: int = 0) -> str:
        """A term of graph g (blank nodes are written with what g says of them)."""
        if isinstance(term, ox.NamedNode):
            return rdflib.URIRef(term.value).n3(namespace_manager=self.manager)
        if isinstance(term, ox.Literal):
            return self.literal(term)
        if depth >= 12:
            return "<http://recursion.too.deep>"
        properties = g.properties(term)
        if not properties:
            return "[ ]"
        if FIRST in properties:
            try:
                return "( " + " ".join(self(g, m, depth + 1) for m in g.items(term)) + " )"
            except ValueError:
                pass
        parts = {self(g, p): ", ".join(sorted(self(g, o, depth + 1) for o in objects)) for p, objects in properties.items()}
        return "[ " + " ; ".join(f"{p} {o}" for p, o in sorted(parts.items())) + " ]"

    def literal(self, term: ox.Literal) -> str:
        """Literal("lexical form" = value, lang=… or datatype=…), the value shown when it reads otherwise."""
        value = rdf_term(term).value
        shown = None if value is None else str(value).split(" object at 0x")[0]
        text = f'"{term.value}"' + (f" = {shown}" if shown not in (None, term.value) else "")
        if term.language:
            text += f", lang={term.language}"
        elif term.datatype != XSD_STRING:
            text += f", datatype={self(None, term.datatype)}"
        return f"Literal({text})"


def messages(result: Result, run) -> list[ox.Literal]:
    """sh:resultMessage values: the SPARQL constraint's (or validator's) and the shape's sh:message, templates filled; else the default one."""
    own = list(result.messages or [])
    templates = own + [m for m in result.shape.messages if m not in own]
    if not templates:
        text = result.component.message(run, result)
        return [ox.Literal(text)] if text else []
    path = result.path.iri if isinstance(result.path, paths.Path) else result.path
    bindings = {**result.component.args, "this": result.focus, "value": result.value, "path": path, **result.bindings}
    return [ox.Literal(fill(m.value, bindings), language=m.language) if m.language else ox.Literal(fill(m.value, bindings), datatype=m.datatype) for m in templates]


def graph(results: list[Result], run) -> tuple[bool, rdflib.Graph]:
    """(sh:conforms, the report graph). Blank nodes the results name are described in it, as their graphs describe them."""
    sh = rdflib.Namespace(SH_NS)
    out = rdflib.Graph()
    out.bind("sh", SH_NS)
    conforms = not results  # any result, whatever its severity (https://www.w3.org/TR/shacl/#conforms)
    report = rdflib.BNode()
    out.add((report, rdflib.RDF.type, sh.ValidationReport))
    out.add((report, sh.conforms, rdflib.Literal(conforms)))
    copied: dict = {}  # id(graph) -> the blank nodes of it described in the report

    def copy(g: Graph, term):
        """The term; for a blank node, its description in g is copied too (followed to its end)."""
        if isinstance(term, ox.BlankNode):
            for t in g.description(term, copied.setdefault(id(g), set())):
                out.add((rdf_term(t.subject), rdf_term(t.predicate), rdf_term(t.object)))
        return rdf_term(term)

    for r in results:
        node = rdflib.BNode()
        out.add((report, sh.result, node))
        out.add((node, rdflib.RDF.type, sh.ValidationResult))
        out.add((node, sh.focusNode, copy(run.data, r.focus)))
        out.add((node, sh.resultSeverity, rdf_term(r.shape.severity)))
        out.add((node, sh.sourceShape, copy(run.shapes.graph, r.shape.node)))
        out.add((node, sh.sourceConstraintComponent, rdf_term(r.component.iri)))
        if r.value is not None:
            out.add((node, sh.value, copy(run.data, r.value)))
        if isinstance(r.path, paths.Path):
            head, triples = paths.triples(r.path)
            for t in triples:
                out.add((rdf_term(t.subject), rdf_term(t.predicate), rdf_term(t.object)))
            out.add((node, sh.resultPath, rdf_term(head)))
        elif r.path is not None:
            out.add((node, sh.resultPath, copy(run.data, r.path)))
        if r.constraint is not None:
            out.add((node, sh.sourceConstraint, copy(run.shapes.graph, r.constraint)))
        for m in messages(r, run):
            out.add((node, sh.resultMessage, rdf_term(m)))
    return conforms, out
