"""JSON-LD export means the triples written: rdflib expands the document to exactly the quads that rdflib itself reads from the source.

The writer groups a subject's properties as the lines come (a file gives them subject by
subject) and compacts each distinct property and value once, so these sources are the ones
that could trip it: a subject in two places of a file, blank nodes (as subjects, values, and
the value of rdf:type or of a property whose term says "IRIs"), named graphs (one named like
a node of the default graph, one holding a subject that has no default-graph triple), language
and typed literals whose lexical forms are not canonical, strings that need escaping in JSON,
and IRIs that a prefix must not shorten. The expected answer is always rdflib's reading of
the source, never kgtool's.
"""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from click.testing import CliRunner
from rdflib.compare import isomorphic
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from kgtool import formats
from kgtool.cli import cli
from kgtool.errors import UsageError

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:rdflib")  # rdflib's own parsers

TESTS = Path(__file__).parent
EX = "http://example.org/tiny#"

PREFIXES = """\
@prefix ex:   <http://example.org/tiny#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd:  <http://www.w3.org/2001/XMLSchema#> .
"""

# Turtle with no blank node (export streams it straight from Oxigraph's parser), a subject in
# two places, and literals a JSON-LD processor or a careless writer would rewrite.
PLAIN = (
    PREFIXES
    + r'''
ex:armenia a ex:State ; rdfs:label "Armenia"@en ; ex:memberOf ex:csto .
ex:csto a ex:Alliance, ex:Polity ; rdfs:label "CSTO"@en, "ОДКБ"@ru .
ex:zeta ex:count "01"^^xsd:integer , "+5"^^xsd:integer , "6"^^xsd:integer ;
    ex:ratio "1.0E0"^^xsd:double ; ex:flag "1"^^xsd:boolean ; ex:when "2001-02-03"^^xsd:date .
ex:armenia ex:population "003000000"^^xsd:integer ; ex:memberOf "not an IRI" ;
    rdfs:comment "say \"hi\"\\ back\nline two\ttab\r\u0001 end", "explicit"^^xsd:string, """long
text""" ; ex:note "café 😀 \u2028 sep" ; a "a literal type" .
ex:zeta ex:link <http://example.org/tiny#> , <http://example.org/tiny#//double> , <http://other.example/x?y=1#z> ,
    <urn:isbn:0451450523> .
<http://other.example/x?y=1#z> ex:p ex:zeta .
'''
)

# Turtle with blank nodes (export relabels them as the build did).
BLANK = (
    PREFIXES
    + """
ex:armenia ex:memberOf [ a ex:Alliance ; rdfs:label "unnamed"@en ] .
_:b1 ex:knows _:b2 ; a _:klass .
_:b2 ex:knows _:b1 ; ex:count "007"^^xsd:integer .
ex:zeta ex:memberOf _:b2 .
_:b1 rdfs:label "one" .
"""
)

TRIG = (
    PREFIXES
    + """
ex:armenia ex:memberOf ex:csto .
ex:g1 rdfs:label "graph one" ; ex:memberOf ex:armenia .
ex:g1 {
    ex:armenia a ex:State ; ex:population "0042"^^xsd:integer .
    ex:onlyhere rdfs:label "only in g1"@en ; ex:memberOf [ rdfs:label "blank in g1" ] .
}
ex:g2 {
    ex:armenia rdfs:label "Armenia"@en .
    ex:onlyhere ex:knows ex:armenia .
}
"""
)

CONTEXT = {
    "ex": EX,
    "same": EX,  # a second name for the same namespace
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "State": EX + "State",
    "memberOf": {"@id": EX + "memberOf", "@type": "@id"},
    "population": EX + "population",
}


@pytest.fixture(autouse=True)
def lexical_forms_as_written(monkeypatch):
    # rdflib would otherwise read "01"^^xsd:integer as "1" on both sides and see no difference.
    monkeypatch.setattr(rdflib, "NORMALIZE_LITERALS", False)


def flattened(dataset: rdflib.Dataset | rdflib.Graph) -> rdflib.Graph:
    """Every quad as one triple, a named graph's name folded into the predicate: one isomorphism check then covers blank nodes shared between graphs."""
    graph = rdflib.Graph()
    quads = dataset.quads((None, None, None, None)) if isinstance(dataset, rdflib.Dataset) else ((*t, None) for t in dataset)
    for s, p, o, g in quads:
        name = getattr(g, "identifier", g)
        graph.add((s, p if name in (None, DATASET_DEFAULT_GRAPH_ID) else rdflib.URIRef(f"{p}-in-{name}"), simple(o)))
    return graph


def simple(term):
    """"x"^^xsd:string as "x": one literal in RDF 1.1, two in rdflib."""
    if isinstance(term, rdflib.Literal) and term.datatype == rdflib.XSD.string:
        return rdflib.Literal(str(term))
    return term


def literals(graph: rdflib.Graph) -> set:
    return {(str(o), o.datatype, o.language) for o in graph.objects() if isinstance(o, rdflib.Literal)}


def read_jsonld(text: bytes | str) -> rdflib.Graph:
    dataset = rdflib.Dataset()
    dataset.parse(data=text, format="json-ld")
    return flattened(dataset)


def read_source(text: str, rdflib_format: str) -> rdflib.Graph:
    dataset = rdflib.Dataset()
    dataset.parse(data=text, format=rdflib_format)
    return flattened(dataset)


def assert_same_quads(written: rdflib.Graph, source: rdflib.Graph) -> None:
    assert len(source) > 0
    assert literals(written) == literals(source)  # lexical forms, datatypes and languages, as written
    assert len(written) == len(source)
    assert isomorphic(written, source)


