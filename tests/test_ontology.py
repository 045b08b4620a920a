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
TERM_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
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
    assert graph.value(ONTOLOGY, OWL.versionIRI) == URIRef("https://w3id.org/kgtool/conflict/0.2.0")
    assert graph.value(ONTOLOGY, OWL.priorVersion) == URIRef("https://w3id.org/kgtool/conflict/0.1.0")
    assert str(graph.value(ONTOLOGY, OWL.versionInfo)) == "0.2.0"
    assert str(graph.value(ONTOLOGY, DCTERMS.modified)) == "2026-11-27"
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


SKOS_MAPPINGS = (SKOS.mappingRelation, SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch, SKOS.relatedMatch)
WDT = "http://www.wikidata.org/prop/direct/"
WIKIDATA = Namespace(WDT)
CF_WIKIDATA = Namespace(str(CF))


def test_no_cf_term_carries_a_skos_mapping():
    # Audit W4: SKOS mapping relations hold between skos:Concepts; on a cf: class or property they
    # would make it a concept (and skos:exactMatch is transitive). They belong in the typologies only.
    graph = kgload.ontology_graph()
    mapped = [(s, p, o) for p in SKOS_MAPPINGS for s, o in graph.subject_objects(p) if str(s).startswith(str(CF))]
    assert mapped == []


def test_wikidata_properties_are_named_by_annotation_properties_only():
    graph = kgload.ontology_graph()
    for s, p, o in graph:
        if str(o).startswith(WDT):
            assert p in (CF.wikidataProperty, CF.wikidataCloseProperty), (s, p, o)
    for annotation in (CF.wikidataProperty, CF.wikidataCloseProperty, CF.cameoClass):
        assert (annotation, RDF.type, OWL.AnnotationProperty) in graph
    assert (CF.participant, CF.wikidataProperty, WIKIDATA.P710) in graph
    assert (CF.memberOf, CF.wikidataProperty, WIKIDATA.P463) in graph


def test_located_in_is_matched_to_physical_location_not_administrative():
    # Audit W2: cf:locatedIn is physical location only; P131 is administrative containment.
    graph = kgload.ontology_graph()
    assert set(graph.objects(CF.locatedIn, CF.wikidataCloseProperty)) == {WIKIDATA.P706}
    assert WIKIDATA.P131 not in set(graph.objects(CF.locatedIn, None))


def test_territory_claimed_by_is_only_close_to_p1336():
    # Audit W2-bis: the data uses it for a "control" claim too, so it is not P1336's exact meaning.
    graph = kgload.ontology_graph()
    assert (CF.territoryClaimedBy, CF.wikidataCloseProperty, WIKIDATA.P1336) in graph
    assert (CF.territoryClaimedBy, CF.wikidataProperty, WIKIDATA.P1336) not in graph


def test_w3c_terms_are_aligned_by_subsumption_where_safe():
    graph = kgload.ontology_graph()
    org, dcterms, schema = Namespace("http://www.w3.org/ns/org#"), DCTERMS, Namespace("https://schema.org/")
    assert (CF.PostHolding, RDFS.subClassOf, org.Membership) in graph
    assert (CF.partOf, RDFS.subPropertyOf, dcterms.isPartOf) in graph
    assert (CF.about, RDFS.subPropertyOf, schema.about) in graph
    assert (CF.tookPlaceIn, RDFS.subPropertyOf, schema.location) in graph
    assert (CF.value, RDFS.subPropertyOf, schema.value) in graph
    assert (CF.evidence, RDFS.seeAlso, Namespace("http://www.w3.org/ns/prov#").value) in graph
    # Audit W7: literal-valued cf:start / cf:end are not aligned to the instant-valued OWL-Time properties.
    time = Namespace("http://www.w3.org/2006/time#")
    for prop in (CF.start, CF.end):
        links = set(graph.predicates(prop, time.hasBeginning)) | set(graph.predicates(prop, time.hasEnd))
        assert links <= {RDFS.seeAlso}, links  # a pointer to the full form, with no semantics
        assert (prop, RDF.type, OWL.DatatypeProperty) in graph


TIMELESS = (CF.capitalOf, CF.capital, CF.postIn, CF.governmentOf, CF.status, CF.date, CF.start, CF.end, CF.duration)
PER_RECORD = (CF.member, CF.organisation, CF.holder, CF.heldPost, CF.supporter, CF.supported, CF.namedEntity, CF.qualifier, CF.countOf, CF.value)


