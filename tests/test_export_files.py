"""`kgtool export` reads the home's files where they hold exactly its graph: what a user sees is the same graph, once, as written, and -o is all or nothing."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner

from kgtool.cli import cli

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:rdflib")

EX = "http://example.org/e#"
XSD = "http://www.w3.org/2001/XMLSchema#"
TINY = Path(__file__).parent / "fixtures" / "tiny_home"


@pytest.fixture
def home(tmp_path) -> Path:
    target = tmp_path / "home"
    shutil.copytree(TINY, target)
    return target


def export_nt(home: Path, *args: str) -> list[str]:
    result = CliRunner().invoke(cli, ["--home", str(home), "export", "--format", "nt", *args], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    return [line for line in result.stdout.splitlines() if line]


def rdflib_graph(*paths: Path) -> rdflib.Graph:
    """The files parsed by rdflib, a second toolkit: the graph the export must equal."""
    graph = rdflib.Graph()
    for path in paths:
        graph.parse(path, format="turtle")
    return graph


def files(home: Path, *parts: str) -> list[Path]:
    return [p for part in parts for p in sorted((home / part).rglob("*.ttl"))]


def test_export_is_the_graph_of_the_files_as_a_second_toolkit_reads_them(home):
    (home / "data" / "more.ttl").write_text(f"<{EX}a> <{EX}p> <{EX}b> .\n<{EX}b> <{EX}q> \"x y\"@en .\n", encoding="utf-8")
    lines = export_nt(home)
    exported = rdflib.Graph().parse(data="\n".join(lines), format="nt")
    assert set(exported) == set(rdflib_graph(*files(home, "ontology", "data")))
    assert len(lines) == len(set(lines)) == len(exported)


def test_a_triple_written_in_two_files_and_in_the_ontology_is_exported_once(home):
    ontology_triple = next(iter(rdflib_graph(*files(home, "ontology"))))
    repeated = " ".join(term.n3() for term in ontology_triple) + " .\n"
    (home / "data" / "one.ttl").write_text(repeated + f"<{EX}a> <{EX}p> <{EX}b> .\n<{EX}a> <{EX}p> <{EX}b> .\n", encoding="utf-8")
    (home / "data" / "two.ttl").write_text(f"<{EX}a> <{EX}p> <{EX}b> .\n", encoding="utf-8")
    lines = export_nt(home)
    assert lines.count(f"<{EX}a> <{EX}p> <{EX}b> .") == 1
    assert sum(1 for line in lines if line == repeated.strip()) == 1
    assert len(lines) == len(set(lines)) == len(rdflib_graph(*files(home, "ontology", "data")))


def test_export_writes_a_number_as_the_file_wrote_it(home):
    # The store would write "7" (Oxigraph keeps numbers in canonical form, oxigraph#526); the file says "007".
    (home / "data" / "n.ttl").write_text(f'<{EX}a> <{EX}count> "007"^^<{XSD}integer> .\n', encoding="utf-8")
    assert f'<{EX}a> <{EX}count> "007"^^<{XSD}integer> .' in export_nt(home, "--part", "data")


def test_blank_nodes_of_two_files_stay_apart_and_keep_their_labels_across_exports(home):
    (home / "data" / "b1.ttl").write_text(f"<{EX}a> <{EX}p> [ <{EX}q> 1 ] .\n", encoding="utf-8")
    (home / "data" / "b2.ttl").write_text(f"<{EX}c> <{EX}p> [ <{EX}q> 1 ] .\n", encoding="utf-8")
    first = export_nt(home, "--part", "data")
    blanks = {line.split()[2] for line in first if line.split()[1] == f"<{EX}p>"}
    assert len(blanks) == 2 and all(b.startswith("_:") for b in blanks)
    assert export_nt(home, "--part", "data") == first


def test_export_to_a_file_leaves_no_temporary_file_and_a_failed_one_no_file(home, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    assert CliRunner().invoke(cli, ["--home", str(home), "export", "-o", str(out / "g.nt")]).exit_code == 0
    assert [p.name for p in out.iterdir()] == ["g.nt"]
    slow = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o . ?q ?r ?s }"
    # In a process of its own: a query past its timeout is abandoned, and the process exits.
    result = subprocess.run([sys.executable, "-m", "kgtool", "--home", str(home), "query", "--timeout", "0.5", "-o", str(out / "q.csv"), slow], capture_output=True, text=True, timeout=120)
    assert result.returncode == 2, result.stderr
    assert "did not finish within 0.5 s" in result.stderr
    assert [p.name for p in out.iterdir()] == ["g.nt"]
