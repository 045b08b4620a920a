"""Remote homes and push against a real Oxigraph server started here, and against small fake servers for the faults."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

import httpx
import pytest
import rdflib
from rdflib.compare import isomorphic

REPO = Path(__file__).resolve().parent.parent
QUERIES = sorted(p.stem for p in (REPO / "queries").glob("*.rq"))
OXIGRAPH = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which("oxigraph")
needs_oxigraph = pytest.mark.skipif(OXIGRAPH is None, reason="the oxigraph server binary is not installed (pip install oxigraph)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class OxigraphServer:
    """`oxigraph serve` on a free loopback port over a temporary directory; stopped with SIGTERM."""

    def __init__(self, location: Path, *options: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [OXIGRAPH, "serve", "--location", str(location), "--bind", f"127.0.0.1:{self.port}", *options],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                httpx.get(self.url + "/query", params={"query": "ASK {}"}, timeout=1)
                return
            except httpx.HTTPError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("the Oxigraph server did not start")

    def update(self, text: str) -> None:
        httpx.post(self.url + "/update", content=text, headers={"Content-Type": "application/sparql-update"}).raise_for_status()

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if OXIGRAPH is None:
        pytest.skip("the oxigraph server binary is not installed (pip install oxigraph)")
    running = OxigraphServer(tmp_path_factory.mktemp("oxigraph"))
    yield running
    running.stop()


@pytest.fixture(scope="module")
def pushed(server, tmp_path_factory):
    """The bundled home, pushed to the server: its URL."""
    from click.testing import CliRunner

    from kgtool.cli import cli

    cache = str(tmp_path_factory.getbasetemp() / "xdg-cache")  # the session's cache, as conftest's _isolated_cache has it
    result = CliRunner(env={"XDG_CACHE_HOME": cache, "KGTOOL_HOME": None}).invoke(cli, ["push", server.url], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return server.url


# --------------------------------------------------------------------------------------
# the bundled home, pushed, answers as the local home does
# --------------------------------------------------------------------------------------
def test_push_says_what_it_wrote(kg, server):
    result = kg("push", server.url)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("Pushed 6496 quad(s) in 5 graph(s) to " + server.url)  # 6459 triples, 18 named queries, the closed schema
    assert f"use it with --home {server.url}." in result.stdout


@needs_oxigraph
@pytest.mark.parametrize("reason", ["--reason", "--no-reason"])
@pytest.mark.parametrize("name", QUERIES)
def test_every_named_query_answers_through_the_url_as_locally(kg, pushed, name, reason):
    for fmt in ("table", "json"):
        local = kg("query", "-n", name, reason, "--format", fmt)
        remote = kg("--home", pushed, "query", "-n", name, reason, "--format", fmt)
        assert (remote.exit_code, remote.stdout, remote.stderr) == (local.exit_code, local.stdout, local.stderr)


@needs_oxigraph
@pytest.mark.parametrize(
    "args",
    [
        ["query", "--list"],
        ["query", "-n", "source-of-fact", "--param", "fact=cfr:membership-armenia-csto", "--format", "csv"],
        ["query", "ASK { cfr:armenia cf:memberOf cfr:csto }"],
        ["query", "ASK { cfr:armenia cf:memberOf cfr:csto }", "--no-reason"],
        ["query", "CONSTRUCT { ?m cf:memberOf cfr:csto } WHERE { ?m cf:memberOf cfr:csto }"],
        ["query", "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"],
        ["query", "SELECT ?x WHERE { ?x a cf:NoSuchClass }", "--format", "xml"],
        ["query", "SELECT ?s WHERE { ?s ?p ?o"],
    ],
    ids=["list", "param", "ask-true", "ask-false", "construct", "graphs", "empty", "bad-sparql"],
)
def test_other_queries_answer_as_locally(kg, pushed, args):
    local = kg(*args)
    remote = kg("--home", pushed, *args)
    assert (remote.exit_code, remote.stdout, remote.stderr) == (local.exit_code, local.stdout, local.stderr)


def _graph(data: bytes, fmt: str) -> rdflib.Graph:
    dataset = rdflib.Dataset()
    dataset.parse(data=data, format=fmt)
    graph = rdflib.Graph()
    for s, p, o, _g in dataset.quads():
        graph.add((s, p, o))
    return graph


@needs_oxigraph
@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # rdflib's own Dataset.parse
@pytest.mark.parametrize(
    "args",
    [["--format", "nt"], ["--format", "nt", "--inferred"], ["--format", "nq", "--part", "all"], ["--format", "nt", "--part", "shapes"], ["--format", "turtle", "--part", "ontology"]],
    ids=["graph", "inferred", "all", "shapes", "ontology"],
)
def test_export_through_the_url_is_the_same_graph(kg, pushed, args):
    local = kg("export", *args)
    remote = kg("--home", pushed, "export", *args)
    assert remote.exit_code == local.exit_code == 0
    fmt = {"nt": "nt", "nq": "nquads", "turtle": "turtle"}[args[1]]
    a, b = _graph(local.stdout_bytes, fmt), _graph(remote.stdout_bytes, fmt)
    assert len(a) == len(b) and isomorphic(a, b)


@needs_oxigraph
def test_stats_through_the_url_are_the_same(kg, pushed):
    local = json.loads(kg("stats", "--format", "json").stdout)
    remote = json.loads(kg("--home", pushed, "stats", "--format", "json").stdout)
    assert remote.pop("home") == pushed and remote.pop("bundled") is False
    local.pop("home"), local.pop("bundled")
    assert remote == local
    text = kg("--home", pushed, "stats").stdout
    assert text.splitlines()[0] == f"home: {pushed}"
    assert text.splitlines()[1:] == kg("stats").stdout.splitlines()[1:]


@needs_oxigraph
def test_kgtool_home_variable_names_a_remote_home(kg, pushed, monkeypatch):
    monkeypatch.setenv("KGTOOL_HOME", pushed)
    assert kg("query", "-n", "csto-members").stdout == kg("--home", str(REPO), "query", "-n", "csto-members").stdout


# --------------------------------------------------------------------------------------
# push: replaces what kgtool put there before; incomplete pushes are refused
# --------------------------------------------------------------------------------------
@needs_oxigraph
def test_push_replaces_the_named_graphs_it_put_there_and_leaves_others(kg, tmp_path, home):
    with_graph = tmp_path / "trig-home"
    shutil.copytree(home, with_graph)
    (with_graph / "data" / "extra.trig").write_text(
        "@prefix cfr: <https://w3id.org/kgtool/id/> .\n<urn:x:extra> { cfr:armenia cfr:note \"in a named graph\" . }\n", encoding="utf-8"
    )
    running = OxigraphServer(tmp_path / "db")
    try:
        running.update('INSERT DATA { GRAPH <urn:x:someone-else> { <urn:a> <urn:b> "kept" } }')
        assert kg("--home", str(with_graph), "push", running.url).exit_code == 0
        query = "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
        assert kg("--home", running.url, "query", query, "--format", "csv").stdout == "g\nurn:x:extra\n"
        assert kg("push", running.url).exit_code == 0  # the bundled home: no named graph
        assert kg("--home", running.url, "query", query, "--format", "csv").stdout == "g\n"
        graphs = httpx.post(running.url + "/query", data={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g {} }"}, headers={"Accept": "text/csv"}).text
        assert "urn:x:someone-else" in graphs and "urn:x:extra" not in graphs
        assert kg("--home", running.url, "stats").stdout.splitlines()[1:] == kg("stats").stdout.splitlines()[1:]
    finally:
        running.stop()


@needs_oxigraph
def test_a_home_without_its_meta_graph_is_refused_as_incomplete(kg, tmp_path):
    running = OxigraphServer(tmp_path / "db")
    try:
        result = kg("--home", running.url, "query", "-n", "csto-members")
        assert result.exit_code == 2
        assert result.stderr == (
            f"Error: {running.url} holds no complete kgtool home (nothing was pushed there, or a push was cut off); "
            f"run 'kgtool push {running.url}' from a local home\n"
        )
        assert kg("push", running.url).exit_code == 0
        running.update("DROP GRAPH <urn:kgtool:graph:meta>")  # as a push cut off before its last step leaves it
        assert kg("--home", running.url, "query", "ASK {}").exit_code == 2
    finally:
        running.stop()


@needs_oxigraph
@pytest.mark.parametrize(
    ("query", "what"),
    [
        ("SELECT ?s WHERE { ?s ?p ?o . ?a ?b ?c FILTER(?c = ?o) }", "SPARQL JSON results"),
        ("CONSTRUCT { ?s ?p ?c } WHERE { ?s ?p ?o . ?a ?b ?c FILTER(?c = ?o) }", "N-Triples"),
    ],
    ids=["select", "construct"],
)
def test_oxigraph_cancelling_a_query_inside_an_http_200_is_an_error_not_rows(kg, tmp_path, query, what):
    # Oxigraph's own trap (issue 13): past --timeout-s it appends "The SPARQL operation has been cancelled" to a cut body.
    running = OxigraphServer(tmp_path / "db", "--timeout-s", "1")
    try:
        assert kg("push", running.url).exit_code == 0
        result = kg("--home", running.url, "query", query, "--no-reason", "--format", "csv" if what != "N-Triples" else "nt")
        assert result.exit_code == 2 and result.stdout == ""
        assert result.stderr.startswith(f"Error: the server's answer is not whole, valid {what} (cut off, or an error inside an HTTP 200?): ")
    finally:
        running.stop()


@needs_oxigraph
def test_a_push_cut_off_midway_leaves_an_incomplete_home_and_the_next_one_counts_on(kg, tmp_path, monkeypatch):
    from kgtool.errors import RemoteError
    from kgtool.remote.home import resolve
    from kgtool.remote.http import Client

    running = OxigraphServer(tmp_path / "db")
    try:
        assert kg("push", running.url).exit_code == 0
        assert kg("push", running.url).exit_code == 0

        def cut(self, quads, timeout=None):
            next(iter(quads))  # some of the graphs are read, then the connection goes
            raise RemoteError(f"cannot reach the server at {running.url}/store: connection reset")

        monkeypatch.setattr(Client, "post_dataset", cut)
        result = kg("push", running.url)
        assert (result.exit_code, result.stderr) == (2, f"Error: cannot reach the server at {running.url}/store: connection reset\n")
        assert "holds no complete kgtool home" in kg("--home", running.url, "query", "-n", "csto-members").stderr
        monkeypatch.undo()
        assert kg("push", running.url, "--no-check").exit_code == 0
        assert resolve(running.url).meta()["generation"] == 3  # generations only grow, through an incomplete state too
        stats = kg("--home", running.url, "stats").stdout
        assert "conforms:" not in stats and stats.splitlines()[1:3] == kg("stats").stdout.splitlines()[1:3]
    finally:
        running.stop()


@needs_oxigraph
def test_a_config_file_home_without_a_graph_store_pushes_with_insert_data(kg, server, tmp_path):
    config = tmp_path / "server.json"
    config.write_text(json.dumps({"query": server.url + "/query", "update": server.url + "/update", "auth": "none", "timeout": 30}), encoding="utf-8")
    assert kg("push", str(config)).exit_code == 0
    for name in ("csto-members", "timeline"):
        assert kg("--home", str(config), "query", "-n", name).stdout == kg("query", "-n", name).stdout


@needs_oxigraph
def test_a_config_file_may_rename_kgtools_graphs_on_the_server(kg, server, tmp_path):
    config = tmp_path / "server.json"
    renamed = {"urn:kgtool:graph:data": "http://example.org/g/conflict-data", "urn:kgtool:graph:meta": "http://example.org/g/kgtool-meta"}
    config.write_text(json.dumps({"url": server.url, "graphs": renamed}), encoding="utf-8")
    assert kg("push", str(config)).exit_code == 0
    assert kg("--home", str(config), "query", "-n", "casualty-claims").stdout == kg("query", "-n", "casualty-claims").stdout
    assert kg("--home", str(config), "query", "ASK { cfr:armenia cf:memberOf cfr:csto }", "--no-reason").exit_code == 0
    count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <http://example.org/g/conflict-data> { ?s ?p ?o } }"
    answer = httpx.post(server.url + "/query", data={"query": count}, headers={"Accept": "text/csv"}).text
    assert answer.split()[-1] == str(json.loads(kg("stats", "--format", "json").stdout)["triples"]["data"])


@needs_oxigraph
def test_two_overlapping_pushes_leave_the_home_incomplete_not_mixed(kg, tiny_home, tmp_path, monkeypatch):
    from kgtool.remote.http import Client

    running = OxigraphServer(tmp_path / "db")
    real = Client.post_dataset
    calls = []

    def overlapped(self, quads, timeout=None):
        calls.append(1)
        if len(calls) == 1:  # another machine pushes another home while this push sends its graphs
            assert kg("--home", str(tiny_home), "push", running.url).exit_code == 0
        return real(self, quads, timeout)

    monkeypatch.setattr(Client, "post_dataset", overlapped)
    try:
        result = kg("push", running.url)
        assert result.exit_code == 2
        assert result.stderr == f"Error: another push to {running.url} overlapped this one; the home there is left incomplete: push again\n"
        assert "holds no complete kgtool home" in kg("--home", running.url, "query", "ASK {}").stderr
        monkeypatch.setattr(Client, "post_dataset", real)
        assert kg("push", running.url).exit_code == 0
        assert kg("--home", running.url, "query", "-n", "timeline").stdout == kg("query", "-n", "timeline").stdout
    finally:
        running.stop()


def test_a_config_file_may_be_toml(tmp_path):
    from kgtool.remote.home import read_config

    config = tmp_path / "server.toml"
    config.write_text('query = "http://h/sparql"\nupdate = "http://h/update"\nauth = "digest"\n[graphs]\n"urn:kgtool:graph:data" = "http://h/g/data"\n', encoding="utf-8")
    if sys.version_info < (3, 11):
        pytest.skip("TOML needs Python 3.11")
    endpoints = read_config(config)
    assert (endpoints.query, endpoints.update, endpoints.store, endpoints.auth) == ("http://h/sparql", "http://h/update", None, "digest")
    assert endpoints.graphs == {"urn:kgtool:graph:data": "http://h/g/data"}


def test_a_config_file_with_an_unknown_setting_is_refused(kg, tmp_path):
    config = tmp_path / "server.json"
    config.write_text('{"query": "http://h/sparql", "password": "x"}', encoding="utf-8")
    result = kg("--home", str(config), "query", "ASK {}")
    assert result.exit_code == 2
    assert result.stderr == f"Error: {config}: unknown setting 'password' (known: auth, graphs, query, store, timeout, update, url)\n"


# --------------------------------------------------------------------------------------
# faults: fake servers that are slow, cut their answer, refuse credentials; no server at all
# --------------------------------------------------------------------------------------
META_ROW = None


def meta_body() -> bytes:
    """A meta graph's answer as the real server gives it (prefixes, counts, ...), for the fake servers."""
    global META_ROW
    if META_ROW is None:
        import kgtool
        from kgtool.store import load
        from kgtool.home import resolve

        loaded = load(resolve(None))
        state = {"reasoner": loaded.reasoner, "prefixes": loaded.prefixes, "counts": loaded.counts, "files": {}, "named_graphs": [], "conforms": True, "validation": {}}
        bindings = [
            {"p": {"type": "uri", "value": "https://w3id.org/kgtool/meta#generation"}, "o": {"type": "literal", "value": "1", "datatype": "http://www.w3.org/2001/XMLSchema#integer"}},
            {"p": {"type": "uri", "value": "https://w3id.org/kgtool/meta#kgtoolVersion"}, "o": {"type": "literal", "value": kgtool.__version__}},
            {"p": {"type": "uri", "value": "https://w3id.org/kgtool/meta#state"}, "o": {"type": "literal", "value": json.dumps(state)}},
        ]
        META_ROW = json.dumps({"head": {"vars": ["p", "o"]}, "results": {"bindings": bindings}}).encode()
    return META_ROW


