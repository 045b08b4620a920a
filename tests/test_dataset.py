"""The bundled data: true to its one source, verbatim evidence, checked Wikidata links, honest numbers and dates."""

from __future__ import annotations

import hashlib

from rdflib import RDF, RDFS, Literal, Namespace, URIRef
from rdflib.namespace import SKOS

import kgload

CF, CFR = kgload.CF, kgload.CFR
PROV = "http://www.w3.org/ns/prov#"
SCHEMA = "https://schema.org/"
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")


def test_shipped_article_is_the_source_byte_for_byte():
    digest = hashlib.sha256(kgload.ARTICLE.read_bytes()).hexdigest()
    assert digest == "bd664a780eaa9804c19f0829fff17fcb85408b4e8970b6f2a7a0ed8bbb8e3112"


def test_shipped_identifier_list_is_the_checked_one():
    digest = hashlib.sha256(kgload.WIKIDATA_IDS.read_bytes()).hexdigest()
    assert digest == "274b9b763e8b7719ec97b44fed73cdbac970cfb2bd75a0dd4cd30f2cf65d939c"
    assert kgload.wikidata_ids()["Q244165"] == "Republic of Artsakh"


def test_every_evidence_quotation_and_caption_is_verbatim_in_the_article():
    article, data = kgload.article_text(), kgload.data_graph()
    texts = [(s, str(o)) for p in (CF.evidence, CF.quotation, URIRef(SCHEMA + "caption"), URIRef(SCHEMA + "headline"))
             for s, o in data.subject_objects(p)]
    assert len(texts) > 100
    assert [(s, t) for s, t in texts if t not in article] == []


RECORDS = (CF.Claim, CF.QualifiedRelation, CF.Quantity, CF.Interval, URIRef(SCHEMA + "ImageObject"),
           URIRef("http://www.w3.org/2006/time#Instant"))
WORLD = (CF.Agent, CF.Place, CF.Event, CF.Post)


def test_every_record_is_derived_from_the_article_with_evidence():
    # Records (claims, qualified relations, quantities, intervals and instants, images) are what
    # the article is the source of: prov:wasDerivedFrom it, with a verbatim evidence string.
    data = kgload.data_graph()
    closure = kgload.kg_graph(reason=True)
    records = {node for kind in RECORDS for node in closure.subjects(RDF.type, kind)} & set(data.subjects())
    assert len(records) > 50
    for node in records:
        # directly, or through the captioned photo it is derived from (audit A5)
        sources = set(data.transitive_objects(node, URIRef(PROV + "wasDerivedFrom"))) - {node}
        assert CFR["source-article"] in sources, node
        assert data.value(node, CF.evidence) is not None, node


def test_every_world_entity_is_mentioned_in_the_article_not_derived_from_it():
    # Armenia, Pashinyan or the 2020 war were not derived from the article: the article mentions them.
    data = kgload.data_graph()
    closure = kgload.kg_graph(reason=True)
    world = {node for kind in WORLD for node in closure.subjects(RDF.type, kind)} & set(data.subjects())
    assert len(world) > 40
    for node in world:
        assert (node, CF.mentionedIn, CFR["source-article"]) in data, node
        assert (node, URIRef(PROV + "wasDerivedFrom"), None) not in data, node
        assert data.value(node, CF.evidence) is not None, node


def test_wikidata_links_use_only_the_checked_identifiers():
    data, allowed = kgload.data_graph(), set(kgload.wikidata_ids())
    links = [str(o) for o in data.objects() if str(o).startswith("http://www.wikidata.org/")]
    assert links and all(link.startswith(kgload.WD) for link in links)
    assert {link.removeprefix(kgload.WD) for link in links} <= allowed
    assert not any(isinstance(o, URIRef) and str(o).startswith(kgload.WD) for o in data.objects(None, URIRef("http://www.w3.org/2002/07/owl#sameAs")))
    # schema:sameAs, never a SKOS mapping (which would make states and people skos:Concepts).
    assert {str(o) for o in data.objects(None, URIRef(SCHEMA + "sameAs"))} == set(links)
    assert list(data.subject_objects(SKOS.exactMatch)) == [] and list(data.subject_objects(SKOS.closeMatch)) == []


