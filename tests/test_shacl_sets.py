"""The engine's set-at-a-time evaluation gives pySHACL's results: value nodes worked out for many focus nodes at once
(each step of a path once per node it starts from), SPARQL constraints run once over every focus node (blank nodes
too) with only the pre-bound variables they name, recursion through nested shapes, and targets by predicate.

pySHACL, which judges one focus node at a time, is the oracle (tests/test_shacl_engine.py's comparison).
"""

from __future__ import annotations

import collections
import random

import pytest

from test_shacl_engine import assert_same, both, turtle

DECLARE = 'ex: a owl:Ontology ; sh:declare [ sh:prefix "ex" ; sh:namespace "http://example.org/"^^xsd:anyURI ] .\n'


def _many(seed: int, n: int = 60) -> str:
    """n nodes, a third of them blank, typed in a small class tree (with a cycle), linked at random (cycles included), some values literal."""
    rng = random.Random(seed)
    names = [f"_:b{i}" if i % 3 == 0 else f"ex:n{i}" for i in range(n)]
    iris = [x for x in names if x.startswith("ex:")]
    lines = ["ex:Mid rdfs:subClassOf ex:Top . ex:Low rdfs:subClassOf ex:Mid . ex:Side rdfs:subClassOf ex:Top . ex:Loop rdfs:subClassOf ex:Loop2 . ex:Loop2 rdfs:subClassOf ex:Loop ."]
    for i, node in enumerate(names):
        lines.append(f"{node} a {rng.choice(['ex:Low', 'ex:Mid', 'ex:Side', 'ex:Other', 'ex:Loop'])} .")
        if i % 7:
            lines.append(f"{node} a ex:C .")
        for p in ("ex:p", "ex:q", "ex:r"):
            for _ in range(rng.randrange(3)):
                # a blank node's values are IRIs: default messages write a blank node with its description, which
                # pySHACL cuts short otherwise than kgtool where blank nodes nest deeply
                value = rng.choice(names if node.startswith("ex:") else iris)
                lines.append(f"{node} {p} {value} .")
        if rng.random() < 0.5:
            lines.append(f'{node} ex:v {rng.choice(["1", "5", "12", chr(34) + "x" + chr(34)])} .')
    return "\n".join(lines)


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("path", [
    "( rdf:type [ sh:zeroOrMorePath rdfs:subClassOf ] )",  # the types of many nodes share their superclasses
    "[ sh:oneOrMorePath ex:p ]",  # cycles
    "( ex:p [ sh:zeroOrMorePath ex:q ] )",
    "[ sh:zeroOrMorePath [ sh:alternativePath ( ex:p [ sh:inversePath ex:q ] ) ] ]",
    "( [ sh:inversePath ex:p ] ex:r )",
    "( [ sh:zeroOrOnePath ex:p ] [ sh:oneOrMorePath [ sh:inversePath ex:r ] ] )",
])
def test_value_nodes_of_many_focus_nodes_through_shared_steps(seed, path):
    shapes = turtle(f"""
        ex:S a sh:NodeShape ; sh:targetClass ex:C ;
            sh:property [ sh:path {path} ; sh:minCount 3 ; sh:maxCount 8 ; sh:nodeKind sh:IRI ] ,
                        [ sh:path {path} ; sh:class ex:Mid ; sh:severity sh:Info ] ,
                        [ sh:path {path} ; sh:node ex:Valued ; sh:severity sh:Warning ] .
        ex:Valued a sh:NodeShape ; sh:property [ sh:path ex:v ; sh:maxInclusive 10 ] .
    """)
    found = assert_same(turtle(_many(seed)), shapes)
    assert sum(found.values()) > 0


@pytest.mark.parametrize("seed", [1, 2])
def test_a_sparql_constraint_over_many_focus_nodes_blank_ones_too(seed):
    shapes = turtle(DECLARE + """
        ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql ex:S-p , ex:S-none , ex:S-exists ;
            sh:property [ sh:path ex:p ; sh:sparql ex:S-path ] .
        ex:S-p a sh:SPARQLConstraint ; sh:prefixes ex: ;
            sh:select "SELECT $this ?value WHERE { $this ex:p ?value . ?value a ex:Mid . FILTER NOT EXISTS { ?value ex:q $this } }" .
        ex:S-none a sh:SPARQLConstraint ; sh:prefixes ex: ;
            sh:select "SELECT $this WHERE { FILTER NOT EXISTS { $this ex:v ?v } }" .
        ex:S-exists a sh:SPARQLConstraint ; sh:prefixes ex: ;
            sh:select "SELECT $this ?value WHERE { OPTIONAL { $this ex:r ?value } FILTER (!BOUND(?value) || isBlank(?value)) }" .
        ex:S-path a sh:SPARQLConstraint ; sh:prefixes ex: ;
            sh:select "SELECT DISTINCT $this ?value WHERE { $this $PATH ?value . ?value $PATH $this }" .
    """)
    found = assert_same(turtle(_many(seed)), shapes)
    assert {str(k[7]) for k in found} >= {"http://example.org/S-p", "http://example.org/S-none"}


