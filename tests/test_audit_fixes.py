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


def from_article(node, graph=None) -> bool:
    """The node is derived from the article, directly or through a source derived from it (the captioned photo, A5)."""
    graph = data() if graph is None else graph
    return ARTICLE in set(graph.transitive_objects(node, PROV.wasDerivedFrom)) - {node}


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
    assert [node for node in records() if not from_article(node, graph)] == []
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
    assert len(intervals) == 4  # the war, the two tenures, the Soviet Union's existence (Q3)
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
# Section 1 content: O1, A1/M2, O8, O3/M8, M1, M3, M4, O2/O9, O6, editorial notes, Q11/A6
# ---------------------------------------------------------------------------

def test_o1_armenia_is_not_a_belligerent_of_the_2023_operation():
    graph, reasoned = data(), closure()
    assert set(graph.objects(OPERATION, CF.belligerent)) == {CFR.azerbaijan}
    assert (OPERATION, CF.participant, CFR.armenia) not in reasoned
    assert (CFR.armenia, CF.participantIn, OPERATION) not in reasoned


def test_o1_the_latest_conflict_between_the_two_countries_is_irias_claimed_statement():
    claims = claimed_statements(OPERATION, CF.belligerent, CFR.armenia)
    assert len(claims) == 1
    claim = claims.pop()
    assert data().value(claim, CF.claimant) == CFR.iria
    assert (claim, PROV.wasDerivedFrom, ARTICLE) in data()
    assert "The two countries have had several armed conflicts on this issue, with the latest one resulting in an evident victory for Azerbaijan." in evidence(claim)


def test_o1_the_karabakh_armenian_side_is_a_hedged_claim_of_the_unnamed_source():
    claims = claimed_statements(OPERATION, CF.belligerent, CFR["karabakh-armenians"])
    assert len(claims) == 1
    claim = claims.pop()
    graph = data()
    assert graph.value(claim, CF.claimant) == CFR["unnamed-source"]
    assert graph.value(claim, CF.hedge) == Literal("said to be")
    assert any("said to be seized from Karabakh Armenians" in text for text in evidence(claim))
    assert (OPERATION, CF.belligerent, CFR["karabakh-armenians"]) not in graph


def test_a1_m2_the_sub_heading_is_irias_unhedged_assertion_apart_from_the_captions_report():
    graph = data()
    heading = "Azerbaijan seized weapons from Karabakh Armenians"
    holders = {node for node, text in graph.subject_objects(CF.evidence) if str(text) == heading}
    assert holders == {CFR["assertion-weapons-seized"]}
    assertion = CFR["assertion-weapons-seized"]
    assert (assertion, RDF.type, CF.AnalyticalAssertion) in graph
    assert graph.value(assertion, CF.claimant) == CFR.iria
    assert graph.value(assertion, CF.hedge) is None
    report = CFR["report-weapons-seized"]
    assert graph.value(report, CF.claimant) == CFR["unnamed-source"]
    assert graph.value(report, CF.hedge) == Literal("said to be")


def test_o8_the_hedged_reports_paraphrase_does_not_name_azerbaijan_as_the_seizer():
    paraphrase = str(data().value(CFR["report-weapons-seized"], CF.paraphrase))
    assert "Azerbaijan" not in paraphrase
    assert "not stated" in paraphrase


def test_o3_the_attempted_deals_are_a_mediation_attempt_with_a_status_not_an_agreement():
    graph, reasoned = data(), closure()
    attempts = CFR["russian-peace-deals"]
    assert (attempts, RDF.type, CF.MediationAttempt) in graph
    assert (attempts, RDF.type, CF.Agreement) not in reasoned
    assert graph.value(attempts, CF.broker) is None
    assert graph.value(attempts, CF.mediator) == CFR.russia
    assert graph.value(attempts, CF.status) == CF.Attempted
    quantity = graph.value(attempts, CF.figure)
    assert graph.value(quantity, CF.qualifier) == CF.Several
    assert "several" in " ".join(evidence(quantity))


def test_m8_the_never_matured_verdict_is_in_tension_with_the_2020_deal():
    graph = data()
    verdict = CFR["assertion-peace-deals-never-matured"]
    assert (verdict, CF.inTensionWith, CFR["peace-deal-2020"]) in graph
    assert (CFR["peace-deal-2020"], CF.broker, CFR.russia) in graph


