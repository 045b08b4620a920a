"""The core of validate and add without click: the part of the home judged, revalidation, line finding, atomic writes."""

from __future__ import annotations

from pathlib import Path

import pytest

from kgtool import home as homes
from kgtool import lines, submission, submitted, validation

TESTS = Path(__file__).resolve().parent
SUBMISSIONS = TESTS / "fixtures" / "submissions"
PREFIXES = """@prefix cf:   <https://w3id.org/kgtool/conflict#> .
@prefix cfr:  <https://w3id.org/kgtool/id/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix rdf:  <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
"""


# --------------------------------------------------------------------------------------
# the cost follows the submission
# --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def big_home(tmp_path_factory, _home_template):
    """The bundled graph plus 10,000 triples about 2,000 more persons."""
    import shutil

    target = tmp_path_factory.mktemp("big") / "home"
    shutil.copytree(_home_template, target)
    lines = [PREFIXES]
    for i in range(2000):
        lines.append(
            f'cfr:bulk-{i} a cf:Person ; rdfs:label "Bulk person {i}"@en ; skos:exactMatch <http://www.wikidata.org/entity/Q{800000000 + i}> ; '
            f'prov:wasDerivedFrom cfr:source-article ; cf:evidence "bulk {i}" .'
        )
    (target / "data" / "bulk.ttl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return homes.resolve(str(target))


def test_a_small_submission_is_judged_on_a_small_part_of_a_big_home(big_home):
    report = validation.validate(big_home, [str(SUBMISSIONS / "claim-ok.ttl")])
    assert report.conforms and report.results == []
    assert report.checked_triples < 500  # the home holds over 11,000
    assert report.focus_nodes == 5  # the claim, cfr:armenia, the event, the figure, the article


@pytest.mark.parametrize(
    "name, focus, constraint",
    [
        ("claim-by-a-town.ttl", "cfr:claim-fixture-by-a-town", "sh:ClassConstraintComponent"),
        ("post-in-second-state.ttl", "cfr:prime-minister-of-armenia", "sh:MaxCountConstraintComponent"),
    ],
)
def test_a_violation_that_needs_the_homes_data_is_still_caught_in_a_big_home(big_home, name, focus, constraint):
    report = validation.validate(big_home, [str(SUBMISSIONS / name)])
    violations = [(r.severity, r.focus, r.constraint) for r in report.results if r.severity == "Violation" and not r.constraint.startswith("kgtool:")]
    assert violations == [("Violation", focus, constraint)]


TINY_SHAPES = """@prefix ex: <http://example.org/tiny#> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
ex:OpenMembershipShape a sh:NodeShape ; sh:targetSubjectsOf ex:memberOf ;
    sh:property [ sh:path ex:memberOf ; sh:node ex:OpenShape ; sh:message "A state can only join an open alliance." ] .
ex:OpenShape a sh:NodeShape ; sh:property [ sh:path ex:closed ; sh:maxCount 0 ] .
ex:OneMemberShape a sh:NodeShape ; sh:targetClass ex:Alliance ;
    sh:property [ sh:path [ sh:inversePath ex:memberOf ] ; sh:maxCount 1 ; sh:message "This alliance has one member at most." ] .
"""


def test_a_home_node_that_refers_to_a_changed_subject_is_judged_too(tiny_home, tmp_path):
    # ex:armenia (home) is a member of ex:csto; closing ex:csto breaks armenia's membership, a node the file never names.
    (tiny_home / "shapes" / "extra.ttl").write_text(TINY_SHAPES, encoding="utf-8")
    sub = tmp_path / "closed.ttl"
    sub.write_text("@prefix ex: <http://example.org/tiny#> .\nex:csto ex:closed true .\n", encoding="utf-8")
    report = validation.validate(homes.resolve(str(tiny_home)), [str(sub)])
    assert [(r.severity, r.focus, r.path, r.value, r.message, r.file) for r in report.results] == [
        ("Violation", "ex:armenia", "ex:memberOf", "ex:csto", "A state can only join an open alliance.", None)
    ]


def test_a_shape_that_reads_backwards_sees_the_homes_triples_pointing_to_a_touched_node(tiny_home, tmp_path):
    # ex:csto already has ex:armenia as a member in the home; a second member breaks an inverse-path maxCount on ex:csto.
    (tiny_home / "shapes" / "extra.ttl").write_text(TINY_SHAPES, encoding="utf-8")
    sub = tmp_path / "georgia.ttl"
    sub.write_text(
        '@prefix ex: <http://example.org/tiny#> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n'
        'ex:georgia a ex:State ; rdfs:label "Georgia"@en ; ex:memberOf ex:csto .\n',
        encoding="utf-8",
    )
    report = validation.validate(homes.resolve(str(tiny_home)), [str(sub)])
    assert [(r.severity, r.focus, r.path, r.message) for r in report.results] == [
        ("Violation", "ex:csto", "^ex:memberOf", "This alliance has one member at most.")
    ]


# --------------------------------------------------------------------------------------
# add: never written blind
# --------------------------------------------------------------------------------------
def test_add_revalidates_when_the_home_changed_after_validation_and_refuses_what_became_invalid(home, tmp_path, monkeypatch):
    sub = tmp_path / "new-post.ttl"
    sub.write_text(
        PREFIXES + 'cfr:post-fixture-new a cf:HeadOfGovernmentPost ; rdfs:label "A new post"@en ; cf:postIn cfr:armenia ;\n'
        '  cf:mentionedIn cfr:source-article ; cf:evidence "a new post" .\n'
        'cfr:attestation-post-fixture-new a cf:AttestedStatement ; rdfs:label "A new post is a post in Armenia"@en ;\n'
        '  rdf:subject cfr:post-fixture-new ; rdf:predicate cf:postIn ; rdf:object cfr:armenia ;\n'
        '  prov:wasDerivedFrom cfr:source-article ; cf:evidence "a new post" .\n',
        encoding="utf-8",
    )
    real = submission.validate_submission
    calls = []

    def validate_then_someone_else_writes(loaded, parsed):
        report = real(loaded, parsed)
        calls.append(report.conforms)
        if len(calls) == 1:  # a writer that ignores the lock gives the post a state meanwhile
            (home / "data" / "elsewhere.ttl").write_text(PREFIXES + "cfr:post-fixture-new cf:postIn cfr:russia .\n", encoding="utf-8")
        return report

    monkeypatch.setattr(submission, "validate_submission", validate_then_someone_else_writes)
    outcome = submission.add(homes.resolve(str(home)), [str(sub)])
    assert calls == [True, False]
    assert not outcome.merged
    assert outcome.reason == "1 violation(s) of the home's shapes"
    assert not (home / "data" / "submissions").exists()


def test_add_outcome_names_new_entities_and_counts_only_new_triples(home, tmp_path):
    sub = tmp_path / "mixed.ttl"
    text = (SUBMISSIONS / "claim-ok.ttl").read_text(encoding="utf-8")
    sub.write_text(text + 'cfr:prime-minister-of-armenia rdfs:label "Prime Minister of Armenia"@en .\n', encoding="utf-8")
    outcome = submission.add(homes.resolve(str(home)), [str(sub)], dry_run=True)
    assert (outcome.merged, outcome.reason, outcome.submitted, outcome.added) == (False, None, 8, 7)
    assert outcome.new_subjects == ["https://w3id.org/kgtool/id/claim-fixture-ok"]


# --------------------------------------------------------------------------------------
# where a node is first described
# --------------------------------------------------------------------------------------
def test_subject_lines_follow_prefixes_base_and_escapes():
    text = (
        "@base <http://example.org/> .\n"  # 1
        "PREFIX ex: <http://example.org/ns#>\n"  # 2
        "<a> ex:p ex:b .\n"  # 3
        "ex:b ex:p <a> .\n"  # 4
        "ex:c\\-d ex:p 1 .\n"  # 5
        "<http://other.org/x> ex:p ex:b .\n"  # 6
    )
    assert lines.subject_lines(text) == {
        "http://example.org/a": 3,
        "http://example.org/ns#b": 4,
        "http://example.org/ns#c-d": 5,
        "http://other.org/x": 6,
    }


def test_subject_lines_skip_objects_strings_comments_and_nested_nodes():
    text = (
        "@prefix ex: <http://example.org/ns#> .\n"  # 1
        "# ex:a ex:p ex:b .\n"  # 2
        'ex:s ex:p """\n'  # 3
        'ex:a ex:p ex:b .\n'  # 4 (inside the string)
        '""" ; ex:q [ ex:r ex:n ] , ( ex:l1 ex:l2 ) .\n'  # 5
        "[ ex:p ex:x ] ex:q ex:y .\n"  # 6
        "ex:a ex:p 1.5 , -2 , true ; ex:q 'single' .\n"  # 7
    )
    assert lines.subject_lines(text) == {"http://example.org/ns#s": 3, "http://example.org/ns#a": 7}


def test_subject_lines_do_not_take_a_trig_graph_name_for_a_subject():
    text = "@prefix ex: <http://example.org/ns#> .\n{ ex:a ex:p ex:b . }\nGRAPH ex:g { ex:c ex:p ex:d }\nex:h { ex:e ex:p ex:f }\n"
    assert lines.subject_lines(text) == {"http://example.org/ns#a": 2, "http://example.org/ns#c": 3, "http://example.org/ns#e": 4}


def test_subject_lines_of_ntriples_are_the_lines_of_the_first_triples():
    text = "<http://e/a> <http://e/p> <http://e/b> .\n<http://e/b> <http://e/p> \"x\" .\n<http://e/a> <http://e/p> \"y\" .\n"
    assert lines.subject_lines(text) == {"http://e/a": 1, "http://e/b": 2}


def test_a_submitted_file_names_lines_only_in_formats_that_have_them(tmp_path):
    jsonld = tmp_path / "x.jsonld"
    jsonld.write_text('{"@id": "http://e/a", "http://e/p": "x"}', encoding="utf-8")
    nt = tmp_path / "x.nt"
    nt.write_text('<http://e/a> <http://e/p> "x" .\n', encoding="utf-8")
    parsed = submitted.read([str(jsonld), str(nt)])
    assert [f.line_of("http://e/a") for f in parsed.files] == [None, 1]
    assert parsed.where("http://e/a") == (str(jsonld), None)  # the first file that describes it
    assert parsed.where("http://e/b") is None


CF_NS = {"cf": "https://w3id.org/kgtool/conflict#"}


def test_constraint_reading_into_this_makes_its_property_followed_backwards():
    from kgtool.neighbourhood import read_backwards

    pattern = "{ $this cf:memberOf ?org . FILTER NOT EXISTS { ?m cf:member $this ; cf:organisation ?org . } }"
    assert read_backwards(pattern, CF_NS) == {"https://w3id.org/kgtool/conflict#member"}


def test_constraint_reading_only_forward_follows_nothing_backwards():
    from kgtool.neighbourhood import read_backwards

    assert read_backwards("{ $this cf:start ?s ; cf:end ?e . FILTER(?e < ?s) }", CF_NS) == set()


def test_constraint_with_a_variable_property_into_this_follows_every_named_property():
    from kgtool.neighbourhood import read_backwards
    from kgtool.vocab import RDF_TYPE

    found = read_backwards("{ ?x ?p $this . ?x cf:date ?d }", CF_NS)
    assert found == {"https://w3id.org/kgtool/conflict#date", RDF_TYPE}
