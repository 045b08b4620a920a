"""The ontology: metadata, documentation of every term, declared vocabulary, and a consistent OWL RL closure."""

from __future__ import annotations

from collections import Counter

import pytest
from rdflib import OWL, RDF, RDFS, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, SKOS

import kgload

CF = kgload.CF
VANN = Namespace("http://purl.org/vocab/vann/")
ERR = Namespace("http://www.daml.org/2002/03/agents/agent-ont#")
ONTOLOGY = URIRef("https://w3id.org/kgtool/conflict")
TERM_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
STANDARD_NAMESPACES = (
    str(RDF), str(RDFS), str(OWL), "http://www.w3.org/2001/XMLSchema#", str(SKOS),
    "http://www.w3.org/ns/prov#", str(DCTERMS), "https://schema.org/", "http://www.w3.org/ns/org#",
    "http://www.w3.org/2006/time#", "http://www.opengis.net/ont/geosparql#", "http://xmlns.com/foaf/0.1/",
    str(VANN),
)


def declared_terms() -> set[URIRef]:
    graph = kgload.ontology_graph()
    return {term for kind in TERM_TYPES for term in graph.subjects(RDF.type, kind) if isinstance(term, URIRef)}


def test_header_has_the_persistent_namespace_and_metadata():
    graph = kgload.ontology_graph()
    assert (ONTOLOGY, RDF.type, OWL.Ontology) in graph
    assert graph.value(ONTOLOGY, OWL.versionIRI) == URIRef("https://w3id.org/kgtool/conflict/0.1.0")
    assert str(graph.value(ONTOLOGY, OWL.versionInfo)) == "0.1.0"
    for predicate in (DCTERMS.title, DCTERMS.description, DCTERMS.license, DCTERMS.creator, DCTERMS.created, DCTERMS.modified):
        assert graph.value(ONTOLOGY, predicate) is not None, predicate
    assert str(graph.value(ONTOLOGY, VANN.preferredNamespacePrefix)) == "cf"
    assert str(graph.value(ONTOLOGY, VANN.preferredNamespaceUri)) == str(CF)


def test_every_term_lives_in_the_cf_namespace():
    assert all(str(term).startswith(str(CF)) for term in declared_terms())


@pytest.mark.parametrize("term", sorted(declared_terms()), ids=lambda t: t.split("#")[-1])
def test_every_term_has_one_english_label_and_one_definition(term):
    graph = kgload.ontology_graph()
    labels = [o for o in graph.objects(term, RDFS.label) if isinstance(o, Literal) and o.language == "en"]
    definitions = [o for o in graph.objects(term, SKOS.definition) if isinstance(o, Literal) and o.language == "en"]
    assert len(labels) == 1, labels
    assert len(definitions) == 1, definitions


def test_individuals_of_closed_lists_are_documented():
    graph = kgload.ontology_graph()
    for cls in (CF.QuantityQualifier, CF.CountCategory, CF.EventStatus):
        members = list(graph.subjects(RDF.type, cls))
        assert members
        for member in members:
            assert graph.value(member, RDFS.label) is not None and graph.value(member, SKOS.definition) is not None


def test_no_two_terms_share_a_label():
    graph = kgload.ontology_graph()
    labels = Counter(str(graph.value(term, RDFS.label)).lower() for term in declared_terms())
    assert [label for label, count in labels.items() if count > 1] == []


def test_classes_and_properties_used_in_the_data_are_declared_or_standard():
    data, declared = kgload.data_graph(), declared_terms() | set(kgload.ontology_graph().subjects(RDF.type, None))
    used = set(data.predicates()) | set(data.objects(None, RDF.type))
    used |= set(data.objects(None, RDF.predicate))
    unknown = [term for term in used if term not in declared and not str(term).startswith(STANDARD_NAMESPACES)]
    assert unknown == []


def test_role_hierarchy_and_inverses():
    graph = kgload.ontology_graph()
    assert (CF.victor, RDFS.subPropertyOf, CF.belligerent) in graph
    assert (CF.belligerent, RDFS.subPropertyOf, CF.participant) in graph
    assert (CF.participant, RDFS.subPropertyOf, CF.involves) in graph
    assert (CF.memberOf, OWL.inverseOf, CF.hasMember) in graph
    assert (CF.partOf, OWL.inverseOf, CF.hasPart) in graph
    for transitive in (CF.locatedIn, CF.partOf, CF.subgroupOf):
        assert (transitive, RDF.type, OWL.TransitiveProperty) in graph


def test_wikidata_properties_are_aligned_by_skos_mapping_only():
    graph = kgload.ontology_graph()
    wdt = "http://www.wikidata.org/prop/direct/"
    for s, p, o in graph:
        if str(o).startswith(wdt):
            assert p in (SKOS.exactMatch, SKOS.closeMatch), (s, p, o)
    assert (CF.participant, SKOS.exactMatch, URIRef(wdt + "P710")) in graph
    assert (CF.memberOf, SKOS.exactMatch, URIRef(wdt + "P463")) in graph
    assert (CF.territoryClaimedBy, SKOS.exactMatch, URIRef(wdt + "P1336")) in graph


def test_owl_rl_closure_is_consistent():
    closure = kgload.kg_graph(reason=True)
    assert list(closure.subjects(RDF.type, ERR.ErrorMessage)) == []
    assert list(closure.subjects(RDF.type, OWL.Nothing)) == []
    clashes = [(s, o) for s, o in closure.subject_objects(OWL.sameAs) if s != o and (s, OWL.differentFrom, o) in closure]
    assert clashes == []
    merged = [(s, o) for s, o in closure.subject_objects(OWL.sameAs) if s != o]
    assert merged == []  # nothing in the data is meant to be the same as anything else


def test_owl_rl_closure_derives_real_answers():
    closure = kgload.kg_graph(reason=True)
    cfr = kgload.CFR
    assert (cfr.csto, CF.hasMember, cfr.armenia) in closure  # inverse
    assert (cfr.shusha, CF.locatedIn, cfr["historic-area"]) in closure  # transitive
    assert (cfr["second-karabakh-war"], CF.participant, cfr.azerbaijan) in closure  # sub-property
    assert (cfr["weapons-display-shusha"], CF.tookPlaceIn, cfr["nagorno-karabakh"]) in closure  # property chain
    assert (cfr["second-karabakh-war"], RDF.type, CF.ArmedConflict) in closure  # sub-class
