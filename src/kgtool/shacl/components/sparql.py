"""SHACL-SPARQL: SPARQL-based constraints (sh:sparql) and SPARQL-based constraint components (https://www.w3.org/TR/shacl/#sparql-constraints)."""

from __future__ import annotations

import pyoxigraph as ox

from .. import ShapeError, paths, prebind
from ..graph import Graph
from ..vocab import RDF, SH, TRUE, WELL_KNOWN, XSD
from . import Component, local_name

SHAPES_GRAPH = ox.NamedNode("urn:kgtool:shacl:shapes")  # $shapesGraph: the shapes, as a named graph of the store
BINDINGS = ox.NamedNode(prebind.BINDINGS)


class Store:
    """The data graph (default graph) and the shapes graph (a named graph) in Oxigraph, for SHACL-SPARQL queries."""

    def __init__(self, data: Graph, shapes: Graph):
        self.store = ox.Store()
        self.store.bulk_extend(ox.Quad(s, p, o) for s, p, o in data.spo())
        self.store.bulk_extend(ox.Quad(s, p, o, SHAPES_GRAPH) for s, p, o in shapes.spo())
        self.data = data
        self._originals: dict | None = None

    def solutions(self, query: prebind.Prepared, rows: list[dict], where: str) -> list[tuple[int, dict]]:
        """(row index, solution) for each solution of the query with each row's values pre-bound."""
        batches = [list(enumerate(rows))] if query.batched else [[(i, row)] for i, row in enumerate(rows)]
        predicates = [(name, ox.NamedNode(prebind.VARIABLE + name)) for name in query.names]
        out: list[tuple[int, dict]] = []
        for batch in batches:
            self.store.clear_graph(BINDINGS)
            self.store.bulk_extend(
                ox.Quad(node, predicate, term, BINDINGS)
                for i, row in batch
                for node in (ox.NamedNode(f"urn:kgtool:shacl:row:{i}"),)
                for name, predicate in predicates if (term := row.get(name)) is not None
            )
            try:
                found = self.store.query(query.text, prefixes=WELL_KNOWN)
            except SyntaxError as e:  # the user's query parsed (prebind.check_syntax): kgtool's rewrite broke it
                raise ShapeError(f"{where}: kgtool could not pre-bind this query ({' '.join(str(e).split())[:200]})") from None
            names = [v.value for v in found.variables]
            for solution in found:
                values = {n: self.original(solution[n]) for n in names if solution[n] is not None}
                row = values.pop(prebind.ROW, None)
                index = int(row.value.rsplit(":", 1)[1]) if row is not None else batch[0][0]
                out.append((index, values))
        self.store.clear_graph(BINDINGS)
        return out

    def original(self, term):
        """The data's own literal for one Oxigraph gives back in canonical form, when only one could be meant."""
        if not isinstance(term, ox.Literal) or term.datatype == XSD.string or term.language:
            return term
        if self._originals is None:
            literals = [o for o in self.data.inc if isinstance(o, ox.Literal) and not o.language and o.datatype != XSD.string]  # each object once
            scratch = ox.Store()
            scratch.extend(ox.Quad(ox.NamedNode(f"urn:kgtool:i:{i}"), RDF.value, lit, ox.DefaultGraph()) for i, lit in enumerate(literals))
            found: dict = {}
            for q in scratch:
                found.setdefault(q.object, set()).add(literals[int(q.subject.value.rsplit(":", 1)[1])])
            self._originals = {canonical: next(iter(o)) for canonical, o in found.items() if len(o) == 1}
        return self._originals.get(term, term)


class _Query:
    """A sh:select or sh:ask query of a shape (a SPARQL constraint's or a validator's), prepared once."""

    def __init__(self, component: Component, node, prebound: list[str], role: str, ask: bool = False):
        g, shape = component.shapes.graph, component.shape
        kind = "sh:ask" if ask else "sh:select"
        self.where = f"shape {shape.node}: the {kind} of " + (str(node) if isinstance(node, ox.NamedNode) else f"its {role}")
        texts = g.objects(node, SH.ask if ask else SH.select)
        if len(texts) != 1 or not isinstance(texts[0], ox.Literal):
            raise ShapeError(f"{self.where}: needs exactly one {kind} string")
        path = paths.sparql(shape.path) if shape.path is not None else None
        self.prepared = prebind.prepare(texts[0].value, prebound, self.where, component.shapes.prefixes(node), path, ask)

    def solutions(self, run, rows: list[dict]) -> list[tuple[int, dict]]:
        return run.sparql.solutions(self.prepared, rows, self.where)