def test_m3_the_conflict_is_over_the_region_and_the_2020_war_is_located():
    graph = data()
    region, territory = CFR["nagorno-karabakh"], CFR["territory-recaptured-2020"]
    assert (CFR["nagorno-karabakh-conflict"], CF.contestedTerritory, region) in graph
    assert (territory, GEO.sfOverlaps, region) in graph
    assert (territory, CF.locatedIn, region) not in graph  # "in and around": overlap, not containment
    assert (CFR["second-karabakh-war"], CF.tookPlaceIn, territory) in graph


def test_m4_the_forced_and_voluntary_framings_are_claims_about_the_displacement():
    graph = data()
    displacement = CFR["expected-displacement"]
    # the framings are the claims the speech acts assert (A4): the statement's content, what the permission allows
    statement, permission = CFR["statement-pashinyan-2023-09-23"], CFR["claim-armenians-may-leave"]
    assert {displacement, CFR["armenia-prepares-reception"]} <= set(graph.objects(statement, CF.about))
    assert displacement in set(graph.objects(permission, CF.about))
    cft = Namespace("https://w3id.org/kgtool/typology/")
    assert graph.value(statement, CF.characterisedAs) == cft["forced-displacement"]
    assert graph.value(permission, CF.characterisedAs) == cft["voluntary-departure"]
    assert graph.value(statement, CF.characterises) == graph.value(permission, CF.characterises) == displacement
    # only claims characterise: the event itself carries no character
    assert graph.value(displacement, CF.characterisedAs) is None


def test_o2_armenian_leadership_is_unspecified_with_its_readings_not_armenias_government():
    graph = data()
    leadership = CFR["armenian-leadership"]
    assert (leadership, RDF.type, CF.UnspecifiedAgent) in graph
    assert graph.value(leadership, CF.governmentOf) is None
    assert set(graph.objects(leadership, CF.possibleReading)) == {CFR.armenia, CFR["karabakh-armenians"]}
    assert "Karabakh Armenians" in notes(leadership)


def test_o9_the_armenians_who_accuse_moscow_are_unspecified_not_the_ethnic_group():
    graph = data()
    accuser = graph.value(CFR["accusation-armenians-peace-deal"], CF.claimant)
    assert accuser != CFR["ethnic-armenians"]
    assert (accuser, RDF.type, CF.UnspecifiedAgent) in graph
    assert CFR["ethnic-armenians"] in set(graph.objects(accuser, CF.possibleReading))
    assert notes(accuser)
    assert claims_of(CFR["ethnic-armenians"]) == set()


def test_o6_alyievs_control_of_the_region_is_only_his_claim():
    graph, reasoned = data(), closure()
    controls = set(reasoned.subjects(RDF.type, CF.TerritorialControl))
    assert {graph.value(node, CF.controlledTerritory) for node in controls} == {CFR.shusha}
    claim = CFR["claim-aliyev-region-under-baku-control"]
    assert graph.value(claim, CF.claimedController) == CFR.azerbaijan


def test_editorial_notes_for_the_slips_the_team_missed():
    checks = {
        "quantity-conflict-deaths": ("S5", "total"),
        "territorial-claim-armenia": ("S6", "sovereignty"),
        "source-article": ("S8", "anchor"),
        "casualty-claim-armenia-2023": ("A7", "Karabakh Armenian officials"),
        "peace-deal-2020": ("S10", "ceasefire"),
        "nagorno-karabakh-conflict": ("S11", "dissolution"),
        "assertion-centuries-long-history": ("S11", "Khanate"),
    }
    for node, (finding, words) in checks.items():
        text = notes(CFR[node])
        assert finding in text and words in text, node


def test_o10_the_source_note_no_longer_says_the_article_calls_23_september_this_week():
    text = notes(ARTICLE)
    assert "which it calls 'this week'" not in text
    assert "on or after 23 September 2023" in text


def test_o4_capital_status_is_flagged_as_outside_knowledge():
    for city in ("baku", "yerevan", "moscow"):
        assert "Outside knowledge" in notes(CFR[city]), city


def test_o11_no_timeless_head_of_state_or_government_shortcuts():
    graph = data()
    assert list(graph.subject_objects(CF.headOfState)) == []
    assert list(graph.subject_objects(CF.headOfGovernment)) == []
    for post in ("prime-minister-of-armenia", "president-of-azerbaijan"):
        assert "O11" in notes(CFR[post])


