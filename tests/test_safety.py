"""Safe by default: nothing parsed or queried reaches the network or the local file system, queries are
read-only, and runaway or hostile input ends with one clear error line (exit 2), never a crash.

A local HTTP listener (127.0.0.1, a port of its own) counts every request it gets: in each refused case
it must see none; with --allow-remote, SERVICE does reach it.
"""

from __future__ import annotations

import http.server
import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from kgtool import gate, sparql
from kgtool.errors import ExitCode

HOSTILE = Path(__file__).resolve().parent / "fixtures" / "hostile"
TINY = "http://example.org/tiny#"
SPARQL_JSON = {"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "literal", "value": "from-the-listener"}}]}}
CONTEXT = {"@context": {"ex": TINY, "State": "ex:State", "label": "http://www.w3.org/2000/01/rdf-schema#label"}}
ONTOLOGY = f"<{TINY}fetched> <{TINY}fromTheNetwork> true .\n"


class Listener:
    """An HTTP server on 127.0.0.1 that records every request and answers with a tiny document."""

    def __init__(self):
        self.requests: list[str] = []
        listener = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                listener.requests.append(f"{self.command} {self.path}")
                if self.path.startswith("/sparql"):
                    body, kind = json.dumps(SPARQL_JSON).encode(), "application/sparql-results+json"
                elif self.path.endswith(".jsonld"):
                    body, kind = json.dumps(CONTEXT).encode(), "application/ld+json"
                else:
                    body, kind = ONTOLOGY.encode(), "text/turtle"
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _answer

            def log_message(self, *args):  # keep the test output clean
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def listener():
    server = Listener()
    yield server
    server.close()


def hostile(name: str, listener: Listener, target: Path) -> str:
    """A fixture of tests/fixtures/hostile, pointed at the listener, written to `target`."""
    text = (HOSTILE / name).read_text(encoding="utf-8").replace("127.0.0.1:PORT", f"127.0.0.1:{listener.port}")
    path = target / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def snapshot(home: Path) -> dict[str, bytes]:
    """Every file of a home outside .kgtool/, with its bytes."""
    return {str(p.relative_to(home)): p.read_bytes() for p in sorted(home.rglob("*")) if p.is_file() and ".kgtool" not in p.parts}


def one_error_line(result) -> str:
    """The one line on stderr (asserting there is exactly one and no traceback)."""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


# --------------------------------------------------------------------------------------
# queries: SERVICE, FROM, LOAD, Update
# --------------------------------------------------------------------------------------
SERVICE_REFUSED = "is refused: queries do not reach the network unless you pass --allow-remote"

SERVICE_QUERIES = {
    "plain": ("SELECT * WHERE { SERVICE <{url}/sparql> { ?s ?p ?o } }", "SERVICE <{url}/sparql>"),
    "silent": ("SELECT * WHERE { SERVICE SILENT <{url}/sparql> { ?s ?p ?o } }", "SERVICE SILENT <{url}/sparql>"),
    "variable endpoint": ("SELECT * WHERE { VALUES ?e { <{url}/sparql> } SERVICE ?e { ?s ?p ?o } }", "SERVICE ?e"),
    "in OPTIONAL": ("SELECT * WHERE { ?a ?b ?c OPTIONAL { SERVICE <{url}/sparql> { ?a ?p ?o } } }", "SERVICE <{url}/sparql>"),
    "in UNION": ("SELECT * WHERE { { ?s ?p ?o } UNION { SERVICE <{url}/sparql> { ?s ?p ?o } } }", "SERVICE <{url}/sparql>"),
    "in a subquery": ("SELECT * WHERE { { SELECT ?s WHERE { SERVICE <{url}/sparql> { ?s ?p ?o } } } }", "SERVICE <{url}/sparql>"),
    "in FILTER EXISTS": ("SELECT * WHERE { ?s ?p ?o FILTER EXISTS { SERVICE <{url}/sparql> { ?s ?p ?o } } }", "SERVICE <{url}/sparql>"),
    "in FILTER NOT EXISTS": ("ASK { FILTER NOT EXISTS { SERVICE SILENT <{url}/sparql> { ?s ?p ?o } } }", "SERVICE SILENT <{url}/sparql>"),
    "in BIND(EXISTS)": ("SELECT * WHERE { BIND(EXISTS { SERVICE <{url}/sparql> { ?s ?p ?o } } AS ?x) }", "SERVICE <{url}/sparql>"),
    "in MINUS": ("SELECT * WHERE { ?s ?p ?o MINUS { SERVICE <{url}/sparql> { ?s ?p ?o } } }", "SERVICE <{url}/sparql>"),
    "in GRAPH": ("SELECT * WHERE { GRAPH ?g { SERVICE <{url}/sparql> { ?s ?p ?o } } }", "SERVICE <{url}/sparql>"),
    "in CONSTRUCT": ("CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <{url}/sparql> { ?s ?p ?o } }", "SERVICE <{url}/sparql>"),
    "nested SERVICE": ("SELECT * WHERE { SERVICE SILENT <{url}/a> { SERVICE <{url}/sparql> { ?s ?p ?o } } }", "SERVICE SILENT <{url}/a>"),
    "unicode-escaped keyword": ("SELECT * WHERE { \\u0053ERVICE <{url}/sparql> { ?s ?p ?o } }", "SERVICE <{url}/sparql>"),
    "after a '#' in a string": ('SELECT * WHERE { ?s ?p "a#b" . SERVICE <{url}/sparql> { ?s ?p ?o } }', "SERVICE <{url}/sparql>"),
    "relative to BASE": ("BASE <{url}/> SELECT * WHERE { SERVICE <sparql> { ?s ?p ?o } }", "SERVICE <sparql>"),
}


@pytest.mark.parametrize("case", SERVICE_QUERIES)
def test_query_refuses_service_wherever_it_is_nested_and_reaches_nothing(kg, tiny_home, listener, case):
    query, named = (x.replace("{url}", listener.url) for x in SERVICE_QUERIES[case])
    result = kg("--home", str(tiny_home), "query", query)
    assert result.exit_code == ExitCode.ERROR
    assert result.stdout == ""
    assert one_error_line(result) == f"Error: {named} {SERVICE_REFUSED}"
    assert listener.requests == []


DATASET_REFUSED = "is refused: it is not a named graph of the home, and kgtool reads no other graph, file or URL (not even with --allow-remote)"


@pytest.mark.parametrize("clause", ["FROM", "FROM NAMED"])
@pytest.mark.parametrize("allow_remote", [[], ["--allow-remote"]])
def test_query_refuses_from_a_url_even_with_allow_remote(kg, tiny_home, listener, clause, allow_remote):
    result = kg("--home", str(tiny_home), "query", *allow_remote, f"SELECT * {clause} <{listener.url}/g> WHERE {{ ?s ?p ?o }}")
    assert result.exit_code == ExitCode.ERROR
    assert result.stdout == ""
    assert one_error_line(result) == f"Error: {clause} <{listener.url}/g> {DATASET_REFUSED}"
    assert listener.requests == []


def test_query_from_a_local_file_does_not_print_the_file(kg, tiny_home, tmp_path):
    secret = tmp_path / "secret.ttl"
    secret.write_text(f"<{TINY}s> <{TINY}p> \"the secret 7f3a\" .\n", encoding="utf-8")
    for target in (secret.as_uri(), "file:///etc/hostname"):
        result = kg("--home", str(tiny_home), "query", f"SELECT * FROM <{target}> WHERE {{ ?s ?p ?o }}")
        assert result.exit_code == ExitCode.ERROR
        assert result.stdout == ""
        assert one_error_line(result) == f"Error: FROM <{target}> {DATASET_REFUSED}"
        assert "7f3a" not in result.stderr


@pytest.mark.parametrize("load", ["LOAD <{url}/onto.ttl>", "LOAD SILENT <{url}/onto.ttl> INTO GRAPH <{url}/g>"])
def test_query_refuses_load_and_reaches_nothing(kg, tiny_home, listener, load):
    before = snapshot(tiny_home)
    result = kg("--home", str(tiny_home), "query", load.replace("{url}", listener.url))
    assert result.exit_code == ExitCode.ERROR
    assert one_error_line(result) == (
        f"Error: LOAD <{listener.url}/onto.ttl> is refused: kgtool query is read-only and reads no other graph, file or URL"
    )
    assert listener.requests == []
    assert snapshot(tiny_home) == before


@pytest.mark.parametrize(
    "update",
    [
        f"INSERT DATA {{ <{TINY}georgia> a <{TINY}State> }}",
        f"DELETE WHERE {{ <{TINY}armenia> ?p ?o }}",
        "CLEAR ALL",
        f"PREFIX ex: <{TINY}> DELETE {{ ?s ex:memberOf ?a }} INSERT {{ ?a ex:hasMember ?s }} WHERE {{ ?s ex:memberOf ?a }}",
    ],
)
def test_query_refuses_sparql_update_and_changes_nothing(kg, tiny_home, update):
    before = snapshot(tiny_home)
    result = kg("--home", str(tiny_home), "query", update)
    assert result.exit_code == ExitCode.ERROR
    assert one_error_line(result) == "Error: SPARQL Update (INSERT, DELETE, LOAD, CLEAR, ...) is refused: kgtool query is read-only"
    assert snapshot(tiny_home) == before


def test_query_runs_when_service_and_from_appear_only_in_a_string_or_a_comment(kg, tiny_home):
    query = (
        "# SERVICE <http://x> { ?s ?p ?o } FROM <file:///etc/hostname> LOAD <http://x>\n"
        'SELECT ?x WHERE { BIND("SERVICE <http://x> { } FROM <http://y>" AS ?x) }'
    )
    result = kg("--home", str(tiny_home), "query", query, "--format", "csv")
    assert result.exit_code == ExitCode.OK
    assert result.stdout == 'x\nSERVICE <http://x> { } FROM <http://y>\n'
    assert result.stderr == ""


def test_query_with_allow_remote_sends_service_to_the_endpoint(kg, tiny_home, listener):
    query = f"SELECT ?x WHERE {{ SERVICE <{listener.url}/sparql> {{ ?s ?p ?x }} }}"
    result = kg("--home", str(tiny_home), "query", "--allow-remote", query, "--format", "csv")
    assert result.exit_code == ExitCode.OK
    assert result.stdout == "x\nfrom-the-listener\n"
    assert listener.requests == ["POST /sparql"]


# --------------------------------------------------------------------------------------
# parsing: JSON-LD contexts, XML entities, owl:imports
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("command", ["validate", "add"])
@pytest.mark.parametrize("name", ["remote-context.jsonld", "scoped-remote-context.jsonld"])
def test_remote_jsonld_context_is_refused_and_not_fetched(kg, tiny_home, listener, tmp_path, command, name):
    path = hostile(name, listener, tmp_path)
    before = snapshot(tiny_home)
    result = kg("--home", str(tiny_home), command, path)
    assert result.exit_code == ExitCode.ERROR
    assert result.stdout == ""
    assert one_error_line(result) == (
        f"Error: {path}: refused to fetch the remote JSON-LD @context '{listener.url}/ctx.jsonld'; "
        "inline the context, or pass --allow-remote"
    )
    assert listener.requests == []
    assert snapshot(tiny_home) == before


def test_validate_with_allow_remote_fetches_the_jsonld_context(kg, tiny_home, listener, tmp_path):
    path = hostile("remote-context.jsonld", listener, tmp_path)
    result = kg("--home", str(tiny_home), "validate", "--allow-remote", path)
    assert listener.requests == ["GET /ctx.jsonld"]
    assert result.exit_code == ExitCode.OK, result.output
    assert result.stdout == "conforms: 0 violation(s), 0 warning(s), 0 info\n"


DOCTYPE_REFUSED = "RDF/XML with a DOCTYPE is refused: its entities could read local files or expand without bound"


@pytest.mark.parametrize("command", ["validate", "add"])
@pytest.mark.parametrize("name", ["xxe-http.rdf", "xxe-file.rdf", "parameter-entity.rdf", "billion-laughs.rdf"])
def test_rdfxml_entities_are_refused_not_resolved(kg, tiny_home, listener, tmp_path, command, name):
    path = hostile(name, listener, tmp_path)
    before = snapshot(tiny_home)
    result = kg("--home", str(tiny_home), command, path)
    assert result.exit_code == ExitCode.ERROR
    assert result.stdout == ""
    assert one_error_line(result) == f"Error: {path}:2: {DOCTYPE_REFUSED}"
    assert listener.requests == []
    assert snapshot(tiny_home) == before


def test_home_with_owl_imports_is_queried_without_fetching_the_import(kg, tiny_home, listener):
    hostile("imports.ttl", listener, tiny_home / "ontology")
    ask = f"ASK {{ ?s <{TINY}fromTheNetwork> ?o }}"
    result = kg("--home", str(tiny_home), "query", ask)
    assert (result.exit_code, result.stdout, result.stderr) == (ExitCode.NO, "false\n", "")
    imports = kg("--home", str(tiny_home), "query", "SELECT ?o WHERE { ?s <http://www.w3.org/2002/07/owl#imports> ?o }", "--format", "csv")
    assert imports.stdout == f"o\n{listener.url}/onto.ttl\n"
    assert listener.requests == []


def test_validate_and_add_of_a_file_with_owl_imports_fetch_nothing(kg, tiny_home, listener, tmp_path):
    path = hostile("imports.ttl", listener, tmp_path)
    assert kg("--home", str(tiny_home), "validate", path).exit_code == ExitCode.OK
    assert kg("--home", str(tiny_home), "add", path).exit_code == ExitCode.OK
    result = kg("--home", str(tiny_home), "query", f"ASK {{ ?s <{TINY}fromTheNetwork> ?o }}")
    assert result.exit_code == ExitCode.NO
    assert listener.requests == []


# --------------------------------------------------------------------------------------
# limits: time, nesting, size
# --------------------------------------------------------------------------------------
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def test_timeout_stops_a_runaway_query_with_one_line_and_exit_2(home):
    def kgtool(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "kgtool", "--home", str(home), *args], capture_output=True, text=True, timeout=120)

    assert kgtool("query", "ASK { ?s ?p ?o }").returncode == ExitCode.OK  # builds the home's cache first
    start = time.monotonic()
    result = kgtool("query", "--timeout", "2", RUNAWAY)
    elapsed = time.monotonic() - start
    assert result.returncode == ExitCode.ERROR
    assert result.stdout == ""
    assert result.stderr == "Error: the query did not finish within 2 s (use --timeout to allow longer)\n"
    assert elapsed < 2 + 15, f"a 2 s timeout took {elapsed:.1f} s to stop the query"


