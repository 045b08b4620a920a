"""Interoperability, proved: other RDF and SPARQL tools read what kgtool writes and find the same data.

Graphs: every export format is parsed back by rdflib and compared, by isomorphism, with the
home's files parsed by rdflib on its own; Turtle, N-Triples and JSON-LD are also parsed by
pyoxigraph and compared as canonicalized (RDFC-1.0) triple sets. Results: SELECT in json and
xml follow the W3C structures; csv and tsv, read back, say the same as json.
"""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from click.testing import CliRunner
from rdflib.compare import isomorphic

from kgtool.cli import cli

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:rdflib")  # rdflib's own parsers

FOLDERS = {"graph": ("ontology", "data"), "all": ("ontology", "data", "shapes")}
# name, file extension, rdflib parser, pyoxigraph format (None: rdflib only)
GRAPH_FORMATS = [
    ("turtle", "ttl", "turtle", ox.RdfFormat.TURTLE),
    ("nt", "nt", "nt", ox.RdfFormat.N_TRIPLES),
    ("nq", "nq", "nquads", None),
    ("trig", "trig", "trig", None),
    ("json-ld", "jsonld", "json-ld", ox.RdfFormat.JSON_LD),
    ("xml", "rdf", "xml", None),
]


def kgtool(*args: str, input: str | None = None):
    result = CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)
    assert result.exit_code in (0, 1), result.stderr
    return result


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("interop") / "home"
    kgtool("init", str(target))
    return target


@pytest.fixture(scope="module")
def exports(home, tmp_path_factory) -> dict[tuple[str, str], Path]:
    """Each part in each format, exported once with -o (the format told by the extension)."""
    out = tmp_path_factory.mktemp("exports")
    files = {}
    for part in FOLDERS:
        for name, ext, _, _ in GRAPH_FORMATS:
            target = out / f"{part}.{ext}"
            kgtool("--home", str(home), "export", "--part", part, "-o", str(target))
            files[part, name] = target
    return files


@pytest.fixture(scope="module")
def sources(home) -> dict[str, list[Path]]:
    return {part: sorted(p for folder in folders for p in (home / folder).rglob("*.ttl")) for part, folders in FOLDERS.items()}


def rdflib_source(files: list[Path]) -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in files:
        graph.parse(path, format="turtle")
    return graph


