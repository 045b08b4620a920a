"""SHACL Core and SHACL-SPARQL validation evaluated as SPARQL on Oxigraph; pySHACL stays the reference and the fallback.

`validate(data, shapes)` gives what `validation.run_shacl` gives (pySHACL with inference="none",
advanced=True, allow_warnings=True, allow_infos=True) for the shape features kgtool's shapes use,
and raises `Unsupported` before doing any work for any other feature, so that the caller can
fall back to pySHACL. Each constraint is one query over all the focus nodes of its shape: the
focus nodes are first written into a named graph of the store (FOCUS), which every constraint
query joins. Per-value checks whose exact pySHACL behaviour depends on rdflib's literal model
(sh:datatype, ranges, sh:languageIn, sh:uniqueLang, sh:or) fetch the (focus, value) pairs and
decide in Python with pySHACL's own rules.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from . import rdfio

SH = "http://www.w3.org/ns/shacl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"

_NS = "urn:kgtool:shacl:"
FOCUS = ox.NamedNode(_NS + "focus")  # graph: <context> IN <focus node>
KEEP = ox.NamedNode(_NS + "keep")  # graph: KEEP IN <node> for the `focus` restriction
IN = ox.NamedNode(_NS + "in")
_RDF_TYPE = ox.NamedNode(RDF + "type")
_SUBCLASS = ox.NamedNode(RDFS + "subClassOf")

# Parameters this engine evaluates, on a shape that is evaluated against its focus nodes.
_IMPLEMENTED = {
    SH + n
    for n in (
        "class", "datatype", "nodeKind", "in", "minCount", "maxCount", "minInclusive", "minExclusive",
        "maxInclusive", "maxExclusive", "languageIn", "uniqueLang", "or", "property", "sparql",
    )
}
# Parameters of a shape inside sh:or (judged value by value, in Python).
_NESTED = {SH + n for n in ("class", "datatype", "nodeKind", "in", "minInclusive", "minExclusive", "maxInclusive", "maxExclusive", "languageIn", "or")}
# SHACL (and SHACL-AF, since pySHACL runs with advanced=True) features that change results.
_ALL_PARAMETERS = {
    SH + n
    for n in (
        "and", "class", "closed", "datatype", "disjoint", "equals", "hasValue", "ignoredProperties", "in",
        "languageIn", "lessThan", "lessThanOrEquals", "maxCount", "maxExclusive", "maxInclusive", "maxLength",
        "minCount", "minExclusive", "minInclusive", "minLength", "node", "nodeKind", "not", "or", "pattern",
        "property", "qualifiedMaxCount", "qualifiedMinCount", "qualifiedValueShape", "qualifiedValueShapesDisjoint",
        "sparql", "uniqueLang", "xone", "expression", "js", "target", "rule",
    )
}
_ALLOWED_SEVERITIES = {SH + "Info", SH + "Warning"}
_COMPONENT = {
    "class": "ClassConstraintComponent", "datatype": "DatatypeConstraintComponent", "nodeKind": "NodeKindConstraintComponent",
    "in": "InConstraintComponent", "minCount": "MinCountConstraintComponent", "maxCount": "MaxCountConstraintComponent",
    "minInclusive": "MinInclusiveConstraintComponent", "minExclusive": "MinExclusiveConstraintComponent",
    "maxInclusive": "MaxInclusiveConstraintComponent", "maxExclusive": "MaxExclusiveConstraintComponent",
    "languageIn": "LanguageInConstraintComponent", "uniqueLang": "UniqueLangConstraintComponent",
    "or": "OrConstraintComponent", "sparql": "SPARQLConstraintComponent",
}


class Unsupported(Exception):
    """The shapes graph uses a feature this engine does not implement (the message names it)."""


# --------------------------------------------------------------------------------------
# the shapes
# --------------------------------------------------------------------------------------
def _sh(name: str):
    import rdflib

    return rdflib.URIRef(SH + name)


def _shapes_graph(shapes: list[ox.Triple]):
    import rdflib

    g = rdflib.Graph()  # the default namespace bindings, as validation._graph gives pySHACL
    for t in shapes:
        g.add((rdfio.to_rdflib_term(t.subject), rdfio.to_rdflib_term(t.predicate), rdfio.to_rdflib_term(t.object)))
    return g


def _shape_nodes(sg) -> set:
    """The shapes pySHACL finds (ShapesGraph._build_node_shape_cache)."""
    import rdflib

    found = set(sg.subjects(rdflib.RDF.type, _sh("NodeShape"))) | set(sg.subjects(rdflib.RDF.type, _sh("PropertyShape")))
    for p in ("targetClass", "targetNode", "targetObjectsOf", "targetSubjectsOf", "property", "node"):
        found |= set(sg.subjects(_sh(p), None))
    for p in ("property", "node", "not", "qualifiedValueShape"):
        found |= set(sg.objects(None, _sh(p)))
    for p in ("and", "or", "xone"):
        for lst in sg.objects(None, _sh(p)):
            found |= set(sg.items(lst))
    return found


def _to_ox(term):
    return rdfio.to_ox_term(term)


def _sparql_term(term) -> str:
    """An rdflib IRI or literal of the shapes graph as SPARQL text."""
    import rdflib

    if isinstance(term, rdflib.BNode):
        raise Unsupported(f"a blank node ({term}) where this engine needs an IRI or a literal")
    return str(_to_ox(term))


def _sparql_path(sg, node, depth: int = 0) -> str:
    """A SHACL property path as a SPARQL property path."""
    import rdflib

    if isinstance(node, rdflib.URIRef):
        return f"<{node}>"
    if depth > 30 or not isinstance(node, rdflib.BNode):
        raise Unsupported(f"the property path {node}")
    for name, mark in (("zeroOrMorePath", "*"), ("oneOrMorePath", "+"), ("zeroOrOnePath", "?")):
        inner = sg.value(node, _sh(name))
        if inner is not None:
            return f"({_sparql_path(sg, inner, depth + 1)}){mark}"
    inner = sg.value(node, _sh("inversePath"))
    if inner is not None:
        return f"^({_sparql_path(sg, inner, depth + 1)})"
    inner = sg.value(node, _sh("alternativePath"))
    if inner is not None:
        members = list(sg.items(inner))
        if not members:
            raise Unsupported("an empty sh:alternativePath")
        return "(" + "|".join(_sparql_path(sg, m, depth + 1) for m in members) + ")"
    if sg.value(node, rdflib.RDF.first) is not None:
        members = list(sg.items(node))
        if len(members) < 2:
            raise Unsupported("a sequence path of fewer than two members")
        return "(" + "/".join(_sparql_path(sg, m, depth + 1) for m in members) + ")"
    raise Unsupported(f"the property path {node}")


@dataclass
class _Shape:
    node: Any  # rdflib term in the shapes graph
    path: Any = None  # rdflib path node, None for a node shape
    severity: Any = None
    messages: list = field(default_factory=list)
    deactivated: bool = False


def _read_shape(sg, node) -> _Shape:
    import rdflib

    paths = list(sg.objects(node, _sh("path")))
    if len(paths) > 1:
        raise Unsupported(f"the shape {node} has more than one sh:path")
    deactivated = list(sg.objects(node, _sh("deactivated")))
    if len(deactivated) > 1 or (deactivated and not isinstance(deactivated[0], rdflib.Literal)):
        raise Unsupported(f"the sh:deactivated of {node}")
    severities = list(sg.objects(node, _sh("severity")))
    return _Shape(
        node=node,
        path=paths[0] if paths else None,
        severity=severities[0] if severities else _sh("Violation"),
        messages=list(set(sg.objects(node, _sh("message")))),
        deactivated=bool(deactivated[0].value) if deactivated else False,
    )


def _check_supported(sg) -> None:
    """Raise Unsupported when the shapes graph uses a feature this engine does not evaluate like pySHACL."""
    import rdflib

    for p in sorted(set(sg.predicates()), key=str):
        if str(p) in _ALL_PARAMETERS and str(p) not in _IMPLEMENTED:
            raise Unsupported(f"sh:{str(p)[len(SH):]}")
    for kind in ("ConstraintComponent", "SPARQLTarget", "SPARQLTargetType", "JSTarget", "JSTargetType", "SPARQLRule", "TripleRule"):
        if (None, rdflib.RDF.type, _sh(kind)) in sg:
            raise Unsupported(f"sh:{kind}")
    for p in ("parameter", "validator", "nodeValidator", "propertyValidator", "ask"):
        if (None, _sh(p), None) in sg:
            raise Unsupported(f"sh:{p}")
    for node in _shape_nodes(sg):
        if (node, _sh("sparql"), None) in sg and (node, rdflib.RDF.type, rdflib.RDFS.Class) in sg:
            pass
        if list(sg.objects(node, _sh("property"))) and (node, _sh("path"), None) in sg:
            raise Unsupported(f"sh:property on the property shape {node}")
        _read_shape(sg, node)


def _implicit_class_target(sg, node) -> bool:
    """pySHACL's rule: the shape is a direct instance of rdfs:Class, or of a direct subclass of it in the shapes graph."""
    import rdflib

    classes = set(sg.subjects(rdflib.RDFS.subClassOf, rdflib.RDFS.Class)) | {rdflib.RDFS.Class}
    return any(t in classes for t in sg.objects(node, rdflib.RDF.type))