def test_a_query_without_timeout_stops_at_the_default_of_a_minute():
    """`kgtool query` with no --timeout is bounded by sparql.DEFAULT_TIMEOUT (a minute): lowered
    to 1 s in the child process, a runaway query run through the command line stops there."""
    assert sparql.DEFAULT_TIMEOUT == 60
    main = "import kgtool.sparql; kgtool.sparql.DEFAULT_TIMEOUT = 1.0; from kgtool.cli import main; main()"
    start = time.monotonic()
    result = subprocess.run([sys.executable, "-c", main, "query", RUNAWAY], capture_output=True, text=True, timeout=120)
    elapsed = time.monotonic() - start
    assert (result.returncode, result.stdout) == (ExitCode.ERROR, "")
    assert result.stderr == "Error: the query did not finish within 1 s (use --timeout to allow longer)\n"
    assert elapsed < 1 + 15


def deep(kind: str, n: int) -> str:
    return {
        "turtle": f"@prefix ex: <{TINY}> .\nex:a ex:p " + "[ ex:p " * n + "ex:b" + " ]" * n + " .\n",
        "collection": f"@prefix ex: <{TINY}> .\nex:a ex:p " + "( " * n + "ex:b" + " )" * n + " .\n",
        "triple-term": f"<{TINY}a> <{TINY}p> " + f"<<( <{TINY}a> <{TINY}p> " * n + f"<{TINY}b>" + " )>>" * n + " .\n",
        "json-ld": f'{{"@id": "{TINY}a", "{TINY}p": ' * n + f'{{"@id": "{TINY}b"}}' + "}" * n,
        "rdf-xml": '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        f'xmlns:ex="{TINY}">\n' + "<rdf:Description><ex:p>" * n + "</ex:p></rdf:Description>" * n + "</rdf:RDF>\n",
    }[kind]


