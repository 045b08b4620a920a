"""OWL RL entailments: every reasoner (`kgtool`, the default; `reasonable`; `owlrl`) gives owlrl's, and the rules reasonable lacks are applied."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from kgtool import rdfio, reasoning

REPO = Path(__file__).resolve().parents[1]
CF = "https://w3id.org/kgtool/conflict#"
CFR = "https://w3id.org/kgtool/id/"
OWL_SAME_AS = "http://www.w3.org/2002/07/owl#sameAs"


def bundled_triples() -> list[ox.Triple]:
    return [t for path in sorted((REPO / "ontology").glob("*.ttl")) + sorted((REPO / "data").rglob("*.ttl")) for t in rdfio.parse_file(path).triples]


def turtle(text: str) -> list[ox.Triple]:
    head = "@prefix : <http://e/> . @prefix owl: <http://www.w3.org/2002/07/owl#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
    return [q.triple for q in ox.parse((head + text).encode(), ox.RdfFormat.TURTLE)]


def strs(triples) -> set[str]:
    return {str(t) for t in triples}


@pytest.fixture(scope="module")
def both() -> dict[str, set[ox.Triple]]:
    triples = bundled_triples()
    return {name: set(reasoning.entailments(triples, name)) for name in reasoning.REASONERS}


def test_kgtool_is_the_default_reasoner_and_closes_the_schema_with_reasonable_or_else_owlrl(monkeypatch):
    from kgtool.reasoning import general

    assert reasoning.default_reasoner() == "kgtool"
    assert reasoning.schema_reasoner() == "reasonable"  # a dependency of kgtool
    monkeypatch.setattr(general, "available", lambda name: name != "reasonable")
    assert reasoning.schema_reasoner() == "owlrl"


@pytest.mark.parametrize("other", ["reasonable", "kgtool"])
def test_every_reasoner_gives_owlrls_entailments_on_the_bundled_graph(both, other):
    assert strs(both[other] - both["owlrl"]) == set()
    assert strs(both["owlrl"] - both[other]) == set()
    assert len(both[other]) > 500


@pytest.mark.parametrize("name", reasoning.REASONERS)
def test_bundled_entailments_include_the_property_chain_and_the_inverse(both, name):
    got = strs(both[name])
    # cf:tookPlaceIn o cf:locatedIn -> cf:tookPlaceIn: the 2023 operation took place in the region,
    # which lies in the historic area
    assert f"<{CFR}azerbaijan-military-operation-2023> <{CF}tookPlaceIn> <{CFR}historic-area>" in got
    # cf:memberOf owl:inverseOf cf:hasMember
    assert f"<{CFR}csto> <{CF}hasMember> <{CFR}armenia>" in got


@pytest.mark.parametrize("name", reasoning.REASONERS)
def test_bundled_entailments_make_no_two_states_the_same(both, name):
    # cf:capital is inverse-functional; reasonable 0.4's own prp-ifp rule wrongly merged
    # Armenia, Azerbaijan and Russia, whose capitals differ.
    assert [str(t) for t in both[name] if t.predicate.value == OWL_SAME_AS] == []


@pytest.mark.parametrize("name", reasoning.REASONERS)
def test_inverse_functional_property_merges_only_subjects_sharing_a_value(name):
    got = strs(reasoning.entailments(turtle(":p a owl:InverseFunctionalProperty . :a :p :x . :b :p :y . :c :p :x ."), name))
    assert "<http://e/a> <http://www.w3.org/2002/07/owl#sameAs> <http://e/c>" in got
    assert not any("<http://e/b> <http://www.w3.org/2002/07/owl#sameAs>" in t for t in got)


@pytest.mark.parametrize("name", reasoning.REASONERS)
def test_property_chain_is_applied_through_a_transitive_property(name):
    got = strs(
        reasoning.entailments(
            turtle(
                ":in owl:propertyChainAxiom ( :in :within ) . :within a owl:TransitiveProperty . "
                ":event :in :town . :town :within :region . :region :within :area ."
            ),
            name,
        )
    )
    assert "<http://e/event> <http://e/in> <http://e/region>" in got
    assert "<http://e/event> <http://e/in> <http://e/area>" in got


@pytest.mark.parametrize("name", reasoning.REASONERS)
def test_entailments_leave_out_asserted_triples_and_builtin_noise(name):
    asserted = turtle(":A rdfs:subClassOf :B . :x a :A ; :label \"x\" .")
    got = strs(reasoning.entailments(asserted, name))
    assert got == {"<http://e/x> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://e/B>"}


def test_query_answers_are_the_same_with_either_reasoner(kg):
    default = kg("query", "-n", "csto-members", "--format", "csv")
    owlrl = kg("query", "-n", "csto-members", "--format", "csv", "--reasoner", "owlrl")
    assert default.exit_code == owlrl.exit_code == 0
    assert default.stdout == owlrl.stdout
    assert default.stdout.splitlines() == [
        "member,memberLabel,leader,leaderLabel",
        "https://w3id.org/kgtool/id/armenia,Armenia,https://w3id.org/kgtool/id/russia,Russia",
    ]


def test_export_of_the_entailments_is_the_same_with_either_reasoner(kg):
    default = kg("export", "--inferred", "--format", "nt")
    owlrl = kg("export", "--inferred", "--format", "nt", "--reasoner", "owlrl")
    assert default.exit_code == owlrl.exit_code == 0
    assert sorted(default.stdout.splitlines()) == sorted(owlrl.stdout.splitlines())


def test_unknown_reasoner_is_a_usage_error(kg):
    result = kg("query", "-n", "csto-members", "--reasoner", "hermit")
    assert result.exit_code == 2
    assert "Invalid value for '--reasoner': 'hermit' is not one of 'kgtool', 'reasonable', 'owlrl'." in result.stderr


@pytest.mark.parametrize("name", reasoning.REASONERS)
def test_functional_property_merges_only_values_of_one_subject_and_what_is_said_of_them(name):
    # reasonable's own prp-fp is withheld (it is quadratic in the data): the rule is applied by
    # kgtool, and what the merge entails (eq-rep-s) must still come out of the reasoner.
    got = strs(reasoning.entailments(turtle(":p a owl:FunctionalProperty . :a :p :x . :a :p :y . :b :p :z . :x a :C ."), name))
    assert "<http://e/x> <http://www.w3.org/2002/07/owl#sameAs> <http://e/y>" in got
    assert "<http://e/y> <http://www.w3.org/2002/07/owl#sameAs> <http://e/x>" in got
    assert "<http://e/y> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://e/C>" in got
    assert not any("<http://e/z> <http://www.w3.org/2002/07/owl#sameAs>" in t for t in got)


def test_reach_includes_each_start_and_ends_on_a_cycle():
    from kgtool.reasoning.relations import reach

    assert reach({"a": {"b"}, "b": {"c", "a"}, "d": set()}) == {"a": {"a", "b", "c"}, "b": {"a", "b", "c"}, "d": {"d"}}


def test_an_rdf_list_that_loops_or_lacks_a_cell_is_malformed():
    from kgtool.reasoning.relations import rdf_list

    first, rest = {"l1": "x", "l2": "y"}, {"l1": "l2", "l2": "nil"}
    assert rdf_list(first, rest, "l1", "nil") == ["x", "y"]
    assert rdf_list(first, {"l1": "l2", "l2": "l1"}, "l1", "nil") is None
    assert rdf_list({"l1": "x"}, rest, "l1", "nil") is None
