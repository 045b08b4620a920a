"""SHACL validation (pySHACL) of submission files together with the home's graph, as a Report of plain values."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from . import formats, rdfio
from .home import Home

SH = "http://www.w3.org/ns/shacl#"
SEVERITY_NAMES = {SH + "Violation": "Violation", SH + "Warning": "Warning", SH + "Info": "Info"}


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
    line: int | None = None  # where it is first described there

    def text(self) -> str:
        where = f"{self.file}:{self.line}: " if self.file and self.line else (f"{self.file}: " if self.file else "")
        parts = [f"{where}{self.severity}: {self.focus}"]
        if self.path:
            parts.append(f"path {self.path}")
        if self.value is not None:
            parts.append(f"value {self.value}")
        return ", ".join(parts) + f": {self.message}"


@dataclass
class Report:
    """The outcome of validating some files against the home."""

    conforms: bool  # no sh:Violation
    results: list[Result] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    report_graph: Any = None  # the W3C validation report (rdflib Graph)
    triples: int = 0  # triples in the submitted files

    def counts(self) -> dict[str, int]:
        out = {"Violation": 0, "Warning": 0, "Info": 0}
        for r in self.results:
            out[r.severity] = out.get(r.severity, 0) + 1
        return out

    def to_json(self) -> str:
        return json.dumps(
            {
                "conforms": self.conforms,
                "counts": self.counts(),
                "results": [asdict(r) for r in self.results],
                "notes": self.notes,
            },
            indent=2,
            ensure_ascii=False,
        )


def _term(node: Any, prefixes: dict[str, str]) -> str | None:
    import rdflib

    if node is None:
        return None
    if isinstance(node, rdflib.URIRef):
        return formats.shorten(str(node), prefixes)
    if isinstance(node, rdflib.BNode):
        return f"_:{node}"
    if isinstance(node, rdflib.Literal):
        return node.n3()
    return str(node)


def locate(path: Path, iri: str, prefixes: dict[str, str]) -> int | None:
    """The first line of a Turtle-family file that names `iri` (as <IRI> or a prefixed name)."""
    import re

    names = [f"<{iri}>"]
    for prefix, ns in prefixes.items():
        if iri.startswith(ns) and ns:
            names.append(f"{prefix}:{iri[len(ns):]}")
    pattern = re.compile("|".join(f"(?:^|[\\s;,(\\[]){re.escape(n)}(?=[\\s;,.)\\]]|$)" for n in names))
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            for number, line in enumerate(f, 1):
                if pattern.search(line):
                    return number
    except OSError:
        return None
    return None


def run_shacl(data_graph, shapes_graph) -> tuple[bool, Any]:
    """pySHACL over a data graph that already holds the ontology (so sh:class follows rdfs:subClassOf)."""
    import pyshacl

    conforms, report_graph, _text = pyshacl.validate(
        data_graph,
        shacl_graph=shapes_graph,
        inference="none",
        advanced=True,
        allow_warnings=True,
        allow_infos=True,
        do_owl_imports=False,
    )
    return conforms, report_graph


def read_results(report_graph, prefixes: dict[str, str]) -> list[Result]:
    import rdflib

    sh = rdflib.Namespace(SH)
    results = []
    for r in report_graph.subjects(rdflib.RDF.type, sh.ValidationResult):
        severity = SEVERITY_NAMES.get(str(report_graph.value(r, sh.resultSeverity)), "Violation")
        messages = [str(m) for m in report_graph.objects(r, sh.resultMessage)]
        path = report_graph.value(r, sh.resultPath)
        results.append(
            Result(
                severity=severity,
                focus=_term(report_graph.value(r, sh.focusNode), prefixes) or "",
                path=_term(path, prefixes) if path is not None and not isinstance(path, rdflib.BNode) else (None if path is None else "(complex path)"),
                value=_term(report_graph.value(r, sh.value), prefixes),
                message=messages[0] if messages else "(no message)",
                shape=_term(report_graph.value(r, sh.sourceShape), prefixes),
                constraint=_term(report_graph.value(r, sh.sourceConstraintComponent), {"sh": SH}),
            )
        )
    order = {"Violation": 0, "Warning": 1, "Info": 2}
    results.sort(key=lambda x: (order.get(x.severity, 3), x.focus, x.path or "", x.message))
    return results


def validate(home: Home, files: list[str], allow_remote: bool = False) -> Report:
    """Validate `files` together with the home's ontology and data under the home's shapes."""
    submitted = []
    notes = []
    located: list[tuple[Path, str, dict[str, str]]] = []
    sub_prefixes: dict[str, str] = {}
    for name in files:
        parsed = rdfio.parse_file(name, display=name, allow_remote=allow_remote)
        if not parsed.triples:
            notes.append(f"{name}: no triples")
        submitted.extend(parsed.triples)
        located.append((Path(name), name, parsed.prefixes))
        for k, v in parsed.prefixes.items():
            sub_prefixes.setdefault(k, v)
    return validate_triples(home, submitted, notes, located, sub_prefixes)


def validate_triples(home: Home, submitted: list, notes: list[str], located, sub_prefixes: dict[str, str]) -> Report:
    """Validate parsed triples together with the home (see validate)."""
    from .store import load

    loaded = load(home)
    prefixes = dict(sub_prefixes)
    prefixes.update(loaded.prefixes)
    data = rdfio.to_rdflib(list(loaded.triples("graph")) + submitted)
    shapes = rdfio.to_rdflib(list(loaded.triples("shapes")))
    conforms, report_graph = run_shacl(data, shapes)
    results = read_results(report_graph, prefixes)
    submitted_subjects = {t.subject.value for t in submitted}
    for r in results:
        iri = _expand(r.focus, prefixes)
        if iri and iri in submitted_subjects:
            for path, display, file_prefixes in located:
                line = locate(path, iri, {**prefixes, **file_prefixes})
                if line:
                    r.file, r.line = display, line
                    break
    return Report(conforms=conforms, results=results, notes=notes, report_graph=report_graph, triples=len(submitted))


def _expand(name: str, prefixes: dict[str, str]) -> str | None:
    if name.startswith("<") and name.endswith(">"):
        return name[1:-1]
    prefix, sep, local = name.partition(":")
    if sep and prefix in prefixes:
        return prefixes[prefix] + local
    return None
