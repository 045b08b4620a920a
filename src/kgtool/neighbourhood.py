"""The part of the home a submission touches: what `validate` and `add` judge, so that the cost follows the submission and not the home.

The focus nodes are the submission's nodes and the home's nodes that refer to them; the data
graph is their descriptions, what points at them by a property a shape reads backwards, and the
class hierarchy (docs/validation-report.md).
"""

from __future__ import annotations

import re
from typing import Any

import pyoxigraph as ox

from .shacl.graph import Graph
from .vocab import RDF_TYPE, RDFS_SUBCLASS_OF, SH, WELL_KNOWN, XSD_STRING

# How far a focus node's description is followed (1: its own triples; 2: also the
# descriptions of the nodes it refers to, e.g. their types for sh:class).
DEPTH = 2


def reads_backwards(shapes: Graph) -> set[str]:
    """Properties a shape may follow backwards from a focus node: sh:inversePath, and every property a SPARQL query reads into $this.

    A triple (x p focus) is part of the focus node's neighbourhood when p is one of these.
    """
    found = {p.value for _, p in shapes.pairs(ox.NamedNode(SH + "inversePath")) if isinstance(p, ox.NamedNode)}
    declared = dict(WELL_KNOWN)
    for declaration in (d for _, d in shapes.pairs(ox.NamedNode(SH + "declare"))):
        for prefix in shapes.objects(declaration, ox.NamedNode(SH + "prefix")):
            for ns in shapes.objects(declaration, ox.NamedNode(SH + "namespace")):
                declared[prefix.value] = ns.value
    for predicate in ("select", "ask"):
        for _, text in shapes.pairs(ox.NamedNode(SH + predicate)):
            text = text.value
            found |= read_backwards(text[text.find("{"):], declared)
    return found


def read_backwards(pattern: str, declared: dict[str, str]) -> set[str]:
    """The properties a SPARQL constraint's pattern follows into $this (`?x cf:member $this`).

    A variable in that place (`?x ?p $this`) could be any property: then every property the
    pattern names counts, as does rdf:type.
    """
    def iri(token: str) -> str | None:
        if token.startswith("<") and token.endswith(">"):
            return token[1:-1]
        prefix, sep, local = token.partition(":")
        return declared[prefix] + local if sep and prefix in declared else None

    found: set[str] = set()
    for path in re.findall(r"(\S+)\s+\$this\b", pattern):
        steps = [s for s in re.split(r"[|/^()*+?!]+", path) if s]
        if path.startswith(("?", "$")):
            named = {m[1:-1] for m in re.findall(r"<[^<>\s]+>", pattern)}
            named |= {declared[p] + local for p, local in re.findall(r"(?<![\w<?$])([A-Za-z][\w.-]*)?:([\w-]+)", pattern) if p in declared}
            return named | {RDF_TYPE}
        found.update(x for x in (iri(step) for step in steps) if x)
        if "a" in steps:
            found.add(RDF_TYPE)
    return found


class HomeGraph:
    """Triples of the home's ontology and data, looked up by node (both parts, deduplicated)."""

    def __init__(self, loaded):
        from .store import DATA, ONTOLOGY

        self.store = loaded.store
        self.graphs = (ONTOLOGY, DATA)

    def outgoing(self, node) -> list[ox.Triple]:
        return list(dict.fromkeys(q.triple for g in self.graphs for q in self.store.quads_for_pattern(node, None, None, g)))

    def incoming(self, node, predicate=None) -> list[ox.Triple]:
        return list(dict.fromkeys(q.triple for g in self.graphs for q in self.store.quads_for_pattern(None, predicate, node, g)))

    def referred_to(self, node) -> bool:
        """Whether any triple of the home has `node` as its object."""
        return any(next(iter(self.store.quads_for_pattern(None, None, node, g)), None) is not None for g in self.graphs)

    def everything(self):
        """Every triple of the ontology and the data (a triple in both, twice)."""
        for g in self.graphs:
            for q in self.store.quads_for_pattern(None, None, None, g):
                yield q.triple

    def by_predicate(self, predicate) -> list[ox.Triple]:
        return list(dict.fromkeys(q.triple for g in self.graphs for q in self.store.quads_for_pattern(None, predicate, None, g)))


def neighbourhood(home: HomeGraph, submitted: list[ox.Triple], backwards: set[str], named: set = frozenset(), defer: set | None = None) -> tuple[set[ox.Triple], set]:
    """The data graph to validate a submission in, and the focus nodes whose results count.

    Focus nodes: the submission's subjects and objects, literals and classes included; the
    home's nodes that refer to its subjects (their constraints may read what the submission
    says about them); and `named`, the nodes the shapes name as targets (sh:targetNode), which
    every validation judges. Data: the submission; each focus node's description (DEPTH levels,
    blank nodes closed), the triples pointing to it by a property some shape reads backwards,
    with their subjects' descriptions; and the class hierarchy.

    `defer`: a set that takes, out of the focus nodes, the IRIs the submission names only as
    objects (not classes) and the named targets, for `around` to judge later: a staged import
    judges them once, at its end. They are still described (the submission's own focus nodes
    read their descriptions), but what points at them is not gathered: for an actor that every
    row refers to, that is every row so far.
    """
    rdf_type = ox.NamedNode(RDF_TYPE)
    data: set[ox.Triple] = set(submitted)
    subjects = {t.subject for t in submitted}
    classes = {t.object for t in submitted if t.predicate == rdf_type}
    focus = set(subjects) | set(named) | {t.object for t in submitted}
    later: set = set()
    if defer is not None:
        later = {o for o in focus if isinstance(o, ox.NamedNode) and o not in subjects and o not in classes}
        defer |= later
        focus -= later
    for s in subjects:
        if isinstance(s, ox.NamedNode):
            for t in home.incoming(s):
                focus.add(t.subject)
                data.add(t)
    _describe(home, focus | later, subjects, classes, backwards, data, unreferred=later)
    return data, focus


