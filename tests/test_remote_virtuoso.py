"""Remote homes and push against a real Virtuoso 7 started here: the same answers as the local home (and as Oxigraph's).

Virtuoso differs from Oxigraph where it matters (issue 13): its default graph is the union of all graphs, its JSON
results say `typed-literal`, it answers the first media type of an Accept list whatever the query, its SPARQL compiler
refuses an xsd:duration literal in an update (so push sends each graph to its Graph Store as N-Triples), it keeps an
xsd:duration as a number, and it writes with HTTP Digest auth only. `.ci/run` installs it; without virtuoso-t these
tests fail, unless KGTOOL_NO_VIRTUOSO=1 says to skip them.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from kgtool.cli import cli
from test_remote import QUERIES, REPO, _graph, free_port
from test_remote_validate import SUBMISSIONS

VIRTUOSO = shutil.which("virtuoso-t")
if VIRTUOSO is None and os.environ.get("KGTOOL_NO_VIRTUOSO") == "1":
    pytestmark = pytest.mark.skip(reason="virtuoso-t is not installed and KGTOOL_NO_VIRTUOSO=1")

USER, PASSWORD = "dba", "dba"  # a new database's; the server listens on loopback only, over a temporary directory

INI = """[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql}
DisableUnixSocket = 1
DirsAllowed = {dir}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
CheckpointInterval = 0
[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = {dir}
ServerThreads = 4
MaxClientConnections = 4
Charset = UTF-8
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 0
MaxQueryCostEstimationTime = 0
"""


class VirtuosoServer:
    """`virtuoso-t +foreground` over a temporary directory, its SQL and HTTP ports on free loopback ports; stopped with SIGTERM."""

    def __init__(self, folder: Path):
        folder.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        ini = folder / "virtuoso.ini"
        ini.write_text(INI.format(dir=folder, sql=free_port(), http=self.port), encoding="utf-8")
        self.log = folder / "virtuoso.log"
        self.process = subprocess.Popen(
            [VIRTUOSO, "+foreground", "+configfile", str(ini)], cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                if httpx.get(self.url + "/sparql", params={"query": "ASK {}"}, timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.stop()
        log = self.log.read_text(encoding="utf-8", errors="replace")[-2000:] if self.log.is_file() else ""
        raise RuntimeError(f"Virtuoso did not start:\n{log}")

    def config(self, path: Path, **extra) -> str:
        """A config file for this server: queries at /sparql, updates and the Graph Store behind Digest auth."""
        settings = {
            "query": self.url + "/sparql",
            "update": self.url + "/sparql-auth",
            "store": self.url + "/sparql-graph-crud-auth",
            "auth": "digest",
            "timeout": 120,
            **extra,
        }
        path.write_text("".join(f"{k} = {json.dumps(v)}\n" for k, v in settings.items()), encoding="utf-8")
        return str(path)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory):
    if VIRTUOSO is None:
        pytest.fail("virtuoso-t is not installed (apt-get install virtuoso-opensource; KGTOOL_NO_VIRTUOSO=1 skips these tests)")
    running = VirtuosoServer(tmp_path_factory.mktemp("virtuoso"))
    yield running
    running.stop()


def _env(tmp_path_factory, **more) -> dict:
    return {"XDG_CACHE_HOME": str(tmp_path_factory.getbasetemp() / "xdg-cache"), "KGTOOL_HOME": None, **more}


@pytest.fixture(scope="module")
def pushed(virtuoso, tmp_path_factory):
    """The bundled home, pushed to Virtuoso through its Graph Store: the config file's path (the home)."""
    config = virtuoso.config(tmp_path_factory.mktemp("config") / "virtuoso.toml")
    env = _env(tmp_path_factory, KGTOOL_USER=USER, KGTOOL_PASSWORD=PASSWORD)
    result = CliRunner(env=env).invoke(cli, ["push", config], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Pushed 6496 quad(s) in 5 graph(s) to " + config)
    return config


# Their ORDER BY leaves ties (several notes of one node, several facts of one claim), which engines order as they please.
TIES = {"editorial-notes", "source-of-fact"}
# Virtuoso 7.2's own bugs: these answers cannot be made the local ones from outside the server.
VIRTUOSO_BUGS = {
    "timeline": "Virtuoso 7.2 drops rows: FILTER EXISTS { {..} UNION {..} } with OPTIONAL { ?t cf:date ?d } FILTER(BOUND(?d)) loses the dated events",
    "territory-claims-and-control": "Virtuoso 7.2 refuses it: 'SPARQL compiler: Internal error: sparp_gp_deprecate(): equiv replaces filter but under deprecation'",
}
NAMED = [pytest.param(n, marks=pytest.mark.xfail(reason=VIRTUOSO_BUGS[n], strict=True)) if n in VIRTUOSO_BUGS else n for n in QUERIES]


def _rows(result, fmt: str):
    """The answer with its rows in a fixed order (for a query whose ORDER BY leaves ties)."""
    if fmt == "json":
        answer = json.loads(result.stdout)
        answer["results"]["bindings"].sort(key=lambda row: json.dumps(row, sort_keys=True))
        return answer
    lines = result.stdout.splitlines()
    return lines[:3], sorted(lines[3:])  # the table's header, then its rows


@pytest.mark.parametrize("reason", ["--reason", "--no-reason"])
@pytest.mark.parametrize("name", NAMED)
def test_every_named_query_answers_from_virtuoso_as_locally(kg, pushed, name, reason):
    for fmt in ("table", "json"):
        local = kg("query", "-n", name, reason, "--format", fmt)
        remote = kg("--home", pushed, "query", "-n", name, reason, "--format", fmt)
        assert (remote.exit_code, remote.stderr) == (local.exit_code, local.stderr)
        if name in TIES:
            assert _rows(remote, fmt) == _rows(local, fmt)
        else:
            assert remote.stdout == local.stdout


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
        ["query", "SELECT ?d WHERE { ?w cf:duration ?d }", "--format", "json"],
        ["query", "SELECT ?l WHERE { cfr:armenia rdfs:label ?l }", "--format", "csv"],
    ],
    ids=["list", "param", "ask-true", "ask-false", "construct", "graphs", "empty", "duration", "language"],
)
def test_other_queries_answer_from_virtuoso_as_locally(kg, pushed, args):
    local = kg(*args)
    remote = kg("--home", pushed, *args)
    assert (remote.exit_code, remote.stdout, remote.stderr) == (local.exit_code, local.stdout, local.stderr)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # rdflib's own Dataset.parse
