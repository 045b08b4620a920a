"""Safe growth (issue 11, docs/CONTRACT.md "Safe growth"): `add` and `validate` judge the submission with the
home under OWL RL and refuse an inconsistency or a merge of the home's entities, naming the triples."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

PREFIXES = """@prefix cf: <https://w3id.org/kgtool/conflict#> .
@prefix cfr: <https://w3id.org/kgtool/id/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
"""

ONTOLOGY = """@prefix ex: <http://example.org/g#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

ex:Person a owl:Class ; rdfs:subClassOf ex:Agent .
ex:Agent a owl:Class .
ex:Place a owl:Class ; owl:disjointWith ex:Agent .
ex:Ghost a owl:Class ; rdfs:subClassOf owl:Nothing .
ex:Cat a owl:Class . ex:Dog a owl:Class . ex:Cow a owl:Class .
[] a owl:AllDisjointClasses ; owl:members ( ex:Cat ex:Dog ex:Cow ) .
ex:bornIn a owl:ObjectProperty ; rdfs:range ex:Place .
ex:likes a owl:ObjectProperty ; owl:propertyDisjointWith ex:hates .
ex:hates a owl:ObjectProperty .
ex:passport a owl:ObjectProperty , owl:InverseFunctionalProperty .
"""

DATA = """@prefix ex: <http://example.org/g#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
ex:alice a ex:Person ; ex:passport ex:p1 ; ex:likes ex:bob .
ex:bob a ex:Person ; owl:differentFrom ex:carol .
ex:carol a ex:Person .
ex:dave a ex:Person .
ex:paris a ex:Place .
ex:tom a ex:Cat .
"""


@pytest.fixture
def owl_home(tmp_path) -> Path:
    """A small hand-written home with OWL axioms and no shapes."""
    home = tmp_path / "owl-home"
    for part in ("ontology", "data", "shapes"):
        (home / part).mkdir(parents=True)
    (home / "ontology" / "g.ttl").write_text(ONTOLOGY, encoding="utf-8")
    (home / "data" / "g.ttl").write_text(DATA, encoding="utf-8")
    return home


def _submit(tmp_path: Path, body: str, prefixes: str = "@prefix ex: <http://example.org/g#> .\n@prefix owl: <http://www.w3.org/2002/07/owl#> .\n") -> str:
    path = tmp_path / "submission.ttl"
    path.write_text(prefixes + body, encoding="utf-8")
    return str(path)


def _snapshot(home: Path) -> dict[str, bytes]:
    return {str(p.relative_to(home)): p.read_bytes() for p in sorted((home / "data").rglob("*")) if p.is_file()}


def _refused(kg, home: Path, sub: str, *needles: str, constraint: str = "kgtool:InconsistencyCheck") -> None:
    """validate reports it as a violation naming the triples; add refuses it and leaves the data byte-identical."""
    result = kg("--home", str(home), "validate", sub, "--format", "json")
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    found = [r for r in report["results"] if r["constraint"] == constraint]
    assert found and all(r["severity"] == "Violation" for r in found), report
    text = " ".join(r["message"] for r in found)
    for needle in needles:
        assert needle in text, text
    before = _snapshot(home)
    result = kg("--home", str(home), "add", sub)
    assert result.exit_code == 1, result.output
    assert "Refused" in result.stderr
    assert _snapshot(home) == before


def test_soviet_capital_is_accepted_and_merges_nothing(kg, home, tmp_path):
    # Audit W3: Moscow was the capital of the Soviet Union and is the capital of Russia. With the timeless
    # functional cf:capitalOf this true submission made cfr:russia owl:sameAs cfr:soviet-union; the ontology
    # no longer says a city has one capital-of for all time, so it is accepted and nothing is merged.
    sub = _submit(tmp_path, "cfr:moscow cf:capitalOf cfr:soviet-union .\ncfr:soviet-union cf:capital cfr:moscow .\n", PREFIXES)
    result = kg("--home", str(home), "validate", sub, "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert not [r for r in report["results"] if r["severity"] == "Violation"], report
    assert not [r for r in report["results"] if r["constraint"] in ("kgtool:MergeCheck", "kgtool:InconsistencyCheck")], report
    # Two capitals-of may be successive: the shapes only warn, and say how to record the time.
    warned = [r for r in report["results"] if r["severity"] == "Warning" and "capital" in r["message"]]
    assert warned, report
    result = kg("--home", str(home), "add", sub)
    assert result.exit_code == 0, result.output
    sparql_prefixes = PREFIXES.replace("@prefix", "PREFIX").replace(" .\n", "\n")

    def ask(query: str) -> bool:
        result = kg("--home", str(home), "query", sparql_prefixes + query, "--reason", "--format", "json")
        return json.loads(result.stdout)["boolean"]

    assert ask("ASK { cfr:moscow cf:capitalOf cfr:soviet-union , cfr:russia }")  # the submission landed
    assert ask("ASK { cfr:russia cf:capital cfr:moscow }")  # and reasoning still runs (inverse of the home's triple)
    assert not ask("ASK { { cfr:russia owl:sameAs cfr:soviet-union } UNION { cfr:soviet-union owl:sameAs cfr:russia } }")
    assert not ask("ASK { cfr:soviet-union cf:leads cfr:csto }")


def test_two_holders_of_one_post_holding_merge_two_people(kg, home, tmp_path):
    # cf:holder stays functional: one post-holding record is the tenure of one person, so a second holder
    # on the same record would make Pashinyan and Aliyev one person; refused, naming the triples.
    sub = _submit(tmp_path, "cfr:holding-pashinyan-prime-minister cf:holder cfr:ilham-aliyev .\n", PREFIXES)
    _refused(
        kg,
        home,
        sub,
        "cfr:ilham-aliyev",
        "cfr:nikol-pashinyan",
        "owl:sameAs",
        "cf:holder (functional)",
        "cfr:holding-pashinyan-prime-minister cf:holder cfr:nikol-pashinyan (in the home)",
        "cfr:holding-pashinyan-prime-minister cf:holder cfr:ilham-aliyev (submitted)",
        constraint="kgtool:MergeCheck",
    )
    result = kg("--home", str(home), "validate", sub, "--allow-merge", "--format", "json")
    assert not [r for r in json.loads(result.stdout)["results"] if r["constraint"] == "kgtool:MergeCheck"]


def test_explicit_same_as_between_two_states_is_refused(kg, home, tmp_path):
    sub = _submit(tmp_path, "cfr:armenia owl:sameAs cfr:azerbaijan .\n", PREFIXES)
    _refused(kg, home, sub, "cfr:armenia owl:sameAs cfr:azerbaijan", constraint="kgtool:MergeCheck")


def test_allow_merge_accepts_a_deliberate_merge(kg, owl_home, tmp_path):
    sub = _submit(tmp_path, "ex:dave ex:passport ex:p1 .\n")
    _refused(kg, owl_home, sub, "ex:alice owl:sameAs ex:dave", "ex:passport (inverse-functional)", "ex:alice ex:passport ex:p1", "ex:dave ex:passport ex:p1", constraint="kgtool:MergeCheck")
    result = kg("--home", str(owl_home), "add", sub, "--allow-merge")
    assert result.exit_code == 0, result.output
    assert "Added 1 new triple" in result.stdout


def test_a_new_entity_made_the_same_as_an_old_one_is_no_merge(kg, owl_home, tmp_path):
    sub = _submit(tmp_path, "ex:alicia ex:passport ex:p1 .\n")
    result = kg("--home", str(owl_home), "add", sub)
    assert result.exit_code == 0, result.output


def test_disjointness_clash(kg, owl_home, tmp_path):
    # ex:paris is a Place (in the home); being born in it makes it no clash, but ex:alice (an Agent) as a birthplace does
    sub = _submit(tmp_path, "ex:dave ex:bornIn ex:alice .\n")
    _refused(kg, owl_home, sub, "ex:alice is in disjoint classes", "ex:alice rdf:type ex:Place (entailed)", "ex:Agent")


def test_all_disjoint_classes_clash(kg, owl_home, tmp_path):
    sub = _submit(tmp_path, "ex:tom a ex:Dog .\n")
    _refused(kg, owl_home, sub, "ex:tom is in disjoint classes", "ex:Cat", "ex:Dog")


def test_property_disjointness_clash(kg, owl_home, tmp_path):
    sub = _submit(tmp_path, "ex:alice ex:hates ex:bob .\n")
    _refused(kg, owl_home, sub, "owl:propertyDisjointWith", "ex:alice ex:likes ex:bob", "ex:alice ex:hates ex:bob")


def test_instance_of_nothing(kg, owl_home, tmp_path):
    sub = _submit(tmp_path, "ex:casper a ex:Ghost .\n")
    _refused(kg, owl_home, sub, "ex:casper is an instance of owl:Nothing", "ex:casper rdf:type ex:Ghost (submitted)")


def test_broken_different_from(kg, owl_home, tmp_path):
    sub = _submit(tmp_path, "ex:bob owl:sameAs ex:carol .\n", "@prefix ex: <http://example.org/g#> .\n@prefix owl: <http://www.w3.org/2002/07/owl#> .\n")
    _refused(kg, owl_home, sub, "ex:bob owl:sameAs ex:carol", "ex:bob owl:differentFrom ex:carol (in the home)")


def test_new_difference_against_an_old_equality(kg, owl_home, tmp_path):
    (owl_home / "data" / "same.ttl").write_text("@prefix ex: <http://example.org/g#> .\n@prefix owl: <http://www.w3.org/2002/07/owl#> .\nex:dave owl:sameAs ex:david .\n", encoding="utf-8")
    sub = _submit(tmp_path, "ex:david owl:differentFrom ex:dave .\n")
    _refused(kg, owl_home, sub, "owl:differentFrom")


def test_harmless_submission_is_accepted(kg, owl_home, tmp_path):
    sub = _submit(tmp_path, "ex:erin a ex:Person ; ex:bornIn ex:paris ; ex:likes ex:bob .\nex:rex a ex:Dog .\n")
    result = kg("--home", str(owl_home), "validate", sub)
    assert result.exit_code == 0, result.output
    assert "conforms" in result.stdout
    result = kg("--home", str(owl_home), "add", sub)
    assert result.exit_code == 0, result.output


def test_turtle_report_names_the_check(kg, owl_home, tmp_path):
    sub = _submit(tmp_path, "ex:casper a ex:Ghost .\n")
    result = kg("--home", str(owl_home), "validate", sub, "--format", "turtle")
    assert result.exit_code == 1
    assert "InconsistencyCheck" in result.stdout
    assert "sh:conforms false" in result.stdout
