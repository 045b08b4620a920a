"""`kgtool add FILE...`: validate with the home, merge all or nothing, under the home's lock, with a PROV record."""

from __future__ import annotations

import hashlib
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from homes import snapshot

TESTS = Path(__file__).resolve().parent
SUBMISSIONS = TESTS / "fixtures" / "submissions"
CFR = "https://w3id.org/kgtool/id/"
PREFIXES = """@prefix cf:   <https://w3id.org/kgtool/conflict#> .
@prefix cfr:  <https://w3id.org/kgtool/id/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema: <https://schema.org/> .
"""


def fixture(name: str) -> str:
    return str(SUBMISSIONS / name)


def ask(kg, home: Path, pattern: str) -> bool:
    result = kg("--home", str(home), "query", f"PREFIX cf: <https://w3id.org/kgtool/conflict#> PREFIX cfr: <{CFR}> ASK {{ {pattern} }}", "--no-reason")
    assert result.exit_code in (0, 1), result.stderr
    return result.exit_code == 0


def persons(tag: str, count: int) -> str:
    """A valid submission of `count` new persons, five triples each."""
    lines = [PREFIXES]
    for i in range(count):
        lines.append(
            f'cfr:{tag}-{i} a cf:Person ; rdfs:label "Person {tag} {i}"@en ; '
            f"schema:sameAs <http://www.wikidata.org/entity/Q{900000000 + i}> ; "
            f'cf:mentionedIn cfr:source-article ; cf:evidence "person {i}" .'
        )
    return "\n".join(lines) + "\n"


def test_add_merges_a_valid_claim_so_that_queries_find_it(kg, home):
    assert not ask(kg, home, "cfr:claim-fixture-ok cf:claimant cfr:armenia")
    result = kg("--home", str(home), "add", fixture("claim-ok.ttl"))
    assert result.exit_code == 0, result.stderr
    assert re.fullmatch(
        r"Added 7 new triple\(s\) of 7, describing 1 new entity, as data/submissions/\d{8}T\d{12}-[0-9a-f]{16}\.ttl\.\n",
        result.stdout,
    )
    assert result.stderr == ""
    assert ask(kg, home, "cfr:claim-fixture-ok cf:claimant cfr:armenia ; cf:deathToll cfr:quantity-2023-killed-claimed")


def test_add_keeps_each_submission_in_its_own_file_with_a_prov_record_of_when_and_from_what(kg, home):
    before = snapshot(home)
    result = kg("--home", str(home), "add", fixture("claim-ok.ttl"))
    assert result.exit_code == 0
    written = result.stdout.rsplit(" as ", 1)[1].rstrip(".\n")
    after = snapshot(home)
    assert {k: v for k, v in after.items() if k != written} == before  # nothing else was rewritten
    digest = hashlib.sha256(Path(fixture("claim-ok.ttl")).read_bytes()).hexdigest()
    store = ox.Store()
    store.load(path=str(home / written), format=ox.RdfFormat.TURTLE)
    rows = list(store.query(
        "PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX dcterms: <http://purl.org/dc/terms/> "
        "SELECT ?when ?name ?id WHERE { ?r a prov:Entity ; prov:generatedAtTime ?when ; prov:wasDerivedFrom ?f . "
        "?f dcterms:title ?name ; dcterms:identifier ?id }"
    ))
    assert [(row["name"].value, row["id"].value) for row in rows] == [("claim-ok.ttl", f"sha256:{digest}")]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z", rows[0]["when"].value)


def test_add_deleting_the_submission_file_reverts_it(kg, home):
    result = kg("--home", str(home), "add", fixture("claim-ok.ttl"))
    written = result.stdout.rsplit(" as ", 1)[1].rstrip(".\n")
    (home / written).unlink()
    assert not ask(kg, home, "cfr:claim-fixture-ok ?p ?o")
    again = kg("--home", str(home), "add", fixture("claim-ok.ttl"))
    assert again.exit_code == 0
    assert ask(kg, home, "cfr:claim-fixture-ok ?p ?o")


def test_add_refuses_a_claim_without_claimant_and_leaves_the_home_byte_identical(kg, home):
    before = snapshot(home)
    result = kg("--home", str(home), "add", fixture("claim-no-claimant.ttl"))
    assert result.exit_code == 1
    assert result.stdout == (
        f"{fixture('claim-no-claimant.ttl')}:7: Violation: cfr:claim-fixture-no-claimant, path cf:claimant: "
        'A claim must say who made it (cf:claimant, an agent); use an unidentified source for "said to be".\n'
    )
    assert result.stderr == "Refused: 1 violation(s) of the home's shapes; the home is unchanged.\n"
    assert snapshot(home) == before


@pytest.mark.parametrize("name", ["claim-by-a-town.ttl", "post-in-second-state.ttl"])
def test_add_refuses_a_violation_that_needs_the_homes_data_and_changes_nothing(kg, home, name):
    before = snapshot(home)
    result = kg("--home", str(home), "add", fixture(name))
    assert result.exit_code == 1
    assert result.stderr == "Refused: 1 violation(s) of the home's shapes; the home is unchanged.\n"
    assert snapshot(home) == before