@pytest.mark.parametrize(
    "kind, name, message",
    [
        ("turtle", "deep.ttl", "deep.ttl:2: nested more than 256 levels deep ([ ], ( ) or << >>)"),
        ("collection", "deep.ttl", "deep.ttl:2: nested more than 256 levels deep ([ ], ( ) or << >>)"),
        ("triple-term", "deep.nt", "deep.nt:1: nested more than 256 levels deep ([ ], ( ) or << >>)"),
        ("json-ld", "deep.jsonld", "deep.jsonld: JSON nested more than 256 levels deep"),
        ("rdf-xml", "deep.rdf", "deep.rdf:3: XML elements nested more than 256 levels deep"),
    ],
)
@pytest.mark.parametrize("allow_remote", [[], ["--allow-remote"]])
def test_input_nested_100k_levels_deep_is_refused_with_one_line(kg, tiny_home, tmp_path, kind, name, message, allow_remote):
    path = tmp_path / name
    path.write_text(deep(kind, 100_000), encoding="utf-8")
    result = kg("--home", str(tiny_home), "validate", *allow_remote, str(path))
    assert result.exit_code == ExitCode.ERROR
    assert result.stdout == ""
    assert one_error_line(result) == f"Error: {tmp_path}/{message}"


# RDF/XML nests two elements per level: 120 levels are 241 elements deep.
@pytest.mark.parametrize("kind, name, levels", [("turtle", "nested.ttl", 250), ("json-ld", "nested.jsonld", 120), ("rdf-xml", "nested.rdf", 120)])
def test_input_nested_a_little_under_the_limit_is_still_read(kg, tiny_home, tmp_path, kind, name, levels):
    path = tmp_path / name
    path.write_text(deep(kind, levels), encoding="utf-8")
    result = kg("--home", str(tiny_home), "validate", str(path))
    assert result.exit_code == ExitCode.OK, result.stderr
    assert result.stderr == ""


