"""SHACL validation (pySHACL) of submission files together with the home's graph, as a Report of plain values.

A submission is judged on the part of the home it touches, so that the cost follows
the submission and not the home: see `neighbourhood` and docs/validation-report.md.
"""

from __future__ import annotations

import hashlib
from contextlib import contextmanager
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pyoxigraph as ox

from . import formats, rdfio, shacl
from .errors import KgError
from .home import Home

SH = "http://www.w3.org/ns/shacl#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SUBCLASS = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = XSD + "string"
SEVERITY_NAMES = {SH + "Violation": "Violation", SH + "Warning": "Warning", SH + "Info": "Info"}
SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}
REPORT_FORMAT = 1  # the "format" of the JSON report; bumped only on an incompatible change
# How far a focus node's description is followed (1: its own triples; 2: also the
# descriptions of the nodes it refers to, e.g. their types for sh:class).
DEPTH = 2
# Formats whose files can be scanned for the line where a node is first a subject.
LINE_FORMATS = ("turtle", "nt", "nq", "trig")


@dataclass
class Result:
    """One validation result, in the words and names an analyst reads."""

    severity: str  # Violation | Warning | Info
    focus: str  # prefixed name or <IRI> or _:b
    path: str | None
    value: str | None
    message: str
    shape: str | None
    constraint: str | None  # e.g. sh:MinCountConstraintComponent
    file: str | None = None  # the submission file that describes the focus node
    line: int | None = None  # where it is first described there (Turtle-family files only)
    focus_iri: str | None = None  # the focus node's full IRI (None for a blank node)

    def text(self) -> str:
        """One line: where, severity, focus node, path, message, value."""
        where = f"{self.file}:{self.line}: " if self.file and self.line else (f"{self.file}: " if self.file else "")
        head = f"{where}{self.severity}: {self.focus}"
        if self.path:
            head += f", path {self.path}"
        tail = ""
        # A node-level constraint reports the focus node itself as the value: no news.
        if self.value is not None and not (self.path is None and self.value == self.focus):
            tail = f" (value {self.value})"
        return f"{head}: {self.message}{tail}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "severity": self.severity,
            "focus": self.focus,
            "focus_iri": self.focus_iri,
            "path": self.path,
            "value": self.value,
            "message": self.message,
            "shape": self.shape,
            "constraint": self.constraint,
            "file": self.file,
            "line": self.line,
        }


@dataclass
class Report:
    """The outcome of validating some files against the home."""

    conforms: bool  # no sh:Violation
    results: list[Result] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    report_graph: Any = None  # the W3C validation report (rdflib Graph), of the kept results
    triples: int = 0  # triples in the submitted files
    focus_nodes: int = 0  # nodes judged (the submission's and those it touches)
    checked_triples: int = 0  # triples of the data graph given to pySHACL

    def counts(self) -> dict[str, int]:
        out = {"Violation": 0, "Warning": 0, "Info": 0}
        for r in self.results:
            out[r.severity] = out.get(r.severity, 0) + 1
        return out

    def to_json(self) -> str:
        """The stable JSON report (docs/validation-report.md)."""
        return json.dumps(
            {
                "format": REPORT_FORMAT,
                "conforms": self.conforms,
                "counts": self.counts(),
                "triples": self.triples,
                "results": [r.as_dict() for r in self.results],
                "notes": self.notes,
            },
            indent=2,
            ensure_ascii=False,
        )

    def to_turtle(self) -> str:
        return self.report_graph.serialize(format="turtle")


# --------------------------------------------------------------------------------------
# reading the submitted files
# --------------------------------------------------------------------------------------
@dataclass
class SubmittedFile:
    """One file of a submission."""

    display: str  # the name the user gave
    name: str  # its base name
    sha256: str
    format: formats.Format
    data: bytes = field(repr=False, default=b"")
    subjects: set[str] = field(default_factory=set)  # IRIs it describes
    _lines: dict[str, int] | None = field(default=None, repr=False)

    def line_of(self, iri: str) -> int | None:
        """The line where `iri` is first a subject, or None (not there, or a format that cannot tell)."""
        if self.format.name not in LINE_FORMATS:
            return None
        if self._lines is None:
            self._lines = subject_lines(self.data.decode("utf-8", errors="replace"))
        return self._lines.get(iri)