def test_add_the_same_submission_twice_adds_nothing_the_second_time(kg, home):
    assert kg("--home", str(home), "add", fixture("claim-ok.ttl")).exit_code == 0
    before = snapshot(home)
    result = kg("--home", str(home), "add", fixture("claim-ok.ttl"))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == "Refused: all 7 triples of the submission are already in the home; the home is unchanged.\n"
    assert snapshot(home) == before


def test_add_refuses_a_submission_whose_triples_are_all_in_the_home(kg, home, tmp_path):
    known = tmp_path / "known.ttl"
    known.write_text(PREFIXES + 'cfr:prime-minister-of-armenia cf:postIn cfr:armenia ; rdfs:label "Prime Minister of Armenia"@en .\n', encoding="utf-8")
    before = snapshot(home)
    result = kg("--home", str(home), "add", str(known))
    assert result.exit_code == 1
    assert result.stderr == "Refused: all 2 triples of the submission are already in the home; the home is unchanged.\n"
    assert snapshot(home) == before


def test_add_refuses_a_submission_without_triples(kg, home):
    before = snapshot(home)
    result = kg("--home", str(home), "add", fixture("empty.ttl"))
    assert result.exit_code == 1
    assert result.stderr == "Refused: the submission has no triples; the home is unchanged.\n"
    assert snapshot(home) == before


def test_add_dry_run_reports_counts_and_new_entities_and_changes_nothing(kg, home):
    before = snapshot(home)
    result = kg("--home", str(home), "add", fixture("claim-ok.ttl"), "--dry-run")
    assert result.exit_code == 0
    assert result.stdout == (
        "Would add 7 new triple(s) of 7, describing 1 new entity; nothing was changed (dry run).\n"
        "  new: cfr:claim-fixture-ok\n"
    )
    assert snapshot(home) == before
    assert not ask(kg, home, "cfr:claim-fixture-ok ?p ?o")


def test_add_dry_run_of_a_refused_submission_says_so_and_changes_nothing(kg, home):
    before = snapshot(home)
    result = kg("--home", str(home), "add", fixture("post-in-second-state.ttl"), "--dry-run")
    assert result.exit_code == 1
    assert result.stderr == "Refused: 1 violation(s) of the home's shapes; the home is unchanged.\n"
    assert snapshot(home) == before


def test_add_reports_warnings_without_blocking(kg, home):
    result = kg("--home", str(home), "add", fixture("person-without-evidence.ttl"))
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].endswith(": Warning: cfr:person-fixture-unquoted, path cf:evidence: This entity has no quotation from its source (cf:evidence); add the phrase that mentions it.")
    assert lines[1].startswith("Added 4 new triple(s) of 4, describing 1 new entity, as data/submissions/")


def test_add_strict_refuses_on_warnings_and_changes_nothing(kg, home):
    before = snapshot(home)
    result = kg("--home", str(home), "add", "--strict", fixture("person-without-evidence.ttl"))
    assert result.exit_code == 1
    assert result.stderr == "Refused: 1 warning(s), and --strict refuses warnings; the home is unchanged.\n"
    assert snapshot(home) == before


def test_add_to_the_bundled_home_is_refused_with_exit_2(kg):
    result = kg("add", fixture("claim-ok.ttl"))
    assert result.exit_code == 2
    assert result.stderr == "Error: the bundled knowledge graph is read-only; start a home of your own with 'kgtool init DIR' and use --home DIR\n"


