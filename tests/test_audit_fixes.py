"""Issue 11, section 1: each finding of the knowledge audit (../shared/reviews/knowledge-audit.md) fixed in the data.

Every test names its finding ID and fails on the graph of commit 4b24f53 (before the fixes).
They read the data file alone (rdflib, no reasoning) unless the finding is about what follows
from it, so a test says what the data asserts, not what a reasoner adds.
"""

from __future__ import annotations

from rdflib import RDF, RDFS, BNode, Literal, Namespace, URIRef
from rdflib.namespace import SKOS

import kgload

CF, CFR = kgload.CF, kgload.CFR
PROV = Namespace("http://www.w3.org/ns/prov#")
SCHEMA = Namespace("https://schema.org/")
TIME = Namespace("http://www.w3.org/2006/time#")
GEO = Namespace("http://www.opengis.net/ont/geosparql#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
WD = Namespace(kgload.WD)
ARTICLE = CFR["source-article"]
OPERATION = CFR["azerbaijan-military-operation-2023"]

# Records: what the article is the source of. Everything else typed in the data is a world entity.
RECORD_CLASSES = (CF.Claim, CF.QualifiedRelation, CF.Quantity, CF.Interval, SCHEMA.ImageObject, TIME.Instant)


def data():
    return kgload.data_graph()


def closure():
    return kgload.kg_graph(reason=True)


def records() -> set[URIRef]:
    graph = closure()
    return {node for kind in RECORD_CLASSES for node in graph.subjects(RDF.type, kind)} & set(data().subjects())


def world_entities() -> set[URIRef]:
    typed = {s for s in data().subjects(RDF.type, None) if isinstance(s, URIRef)}
    return typed - records() - {ARTICLE}


def claims_of(claimant: URIRef) -> set[URIRef]:
    return set(data().subjects(CF.claimant, claimant))


def claimed_statements(subject, predicate, obj) -> set[URIRef]:
    graph = data()
    return {node for node in graph.subjects(RDF.type, CF.ClaimedStatement)
            if (node, RDF.subject, subject) in graph and (node, RDF.predicate, predicate) in graph
            and (node, RDF.object, obj) in graph}


def attestations(subject, predicate, obj) -> set[URIRef]:
    graph = data()
    return {node for node in graph.subjects(RDF.type, CF.AttestedStatement)
            if (node, RDF.subject, subject) in graph and (node, RDF.predicate, predicate) in graph
            and (node, RDF.object, obj) in graph}


def evidence(node) -> set[str]:
    return {str(text) for text in data().objects(node, CF.evidence)}


def notes(node) -> str:
    return " ".join(str(note) for note in data().objects(node, CF.editorialNote))


# ---------------------------------------------------------------------------
# Mechanical fixes: W5, W4, W7/M11, R6, Q1, W9, W1, W8, O7, O5
# ---------------------------------------------------------------------------

def test_w5_world_entities_are_mentioned_in_the_article_not_derived_from_it():
    graph = data()
    world = world_entities()
    assert {CFR.armenia, CFR["nikol-pashinyan"], CFR["second-karabakh-war"], CFR.shusha,
            CFR["prime-minister-of-armenia"], CFR["karabakh-armenians"]} <= world
    assert [node for node in world if (node, PROV.wasDerivedFrom, None) in graph] == []
    assert [node for node in world if (node, CF.mentionedIn, ARTICLE) not in graph] == []


def test_w5_records_keep_prov_was_derived_from_and_are_not_mentioned():
    graph = data()
    assert [node for node in records() if (node, PROV.wasDerivedFrom, ARTICLE) not in graph] == []
    assert [node for node in records() if (node, CF.mentionedIn, None) in graph] == []


def test_w4_individuals_link_to_wikidata_with_schema_same_as_not_skos():
    graph = data()
    assert list(graph.subject_objects(SKOS.exactMatch)) == []
    assert list(graph.subject_objects(SKOS.closeMatch)) == []
    assert (CFR.armenia, SCHEMA.sameAs, WD.Q399) in graph
    assert (CFR["nikol-pashinyan"], SCHEMA.sameAs, WD.Q7035479) in graph
    assert (CFR.csto, SCHEMA.sameAs, WD.Q318693) in graph


def test_w7_intervals_carry_the_owl_time_form_with_named_instants():
    graph = data()
    interval = CFR["interval-second-karabakh-war"]
    for shortcut, full in ((CF.start, TIME.hasBeginning), (CF.end, TIME.hasEnd)):
        instant = graph.value(interval, full)
        assert isinstance(instant, URIRef) and not isinstance(instant, BNode)
        assert (instant, RDF.type, TIME.Instant) in graph
        assert graph.value(instant, TIME.inXSDgYear) == graph.value(interval, shortcut) == Literal("2020", datatype=XSD.gYear)
        assert graph.value(instant, RDFS.label) is not None
        assert (instant, PROV.wasDerivedFrom, ARTICLE) in graph and evidence(instant)
    assert graph.value(interval, TIME.hasXSDDuration) == Literal("P44D", datatype=XSD.duration)
    # every interval with a shortcut has its OWL-Time twin
    for node, start in graph.subject_objects(CF.start):
        assert graph.value(node, TIME.hasBeginning) is not None, node
    for node, end in graph.subject_objects(CF.end):
        assert graph.value(node, TIME.hasEnd) is not None, node


def test_m11_intervals_cite_the_article_with_evidence():
    graph = data()
    intervals = set(graph.subjects(RDF.type, CF.Interval))
    assert len(intervals) == 3
    for interval in intervals:
        assert (interval, PROV.wasDerivedFrom, ARTICLE) in graph, interval
        assert evidence(interval), interval


def test_r6_episodes_and_clauses_replace_bare_part_of():
    graph, reasoned = data(), closure()
    assert list(graph.subject_objects(CF.partOf)) == []
    conflict = CFR["nagorno-karabakh-conflict"]
    assert set(graph.subjects(CF.episodeOf, conflict)) == {
        CFR["skirmishes-before-2020"], CFR["second-karabakh-war"], CFR["september-2022-fighting"], OPERATION}
    assert set(graph.subjects(CF.clauseOf, CFR["declaration-aliyev-victory"])) == {
        CFR["claim-aliyev-region-under-baku-control"], CFR["claim-aliyev-independence-confined-to-history"]}
    for s, o in graph.subject_objects(CF.episodeOf):
        assert (s, RDF.type, CF.Event) in reasoned and (o, RDF.type, CF.Event) in reasoned
    for s, o in graph.subject_objects(CF.clauseOf):
        assert (s, RDF.type, CF.Claim) in reasoned and (o, RDF.type, CF.Claim) in reasoned


def test_q1_the_data_uses_the_general_names_not_the_article_shaped_ones():
    graph = data()
    used = set(graph.predicates()) | set(graph.objects(None, RDF.type))
    assert not used & {CF.MilitaryDisplay, CF.ReceptionPreparation, CF.preparesFor, CF.recapturedTerritory}
    assert (CFR["weapons-display-shusha"], RDF.type, CF.ShowOfForce) in graph
    assert (CFR["armenia-prepares-reception"], RDF.type, CF.HumanitarianResponse) in graph
    assert (CFR["armenia-prepares-reception"], CF.inResponseTo, CFR["expected-displacement"]) in graph
    assert (CFR["second-karabakh-war"], CF.territoryGained, CFR["territory-recaptured-2020"]) in graph


def test_w9_the_44_day_war_has_an_interval_not_a_point_date():
    graph = data()
    war = CFR["second-karabakh-war"]
    assert graph.value(war, CF.date) is None
    assert graph.value(graph.value(war, CF.hasInterval), CF.start) == Literal("2020", datatype=XSD.gYear)


def test_w1_decades_of_skirmishes_is_an_approximate_duration_not_a_relative_time():
    graph = data()
    skirmishes = CFR["skirmishes-before-2020"]
    assert graph.value(skirmishes, CF.relativeTime) is None
    assert graph.value(skirmishes, CF.approximateDuration) == Literal("decades")
    assert graph.value(skirmishes, CF.notAfter) == Literal("2020", datatype=XSD.gYear)


def test_w8_the_unnamed_historic_area_is_a_territory_not_a_region():
    graph = data()
    area = CFR["historic-area"]
    assert (area, RDF.type, CF.Territory) in graph
    assert (area, RDF.type, CF.Region) not in graph


def test_o7_the_displacement_is_after_the_operation_not_caused_by_it():
    graph = data()
    displacement = CFR["expected-displacement"]
    assert graph.value(displacement, CF.follows) is None
    assert graph.value(displacement, CF.after) == OPERATION
    assert graph.value(displacement, CF.accordingTo) == CFR["announcement-pashinyan-reception"]


def test_o5_aliyevs_tenure_has_no_bound_the_text_does_not_give():
    graph = data()
    interval = CFR["interval-aliyev-president"]
    assert graph.value(interval, CF.endNotBefore) is None
    assert "earlier this week" in notes(interval)
    assert graph.value(CFR["interval-pashinyan-prime-minister"], CF.endNotBefore) == Literal("2023-09-23", datatype=XSD.date)


# ---------------------------------------------------------------------------
# Section 1 content: M1 ...
# ---------------------------------------------------------------------------

def test_m1_the_encouragement_to_migrate_is_irias_assertion_with_its_slip_noted():
    graph = data()
    node = CFR["assertion-leadership-encourages-migration"]
    assert (node, RDF.type, CF.AnalyticalAssertion) in graph
    assert graph.value(node, CF.claimant) == CFR.iria
    assert {CFR["armenian-leadership"], CFR["karabakh-armenians"], CFR["expected-displacement"]} <= set(graph.objects(node, CF.about))
    assert evidence(node) == {"encouraging the ethnic Americans to migrate from the region"}
    note = notes(node)
    assert "Americans" in note and "Armenians" in note and "ambiguous" in note
