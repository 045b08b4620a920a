"""The format table and its writers, without the command line."""

from __future__ import annotations

import io
import json

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from kgtool import formats
from kgtool.errors import InputError, UsageError

EX = "http://example.org/f#"
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:rdflib")  # rdflib's own parsers

PREFIXES = {"ex": EX, "xsd": "http://www.w3.org/2001/XMLSchema#"}

# Every kind of term a writer must get right: IRIs, a blank node, plain, tagged, typed and
# multi-line literals, quotes, backslashes and non-ASCII text.
SAMPLE = f"""
@prefix ex: <{EX}> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:a a ex:Thing ;
    ex:name "Ann"@en , "Anne"@fr ;
    ex:age 42 ;
    ex:born "2001-02-03"^^xsd:date ;
    ex:note "line one\\nline two" , "a \\"quoted\\" back\\\\slash" , "Erevan — Ереван" ;
    ex:knows [ ex:name "Bob" ; ex:knows ex:a ] .
<http://example.org/other/x%20y> ex:ratio 0.5 ; ex:ok true .
"""


def sample_triples() -> list[ox.Triple]:
    return [q.triple for q in ox.parse(SAMPLE.encode(), ox.RdfFormat.TURTLE)]


def sample_rdflib() -> rdflib.Graph:
    return rdflib.Graph().parse(data=SAMPLE, format="turtle")


def written(fmt: formats.Format, data, **options) -> bytes:
    out = io.BytesIO()
    fmt.write(data, out, formats.WriteOptions(**options))
    return out.getvalue()


# --------------------------------------------------------------------------------------
# the table itself
# --------------------------------------------------------------------------------------
def test_each_format_is_one_row_named_once_per_kind():
    keys = [(f.kind, f.name) for f in formats.FORMATS]
    assert len(keys) == len(set(keys))
    assert formats.names("results") == ["table", "csv", "tsv", "json", "xml", "md"]
    assert formats.names("graph") == ["turtle", "nt", "nq", "trig", "json-ld", "xml"]


def test_xml_means_sparql_results_for_results_and_rdf_xml_for_graphs():
    assert formats.get("xml", "results").media_type == "application/sparql-results+xml"
    assert formats.get("xml", "graph").media_type == "application/rdf+xml"


def test_get_refuses_an_unknown_name_listing_the_known_ones():
    with pytest.raises(UsageError) as e:
        formats.get("yaml", "graph")
    assert str(e.value) == "unknown graph format 'yaml' (known: turtle, nt, nq, trig, json-ld, xml)"


@pytest.mark.parametrize(
    "path, name",
    [("g.ttl", "turtle"), ("g.nt", "nt"), ("g.nq", "nq"), ("g.trig", "trig"), ("g.jsonld", "json-ld"), ("g.rdf", "xml"), ("G.OWL", "xml")],
)
def test_graph_format_is_told_by_the_extension(path, name):
    assert formats.for_path(path, "graph").name == name


def test_an_unknown_extension_is_an_input_error_naming_the_known_ones():
    with pytest.raises(InputError) as e:
        formats.for_path("notes.txt", "graph")
    assert str(e.value) == "notes.txt: cannot tell the format from the extension '.txt'; known: .ttl .nt .nq .trig .jsonld .rdf .owl"


@pytest.mark.parametrize("media_type, name", [("text/turtle; charset=utf-8", "turtle"), ("application/ld+json", "json-ld")])
def test_graph_format_is_found_by_media_type(media_type, name):
    assert formats.for_media_type(media_type, "graph").name == name


def _select(query: str):
    from kgtool.sparql import QueryResult

    store = ox.Store()
    store.extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in sample_triples())
    return QueryResult("select", solutions=store.query(query, prefixes=PREFIXES))


def test_table_is_aligned_with_prefixed_names():
    result = _select("SELECT ?s ?age WHERE { ?s ex:age ?age }")
    text = written(formats.get("table", "results"), result, prefixes=PREFIXES).decode()
    assert text == (
        "+------+-----+\n"
        "| s    | age |\n"
        "+======+=====+\n"
        "| ex:a | 42  |\n"
        "+------+-----+\n"
    )


def test_table_fits_a_narrow_terminal_by_clipping_long_cells():
    result = _select("SELECT ?s ?note WHERE { ?s ex:note ?note } ORDER BY ?note")
    text = written(formats.get("table", "results"), result, prefixes=PREFIXES, width=30).decode()
    lines = text.splitlines()
    assert all(len(line) <= 30 for line in lines), text
    assert len({len(line) for line in lines}) == 1  # still aligned
    assert "…" in text
    assert "\\n" in text  # a newline in a cell never breaks the table's rows
    assert len(lines) == 3 + 3 + 1


