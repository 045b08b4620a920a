"""Competency questions: each named query in queries/ returns the answers the article supports.

Expected rows are written from the article (and the modelling choices in
data/karabakh.ttl), not copied from query output. Cells: IRIs as full IRIs,
literals as their lexical form, unbound as "".
"""

from __future__ import annotations

import re

import pytest

import kgload
from kgload import run_query


def r(local: str) -> str:
    """A resource IRI (cfr:)."""
    return str(kgload.CFR) + local


def c(local: str) -> str:
    """An ontology term IRI (cf:)."""
    return str(kgload.CF) + local


ARTICLE = r("source-article")
ARTICLE_LABEL = "IRIA article: Ethnic Armenians to leave Nagorno-Karabakh region after Azerbaijan’s victory"
OPERATION = r("azerbaijan-military-operation-2023")
OPERATION_LABEL = "Azerbaijan’s military operation in Nagorno-Karabakh (2023)"
RUSSIA_INVOLVED = {
    (r("csto"), "CSTO"),  # led by Russia
    (r("peace-deal-2020"), "Russian-brokered peace deal that ended the Second Karabakh War"),  # broker
    (r("russian-peace-deals"), "Russia’s attempts to broker several peace deals between Armenia and Azerbaijan"),  # mediator
    (r("accusation-armenians-peace-deal"), "Armenians accuse Moscow of failing to guarantee the 2020 peace deal"),  # accused
    (r("accusation-pashinyan-blames-russia"), "Pashinyan blames Russia for failing to do enough for Armenia"),  # accused
    (r("announcement-pashinyan-review-alliance"), "Pashinyan says he will review Armenia’s alliance with Moscow"),  # about
    (r("appeal-armenia-to-russia"), "Armenia’s appeals to Russia"),  # addressee of the speech act (A4)
    (r("assertion-moscow-never-intervened"), "IRIA: Moscow has never intervened militarily in the conflict"),  # about
    (r("assertion-peace-deals-never-matured"), "IRIA: Russia’s peace deals never matured because Moscow leans towards Armenia"),  # about
    (r("assertion-moscow-supports-armenia"), "IRIA: Moscow is inclined towards Armenia and supports it"),  # about (M6)
}

SOURCE_RELATIVE = "relative to its source's date (not before 2023-09-23)"  # cfr:source-article cf:notBefore
# Every event or claim of data/karabakh.ttl with a cf:date, an interval start, a bound or a
# relative time, in the expected order: (when, kind, thing, label, relativeTime).
TIMELINE_ROWS = [
    # "decades" is an approximate duration (cf:approximateDuration), not a time relative to the article (W1)
    ("2020", "not after", r("skirmishes-before-2020"), "decades of skirmishes before 2020", ""),
    ("2020", "exact", r("peace-deal-2020"), "Russian-brokered peace deal that ended the Second Karabakh War", ""),
    # a 44-day war has an interval, not a point date (W9)
    ("2020", "interval (2020 to 2020)", r("second-karabakh-war"), "Second Karabakh War", ""),
    ("2022-09", "exact", r("september-2022-fighting"), "September 2022 fighting", ""),
    ("2023-09-23", "not after", OPERATION, OPERATION_LABEL, "last week"),  # the central event
    # the act of stating, a speech act (R10); the claim it asserts has no date of its own
    ("2023-09-23", "exact", r("speech-pashinyan-2023-09-23"), "Pashinyan’s statement of 23 September 2023", ""),
    ("2023-09-23", "exact", r("weapons-display-shusha"), "display of weapons and equipment in Shusha", ""),
    ("", SOURCE_RELATIVE, r("declaration-aliyev-victory"), "Aliyev declares victory over Nagorno-Karabakh", "earlier this week"),
    ("", SOURCE_RELATIVE, r("claim-aliyev-independence-confined-to-history"),
     "Aliyev: the idea of an independent Nagorno-Karabakh is confined to history", "earlier this week"),
    ("", SOURCE_RELATIVE, r("claim-aliyev-region-under-baku-control"), "Aliyev: the region is fully under Baku’s control",
     "earlier this week"),
    ("", SOURCE_RELATIVE, r("accusation-pashinyan-blames-russia"), "Pashinyan blames Russia for failing to do enough for Armenia",
     "this week"),
    ("", SOURCE_RELATIVE, r("announcement-pashinyan-review-alliance"),
     "Pashinyan says he will review Armenia’s alliance with Moscow", "this week"),
    # Not here: cfr:source-article (cf:notBefore; a document, not an event or claim),
    # cfr:control-shusha-azerbaijan and the memberships, attestations and quantities with cf:asOf,
    # which are relations (states) or figures, and the tenures' intervals (cf:endNotBefore).
    # Undated events and claims (the expected displacement, the mediation attempts, the claimed
    # statements about the 2023 operation, the permission, the promise and the appeals ...) have
    # no time to place them by.
]
TIMELINE = set(TIMELINE_ROWS)

