"""`kgtool import` in chunks: the rows are judged a chunk at a time in a staged copy of the home, and land all together or not at all.

Each test sets a small chunk (a few hundred triples), so that the rows of one file span many
chunks, and checks what a user sees: the same report, the same triples written as when the
file is judged in one piece, a violation between rows of different chunks found, and a
refusal or a malformed row anywhere leaving the home as it was.
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner

from kgtool import staged
from kgtool.cli import cli
from homes import snapshot

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
UCDP = TESTS / "fixtures" / "ucdp"
SMALL = 400  # triples a chunk: a GED row is ~75, so ~5 rows a chunk


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def generated(path: Path, rows: int) -> Path:
    """A GED-shaped file of `rows` invented rows (bench/generate_ged.py, seed 1)."""
    sys.path.insert(0, str(REPO / "bench"))
    try:
        from generate_ged import generate
    finally:
        sys.path.pop(0)
    with open(path, "w", encoding="utf-8", newline="") as out:
        generate(rows, 1, out)
    return path


@pytest.fixture
def fresh(tmp_path) -> Path:
    target = tmp_path / "fresh"
    assert run("init", str(target)).exit_code == 0
    return target


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(staged, "CHUNK_TRIPLES", SMALL)


def written(home: Path) -> rdflib.Graph:
    """The triples of the submission files, read by rdflib (less the PROV record's time, which differs between runs)."""
    g = rdflib.Graph()
    for f in (home / "data" / "submissions").glob("*.ttl"):
        g.parse(f, format="turtle")
    g.remove((None, rdflib.URIRef("http://www.w3.org/ns/prov#generatedAtTime"), None))
    return g


def without_file_names(output: str) -> str:
    return "\n".join(line.split(" as data/submissions/")[0] for line in output.splitlines())


def test_rows_judged_in_chunks_give_the_same_report_and_triples_as_in_one_piece(tmp_path, monkeypatch):
    path = generated(tmp_path / "ged-120.csv", 120)
    outputs, graphs = [], []
    for chunk in (10**9, SMALL):
        monkeypatch.setattr(staged, "CHUNK_TRIPLES", chunk)
        home = tmp_path / f"home-{chunk}"
        assert run("init", str(home)).exit_code == 0
        dry = run("--home", str(home), "import", "ucdp-ged", str(path), "--release", "24.1", "--dry-run")
        assert dry.exit_code == 0, dry.output
        result = run("--home", str(home), "import", "ucdp-ged", str(path), "--release", "24.1")
        assert result.exit_code == 0, result.output
        outputs.append((dry.stdout, without_file_names(result.stdout)))
        graphs.append(written(home))
    assert outputs[0] == outputs[1]
    whole, chunked = graphs
    assert len(chunked) > 120 * 50  # the rows' triples, not a few
    assert set(whole) == set(chunked)
    # What the summary line says was added is what the file holds, less the PROV record (type, label, source, its title and sha256).
    added = int(outputs[1][1].splitlines()[-1].split("added ")[1].split(" new triple")[0])
    assert added == len(chunked) - 5


def test_a_clash_between_rows_of_different_chunks_refuses_the_import(fresh, small_chunks, tmp_path):
    # duplicate-id.csv's two rows give event 900001 two dates (the shapes allow one). Put
    # 20 generated rows (several chunks) between them: the second row is judged in a staged
    # home that holds the first.
    rows = (UCDP / "duplicate-id.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    header, first, second = rows[0], "".join(rows[1:3]), "".join(rows[3:])
    filler = generated(tmp_path / "filler.csv", 20).read_text(encoding="utf-8").splitlines(keepends=True)[1:]
    path = tmp_path / "apart.csv"
    path.write_text(header + first + "".join(filler) + second, encoding="utf-8")
    before = snapshot(fresh)
    result = run("--home", str(fresh), "import", "ucdp-ged", str(path))
    assert result.exit_code == 1, result.output
    assert f"{path}:2: Violation: cfr:ucdp-ged-event-900001, path cf:date: " in result.stdout
    assert result.stderr.startswith("Read 22 row(s) of 1 file(s) (")
    assert result.stderr.endswith(" violation(s) of the home's shapes; the home is unchanged.\n")
    assert snapshot(fresh) == before


def test_a_malformed_row_after_many_chunks_is_an_error_and_changes_nothing(fresh, small_chunks, tmp_path):
    good = generated(tmp_path / "good.csv", 30).read_text(encoding="utf-8")
    bad_row = (UCDP / "bad-latitude.csv").read_text(encoding="utf-8").splitlines(keepends=True)[3]
    path = tmp_path / "late-bad.csv"
    path.write_text(good + bad_row, encoding="utf-8")
    line = good.count("\n") + 1
    before = snapshot(fresh)
    result = run("--home", str(fresh), "import", "ucdp-ged", str(path))
    assert result.exit_code == 2
    assert result.stderr == f"Error: {path}:{line}: latitude is 123, outside -90 to 90\n"
    assert snapshot(fresh) == before
    assert not list((fresh / ".kgtool").rglob("staged-*"))  # the staged store is gone too


def test_reimporting_in_chunks_adds_nothing_and_exits_1(fresh, small_chunks, tmp_path):
    path = generated(tmp_path / "ged-30.csv", 30)
    assert run("--home", str(fresh), "import", "ucdp-ged", str(path)).exit_code == 0
    before = snapshot(fresh)
    result = run("--home", str(fresh), "import", "ucdp-ged", str(path))
    assert result.exit_code == 1
    assert "Refused: all " in result.stderr and " triples of the submission are already in the home" in result.stderr
    assert snapshot(fresh) == before


def test_after_a_chunked_import_every_row_is_an_event_of_the_home(fresh, small_chunks, tmp_path):
    path = generated(tmp_path / "ged-40.csv", 40)
    assert run("--home", str(fresh), "import", "ucdp-ged", str(path), "--release", "24.1").exit_code == 0
    with open(path, encoding="utf-8", newline="") as f:
        ids = {row["id"] for row in csv.DictReader(f)}
    result = run("--home", str(fresh), "query", "SELECT DISTINCT ?e WHERE { ?e cf:deathToll ?t }", "--format", "csv")
    assert result.exit_code == 0, result.output
    found = {line.rsplit("ucdp-ged-event-", 1)[-1] for line in result.stdout.splitlines() if "ucdp-ged-event-" in line}
    assert len(ids) == 40 and found == ids


def test_a_staged_store_left_by_a_killed_import_is_removed_by_the_next(fresh, small_chunks, tmp_path):
    path = generated(tmp_path / "ged-10.csv", 10)
    assert run("--home", str(fresh), "query", "ASK { ?s ?p ?o }").exit_code == 0  # the state directory exists
    left = fresh / ".kgtool" / "staged-killed"
    (left / "store").mkdir(parents=True)
    (left / "new.nt").write_text("<urn:x> <urn:y> <urn:z> .\n", encoding="utf-8")
    assert run("--home", str(fresh), "import", "ucdp-ged", str(path), "--dry-run").exit_code == 0
    assert not left.exists()


@pytest.mark.parametrize("large", [None, 0], ids=["nodes-read-whole", "every-node-large"])
def test_the_store_a_chunked_import_staged_answers_as_one_built_from_the_files(fresh, small_chunks, tmp_path, monkeypatch, large):
    import shutil

    from kgtool.reasoning import incremental

    if large is not None:  # every stored subject looked up triple by triple, as a hub is (a release every row derives from)
        monkeypatch.setattr(incremental, "LARGE", large)

    path = generated(tmp_path / "ged-40.csv", 40)
    assert run("--home", str(fresh), "query", "ASK { ?s ?p ?o }").exit_code == 0  # the home's store is built
    assert run("--home", str(fresh), "import", "ucdp-ged", str(path), "--release", "24.1").exit_code == 0
    stores = sorted(p.name for p in (fresh / ".kgtool" / "cache").glob("store-*"))
    kept = run("--home", str(fresh), "export", "--format", "nt", "--inferred")
    assert kept.exit_code == 0, kept.output
    # No store was built for the query: the import left the one it staged, ready.
    assert sorted(p.name for p in (fresh / ".kgtool" / "cache").glob("store-*")) == stores
    # A copy of the home without its cache builds its store from the files: the same graph and entailments.
    copy = tmp_path / "copy"
    shutil.copytree(fresh, copy, ignore=shutil.ignore_patterns(".kgtool"))
    built = run("--home", str(copy), "export", "--format", "nt", "--inferred")
    assert built.exit_code == 0, built.output
    assert sorted(kept.stdout.splitlines()) == sorted(built.stdout.splitlines())
    assert len(kept.stdout.splitlines()) > 40 * 70
    for part in ("data", "shapes", "ontology"):
        assert run("--home", str(fresh), "export", "--part", part, "--format", "nt").stdout == run("--home", str(copy), "export", "--part", part, "--format", "nt").stdout
    stats = [run("--home", str(h), "stats").stdout.split("\n", 1)[1] for h in (fresh, copy)]  # after the line naming the home
    assert stats[0] == stats[1]


def test_on_a_terminal_an_import_shows_its_rows_per_second(fresh, tmp_path):
    import os
    import pty
    import subprocess

    path = generated(tmp_path / "ged-600.csv", 600)  # past 500 rows: a rate is reported while they are read, and at the end
    master, slave = pty.openpty()
    env = {**os.environ, "KGTOOL_CHUNK_TRIPLES": "5000"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "kgtool", "--home", str(fresh), "import", "ucdp-ged", str(path), "--dry-run"],
        stdout=subprocess.PIPE, stderr=slave, env=env,
    )
    os.close(slave)
    stdout, _ = proc.communicate(timeout=600)
    shown = b""
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # the terminal's other end closed
            break
        if not data:
            break
        shown += data
    os.close(master)
    assert proc.returncode == 0, shown.decode("utf-8", "replace")
    screen = shown.decode("utf-8", "replace")
    # The bar is redrawn twice a second with the latest report: while the rows are read and
    # judged, that is their count and rate (the later phases may pass between two redraws).
    assert re.search(r"ucdp-ged: \d+ rows(, | read \()\d+ rows/s", screen), screen
    assert any(line.startswith("Read 600 row(s) of 1 file(s) (") for line in stdout.decode().splitlines())


def test_a_chunk_asserting_what_an_earlier_chunk_entailed_leaves_the_store_a_build_makes(fresh, tmp_path):
    """The entailments a chunk adds to the staged store are those its consistency check found
    (the rules are not run twice); a triple an earlier chunk entailed and a later one asserts
    must leave the entailments then, as it does in a store built from the written file."""
    import hashlib
    import shutil

    import pyoxigraph as ox

    from kgtool import formats
    from kgtool.home import Home
    from kgtool.submitted import Submission, SubmittedFile

    cf, ex = "https://w3id.org/kgtool/conflict#", "https://example.org/"
    side_a, belligerent = ox.NamedNode(cf + "sideA"), ox.NamedNode(cf + "belligerent")  # cf:sideA rdfs:subPropertyOf cf:belligerent
    actor = ox.NamedNode(ex + "actor")
    first = [ox.Triple(ox.NamedNode(f"{ex}dyad{i}"), side_a, actor) for i in range(3)]
    second = [ox.Triple(ox.NamedNode(f"{ex}dyad{i}"), belligerent, actor) for i in range(3)]
    second.append(ox.Triple(actor, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), ox.Literal("An actor", language="en")))
    assert run("--home", str(fresh), "query", "ASK { ?s ?p ?o }").exit_code == 0  # the home's store is built
    nt = formats.for_path("rows.nt")
    source = SubmittedFile("rows.nt", "rows.nt", hashlib.sha256(b"rows").hexdigest(), nt)
    outcome = staged.add(Home(fresh), [first, second], lambda: Submission([source], [], {}, []))
    assert outcome.written and outcome.added == 7, outcome.reason

    copy = tmp_path / "copy"
    shutil.copytree(fresh, copy, ignore=shutil.ignore_patterns(".kgtool"))
    # stats counts the entailments apart from the data: a triple left among them would count twice
    stats = [run("--home", str(h), "stats").stdout.split("\n", 1)[1] for h in (fresh, copy)]  # after the line naming the home
    assert stats[0] == stats[1]
    inferred = [run("--home", str(h), "export", "--format", "nt", "--inferred").stdout for h in (fresh, copy)]
    assert sorted(inferred[0].splitlines()) == sorted(inferred[1].splitlines())