def test_brackets_inside_strings_comments_and_names_do_not_count_as_nesting(kg, tiny_home, tmp_path):
    path = tmp_path / "brackets.ttl"
    path.write_text(
        f"@prefix ex: <{TINY}> .\n"
        + f'ex:a ex:p "{"[" * 300}" , """{"(" * 300}""" , \'{"<<" * 300}\' .  # {"[" * 300}\n'
        + "ex:a ex:q ex:b" + "\\(" * 300 + " .\n",
        encoding="utf-8",
    )
    result = kg("--home", str(tiny_home), "validate", str(path))
    assert result.exit_code == ExitCode.OK, result.stderr


def test_query_nested_100k_groups_deep_is_refused_with_one_line(kg, tiny_home):
    query = "SELECT * WHERE " + "{" * 100_000 + " ?s ?p ?o " + "}" * 100_000
    result = kg("--home", str(tiny_home), "query", query)
    assert result.exit_code == ExitCode.ERROR
    assert one_error_line(result) == "Error: the query is nested too deeply to read"


def test_query_with_a_path_of_12000_steps_is_refused_as_too_large(kg, tiny_home):
    # Oxigraph recurses on such chains and would crash the process (a segmentation fault).
    query = f"SELECT * WHERE {{ ?s {'/'.join([f'<{TINY}p>'] * 12_000)} ?o }}"
    result = kg("--home", str(tiny_home), "query", query)
    assert result.exit_code == ExitCode.ERROR
    assert one_error_line(result) == f"Error: the query is too large: over {gate.MAX_QUERY_NODES} operators, patterns and terms"