# name → (bindings, expected rows with reasoning, expected rows without reasoning or None if the same)
CASES: dict[str, tuple[dict[str, str] | None, set[tuple[str, ...]], set[tuple[str, ...]] | None]] = {
    "csto-members": (
        None,
        {(r("armenia"), "Armenia", r("russia"), "Russia")},
        set(),  # only cf:memberOf is asserted; cf:hasMember needs the inverse
    ),
    "post-holders": (
        None,
        {
            (r("nikol-pashinyan"), "Nikol Pashinyan", r("prime-minister-of-armenia"), "Prime Minister of Armenia",
             r("armenia"), "Armenia", "2023-09-23"),
            # his title is attested only "earlier this week", which may precede 23 September (O5)
            (r("ilham-aliyev"), "Ilham Aliyev", r("president-of-azerbaijan"), "President of Azerbaijan",
             r("azerbaijan"), "Azerbaijan", ""),
        },
        None,
    ),
    "azerbaijan-victories": (
        None,
        {
            (r("second-karabakh-war"), "Second Karabakh War", "2020", r("turkey")),
            (OPERATION, OPERATION_LABEL, "not after 2023-09-23", ""),
        },
        None,
    ),
    "names-of-nagorno-karabakh": (
        None,
        {
            ("Nagorno-Karabakh", r("iria"), "IRIA - International Relations Insights & Analysis"),
            ("Karabakh", r("iria"), "IRIA - International Relations Insights & Analysis"),
            ("Artsakh", r("armenia"), "Armenia"),
            ("Nagorno-Karabakh", r("nikol-pashinyan"), "Nikol Pashinyan"),
        },
        None,
    ),
    "territory-claims-and-control": (
        None,
        {
            ("claims", r("azerbaijan"), r("nagorno-karabakh"), "", r("territorial-claim-azerbaijan")),
            ("claims", r("armenia"), r("nagorno-karabakh"), "", r("territorial-claim-armenia")),
            # on the word of the caption, the source it is derived from (A5)
            ("controls", r("azerbaijan"), r("shusha"), "2023-09-23", r("image-weapons-shusha")),
            # Aliyev's word only: his cf:ControlClaim, no longer a fact-shaped cf:TerritorialControl (O6)
            ("controls, says the claimant", r("azerbaijan"), r("nagorno-karabakh"), "earlier this week",
             r("claim-aliyev-region-under-baku-control")),
        },
        None,
    ),
    "casualty-claims": (
        None,
        {
            (r("armenia"), OPERATION, c("PeopleKilled"), c("MoreThan"), "200"),
            (r("armenia"), OPERATION, c("PeopleInjured"), c("MoreThan"), "400"),
        },
        None,
    ),
    "reported-death-tolls": (
        None,
        {
            (r("nagorno-karabakh-conflict"), c("Deaths"), c("Hundreds"), ""),
            (r("september-2022-fighting"), c("SoldiersKilled"), c("MoreThan"), "100"),
        },
        None,
    ),
    "expected-displacement": (
        None,
        {(r("armenians-set-to-leave"), c("MoreThan"), "120000", c("People"), r("nagorno-karabakh"), r("armenia"),
          c("Expected"), r("nikol-pashinyan"))},
        None,
    ),
    "peace-deals": (
        None,
        {
            # concluded: brokered by Russia, ended the war; the accusers are unspecified Armenians (O9)
            (r("peace-deal-2020"), "concluded", c("Occurred"), r("russia"), r("second-karabakh-war"),
             r("accusation-armenians-peace-deal"), r("armenians-unspecified")),
            # attempted: a mediation attempt, not a concluded agreement (O3); "never matured" is IRIA's claim
            (r("russian-peace-deals"), "attempted", c("Attempted"), r("russia"), "",
             r("assertion-peace-deals-never-matured"), r("iria")),
        },
        None,
    ),
    "timeline": (
        None,
        TIMELINE,
        None,  # the class filter reads rdfs:subClassOf* itself, so no entailment is needed
    ),
    "leaders-on-2023-09-23": (
        None,
        {
            (r("nikol-pashinyan"), r("prime-minister-of-armenia"), r("statement-pashinyan-2023-09-23"),
             "The likelihood is increasing that the Armenians of Nagorno-Karabakh will see expulsion from their homeland as the only way out"),
            (r("nikol-pashinyan"), r("prime-minister-of-armenia"), r("statement-pashinyan-2023-09-23"),
             "will lovingly welcome our brothers and sisters from Nagorno-Karabakh."),
        },
        None,
    ),
    "source-of-fact": (
        {"fact": "cfr:membership-armenia-csto"},
        {(r("membership-armenia-csto"), "Armenia is a part of the Russian-led CSTO military alliance", ARTICLE, ARTICLE_LABEL)},
        None,
    ),
    "involving-russia": (
        None,
        RUSSIA_INVOLVED,
        set(),  # only specific roles (broker, accused, ...) are asserted
    ),
    "events-in-nagorno-karabakh": (
        None,
        {
            (OPERATION, OPERATION_LABEL, "in the region", ""),  # cf:tookPlaceIn cfr:nagorno-karabakh, asserted
            # in Shusha, which lies in the region (property chain with cf:locatedIn)
            (r("weapons-display-shusha"), "display of weapons and equipment in Shusha", "in the region", ""),
            # fought in the territory it recaptured, "in and around" the region: geo:sfOverlaps (M3)
            (r("second-karabakh-war"), "Second Karabakh War", "partly in the region", r("territory-recaptured-2020")),
            # the operation is an episode of the conflict (cf:episodeOf), which took place there through it
            (r("nagorno-karabakh-conflict"), "Nagorno-Karabakh conflict", "through an episode", OPERATION),
            # "several armed conflicts on this issue": the region is what the conflict is over (M3)
            (r("nagorno-karabakh-conflict"), "Nagorno-Karabakh conflict", "over the region", ""),
        },
        {
            (OPERATION, OPERATION_LABEL, "in the region", ""),
            (r("second-karabakh-war"), "Second Karabakh War", "partly in the region", r("territory-recaptured-2020")),
            (r("nagorno-karabakh-conflict"), "Nagorno-Karabakh conflict", "through an episode", OPERATION),
            (r("nagorno-karabakh-conflict"), "Nagorno-Karabakh conflict", "over the region", ""),
        },
    ),
    "christian-groups": (
        None,
        {
            (r("karabakh-armenians"), "Karabakh Armenians"),
            (r("armenians-set-to-leave"), "ethnic Armenians set to leave Nagorno-Karabakh"),
        },
        {(r("karabakh-armenians"), "Karabakh Armenians")},
    ),
    "places-in-the-historic-area": (
        None,
        {(r("nagorno-karabakh"), "Nagorno-Karabakh region"), (r("shusha"), "Shusha")},
        {(r("nagorno-karabakh"), "Nagorno-Karabakh region")},
    ),
    "article-analysis": (
        None,
        {
            (r("assertion-moscow-never-intervened"), r("iria"),
             "Moscow has never intervened in the conflict militarily despite Yerevan’s appeals."),
            # the whole sentence, both halves (M6)
            (r("assertion-peace-deals-never-matured"), r("iria"),
             "Russia tried to broker several peace deals between the two former Soviet Union states, however, due to "
             "Moscow’s inclination and support towards Armenia, none of the deals have ever matured."),
            # the unhedged sub-heading is IRIA's (A1, M2)
            (r("assertion-weapons-seized"), r("iria"), "Azerbaijan seized weapons from Karabakh Armenians"),
            # the "latest conflict between the two countries" framing, a claimed statement of IRIA (O1)
            (r("claim-iria-latest-conflict-between-the-two-countries"), r("iria"),
             "The two countries have had several armed conflicts on this issue, with the latest one resulting in an "
             "evident victory for Azerbaijan."),
            (r("assertion-christian-stronghold"), r("iria"),
             "The region has always been a Christian stronghold and home to ethnic Armenians."),
            (r("assertion-centuries-long-history"), r("iria"),
             "an area that has a centuries-long history dating back to the times of the Ottoman and Russian empires"),
            # the reason it gives for the deals' failure, a claim of its own behind the attributed backing (M6)
            (r("assertion-moscow-supports-armenia"), r("iria"), "due to Moscow’s inclination and support towards Armenia"),
            # the article's characterisation of who pushes the exodus (M1)
            (r("assertion-leadership-encourages-migration"), r("iria"),
             "encouraging the ethnic Americans to migrate from the region"),
        },
        None,
    ),
}
REASONING_QUERIES = [name for name, (_, _, without) in CASES.items() if without is not None]


