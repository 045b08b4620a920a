"""SHACL validation of submission files together with the home's graph, as a Report of plain values.

A submission is judged on the part of the home it touches, so that the cost follows
the submission and not the home: see `neighbourhood` and docs/validation-report.md.
The SHACL engine is the `shacl` package; this module chooses what it judges and reads its report.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pyoxigraph as ox

from . import formats, rdfio, shacl, terms
from .shacl.graph import Graph
from .errors import KgError
from .home import Home
from .vocab import RDF_TYPE, RDFS_SUBCLASS_OF, SH, WELL_KNOWN, XSD_STRING

SEVERITY_NAMES = {SH + "Violation": "Violation", SH + "Warning": "Warning", SH + "Info": "Info"}
# --fail-on LEVEL fails on a result of that severity or worse; a custom severity ranks as a violation.
LEVELS = {"violation": 0, "warning": 1, "info": 2}
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

    severity: str  # Violation | Warning | Info, or a custom severity as a prefixed name or <IRI>
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

    conforms: bool  # sh:conforms: no result of any severity (https://www.w3.org/TR/shacl/#conforms)
    results: list[Result] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    report_graph: Any = None  # the W3C validation report (rdflib Graph), of the kept results
    triples: int = 0  # triples in the submitted files
    focus_nodes: int = 0  # resources judged: the submission's and those it touches (not counting literals and classes)
    checked_triples: int = 0  # triples of the data graph validated
    prefixes: dict[str, str] = field(default_factory=dict)  # to write IRIs as prefixed names

    def counts(self) -> dict[str, int]:
        """Results per severity: Violation, Warning and Info always, then any custom severity."""
        out = {"Violation": 0, "Warning": 0, "Info": 0}
        for r in self.results:
            out[r.severity] = out.get(r.severity, 0) + 1
        return out

    def at_least(self, level: str) -> list[Result]:
        """The results of severity `level` (violation, warning or info) or worse; custom severities rank as violations."""
        return [r for r in self.results if rank(r.severity) <= LEVELS[level]]

    def fails(self, level: str = "violation") -> bool:
        """Whether a result of severity `level` or worse exists (`validate --fail-on`)."""
        return bool(self.at_least(level))

    def to_json(self) -> str:
        """The stable JSON report (docs/validation-report.md)."""
        return json.dumps(
            {
                "format": REPORT_FORMAT,
                "conforms": not self.fails("violation"),  # its meaning since format 1: no violation
                "sh_conforms": self.conforms,
                "counts": self.counts(),
                "triples": self.triples,
                "results": [r.as_dict() for r in self.results],
                "notes": self.notes,
            },
            indent=2,
            ensure_ascii=False,
        )

    def to_turtle(self) -> str:
        """The W3C report in Turtle, by kgtool's Turtle writer (rdflib's would write "1"^^xsd:boolean as 1)."""
        triples = terms.to_ox_triples(self.report_graph)
        names = {t.value for triple in triples for t in triple if isinstance(t, ox.NamedNode)}
        names |= {t.datatype.value for triple in triples for t in triple if isinstance(t, ox.Literal)}
        used = {p: ns for p, ns in self.prefixes.items() if any(n.startswith(ns) for n in names)}
        out = io.BytesIO()
        formats.get("turtle", "graph").write(triples, out, formats.WriteOptions(prefixes=used))
        return out.getvalue().decode("utf-8")


def rank(severity: str) -> int:
    """0 for Violation (and custom severities), 1 for Warning, 2 for Info."""
    return SEVERITY_ORDER.get(severity, 0)


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
        # As the home reads its files: relative IRIs against the file, blank nodes named from its
        # bytes; so a home data file given again is the same triples, which a set holds once.
        parsed = rdfio.parse_bytes(data, fmt, name, allow_remote, base_iri=rdfio.file_iri(path))
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
def _shape_reads_backwards(shapes: Graph) -> set[str]:
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


def neighbourhood(home: _Home, submitted: list[ox.Triple], backwards: set[str], named: set = frozenset()) -> tuple[set[ox.Triple], set]:
    """The data graph to validate a submission in, and the focus nodes whose results count.

    Focus nodes: the submission's subjects and objects, literals and classes included; the
    home's nodes that refer to its subjects (their constraints may read what the submission
    says about them); and `named`, the nodes the shapes name as targets (sh:targetNode), which
    every validation judges. Data: the submission; each focus node's description (DEPTH levels,
    blank nodes closed), the triples pointing to it by a property some shape reads backwards,
    with their subjects' descriptions; and the class hierarchy.
    """
    rdf_type = ox.NamedNode(RDF_TYPE)
    data: set[ox.Triple] = set(submitted)
    subjects = {t.subject for t in submitted}
    classes = {t.object for t in submitted if t.predicate == rdf_type}
    focus = set(subjects) | set(named) | {t.object for t in submitted}
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
        if node in classes and node not in subjects:
            describe(node, 1)  # a class: its own triples, not its instances (rdf:type may be read backwards)
            continue
        describe(node, DEPTH)
        if isinstance(node, ox.BlankNode) or not home.referred_to(node):
            continue
        for p in backwards:
            for t in home.incoming(node, ox.NamedNode(p)):
                data.add(t)
                describe(t.subject, 1)
    data.update(home.by_predicate(ox.NamedNode(RDFS_SUBCLASS_OF)))
    return data, focus


def _values_only(submitted: list[ox.Triple]) -> set:
    """The literals and classes a submission names only as values (judged if a shape targets them, but not described)."""
    subjects = {t.subject for t in submitted}
    return {t.object for t in submitted if isinstance(t.object, ox.Literal) or (t.predicate.value == RDF_TYPE and t.object not in subjects)}


def _once(data: set[ox.Triple], submitted: list[ox.Triple]) -> set[ox.Triple]:
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


# --------------------------------------------------------------------------------------
# reading the report
# --------------------------------------------------------------------------------------
def _term(node: Any, prefixes: dict[str, str]) -> str | None:
    """An rdflib term of the report as Turtle writes it, IRIs as prefixed names."""
    return None if node is None else terms.n3(terms.to_ox(node), prefixes)


def _kept_report(report_graph, prefixes: dict[str, str]):
    """The W3C report graph with the home's prefixes bound and nothing but its results, and their nodes."""
    import rdflib

    sh = rdflib.Namespace(SH)
    # The top-level results only: a nested sh:detail is also typed sh:ValidationResult.
    top = [r for report in report_graph.subjects(rdflib.RDF.type, sh.ValidationReport) for r in report_graph.objects(report, sh.result)]
    results = list(top)
    out = rdflib.Graph()
    for prefix, ns in prefixes.items():
        out.bind(prefix, ns, override=True)
    out.bind("sh", SH, override=True)
    report = rdflib.BNode()
    out.add((report, rdflib.RDF.type, sh.ValidationReport))
    out.add((report, sh.conforms, rdflib.Literal(not results)))  # any result, whatever its severity (SHACL §3.1)
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
        severity_iri = report_graph.value(r, sh.resultSeverity)
        severity = SEVERITY_NAMES.get(str(severity_iri)) or _term(severity_iri, prefixes) or "Violation"
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
    results.sort(key=lambda x: (rank(x.severity), x.focus, x.path or "", x.message, x.value or ""))
    return results