@pytest.mark.parametrize(
    "text, rdflib_format, ox_format",
    [
        (PLAIN, "turtle", ox.RdfFormat.TURTLE),
        (BLANK, "turtle", ox.RdfFormat.TURTLE),
        (TRIG, "trig", ox.RdfFormat.TRIG),
        (PLAIN + BLANK.replace(PREFIXES, ""), "turtle", ox.RdfFormat.TURTLE),
    ],
    ids=["plain", "blank-nodes", "named-graphs", "both"],
)
def test_the_jsonld_writer_writes_exactly_the_quads_of_its_source(text, rdflib_format, ox_format):
    out = io.BytesIO()
    fmt = formats.get("json-ld", "graph")
    fmt.write(ox.parse(text.encode("utf-8"), ox_format), out, formats.WriteOptions(context=CONTEXT))
    assert_same_quads(read_jsonld(out.getvalue()), read_source(text, rdflib_format))


def test_the_jsonld_writer_keeps_the_meaning_when_a_subjects_triples_come_apart():
    # Triples one by one in an order no file would give: each subject's lines interleaved with others'.
    triples = sorted(ox.parse((PLAIN + BLANK.replace(PREFIXES, "")).encode("utf-8"), ox.RdfFormat.TURTLE), key=lambda q: (str(q.predicate), str(q.object)))
    out = io.BytesIO()
    formats.get("json-ld", "graph").write(triples, out, formats.WriteOptions(context=CONTEXT))
    doc = json.loads(out.getvalue())
    ids = [node["@id"] for node in doc["@graph"]]
    assert len(ids) == len(set(ids))  # one node per subject, however its triples came
    assert_same_quads(read_jsonld(out.getvalue()), read_source(PLAIN + BLANK.replace(PREFIXES, ""), "turtle"))


def test_the_jsonld_writer_uses_the_context_but_never_rewrites_a_literal():
    out = io.BytesIO()
    formats.get("json-ld", "graph").write(ox.parse(PLAIN.encode("utf-8"), ox.RdfFormat.TURTLE), out, formats.WriteOptions(context=CONTEXT))
    doc = json.loads(out.getvalue())
    nodes = {node["@id"]: node for node in doc["@graph"]}
    armenia = nodes["ex:armenia"]
    assert armenia["@type"] == "State"
    assert armenia["memberOf"] == "ex:csto"  # the term's values are IRIs
    assert armenia["ex:memberOf"] == "not an IRI"  # a literal value of that property keeps the full key
    assert armenia["population"] == {"@value": "003000000", "@type": "xsd:integer"}
    assert nodes["ex:zeta"]["ex:count"] == [{"@value": "+5", "@type": "xsd:integer"}, {"@value": "01", "@type": "xsd:integer"}, {"@value": "6", "@type": "xsd:integer"}]
    assert nodes["ex:zeta"]["ex:link"][:2] == [{"@id": "http://example.org/tiny#"}, {"@id": "http://example.org/tiny#//double"}]  # no prefix fits
    assert list(nodes) == sorted(nodes)


def export(home: Path, *args: str):
    return CliRunner().invoke(cli, ["--home", str(home), "export", *args], catch_exceptions=False)


@pytest.fixture
def split_home(tmp_path) -> Path:
    """The tiny home's ontology with two data files: one without blank nodes, one with (no triple in both: export then streams the files)."""
    home = tmp_path / "tiny"
    shutil.copytree(TESTS / "fixtures" / "tiny_home", home)
    (home / "data" / "tiny.ttl").unlink()
    (home / "data" / "plain.ttl").write_text(PLAIN, encoding="utf-8")
    (home / "data" / "blank.ttl").write_text(BLANK, encoding="utf-8")
    return home


def test_export_as_jsonld_is_the_homes_files_as_rdflib_reads_them(split_home):
    result = export(split_home, "--format", "json-ld")
    assert (result.exit_code, result.stderr) == (0, "")
    source = rdflib.Graph()
    for path in sorted(split_home.glob("ontology/*.ttl")) + sorted(split_home.glob("data/*.ttl")):
        source.parse(path, format="turtle")
    assert_same_quads(read_jsonld(result.stdout_bytes), flattened(source))


def test_export_as_jsonld_of_named_graphs_is_the_trig_file_as_rdflib_reads_it(split_home):
    # Named graphs come from the store, which keeps a literal in its canonical form (oxigraph#526): "42", not "0042".
    trig = TRIG.replace('"0042"', '"42"')
    for name in ("plain.ttl", "blank.ttl"):
        (split_home / "data" / name).unlink()
    (split_home / "data" / "graphs.trig").write_text(trig, encoding="utf-8")
    result = export(split_home, "--part", "data", "--format", "json-ld")
    assert (result.exit_code, result.stderr) == (0, "")
    assert_same_quads(read_jsonld(result.stdout_bytes), read_source(trig, "trig"))



def test_the_jsonld_writer_refuses_a_triple_term_in_a_sentence():
    a, p = ox.NamedNode(EX + "a"), ox.NamedNode(EX + "p")
    with pytest.raises(UsageError) as e:
        formats.get("json-ld", "graph").write([ox.Triple(a, p, ox.Triple(a, p, a))], io.BytesIO(), formats.WriteOptions(context=CONTEXT))
    assert str(e.value) == "JSON-LD cannot hold a triple term (RDF 1.2); use --format nt, nq, turtle or trig"