@dataclass
class Submission:
    """The parsed files of a submission."""

    files: list[SubmittedFile]
    triples: list[ox.Triple]
    prefixes: dict[str, str]
    notes: list[str]

    def digest(self) -> str:
        """A sha256 of the files' digests: the same files give the same digest, in any order."""
        return hashlib.sha256("".join(sorted(f.sha256 for f in self.files)).encode()).hexdigest()


def read(files: Iterable[str], allow_remote: bool = False) -> Submission:
    """Parse the files of a submission; InputError (exit 2) for one that cannot be read."""
    submitted: list[SubmittedFile] = []
    triples: list[ox.Triple] = []
    prefixes: dict[str, str] = {}
    notes: list[str] = []
    for name in files:
        path = Path(name)
        fmt = formats.for_path(path)
        data = rdfio.read_bytes(path, name)
        parsed = rdfio.parse_bytes(data, fmt, name, allow_remote)
        if not parsed.triples:
            notes.append(f"{name}: no triples")
        triples.extend(parsed.triples)
        for k, v in parsed.prefixes.items():
            prefixes.setdefault(k, v)
        subjects = {t.subject.value for t in parsed.triples if isinstance(t.subject, ox.NamedNode)}
        submitted.append(SubmittedFile(name, path.name, hashlib.sha256(data).hexdigest(), fmt, data, subjects))
    return Submission(submitted, triples, prefixes, notes)


