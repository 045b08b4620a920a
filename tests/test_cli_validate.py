"""`kgtool validate FILE...`: SHACL results of the files judged with the home's graph, as text, turtle or json."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pyshacl
import pytest
import rdflib
from rdflib import RDF, URIRef
from rdflib.namespace import SH

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
SUBMISSIONS = TESTS / "fixtures" / "submissions"
SHAPE_FIXTURES = TESTS / "fixtures" / "shapes"
CLAIMANT_MESSAGE = 'A claim must say who made it (cf:claimant, an agent); use an unidentified source for "said to be".'


def fixture(name: str) -> str:
    """A submission fixture, named relative to the repository (as a user in it would type it)."""
    return os.path.relpath(SUBMISSIONS / name)


def test_validate_names_file_line_focus_path_and_message_of_a_claim_without_claimant(kg):
    result = kg("validate", fixture("claim-no-claimant.ttl"))
    assert result.exit_code == 1
    assert result.stdout == (
        f"{fixture('claim-no-claimant.ttl')}:7: Violation: cfr:claim-fixture-no-claimant, path cf:claimant: {CLAIMANT_MESSAGE}\n"
        "does not conform: 1 violation(s), 0 warning(s), 0 info\n"
    )
    assert result.stderr == ""


def test_validate_accepts_a_claim_that_conforms_only_with_the_homes_data(kg):
    # cfr:armenia, the event, the figure and the article are typed in the home only.
    result = kg("validate", fixture("claim-ok.ttl"))
    assert result.exit_code == 0
    assert result.stdout == "conforms: 0 violation(s), 0 warning(s), 0 info\n"


def test_validate_catches_a_reference_to_an_existing_entity_of_the_wrong_class(kg):
    result = kg("validate", fixture("claim-by-a-town.ttl"))
    assert result.exit_code == 1
    assert result.stdout == (
        f"{fixture('claim-by-a-town.ttl')}:8: Violation: cfr:claim-fixture-by-a-town, path cf:claimant: {CLAIMANT_MESSAGE} (value cfr:shusha)\n"
        "does not conform: 1 violation(s), 0 warning(s), 0 info\n"
    )


def test_validate_catches_an_existing_entity_gaining_a_second_value_where_max_count_is_one(kg):
    # cf:postIn is no longer functional (audit W3: a post's state may change with time or source), so a
    # second state merges nothing; the shapes' sh:maxCount 1 says it is one too many, and the new triple
    # has no source (the uniform provenance warning, audit Q11).
    result = kg("validate", fixture("post-in-second-state.ttl"))
    assert result.exit_code == 1
    assert result.stdout == (
        f"{fixture('post-in-second-state.ttl')}:6: Violation: cfr:prime-minister-of-armenia, path cf:postIn: "
        "A post must belong to exactly one state or other political entity (cf:postIn), e.g. Prime Minister of Armenia → Armenia.\n"
        f"{fixture('post-in-second-state.ttl')}:6: Warning: cfr:prime-minister-of-armenia, path cf:postIn: "
        "This relationship (the path, to the value) has no source: attest the triple "
        "with a cf:AttestedStatement (rdf:subject, rdf:predicate, rdf:object, prov:wasDerivedFrom, cf:evidence), or give the "
        "qualified relation it is the shortcut of. (value cfr:russia)\n"
        "does not conform: 1 violation(s), 1 warning(s), 0 info\n"
    )
    assert "owl:sameAs" not in result.stdout


def test_validate_does_not_report_home_problems_the_submission_does_not_touch(kg):
    # The bundled home has deliberate infos (e.g. undated events); a claim that does not touch them hears nothing of them.
    whole = kg("validate", os.path.relpath(REPO / "data" / "karabakh.ttl"))
    assert whole.exit_code == 0  # infos only: --fail-on violation passes
    assert whole.stdout.splitlines()[-1] == "does not conform: 0 violation(s), 0 warning(s), 9 info; none at --fail-on violation or worse"
    assert "cfr:fall-of-the-soviet-union" in whole.stdout
    claim = kg("validate", fixture("claim-ok.ttl"))
    assert "cfr:fall-of-the-soviet-union" not in claim.stdout


def test_validate_warnings_are_reported_and_break_conformance_but_exit_0(kg):
    # SHACL §3.1: any result, whatever its severity, makes sh:conforms false; --fail-on violation (the default) exits 0.
    result = kg("validate", fixture("person-without-evidence.ttl"))
    assert result.exit_code == 0
    assert result.stdout == (
        f"{fixture('person-without-evidence.ttl')}:7: Warning: cfr:person-fixture-unquoted, path cf:evidence: "
        "This entity has no quotation from its source (cf:evidence); add the phrase that mentions it.\n"
        "does not conform: 0 violation(s), 1 warning(s), 0 info; none at --fail-on violation or worse\n"
    )


def test_validate_file_without_triples_conforms_with_a_note_on_stderr(kg):
    result = kg("validate", fixture("empty.ttl"))
    assert result.exit_code == 0
    assert result.stdout == "conforms: 0 violation(s), 0 warning(s), 0 info\n"
    assert result.stderr == f"Note: {fixture('empty.ttl')}: no triples\n"


def test_validate_line_is_where_the_focus_node_is_first_a_subject_not_first_mentioned(kg):
    # The figure is named in a comment, inside a long string and as an object before line 20.
    result = kg("validate", fixture("figure-without-qualifier.ttl"))
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0].startswith(f"{fixture('figure-without-qualifier.ttl')}:20: Violation: cfr:quantity-fixture-bare, path cf:qualifier: ")


def test_validate_gives_the_line_in_an_ntriples_file(kg):
    result = kg("validate", fixture("claim-no-claimant.nt"))
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == f"{fixture('claim-no-claimant.nt')}:2: Violation: cfr:claim-fixture-nt, path cf:claimant: {CLAIMANT_MESSAGE}"


def test_validate_names_a_jsonld_file_but_no_line(kg):
    result = kg("validate", fixture("claim-no-claimant.jsonld"), "--format", "json")
    assert result.exit_code == 1
    [r] = json.loads(result.stdout)["results"]
    assert (r["file"], r["line"]) == (fixture("claim-no-claimant.jsonld"), None)


def test_validate_attributes_each_result_to_the_file_that_describes_its_focus_node(kg):
    result = kg("validate", fixture("claim-no-claimant.ttl"), fixture("figure-without-qualifier.ttl"))
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert [line.split(": ")[0] for line in lines[:2]] == [fixture("claim-no-claimant.ttl") + ":7", fixture("figure-without-qualifier.ttl") + ":20"]
    assert lines[2] == "does not conform: 2 violation(s), 0 warning(s), 0 info"


def test_validate_json_report_has_the_documented_keys_and_values(kg):
    result = kg("validate", fixture("claim-by-a-town.ttl"), "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.stdout) == {
        "format": 1,
        "conforms": False,
        "sh_conforms": False,
        "counts": {"Violation": 1, "Warning": 0, "Info": 0},
        "triples": 7,
        "results": [
            {
                "severity": "Violation",
                "focus": "cfr:claim-fixture-by-a-town",
                "focus_iri": "https://w3id.org/kgtool/id/claim-fixture-by-a-town",
                "path": "cf:claimant",
                "value": "cfr:shusha",
                "message": CLAIMANT_MESSAGE,
                "shape": "cfs:Claim-claimant",
                "constraint": "sh:ClassConstraintComponent",
                "file": fixture("claim-by-a-town.ttl"),
                "line": 8,
            }
        ],
        "notes": [],
    }


def test_validate_json_report_of_an_empty_file_carries_the_note(kg):
    result = kg("validate", fixture("empty.ttl"), "--format", "json")
    doc = json.loads(result.stdout)
    assert (doc["conforms"], doc["results"], doc["notes"]) == (True, [], [f"{fixture('empty.ttl')}: no triples"])


def test_validate_turtle_report_is_the_w3c_report_graph(kg):
    result = kg("validate", fixture("claim-no-claimant.ttl"), "--format", "turtle")
    assert result.exit_code == 1
    report = rdflib.Graph().parse(data=result.stdout, format="turtle")
    [node] = report.subjects(RDF.type, SH.ValidationReport)
    assert report.value(node, SH.conforms).toPython() is False
    [r] = report.objects(node, SH.result)
    assert report.value(r, SH.focusNode) == URIRef("https://w3id.org/kgtool/id/claim-fixture-no-claimant")
    assert report.value(r, SH.resultPath) == URIRef("https://w3id.org/kgtool/conflict#claimant")
    assert report.value(r, SH.sourceConstraintComponent) == SH.MinCountConstraintComponent


def test_validate_missing_file_exits_2_with_one_line(kg):
    result = kg("validate", "no-such-file.ttl")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == "Error: no-such-file.ttl: no such file\n"


def test_validate_unparsable_file_exits_2_naming_file_and_line(kg, tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix cfr: <https://w3id.org/kgtool/id/> .\n\ncfr:x cfr:y \"unterminated .\n", encoding="utf-8")
    result = kg("validate", str(bad))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {bad}:3")
    assert result.stderr.count("\n") == 1


def test_validate_judges_the_touched_nodes_as_validating_the_whole_home_would(kg):
    """Every shape fixture and submission fixture at once: the results equal those of pySHACL over
    the whole home plus the files, on the nodes the files touch."""
    files = sorted(SHAPE_FIXTURES.glob("*.ttl")) + sorted(SUBMISSIONS.glob("*.ttl"))
    result = kg("validate", "--format", "json", *map(str, files))
    assert result.exit_code == 1
    scoped = [r for r in json.loads(result.stdout)["results"] if not r["constraint"].startswith("kgtool:")]  # OWL RL findings: not SHACL

    home = rdflib.Graph()
    for part in ("ontology", "data"):
        for path in sorted((REPO / part).rglob("*.ttl")):
            home.parse(path, format="turtle")
    submitted = rdflib.Graph()
    for path in files:
        submitted.parse(path, format="turtle")
    shapes = rdflib.Graph()
    for path in sorted((REPO / "shapes").glob("*.ttl")):
        shapes.parse(path, format="turtle")
    subjects = set(submitted.subjects())
    touched = subjects | {o for p, o in submitted.predicate_objects() if p != RDF.type and not isinstance(o, rdflib.Literal)}
    touched |= {s for s, _, o in home if o in subjects and isinstance(o, URIRef)}
    _, report, _ = pyshacl.validate(home + submitted, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True)

    def key(focus, path, constraint, severity):
        path = "complex" if isinstance(path, rdflib.BNode) else str(path)
        return (str(focus), path, str(constraint).rsplit("#", 1)[-1], str(severity).rsplit("#", 1)[-1])

    expected = sorted(
        key(report.value(r, SH.focusNode), report.value(r, SH.resultPath), report.value(r, SH.sourceConstraintComponent), report.value(r, SH.resultSeverity))
        for r in report.subjects(RDF.type, SH.ValidationResult)
        if report.value(r, SH.focusNode) in touched and not isinstance(report.value(r, SH.focusNode), rdflib.BNode)
    )
    iri = {"cf:": "https://w3id.org/kgtool/conflict#", "rdfs:": "http://www.w3.org/2000/01/rdf-schema#", "prov:": "http://www.w3.org/ns/prov#",
           "skos:": "http://www.w3.org/2004/02/skos/core#", "schema:": "https://schema.org/", "rdf:": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
           "geo:": "http://www.opengis.net/ont/geosparql#", "time:": "http://www.w3.org/2006/time#", "owl:": "http://www.w3.org/2002/07/owl#",
           "org:": "http://www.w3.org/ns/org#", "cft:": "https://w3id.org/kgtool/typology/"}

    def expand(name):
        if name is None:
            return "None"
        if not name.startswith("<") and any(mark in name for mark in "|^/*+?()"):
            return rdflib.BNode()  # a path that is not one property
        for prefix, ns in iri.items():
            if name.startswith(prefix):
                return ns + name[len(prefix):]
        return name.strip("<>")

    found = sorted(key(r["focus_iri"], expand(r["path"]), r["constraint"].split(":")[1], r["severity"]) for r in scoped if r["focus_iri"])
    assert len(found) > 140  # every invalid shape fixture, and more
    assert found == expected


# --------------------------------------------------------------------------------------
# small homes: the SHACL spec's verdict, --fail-on, severities, targets beyond the files
# --------------------------------------------------------------------------------------
HEAD = "@prefix ex: <http://example.org/> .\n@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"


def small_home(root: Path, shapes: str, data: str = "") -> Path:
    """A home with an empty ontology, one shapes file and one data file."""
    home = root / "home"
    for part in ("ontology", "shapes", "data"):
        (home / part).mkdir(parents=True)
    (home / "shapes" / "shapes.ttl").write_text(HEAD + shapes, encoding="utf-8")
    (home / "data" / "data.ttl").write_text(HEAD + data, encoding="utf-8")
    return home


def submit(root: Path, text: str) -> str:
    path = root / "sub.ttl"
    path.write_text(HEAD + text, encoding="utf-8")
    return str(path)


SEVERITIES = """
ex:Named a sh:NodeShape ; sh:targetClass ex:Thing ; sh:property [ sh:path ex:name ; sh:minCount 1 ; sh:severity sh:Info ; sh:message "no name" ] .
ex:Dated a sh:NodeShape ; sh:targetClass ex:Thing ; sh:property [ sh:path ex:date ; sh:minCount 1 ; sh:severity sh:Warning ; sh:message "no date" ] .
ex:Owned a sh:NodeShape ; sh:targetClass ex:Thing ; sh:property [ sh:path ex:owner ; sh:minCount 1 ; sh:severity ex:Critical ; sh:message "no owner" ] .
"""


@pytest.mark.parametrize("data, fail_on, code", [
    ("ex:a a ex:Thing ; ex:date 1 ; ex:owner ex:o .", "violation", 0),  # an info only
    ("ex:a a ex:Thing ; ex:date 1 ; ex:owner ex:o .", "warning", 0),
    ("ex:a a ex:Thing ; ex:date 1 ; ex:owner ex:o .", "info", 1),
    ("ex:a a ex:Thing ; ex:name 1 ; ex:owner ex:o .", "violation", 0),  # a warning only
    ("ex:a a ex:Thing ; ex:name 1 ; ex:owner ex:o .", "warning", 1),
    ("ex:a a ex:Thing ; ex:name 1 ; ex:date 1 .", "violation", 1),  # a custom severity ranks as a violation
    ("ex:a a ex:Thing ; ex:name 1 ; ex:date 1 ; ex:owner ex:o .", "info", 0),  # no result
])
def test_validate_fail_on_sets_the_severity_that_exits_1(kg, tmp_path, data, fail_on, code):
    home = small_home(tmp_path, SEVERITIES)
    result = kg("--home", str(home), "validate", submit(tmp_path, data), "--fail-on", fail_on)
    assert result.exit_code == code, result.output


def test_validate_reports_a_custom_severity_as_itself(kg, tmp_path):
    home = small_home(tmp_path, SEVERITIES)
    sub = submit(tmp_path, "ex:a a ex:Thing .")
    text = kg("--home", str(home), "validate", sub)
    assert text.exit_code == 1
    assert text.stdout.splitlines() == [
        f"{sub}:4: ex:Critical: ex:a, path ex:owner: no owner",
        f"{sub}:4: Warning: ex:a, path ex:date: no date",
        f"{sub}:4: Info: ex:a, path ex:name: no name",
        "does not conform: 0 violation(s), 1 warning(s), 1 info, 1 ex:Critical",
    ]
    doc = json.loads(kg("--home", str(home), "validate", sub, "--format", "json").stdout)
    assert doc["counts"] == {"Violation": 0, "Warning": 1, "Info": 1, "ex:Critical": 1}
    assert (doc["conforms"], doc["sh_conforms"]) == (False, False)  # a custom severity counts as a violation
    report = rdflib.Graph().parse(data=kg("--home", str(home), "validate", sub, "--format", "turtle").stdout, format="turtle")
    assert set(report.objects(None, SH.resultSeverity)) == {SH.Warning, SH.Info, URIRef("http://example.org/Critical")}


def test_validate_turtle_says_conforms_false_when_the_only_results_are_infos(kg, tmp_path):
    home = small_home(tmp_path, SEVERITIES)
    result = kg("--home", str(home), "validate", submit(tmp_path, "ex:a a ex:Thing ; ex:date 1 ; ex:owner ex:o ."), "--format", "turtle")
    assert result.exit_code == 0
    report = rdflib.Graph().parse(data=result.stdout, format="turtle")
    assert list(report.objects(None, SH.conforms)) == [rdflib.Literal(False)]
    assert len(list(report.objects(None, SH.result))) == 1
    doc = json.loads(kg("--home", str(home), "validate", str(tmp_path / "sub.ttl"), "--format", "json").stdout)
    assert (doc["conforms"], doc["sh_conforms"]) == (True, False)  # JSON "conforms" keeps its meaning: no violation


def test_validate_judges_a_literal_target_node_whatever_the_files_say(kg, tmp_path):
    home = small_home(tmp_path, 'ex:S a sh:NodeShape ; sh:targetNode "12" ; sh:datatype xsd:integer .')
    result = kg("--home", str(home), "validate", submit(tmp_path, "ex:a ex:p ex:b ."), "--format", "json")
    assert result.exit_code == 1
    [r] = json.loads(result.stdout)["results"]
    assert (r["focus"], r["value"], r["constraint"]) == ('"12"', '"12"', "sh:DatatypeConstraintComponent")


def test_validate_judges_the_literal_objects_of_the_submission(kg, tmp_path):
    home = small_home(tmp_path, "ex:S a sh:NodeShape ; sh:targetObjectsOf ex:age ; sh:datatype xsd:integer .", 'ex:old ex:age "x" .')
    result = kg("--home", str(home), "validate", submit(tmp_path, 'ex:a ex:age 5 , "five" .'), "--format", "json")
    assert result.exit_code == 1
    # the submission's own "five"; the home's "x" is not something it touches
    assert [(r["focus"], r["value"]) for r in json.loads(result.stdout)["results"]] == [('"five"', '"five"')]


def test_validate_a_home_data_file_judges_its_triples_once(kg, tmp_path):
    # Three blank nodes, each breaking one constraint: validating the file that is already the
    # home's data must give three results, not six (a second copy of each blank node).
    home = small_home(
        tmp_path,
        "ex:S a sh:NodeShape ; sh:targetSubjectsOf ex:n ; sh:property [ sh:path ex:n ; sh:maxInclusive 3 ] .",
        '[ ex:n 4 ] . [ ex:n 5 ] . [ ex:n "6.50"^^xsd:decimal ] . ex:x ex:n 1 .',
    )
    result = kg("--home", str(home), "validate", str(home / "data" / "data.ttl"), "--format", "json")
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert doc["counts"]["Violation"] == 3
    assert sorted(r["value"] for r in doc["results"]) == ['"4"^^xsd:integer', '"5"^^xsd:integer', '"6.50"^^xsd:decimal']  # as written


def test_validate_ill_formed_sparql_prefixes_is_one_line_exit_2(kg, tmp_path):
    home = small_home(
        tmp_path,
        'ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:sparql [ sh:prefixes ex:P ; sh:select "SELECT $this WHERE { $this ex:p ?v }" ] .\n'
        'ex:P sh:declare [ sh:prefix "ex" ; sh:namespace "http://example.org/"^^xsd:anyURI ] , [ sh:prefix "ex" ; sh:namespace "http://other.org/"^^xsd:anyURI ] .',
    )
    result = kg("--home", str(home), "validate", submit(tmp_path, "ex:a ex:p 1 ."))
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: ") and "declared twice" in result.stderr and result.stderr.count("\n") == 1


def test_validate_bad_sparql_in_a_shape_is_one_line_exit_2(kg, tmp_path):
    home = small_home(tmp_path, 'ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:sparql [ sh:select "SELECT $this WHERE { $this ex:p }" ] .')
    result = kg("--home", str(home), "validate", submit(tmp_path, "ex:a ex:p 1 ."))
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: shape <http://example.org/S>: the sh:select of its SPARQL constraint: bad SPARQL at line 1, column 32: "
        "the prefix 'ex:' is not declared; declare it with sh:prefixes (https://www.w3.org/TR/shacl/#sparql-prefixes)\n"
    )


def test_validate_sparql_pre_binding_reaches_bind_and_subqueries(kg, tmp_path):
    home = small_home(tmp_path, '''
        ex:S a sh:NodeShape ; sh:targetSubjectsOf ex:p ; sh:sparql [ sh:select """
            SELECT $this ?value WHERE {
                BIND ($this AS ?me)
                { SELECT $this (COUNT(?o) AS ?value) WHERE { $this <http://example.org/p> ?o } GROUP BY $this }
                FILTER (?me = $this && ?value > 1)
            }""" ] .''')
    result = kg("--home", str(home), "validate", submit(tmp_path, "ex:a ex:p 1 , 2 . ex:b ex:p 1 . _:c ex:p 1 , 2 , 3 ."), "--format", "json")
    assert result.exit_code == 1
    assert sorted((r["focus"][:2] if r["focus"].startswith("_:") else r["focus"], r["value"]) for r in json.loads(result.stdout)["results"]) == [("_:", '"3"^^xsd:integer'), ("ex:a", '"2"^^xsd:integer')]