def test_an_owl_clash_between_chunks_is_found_in_the_staged_store(fresh):
    """A node an earlier chunk made a cf:Agent and a later one makes a cf:Event (disjoint classes):
    the later chunk's OWL RL check reads the earlier one in the staged store, and refuses the whole."""
    import hashlib

    import pyoxigraph as ox

    from kgtool import formats
    from kgtool.home import Home
    from kgtool.submitted import Submission, SubmittedFile

    cf, ex = "https://w3id.org/kgtool/conflict#", "https://example.org/"
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    node = ox.NamedNode(ex + "both")
    first = [ox.Triple(node, rdf_type, ox.NamedNode(cf + "Person"))]
    second = [ox.Triple(node, rdf_type, ox.NamedNode(cf + "Event"))]
    assert run("--home", str(fresh), "query", "ASK { ?s ?p ?o }").exit_code == 0
    before = snapshot(fresh)
    source = SubmittedFile("rows.nt", "rows.nt", hashlib.sha256(b"rows").hexdigest(), formats.for_path("rows.nt"))
    outcome = staged.add(Home(fresh), [first, second], lambda: Submission([source], [], {}, []))
    assert not outcome.written
    clashes = [r for r in outcome.report.results if r.constraint == "kgtool:InconsistencyCheck"]
    assert [r.focus for r in clashes] == ["<https://example.org/both>"] and "disjoint" in clashes[0].message
    assert snapshot(fresh) == before