# --------------------------------------------------------------------------------------
# where a node is first described: a small Turtle-family scanner
# --------------------------------------------------------------------------------------
_PN_CHARS = r"[\w\-\u00B7\u0300-\u036F\u203F-\u2040]"
_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n]*)
  | (?P<long>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*''')
  | (?P<string>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\s]*(?:\\u[0-9A-Fa-f]{4}[^<>"{}|^`\\\s]*|\\U[0-9A-Fa-f]{8}[^<>"{}|^`\\\s]*)*>)
  | (?P<directive>@prefix\b|@base\b)
  | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<bnode>_:(?:%s|\.(?=%s))*)
  | (?P<pname>(?:[A-Za-z\u00C0-\uFFFF](?:%s|\.(?=%s))*)?:(?:(?:%s|:|%%[0-9A-Fa-f]{2}|\\.)|\.(?=(?:%s|:|%%|\\)))*)
  | (?P<number>[+-]?(?:\d*\.\d+|\d+)(?:[eE][+-]?\d+)?)
  | (?P<word>[A-Za-z]+)
  | (?P<punct>\^\^|[.;,\[\](){}])
  | (?P<other>.)
    """
    % ((_PN_CHARS,) * 6),
    re.VERBOSE | re.DOTALL,
)
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def _unescape_iri(text: str) -> str:
    return _ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), text)


def _resolve(base: str, ref: str) -> str:
    """`ref` resolved against `base` (RFC 3986), keeping an empty fragment as N-Triples writes it."""
    ref = _unescape_iri(ref)
    if not base or re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", ref):
        return ref
    out = urljoin(base, ref)
    return out + "#" if ref.endswith("#") and not out.endswith("#") else out


def subject_lines(text: str) -> dict[str, int]:
    """For a Turtle, TriG, N-Triples or N-Quads document: each IRI it describes → the line where it is first a subject.

    Only the first term of a statement is a subject (https://www.w3.org/TR/turtle/#grammar-production-triples);
    a node that appears only as an object, or inside [ ... ], has no line.
    """
    lines: dict[str, int] = {}
    prefixes: dict[str, str] = {}
    base = ""
    expect_subject = True
    depth = 0  # inside [ ] or ( )
    directive: str | None = None  # "prefix" or "base" while reading one
    pending_prefix: str | None = None
    candidate: tuple[str, int] | None = None  # a subject, unless a '{' follows (then a TriG graph name)
    line = 1
    pos = 0
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        value = m.group()
        start = m.start()
        line += text.count("\n", pos, start)
        pos = start
        if kind in ("ws", "comment"):
            continue
        if candidate is not None:
            if not (kind == "punct" and value == "{"):
                lines.setdefault(*candidate)
            candidate = None
        if directive is not None:
            if kind == "pname" and directive == "prefix":
                pending_prefix = value[:-1] if value.endswith(":") else value.split(":", 1)[0]
            elif kind == "iri":
                iri = _resolve(base, value[1:-1])
                if directive == "prefix" and pending_prefix is not None:
                    prefixes[pending_prefix] = iri
                elif directive == "base":
                    base = iri
                directive = None
                expect_subject = True
            continue
        if kind == "directive" or (kind == "word" and value.upper() in ("PREFIX", "BASE") and expect_subject):
            directive = value.lstrip("@").lower()
            pending_prefix = None
            continue
        if kind == "punct":
            if value in "[(":
                depth += 1
                expect_subject = False
            elif value in "])":
                depth = max(0, depth - 1)
            elif value in ".{}" and depth == 0:
                expect_subject = True
            continue
        if kind == "word" and value.upper() == "GRAPH" and expect_subject:
            continue
        if expect_subject and depth == 0 and kind in ("iri", "pname"):
            iri = None
            if kind == "iri":
                iri = _resolve(base, value[1:-1])
            else:
                prefix, _, local = value.partition(":")
                if prefix in prefixes:
                    iri = prefixes[prefix] + re.sub(r"\\(.)", r"\1", local)
            if iri is not None:
                candidate = (iri, line)
        expect_subject = False
    if candidate is not None:
        lines.setdefault(*candidate)
    return lines


def locate(path: Path, iri: str) -> int | None:
    """The first line of a Turtle-family file where `iri` is a subject; None if it is not, or the format cannot tell."""
    try:
        fmt = formats.for_path(path)
    except KgError:
        return None
    if fmt.name not in LINE_FORMATS:
        return None
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    return subject_lines(text).get(iri)


# --------------------------------------------------------------------------------------
# the part of the home a submission touches
# --------------------------------------------------------------------------------------
def _shape_reads_backwards(shapes) -> set[str]:
    """Properties a shape may follow backwards from a focus node: sh:inversePath, and every property a SPARQL constraint names.

    A triple (x p focus) is part of the focus node's neighbourhood when p is one of these.
    """
    import rdflib

    sh = rdflib.Namespace(SH)
    found = {str(p) for p in shapes.objects(None, sh.inversePath) if isinstance(p, rdflib.URIRef)}
    declared = {str(p): str(ns) for d in shapes.objects(None, sh.declare) for p in shapes.objects(d, sh.prefix) for ns in shapes.objects(d, sh.namespace)}
    for prefix, ns in shapes.namespaces():
        declared.setdefault(str(prefix), str(ns))
    for predicate in (sh.select, sh.ask):
        for text in shapes.objects(None, predicate):
            text = str(text)
            found |= _read_backwards(text[text.find("{"):], declared)
    return found


def _read_backwards(pattern: str, declared: dict[str, str]) -> set[str]:
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


class _Home:
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

    def by_predicate(self, predicate) -> list[ox.Triple]:
        return list(dict.fromkeys(q.triple for g in self.graphs for q in self.store.quads_for_pattern(None, predicate, None, g)))


def neighbourhood(home: _Home, submitted: list[ox.Triple], backwards: set[str]) -> tuple[set[ox.Triple], set]:
    """The data graph to validate a submission in, and its focus nodes.

    Focus nodes: the submission's subjects and objects (not classes), and the home's nodes that
    refer to its subjects (whose constraints may read what the submission says about them).
    Data: the submission; each focus node's description (DEPTH levels, blank nodes closed), the
    triples pointing to it by a property some shape reads backwards, with their subjects'
    descriptions; and the class hierarchy.
    """
    rdf_type = ox.NamedNode(RDF_TYPE)
    data: set[ox.Triple] = set(submitted)
    subjects = {t.subject for t in submitted}
    focus = set(subjects)
    focus.update(t.object for t in submitted if not isinstance(t.object, ox.Literal) and t.predicate != rdf_type)
    for s in subjects:
        if isinstance(s, ox.NamedNode):
            for t in home.incoming(s):
                focus.add(t.subject)
                data.add(t)
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
        if isinstance(node, ox.Literal):
            continue
        describe(node, DEPTH)
        if isinstance(node, ox.BlankNode) or not home.referred_to(node):
            continue
        for p in backwards:
            for t in home.incoming(node, ox.NamedNode(p)):
                data.add(t)
                describe(t.subject, 1)
    data.update(home.by_predicate(ox.NamedNode(SUBCLASS)))
    return data, focus


# --------------------------------------------------------------------------------------
# running pySHACL and reading its report
# --------------------------------------------------------------------------------------
def _term(node: Any, prefixes: dict[str, str]) -> str | None:
    import rdflib

    if node is None:
        return None
    if isinstance(node, rdflib.URIRef):
        return formats.shorten(str(node), prefixes)
    if isinstance(node, rdflib.BNode):
        return f"_:{node}"
    if isinstance(node, rdflib.Literal):
        text = '"' + str(node).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t") + '"'
        if node.language:
            return f"{text}@{node.language}"
        if node.datatype is not None and str(node.datatype) != XSD_STRING:
            return f"{text}^^{formats.shorten(str(node.datatype), {'xsd': XSD, **prefixes})}"
        return text
    return str(node)


def _graph(triples: Iterable[ox.Triple]):
    import rdflib

    g = rdflib.Graph()
    for t in triples:
        g.add((rdfio.to_rdflib_term(t.subject), rdfio.to_rdflib_term(t.predicate), rdfio.to_rdflib_term(t.object)))
    return g


@contextmanager
def _prepared_sparql():
    """Parse each SHACL-SPARQL constraint once, not once per focus node.

    pySHACL passes the constraint's text with `initBindings` for every focus node, and
    rdflib parses the text again each time (pyparsing, ~17 ms): 90 % of validating a
    small submission. The parsed and translated query is what rdflib's own
    `prepareQuery` gives and is meant to be reused with other bindings.
    """
    from rdflib.plugins.sparql import processor

    original = processor.SPARQLProcessor.query
    prepared: dict = {}

    def query(self, strOrQuery, initBindings=None, initNs=None, base=None, DEBUG=False):
        if isinstance(strOrQuery, str):
            key = (strOrQuery, base, tuple(sorted((str(k), str(v)) for k, v in (initNs or {}).items())))
            if key not in prepared:
                prepared[key] = processor.translateQuery(processor.parseQuery(strOrQuery), base, initNs)
            strOrQuery = prepared[key]
        return original(self, strOrQuery, initBindings, initNs, base, DEBUG)

    processor.SPARQLProcessor.query = query
    try:
        yield
    finally:
        processor.SPARQLProcessor.query = original


def run_shacl(data_graph, shapes_graph) -> tuple[bool, Any]:
    """pySHACL over a data graph that already holds the class hierarchy (so sh:class follows rdfs:subClassOf)."""
    import pyshacl

    with _prepared_sparql():
        conforms, report_graph, _text = pyshacl.validate(
            data_graph,
            shacl_graph=shapes_graph,
            inference="none",
            advanced=True,
            allow_warnings=True,
            allow_infos=True,
            do_owl_imports=False,
            inplace=True,  # the data graph is built for this run: no need for pySHACL to copy it
        )
    return conforms, report_graph


def _kept_report(report_graph, keep: set | None, prefixes: dict[str, str]):
    """The W3C report of the results whose focus node is in `keep` (all when None), and their nodes."""
    import rdflib

    sh = rdflib.Namespace(SH)
    # The top-level results only: a nested sh:detail is also typed sh:ValidationResult.
    top = [r for report in report_graph.subjects(rdflib.RDF.type, sh.ValidationReport) for r in report_graph.objects(report, sh.result)]
    results = [r for r in top if keep is None or report_graph.value(r, sh.focusNode) in keep]
    out = rdflib.Graph()
    for prefix, ns in prefixes.items():
        out.bind(prefix, ns, override=True)
    out.bind("sh", SH, override=True)
    report = rdflib.BNode()
    out.add((report, rdflib.RDF.type, sh.ValidationReport))
    violations = any(report_graph.value(r, sh.resultSeverity) == sh.Violation for r in results)
    out.add((report, sh.conforms, rdflib.Literal(not violations)))
    seen = set()

    def copy(node) -> None:
        if node in seen:
            return
        seen.add(node)
        for p, o in report_graph.predicate_objects(node):
            out.add((node, p, o))
            if isinstance(o, rdflib.BNode):
                copy(o)

    for r in results:
        out.add((report, sh.result, r))
        copy(r)
    return out, results


def _path(graph, node, prefixes: dict[str, str], depth: int = 0) -> str | None:
    """A SHACL property path written as a SPARQL property path (https://www.w3.org/TR/shacl/#property-paths)."""
    import rdflib
    from rdflib.collection import Collection

    sh = rdflib.Namespace(SH)
    if node is None:
        return None
    if isinstance(node, rdflib.URIRef):
        return _term(node, prefixes)
    if depth > 20:
        return "(complex path)"

    def sub(n) -> str:
        text = _path(graph, n, prefixes, depth + 1) or "?"
        return text if isinstance(n, rdflib.URIRef) or text.startswith(("(", "^")) else f"({text})"

    inverse = graph.value(node, sh.inversePath)
    if inverse is not None:
        return "^" + sub(inverse)
    alternatives = graph.value(node, sh.alternativePath)
    if alternatives is not None:
        return "|".join(sub(n) for n in Collection(graph, alternatives))
    for predicate, mark in ((sh.zeroOrMorePath, "*"), (sh.oneOrMorePath, "+"), (sh.zeroOrOnePath, "?")):
        inner = graph.value(node, predicate)
        if inner is not None:
            return sub(inner) + mark
    if graph.value(node, rdflib.RDF.first) is not None:
        return "/".join(sub(n) for n in Collection(graph, node))
    return "(complex path)"


def _fill(message: str, value, focus, path) -> str:
    """Fill {?value}, {?this} and {?path} in a message template, as a SHACL-SPARQL message would be
    (https://www.w3.org/TR/shacl/#sparql-constraints-variables); pySHACL fills them only there."""
    import rdflib

    def plain(node) -> str | None:
        if node is None or isinstance(node, rdflib.BNode):
            return None
        return str(node)

    for name, node in (("value", value), ("this", focus), ("path", path)):
        text = plain(node)
        if text is not None:
            message = message.replace("{?" + name + "}", text).replace("{$" + name + "}", text)
    return message


def read_results(report_graph, prefixes: dict[str, str], nodes=None) -> list[Result]:
    """The results of a W3C report graph (or of `nodes` in it), in a stable order."""
    import rdflib

    sh = rdflib.Namespace(SH)
    if nodes is None:
        nodes = [r for report in report_graph.subjects(rdflib.RDF.type, sh.ValidationReport) for r in report_graph.objects(report, sh.result)]
    results = []
    for r in nodes:
        severity = SEVERITY_NAMES.get(str(report_graph.value(r, sh.resultSeverity)), "Violation")
        messages = sorted(report_graph.objects(r, sh.resultMessage), key=lambda m: (getattr(m, "language", None) not in (None, "en"), str(m)))
        path = report_graph.value(r, sh.resultPath)
        focus = report_graph.value(r, sh.focusNode)
        results.append(
            Result(
                severity=severity,
                focus=_term(focus, prefixes) or "",
                focus_iri=str(focus) if isinstance(focus, rdflib.URIRef) else None,
                path=_path(report_graph, path, prefixes),
                value=_term(report_graph.value(r, sh.value), prefixes),
                message=_fill(str(messages[0]), report_graph.value(r, sh.value), focus, path) if messages else "(no message)",
                shape=_term(report_graph.value(r, sh.sourceShape), prefixes),
                constraint=_term(report_graph.value(r, sh.sourceConstraintComponent), {"sh": SH}),
            )
        )
    results.sort(key=lambda x: (SEVERITY_ORDER.get(x.severity, 3), x.focus, x.path or "", x.message, x.value or ""))
    return results


# --------------------------------------------------------------------------------------
# entry points
# --------------------------------------------------------------------------------------
def retarget(shapes, data, focus: set):
    """A copy of `shapes` whose targets select only the nodes of `focus` that they selected in `data`.

    The neighbourhood of a submission holds more nodes than it touches (the types and
    descriptions its checks need); pySHACL would validate every one of them, a cost that
    grows with the home. Each shape's declared targets (SHACL 2.1.3) are replaced by
    sh:targetNode for the focus nodes they pick, so only those are validated. pySHACL's own
    focus_nodes option is not used: it skips shapes that target by property.
    """
    import rdflib
    from rdflib.namespace import OWL, RDF, RDFS

    sh = rdflib.Namespace(SH)
    declared = (sh.targetClass, sh.targetSubjectsOf, sh.targetObjectsOf, sh.targetNode)
    out = rdflib.Graph()
    for t in shapes:
        if t[1] not in declared:
            out.add(t)
    subclasses: dict = {}

    def instances_of(cls) -> set:
        if cls not in subclasses:
            subclasses[cls] = set(data.transitive_subjects(RDFS.subClassOf, cls))
        return {n for n in focus if any(t in subclasses[cls] for t in data.objects(n, RDF.type))}

    shape_nodes = set(shapes.subjects(sh.targetClass, None)) | set(shapes.subjects(sh.targetSubjectsOf, None))
    shape_nodes |= set(shapes.subjects(sh.targetObjectsOf, None)) | set(shapes.subjects(sh.targetNode, None))
    for kind in (RDFS.Class, OWL.Class):  # implicit class targets: a shape that is also a class
        shape_nodes |= {s for s in shapes.subjects(RDF.type, kind) if (s, RDF.type, sh.NodeShape) in shapes or (s, RDF.type, sh.PropertyShape) in shapes}
    for shape in shape_nodes:
        picked: set = set()
        classes = set(shapes.objects(shape, sh.targetClass))
        if (shape, RDF.type, RDFS.Class) in shapes or (shape, RDF.type, OWL.Class) in shapes:
            classes.add(shape)
        for cls in classes:
            picked |= instances_of(cls)
        for prop in shapes.objects(shape, sh.targetSubjectsOf):
            picked |= {n for n in focus if (n, prop, None) in data}
        for prop in shapes.objects(shape, sh.targetObjectsOf):
            picked |= {n for n in focus if (None, prop, n) in data}
        picked |= {n for n in shapes.objects(shape, sh.targetNode) if n in focus}
        for node in picked:
            out.add((shape, sh.targetNode, node))
    return out


def validate_submission(loaded, submission: Submission) -> Report:
    """Validate a parsed submission together with the part of the home it touches, under the home's shapes."""
    import rdflib

    prefixes = dict(submission.prefixes)
    prefixes.update(loaded.prefixes)
    if not submission.triples:
        return Report(conforms=True, notes=list(submission.notes), report_graph=_kept_report(rdflib.Graph(), set(), prefixes)[0])
    shape_triples = list(loaded.triples("shapes"))
    shapes = _graph(shape_triples)
    data, focus = neighbourhood(_Home(loaded), submission.triples, _shape_reads_backwards(shapes))
    keep = {rdfio.to_rdflib_term(n) for n in focus}
    try:  # SPARQL on Oxigraph (shacl.py); pySHACL for what it does not implement
        _conforms, full = shacl.validate(list(data), shape_triples, focus=set(focus))
    except shacl.Unsupported:
        data_graph = _graph(data)
        _conforms, full = run_shacl(data_graph, retarget(shapes, data_graph, keep))
    report_graph, nodes = _kept_report(full, keep, prefixes)
    results = read_results(report_graph, prefixes, nodes)
    _place(results, submission)
    return Report(
        conforms=not any(r.severity == "Violation" for r in results),
        results=results,
        notes=list(submission.notes),
        report_graph=report_graph,
        triples=len(set(submission.triples)),
        focus_nodes=len(focus),
        checked_triples=len(data),
    )


def _place(results: list[Result], submission: Submission) -> None:
    """Name the file (and line) that first describes each result's focus node."""
    for r in results:
        iri = r.focus_iri
        if iri is None:
            continue
        for f in submission.files:
            if iri in f.subjects:
                r.file, r.line = f.display, f.line_of(iri)
                break


def validate(home: Home, files: list[str], allow_remote: bool = False) -> Report:
    """Validate `files` together with the home's ontology and data under the home's shapes."""
    from .store import load

    submission = read(files, allow_remote)
    return validate_submission(load(home), submission)


def validate_home(home: Home, loaded=None) -> Report:
    """Validate the whole of the home's graph under its shapes (`loaded`: the home's store, if open)."""
    from .store import load

    loaded = loaded if loaded is not None else load(home)
    shape_triples = list(loaded.triples("shapes"))
    data = list(loaded.triples("graph"))
    try:
        _conforms, full = shacl.validate(data, shape_triples)
    except shacl.Unsupported:
        _conforms, full = run_shacl(_graph(data), _graph(shape_triples))
    report_graph, nodes = _kept_report(full, None, loaded.prefixes)
    results = read_results(report_graph, loaded.prefixes, nodes)
    return Report(
        conforms=not any(r.severity == "Violation" for r in results),
        results=results,
        report_graph=report_graph,
        checked_triples=len(data),
    )
