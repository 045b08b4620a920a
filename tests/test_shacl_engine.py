"""The SPARQL-on-Oxigraph SHACL engine gives pySHACL's results (pySHACL is the oracle), and refuses what it does not implement."""

from __future__ import annotations

import collections
import importlib.util
import random
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from kgtool import rdfio, shacl, validation

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
SH = rdflib.Namespace(validation.SH)
FIXTURES = sorted((TESTS / "fixtures" / "shapes").glob("*.ttl"))
PREFIXES = """
@prefix ex: <http://example.org/> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


def parse(paths) -> list[ox.Triple]:
    out: list[ox.Triple] = []
    for p in paths:
        out += rdfio.parse_file(p).triples
    return out


def turtle(text: str) -> list[ox.Triple]:
    return [q.triple for q in ox.parse((PREFIXES + text).encode(), ox.RdfFormat.TURTLE)]


def results(report) -> collections.Counter:
    """The top-level results of a report as (focus, path, value, shape, component, severity, messages, SPARQL constraint)."""
    found = collections.Counter()
    for top in report.subjects(rdflib.RDF.type, SH.ValidationReport):
        for r in report.objects(top, SH.result):
            path = report.value(r, SH.resultPath)
            found[(
                report.value(r, SH.focusNode),
                validation._path(report, path, {}) if path is not None else None,
                report.value(r, SH.value),
                report.value(r, SH.sourceShape),  # a blank node shape: the same node as in the shapes given
                report.value(r, SH.sourceConstraintComponent),
                report.value(r, SH.resultSeverity),
                tuple(sorted((str(m), m.language) for m in report.objects(r, SH.resultMessage))),
                report.value(r, SH.sourceConstraint),
            )] += 1
    return found


def both(data: list[ox.Triple], shapes: list[ox.Triple]):
    """(pySHACL's conforms and results, the engine's conforms and results) for the same data and shapes."""
    expected_conforms, expected = validation.run_shacl(validation._graph(data), validation._graph(shapes))
    conforms, report = shacl.validate(data, shapes)
    return (expected_conforms, results(expected)), (conforms, results(report))


def assert_same(data, shapes) -> collections.Counter:
    expected, got = both(data, shapes)
    assert got == expected
    return got[1]


@pytest.fixture(scope="module")
def ontology() -> list[ox.Triple]:
    return parse(sorted((REPO / "ontology").glob("*.ttl")))


@pytest.fixture(scope="module")
def bundled() -> list[ox.Triple]:
    return parse(sorted((REPO / "data").glob("**/*.ttl")))


@pytest.fixture(scope="module")
def shapes() -> list[ox.Triple]:
    return parse(sorted((REPO / "shapes").glob("*.ttl")))


def test_the_bundled_graph_gives_pyshacls_results(ontology, bundled, shapes):
    found = assert_same(ontology + bundled, shapes)
    assert sum(found.values()) > 0  # the deliberate Info results


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_each_shapes_fixture_gives_pyshacls_results(path, ontology, bundled, shapes):
    """As tests/kgload.validate builds it: the ontology, the bundled description of what the fixture mentions, the fixture."""
    extra = parse([path])
    mentioned = {n for t in extra for n in (t.subject, t.object) if isinstance(n, ox.NamedNode)}
    data = list(dict.fromkeys(ontology + [t for t in bundled if t.subject in mentioned] + extra))
    found = assert_same(data, shapes)
    if path.name.startswith("invalid-"):
        assert found  # every invalid fixture is rejected (by both)


def _generate():
    spec = importlib.util.spec_from_file_location("generate", REPO / "bench" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_generated_home_and_a_damaged_copy_give_pyshacls_results(tmp_path):
    out = tmp_path / "gen"
    _generate().generate(3000, 3, out)
    data = parse(sorted((out / "ontology").glob("*.ttl")) + sorted((out / "data").glob("**/*.ttl")))
    shapes = parse(sorted((out / "shapes").glob("*.ttl")))
    assert_same(data, shapes)
    rng = random.Random(1)
    damaged = [t for t in data if rng.random() > 0.05]  # missing labels, types, sources, ...
    found = assert_same(damaged, shapes)
    components = {k[4] for k in found}
    assert {SH.MinCountConstraintComponent, SH.ClassConstraintComponent} <= components


def test_focus_keeps_the_results_on_those_nodes_only(ontology, bundled, shapes):
    extra = parse([TESTS / "fixtures" / "shapes" / "invalid-casualty-claim-no-event.ttl"])
    extra += parse([TESTS / "fixtures" / "shapes" / "invalid-attested-two-objects.ttl"])
    data = list(dict.fromkeys(ontology + bundled + extra))
    _conforms, full = validation.run_shacl(validation._graph(data), validation._graph(shapes))
    every = results(full)
    keep = {t.subject for t in parse([TESTS / "fixtures" / "shapes" / "invalid-casualty-claim-no-event.ttl"])}
    keep_rdflib = {rdfio.to_rdflib_term(n) for n in keep}
    expected = collections.Counter({k: n for k, n in every.items() if k[0] in keep_rdflib})
    conforms, report = shacl.validate(data, shapes, focus=keep)
    got = results(report)
    assert got == expected
    assert got and len(got) < len(every)
    assert conforms is False


@pytest.mark.parametrize("feature, shape", [
    ("qualified", "sh:property [ sh:path ex:p ; sh:qualifiedValueShape [ sh:class ex:C ] ; sh:qualifiedMinCount 1 ]"),
    ("closed", "sh:closed true"),
    ("pattern", "sh:property [ sh:path ex:p ; sh:pattern \"^a\" ]"),
    ("node", "sh:node ex:Other"),
])
def test_an_unsupported_feature_raises_before_any_work(feature, shape):
    shapes = turtle(f"ex:S a sh:NodeShape ; sh:targetClass ex:C ; {shape} . ex:Other a sh:NodeShape .")
    with pytest.raises(shacl.Unsupported, match=feature):
        shacl.validate(turtle("ex:a a ex:C ."), shapes)


def test_an_ill_typed_literal_fails_sh_datatype_as_in_pyshacl():
    shapes = turtle("""
        ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property ex:S-n , ex:S-d , ex:S-l .
        ex:S-n sh:path ex:n ; sh:datatype xsd:integer .
        ex:S-d sh:path ex:d ; sh:datatype xsd:date ; sh:message "a date"@en .
        ex:S-l sh:path ex:l ; sh:datatype rdf:langString .
    """)
    data = turtle("""
        ex:a a ex:C ; ex:n "abc"^^xsd:integer , 5 , "07"^^xsd:integer , "5.5"^^xsd:decimal ;
            ex:d "2020-13-01"^^xsd:date , "2020-01-01"^^xsd:date , "2020" ;
            ex:l "x"@en , "y" , ex:iri .
    """)
    found = assert_same(data, shapes)
    values = {str(k[2]) for k in found}
    assert values == {"abc", "5.5", "2020-13-01", "2020", "y", "http://example.org/iri"}
    assert {m for k in found for m in k[6]} >= {("a date", "en"), ("Value is not Literal with datatype xsd:integer", None)}


def test_sh_class_follows_subclasses_in_the_data():
    shapes = turtle("ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:class ex:Top ] .")
    data = turtle("""
        ex:Mid rdfs:subClassOf ex:Top . ex:Low rdfs:subClassOf ex:Mid .
        ex:a a ex:C ; ex:p ex:low , ex:other , "lit" , [ a ex:Mid ] .
        ex:low a ex:Low . ex:other a ex:Other .
    """)
    found = assert_same(data, shapes)
    assert {str(k[2]) for k in found} == {"http://example.org/other", "lit"}
    assert all(isinstance(k[3], rdflib.BNode) for k in found)  # the blank-node property shape, as given


def test_sh_or_of_datatypes_and_an_alternative_path():
    shapes = turtle("""
        ex:S a sh:NodeShape ; sh:targetSubjectsOf ex:d1 , ex:d2 ;
            sh:property [ sh:path [ sh:alternativePath ( ex:d1 ex:d2 ) ] ;
                          sh:or ( [ sh:datatype xsd:date ] [ sh:datatype xsd:gYear ] ) ] .
    """)
    data = turtle("""
        ex:a ex:d1 "2020-01-01"^^xsd:date ; ex:d2 "2020"^^xsd:gYear , "soon" , "2020-01"^^xsd:gYearMonth .
        ex:b ex:d2 ex:x .
    """)
    found = assert_same(data, shapes)
    assert {(str(k[0]), str(k[2])) for k in found} == {
        ("http://example.org/a", "soon"), ("http://example.org/a", "2020-01"), ("http://example.org/b", "http://example.org/x")}
    assert {k[1] for k in found} == {"<http://example.org/d1>|<http://example.org/d2>"}
    assert {k[4] for k in found} == {SH.OrConstraintComponent}


def test_the_other_core_components_against_pyshacl():
    shapes = turtle("""
        ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:targetNode ex:lonely ;
            sh:property ex:S-count , ex:S-in , ex:S-kind , ex:S-range , ex:S-lang , ex:S-unique , ex:S-inverse .
        ex:S-count sh:path ex:c ; sh:minCount 1 ; sh:maxCount 2 .
        ex:S-in sh:path ex:status ; sh:in ( ex:On ex:Off ) .
        ex:S-kind sh:path ex:link ; sh:nodeKind sh:IRI ; sh:severity sh:Warning .
        ex:S-range sh:path ex:n ; sh:minInclusive 0 ; sh:maxExclusive 10 ; sh:severity sh:Info .
        ex:S-lang sh:path rdfs:label ; sh:languageIn ( "en" ) .
        ex:S-unique sh:path rdfs:label ; sh:uniqueLang true .
        ex:S-inverse sh:path [ sh:inversePath ex:owns ] ; sh:maxCount 1 ; sh:message "one owner"@en .
        ex:Deact a sh:NodeShape ; sh:targetClass ex:C ; sh:deactivated true ; sh:property [ sh:path ex:c ; sh:minCount 9 ] .
    """)
    data = turtle("""
        ex:a a ex:C ; ex:c 1 , 2 , 3 ; ex:status ex:On , ex:Maybe ; ex:link "text" , ex:ok ;
            ex:n -1 , 5 , 10 , "x" ; rdfs:label "A"@en , "B"@en , "C"@en-GB , "D"@fr , "E" .
        ex:b a ex:C . ex:x ex:owns ex:b . ex:y ex:owns ex:b .
    """)
    found = assert_same(data, shapes)
    components = {k[4] for k in found}
    assert components == {SH[c + "ConstraintComponent"] for c in ("MinCount", "MaxCount", "In", "NodeKind", "MinInclusive", "MaxExclusive", "LanguageIn", "UniqueLang")}


def test_sparql_constraints_fill_their_messages_as_pyshacl_does():
    shapes = turtle("""
        ex: a owl:Ontology ; sh:declare [ sh:prefix "ex" ; sh:namespace "http://example.org/"^^xsd:anyURI ] .
        ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:severity sh:Warning ; sh:sparql ex:S-q , ex:S-none .
        ex:S-q a sh:SPARQLConstraint ; sh:prefixes ex: ;
            sh:message "{$this} points to {?value} ({?other}), unbound {?nothing}"@en ;
            sh:select "SELECT $this ?value ?other WHERE { $this ex:p ?value . OPTIONAL { ?value ex:q ?other } FILTER NOT EXISTS { ?value a ex:Good } }" .
        ex:S-none a sh:SPARQLConstraint ; sh:prefixes ex: ;
            sh:select "SELECT $this WHERE { FILTER NOT EXISTS { $this ex:p ?x } }" .
        ex:P a sh:NodeShape ; sh:targetClass ex:C ;
            sh:property [ sh:path ex:p ; sh:sparql [ sh:prefixes ex: ; sh:message "bad {?value} via {?path}" ;
                sh:select "SELECT $this ?value WHERE { $this $PATH ?value . FILTER (isLiteral(?value)) }" ] ] .
    """)
    data = turtle("""
        ex:a a ex:C ; ex:p ex:b , ex:good , "lit" . ex:b ex:q 7 . ex:good a ex:Good .
        ex:c a ex:C .
    """)
    found = assert_same(data, shapes)
    messages = {m for k in found for m, _lang in k[6]}
    assert "http://example.org/a points to http://example.org/b (7), unbound {?nothing}" in messages
    assert all(lang is None for k in found for _m, lang in k[6])  # pySHACL drops the language of a filled message
    assert {k[7] for k in found} >= {rdflib.URIRef("http://example.org/S-q"), rdflib.URIRef("http://example.org/S-none")}
    assert "bad lit via {?path}" in messages  # ?path not selected: pySHACL leaves it


def test_sh_or_of_a_class_and_a_node_kind_judges_each_value():
    shapes = turtle("""
        ex:S a sh:NodeShape ; sh:targetClass ex:C ;
            sh:property [ sh:path ex:p ; sh:or ( [ sh:class ex:Top ] [ sh:nodeKind sh:Literal ] ) ] .
    """)
    data = turtle("""
        ex:Low rdfs:subClassOf ex:Top .
        ex:a a ex:C ; ex:p ex:low , ex:other , "lit" . ex:low a ex:Low . ex:other a ex:Other .
    """)
    found = assert_same(data, shapes)
    assert {str(k[2]) for k in found} == {"http://example.org/other"}