# Shortcuts of qualified relations, whose node carries the provenance: the shortcut's subject and
# object as the qualified node's two properties. And the editorial readings of a vague agent,
# which the article does not state.
SHORTCUTS = {CF.memberOf: (CF.member, CF.organisation), CF.holds: (CF.holder, CF.heldPost),
             CF.backer: (CF.inEvent, CF.supporter)}
EDITORIAL = {CF.possibleReading}


def test_q11_a6_every_role_triple_between_world_entities_has_its_own_evidence():
    graph = data()
    world = world_entities()
    triples = [(s, p, o) for s, p, o in graph
               if s in world and o in world and str(p).startswith(str(CF)) and p not in EDITORIAL
               and p not in (CF.mentionedIn,)]
    assert len(triples) > 50
    missing = []
    for s, p, o in triples:
        if p in SHORTCUTS:
            first, second = SHORTCUTS[p]
            qualified = set(graph.subjects(first, s)) & set(graph.subjects(second, o))
            assert [n for n in qualified if from_article(n, graph) and evidence(n)], (s, p, o)
            continue
        nodes = attestations(s, p, o)
        if not nodes or not all(from_article(n, graph) and evidence(n) for n in nodes):
            missing.append((s, p, o))
    assert missing == []
    # the evidence of a role triple is specific to it: the victory in 2023 is not supported by the hedged caption
    victor = attestations(OPERATION, CF.victor, CFR.azerbaijan).pop()
    assert not any("said to be" in text or "recent military operation" in text for text in evidence(victor))


def test_the_term_sheets_new_terms_are_used_in_the_data():
    graph = data()
    used = set(graph.predicates()) | set(graph.objects(None, RDF.type))
    assert {CF.mentionedIn, CF.episodeOf, CF.clauseOf, CF.ClaimedStatement, CF.hedge, CF.UnspecifiedAgent,
            CF.possibleReading, CF.MediationAttempt, CF.mediator, CF.inTensionWith, CF.contestedTerritory,
            CF.characterisedAs, CF.characterises, CF.affiliatedWith, CF.after, CF.approximateDuration} <= used


def test_m5_the_grading_qualifiers_survive():
    graph = data()
    cft = Namespace("https://w3id.org/kgtool/typology/")
    assert graph.value(CFR["second-karabakh-war"], CF.outcomeType) == cft["decisive-victory"]
    paraphrases = {str(node).rsplit("/", 1)[-1]: str(text) for node, text in graph.subject_objects(CF.paraphrase)}
    assert "evident" in paraphrases["attestation-operation-victor-azerbaijan"]
    assert "major" in paraphrases["attestation-fighting-2022-episode-of-conflict"].lower()
    assert "fully" in paraphrases["claim-aliyev-region-under-baku-control"]
    assert "finally" in paraphrases["claim-aliyev-independence-confined-to-history"]
    assert "publicly" in paraphrases["accusation-pashinyan-blames-russia"]
    assert "again" in paraphrases["accusation-pashinyan-blames-russia"]
    # "more than 100 soldiers died from both sides": one figure for both sides together (Q6)
    soldiers = CFR["quantity-2022-soldiers-killed"]
    assert set(graph.objects(soldiers, CF.victimSide)) == {CFR.armenia, CFR.azerbaijan}
    assert graph.value(soldiers, CF.victimCategory) == cft["victim-combatant"]


def test_m6_every_claim_has_a_paraphrase_and_the_never_matured_verdict_its_grounds():
    graph, reasoned = data(), closure()
    claims = set(reasoned.subjects(RDF.type, CF.Claim)) & set(graph.subjects())
    assert len(claims) >= 24
    assert [claim for claim in claims if graph.value(claim, CF.paraphrase) is None] == []
    verdict = CFR["assertion-peace-deals-never-matured"]
    assert str(graph.value(verdict, CF.grounds)) == "Moscow’s inclination and support towards Armenia"
    assert any(text.startswith("Russia tried to broker several peace deals") for text in evidence(verdict))


def test_m7_the_captions_actors_are_tied_to_their_state_and_agency():
    graph = data()
    assert (CFR["azerbaijani-service-members"], CF.affiliatedWith, CFR.azerbaijan) in graph
    assert (CFR.reuters, RDF.type, CF.MediaOrganisation) in graph
    assert (CFR["image-weapons-shusha"], PROV.wasAttributedTo, CFR.reuters) in graph


