"""The SKOS typologies (ontology/typologies.ttl), as a user finds them with `kgtool query`.

Expected answers are the datasets' own codebooks (UCDP GED 24.1, UCDP/PRIO 24.1, ACLED 2023,
CAMEO 1.1b3, the Admiralty grading), written out here, not read back from the graph.
"""

from __future__ import annotations

import json
from collections import Counter

import pytest

MAPPINGS = ("skos:exactMatch", "skos:closeMatch", "skos:broadMatch", "skos:narrowMatch", "skos:relatedMatch")

# ACLED Codebook (2023): event type -> its sub-event types, spelt as the codebook spells them.
ACLED = {
    "Battles": {"Armed clash", "Government regains territory", "Non-state actor overtakes territory"},
    "Explosions/Remote violence": {
        "Chemical weapon", "Air/drone strike", "Suicide bomb", "Shelling/artillery/missile attack",
        "Remote explosive/landmine/IED", "Grenade",
    },
    "Violence against civilians": {"Sexual violence", "Attack", "Abduction/forced disappearance"},
    "Protests": {"Peaceful protest", "Protest with intervention", "Excessive force against protesters"},
    "Riots": {"Violent demonstration", "Mob violence"},
    "Strategic developments": {
        "Agreement", "Arrests", "Change to group/activity", "Disrupted weapons use", "Headquarters or base established",
        "Looting/property destruction", "Non-violent transfer of territory", "Other",
    },
}

# CAMEO 1.1b3: the 20 root codes (and 112, the one sub-code kgtool's data need).
CAMEO = {
    "01": "Make public statement", "02": "Appeal", "03": "Express intent to cooperate", "04": "Consult",
    "05": "Engage in diplomatic cooperation", "06": "Engage in material cooperation", "07": "Provide aid",
    "08": "Yield", "09": "Investigate", "10": "Demand", "11": "Disapprove", "12": "Reject", "13": "Threaten",
    "14": "Protest", "15": "Exhibit force posture", "16": "Reduce relations", "17": "Coerce", "18": "Assault",
    "19": "Fight", "20": "Use unconventional mass violence", "112": "Accuse",
}


@pytest.fixture
def select(kg):
    """Run a SELECT through `kgtool query --format json`; rows as dicts of plain values."""

    def run(text: str, *options: str) -> list[dict[str, str]]:
        result = kg("query", text, "--format", "json", *options)
        assert result.exit_code == 0, result.stderr
        doc = json.loads(result.stdout)
        return [{var: cell["value"] for var, cell in row.items()} for row in doc["results"]["bindings"]]

    return run


def notations_and_labels(select, scheme: str) -> dict[str, str]:
    rows = select(f"SELECT ?n ?l WHERE {{ ?c skos:inScheme {scheme} ; skos:notation ?n ; skos:prefLabel ?l }}")
    assert len({row["n"] for row in rows}) == len(rows), rows  # one label per code
    return {row["n"]: row["l"] for row in rows}


def test_ucdp_type_of_violence_has_exactly_the_three_codes_of_the_ged_codebook(select):
    assert notations_and_labels(select, "cft:UcdpTypeOfViolence") == {
        "1": "State-based conflict", "2": "Non-state conflict", "3": "One-sided violence",
    }


