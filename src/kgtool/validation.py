"""SHACL validation of submitted files with the home's graph, or of the whole home: the engine's report as a Report of plain values.

The SHACL engine is the `shacl` package; what a submission is judged on, the `neighbourhood`
module. This module runs the one on the other and reads the report (docs/validation-report.md).
"""

from __future__ import annotations

from collections.abc import Iterator

import io
import json
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from . import formats, neighbourhood, rdfio, shacl, submitted, terms
from .shacl import paths
from .shacl.graph import Graph
from .home import Home
from .vocab import SH, TYPE, Namespace

SEVERITY_NAMES = {SH + "Violation": "Violation", SH + "Warning": "Warning", SH + "Info": "Info"}
# --fail-on LEVEL fails on a result of that severity or worse; a custom severity ranks as a violation.
LEVELS = {"violation": 0, "warning": 1, "info": 2}
SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}
_SH = Namespace(SH)
REPORT_FORMAT = 1  # the "format" of the JSON report; bumped only on an incompatible change


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

    results: list[Result] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # The W3C validation report of the results, but its verdict (sh:conforms, added by to_turtle): pyoxigraph triples
    report_graph: list[ox.Triple] = field(default_factory=list)
    triples: int = 0  # triples in the submitted files
    focus_nodes: int = 0  # resources judged: the submission's and those it touches, not literals and classes (tests read it)
    checked_triples: int = 0  # triples of the data graph validated (tests read it)
    prefixes: dict[str, str] = field(default_factory=dict)  # to write IRIs as prefixed names
    judged: set = field(default_factory=set, repr=False, compare=False)  # the focus nodes whose results count (a staged add replaces their earlier results)
    extension: Any = field(default=None, repr=False, compare=False)  # consistency.Extension: what the submission adds to the entailments (staged.py stores it)

    @property
    def conforms(self) -> bool:
        """sh:conforms, the verdict: no result of any severity (https://www.w3.org/TR/shacl/#conforms)."""
        return not self.results

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
        node = next(t.subject for t in self.report_graph if t.predicate == TYPE and t.object == _SH.ValidationReport)
        triples = [*self.report_graph, ox.Triple(node, _SH.conforms, ox.Literal(self.conforms))]
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
# reading the report
# --------------------------------------------------------------------------------------
def _kept(report: Graph) -> tuple[list[ox.Triple], list]:
    """(the report without its verdict: a report node, its top-level results and their descriptions; those results' nodes)."""
    # The top-level results only: a nested sh:detail is also typed sh:ValidationResult.
    results = [r for node in report.subjects(TYPE, _SH.ValidationReport) for r in report.objects(node, _SH.result)]
    node = ox.BlankNode()
    out = [ox.Triple(node, TYPE, _SH.ValidationReport)]
    seen: set = set()
    for r in results:
        out.append(ox.Triple(node, _SH.result, r))
        out += report.description(r, seen)
    return out, results


def _path(report: Graph, node, prefixes: dict[str, str]) -> str | None:
    """A result's sh:resultPath as a person reads it (shacl.paths.text)."""
    if node is None:
        return None
    try:
        path = paths.read(report, node)
    except paths.PathError:
        return "(complex path)"
    return paths.text(path, lambda iri: terms.n3(iri, prefixes))


def _fill(message: str, value, focus, path) -> str:
    """Fill {?value}, {?this} and {?path} in a message template, as a SHACL-SPARQL message would be
    (https://www.w3.org/TR/shacl/#sparql-constraints-variables); pySHACL fills them only there."""
    for name, node in (("value", value), ("this", focus), ("path", path)):
        if node is not None and not isinstance(node, ox.BlankNode):
            message = message.replace("{?" + name + "}", node.value).replace("{$" + name + "}", node.value)
    return message


def read_results(report: Graph, prefixes: dict[str, str], nodes) -> list[Result]:
    """The results of the report graph's result `nodes`, in a stable order."""
    results = []
    for r in nodes:
        severity_iri = report.value(r, _SH.resultSeverity)
        severity = SEVERITY_NAMES.get(getattr(severity_iri, "value", None)) or terms.n3(severity_iri, prefixes) or "Violation"
        messages = sorted(report.objects(r, _SH.resultMessage), key=lambda m: (getattr(m, "language", None) not in (None, "en"), m.value))
        path = report.value(r, _SH.resultPath)
        focus = report.value(r, _SH.focusNode)
        value = report.value(r, _SH.value)
        results.append(
            Result(
                severity=severity,
                focus=terms.n3(focus, prefixes) or "",
                focus_iri=focus.value if isinstance(focus, ox.NamedNode) else None,
                path=_path(report, path, prefixes),
                value=terms.n3(value, prefixes),
                message=_fill(messages[0].value, value, focus, path) if messages else "(no message)",
                shape=terms.n3(report.value(r, _SH.sourceShape), prefixes),
                constraint=terms.n3(report.value(r, _SH.sourceConstraintComponent), {"sh": SH}),
            )
        )
    results.sort(key=lambda x: (rank(x.severity), x.focus, x.path or "", x.message, x.value or ""))
    return results


def _report(full, prefixes: dict[str, str], **figures) -> Report:
    """The Report of the engine's W3C report graph `full` (an rdflib Graph): its top-level results, read once."""
    report = Graph(terms.to_ox_triples(full))
    kept, nodes = _kept(report)
    return Report(results=read_results(report, prefixes, nodes), report_graph=kept, prefixes={**prefixes, "sh": SH}, **figures)


