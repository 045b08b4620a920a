"""One validation: the focus nodes of each shape, its constraints over them, and whether nodes conform to nested shapes."""

from __future__ import annotations

import pyoxigraph as ox

from . import report
from .components.sparql import Store
from .graph import Graph
from .report import Result
from .shapes import Shape, Shapes
from .vocab import RDFS, SH


class Run:
    """Validates a data graph against the shapes of a shapes graph (https://www.w3.org/TR/shacl/#validation)."""

    def __init__(self, data: Graph, shapes: Shapes, keep: set | None = None):
        self.data = data
        self.shapes = shapes
        self.keep = keep  # only these focus nodes of the targets, when given
        self._conforms: dict = {}  # shape node -> {node: whether it conforms}
        self._active: dict = {}  # shape node -> the lists of nodes being validated against it (innermost last)
        self._sparql = None
        self._names = None

    # -- the loop ----------------------------------------------------------------------
    def results(self) -> list[Result]:
        out: list[Result] = []
        for shape in self.shapes.targeted():
            if not shape.deactivated:
                out += self.validate(shape, self.focus_nodes(shape))
        return out

    def focus_nodes(self, shape: Shape) -> list:
        """The targets of a shape in the data graph (https://www.w3.org/TR/shacl/#targets), restricted to `keep`."""
        g, sg, node = self.data, self.shapes.graph, shape.node
        found: dict = dict.fromkeys(sg.objects(node, SH.targetNode))
        classes = list(sg.objects(node, SH.targetClass))
        if self.shapes.is_instance(node, RDFS.Class):
            classes.append(node)  # an implicit class target
        for cls in classes:
            found.update(dict.fromkeys(g.instances(cls)))
        for p in sg.objects(node, SH.targetSubjectsOf):
            found.update(dict.fromkeys(g.subjects_with(p)))
        for p in sg.objects(node, SH.targetObjectsOf):
            found.update(dict.fromkeys(g.objects_with(p)))
        return list(found) if self.keep is None else [n for n in found if n in self.keep]

    def validate(self, shape: Shape, nodes) -> list[Result]:
        """The results of validating `nodes` as focus nodes of `shape`.

        A node already being validated against the shape (the shapes are recursive: sh:node or
        sh:property lead back to it) gives no result there; SHACL leaves recursion undefined
        (https://www.w3.org/TR/shacl/#shapes-recursion), and this is how pySHACL ends it too.
        """
        key = shape.node
        active = self._active.get(key)
        if active is not None:  # the shape is being validated further up: leave out the nodes it is validating there
            busy = set().union(*active)
            nodes = [n for n in nodes if n not in busy]
        if shape.deactivated or not nodes:
            return []
        self._active.setdefault(key, []).append(nodes)
        try:
            focus = shape.value_nodes(self.data, nodes)
            out: list[Result] = []
            for constraint in shape.constraints:
                out += constraint.evaluate(self, focus)
        finally:
            stack = self._active[key]
            stack.pop()
            if not stack:
                del self._active[key]
        return out

    def conforming(self, shape: Shape, nodes) -> set:
        """The nodes that conform to `shape`: validating them against it gives no result, of any severity."""
        known = self._conforms.setdefault(shape.node, {})
        busy = set().union(*self._active.get(shape.node, ()))
        todo = [n for n in dict.fromkeys(nodes) if n not in known and n not in busy]
        if todo:
            failed = {r.origin for r in self.validate(shape, todo)}
            for n in todo:
                known[n] = n not in failed
        return {n for n in nodes if known.get(n, True)}

    # -- services for components -------------------------------------------------------
    @property
    def sparql(self):
        """The Oxigraph store SHACL-SPARQL queries run on, made on first use."""
        if self._sparql is None:
            self._sparql = Store(self.data, self.shapes.graph)
        return self._sparql

    def data_name(self, term) -> str:
        """A data graph term as default messages write it."""
        return self._namer()(self.data, term)

    def shape_name(self, term) -> str:
        """A shapes graph term as default messages write it."""
        return self._namer()(self.shapes.graph, term)

    def _namer(self) -> report.Names:
        if self._names is None:
            self._names = report.Names()
        return self._names


def validate(data: list[ox.Triple], shapes: list[ox.Triple], keep: set | None = None):
    """(conforms, the W3C report graph) of validating `data` against the shapes in `shapes`."""
    run = Run(Graph(data), Shapes(shapes), keep)
    return report.graph(run.results(), run)