@pytest.mark.parametrize(
    ("scheme", "expected"),
    [
        ("cft:UcdpIncompatibility", {"1": "Territory", "2": "Government", "3": "Government and territory"}),
        ("cft:UcdpConflictType", {"1": "Extrasystemic", "2": "Interstate", "3": "Intrastate", "4": "Internationalised intrastate"}),
        ("cft:UcdpIntensity", {"1": "Minor", "2": "War"}),
        ("cft:AcledTimePrecision", {"1": "Actual date", "2": "Week or weekend", "3": "Month"}),
        ("cft:SourceReliability", {
            "A": "Completely reliable", "B": "Usually reliable", "C": "Fairly reliable",
            "D": "Not usually reliable", "E": "Unreliable", "F": "Reliability cannot be judged",
        }),
        ("cft:InformationCredibility", {
            "1": "Confirmed by other sources", "2": "Probably true", "3": "Possibly true",
            "4": "Doubtful", "5": "Improbable", "6": "Truth cannot be judged",
        }),
        ("cft:ActorKind", {
            "1": "State forces", "2": "Rebel groups", "3": "Political militias", "4": "Identity militias",
            "5": "Rioters", "6": "Protesters", "7": "Civilians", "8": "External/Other forces",
        }),
        ("cft:CameoRoot", CAMEO),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_a_coded_scheme_has_exactly_the_codes_and_names_of_its_codebook(select, scheme, expected):
    assert notations_and_labels(select, scheme) == expected


@pytest.mark.parametrize(("scheme", "codes"), [("cft:UcdpDatePrecision", 5), ("cft:UcdpWherePrecision", 7), ("cft:AcledGeoPrecision", 3)])
def test_precision_schemes_are_numbered_from_1(select, scheme, codes):
    assert set(notations_and_labels(select, scheme)) == {str(n) for n in range(1, codes + 1)}


def test_the_sub_event_types_of_battles_are_exactly_the_three_of_the_acled_codebook(select):
    rows = select("SELECT ?l WHERE { ?s skos:broader cft:acled-battles ; skos:inScheme cft:AcledSubEventType ; skos:prefLabel ?l }")
    assert sorted(row["l"] for row in rows) == ["Armed clash", "Government regains territory", "Non-state actor overtakes territory"]


def test_acled_has_six_event_types_and_twenty_five_sub_event_types_each_under_its_codebook_type(select):
    types = select("SELECT ?l WHERE { ?t skos:topConceptOf cft:AcledEventType ; skos:prefLabel ?l }")
    assert sorted(row["l"] for row in types) == sorted(ACLED)
    rows = select("""
        SELECT ?sub ?type WHERE {
          ?s skos:inScheme cft:AcledSubEventType ; skos:prefLabel ?sub ; skos:broader ?t .
          ?t skos:inScheme cft:AcledEventType ; skos:prefLabel ?type }""")
    assert len(rows) == 25
    found: dict[str, set[str]] = {}
    for row in rows:
        found.setdefault(row["type"], set()).add(row["sub"])
    assert found == ACLED


def test_an_acled_export_value_finds_its_concept_by_notation(select):
    """ACLED stores names, not numbers: the notation is the name, so a raw row value looks its concept up."""
    rows = select('SELECT ?c WHERE { ?c skos:inScheme cft:AcledSubEventType ; skos:notation "Shelling/artillery/missile attack" }')
    assert rows == [{"c": "https://w3id.org/kgtool/typology/acled-shelling-artillery-missile-attack"}]


def test_cameo_accuse_is_under_disapprove(select):
    rows = select('SELECT ?n ?l WHERE { ?c skos:inScheme cft:CameoRoot ; skos:notation "112" ; skos:broader ?b . ?b skos:notation ?n ; skos:prefLabel ?l }')
    assert rows == [{"n": "11", "l": "Disapprove"}]


def test_every_concept_has_one_english_label_one_definition_one_notation_and_exactly_one_scheme(select):
    rows = select("""
        SELECT ?c (COUNT(DISTINCT ?s) AS ?schemes) (COUNT(DISTINCT ?l) AS ?labels) (COUNT(DISTINCT ?d) AS ?defs) (COUNT(DISTINCT ?n) AS ?notations)
        WHERE {
          ?c a skos:Concept .
          OPTIONAL { ?c skos:inScheme ?s }
          OPTIONAL { ?c skos:prefLabel ?l FILTER(langMatches(lang(?l), "en")) }
          OPTIONAL { ?c skos:definition ?d FILTER(langMatches(lang(?d), "en")) }
          OPTIONAL { ?c skos:notation ?n }
        } GROUP BY ?c""")
    assert len(rows) >= 134  # 3+3+4+2+6+5+7 UCDP, 6+25+3+3+8 ACLED, 21 CAMEO, 2+3+3+8+6+6+6+4 kgtool
    wrong = [row for row in rows if (row["schemes"], row["labels"], row["defs"], row["notations"]) != ("1", "1", "1", "1")]
    assert wrong == []


def test_every_concept_is_a_top_concept_of_its_scheme_or_has_a_broader_concept(select):
    rows = select("""
        SELECT ?c WHERE {
          ?c a skos:Concept ; skos:inScheme ?s .
          FILTER NOT EXISTS { ?c skos:topConceptOf ?s }
          FILTER NOT EXISTS { ?c skos:broader ?b }
        }""")
    assert rows == []


def test_notations_are_unique_within_each_scheme(select):
    rows = select("""
        SELECT ?s ?n (COUNT(?c) AS ?k) WHERE { ?c skos:inScheme ?s ; skos:notation ?n }
        GROUP BY ?s ?n HAVING (COUNT(?c) > 1)""")
    assert rows == []


def test_every_scheme_names_its_codebook(select):
    rows = select("""
        SELECT ?s WHERE {
          ?s a skos:ConceptScheme .
          FILTER NOT EXISTS { ?s rdfs:label ?l ; skos:definition ?d ; dcterms:source ?src }
        }""")
    assert rows == []
    schemes = select("SELECT ?s WHERE { ?s a skos:ConceptScheme }")
    assert len(schemes) >= 21


def test_skos_mappings_only_link_concepts_of_different_schemes(select):
    """Audit W4: exactMatch/closeMatch/broadMatch... are for concepts; never on cf: terms or cfr: individuals."""
    values = " ".join(MAPPINGS)
    rows = select(f"""
        SELECT ?a ?p ?b WHERE {{
          VALUES ?p {{ {values} }}
          ?a ?p ?b .
          FILTER NOT EXISTS {{
            ?a a skos:Concept ; skos:inScheme ?sa .
            ?b a skos:Concept ; skos:inScheme ?sb .
            FILTER(?sa != ?sb)
          }}
        }}""")
    assert rows == []
    assert len(select(f"SELECT * WHERE {{ VALUES ?p {{ {values} }} ?a ?p ?b }}")) > 0


def test_no_cf_term_or_cfr_individual_is_a_skos_concept_or_mapped(select):
    rows = select("""
        SELECT DISTINCT ?x WHERE {
          { ?x a skos:Concept } UNION { ?x skos:exactMatch|skos:closeMatch|skos:broadMatch|skos:narrowMatch ?y }
          UNION { ?y skos:exactMatch|skos:closeMatch|skos:broadMatch|skos:narrowMatch ?x }
          FILTER(STRSTARTS(STR(?x), STR(cf:)) || STRSTARTS(STR(?x), STR(cfr:)))
        }""")
    assert rows == []


def test_ucdp_one_sided_violence_is_close_to_acled_violence_against_civilians_both_ways(select):
    rows = select("""
        SELECT ?from ?to WHERE {
          ?a skos:closeMatch ?b . ?a skos:prefLabel ?from . ?b skos:prefLabel ?to .
          VALUES ?a { cft:one-sided-violence cft:acled-violence-against-civilians }
        }""")
    assert sorted((row["from"], row["to"]) for row in rows) == [
        ("One-sided violence", "Violence against civilians"),
        ("Violence against civilians", "One-sided violence"),
    ]


def test_an_acled_battle_is_a_narrower_notion_than_cameo_fight(select):
    """Every ACLED battle is a CAMEO 19 "Fight" (use of conventional military force), not the other way
    round: Fight also covers air strikes, blockades and occupation. broadMatch points to the broader."""
    broader = select('SELECT ?n WHERE { cft:acled-battles skos:broadMatch ?c . ?c skos:inScheme cft:CameoRoot ; skos:notation ?n }')
    narrower = select('SELECT ?l WHERE { cft:cameo-19 skos:narrowMatch ?c . ?c skos:inScheme cft:AcledEventType ; skos:prefLabel ?l }')
    assert (broader, narrower) == ([{"n": "19"}], [{"l": "Battles"}])


def test_exact_and_close_matches_are_asserted_in_both_directions(select):
    rows = select("""
        SELECT ?a ?p ?b WHERE {
          VALUES ?p { skos:exactMatch skos:closeMatch }
          ?a a skos:Concept ; ?p ?b FILTER NOT EXISTS { ?b ?p ?a }
        }""")
    assert rows == []
    rows = select("""
        SELECT ?a ?b WHERE {
          ?a a skos:Concept .
          { ?a skos:broadMatch ?b FILTER NOT EXISTS { ?b skos:narrowMatch ?a } }
          UNION { ?b skos:narrowMatch ?a FILTER NOT EXISTS { ?a skos:broadMatch ?b } }
        }""")
    assert rows == []


def test_the_typologies_add_nothing_the_reasoner_merges_or_types(select):
    """OWL RL-safe: with the entailments, no concept is the same as another, and concepts gain no cf: type."""
    merged = select("SELECT ?a ?b WHERE { ?a a skos:Concept ; owl:sameAs ?b FILTER(?a != ?b) }")
    typed = select("SELECT DISTINCT ?t WHERE { ?c a skos:Concept ; a ?t }")
    assert merged == []
    assert {row["t"] for row in typed} <= {
        "http://www.w3.org/2004/02/skos/core#Concept",
        "http://www.w3.org/2002/07/owl#Thing",
        "http://www.w3.org/2000/01/rdf-schema#Resource",
    }


def test_concept_counts_per_scheme(select):
    rows = select("SELECT ?s (COUNT(?c) AS ?k) WHERE { ?c skos:inScheme ?s } GROUP BY ?s")
    counts = Counter({row["s"].rsplit("/", 1)[-1]: int(row["k"]) for row in rows})
    assert counts == {
        "UcdpTypeOfViolence": 3, "UcdpDatePrecision": 5, "UcdpWherePrecision": 7, "UcdpIncompatibility": 3,
        "UcdpConflictType": 4, "UcdpIntensity": 2, "UcdpOutcome": 6, "AcledEventType": 6, "AcledSubEventType": 25,
        "AcledTimePrecision": 3, "AcledGeoPrecision": 3, "ActorKind": 8, "CameoRoot": 21,
        "DisplacementCharacter": 2, "DisplacementKind": 3, "VictimCategory": 3, "SourceType": 8,
        "SourceReliability": 6, "InformationCredibility": 6, "AgreementStatus": 6, "OutcomeType": 4,
    }