def test_m9_present_tense_facts_hold_as_of_the_articles_latest_date():
    graph = data()
    as_of = Literal("2023-09-23", datatype=XSD.date)
    for node in ("membership-armenia-csto", "attestation-karabakh-armenians-live-in-region", "quantity-conflict-deaths",
                 "quantity-2023-killed-claimed", "quantity-2023-injured-claimed"):
        assert graph.value(CFR[node], CF.asOf) == as_of, node


def test_m10_the_however_and_following_the_recent_events_are_linked():
    graph = data()
    # what was promised (the claim the promise asserts, A4) is set against the concern
    assert (CFR["claim-aliyev-rights-and-security"], CF.contrastsWith, CFR["concern-armenian-leadership-ethnic-cleansing"]) in graph
    assert (CFR["announcement-pashinyan-review-alliance"], CF.respondsTo, OPERATION) in graph

def test_m1_the_encouragement_to_migrate_is_irias_assertion_with_its_slip_noted():
    graph = data()
    node = CFR["assertion-leadership-encourages-migration"]
    assert (node, RDF.type, CF.AnalyticalAssertion) in graph
    assert graph.value(node, CF.claimant) == CFR.iria
    assert {CFR["armenian-leadership"], CFR["karabakh-armenians"], CFR["expected-displacement"]} <= set(graph.objects(node, CF.about))
    assert evidence(node) == {"encouraging the ethnic Americans to migrate from the region"}
    note = notes(node)
    assert "Americans" in note and "Armenians" in note and "ambiguous" in note


# ---------------------------------------------------------------------------
# Left open after the first pass: A4 + R10, Q3, A5, M6 (the Russian support)
# ---------------------------------------------------------------------------

SPEECH_ACTS = {
    # act: (class, speaker, the claim it asserts or None)
    "permission-armenians-may-leave": (CF.Permission, CFR["azerbaijani-administration"], CFR["claim-armenians-may-leave"]),
    "promise-aliyev-rights-and-security": (CF.Promise, CFR["ilham-aliyev"], CFR["claim-aliyev-rights-and-security"]),
    "appeal-armenia-to-russia": (CF.Appeal, CFR.armenia, None),  # the article does not say what was asked
    "speech-pashinyan-2023-09-23": (CF.SpeechAct, CFR["nikol-pashinyan"], CFR["statement-pashinyan-2023-09-23"]),
}


def test_a4_r10_performatives_and_the_dated_statement_are_speech_act_events_not_claims():
    graph, reasoned = data(), closure()
    for name, (cls, speaker, claim) in SPEECH_ACTS.items():
        act = CFR[name]
        assert (act, RDF.type, cls) in graph, name
        assert (act, RDF.type, CF.SpeechAct) in reasoned and (act, RDF.type, CF.Event) in reasoned, name
        assert (act, RDF.type, CF.Claim) not in reasoned, name
        assert graph.value(act, CF.speaker) == speaker and graph.value(act, CF.claimant) is None, name
        # the act happened: the article reports it in its own voice
        assert graph.value(act, CF.status) == CF.Occurred, name
        assert (act, CF.mentionedIn, ARTICLE) in graph and (act, PROV.wasDerivedFrom, None) not in graph, name
        assert graph.value(act, CF.asserts) == claim, name
        if claim is not None:  # the proposition stays a claim of the speaker
            assert (claim, RDF.type, CF.Claim) in reasoned and (claim, RDF.type, CF.Event) not in reasoned, name
            assert graph.value(claim, CF.claimant) == speaker, name
    assert (CFR["appeal-armenia-to-russia"], CF.addressee, CFR.russia) in graph
    # nothing is both an event and a claim
    assert set(reasoned.subjects(RDF.type, CF.Event)) & set(reasoned.subjects(RDF.type, CF.Claim)) == set()


def test_r10_the_23_september_statement_is_dated_on_the_act_that_asserts_its_claim():
    graph = data()
    act, claim = CFR["speech-pashinyan-2023-09-23"], CFR["statement-pashinyan-2023-09-23"]
    assert graph.value(act, CF.date) == Literal("2023-09-23", datatype=XSD.date)
    assert graph.value(act, CF.cameoCode) == Namespace("https://w3id.org/kgtool/typology/")["cameo-01"]
    assert graph.value(claim, CF.date) is None
    assert (claim, RDF.type, CF.Statement) in graph and len(list(graph.objects(claim, CF.quotation))) == 2
    # no claim in the data is typed with a speech-act class any more
    for cls in (CF.Permission, CF.Promise, CF.Appeal):
        assert {s for s in graph.subjects(RDF.type, cls) if (s, CF.claimant, None) in graph} == set()