def query_names() -> list[str]:
    return sorted(path.stem for path in kgload.QUERIES_DIR.glob("*.rq"))


def test_there_are_at_least_twelve_named_questions():
    names = query_names()
    assert len(names) >= 12
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", name) for name in names)


@pytest.mark.parametrize("name", query_names())
def test_query_starts_with_its_question_and_declares_its_prefixes(name):
    text = kgload.query_text(name)
    assert text.startswith("# Question: ")
    used = set(re.findall(r"(?<![\w<\"#])([a-z][a-z0-9]*):[A-Za-z_]", re.sub(r"#.*", "", text)))
    declared = set(re.findall(r"PREFIX\s+([a-z][a-z0-9]*):", text))
    assert used <= declared


@pytest.mark.parametrize("name", sorted(CASES))
def test_question_has_its_expected_answer_with_reasoning(name):
    bindings, expected, _ = CASES[name]
    rows = run_query(kgload.query_text(name), reason=True, bindings=bindings)
    assert len(rows) == len(set(rows))
    assert set(rows) == expected


@pytest.mark.parametrize("name", sorted(CASES))
def test_question_without_reasoning_misses_only_what_needs_it(name):
    bindings, expected, without = CASES[name]
    rows = set(run_query(kgload.query_text(name), reason=False, bindings=bindings))
    assert rows == (expected if without is None else without)