# --------------------------------------------------------------------------------------
# SHACL-SPARQL constraints
# --------------------------------------------------------------------------------------
_THIS = re.compile(r"([\s{}()])[\$\?]this", flags=re.MULTILINE)
_PATH = re.compile(r"([\s{}()])[\$\?]PATH", flags=re.MULTILINE)
_STRINGS_AND_COMMENTS = re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>|#[^\n]*')
_AGGREGATES = re.compile(r"\b(COUNT|SUM|MIN|MAX|AVG|SAMPLE|GROUP_CONCAT)\s*\(", re.IGNORECASE)
_NOT_BATCHABLE = re.compile(r"\b(OPTIONAL|UNION|MINUS|GRAPH|SERVICE|VALUES|GROUP|HAVING|LIMIT|OFFSET|SELECT|BIND)\b", re.IGNORECASE)


def _blank_out(text: str) -> str:
    """`text` with strings, IRIs and comments replaced by spaces of the same length (positions kept)."""
    return _STRINGS_AND_COMMENTS.sub(lambda m: " " * len(m.group()), text)


@dataclass
class _SparqlConstraint:
    node: Any
    text: str  # the query with its PREFIX lines, $PATH substituted
    messages: list
    this_bound: bool  # pySHACL pre-binds $this (the text names it)
    where: int  # offset of the WHERE group's "{" in `text`
    projection: tuple[int, int]  # offsets of the projection in `text`
    projected: set[str] | None  # projected variable names (None: SELECT *)
    batchable: bool