def test_a4_each_speech_acts_speaker_and_addressee_is_attested():
    for name, (_, speaker, _) in SPEECH_ACTS.items():
        assert attestations(CFR[name], CF.speaker, speaker), name
    assert attestations(CFR["appeal-armenia-to-russia"], CF.addressee, CFR.russia)


def test_q3_the_soviet_union_is_a_sovereign_state_whose_existence_ended_with_its_fall():
    graph, reasoned = data(), closure()
    union, fall = CFR["soviet-union"], CFR["fall-of-the-soviet-union"]
    assert (union, RDF.type, CF.SovereignState) in graph
    assert (union, RDF.type, CF.HistoricalPolity) not in reasoned
    interval = graph.value(union, CF.hasInterval)
    assert (interval, RDF.type, CF.Interval) in graph
    end = graph.value(interval, TIME.hasEnd)
    assert (end, RDF.type, TIME.Instant) in graph and not isinstance(end, BNode)
    assert (fall, TIME.hasTime, end) in graph  # ended by its fall
    # no outside dates: the article dates neither the fall nor the union's existence
    for node in (interval, end, fall):
        assert [o for _, o in graph.predicate_objects(node) if isinstance(o, Literal) and o.datatype is not None] == [], node
    assert graph.value(interval, TIME.hasBeginning) is None
    assert "Q3" in notes(union)


CAPTION = "Azerbaijani service members demonstrate weapons and equipment, that were said to be seized from Karabakh Armenians"


def test_a5_the_captions_facts_derive_from_the_captioned_photo_credited_to_reuters():
    graph = data()
    image = CFR["image-weapons-shusha"]
    assert str(graph.value(image, SCHEMA.caption)).startswith(CAPTION)
    # a source of its own, attributed to the agency it credits, derived from the article
    assert (image, RDF.type, CF.SourceDocument) in graph and (image, RDF.type, SCHEMA.ImageObject) in graph
    assert (image, PROV.wasAttributedTo, CFR.reuters) in graph
    assert (image, PROV.wasDerivedFrom, ARTICLE) in graph
    assert "uncertain" in notes(image) and "A5" in notes(image)
    caption = str(graph.value(image, SCHEMA.caption))
    derived = set(graph.subjects(PROV.wasDerivedFrom, image))
    # the Shusha control, the display's place and attendants, the hedged seizure and the side it implies
    assert {CFR["control-shusha-azerbaijan"], CFR["report-weapons-seized"], CFR["report-karabakh-armenians-opposed-the-operation"],
            CFR["attestation-display-in-shusha"], CFR["attestation-shusha-in-nagorno-karabakh"]} <= derived
    for node in derived:
        assert (node, PROV.wasDerivedFrom, ARTICLE) not in graph, node
        assert evidence(node) and all(text in caption for text in evidence(node)), node
    # every record whose evidence is all from the caption derives from the caption
    records_ = {node for node in records() if node != image and evidence(node)}
    from_caption = {node for node in records_ if all(text in caption for text in evidence(node))}
    assert from_caption == derived


def test_m6_irias_claim_of_russian_support_for_armenia_is_an_attributed_backing():
    graph, reasoned = data(), closure()
    support = "due to Moscow’s inclination and support towards Armenia"
    backings = {node for node in graph.subjects(RDF.type, CF.Backing)
                if (node, CF.supporter, CFR.russia) in graph and (node, CF.supported, CFR.armenia) in graph}
    assert len(backings) == 1
    backing = backings.pop()
    assertion = graph.value(backing, CF.accordingTo)
    assert (assertion, RDF.type, CF.AnalyticalAssertion) in graph
    assert graph.value(assertion, CF.claimant) == CFR.iria
    assert evidence(assertion) == {support} and support in evidence(backing)
    assert {CFR.russia, CFR.armenia} <= set(graph.objects(assertion, CF.about))
    assert (assertion, CF.clauseOf, CFR["assertion-peace-deals-never-matured"]) in graph
    assert graph.value(backing, CF.inEvent) == CFR["nagorno-karabakh-conflict"]
    # the support stays IRIA's word: Russia is the backer of nothing as a fact
    assert list(reasoned.subjects(CF.backer, CFR.russia)) == []
