"""Every user error exits 2 with one 'Error: ...' line on stderr and no traceback; --debug shows the traceback."""

from __future__ import annotations

import importlib
import os
import pkgutil
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import kgtool as kgtool_package
from kgtool.errors import ExitCode, HomeError, InputError, KgError, LimitError, QueryError, QueryTimeout, RemoteError, UnsafeError, UsageError
from kgtool.shacl import ShapeError

REPO = Path(__file__).resolve().parents[1]
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def test_error_names_file_line_and_column():
    assert str(InputError("bad", path="data/x.ttl", line=12, column=3)) == "data/x.ttl:12:3: bad"
    assert str(InputError("bad", path="data/x.ttl", line=12)) == "data/x.ttl:12: bad"
    assert str(KgError("bad")) == "bad"


ILL_FORMED_SHAPE = (  # SHACL-SPARQL forbids MINUS (https://www.w3.org/TR/shacl/#sparql-constraints-prebinding)
    "@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .\n"
    'ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:sparql [ sh:select "SELECT $this WHERE { $this ?p ?o MINUS { $this ?p 1 } }" ] .\n'
)


def ill_formed_shapes(tmp: Path) -> list[str]:
    """A home whose shapes hold a SPARQL constraint SHACL forbids, and a file it judges."""
    home = tmp / "home"
    shutil.copytree(REPO / "tests" / "fixtures" / "tiny_home", home)
    (home / "shapes" / "ill-formed.ttl").write_text(ILL_FORMED_SHAPE, encoding="utf-8")
    (tmp / "new.ttl").write_text("@prefix ex: <http://example.org/> .\nex:a ex:p 1 .\n", encoding="utf-8")
    return ["--home", str(home), "validate", str(tmp / "new.ttl")]


# One command that raises each class of user error (the class itself, not a subclass), and its environment.
RAISES = {
    HomeError: (lambda tmp: ["--home", "/nonexistent/home", "stats"], {}),
    InputError: (lambda tmp: ["validate", "/nonexistent/x.ttl"], {}),
    LimitError: (lambda tmp: ["validate", str(REPO / "data" / "karabakh.ttl")], {"KGTOOL_MAX_INPUT_BYTES": "10"}),
    QueryError: (lambda tmp: ["query", "SELECT ?s WHERE { ?s ?p }"], {}),
    QueryTimeout: (lambda tmp: ["query", "--timeout", "1", RUNAWAY], {}),
    UnsafeError: (lambda tmp: ["query", "SELECT * WHERE { SERVICE <http://127.0.0.1:9/s> { ?s ?p ?o } }"], {}),
    UsageError: (lambda tmp: ["query", "-n", "no-such-query"], {}),
    ShapeError: (ill_formed_shapes, {}),
    RemoteError: (lambda tmp: ["--home", "http://127.0.0.1:9", "query", "ASK {}"], {}),  # nothing listens on port 9
}


def kgtool(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kgtool", *args], capture_output=True, text=True, timeout=120, env={**os.environ, **env})


def test_every_error_class_has_a_command_that_raises_it():
    for module in pkgutil.walk_packages(kgtool_package.__path__, "kgtool."):
        if module.name != "kgtool.__main__":
            importlib.import_module(module.name)  # every KgError subclass, wherever it is defined

    def subclasses(cls):
        return {cls} | {d for c in cls.__subclasses__() for d in subclasses(c)}

    assert set(RAISES) == subclasses(KgError) - {KgError}


@pytest.mark.parametrize("cls", RAISES, ids=lambda cls: cls.__name__)
def test_every_user_error_exits_2_with_one_line_and_its_class_under_debug(cls, tmp_path):
    """The one mapping (KgGroup.main) knows the error: one 'Error:' line, not an internal error; --debug shows it was this class."""
    command, env = RAISES[cls]
    args = command(tmp_path)
    quiet = kgtool(args, env)
    assert (quiet.returncode, quiet.stdout) == (ExitCode.ERROR, "")
    assert quiet.stderr.count("\n") == 1 and quiet.stderr.startswith("Error: "), quiet.stderr
    assert not quiet.stderr.startswith("Error: internal error"), quiet.stderr
    loud = kgtool(["--debug", *args], env)
    assert loud.returncode != 0 and "Traceback" in loud.stderr
    assert loud.stderr.splitlines()[-1].startswith(f"{cls.__module__}.{cls.__name__}: "), loud.stderr


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
    "unknown extension": (["validate", str(REPO / "README.md")], f"Error: {REPO / 'README.md'}: cannot tell the format from the extension '.md'"),
    "bundled home is read-only": (["add", str(REPO / "data" / "karabakh.ttl")], "Error: the bundled knowledge graph is read-only"),
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