@pytest.mark.parametrize(
    "args",
    [["--format", "nt"], ["--format", "nt", "--inferred"], ["--format", "nq", "--part", "all"], ["--format", "nt", "--part", "shapes"], ["--format", "turtle", "--part", "ontology"]],
    ids=["graph", "inferred", "all", "shapes", "ontology"],
)
def test_export_from_virtuoso_is_the_same_graph(kg, pushed, args):
    from rdflib.compare import isomorphic

    local = kg("export", *args)
    remote = kg("--home", pushed, "export", *args)
    assert remote.exit_code == local.exit_code == 0
    fmt = {"nt": "nt", "nq": "nquads", "turtle": "turtle"}[args[1]]
    a, b = _graph(local.stdout_bytes, fmt), _graph(remote.stdout_bytes, fmt)
    assert len(a) == len(b) and isomorphic(a, b)


def test_stats_from_virtuoso_are_the_same(kg, pushed):
    local = json.loads(kg("stats", "--format", "json").stdout)
    remote = json.loads(kg("--home", pushed, "stats", "--format", "json").stdout)
    assert remote.pop("home") == pushed and remote.pop("bundled") is False
    local.pop("home"), local.pop("bundled")
    assert remote == local
    assert kg("--home", pushed, "stats").stdout.splitlines()[1:] == kg("stats").stdout.splitlines()[1:]