# --------------------------------------------------------------------------------------
# entry points
# --------------------------------------------------------------------------------------
def validate_submission(loaded, submission: Submission) -> Report:
    """Validate a parsed submission together with the part of the home it touches, under the home's shapes."""
    prefixes = dict(submission.prefixes)
    prefixes.update(loaded.prefixes)
    if not submission.triples:
        return Report(conforms=True, notes=list(submission.notes), report_graph=_kept_report(_empty_report(), prefixes)[0], prefixes=prefixes)
    shape_triples = shape_graph(loaded)
    shapes = Graph(shape_triples)
    named = {n for _, n in shapes.pairs(ox.NamedNode(SH + "targetNode"))}
    data, focus = neighbourhood(_Home(loaded), submission.triples, _shape_reads_backwards(shapes), named)
    data = _once(data, submission.triples)
    _conforms, full = shacl.validate(list(data), shape_triples, keep=focus)
    report_graph, nodes = _kept_report(full, prefixes)
    results = read_results(report_graph, prefixes, nodes)
    _place(results, submission)
    return Report(
        conforms=not results,
        results=results,
        notes=list(submission.notes),
        report_graph=report_graph,
        triples=len(set(submission.triples)),
        focus_nodes=len(focus - _values_only(submission.triples)),
        checked_triples=len(data),
        prefixes={**prefixes, "sh": SH},
    )


def shape_graph(loaded) -> list[ox.Triple]:
    """The home's shapes, parsed from their files: the store writes literals in canonical form
    ("1"^^xsd:boolean as "true"), and SHACL reads a shapes graph term for term (W3C core/property/uniqueLang-002)."""
    out: list[ox.Triple] = []
    for path in loaded.home.shape_files():
        out += rdfio.parse_file(path, display=loaded.home.relative(path)).triples
    return out


def _empty_report():
    import rdflib

    g = rdflib.Graph()
    g.add((rdflib.BNode(), rdflib.RDF.type, rdflib.URIRef(SH + "ValidationReport")))
    return g


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
    data = list(loaded.triples("graph"))
    _conforms, full = shacl.validate(data, shape_graph(loaded))
    report_graph, nodes = _kept_report(full, loaded.prefixes)
    results = read_results(report_graph, loaded.prefixes, nodes)
    return Report(conforms=not results, results=results, report_graph=report_graph, checked_triples=len(data), prefixes={**loaded.prefixes, "sh": SH})