@pytest.mark.parametrize("prop", TIMELESS, ids=lambda t: t.split("#")[-1])
def test_time_or_source_dependent_relations_are_not_functional(prop):
    # Audit W3: a second true fact (Moscow, capital of the Soviet Union) must not merge two individuals.
    graph = kgload.ontology_graph()
    assert (prop, RDF.type, OWL.FunctionalProperty) not in graph
    assert (prop, RDF.type, OWL.InverseFunctionalProperty) not in graph


@pytest.mark.parametrize("prop", PER_RECORD, ids=lambda t: t.split("#")[-1])
def test_per_record_properties_stay_functional(prop):
    # One qualified-relation or quantity node describes one record: a second holder is an error.
    assert (prop, RDF.type, OWL.FunctionalProperty) in kgload.ontology_graph()


def _closure_with(turtle: str):
    import owlrl
    from rdflib import Graph

    graph = Graph()
    for triple in kgload.ontology_graph():
        graph.add(triple)
    graph.parse(data="@prefix cf: <https://w3id.org/kgtool/conflict#> .\n@prefix cfr: <https://w3id.org/kgtool/id/> .\n" + turtle, format="turtle")
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
    return graph


def test_successive_capitals_and_statuses_merge_nothing_under_owl_rl():
    cfr = kgload.CFR
    closure = _closure_with("""
        cfr:moscow cf:capitalOf cfr:russia , cfr:soviet-union .
        cfr:russia cf:capital cfr:moscow . cfr:soviet-union cf:capital cfr:moscow .
        cfr:war cf:status cf:Expected , cf:Occurred .
        cfr:post cf:postIn cfr:russia , cfr:soviet-union .
    """)
    merged = {(s, o) for s, o in closure.subject_objects(OWL.sameAs) if s != o}
    assert merged == set()
    # The Soviet Union is a sovereign state in the data (a dissolved one, audit Q3), but these triples alone do not
    # say so: nothing gives it Russia's types through a merge.
    assert (cfr["soviet-union"], RDF.type, CF.SovereignState) not in closure
    assert (cfr["soviet-union"], RDF.type, CF.PoliticalEntity) in closure  # from cf:capital's domain only


def test_a_second_holder_of_one_holding_is_still_a_merge():
    cfr = kgload.CFR
    closure = _closure_with("cfr:h cf:holder cfr:a , cfr:b .")
    assert (cfr.a, OWL.sameAs, cfr.b) in closure


def test_closed_lists_are_closed_and_all_different():
    graph = kgload.ontology_graph()
    from rdflib.collection import Collection

    distinct = [set(Collection(graph, lst)) for lst in graph.objects(None, OWL.distinctMembers)]
    for cls in (CF.QuantityQualifier, CF.EventStatus):
        members = set(graph.subjects(RDF.type, cls))
        enumeration = graph.value(graph.value(cls, OWL.equivalentClass), OWL.oneOf)
        assert set(Collection(graph, enumeration)) == members
        assert members in distinct
    assert {CF.Planned, CF.Attempted, CF.Failed, CF.Cancelled, CF.Disputed, CF.Unknown} <= set(graph.subjects(RDF.type, CF.EventStatus))
    assert {CF.Several, CF.Dozens, CF.TensOfThousands, CF.UpTo} <= set(graph.subjects(RDF.type, CF.QuantityQualifier))


def test_episodes_and_clauses_are_separate_transitive_part_relations():
    # Audit R6: one untyped mereology mixed event episodes with claim clauses.
    graph = kgload.ontology_graph()
    for prop, cls in ((CF.episodeOf, CF.Event), (CF.clauseOf, CF.Claim)):
        assert (prop, RDFS.subPropertyOf, CF.partOf) in graph
        assert (prop, RDF.type, OWL.TransitiveProperty) in graph
        assert graph.value(prop, RDFS.domain) == cls and graph.value(prop, RDFS.range) == cls


def test_world_entities_are_mentioned_in_sources_not_derived_from_them():
    # Audit W5.
    graph = kgload.ontology_graph()
    schema = Namespace("https://schema.org/")
    assert (CF.mentionedIn, OWL.inverseOf, schema.mentions) in graph
    assert graph.value(CF.mentionedIn, RDFS.range) == CF.SourceDocument
    comment = " ".join(str(c) for c in graph.objects(CF.Event, RDFS.comment))
    assert "derived from sources" not in comment and "cf:mentionedIn" in comment