def oxigraph_canonical(quads) -> set:
    dataset = ox.Dataset(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return set(dataset)


@pytest.mark.parametrize("part", list(FOLDERS))
@pytest.mark.parametrize("name, ext, rdflib_format, ox_format", GRAPH_FORMATS, ids=[f[0] for f in GRAPH_FORMATS])
def test_rdflib_reads_every_export_as_the_same_graph(exports, sources, part, name, ext, rdflib_format, ox_format):
    path = exports[part, name]
    if rdflib_format in ("nquads", "trig"):
        dataset = rdflib.Dataset()
        dataset.parse(path, format=rdflib_format)
        assert [g.identifier for g in dataset.graphs() if len(g)] == [rdflib.graph.DATASET_DEFAULT_GRAPH_ID]
        parsed = dataset.default_graph
    else:
        parsed = rdflib.Graph().parse(path, format=rdflib_format)
    source = rdflib_source(sources[part])
    assert len(parsed) == len(source)
    assert isomorphic(parsed, source)


@pytest.mark.parametrize("part", list(FOLDERS))
@pytest.mark.parametrize(
    "name, ext, rdflib_format, ox_format", [f for f in GRAPH_FORMATS if f[3] is not None], ids=[f[0] for f in GRAPH_FORMATS if f[3] is not None]
)
def test_pyoxigraph_reads_turtle_ntriples_and_jsonld_exports_as_the_same_triples(exports, sources, part, name, ext, rdflib_format, ox_format):
    parsed = oxigraph_canonical(ox.parse(exports[part, name].read_bytes(), ox_format))
    source = oxigraph_canonical(q for path in sources[part] for q in ox.parse(path.read_bytes(), ox.RdfFormat.TURTLE))
    assert parsed == source


def test_the_graph_has_blank_nodes_so_the_comparisons_mind_them(sources):
    assert any(isinstance(t, rdflib.BNode) for triple in rdflib_source(sources["graph"]) for t in triple)


def test_jsonld_export_is_compacted_and_expands_to_full_iris(exports):
    doc = json.loads(exports["graph", "json-ld"].read_text())
    assert isinstance(doc["@context"], dict)  # inline: no remote context to fetch
    assert "memberOf" in json.dumps(doc["@graph"])  # terms of the ontology are used
    expanded = rdflib.Graph().parse(data=json.dumps(doc), format="json-ld")
    assert (
        rdflib.URIRef("https://w3id.org/kgtool/id/armenia"),
        rdflib.URIRef("https://w3id.org/kgtool/conflict#memberOf"),
        rdflib.URIRef("https://w3id.org/kgtool/id/csto"),
    ) in expanded


# --------------------------------------------------------------------------------------
# SELECT results in the W3C formats
# --------------------------------------------------------------------------------------
EX = "http://example.org/r#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RESULTS_DATA = f"""
@prefix ex: <{EX}> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:ann ex:name "Ann"@en ;
    ex:age 42 ;
    ex:born "2001-02-03"^^xsd:date ;
    ex:note "plain, with \\"quotes\\", a tab\\tand\\na newline" ;
    ex:knows [ ex:name "Bob" ] , <http://example.org/other/x%20y> .
"""
SELECT = f"""PREFIX ex: <{EX}>
SELECT ?s ?p ?o ?missing WHERE {{ ?s ?p ?o OPTIONAL {{ ?o ex:nothing ?missing }} }} ORDER BY ?s ?p ?o"""
SRX = "{http://www.w3.org/2005/sparql-results#}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> dict[str, bytes]:
    """The same SELECT in every results format, run once each over a home made for it."""
    home = tmp_path_factory.mktemp("results") / "home"
    for part in ("ontology", "data", "shapes", "queries"):
        (home / part).mkdir(parents=True)
    (home / "data" / "r.ttl").write_text(RESULTS_DATA, encoding="utf-8")
    answers = {}
    for fmt in ("json", "xml", "csv", "tsv"):
        answers[fmt] = kgtool("--home", str(home), "query", SELECT, "--format", fmt, "--no-reason").stdout_bytes
    answers["ask-json"] = kgtool("--home", str(home), "query", "ASK { ?s ?p ?o }", "--format", "json").stdout_bytes
    answers["ask-xml"] = kgtool("--home", str(home), "query", "ASK { ?s ?p ?o }", "--format", "xml").stdout_bytes
    return answers


@pytest.fixture(scope="module")
def bindings(results) -> list[dict]:
    return json.loads(results["json"])["results"]["bindings"]


def test_json_results_follow_the_w3c_structure(results, bindings):
    doc = json.loads(results["json"])
    assert doc["head"] == {"vars": ["s", "p", "o", "missing"]}
    assert len(bindings) == 7
    for row in bindings:
        assert "missing" not in row  # unbound: left out
        for cell in row.values():
            assert cell["type"] in ("uri", "literal", "bnode")
            assert set(cell) <= {"type", "value", "xml:lang", "datatype"}
    objects = [row["o"] for row in bindings]
    assert {"type": "literal", "value": "Ann", "xml:lang": "en"} in objects
    assert {"type": "literal", "value": "42", "datatype": XSD + "integer"} in objects
    assert {"type": "literal", "value": "2001-02-03", "datatype": XSD + "date"} in objects
    assert {"type": "literal", "value": 'plain, with "quotes", a tab\tand\na newline'} in objects
    assert {"type": "uri", "value": "http://example.org/other/x%20y"} in objects
    assert [o["type"] for o in objects].count("bnode") == 1
    assert {"type": "literal", "value": "Bob"} in objects  # Bob's name, the blank node's
    assert [row["s"]["type"] for row in bindings].count("bnode") == 1


def _xml_cell(element) -> dict:
    kind = {"uri": "uri", "literal": "literal", "bnode": "bnode"}[element.tag.removeprefix(SRX)]
    cell = {"type": kind, "value": element.text or ""}
    if element.get(XML_LANG):
        cell["xml:lang"] = element.get(XML_LANG)
    if element.get("datatype"):
        cell["datatype"] = element.get("datatype")
    return cell


def test_xml_results_follow_the_w3c_structure_and_say_what_json_says(results, bindings):
    root = ET.fromstring(results["xml"])
    assert root.tag == SRX + "sparql"
    head, body = list(root)
    assert head.tag == SRX + "head" and body.tag == SRX + "results"
    assert [v.get("name") for v in head.findall(SRX + "variable")] == ["s", "p", "o", "missing"]
    rows = []
    for result in body.findall(SRX + "result"):
        row = {}
        for binding in result.findall(SRX + "binding"):
            (value,) = list(binding)
            row[binding.get("name")] = _xml_cell(value)
        rows.append(row)
    assert rows == bindings


def _csv_cell(cell: dict | None) -> str:
    """SPARQL 1.1 CSV: IRIs and literals as their text, blank nodes as _:label, unbound empty."""
    if cell is None:
        return ""
    return "_:" + cell["value"] if cell["type"] == "bnode" else cell["value"]


def test_csv_results_read_back_say_what_json_says(results, bindings):
    assert results["csv"].endswith(b"\r\n")
    rows = list(csv.reader(io.StringIO(results["csv"].decode("utf-8"), newline="")))
    assert rows[0] == ["s", "p", "o", "missing"]
    assert rows[1:] == [[_csv_cell(row.get(v)) for v in ("s", "p", "o", "missing")] for row in bindings]


def _json_term(cell: dict | None):
    if cell is None:
        return None
    if cell["type"] == "uri":
        return ox.NamedNode(cell["value"])
    if cell["type"] == "bnode":
        return ox.BlankNode(cell["value"])
    if "xml:lang" in cell:
        return ox.Literal(cell["value"], language=cell["xml:lang"])
    return ox.Literal(cell["value"], datatype=ox.NamedNode(cell.get("datatype", XSD + "string")))


def _tsv_term(text: str):
    """A TSV cell is a term in Turtle/SPARQL syntax (or empty for unbound): read it with a Turtle parser."""
    if text == "":
        return None
    (quad,) = ox.parse(f"<urn:s> <urn:p> {text} .".encode("utf-8"), ox.RdfFormat.TURTLE)
    return quad.object


def test_tsv_results_read_back_say_what_json_says(results, bindings):
    lines = results["tsv"].decode("utf-8").split("\n")
    assert lines[0] == "?s\t?p\t?o\t?missing"
    assert lines[-1] == ""  # every row ends with a newline
    rows = [line.split("\t") for line in lines[1:-1]]
    assert [[_tsv_term(cell) for cell in row] for row in rows] == [
        [_json_term(row.get(v)) for v in ("s", "p", "o", "missing")] for row in bindings
    ]


def test_ask_results_follow_the_w3c_structure(results):
    assert json.loads(results["ask-json"]) == {"head": {}, "boolean": True}
    root = ET.fromstring(results["ask-xml"])
    assert root.tag == SRX + "sparql"
    assert root.find(SRX + "boolean").text == "true"