def test_md_escapes_pipes_and_newlines():
    from kgtool.sparql import QueryResult

    store = ox.Store()
    result = QueryResult("select", solutions=store.query('SELECT ?x WHERE { BIND("a|b\\nc" AS ?x) }'))
    assert written(formats.get("md", "results"), result).decode() == "| x |\n|---|\n| a\\|b<br>c |\n"


@pytest.mark.parametrize(
    "name, true_text",
    [("table", "true\n"), ("csv", "true\n"), ("tsv", "true\n"), ("json", '{"head":{},"boolean":true}\n'), ("md", "| ask |\n|---|\n| true |\n")],
)
def test_ask_answers_end_with_a_newline_in_every_results_format(name, true_text):
    from kgtool.sparql import QueryResult

    result = QueryResult("ask", boolean_result=ox.Store().query("ASK {}"))
    assert written(formats.get(name, "results"), result).decode() == true_text


# --------------------------------------------------------------------------------------
# graph writers: each row gives back the same graph, in rdflib and in Oxigraph
# --------------------------------------------------------------------------------------
GRAPH_FORMATS = [("turtle", "turtle"), ("nt", "nt"), ("nq", "nquads"), ("trig", "trig"), ("json-ld", "json-ld"), ("xml", "xml")]


@pytest.mark.parametrize("name, rdflib_name", GRAPH_FORMATS)
def test_graph_writer_round_trips_through_rdflib(name, rdflib_name):
    data = written(formats.get(name, "graph"), sample_triples(), prefixes=PREFIXES)
    if rdflib_name in ("nquads", "trig"):
        parsed = rdflib.Dataset()
        parsed.parse(data=data, format=rdflib_name)
        graph = parsed.default_graph
    else:
        graph = rdflib.Graph().parse(data=data, format=rdflib_name)
    assert isomorphic(graph, sample_rdflib())


@pytest.mark.parametrize("name", [name for name, _ in GRAPH_FORMATS])
def test_graph_writer_round_trips_through_oxigraph(name):
    fmt = formats.get(name, "graph")
    data = written(fmt, sample_triples(), prefixes=PREFIXES)
    back = ox.Dataset(ox.parse(data, fmt.rdf_format))
    source = ox.Dataset(ox.parse(SAMPLE.encode(), ox.RdfFormat.TURTLE))
    back.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    source.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    assert set(back) == set(source)


def test_turtle_is_pretty_with_the_given_prefixes():
    text = written(formats.get("turtle", "graph"), sample_triples(), prefixes=PREFIXES).decode()
    assert text.startswith(f"@prefix ex: <{EX}> .\n@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n\nex:a a ex:Thing ;\n")
    assert '    ex:name "Ann"@en , "Anne"@fr ;\n' in text  # one block per subject, rdf:type first
    assert '    ex:born "2001-02-03"^^xsd:date ;\n' in text
    assert "\n\n<http://example.org/other/x%20y> ex:ok true ;\n    ex:ratio 0.5 .\n" in text  # a blank line between subjects


NON_CANONICAL = f"""
@prefix ex: <{EX}> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:n ex:v "01"^^xsd:integer , "1.50"^^xsd:decimal , "1.0E0"^^xsd:double , "true "^^xsd:boolean , "+5"^^xsd:integer .
"""


@pytest.mark.parametrize("name", [name for name, _ in GRAPH_FORMATS])
def test_graph_writer_keeps_every_lexical_form(name):
    fmt = formats.get(name, "graph")
    source = [q.triple for q in ox.parse(NON_CANONICAL.encode(), ox.RdfFormat.TURTLE)]
    data = written(fmt, source, prefixes=PREFIXES, context=dict(PREFIXES))
    assert {q.triple for q in ox.parse(data, fmt.rdf_format)} == set(source)


def test_jsonld_uses_the_given_context_and_sorts_nodes_by_id():
    context = {"ex": EX, "name": EX + "name", "knows": {"@id": EX + "knows", "@type": "@id"}}
    doc = json.loads(written(formats.get("json-ld", "graph"), sample_triples(), context=context))
    assert doc["@context"] == context
    ids = [node.get("@id") for node in doc["@graph"]]
    assert ids == sorted(ids)
    a = next(node for node in doc["@graph"] if node["@id"] == "ex:a")
    assert a["name"] == [{"@value": "Ann", "@language": "en"}, {"@value": "Anne", "@language": "fr"}]
    assert a["ex:age"] == {"@value": "42", "@type": "http://www.w3.org/2001/XMLSchema#integer"}  # no xsd: prefix given
    assert a["@type"] == "ex:Thing"
    bob = a["knows"]
    assert bob.startswith("_:")  # the term says: values are IRIs (or blank nodes)


def test_jsonld_of_no_triples_is_a_valid_empty_document():
    doc = json.loads(written(formats.get("json-ld", "graph"), [], prefixes=PREFIXES))
    assert doc == {"@context": PREFIXES, "@graph": []}
    assert len(rdflib.Graph().parse(data=json.dumps(doc), format="json-ld")) == 0