# --------------------------------------------------------------------------------------
# entry points
# --------------------------------------------------------------------------------------
def validate_submission(loaded, submission: submitted.Submission, allow_merge: bool = False, locate: bool = True, defer: set | None = None) -> Report:
    """Validate a parsed submission together with the part of the home it touches, under the home's shapes,
    and its consistency with the home under OWL RL (`consistency`; a merge of the home's entities is refused unless `allow_merge`).

    `locate`: name the file and line that describe each result's focus node (an importer, whose
    file is its own temporary one, points at its rows instead). `defer`: a set that takes the
    focus nodes the submission names only as objects, for `validate_nodes` to judge later
    (neighbourhood.neighbourhood)."""
    prefixes = dict(submission.prefixes)
    prefixes.update(loaded.prefixes)
    if not submission.triples:
        empty = [ox.Triple(ox.BlankNode(), TYPE, _SH.ValidationReport)]
        return Report(notes=list(submission.notes), report_graph=empty, prefixes=prefixes)
    shape_triples = shape_graph(loaded)
    data, focus = neighbourhood.select(loaded, submission.triples, Graph(shape_triples), defer)
    _conforms, full = shacl.validate(list(data), shape_triples, keep=focus)
    report = _report(
        full,
        prefixes,
        notes=list(submission.notes),
        triples=len(set(submission.triples)),
        focus_nodes=len(focus - neighbourhood.values_only(submission.triples)),
        checked_triples=len(data),
        judged=focus,
    )
    _add_consistency(report, loaded, submission, allow_merge)
    for r in report.results if locate else ():  # name the file (and line) that first describes each result's focus node
        found = submission.where(r.focus_iri) if r.focus_iri is not None else None
        if found is not None:
            r.file, r.line = found
    return report


def validate_nodes(loaded, nodes: set, prefixes: dict[str, str], budget: int | None = None) -> Iterator[Report]:
    """Judge the focus nodes `nodes` of the home under its shapes, in what surrounds them; a Report per group of nodes (no consistency check: nothing is submitted).

    `budget`: the triples a group's surroundings may hold before it is judged (all in one group when None).
    """
    shape_triples = shape_graph(loaded)
    home = neighbourhood.HomeGraph(loaded)
    backwards = neighbourhood.reads_backwards(Graph(shape_triples))
    group: set = set()
    data: set[ox.Triple] = set()
    for node in sorted(nodes, key=str):
        data |= neighbourhood.around(home, {node}, backwards)
        group.add(node)
        if budget is not None and len(data) >= budget:
            yield _judged(group, data, shape_triples, prefixes)
            group, data = set(), set()
    if group:
        yield _judged(group, data, shape_triples, prefixes)


def _judged(nodes: set, data: set[ox.Triple], shape_triples: list[ox.Triple], prefixes: dict[str, str]) -> Report:
    _conforms, full = shacl.validate(list(data), shape_triples, keep=nodes)
    return _report(full, prefixes, focus_nodes=len(nodes), checked_triples=len(data), judged=nodes)


def _add_consistency(report: Report, loaded, submission: submitted.Submission, allow_merge: bool) -> None:
    """Add the inconsistencies and merges the submission makes with the home (consistency.check) as violations."""
    from . import consistency

    findings, notes, report.extension = consistency.check_and_extend(loaded, submission.triples, allow_merge)
    report.notes += notes
    if not findings:
        return
    report.prefixes.setdefault("kgtool", consistency.KGTOOL_NS)
    node = next(t.subject for t in report.report_graph if t.predicate == TYPE and t.object == _SH.ValidationReport)
    from .reasoning.ntriples import Terms

    term = Terms()
    for f in findings:
        focus, value = term(f.focus), term(f.value) if f.value is not None else None
        result = ox.BlankNode()
        report.report_graph += [
            ox.Triple(node, _SH.result, result),
            ox.Triple(result, TYPE, _SH.ValidationResult),
            ox.Triple(result, _SH.resultSeverity, _SH.Violation),
            ox.Triple(result, _SH.focusNode, focus),
            ox.Triple(result, _SH.resultMessage, ox.Literal(f.message)),
            ox.Triple(result, _SH.sourceConstraintComponent, ox.NamedNode(consistency.KGTOOL_NS + f.constraint.split(":", 1)[1])),
        ]
        if value is not None:
            report.report_graph.append(ox.Triple(result, _SH.value, value))
        report.results.append(
            Result(
                severity="Violation",
                focus=terms.n3(focus, report.prefixes) or "",
                focus_iri=focus.value if isinstance(focus, ox.NamedNode) else None,
                path=None,
                value=terms.n3(value, report.prefixes),
                message=f.message,
                shape=None,
                constraint=f.constraint,
            )
        )
    report.results.sort(key=lambda x: (rank(x.severity), x.focus, x.path or "", x.message, x.value or ""))


def shape_graph(loaded) -> list[ox.Triple]:
    """The home's shapes, parsed from their files: the store writes literals in canonical form
    ("1"^^xsd:boolean as "true"), and SHACL reads a shapes graph term for term (W3C core/property/uniqueLang-002)."""
    out: list[ox.Triple] = []
    for path in loaded.home.shape_files():
        out += rdfio.parse_file(path, display=loaded.home.relative(path)).triples
    return out


def validate(home: Home, files: list[str], allow_remote: bool = False, allow_merge: bool = False) -> Report:
    """Validate `files` together with the home's ontology and data under the home's shapes."""
    from .store import load

    submission = submitted.read(files, allow_remote)
    return validate_submission(load(home), submission, allow_merge)


def validate_home(home: Home, loaded=None) -> Report:
    """Validate the whole of the home's graph under its shapes (`loaded`: the home's store, if open)."""
    from .store import load

    loaded = loaded if loaded is not None else load(home)
    data = list(loaded.triples("graph"))
    _conforms, full = shacl.validate(data, shape_graph(loaded))
    return _report(full, loaded.prefixes, checked_triples=len(data))