@pytest.mark.parametrize("old,new", [
    (CF.MilitaryDisplay, CF.ShowOfForce), (CF.ReceptionPreparation, CF.HumanitarianResponse),
    (CF.preparesFor, CF.inResponseTo), (CF.recapturedTerritory, CF.territoryGained),
], ids=lambda t: t.split("#")[-1])
def test_article_shaped_terms_are_deprecated_equivalents_of_general_ones(old, new):
    # Audit Q1: old data keeps its meaning, new data uses the general term.
    graph = kgload.ontology_graph()
    assert (old, OWL.deprecated, Literal(True)) in graph
    assert (old, OWL.equivalentClass, new) in graph or (old, OWL.equivalentProperty, new) in graph
    assert (new, OWL.deprecated, Literal(True)) not in graph


def test_class_definitions_are_criteria_based_and_rigid():
    # Audit Q2 (no "a source calls"), Q3 (no "exists today" / "no longer exists").
    graph = kgload.ontology_graph()
    definitions = {term: str(graph.value(term, SKOS.definition)) for term in declared_terms()}
    assert [t for t, d in definitions.items() if "source calls" in d] == []
    assert [t for t, d in definitions.items() if "exists today" in d or "no longer exists" in d] == []
    assert "1,000" in definitions[CF.War]


def test_definitions_do_not_cite_the_article():
    # Audit Q1: a definition states what the term means for any conflict.
    graph = kgload.ontology_graph()
    article_words = ("CSTO", "Armenian", "Azerbaijan", "Karabakh", "Soviet", "Ottoman", "Pashinyan", "Aliyev")
    cited = [(t, w) for t in declared_terms() for w in article_words if w in str(graph.value(t, SKOS.definition))]
    assert cited == []


def test_classification_properties_point_to_concepts():
    graph = kgload.ontology_graph()
    linking = ("eventType", "violenceType", "incompatibility", "conflictType", "intensity", "outcome", "outcomeType",
               "cameoCode", "actorKind", "sourceType", "sourceReliability", "informationCredibility", "geoPrecision",
               "timePrecision", "victimCategory", "agreementStatus", "displacementKind", "characterisedAs")
    for name in linking:
        assert (CF[name], RDF.type, OWL.ObjectProperty) in graph, name
        assert graph.value(CF[name], RDFS.range) == SKOS.Concept, name


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


# The term sheet of issue 11 (sections A-C): every term the data and typologies helpers use.
TERM_SHEET = """
    wikidataProperty wikidataCloseProperty mentionedIn approximateDuration episodeOf clauseOf
    ClaimedStatement hedge NonStateArmedGroup UnspecifiedAgent possibleReading MediationAttempt mediator
    Planned Attempted Failed Cancelled Disputed Unknown Several Dozens TensOfThousands UpTo
    inTensionWith contrastsWith respondsTo after consequenceOf characterisedAs characterises
    contestedTerritory affiliatedWith asOf
    ArmedForces Militia DeFactoState PeacekeepingForce IntergovernmentalOrganisation InternationalOrganisation
    MediationFormat NonGovernmentalOrganisation MediaOrganisation CivilianPopulation actorKind sideA sideB
    eventType violenceType incompatibility conflictType intensity outcome outcomeType cameoCode
    sourceType sourceReliability informationCredibility geoPrecision timePrecision victimCategory
    agreementStatus displacementKind cameoClass lowEstimate bestEstimate highEstimate victimSide
    startNotBefore startNotAfter endNotBefore endNotAfter relativeTo DatasetRelease
    ShowOfForce HumanitarianResponse inResponseTo territoryGained
""".split()


@pytest.mark.parametrize("name", TERM_SHEET)
def test_every_term_of_the_term_sheet_is_declared_and_documented(name):
    graph = kgload.ontology_graph()
    term = CF[name]
    assert term in declared_terms() or list(graph.objects(term, RDF.type)), name
    assert graph.value(term, RDFS.label) is not None and graph.value(term, SKOS.definition) is not None