def test_at_least_three_questions_need_owl_rl_reasoning():
    assert len(REASONING_QUERIES) >= 3
    for name in REASONING_QUERIES:
        _, expected, without = CASES[name]
        assert without < expected


def test_every_question_runs_identically_in_rdflib():
    # Standard SPARQL only: rdflib gives the same answers as pyoxigraph.
    graph = kgload.kg_graph(reason=False)
    for name in query_names():
        if name == "source-of-fact":
            continue  # needs a binding; covered through run_query
        expected = set(run_query(kgload.query_text(name), reason=False))
        rows = {tuple("" if v is None else str(v) for v in row) for row in graph.query(kgload.query_text(name))}
        assert rows == expected, name


def test_timeline_is_in_date_order():
    # By date or bound; at one date, what happened by then (not after), then exact dates; relative
    # times last, at their source's bound (2023-09-23). Ties by label.
    for reason in (True, False):
        assert run_query(kgload.query_text("timeline"), reason=reason) == TIMELINE_ROWS


def test_timeline_says_what_kind_of_date_each_row_has():
    # A bound or a relative time is never shown as if it were the date.
    for when, kind, *_ in run_query(kgload.query_text("timeline"), reason=True):
        assert kind in {"exact", "not after", "not before"} or kind.startswith(("interval (", "relative to "))
        assert (when == "") == kind.startswith("relative to ")


def test_source_of_fact_answers_for_any_bound_fact():
    rows = run_query(kgload.query_text("source-of-fact"), reason=False, bindings={"fact": f"<{r('second-karabakh-war')}>"})
    evidence = {row[1] for row in rows}
    assert "In 2020, after decades of skirmishes, Azerbaijan, backed by Turkey, won a decisive 44-day Second Karabakh War, recapturing territory in and around the Karabakh region." in evidence
    assert all(row[0] == r("second-karabakh-war") and row[2] == ARTICLE for row in rows)


def test_editorial_notes_point_at_the_slips():
    rows = run_query(kgload.query_text("editorial-notes"), reason=False)
    nodes = {row[0] for row in rows}
    assert {r("concern-armenian-leadership-ethnic-cleansing"), r("report-weapons-seized"), ARTICLE,
            r("assertion-peace-deals-never-matured")} <= nodes
