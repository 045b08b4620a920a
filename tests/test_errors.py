"""Every user error exits 2 with one 'Error: ...' line on stderr and no traceback; --debug shows the traceback."""

from __future__ import annotations

import subprocess
import sys

import pytest

from kgtool.errors import ExitCode, HomeError, InputError, KgError, LimitError, QueryError, QueryTimeout, UnsafeError, UsageError

FIXTURES = "tests/fixtures/errors"


def test_error_names_file_line_and_column():
    assert str(InputError("bad", path="data/x.ttl", line=12, column=3)) == "data/x.ttl:12:3: bad"
    assert str(InputError("bad", path="data/x.ttl", line=12)) == "data/x.ttl:12: bad"
    assert str(KgError("bad")) == "bad"


@pytest.mark.parametrize("cls", [HomeError, InputError, LimitError, QueryError, QueryTimeout, UnsafeError, UsageError])
def test_every_user_error_is_a_kgerror(cls):
    assert issubclass(cls, KgError)


@pytest.fixture
def bad_turtle(tmp_path):
    path = tmp_path / "bad.ttl"
    path.write_text('@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:a ex:b "unterminated .\n', encoding="utf-8")
    return path


CASES = {
    "missing home": (["--home", "/nonexistent/home", "stats"], "Error: no such home directory: /nonexistent/home"),
    "bad SPARQL": (["query", "SELECT ?s WHERE { ?s ?p }"], "Error: query:1:"),
    "update refused": (["query", "INSERT DATA { <http://a> <http://b> <http://c> }"], "Error: SPARQL Update"),
    "service refused": (["query", "SELECT * WHERE { SERVICE <http://127.0.0.1:9/s> { ?s ?p ?o } }"], "Error: SERVICE <http://127.0.0.1:9/s> is refused"),
    "unknown named query": (["query", "-n", "no-such-query"], "Error: no named query 'no-such-query'"),
    "bad param": (["query", "-n", "source-of-fact", "--param", "nonsense"], "Error: --param 'nonsense' is not VAR=VALUE"),
    "unknown result format": (["query", "-n", "csto-members", "--format", "yaml"], "Error: unknown format 'yaml'"),
    "missing file": (["validate", "/nonexistent/x.ttl"], "Error: /nonexistent/x.ttl: no such file"),
    "unknown extension": (["validate", "README.md"], "Error: README.md: cannot tell the format from the extension '.md'"),
    "bundled home is read-only": (["add", "data/karabakh.ttl"], "Error: the bundled knowledge graph is read-only"),
    "usage error": (["query", "--no-such-option"], "Error: No such option '--no-such-option'. (see 'kgtool query --help')"),
}


@pytest.mark.parametrize("name", CASES)
def test_user_error_exits_2_with_one_line(kg, name):
    args, start = CASES[name]
    result = kg(*args)
    assert result.exit_code == ExitCode.ERROR
    assert result.stdout == ""
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines[-1].startswith(start), result.stderr
    assert "Traceback" not in result.stderr
    assert sum(1 for line in lines if line.startswith("Error:")) == 1


def test_parse_error_reports_file_and_line(kg, bad_turtle):
    result = kg("validate", str(bad_turtle))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {bad_turtle}:3:")
    assert len(result.stderr.strip().splitlines()) == 1


def test_debug_shows_the_traceback(bad_turtle):
    quiet = subprocess.run([sys.executable, "-m", "kgtool", "validate", str(bad_turtle)], capture_output=True, text=True)
    loud = subprocess.run([sys.executable, "-m", "kgtool", "--debug", "validate", str(bad_turtle)], capture_output=True, text=True)
    assert quiet.returncode == 2 and "Traceback" not in quiet.stderr
    assert loud.returncode != 0 and "Traceback" in loud.stderr and "InputError" in loud.stderr


def test_empty_home_is_an_error_not_an_empty_answer(kg, tmp_path):
    for part in ("ontology", "data"):
        (tmp_path / part).mkdir()
    result = kg("--home", str(tmp_path), "query", "SELECT * WHERE { ?s ?p ?o }")
    assert result.exit_code == 2
    assert result.stderr == f"Error: {tmp_path} is not a kgtool home: it has no RDF files in ontology/ or data/ (.ttl .nt .nq .trig .jsonld .rdf .owl); create one with 'kgtool init DIR'\n"


def test_a_reader_that_stops_early_is_not_an_error(tmp_path):
    """`kgtool export | head -1`: the closed pipe ends kgtool quietly with exit 0."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "kgtool", "export", "--format", "nt"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**__import__("os").environ, "XDG_CACHE_HOME": str(tmp_path)},
    )
    first = proc.stdout.readline()
    proc.stdout.close()
    stderr = proc.stderr.read()
    assert proc.wait() == 0
    assert first.rstrip().endswith(b" .") and stderr == b""