def test_add_of_an_unreadable_file_exits_2_and_changes_nothing(kg, home, tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text(PREFIXES + "cfr:x cfr:y .\n", encoding="utf-8")
    before = snapshot(home)
    result = kg("--home", str(home), "add", fixture("claim-ok.ttl"), str(bad))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {bad}:6")
    assert snapshot(home) == before


def test_concurrent_adds_of_different_submissions_all_land(kg, home, tmp_path):
    files = []
    for i in range(8):
        path = tmp_path / f"claim-{i}.ttl"
        path.write_text(
            PREFIXES + f"cfr:concurrent-{i} a cf:CasualtyClaim ; rdfs:label \"Concurrent claim {i}\"@en ; cf:claimant cfr:armenia ;\n"
            "  cf:casualtyEvent cfr:azerbaijan-military-operation-2023 ; cf:deathToll cfr:quantity-2023-killed-claimed ;\n"
            f"  prov:wasDerivedFrom cfr:source-article ; cf:evidence \"claim {i}\" .\n",
            encoding="utf-8",
        )
        files.append(path)
    kg("--home", str(home), "stats", "--no-check")  # build the cache once, as a user's earlier command would
    procs = [
        subprocess.Popen([sys.executable, "-m", "kgtool", "--home", str(home), "add", str(f)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for f in files
    ]
    outcomes = [(p.wait(timeout=120), p.stdout.read(), p.stderr.read()) for p in procs]
    for p in procs:
        p.stdout.close()
        p.stderr.close()
    assert [code for code, _, _ in outcomes] == [0] * 8, outcomes
    assert len(list((home / "data" / "submissions").glob("*.ttl"))) == 8
    result = kg("--home", str(home), "query", "PREFIX cf: <https://w3id.org/kgtool/conflict#> SELECT ?c WHERE { ?c a cf:CasualtyClaim ; cf:evidence ?e FILTER STRSTARTS(?e, 'claim ') } ORDER BY ?c", "--format", "csv", "--no-reason")
    assert result.stdout.splitlines()[1:] == [f"{CFR}concurrent-{i}" for i in range(8)]


def _check_all_or_nothing(home: Path, expected: set) -> str:
    """Every data file parses; the submission's triples are in the data all or none. Returns which."""
    found: set = set()
    for path in sorted((home / "data").rglob("*.ttl")):
        triples = {q.triple for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)}  # raises if partial
        found |= triples & expected
    assert found in (set(), expected), f"{len(found)} of {len(expected)} triples present"
    return "all" if found else "none"


def test_add_killed_at_any_moment_leaves_every_data_file_parseable_and_the_submission_all_or_nothing(kg, home, tmp_path):
    big = tmp_path / "big.ttl"
    big.write_text(persons("killed", 4000), encoding="utf-8")
    expected = {q.triple for q in ox.parse(path=str(big), format=ox.RdfFormat.TURTLE)}
    assert len(expected) == 20000
    kg("--home", str(home), "stats", "--no-check")  # build the cache once, so each run below does the same work
    template = tmp_path / "template"
    os.rename(home, template)
    command = [sys.executable, "-m", "kgtool", "--home", str(home), "add", str(big)]

    def fresh() -> None:
        if home.exists():
            subprocess.run(["rm", "-rf", str(home)], check=True)
        subprocess.run(["cp", "-a", str(template), str(home)], check=True)

    fresh()
    start = time.monotonic()
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    whole = time.monotonic() - start
    assert done.returncode == 0, done.stderr
    assert _check_all_or_nothing(home, expected) == "all"

    seen = []
    for fraction in (0.3, 0.7, 0.9, 0.97, "write"):
        fresh()
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if fraction == "write":  # as soon as the temporary file of the write appears
            folder = home / "data" / "submissions"
            deadline = time.monotonic() + whole * 3
            while proc.poll() is None and time.monotonic() < deadline and not (folder.is_dir() and any(folder.glob(".*.tmp"))):
                time.sleep(0.001)
        else:
            time.sleep(whole * fraction)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        seen.append(_check_all_or_nothing(home, expected))
        # and the home still works: the same submission can be added (again, or now)
    assert "none" in seen  # at least one kill landed before the write
    result = kg("--home", str(home), "add", str(big))
    assert result.exit_code == (1 if seen[-1] == "all" else 0)
    assert _check_all_or_nothing(home, expected) == "all"
    assert not any((home / "data" / "submissions").glob(".*.tmp"))  # a killed write's leftovers are cleaned up


def test_add_of_an_rdf_1_2_reified_triple_lands_and_the_triple_term_can_be_queried(kg, home, tmp_path):
    # RDF 1.2 Turtle: `<< s p o >>` in subject position is a reifier, `_:r rdf:reifies <<( s p o )>>`.
    # validate and add used to stop with an internal TypeError on the triple term.
    sub = tmp_path / "reified.ttl"
    sub.write_text(
        "@prefix cf: <https://w3id.org/kgtool/conflict#> .\n@prefix cfr: <https://w3id.org/kgtool/id/> .\n"
        '<< cfr:armenia cf:memberOf cfr:csto >> cf:evidence "Armenia is a part of the Russian-led CSTO military alliance" .\n',
        encoding="utf-8",
    )
    checked = kg("--home", str(home), "validate", str(sub))
    assert checked.exit_code == 0, checked.output
    added = kg("--home", str(home), "add", str(sub))
    assert added.exit_code == 0, added.output
    # (the query gate reads SPARQL 1.1, so the triple term is matched by a variable, not written out)
    answer = kg("--home", str(home), "query", "--format", "csv", "SELECT ?evidence WHERE { ?r rdf:reifies ?triple ; cf:evidence ?evidence }")
    assert answer.exit_code == 0, answer.output
    assert answer.stdout.splitlines() == ["evidence", "Armenia is a part of the Russian-led CSTO military alliance"]
    exported = kg("--home", str(home), "export", "--format", "nt")
    reified = [line for line in exported.stdout.splitlines() if "22-rdf-syntax-ns#reifies>" in line]
    assert len(reified) == 1
    assert reified[0].endswith(
        "<<( <https://w3id.org/kgtool/id/armenia> <https://w3id.org/kgtool/conflict#memberOf> <https://w3id.org/kgtool/id/csto> )>> ."
    )