def _prefixes(sg, node) -> dict[str, str]:
    """The PREFIX declarations pySHACL prepends (SPARQLQueryHelper.collect_prefixes)."""
    import rdflib

    out = {"rdf": RDF, "rdfs": RDFS, "owl": OWL}
    values = set(sg.objects(node, _sh("prefixes")))
    if not values:
        return out
    ng_declares = set(sg.objects(sg.identifier, _sh("declare"))) if sg.identifier else set()
    onts = set(sg.subjects(rdflib.RDF.type, rdflib.OWL.Ontology))
    ont_declares = {d for o in onts for d in sg.objects(o, _sh("declare"))}
    global_declares = ng_declares | ont_declares
    for value in values:
        own = set(sg.objects(value, _sh("declare")))
        declares = own | ng_declares if own and value in onts else global_declares | own
        for dec in declares:
            prefix = list(sg.objects(dec, _sh("prefix")))
            namespace = list(sg.objects(dec, _sh("namespace")))
            if len(prefix) != 1 or len(namespace) != 1 or not isinstance(prefix[0], rdflib.Literal):
                raise Unsupported(f"the sh:declare {dec}")
            out[str(prefix[0].value)] = str(namespace[0].value) if isinstance(namespace[0], rdflib.Literal) else str(namespace[0])
    return out


def _read_sparql(sg, shape: _Shape, node) -> _SparqlConstraint | None:
    import rdflib
    from pyshacl.helper.sparql_query_helper import SPARQLQueryHelper as Q

    selects = list(sg.objects(node, _sh("select")))
    if len(selects) != 1 or not isinstance(selects[0], rdflib.Literal):
        raise Unsupported(f"the SPARQL constraint {node} (it needs one sh:select)")
    deactivated = list(sg.objects(node, _sh("deactivated")))
    if deactivated and bool(getattr(deactivated[0], "value", False)):
        return None
    select = str(selects[0].value)
    for regex, what in ((Q.has_minus_regex, "MINUS"), (Q.has_values_regex, "VALUES"), (Q.has_service_regex, "SERVICE"), (Q.has_nested_select_regex, "a nested SELECT")):
        if regex.search(select):
            raise Unsupported(f"{what} in the SPARQL constraint {node}")
    as_var = Q.has_as_var_regex.search(select)
    if as_var and as_var.group(1) in ("this", "shapesGraph", "currentShape"):
        raise Unsupported(f"AS ?{as_var.group(1)} in the SPARQL constraint {node}")
    if Q.bind_cs_regex.search(select) or Q.bind_sg_regex.search(select):
        raise Unsupported(f"$currentShape or $shapesGraph in the SPARQL constraint {node}")
    if shape.path is not None:
        select = _PATH.sub(lambda m: m.group(1) + _sparql_path(sg, shape.path), select)
    elif _PATH.search(select):
        raise Unsupported(f"$PATH in the SPARQL constraint {node} of a node shape")
    head = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in _prefixes(sg, node).items()) + "\n"
    text = head + select
    blank = _blank_out(text)
    m = re.search(r"\bSELECT\b", blank, re.IGNORECASE)
    if not m:
        raise Unsupported(f"the SPARQL constraint {node} is not a SELECT query")
    where = blank.find("{", m.end())
    if where < 0:
        raise Unsupported(f"the SPARQL constraint {node} has no WHERE group")
    start = m.end()
    mod = re.match(r"\s*(DISTINCT|REDUCED)\b", blank[start:], re.IGNORECASE)
    if mod:
        start += mod.end()
    end = where
    w = re.search(r"\bWHERE\s*$", blank[start:where], re.IGNORECASE)
    if w:
        end = start + w.start()
    proj = blank[start:end]
    projected = None if proj.strip() == "*" else {v for v in re.findall(r"[?$](\w+)", proj)}
    if projected is not None and re.search(r"\bAS\s+[?$]\w+", proj, re.IGNORECASE):
        # expressions in the projection: their own AS variables are projected, the inner ones are not
        projected = set(re.findall(r"\bAS\s+[?$](\w+)", proj, re.IGNORECASE)) | {v for v in re.findall(r"[?$](\w+)", re.sub(r"\([^()]*(\([^()]*\)[^()]*)*\)", " ", proj))}
    body = blank[where + 1:]
    batchable = not _NOT_BATCHABLE.search(body) and not _AGGREGATES.search(body) and not re.search(r"\b(GROUP|HAVING|LIMIT|OFFSET)\b", blank[where:], re.IGNORECASE)
    if batchable:
        for brace in re.finditer(r"\{", body):
            if not re.search(r"\bEXISTS\s*$", body[: brace.start()], re.IGNORECASE):
                batchable = False
                break
    return _SparqlConstraint(
        node=node,
        text=text,
        messages=list(set(sg.objects(node, _sh("message")))),
        this_bound=bool(_THIS.search(select)),
        where=where,
        projection=(start, end),
        projected=projected,
        batchable=batchable,
    )


# --------------------------------------------------------------------------------------
# results
# --------------------------------------------------------------------------------------
@dataclass
class _Result:
    focus: Any  # ox term
    shape: _Shape
    component: str  # local name in sh:
    severity: Any  # rdflib term
    top_severity: Any  # the severity of the shape whose targets gave the focus node
    value: Any = None  # ox term or None
    path: Any = None  # rdflib path node (shapes graph) or an ox term (from a SPARQL ?path)
    messages: list = field(default_factory=list)  # rdflib terms
    constraint: Any = None  # rdflib node of a SPARQL constraint


