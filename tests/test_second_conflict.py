"""A second conflict fits the ontology (issue 11, "Done when"): a UCDP-GED-shaped submission about
another, fictitious conflict (tests/fixtures/second-conflict/) validates in a fresh home, is added,
and answers queries, using only terms the shipped ontology declares.

Expected answers are the fixture's GED and ACLED row values, read off its text here.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import rdflib
from rdflib import OWL, RDF, RDFS, URIRef
from homes import select, snapshot

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
FIXTURE = TESTS / "fixtures" / "second-conflict" / "veldoria-ged.ttl"
CF = "https://w3id.org/kgtool/conflict#"
CFT = "https://w3id.org/kgtool/typology/"
CFR = "https://w3id.org/kgtool/id/"
# The standard vocabularies the term sheet builds on; anything else must be cf: or cft:.
STANDARD = (
    str(RDF), str(RDFS), "http://www.w3.org/2001/XMLSchema#", "http://www.w3.org/ns/prov#",
    "http://www.opengis.net/ont/geosparql#", "https://schema.org/",
)
DECLARING = {
    OWL.Class, RDFS.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property,
    OWL.Restriction, RDFS.Datatype,
}
AXIOMS = {
    RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range, OWL.equivalentClass, OWL.equivalentProperty,
    OWL.inverseOf, OWL.disjointWith, OWL.propertyChainAxiom,
}


@pytest.fixture
def fresh_home(kg, tmp_path) -> Path:
    target = tmp_path / "fresh"
    result = kg("init", str(target))
    assert result.exit_code == 0, result.stderr
    return target


@pytest.fixture
def added(kg, fresh_home) -> Path:
    result = kg("--home", str(fresh_home), "add", str(FIXTURE))
    assert result.exit_code == 0, result.output
    return fresh_home


# ---------------------------------------------------------------------------
# It validates and is added
# ---------------------------------------------------------------------------


def test_the_second_conflict_conforms_in_a_fresh_home(kg, fresh_home):
    result = kg("--home", str(fresh_home), "validate", str(FIXTURE))
    assert result.exit_code == 0, result.stdout
    assert result.stdout == "conforms: 0 violation(s), 0 warning(s), 0 info\n"


def test_add_accepts_the_second_conflict_whole(kg, fresh_home):
    triples = len(rdflib.Graph().parse(FIXTURE, format="turtle"))
    result = kg("--home", str(fresh_home), "add", str(FIXTURE))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"Added {triples} new triple(s) of {triples}, ")


# ---------------------------------------------------------------------------
# What a user then finds
# ---------------------------------------------------------------------------


def test_the_fatality_estimates_and_ucdp_type_of_each_ged_row_are_queried(kg, added):
    rows = select(added, """
        SELECT ?event ?type ?code ?low ?best ?high WHERE {
          ?event cf:violenceType ?t ; cf:deathToll ?q .
          ?t skos:prefLabel ?type ; skos:notation ?code .
          ?q cf:lowEstimate ?low ; cf:bestEstimate ?best ; cf:highEstimate ?high .
        } ORDER BY ?event""")
    assert [(r["event"].removeprefix(CFR), r["type"], r["code"], r["low"], r["best"], r["high"]) for r in rows] == [
        ("ged-example-101", "State-based conflict", "1", "10", "12", "15"),
        ("ged-example-102", "State-based conflict", "1", "4", "5", "9"),
        ("ged-example-103", "One-sided violence", "3", "3", "3", "4"),
    ]


def test_deaths_by_side_add_up_to_the_best_estimate_of_row_101(kg, added):
    rows = select(added, """
        SELECT ?side ?category ?best WHERE {
          cfr:ged-example-101 cf:deathToll ?q .
          ?q cf:victimSide/rdfs:label ?side ; cf:victimCategory/skos:prefLabel ?category ; cf:bestEstimate ?best .
        } ORDER BY ?side""")
    assert [(r["side"], r["category"], r["best"]) for r in rows] == [
        ("Northern Liberation Front (fictitious)", "Combatant", "9"),
        ("Veldorian Armed Forces (fictitious)", "Combatant", "3"),
    ]
    assert sum(int(r["best"]) for r in rows) == 12


def test_the_one_sided_event_has_side_a_only_and_civilian_victims(kg, added):
    rows = select(added, """
        SELECT ?a ?b ?victims WHERE {
          cfr:ged-example-103 cf:sideA/rdfs:label ?a ; cf:deathToll/cf:victimCategory/skos:prefLabel ?victims .
          OPTIONAL { cfr:ged-example-103 cf:sideB ?b }
        }""")
    assert rows == [{"a": "Northern Liberation Front (fictitious)", "victims": "Civilian"}]


def test_sides_of_a_state_based_event_are_belligerents_with_their_actor_kinds(kg, added):
    rows = select(added, """
        SELECT ?role ?kind WHERE {
          VALUES ?p { cf:sideA cf:sideB }
          cfr:ged-example-101 ?p ?actor .
          ?p rdfs:label ?role . ?actor cf:actorKind/skos:prefLabel ?kind .
          cfr:ged-example-101 cf:belligerent ?actor .
        } ORDER BY ?role""")
    assert [(r["role"], r["kind"]) for r in rows] == [("side A", "State forces"), ("side B", "Rebel groups")]


def test_date_and_location_precision_and_coordinates_are_queried(kg, added):
    rows = select(added, """
        SELECT ?event ?dateprec ?whereprec ?wkt WHERE {
          ?event cf:violenceType ?t ; cf:timePrecision/skos:notation ?dateprec ;
                 cf:geoPrecision/skos:notation ?whereprec ; geo:hasGeometry/geo:asWKT ?wkt .
        } ORDER BY ?event""")
    assert [tuple(r.values()) for r in rows] == [
        (CFR + "ged-example-101", "1", "1", "POINT(24.1725 61.5810)"),
        (CFR + "ged-example-102", "2", "4", "POINT(23.9100 61.4400)"),
        (CFR + "ged-example-103", "1", "1", "POINT(24.1725 61.5810)"),
    ]


def test_the_conflict_carries_its_ucdp_attributes(kg, added):
    rows = select(added, """
        SELECT ?scheme ?code WHERE {
          cfr:veldoria-northern-territories-conflict ?p ?c .
          ?c skos:inScheme ?s ; skos:notation ?code . ?s rdfs:label ?scheme .
        } ORDER BY ?scheme""")
    assert [(r["scheme"], r["code"]) for r in rows] == [
        ("UCDP incompatibility", "1"),  # territory
        ("UCDP intensity level", "1"),  # minor
        ("UCDP type of conflict", "3"),  # intrastate
        ("UCDP type of violence", "1"),  # state-based
    ]


def test_the_acled_shaped_row_has_its_event_and_sub_event_type(kg, added):
    rows = select(added, """
        SELECT ?type ?sub ?time ?geo ?fatalities WHERE {
          cfr:acled-example-vld1207 cf:eventType ?t , ?s ;
              cf:timePrecision/skos:notation ?time ; cf:geoPrecision/skos:notation ?geo ;
              cf:deathToll/cf:value ?fatalities .
          ?t skos:inScheme cft:AcledEventType ; skos:prefLabel ?type .
          ?s skos:inScheme cft:AcledSubEventType ; skos:broader ?t ; skos:prefLabel ?sub .
        }""")
    assert rows == [{"type": "Battles", "sub": "Armed clash", "time": "1", "geo": "2", "fatalities": "2"}]


def test_every_figure_and_role_triple_traces_to_the_example_release(kg, added):
    """Records derive from the release; the role triples are attested by it (audit Q11)."""
    rows = select(added, """
        SELECT ?event ?p ?o ?src WHERE {
          VALUES ?p { cf:sideA cf:sideB }
          ?event ?p ?o .
          OPTIONAL { ?a a cf:AttestedStatement ; rdf:subject ?event ; rdf:predicate ?p ; rdf:object ?o ; prov:wasDerivedFrom ?src }
        }""")
    assert len(rows) == 7  # the conflict 2, row 101 2, row 102 2, row 103 1
    assert {r.get("src") for r in rows} == {CFR + "example-ged-release"}


# ---------------------------------------------------------------------------
# It fits without new classes
# ---------------------------------------------------------------------------


def ontology() -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in sorted((REPO / "ontology").glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


def test_every_class_and_property_the_fixture_uses_is_declared_by_the_shipped_ontology():
    data, onto = rdflib.Graph().parse(FIXTURE, format="turtle"), ontology()
    classes = set(onto.subjects(RDF.type, OWL.Class))
    properties = {p for kind in (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty) for p in onto.subjects(RDF.type, kind)}
    used_classes = set(data.objects(None, RDF.type)) | set(data.objects(None, RDF.predicate))
    used_properties = set(data.predicates()) | set(data.objects(None, RDF.predicate))
    unknown = sorted(
        str(term)
        for term in used_classes | used_properties
        if not str(term).startswith(STANDARD) and term not in classes and term not in properties
    )
    assert unknown == []
    assert all(str(t).startswith((CF, *STANDARD)) for t in used_classes | used_properties)


def test_every_cf_and_cft_value_the_fixture_names_exists_in_the_shipped_ontology():
    data, onto = rdflib.Graph().parse(FIXTURE, format="turtle"), ontology()
    named = {o for o in data.objects() if isinstance(o, URIRef) and str(o).startswith((CF, CFT))}
    missing = sorted(str(term) for term in named if (term, RDF.type, None) not in onto)
    assert missing == []
    concepts = {o for o in named if str(o).startswith(CFT)}
    assert concepts and all((c, RDF.type, URIRef("http://www.w3.org/2004/02/skos/core#Concept")) in onto for c in concepts)


def test_the_fixture_declares_no_class_property_or_axiom():
    data = rdflib.Graph().parse(FIXTURE, format="turtle")
    declared = [(s, o) for s, o in data.subject_objects(RDF.type) if o in DECLARING]
    axioms = [(s, p) for s, p, _ in data if p in AXIOMS]
    assert (declared, axioms) == ([], [])
    assert all(str(s).startswith(CFR) for s in data.subjects())  # only data, in the data namespace


# ---------------------------------------------------------------------------
# An impossible estimate is refused
# ---------------------------------------------------------------------------


def test_a_low_estimate_above_the_best_is_refused_naming_the_constraint(kg, fresh_home, tmp_path):
    text = FIXTURE.read_text(encoding="utf-8")
    assert text.count('cf:lowEstimate "10"^^xsd:nonNegativeInteger') == 1
    bad = tmp_path / "low-above-best.ttl"
    bad.write_text(text.replace('cf:lowEstimate "10"^^xsd:nonNegativeInteger', 'cf:lowEstimate "13"^^xsd:nonNegativeInteger'), encoding="utf-8")
    before = snapshot(fresh_home)

    result = kg("--home", str(fresh_home), "validate", str(bad), "--format", "json")
    assert result.exit_code == 1, result.stdout
    found = [r for r in json.loads(result.stdout)["results"] if r["severity"] == "Violation"]
    assert [r["focus"] for r in found] == ["cfr:ged-example-101-deaths"]
    assert (found[0]["path"], found[0]["constraint"]) == ("cf:lowEstimate", "sh:LessThanOrEqualsConstraintComponent")
    assert "13" in found[0]["message"]  # the message names the offending figure

    refused = kg("--home", str(fresh_home), "add", str(bad))
    assert refused.exit_code == 1
    assert "cfr:ged-example-101-deaths, path cf:lowEstimate" in refused.output
    assert snapshot(fresh_home) == before


def test_a_later_submission_touching_the_conflicts_actors_is_not_refused_for_the_homes_own_estimates(kg, added, tmp_path):
    # The store keeps "3"^^xsd:nonNegativeInteger as "3"^^xsd:integer (oxigraph#526); the estimates the
    # fixture wrote must not turn into violations when a new submission reaches their nodes.
    sub = tmp_path / "alt-label.ttl"
    sub.write_text(
        "@prefix cfr: <https://w3id.org/kgtool/id/> .\n@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        'cfr:veldorian-armed-forces skos:altLabel "Veldorian Army"@en .\n',
        encoding="utf-8",
    )
    result = kg("--home", str(added), "add", str(sub))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Added 1 new triple(s) of 1")