def test_a_sparql_constraint_with_this_in_a_subquery_and_an_aggregate():
    """Run once per focus node (a subquery or an aggregate cannot share one query between rows)."""
    shapes = turtle(DECLARE + """
        ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql ex:S-sub , ex:S-count .
        ex:S-sub a sh:SPARQLConstraint ; sh:prefixes ex: ;
            sh:select "SELECT $this ?value WHERE { { SELECT $this ?value WHERE { $this ex:p ?value } } ?value a ex:Side }" .
        ex:S-count a sh:SPARQLConstraint ; sh:prefixes ex: ; sh:message "{?n} values" ;
            sh:select "SELECT $this (COUNT(?x) AS ?n) WHERE { $this ex:q ?x } GROUP BY $this HAVING (COUNT(?x) > 1)" .
    """)
    assert sum(assert_same(turtle(_many(4)), shapes).values()) > 0


def test_pre_bound_variables_a_query_names_and_those_it_does_not():
    """$currentShape is pre-bound only where the query names it; naming it or not gives the same results."""
    shapes = turtle(DECLARE + """
        ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql ex:S-named , ex:S-unnamed , ex:S-star .
        ex:S-named a sh:SPARQLConstraint ; sh:prefixes ex: ;
            sh:select "SELECT $this ?value WHERE { $this ex:p ?value . FILTER NOT EXISTS { ?value a ex:C } FILTER ($currentShape = ex:S) }" .
        ex:S-unnamed a sh:SPARQLConstraint ; sh:prefixes ex: ;
            sh:select "SELECT $this ?value WHERE { $this ex:p ?value . FILTER NOT EXISTS { ?value a ex:C } }" .
        ex:S-star a sh:SPARQLConstraint ; sh:prefixes ex: ;
            sh:select "SELECT * WHERE { $this ex:r ?value . FILTER (isBlank($this)) }" .
    """)
    found = assert_same(turtle(_many(5)), shapes)
    by_constraint = collections.Counter()
    for k, n in found.items():
        by_constraint[str(k[7]).rsplit("/", 1)[-1]] += n
    assert by_constraint["S-named"] == by_constraint["S-unnamed"] > 0
    assert by_constraint["S-star"] > 0


def test_a_declared_component_with_an_ask_validator_over_many_value_nodes():
    shapes = turtle(DECLARE + """
        ex:Below a sh:ConstraintComponent ;
            sh:parameter [ sh:path ex:below ] ;
            sh:validator [ a sh:SPARQLAskValidator ; sh:prefixes ex: ; sh:message "{$value} is not below {$below}" ;
                sh:ask "ASK { FILTER (isLiteral($value) && $value < $below) }" ] .
        ex:S a sh:NodeShape ; sh:targetSubjectsOf ex:v ; sh:property [ sh:path ex:v ; ex:below 6 ] .
    """)
    data = turtle(_many(6))
    expected, got = both(data, shapes)
    # pySHACL leaves sh:value out of an ASK validator's results (https://www.w3.org/TR/shacl/#ConstraintComponent-ask: the value node is the value)
    assert got[1]
    assert all(k[2] is not None for k in got[1])
    assert drop_value(got[1]) == drop_value(expected[1])


def drop_value(found: collections.Counter) -> collections.Counter:
    out = collections.Counter()
    for k, n in found.items():
        out[k[:2] + (None,) + k[3:]] += n
    return out


def test_targets_by_predicate_over_many_nodes():
    shapes = turtle("""
        ex:S a sh:NodeShape ; sh:targetSubjectsOf ex:q , ex:r ; sh:targetObjectsOf ex:p , ex:r ; sh:targetNode ex:n1 , ex:absent ;
            sh:property [ sh:path ex:v ; sh:minCount 1 ] .
    """)
    assert sum(assert_same(turtle(_many(7)), shapes).values()) > 0


@pytest.mark.xfail(strict=True, reason="kgtool takes every focus node of a shape's batch for one being validated "
                   "against it further up, so ex:b, a focus node of ex:S, passes sh:node ex:S when reached from ex:a; "
                   "pySHACL judges ex:b there (found by this test, left as it was: reports stay unchanged)")
def test_a_shape_reached_again_through_its_own_property_shape():
    """The same node shape validated again, further down, for other nodes (on data without cycles: SHACL leaves
    recursion over a cycle undefined, and pySHACL gives up on one 12 levels deep)."""
    shapes = turtle("""
        ex:S a sh:NodeShape ; sh:targetClass ex:C ;
            sh:property [ sh:path ex:p ; sh:node ex:S ] ,
                        [ sh:path ex:v ; sh:minCount 1 ; sh:severity sh:Warning ] .
    """)
    data = turtle("""
        ex:a a ex:C ; ex:p ex:b , _:x ; ex:v 1 . ex:b a ex:C ; ex:p ex:c . ex:c ex:p ex:d ; ex:v 2 . ex:d ex:v 3 .
        _:x ex:p ex:c , _:y . _:y ex:p ex:e . ex:e a ex:C .
    """)
    assert sum(assert_same(data, shapes).values()) > 0