class _Run:
    def __init__(self, sg, data: list[ox.Triple], focus: set | None):
        import rdflib

        self.sg = sg
        self.data = data
        self.store = ox.Store()
        self.store.extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in data)
        self.keep = focus
        if focus is not None:
            self.store.extend(ox.Quad(KEEP, IN, n, KEEP) for n in focus)
        self.results: list[_Result] = []
        self.contexts = 0
        self._canon: dict | None = None
        self._supers: dict = {}
        self._rdflib: dict = {}
        self._rules: dict = {}
        self.init_ns = {str(p): str(n) for p, n in rdflib.Graph().namespaces()}
        self.dg = rdflib.Graph()  # stands in for the data graph's namespace manager in default messages

    # -- terms ---------------------------------------------------------------------
    def original(self, term):
        """The data's own literal for a literal Oxigraph returned in canonical form ("1.50" stored as "1.5")."""
        if not isinstance(term, ox.Literal) or term.language or term.datatype.value in (XSD + "string", RDF + "langString"):
            return term
        if self._canon is None:
            originals = list({t.object for t in self.data if isinstance(t.object, ox.Literal) and not t.object.language and t.object.datatype.value != XSD + "string"})
            scratch = ox.Store()
            scratch.extend(ox.Quad(ox.NamedNode(f"{_NS}i{i}"), IN, o, ox.DefaultGraph()) for i, o in enumerate(originals))
            self._canon = {}
            for q in scratch:
                original = originals[int(q.subject.value[len(_NS) + 1:])]
                if q.object != original:
                    self._canon.setdefault(q.object, original)
        return self._canon.get(term, term)

    def rdf(self, term):
        """The rdflib term of a data term (with its original lexical form)."""
        if term is None:
            return None
        out = self._rdflib.get(term)
        if out is None:
            out = self._rdflib[term] = rdfio.to_rdflib_term(self.original(term))
        return out

    def rules(self, node, name: str) -> list:
        """The values of sh:`name` on `node` (cached: asked once per value node otherwise)."""
        key = (node, name)
        out = self._rules.get(key)
        if out is None:
            out = self._rules[key] = list(self.sg.objects(node, _sh(name)))
        return out

    def items(self, lst) -> list:
        key = (lst, "items()")
        out = self._rules.get(key)
        if out is None:
            out = self._rules[key] = list(self.sg.items(lst))
        return out

    # -- queries -------------------------------------------------------------------
    def select(self, query: str, **kw):
        return self.store.query(query, prefixes=kw.pop("prefixes", None), **kw)

    def context(self, shape_node) -> ox.NamedNode:
        """Write the focus nodes of a top-level shape into FOCUS; returns its context node."""
        self.contexts += 1
        ctx = ox.NamedNode(f"{_NS}ctx{self.contexts}")
        sg = self.sg
        parts = []
        classes = set(sg.objects(shape_node, _sh("targetClass")))
        if _implicit_class_target(sg, shape_node):
            classes.add(shape_node)
        for c in classes:
            parts.append(f"{{ ?this <{RDF}type>/<{RDFS}subClassOf>* {_sparql_term(c)} }}")
        for p in sg.objects(shape_node, _sh("targetSubjectsOf")):
            parts.append(f"{{ ?this {_sparql_term(p)} ?any_ }}")
        for p in sg.objects(shape_node, _sh("targetObjectsOf")):
            parts.append(f"{{ ?any_ {_sparql_term(p)} ?this }}")
        keep = f"GRAPH <{KEEP.value}> {{ <{KEEP.value}> <{IN.value}> ?this }}" if self.keep is not None else ""
        if parts:
            self.store.update(
                f"INSERT {{ GRAPH <{FOCUS.value}> {{ <{ctx.value}> <{IN.value}> ?this }} }} WHERE {{ {keep} {{ {' UNION '.join(parts)} }} }}"
            )
        for n in sg.objects(shape_node, _sh("targetNode")):
            term = _to_ox(n)
            if self.keep is None or term in self.keep:
                self.store.add(ox.Quad(ctx, IN, term, FOCUS))
        return ctx

    # -- evaluation ----------------------------------------------------------------
    def run(self) -> None:
        sg = self.sg
        for node in _shape_nodes(sg):
            targets = any((node, _sh(p), None) in sg for p in ("targetClass", "targetNode", "targetObjectsOf", "targetSubjectsOf"))
            if not targets and not _implicit_class_target(sg, node):
                continue
            shape = _read_shape(sg, node)
            if shape.deactivated:
                continue
            ctx = self.context(node)
            if next(iter(self.store.quads_for_pattern(ctx, IN, None, FOCUS)), None) is None:
                continue
            self.shape(ctx, shape, shape.severity)
            for p in sg.objects(node, _sh("property")):
                prop = _read_shape(sg, p)
                if prop.path is None:
                    raise Unsupported(f"sh:property {p} is not a property shape (it has no sh:path)")
                if not prop.deactivated:
                    self.shape(ctx, prop, shape.severity)

    def shape(self, ctx, shape: _Shape, top) -> None:
        sg = self.sg
        node = shape.node
        focus = f"GRAPH <{FOCUS.value}> {{ <{ctx.value}> <{IN.value}> ?this }}"
        values = f"?this {_sparql_path(sg, shape.path)} ?v ." if shape.path is not None else "BIND (?this AS ?v)"

        def result(focus_node, component, value=None, messages=None, **kw):
            self.results.append(_Result(focus_node, shape, component, shape.severity, top, value, shape.path, messages if messages is not None else self.messages(shape, component, focus_node, value), **kw))

        for p in set(sg.predicates(node)):
            if str(p) in _ALL_PARAMETERS and str(p) not in _IMPLEMENTED:
                raise Unsupported(f"sh:{str(p)[len(SH):]} on {node}")
        counts = {}
        for name in ("minCount", "maxCount"):
            vals = list(sg.objects(node, _sh(name)))
            if len(vals) > 1 or (vals and not isinstance(getattr(vals[0], "value", None), int)):
                raise Unsupported(f"the sh:{name} of {node}")
            if vals:
                counts[name] = int(vals[0].value)
        if counts.get("minCount"):
            n = counts["minCount"]
            if shape.path is None:
                rows = self.select(f"SELECT ?this WHERE {{ {focus} }}") if n > 1 else []
            else:
                rows = self.select(f"SELECT ?this WHERE {{ {focus} OPTIONAL {{ {values} }} }} GROUP BY ?this HAVING (COUNT(DISTINCT ?v) < {n})")
            for row in rows:
                result(row["this"], "minCount")
        if "maxCount" in counts:
            n = counts["maxCount"]
            if shape.path is None:
                rows = self.select(f"SELECT ?this WHERE {{ {focus} }}") if n < 1 else []
            else:
                rows = self.select(f"SELECT ?this WHERE {{ {focus} {values} }} GROUP BY ?this HAVING (COUNT(DISTINCT ?v) > {n})")
            for row in rows:
                result(row["this"], "maxCount")
        for c in sg.objects(node, _sh("class")):
            rows = self.select(f"SELECT DISTINCT ?this ?v WHERE {{ {focus} {values} FILTER NOT EXISTS {{ ?v <{RDF}type>/<{RDFS}subClassOf>* {_sparql_term(c)} }} }}")
            for row in rows:
                result(row["this"], "class", row["v"])
        kinds = list(sg.objects(node, _sh("nodeKind")))
        if len(kinds) > 1:
            raise Unsupported(f"more than one sh:nodeKind on {node}")
        for kind in kinds:
            test = {
                "IRI": "isIRI(?v)", "BlankNode": "isBlank(?v)", "Literal": "isLiteral(?v)", "BlankNodeOrIRI": "(isIRI(?v) || isBlank(?v))",
                "BlankNodeOrLiteral": "(isBlank(?v) || isLiteral(?v))", "IRIOrLiteral": "(isIRI(?v) || isLiteral(?v))",
            }.get(str(kind)[len(SH):] if str(kind).startswith(SH) else "", "false")
            for row in self.select(f"SELECT DISTINCT ?this ?v WHERE {{ {focus} {values} FILTER (!{test}) }}"):
                result(row["this"], "nodeKind", row["v"])
        lists = list(sg.objects(node, _sh("in")))
        if len(lists) > 1:
            raise Unsupported(f"more than one sh:in on {node}")
        for lst in lists:
            members = [_sparql_term(m) for m in sg.items(lst)]
            test = " || ".join(f"sameTerm(?v, {m})" for m in members) or "false"
            for row in self.select(f"SELECT DISTINCT ?this ?v WHERE {{ {focus} {values} FILTER (!({test})) }}"):
                result(row["this"], "in", row["v"])
        # per-value checks decided in Python, with pySHACL's rules
        checks = [p for p in ("datatype", "minInclusive", "minExclusive", "maxInclusive", "maxExclusive", "languageIn", "uniqueLang", "or") if (node, _sh(p), None) in sg]
        if checks:
            skip = ""
            if checks == ["datatype"]:
                rule = str(self.rules(node, "datatype")[0])
                # values pySHACL always accepts: a plain string under xsd:string, a tagged one under rdf:langString
                if rule == XSD + "string":
                    skip = f"FILTER (!(isLiteral(?v) && datatype(?v) = <{XSD}string>))"
                elif rule == RDF + "langString":
                    skip = 'FILTER (!(isLiteral(?v) && lang(?v) != ""))'
            pairs = [(row["this"], row["v"]) for row in self.select(f"SELECT DISTINCT ?this ?v WHERE {{ {focus} {values} {skip} }}")]
            for name in checks:
                if name == "uniqueLang":
                    self.unique_lang(shape, pairs, result)
                    continue
                for f, v in pairs:
                    for _ in range(self.failures(shape, name, v)):
                        result(f, name, v)
        for s in sg.objects(node, _sh("sparql")):
            constraint = _read_sparql(sg, shape, s)
            if constraint is not None:
                self.sparql(ctx, shape, top, constraint)

    # -- Python checks ------------------------------------------------------------------
    def failures(self, shape: _Shape, name: str, v) -> int:
        """How many results pySHACL gives for value `v` under the `name` parameter(s) of `shape`."""
        rules = self.rules(shape.node, name)
        if name == "datatype":
            if len(rules) > 1:
                raise Unsupported(f"more than one sh:datatype on {shape.node}")
            return 0 if _datatype_ok(self.rdf(v), rules[0]) else 1
        if name in ("minInclusive", "minExclusive", "maxInclusive", "maxExclusive"):
            return sum(0 if _range_ok(self.rdf(v), r, name) else 1 for r in rules)
        if name == "languageIn":
            if len(rules) > 1:
                raise Unsupported(f"more than one sh:languageIn on {shape.node}")
            return 0 if _language_ok(self.rdf(v), {str(x).lower() for x in self.items(rules[0])}) else 1
        if name == "or":
            return sum(0 if any(self.conforms(m, v) for m in set(self.items(lst))) else 1 for lst in rules)
        raise Unsupported(f"sh:{name}")  # pragma: no cover

    def conforms(self, node, v, depth: int = 0) -> bool:
        """Whether the value `v` conforms to the shape `node` inside sh:or (pySHACL's Shape.validate(focus=v))."""
        sg = self.sg
        shape = self._rules.get((node, "shape()"))
        if shape is None:
            shape = self._rules[(node, "shape()")] = _read_shape(sg, node)
        if shape.deactivated or str(shape.severity) in _ALLOWED_SEVERITIES:
            return True  # pySHACL: a deactivated shape conforms; a Warning or Info shape "conforms" too
        if shape.path is not None or depth > 20:
            raise Unsupported(f"a property shape ({node}) inside sh:or")
        for c in self.rules(node, "class"):
            if not self.is_instance(v, _to_ox(c)):
                return False
        for kind in self.rules(node, "nodeKind"):
            k = str(kind)[len(SH):]
            ok = (isinstance(v, ox.BlankNode) and k in ("BlankNode", "BlankNodeOrLiteral", "BlankNodeOrIRI")) or (
                isinstance(v, ox.Literal) and k in ("Literal", "BlankNodeOrLiteral", "IRIOrLiteral")) or (
                isinstance(v, ox.NamedNode) and k in ("IRI", "IRIOrLiteral", "BlankNodeOrIRI"))
            if not ok:
                return False
        for lst in self.rules(node, "in"):
            if self.rdf(v) not in set(self.items(lst)):
                return False
        for name in ("datatype", "minInclusive", "minExclusive", "maxInclusive", "maxExclusive", "languageIn"):
            if self.rules(node, name) and self.failures(shape, name, v):
                return False
        for lst in self.rules(node, "or"):
            if not any(self.conforms(m, v, depth + 1) for m in set(self.items(lst))):
                return False
        return True

    def is_instance(self, v, cls) -> bool:
        if isinstance(v, ox.Literal):
            return False
        for q in self.store.quads_for_pattern(v, _RDF_TYPE, None, ox.DefaultGraph()):
            if cls in self.supers(q.object):
                return True
        return False

    def supers(self, t) -> set:
        out = self._supers.get(t)
        if out is None:
            out, todo = {t}, [t]
            while todo:
                for q in self.store.quads_for_pattern(todo.pop(), _SUBCLASS, None, ox.DefaultGraph()):
                    if q.object not in out:
                        out.add(q.object)
                        todo.append(q.object)
            self._supers[t] = out
        return out

    def unique_lang(self, shape: _Shape, pairs, result) -> None:
        rules = list(self.sg.objects(shape.node, _sh("uniqueLang")))
        if len(rules) > 1 or shape.path is None or not isinstance(getattr(rules[0], "value", None), bool):
            raise Unsupported(f"the sh:uniqueLang of {shape.node}")
        if not rules[0].value:
            return
        langs: dict = defaultdict(lambda: defaultdict(int))
        for f, v in pairs:
            if isinstance(v, ox.Literal) and v.language:
                langs[f][v.language.lower()] += 1
        for f, counted in langs.items():
            for n in counted.values():
                if n > 1:
                    result(f, "uniqueLang")

    # -- SPARQL constraints -------------------------------------------------------------
    def sparql(self, ctx, shape: _Shape, top, c: _SparqlConstraint) -> None:
        rows_by_focus: dict = defaultdict(list)
        if c.batchable:
            text = c.text
            if c.projected is not None and "this" not in c.projected:
                text = text[: c.projection[0]] + " ?this " + text[c.projection[0]:]
                shift = len(" ?this ")
            else:
                shift = 0
            where = c.where + shift
            text = text[: where + 1] + f" GRAPH <{FOCUS.value}> {{ <{ctx.value}> <{IN.value}> ?this }} " + text[where + 1:]
            solutions = self.store.query(text, prefixes=self.init_ns)
            names = [v.value for v in solutions.variables]
            for row in solutions:
                f = row["this"]
                rows_by_focus[f].append({n: row[n] for n in names if row[n] is not None})
        else:
            for q in self.store.quads_for_pattern(ctx, IN, None, FOCUS):
                f = q.object
                subs = {ox.Variable("this"): f} if c.this_bound else None
                solutions = self.store.query(c.text, prefixes=self.init_ns, substitutions=subs)
                names = [v.value for v in solutions.variables]
                rows_by_focus[f] = [{n: row[n] for n in names if row[n] is not None} for row in solutions]
        projects_this = c.this_bound and (c.projected is None or "this" in c.projected)
        for f, rows in rows_by_focus.items():
            result_val = f if shape.path is None else None
            seen = []
            failed = False
            for row in rows:
                row = {k: self.rdf(v) for k, v in row.items() if k != "this" or projects_this}
                if "failure" in row:
                    row.pop("failure")
                    if failed:
                        continue
                    failed = True
                    self.sparql_result(shape, top, c, f, result_val, None, row)
                    continue
                p = row.pop("path", None)
                v = row.pop("value", None)
                t = row.pop("this", None)
                if p is None and v is None and t is None:
                    continue
                key = (t, p, v, row)
                if key in seen:
                    continue
                seen.append(key)
                value = v if v is not None else (self.rdf(result_val) if result_val is not None else None)
                self.sparql_result(shape, top, c, f if t is None else rdfio.to_ox_term(t), value, p, (t, p, value, row))

    def sparql_result(self, shape, top, c, focus, value, path, bound) -> None:
        """A result as pySHACL's make_v_result makes it for a SPARQL constraint (messages formatted, without language)."""
        import rdflib
        from pyshacl.constraints.constraint_component import ConstraintComponent

        own = list(shape.messages)
        # pySHACL: the constraint's messages that are not also the shape's, then the shape's own
        extra = [m for m in c.messages if m not in own]
        messages = [
            rdflib.Literal(ConstraintComponent._format_sparql_based_result_message(None, str(m.value), bound)) if isinstance(m, rdflib.Literal) else m
            for m in extra + own
        ]
        value_ox = rdfio.to_ox_term(value) if isinstance(value, rdflib.term.Identifier) else value
        self.results.append(
            _Result(
                focus, shape, "sparql", shape.severity, top, value_ox,
                path if path is not None else shape.path, messages, constraint=c.node,
            )
        )

    # -- default messages ---------------------------------------------------------------
    def messages(self, shape: _Shape, component: str, focus, value) -> list:
        if shape.messages:
            return list(shape.messages)
        return [self.generic(shape, component, focus, value)]

    def node_text(self, term) -> str:
        import rdflib
        from pyshacl.rdfutil import stringify_node

        node = self.rdf(term)
        if isinstance(node, rdflib.BNode):
            g = rdflib.Graph()
            todo, seen = [term], set()
            while todo:
                n = todo.pop()
                if n in seen:
                    continue
                seen.add(n)
                for q in self.store.quads_for_pattern(n, None, None, ox.DefaultGraph()):
                    g.add((self.rdf(q.subject), self.rdf(q.predicate), self.rdf(q.object)))
                    if isinstance(q.object, ox.BlankNode):
                        todo.append(q.object)
            return stringify_node(g, node)
        return stringify_node(self.dg, node)

    def generic(self, shape: _Shape, component: str, focus, value):
        """pySHACL's make_generic_messages for the component."""
        import rdflib
        from pyshacl.rdfutil import stringify_node

        sg = self.sg

        def s(n) -> str:
            return stringify_node(sg, n)

        rules = list(sg.objects(shape.node, _sh(component)))
        if component == "class":
            m = f"Value does not have class {s(rules[0])}" if len(rules) < 2 else "Value class is not in classes ({})".format(", ".join(s(c) for c in rules))
        elif component == "datatype":
            m = f"Value is not Literal with datatype {s(rules[0])}"
        elif component == "nodeKind":
            m = f"Value is not of Node Kind {s(rules[0])}"
        elif component == "in":
            vals = set()
            for item in sg.items(rules[0]):
                vals.add(item)
            m = f"Value {self.node_text(value)} not in list {[s(x) for x in vals]}"
        elif component in ("minCount", "maxCount"):
            word = "Less" if component == "minCount" else "More"
            where = self.node_text(focus) + ("->" + s(shape.path) if shape.path is not None else "")
            m = f"{word} than {rules[0].value} values on {where}"
        elif component in ("minInclusive", "minExclusive", "maxInclusive", "maxExclusive"):
            op = {"minInclusive": ">=", "minExclusive": ">", "maxInclusive": "<=", "maxExclusive": "<"}[component]
            m = f"Value is not {op} {s(rules[0])}" if len(rules) < 2 else "Value is not {} in ({})".format(op, ", ".join(s(r) for r in rules))
        elif component == "languageIn":
            m = f"String language is not in {s(rules[0])}"
        elif component == "uniqueLang":
            m = "More than one String shares the same Language"
        elif component == "or":
            if len(rules) < 2:
                text = " , ".join(s(o) for o in sg.items(rules[0]))
            else:
                text = " and ".join("({})".format(" , ".join(s(o) for o in sg.items(a))) for a in rules)
            m = f"Node {self.node_text(value)} must conform to one or more shapes in {text}"
        else:  # pragma: no cover
            raise Unsupported(component)
        return rdflib.Literal(m)

    # -- the report ----------------------------------------------------------------------
    def report(self):
        import rdflib

        sh = rdflib.Namespace(SH)
        conforms = not any(str(r.severity) not in _ALLOWED_SEVERITIES and str(r.top_severity) not in _ALLOWED_SEVERITIES for r in self.results)
        g = rdflib.Graph(bind_namespaces="core")
        for p, n in self.sg.namespace_manager.namespaces():
            g.namespace_manager.bind(p, n)
        report = rdflib.BNode()
        g.add((report, rdflib.RDF.type, sh.ValidationReport))
        g.add((report, sh.conforms, rdflib.Literal(conforms)))
        cloned: set = set()

        def from_shapes(node):
            if isinstance(node, rdflib.BNode) and ("s", node) not in cloned:
                cloned.add(("s", node))
                for p, o in self.sg.predicate_objects(node):
                    g.add((node, p, o))
                    from_shapes(o)
            return node

        def from_data(term):
            node = self.rdf(term)
            if isinstance(term, ox.BlankNode) and ("d", term) not in cloned:
                cloned.add(("d", term))
                for q in self.store.quads_for_pattern(term, None, None, ox.DefaultGraph()):
                    g.add((node, self.rdf(q.predicate), from_data(q.object)))
            return node

        for r in self.results:
            rn = rdflib.BNode()
            g.add((report, sh.result, rn))
            g.add((rn, rdflib.RDF.type, sh.ValidationResult))
            g.add((rn, sh.sourceConstraintComponent, sh[_COMPONENT[r.component]]))
            g.add((rn, sh.sourceShape, from_shapes(r.shape.node)))
            g.add((rn, sh.resultSeverity, r.severity))
            g.add((rn, sh.focusNode, from_data(r.focus)))
            if r.value is not None:
                g.add((rn, sh.value, from_data(r.value)))
            if r.path is not None:
                path = r.path
                if isinstance(path, (ox.NamedNode, ox.BlankNode, ox.Literal)):
                    path = from_data(path)
                else:
                    path = from_shapes(path)
                g.add((rn, sh.resultPath, path))
            if r.constraint is not None:
                g.add((rn, sh.sourceConstraint, from_shapes(r.constraint)))
            for m in r.messages:
                g.add((rn, sh.resultMessage, m))
        return conforms, g