def around(home: HomeGraph, nodes: set, backwards: set[str]) -> set[ox.Triple]:
    """The data graph to judge the focus nodes `nodes` of the home in (what `neighbourhood` gathers for each)."""
    data: set[ox.Triple] = set()
    _describe(home, nodes, set(), set(), backwards, data)
    return data


def _describe(home: HomeGraph, focus: set, subjects: set, classes: set, backwards: set[str], data: set[ox.Triple], unreferred: set = frozenset()) -> None:
    """Add to `data` each focus node's description, what points at it by a property read backwards (not for those `unreferred`), and the class hierarchy."""
    rdf_type = ox.NamedNode(RDF_TYPE)
    described: dict[Any, int] = {}  # node -> the depth it was described to

    def describe(node, depth: int) -> None:
        stack = [(node, depth)]
        while stack:  # iterative: a long rdf:List in the home is a deep chain of blank nodes
            node, depth = stack.pop()
            if described.get(node, -1) >= depth:
                continue
            described[node] = depth
            for t in home.outgoing(node):
                data.add(t)
                o = t.object
                if isinstance(o, ox.BlankNode):
                    stack.append((o, depth))  # a blank node is part of its referrer's description
                elif depth > 1 and isinstance(o, ox.NamedNode) and t.predicate != rdf_type:
                    stack.append((o, depth - 1))

    for node in list(focus):
        if isinstance(node, (ox.Literal, ox.Triple)):  # an RDF 1.2 triple term describes nothing in the home
            continue
        if node in classes and node not in subjects:
            describe(node, 1)  # a class: its own triples, not its instances (rdf:type may be read backwards)
            continue
        describe(node, DEPTH)
        if isinstance(node, ox.BlankNode) or node in unreferred or not home.referred_to(node):
            continue
        for p in backwards:
            for t in home.incoming(node, ox.NamedNode(p)):
                data.add(t)
                describe(t.subject, 1)
    data.update(home.by_predicate(ox.NamedNode(RDFS_SUBCLASS_OF)))


def values_only(submitted: list[ox.Triple]) -> set:
    """The literals and classes a submission names only as values (judged if a shape targets them, but not described)."""
    subjects = {t.subject for t in submitted}
    return {t.object for t in submitted if isinstance(t.object, ox.Literal) or (t.predicate.value == RDF_TYPE and t.object not in subjects)}


def once(data: set[ox.Triple], submitted: list[ox.Triple]) -> set[ox.Triple]:
    """`data` without the home's copies of submitted triples that differ only in how the store wrote a literal.

    Oxigraph keeps a literal in canonical form ("1.50"^^xsd:decimal as "1.5", "5"^^xsd:byte as
    "5"^^xsd:integer), so a home data file given to `validate` comes back from the store with
    other literals than the file's own: each would be judged twice. The file's own are kept.
    """
    typed = {t.object for t in submitted if isinstance(t.object, ox.Literal) and not t.object.language and t.object.datatype.value != XSD_STRING}
    if not typed:
        return data
    scratch = ox.Store()
    originals = list(typed)
    scratch.extend(ox.Quad(ox.NamedNode(f"urn:kgtool:i:{i}"), ox.NamedNode(RDF_TYPE), o, ox.DefaultGraph()) for i, o in enumerate(originals))
    canonical = {originals[int(q.subject.value.rsplit(":", 1)[1])]: q.object for q in scratch}
    shadows = {ox.Triple(t.subject, t.predicate, canonical[t.object]) for t in submitted if canonical.get(t.object, t.object) != t.object}
    return {t for t in data if t not in shadows} | set(submitted)


def whole(home: HomeGraph, submitted: list[ox.Triple], named: set = frozenset()) -> tuple[set[ox.Triple], set]:
    """What `neighbourhood` gives, taken from the whole home read once: the data graph is the home and the submission.

    Quicker when the submission is a large share of the home (one scan instead of a lookup per
    node: validating a 1M-triple home's own data file spent ~50 s in lookups). The focus nodes are
    `neighbourhood`'s; the data graph holds all the neighbourhood holds, and more.
    """
    data = set(home.everything())
    subjects = {t.subject for t in submitted}
    iris = {s for s in subjects if isinstance(s, ox.NamedNode)}
    focus = set(subjects) | set(named) | {t.object for t in submitted}
    focus.update(t.subject for t in data if t.object in iris)
    data.update(submitted)
    return data, focus


WHOLE_HOME_SHARE = 0.25  # a submission this large a share of the home is validated in the whole home


def select(loaded, submitted: list[ox.Triple], shapes: Graph, defer: set | None = None) -> tuple[set[ox.Triple], set]:
    """(the data graph, the focus nodes) to validate the triples `submitted` in, with the home `loaded` under `shapes` (`defer`: see `neighbourhood`)."""
    named = {n for _, n in shapes.pairs(ox.NamedNode(SH + "targetNode"))}
    home = HomeGraph(loaded)
    size = sum(getattr(loaded, "counts", {}).get(part, 0) for part in ("ontology", "data"))
    if isinstance(loaded.store, ox.Store) and size and len(submitted) >= WHOLE_HOME_SHARE * size:
        data, focus = whole(home, submitted, named)
    else:
        data, focus = neighbourhood(home, submitted, reads_backwards(shapes), named, defer)
    return once(data, submitted), focus
