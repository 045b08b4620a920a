"""The SHACL engine where the W3C suite and pySHACL say nothing: recursive shapes end, blank nodes are pre-bound,
values keep the form they were written in, large blank-node structures are reported; expectations from the spec."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.namespace import SH

from kgtool import shacl

PREFIXES = """
@prefix ex: <http://example.org/> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


def turtle(text: str) -> list[ox.Triple]:
    return [q.triple for q in ox.parse((PREFIXES + text).encode(), ox.RdfFormat.TURTLE)]


def results(report: rdflib.Graph) -> list[tuple]:
    return sorted((str(report.value(r, SH.focusNode)), str(report.value(r, SH.value)), str(report.value(r, SH.sourceConstraintComponent)).rsplit("#")[1])
                  for r in report.objects(None, SH.result))


def test_a_shape_that_reaches_itself_through_sh_node_ends():
    shapes = turtle("ex:Person a sh:NodeShape ; sh:targetClass ex:Person ; sh:property [ sh:path ex:knows ; sh:node ex:Person ; sh:minCount 1 ] .")
    data = turtle("ex:a a ex:Person ; ex:knows ex:b . ex:b a ex:Person ; ex:knows ex:a . ex:c a ex:Person ; ex:knows ex:d .")
    conforms, report = shacl.validate(data, shapes)
    # ex:d knows nobody, so it does not conform to ex:Person, so ex:c's value ex:d fails sh:node
    assert results(report) == [("http://example.org/c", "http://example.org/d", "NodeConstraintComponent")]


def test_property_shapes_nested_on_a_cycle_of_the_data_end():
    shapes = turtle("ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:property ex:P . ex:P sh:path ex:next ; sh:property ex:P ; sh:datatype xsd:integer .")
    data = turtle("ex:a ex:next ex:b . ex:b ex:next ex:a .")
    conforms, report = shacl.validate(data, shapes)
    assert conforms is False
    assert {r[1] for r in results(report)} == {"http://example.org/a", "http://example.org/b"}


def test_sparql_pre_binding_holds_a_blank_node_focus_in_bind_and_filter():
    shapes = turtle('''ex:S a sh:NodeShape ; sh:targetSubjectsOf ex:p ;
        sh:sparql [ sh:select "SELECT $this WHERE { BIND ($this AS ?me) FILTER (isBlank(?me)) }" ] .''')
    data = turtle("ex:a ex:p 1 . [ ex:p 2 ] .")
    conforms, report = shacl.validate(data, shapes)
    [focus] = list(report.objects(None, SH.focusNode))
    assert isinstance(focus, rdflib.BNode)
    assert report.value(focus, rdflib.URIRef("http://example.org/p")) == rdflib.Literal(2)  # described in the report


@pytest.mark.parametrize("literal", ['"300"^^xsd:byte', '"1.50"^^xsd:decimal', '"01"^^xsd:integer'])
def test_a_value_is_reported_as_written(literal):
    shapes = turtle("ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:property [ sh:path ex:p ; sh:datatype xsd:string ] .")
    _conforms, report = shacl.validate(turtle(f"ex:a ex:p {literal} ."), shapes)
    [value] = list(report.objects(None, SH.value))
    assert (str(value), value.datatype) == (literal.split('"')[1], rdflib.XSD[literal.split(":")[-1]])


def test_sh_datatype_fails_an_ill_typed_or_out_of_range_literal():
    shapes = turtle("ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:property [ sh:path ex:p ; sh:datatype xsd:byte ] .")
    _conforms, report = shacl.validate(turtle('ex:a ex:p "300"^^xsd:byte , "c"^^xsd:byte , "-12"^^xsd:byte , "2020-02-30"^^xsd:date .'), shapes)
    assert sorted(r[1] for r in results(report)) == ["2020-02-30", "300", "c"]


def test_a_long_blank_node_list_as_focus_node_is_copied_into_the_report():
    items = " ".join(str(i) for i in range(3000))
    shapes = turtle("ex:S a sh:NodeShape ; sh:targetObjectsOf ex:list ; sh:nodeKind sh:IRI .")
    conforms, report = shacl.validate(turtle(f"ex:a ex:list ( {items} ) ."), shapes)
    [focus] = list(report.objects(None, SH.focusNode))
    assert len(list(rdflib.collection.Collection(report, focus))) == 3000


def test_a_sparql_query_the_spec_forbids_is_a_shape_error_naming_the_shape():
    shapes = turtle('ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:sparql [ sh:select "SELECT $this WHERE { $this ?p ?o MINUS { $this ?p 1 } }" ] .')
    with pytest.raises(shacl.ShapeError, match=r"^shape <http://example.org/S>: the sh:select of its SPARQL constraint: SHACL-SPARQL queries may not use MINUS"):
        shacl.validate(turtle("ex:a ex:p 1 ."), shapes)


def test_an_unused_ill_formed_shape_is_no_error_and_a_used_one_is():
    ill = "ex:Bad a sh:NodeShape ; sh:property [ sh:path [ sh:zeroOrMorePath [ ] ] ; sh:minCount 1 ] ."
    data = turtle("ex:a ex:p 1 .")
    assert shacl.validate(data, turtle(ill))[0] is True
    with pytest.raises(shacl.ShapeError, match="is not a property path"):
        shacl.validate(data, turtle(ill + " ex:Bad sh:targetNode ex:a ."))