ROWS = json.dumps({"head": {"vars": ["s"]}, "results": {"bindings": [{"s": {"type": "uri", "value": f"urn:x:{i}"}} for i in range(50)]}}).encode()


class FakeServer:
    """A loopback HTTP server whose answer to a query (other than the meta graph's) is `behaviour`."""

    def __init__(self, behaviour: str):
        seen: list[dict] = []
        self.seen = seen

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                form = parse_qs(self.rfile.read(int(self.headers.get("Content-Length", 0))).decode())
                seen.append({"form": form, "authorization": self.headers.get("Authorization")})
                if behaviour == "unauthorized":
                    return self.answer(401, b"Unauthorized", "text/plain", extra={"WWW-Authenticate": 'Basic realm="kg"'})
                if "urn:kgtool:home" in form.get("query", [""])[0]:
                    return self.answer(200, meta_body())
                if behaviour == "slow":
                    time.sleep(5)
                    return self.answer(200, ROWS)
                if behaviour == "truncated":  # a body cut short, framed as complete
                    return self.answer(200, ROWS[: len(ROWS) // 2])
                if behaviour == "error-in-200":  # Oxigraph's trap: the error appended to a cut body
                    return self.answer(200, ROWS[: len(ROWS) // 2] + b"\nQuery evaluation error: timeout")
                if behaviour == "cut-connection":  # fewer bytes than Content-Length, then the connection closes
                    self.send_response(200)
                    self.send_header("Content-Type", "application/sparql-results+json")
                    self.send_header("Content-Length", str(len(ROWS)))
                    self.end_headers()
                    self.wfile.write(ROWS[: len(ROWS) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                return self.answer(200, ROWS)

            def answer(self, status, body, media_type="application/sparql-results+json", extra=None):
                self.send_response(status)
                self.send_header("Content-Type", media_type)
                self.send_header("Content-Length", str(len(body)))
                for k, v in (extra or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def fake():
    made: list[FakeServer] = []

    def start(behaviour: str) -> FakeServer:
        made.append(FakeServer(behaviour))
        return made[-1]

    yield start
    for f in made:
        f.close()


def test_the_fake_server_answers_rows_as_a_real_one(kg, fake):
    server = fake("ok")
    result = kg("--home", server.url, "query", "SELECT ?s WHERE { ?s ?p ?o }", "--format", "csv")
    assert result.exit_code == 0 and result.stdout.count("urn:x:") == 50


def test_a_slow_server_times_out_with_exit_2(kg, fake):
    server = fake("slow")
    start = time.monotonic()
    result = kg("--home", server.url, "query", "SELECT ?s WHERE { ?s ?p ?o }", "--timeout", "1")
    assert time.monotonic() - start < 4
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith("Error: ") and "within 1 s (use --timeout to allow longer)" in result.stderr
    assert result.stderr.count("\n") == 1


@pytest.mark.parametrize("behaviour", ["truncated", "error-in-200"])
def test_a_cut_body_in_an_http_200_answer_is_an_error_not_rows(kg, fake, behaviour):
    server = fake(behaviour)
    result = kg("--home", server.url, "query", "SELECT ?s WHERE { ?s ?p ?o }", "--format", "csv")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith("Error: the server's answer is not whole, valid SPARQL JSON results (cut off, or an error inside an HTTP 200?): ")
    assert result.stderr.count("\n") == 1


def test_a_connection_cut_before_content_length_is_an_error(kg, fake):
    server = fake("cut-connection")
    result = kg("--home", server.url, "query", "SELECT ?s WHERE { ?s ?p ?o }")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith(f"Error: cannot reach the server at {server.url}/query: the answer was cut off or malformed")


def test_wrong_credentials_are_one_line_without_the_password(kg, fake, monkeypatch):
    server = fake("unauthorized")
    monkeypatch.setenv("KGTOOL_USER", "analyst")
    monkeypatch.setenv("KGTOOL_PASSWORD", "s3cret-Pa55")
    result = kg("--home", server.url, "query", "ASK {}")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == (
        f"Error: the server at {server.url}/query refused the credentials (HTTP 401); check $KGTOOL_USER/$KGTOOL_PASSWORD or ~/.netrc\n"
    )
    assert server.seen[0]["authorization"].startswith("Basic ")  # they were sent, and are nowhere in the output
    assert "s3cret" not in result.output


def test_no_credentials_for_a_server_that_wants_them_says_where_to_put_them(kg, fake):
    server = fake("unauthorized")
    result = kg("--home", server.url, "query", "ASK {}")
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: the server at {server.url}/query asks for credentials (HTTP 401); set $KGTOOL_USER and $KGTOOL_PASSWORD, or add its host to ~/.netrc\n"
    )


def test_credentials_come_from_netrc_for_the_host(fake, monkeypatch, tmp_path):
    from kgtool.remote.http import credentials

    (tmp_path / ".netrc").write_text("machine kg.example.org login ana password from-netrc\n", encoding="utf-8")
    os.chmod(tmp_path / ".netrc", 0o600)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("KGTOOL_USER", raising=False)
    monkeypatch.delenv("KGTOOL_PASSWORD", raising=False)
    assert credentials("https://kg.example.org/sparql") == ("ana", "from-netrc")
    assert credentials("https://other.example.org/sparql") is None


def test_credentials_in_the_url_are_refused_and_not_repeated(kg):
    result = kg("--home", "http://ana:pw-in-url@127.0.0.1:9/", "query", "ASK {}")
    assert result.exit_code == 2
    assert result.stderr == "Error: http://127.0.0.1:9/query: credentials do not go in the URL; set $KGTOOL_USER and $KGTOOL_PASSWORD or use ~/.netrc\n"


def test_an_unreachable_server_is_one_line_exit_2(kg):
    url = f"http://127.0.0.1:{free_port()}"
    result = kg("--home", url, "query", "-n", "csto-members")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == f"Error: cannot reach the server at {url}/query: connection refused\n"


def test_the_query_gate_refuses_before_anything_is_sent(kg, fake):
    server = fake("ok")
    result = kg("--home", server.url, "query", "SELECT ?s WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
    assert result.exit_code == 2
    assert result.stderr == "Error: SERVICE <http://example.org/sparql> is refused: queries do not reach the network unless you pass --allow-remote\n"
    assert server.seen == []


def test_every_query_names_its_dataset(kg, fake):
    server = fake("ok")
    kg("--home", server.url, "query", "SELECT ?s WHERE { ?s ?p ?o }", "--no-reason")
    kg("--home", server.url, "query", "SELECT ?s WHERE { ?s ?p ?o }")
    no_reason, reason = (s["form"] for s in server.seen if "urn:kgtool:home" not in s["form"]["query"][0])
    assert no_reason["default-graph-uri"] == ["urn:kgtool:graph:ontology", "urn:kgtool:graph:data"]
    assert reason["default-graph-uri"] == ["urn:kgtool:graph:ontology", "urn:kgtool:graph:data", "urn:kgtool:graph:inferred"]
    assert reason["named-graph-uri"] == ["urn:kgtool:graph:none"]  # no named graph: GRAPH sees nothing, as locally
    assert reason["query"][0].endswith("SELECT ?s WHERE { ?s ?p ?o }") and "\n" not in reason["query"][0]


def test_commands_that_need_files_refuse_a_remote_home(kg, fake, tmp_path):
    server = fake("ok")
    result = kg("--home", server.url, "template", "cf:MilitaryOperation")
    assert result.exit_code == 2
    assert result.stderr == f"Error: {server.url} is a remote home: this command works on a local home only (so far: query, export, stats, validate, add, import)\n"


def test_push_refuses_a_target_that_is_not_a_server(kg, tmp_path):
    result = kg("push", str(tmp_path))
    assert result.exit_code == 2
    assert result.stderr == f"Error: push needs the URL of a SPARQL server (http:// or https://) or a config file (.toml, .json), not '{tmp_path}'\n"


def test_a_streamed_update_reaches_a_digest_server_whole(monkeypatch):
    """httpx answers a Digest challenge by sending the request again: a streamed body must be sendable twice."""
    from kgtool.remote.http import Client, Endpoints

    bodies: list[tuple[str | None, bytes]] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            if self.headers.get("Transfer-Encoding") == "chunked":
                body = b""
                while True:
                    size = int(self.rfile.readline().strip(), 16)
                    if size == 0:
                        self.rfile.readline()
                        break
                    body += self.rfile.read(size)
                    self.rfile.readline()
            else:
                body = self.rfile.read(length)
            bodies.append((self.headers.get("Authorization"), body))
            if not self.headers.get("Authorization", "").startswith("Digest "):
                self.send_response(401)
                self.send_header("WWW-Authenticate", 'Digest realm="kg", nonce="n0nce", qop="auth", algorithm=MD5')
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        monkeypatch.setenv("KGTOOL_USER", "dba")
        monkeypatch.setenv("KGTOOL_PASSWORD", "not-this")
        url = f"http://127.0.0.1:{httpd.server_address[1]}/sparql-auth"
        Client(Endpoints(query=url, update=url, auth="digest")).update(iter([b"INSERT { <urn:a> <urn:b> _:c } ", b"WHERE {}"]))
        assert bodies[-1][0].startswith("Digest username=\"dba\"")
        assert bodies[-1][1] == b"INSERT { <urn:a> <urn:b> _:c } WHERE {}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_inserts_without_a_graph_store_keep_a_blank_nodes_triples_together():
    import pyoxigraph as ox

    from kgtool.remote.push import _apart

    g, h = ox.NamedNode("urn:g"), ox.NamedNode("urn:h")
    s, p = ox.NamedNode("urn:s"), ox.NamedNode("urn:p")
    b1, b2, b3 = ox.BlankNode("b1"), ox.BlankNode("b2"), ox.BlankNode("b3")
    quads = [ox.Quad(s, p, b1, g), *(ox.Quad(s, p, ox.Literal(str(i)), g) for i in range(5)), ox.Quad(b1, p, b2, g), ox.Quad(b2, p, s, h), ox.Quad(b3, p, s, g)]
    parts = list(_apart(iter(quads), size=2))
    assert sorted(map(str, (q for part in parts for q in part))) == sorted(map(str, quads))
    where = {b: {i for i, part in enumerate(parts) for q in part if b in (q.subject, q.object)} for b in (b1, b2, b3)}
    assert len(where[b1]) == len(where[b2]) == len(where[b3]) == 1 and where[b1] == where[b2]  # b1 and b2 share a quad: one update
