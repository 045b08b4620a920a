"""Load the bundled knowledge graph for the knowledge tests, and run queries on it.

`run_query` is the single entry point the competency-question tests use, so it
can later be re-pointed at the CLI. Graphs are built once per test session
(module-level caches): the plain graph (ontology + data) and its OWL RL closure.
"""

from __future__ import annotations

import csv
import functools
from pathlib import Path

import owlrl
import pyshacl
import rdflib
from rdflib import URIRef

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY_DIR = ROOT / "ontology"
DATA_DIR = ROOT / "data"
SHAPES_DIR = ROOT / "shapes"
QUERIES_DIR = ROOT / "queries"
ARTICLE = DATA_DIR / "sources" / "source-article.txt"
WIKIDATA_IDS = DATA_DIR / "sources" / "wikidata-ids.tsv"
FIXTURES_DIR = Path(__file__).resolve().parent / "fixtures" / "shapes"

CF = rdflib.Namespace("https://w3id.org/kgtool/conflict#")
CFR = rdflib.Namespace("https://w3id.org/kgtool/id/")
CFS = rdflib.Namespace("https://w3id.org/kgtool/shapes#")
WD = "http://www.wikidata.org/entity/"

# Prefixes accepted in `bindings` for convenience ("cfr:armenia").
PREFIXES = {
    "cf": str(CF),
    "cfr": str(CFR),
    "cfs": str(CFS),
    "wd": WD,
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


def ontology_files() -> list[Path]:
    """The ontology's Turtle files, sorted."""
    return sorted(ONTOLOGY_DIR.glob("*.ttl"))


def data_files() -> list[Path]:
    """The data's Turtle files (data/**/*.ttl), sorted."""
    return sorted(DATA_DIR.glob("**/*.ttl"))


def shapes_files() -> list[Path]:
    """The SHACL shapes files, sorted."""
    return sorted(SHAPES_DIR.glob("*.ttl"))


def _parse(paths: list[Path]) -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in paths:
        graph.parse(path, format="turtle")
    return graph


@functools.cache
def ontology_graph() -> rdflib.Graph:
    """The ontology alone (do not mutate: cached)."""
    return _parse(ontology_files())


@functools.cache
def data_graph() -> rdflib.Graph:
    """The bundled data alone (do not mutate: cached)."""
    return _parse(data_files())


@functools.cache
def shapes_graph() -> rdflib.Graph:
    """All shapes (do not mutate: cached)."""
    return _parse(shapes_files())


@functools.cache
def kg_graph(reason: bool) -> rdflib.Graph:
    """Ontology + data, with the OWL RL closure when `reason` (do not mutate: cached)."""
    graph = rdflib.Graph()
    for triple in ontology_graph():
        graph.add(triple)
    for triple in data_graph():
        graph.add(triple)
    if reason:
        owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
    return graph


def run_query(text: str, reason: bool, bindings: dict[str, str] | None = None) -> list[tuple[str, ...]]:
    """Rows of a SELECT query, run the way a user runs it: `kgtool query ... --format json`.

    Over the bundled graph (ontology + data, with the OWL RL entailments when `reason`).
    Cells are strings: IRIs as full IRIs, literals as their lexical form, an unbound
    variable as "". `bindings` maps variable names (without "?") to terms written as
    `--param` takes them (<iri>, cfr:name, "literal"@en).
    """
    import json

    from click.testing import CliRunner

    from kgtool.cli import cli

    args = ["query", text, "--format", "json", "--reason" if reason else "--no-reason"]
    for name, value in (bindings or {}).items():
        args += ["--param", f"{name}={value}"]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    variables = doc["head"]["vars"]
    rows = []
    for binding in doc["results"]["bindings"]:
        row = []
        for var in variables:
            cell = binding.get(var)
            if cell is None:
                row.append("")
            elif cell["type"] == "bnode":
                row.append("_:" + cell["value"])
            else:
                row.append(cell["value"])
        rows.append(tuple(row))
    return rows


def query_text(name: str) -> str:
    """The text of queries/NAME.rq."""
    return (QUERIES_DIR / f"{name}.rq").read_text(encoding="utf-8")


def article_text() -> str:
    """The shipped source article, exactly as stored."""
    return ARTICLE.read_text(encoding="utf-8")


def wikidata_ids() -> dict[str, str]:
    """The checked Wikidata identifiers: QID → entity name."""
    lines = [line for line in WIKIDATA_IDS.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    rows = list(csv.DictReader(lines, delimiter="\t"))
    return {row["qid"]: row["entity"] for row in rows}


def validate(extra: rdflib.Graph | None = None, focus: list[str] | None = None) -> tuple[bool, rdflib.Graph]:
    """pySHACL over bundled data (+ `extra`) with the ontology as ont_graph → (conforms, report graph).

    With `focus`, only the description of the resources `extra` mentions is
    taken from the bundled data, and only results on the `focus` nodes are
    kept. This keeps fixture tests fast. (pySHACL's own focus_nodes option
    skips sh:targetSubjectsOf shapes, so it is not used.)
    """
    data = rdflib.Graph()
    bundled = data_graph()
    if focus is None:
        for triple in bundled:
            data.add(triple)
    else:
        mentioned = {term for triple in (extra or ()) for term in (triple[0], triple[2]) if isinstance(term, URIRef)}
        for subject in mentioned:
            for triple in bundled.triples((subject, None, None)):
                data.add(triple)
    for triple in extra or ():
        data.add(triple)
    conforms, report, _ = pyshacl.validate(
        data_graph=data,
        ont_graph=ontology_graph(),
        shacl_graph=shapes_graph(),
        inference="none",
        advanced=True,
        allow_warnings=True,
    )
    if focus is not None:
        keep = {URIRef(node) for node in focus}
        sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
        for result in list(report.subjects(rdflib.RDF.type, sh.ValidationResult)):
            if report.value(result, sh.focusNode) not in keep:
                report.remove((result, None, None))
                report.remove((None, sh.result, result))
        conforms = not any(report.subjects(rdflib.RDF.type, sh.ValidationResult))
    return conforms, report