@pytest.mark.parametrize("command", ["validate", "add"])
def test_file_over_the_size_limit_is_refused_with_one_line(kg, tiny_home, tmp_path, monkeypatch, command):
    path = tmp_path / "big.ttl"
    path.write_text(f'<{TINY}georgia> <{TINY}note> "{"x" * 2000}" .\n', encoding="utf-8")
    monkeypatch.setenv("KGTOOL_MAX_INPUT_BYTES", "1000")
    before = snapshot(tiny_home)
    result = kg("--home", str(tiny_home), command, str(path))
    assert result.exit_code == ExitCode.ERROR
    size = path.stat().st_size
    assert one_error_line(result) == f"Error: {path}: file is {size} bytes, over the limit of 1000 (KGTOOL_MAX_INPUT_BYTES)"
    assert snapshot(tiny_home) == before


def test_home_file_over_the_size_limit_is_refused_with_one_line(kg, tiny_home, monkeypatch):
    monkeypatch.setenv("KGTOOL_MAX_INPUT_BYTES", "100")
    size = (tiny_home / "ontology" / "tiny.ttl").stat().st_size
    result = kg("--home", str(tiny_home), "query", "ASK { ?s ?p ?o }")
    assert result.exit_code == ExitCode.ERROR
    assert one_error_line(result) == f"Error: ontology/tiny.ttl: file is {size} bytes, over the limit of 100 (KGTOOL_MAX_INPUT_BYTES)"
