"""kgtool's SHACL engine gives pySHACL's results (pySHACL is the oracle), on the bundled graph, every shapes fixture,
a generated home and each constraint component.

Where the SHACL spec and the W3C suite show pySHACL wrong, or pySHACL leaves a choice open, the
comparison says so where it adjusts for it: sh:conforms (any result makes it false), message
templates (kgtool fills them for every component), the language of SHACL-SPARQL messages, and the
order pySHACL lists sh:in members in.
"""

from __future__ import annotations

import collections
import importlib.util
import random
import re
from pathlib import Path

import pyoxigraph as ox
import pyshacl
import pytest
import rdflib

from kgtool import rdfio, shacl, terms, vocab
from kgtool.shacl import paths
from kgtool.shacl.graph import Graph

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
SH = rdflib.Namespace(vocab.SH)
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


def results(report, pyshacl_messages: bool = False) -> collections.Counter:
    """The top-level results of a report as (focus, path, value, shape, component, severity, messages, SPARQL constraint).

    pyshacl_messages: write kgtool's messages as pySHACL writes them. pySHACL drops the language
    tag of a SHACL-SPARQL message (it rebuilds the literal after filling the template); kgtool
    keeps it, so that an English message stays the one shown (see test_sparql_constraints_...).
    """
    found = collections.Counter()
    as_ox = Graph(terms.to_ox_triples(report))  # to read the paths with kgtool's reader of SHACL paths
    for top in report.subjects(rdflib.RDF.type, SH.ValidationReport):
        for r in report.objects(top, SH.result):
            sparql = report.value(r, SH.sourceConstraintComponent) == SH.SPARQLConstraintComponent
            path = report.value(r, SH.resultPath)
            messages = [(str(m), None if pyshacl_messages and sparql else m.language) for m in report.objects(r, SH.resultMessage)]
            if report.value(r, SH.sourceConstraintComponent) == SH.InConstraintComponent:
                # pySHACL lists the members of sh:in in the order of a Python set, which changes from run to run
                messages = [(re.sub(r"\[(.*)\]$", lambda m: str(sorted(m.group(1).split(", "))), text), lang) for text, lang in messages]
            found[(
                report.value(r, SH.focusNode),
                paths.text(paths.read(as_ox, terms.to_ox(path)), lambda iri: terms.n3(iri, {})) if path is not None else None,
                report.value(r, SH.value),
                report.value(r, SH.sourceShape),  # a blank node shape: the same node as in the shapes given
                report.value(r, SH.sourceConstraintComponent),
                report.value(r, SH.resultSeverity),
                tuple(sorted(messages)),
                report.value(r, SH.sourceConstraint),
            )] += 1
    return found


def pyshacl_report(data: list[ox.Triple], shapes: list[ox.Triple]):
    """pySHACL's report graph, with SHACL Advanced Features on (as kgtool's fallback runs it).

    pySHACL fills the templates of sh:message ({?value}, {$this}, ...) only for SHACL-SPARQL
    results; kgtool fills them for every result (the value, focus node and path are known for
    all). Here they are filled in pySHACL's messages too, the way a SHACL-SPARQL message is.
    """
    _conforms, report, _text = pyshacl.validate(
        terms.to_rdflib_graph(data), shacl_graph=terms.to_rdflib_graph(shapes), inference="none", advanced=True, allow_warnings=True, allow_infos=True
    )
    for r in list(report.subjects(SH.sourceShape, None)):
        bound = {"value": report.value(r, SH.value), "this": report.value(r, SH.focusNode), "path": report.value(r, SH.resultPath)}
        for m in list(report.objects(r, SH.resultMessage)):
            text = re.sub(r"\{[?$](value|this|path)\}", lambda x: str(bound[x.group(1)]) if isinstance(bound[x.group(1)], (rdflib.URIRef, rdflib.Literal)) else x.group(), str(m))
            if text != str(m):
                report.remove((r, SH.resultMessage, m))
                report.add((r, SH.resultMessage, rdflib.Literal(text, lang=m.language)))
    return report


def both(data: list[ox.Triple], shapes: list[ox.Triple]):
    """(pySHACL's conforms and results, the engine's conforms and results) for the same data and shapes.

    pySHACL (allow_warnings, allow_infos) says sh:conforms true when the only results are warnings
    or infos; the SHACL spec (§3.1, W3C core/misc/severity-002) says false whenever there is a
    result, and so does kgtool: the expected verdict is "no results".
    """
    expected = results(pyshacl_report(data, shapes))
    conforms, report = shacl.validate(data, shapes)
    return (not expected, expected), (conforms, results(report, pyshacl_messages=True))


def assert_same(data, shapes) -> collections.Counter:
    expected, got = both(data, shapes)
    assert got[0] == expected[0]
    assert sorted(got[1].items(), key=str) == sorted(expected[1].items(), key=str)
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