def _datatype_ok(v, rule) -> bool:
    """pySHACL's DatatypeConstraintComponent test for one value (rdflib term)."""
    import rdflib
    from pyshacl.constraints.core.value_constraints import (
        DatatypeConstraintComponent as D,
    )

    if not isinstance(v, rdflib.Literal):
        return False
    if v.datatype == rule:
        return False if getattr(v, "ill_typed", None) is True else D._assert_actual_datatype(None, v, rule)
    if rule == rdflib.RDFS.Literal:
        return True
    if rule == rdflib.RDFS.Datatype and v.datatype:
        return True
    if v.datatype is None and v.language is None and rule == rdflib.XSD.string:
        return D._assert_actual_datatype(None, v, rule)
    if rule == rdflib.RDF.langString and v.language:
        return D._assert_actual_datatype(None, v, rule)
    return False


def _range_ok(v, bound, name: str) -> bool:
    """pySHACL's value range test (sh:minInclusive etc.) for one value."""
    import rdflib
    from pyshacl.rdfutil.compare import compare_literal

    if not isinstance(bound, rdflib.Literal):
        raise Unsupported(f"a sh:{name} that is not a literal")
    if not isinstance(v, rdflib.Literal):
        return False
    bound_is_string = isinstance(bound.value, str)
    v_is_string = isinstance(v.value, str)
    if bound_is_string != v_is_string:
        return False
    try:
        cmp = compare_literal(v, bound)
    except (TypeError, NotImplementedError):
        return False
    return {"minInclusive": cmp >= 0, "minExclusive": cmp > 0, "maxInclusive": cmp <= 0, "maxExclusive": cmp < 0}[name]