def _select_results(component: Component, run, query: _Query, rows: list[dict], **kw):
    """Results from the solutions of a SELECT (https://www.w3.org/TR/shacl/#sparql-constraints-validation): one per solution;
    ?path and ?value give its path and value (a node shape's value is else the focus node); ?failure is a failure."""
    for index, solution in query.solutions(run, rows):
        failure = solution.get("failure")
        if isinstance(failure, ox.Literal) and failure.value in ("true", "1"):
            raise ShapeError(f"{query.where}: the query reported a failure (?failure is true)")
        focus = rows[index]["this"]
        value = solution.get("value", focus if component.shape.path is None else None)
        path = solution.get("path")
        extra = {"path": path} if isinstance(path, ox.NamedNode) else {}
        bindings = {n: v for n, v in rows[index].items() if v is not None}
        bindings.update(solution)
        yield component.result(focus, value, bindings=bindings, **extra, **kw)


class Sparql(Component):
    """A SPARQL-based constraint: each solution of its SELECT is a result (https://www.w3.org/TR/shacl/#SPARQLConstraintComponent)."""

    name = "SPARQL"
    parameters = (SH.sparql,)

    def setup(self) -> None:
        node = self.args["sparql"]
        g = self.shapes.graph
        self.node = node
        self.off = TRUE in g.objects(node, SH.deactivated)
        if not self.off:
            self.query = _Query(self, node, ["this", "shapesGraph", "currentShape"], "SPARQL constraint")
            self.messages = [m for m in g.objects(node, SH.message) if isinstance(m, ox.Literal)]

    def evaluate(self, run, focus):
        if self.off or not focus:
            return
        rows = [{"this": f, "shapesGraph": SHAPES_GRAPH, "currentShape": self.shape.node} for f in focus]
        yield from _select_results(self, run, self.query, rows, constraint=self.node, messages=self.messages)


class _Declared(Component):
    """A SPARQL-based constraint component declared in the shapes graph (https://www.w3.org/TR/shacl/#sparql-constraint-components):
    its parameters are pre-bound by their local names; an ASK validator judges each value node, a SELECT validator
    gives one result per solution."""

    node = None  # the component's IRI (or blank node)

    @property
    def iri(self):
        return self.node

    def setup(self) -> None:
        g = self.shapes.graph
        own = SH.propertyValidator if self.shape.path is not None else SH.nodeValidator
        chosen = g.value(self.node, own)
        ask = False
        if chosen is None:
            chosen = g.value(self.node, SH.validator)
            ask = chosen is not None
        self.validator = chosen
        if chosen is None:
            return  # no validator for this kind of shape: the component does not apply to it
        params = sorted(self.args)
        prebound = ["this", "shapesGraph", "currentShape", *params] + (["value"] if ask else [])
        self.ask = ask
        self.query = _Query(self, chosen, prebound, f"validator of {self.node}", ask=ask)
        self.messages = [m for m in g.objects(chosen, SH.message) if isinstance(m, ox.Literal)]
        self.messages = self.messages or [m for m in g.objects(self.node, SH.message) if isinstance(m, ox.Literal)]

    def evaluate(self, run, focus):
        if self.validator is None or not focus:
            return
        fixed = {"shapesGraph": SHAPES_GRAPH, "currentShape": self.shape.node, **self.args}
        if not self.ask:
            rows = [{"this": f, **fixed} for f in focus]
            yield from _select_results(self, run, self.query, rows, messages=self.messages)
            return
        rows = [{"this": f, "value": v, **fixed} for f, values in focus.items() for v in values]
        passed = {index for index, _ in self.query.solutions(run, rows)}
        for index, row in enumerate(rows):
            if index not in passed:
                yield self.result(row["this"], row["value"], messages=self.messages)

    def message(self, run, result):
        return f"Value does not satisfy the constraint component {run.shape_name(self.node)}"


def declared(shapes) -> list[type[Component]]:
    """A component class for each SPARQL-based constraint component the shapes graph declares."""
    g = shapes.graph
    out: list[type[Component]] = []
    for node in g.instances(SH.ConstraintComponent):
        mandatory, optional = [], []
        for parameter in g.objects(node, SH.parameter):
            path = g.value(parameter, SH.path)
            if not isinstance(path, ox.NamedNode):
                raise ShapeError(f"the parameter {parameter} of the constraint component {node} needs an IRI as sh:path")
            is_optional = TRUE in g.objects(parameter, SH.optional)
            (optional if is_optional else mandatory).append(path)
        if mandatory:
            name = local_name(node) if isinstance(node, ox.NamedNode) else "Component"
            out.append(type(name, (_Declared,), {"node": node, "parameters": tuple(mandatory), "optional": tuple(optional)}))
    return out