def test_term_sheet_axioms():
    graph = kgload.ontology_graph()
    rdf_statement = RDF.Statement
    assert {(CF.ClaimedStatement, RDFS.subClassOf, CF.Claim), (CF.ClaimedStatement, RDFS.subClassOf, rdf_statement)} <= set(graph)
    assert (CF.UnspecifiedAgent, RDFS.subClassOf, CF.Agent) in graph
    assert (CF.MediationAttempt, RDFS.subClassOf, CF.Event) in graph
    assert (CF.mediator, RDFS.subPropertyOf, CF.participant) in graph
    assert (CF.Militia, RDFS.subClassOf, CF.NonStateArmedGroup) in graph
    assert (CF.DeFactoState, RDFS.subClassOf, CF.PoliticalEntity) in graph
    assert (CF.IntergovernmentalOrganisation, RDFS.subClassOf, CF.InternationalOrganisation) in graph
    assert (CF.CivilianPopulation, RDFS.subClassOf, CF.PeopleGroup) in graph
    assert (CF.DatasetRelease, RDFS.subClassOf, CF.SourceDocument) in graph
    for side in (CF.sideA, CF.sideB):
        assert (side, RDFS.subPropertyOf, CF.belligerent) in graph
    for symmetric in (CF.inTensionWith, CF.contrastsWith):
        assert (symmetric, RDF.type, OWL.SymmetricProperty) in graph
    # O7: "after" is order in time only; neither it nor the causal link is a kind of cf:follows.
    for prop in (CF.after, CF.consequenceOf):
        assert (prop, RDFS.subPropertyOf, CF.follows) not in graph
    assert graph.value(CF.characterisedAs, RDFS.domain) == CF.Claim
    for estimate in (CF.lowEstimate, CF.bestEstimate, CF.highEstimate):
        assert graph.value(estimate, RDFS.range) == Namespace("http://www.w3.org/2001/XMLSchema#").nonNegativeInteger


def test_typology_concepts_named_by_the_ontology_exist():
    # cf:cameoClass, cf:valueScheme and comments name cft: concepts and schemes; each must be in typologies.ttl.
    import re

    text = (kgload.ONTOLOGY_DIR / "conflict.ttl").read_text(encoding="utf-8")
    typologies = kgload.ONTOLOGY_DIR / "typologies.ttl"
    if not typologies.exists():
        pytest.skip("ontology/typologies.ttl is not there yet")
    graph = kgload.ontology_graph()
    cft = "https://w3id.org/kgtool/typology/"
    named = {cft + local for local in re.findall(r"\bcft:([A-Za-z][\w-]*)", text)}
    missing = [iri for iri in sorted(named) if not list(graph.triples((URIRef(iri), RDF.type, None)))]
    assert missing == []


def test_a4_r10_speech_acts_are_events_that_assert_claims():
    # Audit A4/R10: a permission, a promise or an appeal is a performative act, not a (fact-checking) claim; a
    # statement made on a date is an event (CAMEO codes verbal acts as events) that asserts a proposition.
    graph = kgload.ontology_graph()
    assert (CF.SpeechAct, RDFS.subClassOf, CF.Event) in graph
    for cls in (CF.Permission, CF.Promise, CF.Appeal):
        assert graph.value(cls, RDFS.subClassOf) == CF.SpeechAct, cls
        assert (cls, RDFS.subClassOf, CF.Statement) not in graph, cls
    assert (CF.Appeal, CF.cameoClass, URIRef("https://w3id.org/kgtool/typology/cameo-02")) in graph
    assert (CF.Promise, CF.cameoClass, URIRef("https://w3id.org/kgtool/typology/cameo-03")) in graph
    assert (graph.value(CF.asserts, RDFS.domain), graph.value(CF.asserts, RDFS.range)) == (CF.SpeechAct, CF.Claim)
    assert (CF.speaker, RDFS.subPropertyOf, CF.participant) in graph
    assert graph.value(CF.speaker, RDFS.domain) == CF.SpeechAct
    assert graph.value(CF.addressee, RDFS.domain) == CF.SpeechAct
    # claims stay propositions, disjoint from events
    assert (CF.Statement, RDFS.subClassOf, CF.Claim) in graph
    from rdflib.collection import Collection

    disjoint = [set(Collection(graph, members)) for members in graph.objects(None, OWL.members)]
    assert any({CF.Event, CF.Claim} <= members for members in disjoint)


def test_a4_an_old_style_permission_with_a_claimant_is_inconsistent_under_owl_rl():
    # The reclassification is breaking for data that gave these acts a claimant: the reasoner says so.
    closure = _closure_with("cfr:p a cf:Permission ; cf:claimant cfr:x .")
    cfr = kgload.CFR
    assert (cfr.p, RDF.type, CF.Event) in closure and (cfr.p, RDF.type, CF.Claim) in closure