def _language_ok(v, languages: set[str]) -> bool:
    """pySHACL's sh:languageIn test for one value."""
    import rdflib

    if not isinstance(v, rdflib.Literal) or not v.language:
        return False
    lang = str(v.language)
    return "*" in languages or lang.lower() in languages or lang.split("-")[0].lower() in languages


# --------------------------------------------------------------------------------------
# entry point
# --------------------------------------------------------------------------------------
def check(shapes: list[ox.Triple]) -> None:
    """Raise Unsupported when the shapes use a feature this engine does not implement."""
    sg = _shapes_graph(shapes)
    _check_supported(sg)
    _precompile(sg)


def _precompile(sg) -> None:
    """Read every part of every shape that will be evaluated, so that Unsupported comes before any work."""
    for node in _shape_nodes(sg):
        shape = _read_shape(sg, node)
        if shape.path is not None:
            _sparql_path(sg, shape.path)
        for p in set(sg.predicates(node)):
            if str(p) in _ALL_PARAMETERS and str(p) not in _IMPLEMENTED:
                raise Unsupported(f"sh:{str(p)[len(SH):]} on {node}")
        for s in sg.objects(node, _sh("sparql")):
            _read_sparql(sg, shape, s)
        for name in ("class", "in"):
            for v in sg.objects(node, _sh(name)):
                for term in (sg.items(v) if name == "in" else [v]):
                    _sparql_term(term)
        for lst in sg.objects(node, _sh("or")):
            for member in sg.items(lst):
                _check_nested(sg, member, 0)
        for p in sg.objects(node, _sh("property")):
            if _read_shape(sg, p).path is None:
                raise Unsupported(f"sh:property {p} is not a property shape (it has no sh:path)")