@pytest.mark.parametrize("path", SUBMISSIONS[:: max(1, len(SUBMISSIONS) // 8)], ids=lambda p: p.name)
def test_validate_against_virtuoso_reports_as_locally(kg, pushed, path):
    for fmt in ("text", "json"):
        local = kg("validate", str(path), "--format", fmt)
        remote = kg("--home", pushed, "validate", str(path), "--format", fmt)
        assert (remote.exit_code, remote.stdout, remote.stderr) == (local.exit_code, local.stdout, local.stderr)


def test_a_blank_node_in_two_graphs_stays_one_node_on_virtuoso(pushed, virtuoso):
    # The ontology's OWL restrictions have entailments in the inferred graph. Each Graph Store request names its own
    # blank nodes (two requests would make two nodes), so push writes the quads of such nodes in one INSERT.
    from kgtool.home import resolve
    from kgtool.store import load

    query = "SELECT ?p ?o WHERE { GRAPH <urn:kgtool:graph:ontology> { ?b ?q ?r } GRAPH <urn:kgtool:graph:inferred> { ?b ?p ?o } FILTER(isBlank(?b)) }"
    local = list(load(resolve(None)).store.query(query))
    assert local
    form = {"query": query, "named-graph-uri": ["urn:kgtool:graph:ontology", "urn:kgtool:graph:inferred"]}
    answer = httpx.post(virtuoso.url + "/sparql", data=form, headers={"Accept": "application/sparql-results+json"}).json()
    assert len(answer["results"]["bindings"]) == len(local)


def test_wrong_digest_credentials_are_one_line_without_the_password(kg, virtuoso, tmp_path, monkeypatch):
    config = virtuoso.config(tmp_path / "virtuoso.toml")
    monkeypatch.setenv("KGTOOL_USER", USER)
    monkeypatch.setenv("KGTOOL_PASSWORD", "not-the-Pa55word")
    result = kg("push", config, "--no-check")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == (
        f"Error: the server at {virtuoso.url}/sparql-auth refused the credentials (HTTP 401); check $KGTOOL_USER/$KGTOOL_PASSWORD or ~/.netrc\n"
    )
    assert "Pa55word" not in result.output


def test_push_to_virtuoso_without_credentials_says_where_to_put_them(kg, virtuoso, tmp_path, monkeypatch):
    monkeypatch.delenv("KGTOOL_USER", raising=False)
    monkeypatch.delenv("KGTOOL_PASSWORD", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))  # no ~/.netrc
    result = kg("push", virtuoso.config(tmp_path / "virtuoso.toml"), "--no-check")
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: the server at {virtuoso.url}/sparql-auth asks for credentials (HTTP 401); set $KGTOOL_USER and $KGTOOL_PASSWORD, or add its host to ~/.netrc\n"
    )


def test_virtuosos_own_dialect_is_read_as_the_standard(pushed, virtuoso):
    """What Virtuoso answers, as it is, and kgtool's reading of it (the reason for results.py's rewriting)."""
    from kgtool.remote.results import solutions

    cf, xsd = "https://w3id.org/kgtool/conflict#", "http://www.w3.org/2001/XMLSchema#"
    query = f"SELECT ?b ?d ?n WHERE {{ ?b ?q ?r FILTER(isBlank(?b)) ?w <{cf}duration> ?d BIND(7 AS ?n) }} LIMIT 1"
    form = {"query": query, "default-graph-uri": ["urn:kgtool:graph:ontology", "urn:kgtool:graph:data", "urn:kgtool:graph:inferred"]}
    body = httpx.post(virtuoso.url + "/sparql", data=form, headers={"Accept": "application/sparql-results+json"}).content
    assert b'"typed-literal"' in body and b'"nodeID://' in body and b'"value": "3.8016e+06"' in body
    (row,) = list(solutions(body))
    assert (row["n"].value, row["n"].datatype.value) == ("7", xsd + "integer")
    assert (row["d"].value, row["d"].datatype.value) == ("P44D", xsd + "duration")
    assert row["b"].value.startswith("b")
    for ask, expected in (("ASK { ?s ?p ?o }", True), ("ASK { <urn:nothing> ?p ?o }", False)):
        form["query"] = ask
        body = httpx.post(virtuoso.url + "/sparql", data=form, headers={"Accept": "application/sparql-results+json"}).content
        assert b'"__ASK_RETVAL"' in body and bool(solutions(body)) is expected


MOLDOVA = """@prefix cf: <https://w3id.org/kgtool/conflict#> .
@prefix cfr: <https://w3id.org/kgtool/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
cfr:moldova a cf:SovereignState ; rdfs:label "Moldova"@en ; cf:mentionedIn cfr:source-article .
"""


def test_an_add_lands_on_virtuoso_as_in_a_local_home(kg, pushed, home, tmp_path, monkeypatch):
    # Last in the module: it changes the pushed home. A submission that entails nothing new used to send an
    # empty GRAPH block, which Virtuoso refuses (SP030).
    monkeypatch.setenv("KGTOOL_USER", USER)
    monkeypatch.setenv("KGTOOL_PASSWORD", PASSWORD)
    sub = tmp_path / "moldova.ttl"
    sub.write_text(MOLDOVA, encoding="utf-8")
    local = kg("--home", str(home), "add", str(sub))
    remote = kg("--home", pushed, "add", str(sub))
    assert (remote.exit_code, local.exit_code) == (0, 0), remote.stderr
    question = "SELECT ?s ?l WHERE { ?s a cf:SovereignState ; rdfs:label ?l } ORDER BY ?s"
    answer = kg("--home", pushed, "query", question)
    assert "Moldova" in answer.stdout
    assert answer.stdout == kg("--home", str(home), "query", question).stdout
    again = kg("--home", pushed, "add", str(sub))
    assert again.exit_code == 1 and "already in the home" in again.stdout + again.stderr


def test_a_submission_on_virtuoso_is_listed_as_locally_and_removed_as_if_never_added(kg, pushed, home, tmp_path, monkeypatch):
    # After the add above (module order): the same add lands in a local home; both list it; removed from Virtuoso,
    # the home answers as the bundled home, which never had it.
    monkeypatch.setenv("KGTOOL_USER", USER)
    monkeypatch.setenv("KGTOOL_PASSWORD", PASSWORD)
    sub = tmp_path / "moldova.ttl"
    sub.write_text(MOLDOVA, encoding="utf-8")
    assert kg("--home", str(home), "add", str(sub)).exit_code == 0
    local, remote = (json.loads(kg("--home", h, "submissions", "--format", "json").stdout) for h in (str(home), pushed))
    assert len(remote) == 1 and len(local) == 1
    for listing in (local, remote):
        listing[0].pop("id"), listing[0].pop("added")  # when each was added differs
    assert remote == local == [{"triples": 3, "sources": [{"title": "moldova.ttl", "sha256": remote[0]["sources"][0]["sha256"]}]}]
    ident = json.loads(kg("--home", pushed, "submissions", "--format", "json").stdout)[0]["id"]
    removed = kg("--home", pushed, "remove", ident)
    assert (removed.exit_code, removed.stdout) == (0, f"Removed submission {ident} (3 triple(s) and its PROV record) from {pushed}.\n")
    assert kg("--home", pushed, "submissions").stdout == "No submissions.\n"
    question = "SELECT ?s ?l WHERE { ?s a cf:SovereignState ; rdfs:label ?l } ORDER BY ?s"
    answer = kg("--home", pushed, "query", question)
    assert "Moldova" not in answer.stdout
    assert answer.stdout == kg("query", question).stdout  # the bundled home
    before, after = (json.loads(r.stdout) for r in (kg("stats", "--format", "json"), kg("--home", pushed, "stats", "--format", "json")))
    before.pop("home"), after.pop("home"), before.pop("bundled"), after.pop("bundled")
    assert after == before