def test_region_is_not_the_self_declared_republic_and_stepanakert_is_absent():
    data = kgload.data_graph()
    region = CFR["nagorno-karabakh"]
    assert URIRef(kgload.WD + "Q244165") not in set(data.objects())
    assert URIRef(kgload.WD + "Q129352") not in set(data.objects())
    assert not any("stepanakert" in str(term).lower() for triple in data for term in triple)
    assert Literal("Artsakh", lang="en") in set(data.objects(region, SKOS.altLabel))
    assert (region, RDF.type, CF.Region) in data


def test_more_than_120000_is_a_lower_bound_not_a_number():
    data = kgload.data_graph()
    quantity = data.value(CFR["expected-displacement"], CF.displacedCount)
    assert data.value(quantity, CF.qualifier) == CF.MoreThan
    assert data.value(quantity, CF.value) == Literal(120000)
    assert data.value(quantity, CF.countOf) == CF.People


def test_dates_keep_the_precision_of_the_article():
    data = kgload.data_graph()
    war = CFR["second-karabakh-war"]
    # A 44-day war is not a point in time: an interval in 2020, no cf:date (W9).
    assert data.value(war, CF.date) is None
    interval = data.value(war, CF.hasInterval)
    assert data.value(interval, CF.start) == Literal("2020", datatype=XSD.gYear)
    assert data.value(interval, CF.end) == Literal("2020", datatype=XSD.gYear)
    assert data.value(war, CF.duration) == Literal("P44D", datatype=XSD.duration)
    assert data.value(CFR["september-2022-fighting"], CF.date) == Literal("2022-09", datatype=XSD.gYearMonth)
    # the date is on the act of stating (a speech act, R10), not on the claim it asserts
    assert data.value(CFR["speech-pashinyan-2023-09-23"], CF.date) == Literal("2023-09-23", datatype=XSD.date)
    assert data.value(CFR["statement-pashinyan-2023-09-23"], CF.date) is None
    # "last week": only bounded by the article's own dates, no day imported.
    operation = CFR["azerbaijan-military-operation-2023"]
    assert data.value(operation, CF.date) is None
    assert data.value(operation, CF.notAfter) == Literal("2023-09-23", datatype=XSD.date)
    assert not any("2023-09-19" in str(o) or "19 September" in str(o) for o in data.objects())


def test_article_has_no_publication_date_only_a_bound():
    data = kgload.data_graph()
    article = CFR["source-article"]
    assert (article, RDF.type, URIRef(SCHEMA + "NewsArticle")) in data
    assert data.value(article, URIRef(SCHEMA + "datePublished")) is None
    assert data.value(article, CF.notBefore) == Literal("2023-09-23", datatype=XSD.date)
    assert data.value(article, CF.siteCopyrightYear) == Literal("2024", datatype=XSD.gYear)
    assert str(data.value(data.value(article, URIRef(SCHEMA + "publisher")), RDFS.label)).startswith("IRIA - International Relations Insights & Analysis")


def test_the_ethnic_americans_slip_is_a_note_not_a_fact():
    # The slip may be quoted as evidence (verbatim) and discussed in notes, never used in our own words.
    data = kgload.data_graph()
    facts = [o for p, o in data.predicate_objects() if p not in (CF.editorialNote, CF.evidence)]
    assert not any("American" in str(o) for o in facts)
    for node in (CFR["concern-armenian-leadership-ethnic-cleansing"], CFR["assertion-leadership-encourages-migration"]):
        note = str(data.value(node, CF.editorialNote))
        assert "Americans" in note and "Armenians" in note


def test_attributed_content_is_claimed_not_asserted():
    data = kgload.data_graph()
    seizure = CFR["report-weapons-seized"]
    assert (seizure, RDF.type, CF.AttributedReport) in data
    assert data.value(seizure, CF.claimant) == CFR["unnamed-source"]
    for assertion in ("assertion-peace-deals-never-matured", "assertion-christian-stronghold"):
        assert data.value(CFR[assertion], CF.claimant) == CFR.iria


def test_every_referenced_resource_is_described():
    data, ontology = kgload.data_graph(), kgload.ontology_graph()
    described = set(data.subjects(RDF.type, None)) | set(ontology.subjects())
    referenced = {o for o in data.objects() if isinstance(o, URIRef) and str(o).startswith((str(CFR), str(CF)))}
    assert referenced - described == set()