def _check_nested(sg, node, depth: int) -> None:
    shape = _read_shape(sg, node)
    if shape.deactivated or str(shape.severity) in _ALLOWED_SEVERITIES:
        return
    if shape.path is not None or depth > 20:
        raise Unsupported(f"a property shape ({node}) inside sh:or")
    for p in set(sg.predicates(node)):
        if str(p) in _ALL_PARAMETERS and str(p) not in _NESTED:
            raise Unsupported(f"sh:{str(p)[len(SH):]} in a shape inside sh:or")
    for lst in sg.objects(node, _sh("or")):
        for member in sg.items(lst):
            _check_nested(sg, member, depth + 1)


def validate(data: list[ox.Triple], shapes: list[ox.Triple], focus: set | None = None) -> tuple[bool, Any]:
    """(conforms, report_graph) as validation.run_shacl(data_graph, shapes_graph) gives them for the same
    data and shapes (a W3C SHACL validation report, an rdflib Graph), computed with SPARQL over an
    in-memory Oxigraph store.

    `focus` (pyoxigraph terms) keeps only the results on those focus nodes, as if each shape's
    targets were intersected with it (validation.retarget). Raises Unsupported, before any work on
    the data, when the shapes use a feature this engine does not implement.
    """
    sg = _shapes_graph(shapes)
    _check_supported(sg)
    _precompile(sg)
    run = _Run(sg, list(data), set(focus) if focus is not None else None)
    run.run()
    return run.report()