def test_keep_gives_the_results_on_those_focus_nodes_only(ontology, bundled, shapes):
    extra = parse([TESTS / "fixtures" / "shapes" / "invalid-casualty-claim-no-event.ttl"])
    extra += parse([TESTS / "fixtures" / "shapes" / "invalid-attested-two-objects.ttl"])
    data = list(dict.fromkeys(ontology + bundled + extra))
    every = results(pyshacl_report(data, shapes))
    keep = {t.subject for t in parse([TESTS / "fixtures" / "shapes" / "invalid-casualty-claim-no-event.ttl"])}
    keep_rdflib = {terms.to_rdflib(n) for n in keep}
    expected = collections.Counter({k: n for k, n in every.items() if k[0] in keep_rdflib})
    conforms, report = shacl.validate(data, shapes, keep=keep)
    got = results(report, pyshacl_messages=True)
    assert got == expected
    assert got and len(got) < len(every)
    assert conforms is False


@pytest.mark.parametrize("feature, shape", [
    ("qualified", "sh:property [ sh:path ex:p ; sh:qualifiedValueShape [ sh:class ex:C ] ; sh:qualifiedMinCount 2 ]"),
    ("closed", "sh:closed true ; sh:ignoredProperties ( rdf:type )"),
    ("pattern", "sh:property [ sh:path ex:p ; sh:pattern \"^a\" ]"),
    ("node", "sh:node ex:Other"),
    ("not", "sh:not [ sh:class ex:C ]"),
    ("and-xone", "sh:and ( [ sh:nodeKind sh:IRI ] ) ; sh:xone ( ex:Other [ sh:class ex:C ] )"),
    ("pairs", "sh:property [ sh:path ex:p ; sh:equals ex:q ; sh:disjoint ex:r ; sh:lessThan ex:n ]"),
    ("strings", "sh:property [ sh:path ex:p ; sh:minLength 2 ; sh:maxLength 3 ; sh:languageIn ( \"en\" ) ]"),
    ("hasValue", "sh:property [ sh:path ex:p ; sh:hasValue ex:b ]"),
])
def test_the_components_the_old_engine_left_to_pyshacl_give_pyshacls_results(feature, shape):
    shapes = turtle(f"ex:S a sh:NodeShape ; sh:targetClass ex:C ; {shape} . ex:Other a sh:NodeShape ; sh:nodeKind sh:BlankNode .")
    data = turtle("""
        ex:a a ex:C ; ex:p "abc" , "a"@en , ex:b ; ex:q "abc" ; ex:r ex:b ; ex:n 1 .
        ex:b a ex:C ; ex:p "zz"@fr , 5 ; ex:q 5 .
        [ a ex:C ; ex:p "abc" ] .
    """)
    assert sum(assert_same(data, shapes).values()) > 0


def test_shacl_advanced_features_are_left_to_pyshacl():
    shapes = turtle("""
        ex:S a sh:NodeShape ; sh:target [ a sh:SPARQLTarget ; sh:select "SELECT ?this WHERE { ?this <http://example.org/p> ?x }" ] ;
            sh:property [ sh:path ex:p ; sh:datatype xsd:integer ] .
    """)
    data = turtle('ex:a ex:p "x" . ex:b ex:p 1 .')
    found = assert_same(data, shapes)
    assert {str(k[0]) for k in found} == {"http://example.org/a"}


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
    assert {k[7] for k in found} >= {rdflib.URIRef("http://example.org/S-q"), rdflib.URIRef("http://example.org/S-none")}
    assert "bad lit via http://example.org/p" in messages  # ?path not selected: the shape's path (pySHACL leaves {?path})
    _conforms, report = shacl.validate(data, shapes)
    languages = {(str(m), m.language) for m in report.objects(None, SH.resultMessage)}
    assert ("http://example.org/a points to http://example.org/b (7), unbound {?nothing}", "en") in languages  # pySHACL drops the tag


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


@pytest.mark.parametrize("path, shown", [
    ("ex:p", "ex:p"),
    ("[ sh:inversePath ex:p ]", "^ex:p"),
    ("( ex:a [ sh:inversePath ex:b ] )", "ex:a/^ex:b"),
    ("[ sh:zeroOrMorePath ( ex:a ex:b ) ]", "(ex:a/ex:b)*"),
    ("[ sh:alternativePath ( ex:a [ sh:zeroOrMorePath ex:b ] ) ]", "ex:a|(ex:b*)"),
    ("[ sh:inversePath ( ex:a ex:b ) ]", "^(ex:a/ex:b)"),
    ("[ sh:oneOrMorePath [ sh:inversePath ex:a ] ]", "^ex:a+"),
    ("[ sh:zeroOrOnePath [ sh:alternativePath ( ex:a ex:b ) ] ]", "(ex:a|ex:b)?"),
    ("( ( ex:a ex:b ) ex:c )", "(ex:a/ex:b)/ex:c"),
])
def test_a_path_is_shown_in_sparql_syntax_with_parentheses_only_where_needed(path, shown):
    triples = turtle(f"ex:s ex:path {path} .")
    g = Graph(triples)
    node = g.value(ox.NamedNode("http://example.org/s"), ox.NamedNode("http://example.org/path"))
    assert paths.text(paths.read(g, node), lambda iri: terms.n3(iri, {"ex": "http://example.org/"})) == shown