def test_the_staged_store_knows_every_term_it_holds(fresh, small_chunks, tmp_path, monkeypatch):
    """The reasoner looks up no term outside the staged store's term set (Loaded.seen): it must hold
    every term of the store's graphs after each chunk is staged, or a clash with an earlier chunk
    would go unseen."""
    from kgtool.store.graphs import REASONED

    def _terms(store, graphs):
        return {term for g in (*graphs.asserted, graphs.inferred) for q in store.quads_for_pattern(None, None, None, g) for term in q.triple}

    checked = []
    judge = staged.Staged.judge

    def judged(self, triples):
        judge(self, triples)
        if self.view is not self.loaded:  # chunks were staged: the set covers the store
            assert self.view.seen is not None
            # (a typed literal may be stored in another lexical form: the view asks the store of those)
            stored = {str(term) for term in _terms(self.view.store, REASONED)}
            assert {t for t in stored if "^^" not in t and hash(t) not in self.view.seen} == set()
            checked.append(True)

    monkeypatch.setattr(staged.Staged, "judge", judged)
    path = generated(tmp_path / "ged-20.csv", 20)
    assert run("--home", str(fresh), "query", "ASK { ?s ?p ?o }").exit_code == 0
    result = run("--home", str(fresh), "import", "ucdp-ged", str(path), "--release", "24.1")
    assert result.exit_code == 0, result.output
    assert len(checked) > 2
