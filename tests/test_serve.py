"""`kgtool serve` as a user meets it: a real server process on a free port, spoken to over HTTP.

Expected answers come from the article (the competency questions' known rows: Armenia is a
CSTO member, Russia leads it; the README's claim.ttl has 7 violations), not from kgtool's output.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

import pyoxigraph as ox
import pytest

from kgtool import formats

REPO = Path(__file__).resolve().parent.parent
CFR = "https://w3id.org/kgtool/id/"
CF = "https://w3id.org/kgtool/conflict#"
ARMENIA, RUSSIA, CSTO = CFR + "armenia", CFR + "russia", CFR + "csto"
OPERATION = CFR + "azerbaijan-military-operation-2023"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
TOKEN = "s3cret-token-for-tests"

# The README's submissions: a complete claim (conforms) and one with 7 violations.
GOOD = """@prefix cf:   <https://w3id.org/kgtool/conflict#> .
@prefix cfr:  <https://w3id.org/kgtool/id/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

cfr:claim-fixture-ok
    a cf:CasualtyClaim ;
    rdfs:label "Armenia's casualty figures, as restated"@en ;
    cf:claimant cfr:armenia ;
    cf:casualtyEvent cfr:azerbaijan-military-operation-2023 ;
    cf:deathToll cfr:quantity-2023-killed-claimed ;
    prov:wasDerivedFrom cfr:source-article ;
    cf:evidence "Armenia claims that more than 200 people have been killed" .
"""
BAD = """@prefix cf: <https://w3id.org/kgtool/conflict#> .
@prefix cfr: <https://w3id.org/kgtool/id/> .
cfr:x a cf:CasualtyClaim ;
  cf:claimant cfr:armenia .
"""


# --------------------------------------------------------------------------------------
# a real server process, and plain HTTP
# --------------------------------------------------------------------------------------
class Served:
    """A `kgtool serve` subprocess: its URL, and its standard error once it has stopped."""

    def __init__(self, args: list[str], cache: Path, env: dict[str, str] | None = None):
        environment = {**os.environ, "XDG_CACHE_HOME": str(cache), **(env or {})}
        environment.pop("KGTOOL_HOME", None)
        if env is None or "KGTOOL_SERVE_TOKEN" not in env:
            environment.pop("KGTOOL_SERVE_TOKEN", None)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "kgtool", *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=environment, text=True
        )
        self.lines: list[str] = []
        self.url = None
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            line = self.process.stderr.readline()
            if not line:
                break
            self.lines.append(line)
            m = re.search(r" at (http://[^ ]+/) ", line)
            if m:
                self.url = m.group(1)
                break
        if self.url is None:
            self.process.kill()
            raise AssertionError("kgtool serve did not start:\n" + "".join(self.lines) + self.process.stderr.read())
        if "--allow-add" in args and not (env and "KGTOOL_SERVE_TOKEN" in env):
            self.lines.append(self.process.stderr.readline())  # the generated token's line
        # keep reading its log (a line per request), so that a full pipe never stalls it
        self.reader = threading.Thread(target=lambda: self.lines.extend(self.process.stderr), daemon=True)
        self.reader.start()

    def stop(self) -> tuple[int, str]:
        """SIGTERM; (exit code, everything it wrote on standard error)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.reader.join(timeout=10)
        return self.process.returncode, "".join(self.lines)


def http(url: str, method: str = "GET", body: bytes | str | None = None, headers: dict[str, str] | None = None, timeout: float = 60):
    """(status, headers, body bytes) of one request; HTTP errors are answers too."""
    data = body.encode("utf-8") if isinstance(body, str) else body
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def q(url: str, **params) -> str:
    return url + "?" + urllib.parse.urlencode(params, doseq=True)


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("serve-cache")


@pytest.fixture(scope="module")
def server(cache):
    """`kgtool serve` over the bundled graph, as started with no options but a free port."""
    served = Served(["serve", "--port", "0"], cache)
    yield served
    served.stop()


@pytest.fixture(scope="module")
def writable(tmp_path_factory, _home_template, cache):
    """`kgtool serve --allow-add` over a copy of the bundled graph, its token from $KGTOOL_SERVE_TOKEN."""
    home = tmp_path_factory.mktemp("serve-home") / "home"
    shutil.copytree(_home_template, home)
    served = Served(["--home", str(home), "serve", "--port", "0", "--allow-add"], cache, {"KGTOOL_SERVE_TOKEN": TOKEN})
    served.home = home
    yield served
    served.stop()


class Listener:
    """A TCP listener on loopback that counts the connections it is offered."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            conn.close()

    def close(self):
        self.sock.close()


@pytest.fixture
def listener():
    found = Listener()
    yield found
    found.close()


# --------------------------------------------------------------------------------------
# SPARQL 1.1 Protocol: answers and content negotiation
# --------------------------------------------------------------------------------------
def rows_json(body: bytes) -> list[dict[str, str]]:
    return [{k: v["value"] for k, v in b.items()} for b in json.loads(body)["results"]["bindings"]]


def rows_csv(body: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(body.decode("utf-8"))))


def rows_tsv(body: bytes) -> list[dict[str, str]]:
    lines = body.decode("utf-8").splitlines()
    names = [h.lstrip("?") for h in lines[0].split("\t")]
    cell = lambda t: t[1:-1] if t.startswith("<") else (t.split('"')[1] if t.startswith('"') else t)  # noqa: E731
    return [dict(zip(names, (cell(c) for c in line.split("\t")))) for line in lines[1:]]


def rows_xml(body: bytes) -> list[dict[str, str]]:
    ns = {"r": "http://www.w3.org/2005/sparql-results#"}
    out = []
    for result in ET.fromstring(body).iterfind(".//r:result", ns):
        out.append({b.get("name"): "".join(b.itertext()) for b in result.iterfind("r:binding", ns)})
    return out


CSTO_ROW = {"member": ARMENIA, "memberLabel": "Armenia", "leader": RUSSIA, "leaderLabel": "Russia"}


@pytest.mark.parametrize(
    "media_type, read",
    [
        ("application/sparql-results+json", rows_json),
        ("text/csv", rows_csv),
        ("text/tab-separated-values", rows_tsv),
        ("application/sparql-results+xml", rows_xml),
    ],
)
def test_named_query_answers_in_the_format_the_accept_header_asks_for(server, media_type, read):
    status, headers, body = http(q(server.url + "query", name="csto-members"), headers={"Accept": media_type})
    assert status == 200, body
    assert headers["Content-Type"].split(";")[0] == media_type
    assert read(body) == [CSTO_ROW]


@pytest.mark.parametrize("fmt", [f for f in formats.FORMATS if f.kind == "results"], ids=lambda f: f.name)
def test_every_result_format_of_the_table_is_reachable_by_its_media_type(server, fmt):
    status, headers, body = http(q(server.url + "query", query="SELECT ?o WHERE { cfr:armenia cf:memberOf ?o }"), headers={"Accept": fmt.media_type})
    assert (status, headers["Content-Type"].split(";")[0]) == (200, fmt.media_type)
    assert b"csto" in body


def test_without_accept_a_select_answers_sparql_json_and_weights_are_honoured(server):
    url = q(server.url + "query", query="SELECT ?o WHERE { cfr:armenia cf:memberOf ?o }")
    assert http(url)[1]["Content-Type"] == "application/sparql-results+json"
    status, headers, _ = http(url, headers={"Accept": "application/sparql-results+json;q=0.5, text/csv;q=0.9, */*;q=0.1"})
    assert headers["Content-Type"].startswith("text/csv")


def test_post_form_and_post_sparql_query_answer_as_get(server):
    text = "SELECT ?o WHERE { cfr:armenia cf:memberOf ?o }"
    form = http(server.url + "query", "POST", urllib.parse.urlencode({"query": text}), {"Content-Type": "application/x-www-form-urlencoded"})
    direct = http(server.url + "query", "POST", text, {"Content-Type": "application/sparql-query"})
    assert form[0] == direct[0] == 200
    assert rows_json(form[2]) == rows_json(direct[2]) == [{"o": CSTO}]


def test_ask_answers_true_and_false(server):
    for text, expected in (("ASK { cfr:armenia cf:memberOf cfr:csto }", True), ("ASK { cfr:russia cf:memberOf cfr:csto }", False)):
        status, _, body = http(q(server.url + "query", query=text))
        assert (status, json.loads(body)["boolean"]) == (200, expected)


def test_reasoning_can_be_switched_off_as_with_no_reason(server):
    """csto-members needs the inverse axiom: without entailments it has no row (as --no-reason)."""
    status, _, body = http(q(server.url + "query", name="csto-members", reason="false"))
    assert (status, rows_json(body)) == (200, [])


def test_param_binds_a_variable_of_a_named_query(server):
    status, _, body = http(q(server.url + "query", name="source-of-fact", param="fact=cfr:membership-armenia-csto"), headers={"Accept": "text/csv"})
    assert status == 200
    assert [r["evidence"] for r in rows_csv(body)] == ["Armenia is a part of the Russian-led CSTO military alliance"]


def test_construct_answers_turtle_by_default_and_n_triples_on_request(server):
    url = q(server.url + "query", query="CONSTRUCT { cfr:armenia cf:memberOf ?o } WHERE { cfr:armenia cf:memberOf ?o }")
    status, headers, body = http(url)
    assert (status, headers["Content-Type"].split(";")[0]) == (200, "text/turtle")
    expected = ox.Triple(ox.NamedNode(ARMENIA), ox.NamedNode(CF + "memberOf"), ox.NamedNode(CSTO))
    assert [q.triple for q in ox.parse(body, ox.RdfFormat.TURTLE)] == [expected]
    status, headers, body = http(url, headers={"Accept": "application/n-triples"})
    assert headers["Content-Type"] == "application/n-triples"
    assert [q.triple for q in ox.parse(body, ox.RdfFormat.N_TRIPLES)] == [expected]


def test_an_accept_header_no_format_fits_is_406_naming_what_is_offered(server):
    status, _, body = http(q(server.url + "query", query="SELECT * WHERE { ?s ?p ?o } LIMIT 1"), headers={"Accept": "image/png"})
    assert status == 406
    assert "application/sparql-results+json" in body.decode()


def test_named_queries_are_listed_with_their_question(server):
    status, headers, body = http(server.url + "queries")
    assert (status, headers["Content-Type"]) == (200, "application/json")
    listed = {item["name"]: item for item in json.loads(body)}
    on_disk = sorted(p.stem for p in (REPO / "queries").glob("*.rq"))
    assert sorted(listed) == on_disk
    question = (REPO / "queries" / "csto-members.rq").read_text(encoding="utf-8").splitlines()[0].split(":", 1)[1].strip()
    assert listed["csto-members"]["question"] == question
    assert listed["csto-members"]["query"] == (REPO / "queries" / "csto-members.rq").read_text(encoding="utf-8")


def test_an_unknown_named_query_is_404(server):
    status, _, body = http(q(server.url + "query", name="no-such-query"))
    assert status == 404
    assert body.decode() == "Error: no named query 'no-such-query' in the home (see /queries)\n"


# --------------------------------------------------------------------------------------
# the gate: the same refusals as kgtool query, as 4xx, and nothing reached
# --------------------------------------------------------------------------------------
def test_service_is_refused_with_403_and_reaches_nothing(server, listener):
    text = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{listener.port}/sparql> {{ ?s ?p ?o }} }}"
    status, _, body = http(q(server.url + "query", query=text))
    assert status == 403
    assert body.decode() == f"Error: SERVICE <http://127.0.0.1:{listener.port}/sparql> is refused: queries do not reach the network\n"
    time.sleep(0.2)
    assert listener.connections == 0


def test_load_and_a_remote_from_are_refused_and_reach_nothing(server, listener):
    target = f"http://127.0.0.1:{listener.port}/graph"
    load = http(server.url + "query", "POST", f"LOAD <{target}>", {"Content-Type": "application/sparql-query"})
    remote_from = http(q(server.url + "query", query=f"SELECT * FROM <{target}> WHERE {{ ?s ?p ?o }}"))
    protocol = http(q(server.url + "query", query="SELECT * WHERE { ?s ?p ?o }", **{"default-graph-uri": target}))
    assert [load[0], remote_from[0], protocol[0]] == [403, 403, 403]
    assert protocol[2].decode().startswith(f"Error: default-graph-uri <{target}> is refused: it is not a named graph of the home")
    time.sleep(0.2)
    assert listener.connections == 0


@pytest.mark.parametrize(
    "text", ["INSERT DATA { <urn:x> <urn:y> <urn:z> }", "DELETE WHERE { ?s ?p ?o }", "CLEAR ALL"], ids=["insert", "delete", "clear"]
)
def test_an_update_is_refused_with_400_and_changes_nothing(server, text):
    status, _, body = http(server.url + "query", "POST", urllib.parse.urlencode({"query": text}), {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 400
    assert body.decode() == "Error: SPARQL Update (INSERT, DELETE, LOAD, CLEAR, ...) is refused: kgtool query is read-only\n"
    assert json.loads(http(q(server.url + "query", query="ASK { cfr:armenia cf:memberOf cfr:csto }"))[2])["boolean"] is True


def test_an_update_body_is_not_read_as_a_query(server):
    status, _, _ = http(server.url + "query", "POST", "INSERT DATA { <urn:x> <urn:y> <urn:z> }", {"Content-Type": "application/sparql-update"})
    assert status == 415


def test_bad_sparql_is_400_with_one_line_naming_where(server):
    status, _, body = http(q(server.url + "query", query="SELECT ?s WHERE { ?s ?p }"))
    assert status == 400
    text = body.decode()
    assert text.startswith("Error: query:1:") and text.count("\n") == 1


def test_no_query_is_400(server):
    assert http(server.url + "query")[0] == 400


# --------------------------------------------------------------------------------------
# limits and safety
# --------------------------------------------------------------------------------------
def test_a_body_over_the_limit_is_413_before_it_is_read(server):
    big = "SELECT * WHERE { ?s ?p ?o } #" + "x" * (1024**2 + 10)
    status, _, body = http(server.url + "query", "POST", big, {"Content-Type": "application/sparql-query"})
    assert status == 413
    assert "over the limit of 1048576" in body.decode()


def test_the_server_listens_on_loopback_only_by_default(server):
    assert server.url.startswith("http://127.0.0.1:")
    port = int(server.url.rsplit(":", 1)[1].strip("/"))
    # what the kernel bound: /proc/net/tcp lists listening sockets (state 0A) as HEXIP:HEXPORT
    listening = [line.split()[1] for line in Path("/proc/net/tcp").read_text().splitlines()[1:] if line.split()[3] == "0A"]
    mine = [address for address in listening if int(address.split(":")[1], 16) == port]
    assert mine == ["0100007F:%04X" % port]


def test_a_request_for_another_host_name_is_refused(server):
    """A page of another site whose name resolves to 127.0.0.1 (DNS rebinding) is not served."""
    status, _, _ = http(q(server.url + "query", query="ASK { ?s ?p ?o }"), headers={"Host": "attacker.example:80"})
    assert status == 421


def test_a_runaway_query_is_stopped_with_503_and_piled_up_ones_are_refused(cache):
    served = Served(["serve", "--port", "0", "--timeout", "1"], cache)
    try:
        started = time.monotonic()
        status, _, body = http(q(served.url + "query", query=RUNAWAY))
        elapsed = time.monotonic() - started
        assert status == 503
        assert body.decode() == "Error: the query did not finish within 1 s (use --timeout to allow longer)\n"
        assert elapsed < 1 + 15
        for _ in range(3):  # three more still running past their limit: four in all
            assert http(q(served.url + "query", query=RUNAWAY))[0] == 503
        status, headers, body = http(q(served.url + "query", query="ASK { ?s ?p ?o }"))
        assert status == 503 and headers["Retry-After"] == "10"
        assert body.decode().startswith("Error: busy: 4 queries are still running")
    finally:
        served.process.kill()
        served.stop()


def test_static_files_are_served_and_nothing_outside_them(server):
    status, headers, body = http(server.url + "static/yasgui/yasgui.min.js")
    assert (status, headers["Content-Type"]) == (200, "text/javascript; charset=utf-8")
    assert len(body) == (REPO / "src/kgtool/serve/static/yasgui/yasgui.min.js").stat().st_size
    for path in ("static/../app.py", "static/%2e%2e/app.py", "static/yasgui/README.md", "static/yasgui/yasgui.min.js.map"):
        assert http(server.url + path)[0] == 404, path


def test_a_wrong_method_is_405_with_allow(server):
    status, headers, _ = http(server.url + "validate")
    assert (status, headers["Allow"]) == (405, "POST")
    status, headers, _ = http(server.url + "queries", "DELETE")
    assert (status, headers["Allow"]) == (405, "GET")


# --------------------------------------------------------------------------------------
# POST /validate
# --------------------------------------------------------------------------------------
def test_validate_a_conforming_body_is_200_conforms_true(server):
    status, headers, body = http(server.url + "validate", "POST", GOOD, {"Content-Type": "text/turtle"})
    assert (status, headers["Content-Type"]) == (200, "application/json")
    report = json.loads(body)
    assert (report["conforms"], report["results"], report["triples"]) == (True, [], 7)


def test_validate_a_violating_body_is_200_conforms_false_with_the_cli_report(server, tmp_path, cache):
    status, _, body = http(server.url + "validate", "POST", BAD, {"Content-Type": "text/turtle"})
    assert status == 200
    report = json.loads(body)
    assert report["conforms"] is False
    assert report["counts"] == {"Violation": 7, "Warning": 0, "Info": 0}
    assert {(r["file"], r["line"]) for r in report["results"]} == {("request body", 3)}
    # the same report as `kgtool validate --format json` (tests/test_cli_validate.py checks that one), but the file's name
    (tmp_path / "claim.ttl").write_text(BAD, encoding="utf-8")
    cli = subprocess.run([sys.executable, "-m", "kgtool", "validate", "--format", "json", "claim.ttl"], cwd=tmp_path, capture_output=True, text=True,
                         env={**os.environ, "XDG_CACHE_HOME": str(cache)})
    expected = json.loads(cli.stdout)
    for r in expected["results"]:
        r["file"] = "request body"
    assert report == expected


@pytest.mark.parametrize(
    "media_type, text",
    [
        ("application/n-triples", f"<{CFR}x> <http://www.w3.org/2000/01/rdf-schema#label> \"x\" .\n"),
        ("application/ld+json", json.dumps({"@id": CFR + "x", "http://www.w3.org/2000/01/rdf-schema#label": "x"})),
    ],
)
def test_validate_reads_the_body_in_the_format_its_content_type_names(server, media_type, text):
    status, _, body = http(server.url + "validate", "POST", text, {"Content-Type": media_type})
    assert status == 200, body
    assert json.loads(body)["triples"] == 1


def test_validate_an_unparsable_body_is_400_with_its_line(server):
    text = "@prefix cfr: <https://w3id.org/kgtool/id/> .\n\ncfr:x cfr:y cfr:z ;\n  cfr:w .\n"
    status, _, body = http(server.url + "validate", "POST", text, {"Content-Type": "text/turtle"})
    assert status == 400
    assert body.decode().startswith("Error: request body:4:")


def test_validate_refuses_a_relative_iri_as_a_body_has_no_base(server):
    status, _, body = http(server.url + "validate", "POST", "<x> <http://example.org/p> <y> .", {"Content-Type": "text/turtle"})
    assert status == 400, body


def test_validate_a_body_of_unknown_type_is_415_naming_the_known(server):
    status, _, body = http(server.url + "validate", "POST", GOOD, {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 415
    assert "text/turtle" in body.decode()


def test_validate_refuses_a_remote_json_ld_context_and_fetches_nothing(server, listener):
    doc = json.dumps({"@context": f"http://127.0.0.1:{listener.port}/context.jsonld", "@id": CFR + "x", "label": "x"})
    status, _, body = http(server.url + "validate", "POST", doc, {"Content-Type": "application/ld+json"})
    assert status == 403, body
    time.sleep(0.2)
    assert listener.connections == 0


# --------------------------------------------------------------------------------------
# writes: read-only by default; --allow-add with a token
# --------------------------------------------------------------------------------------
def submissions(home: Path) -> list[Path]:
    return sorted((home / "data" / "submissions").glob("*.ttl")) if (home / "data" / "submissions").is_dir() else []


def test_the_server_is_read_only_by_default(server):
    status, _, body = http(server.url + "add", "POST", GOOD, {"Content-Type": "text/turtle", "Authorization": f"Bearer {TOKEN}"})
    assert status == 403
    assert body.decode() == "Error: this server is read-only; start it with 'kgtool serve --allow-add' to accept writes\n"


def test_add_without_a_token_is_401_and_changes_nothing(writable):
    before = submissions(writable.home)
    status, headers, _ = http(writable.url + "add", "POST", GOOD, {"Content-Type": "text/turtle"})
    assert (status, headers["WWW-Authenticate"]) == (401, 'Bearer realm="kgtool"')
    assert submissions(writable.home) == before


def test_add_with_a_wrong_token_is_401_never_echoing_a_token(writable):
    before = submissions(writable.home)
    status, _, body = http(writable.url + "add", "POST", GOOD, {"Content-Type": "text/turtle", "Authorization": "Bearer guess-123"})
    assert status == 401
    assert b"guess-123" not in body and TOKEN.encode() not in body
    assert submissions(writable.home) == before


def test_add_with_the_token_merges_and_the_next_query_sees_it(writable):
    headers = {"Content-Type": "text/turtle", "Authorization": f"Bearer {TOKEN}"}
    ask = q(writable.url + "query", query="ASK { cfr:claim-fixture-ok cf:claimant cfr:armenia }")
    assert json.loads(http(ask)[2])["boolean"] is False
    status, _, body = http(writable.url + "add", "POST", GOOD, headers)
    assert status == 200, body
    outcome = json.loads(body)
    assert (outcome["merged"], outcome["added"], outcome["new_subjects"]) == (True, 7, [CFR + "claim-fixture-ok"])
    assert [str(p.relative_to(writable.home)) for p in submissions(writable.home)] == [outcome["written"]]
    assert json.loads(http(ask)[2])["boolean"] is True
    # the same again adds nothing: refused, 422
    status, _, body = http(writable.url + "add", "POST", GOOD, headers)
    assert status == 422
    assert json.loads(body)["reason"] == "all 7 triples of the submission are already in the home"


def test_add_refuses_a_violating_body_with_422_and_its_results(writable):
    before = submissions(writable.home)
    status, _, body = http(writable.url + "add", "POST", BAD, {"Content-Type": "text/turtle", "Authorization": f"Bearer {TOKEN}"})
    assert status == 422
    outcome = json.loads(body)
    assert (outcome["merged"], outcome["reason"], len(outcome["results"])) == (False, "7 violation(s) of the home's shapes", 7)
    assert submissions(writable.home) == before


def test_the_entity_page_escapes_what_the_data_says(writable):
    label = '<script>alert("x")</script> & co'
    text = f'<{CFR}escape-test> <http://www.w3.org/2000/01/rdf-schema#label> "{label.replace(chr(34), chr(92) + chr(34))}"@en .\n'
    status, _, body = http(writable.url + "add", "POST", text, {"Content-Type": "application/n-triples", "Authorization": f"Bearer {TOKEN}"})
    assert status == 200, body
    status, _, page = http(q(writable.url + "entity", iri=CFR + "escape-test"))
    assert status == 200
    assert "<script>alert" not in page.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co" in page.decode()


def test_a_generated_token_is_printed_once_and_works(tmp_path, _home_template, cache):
    home = tmp_path / "home"
    shutil.copytree(_home_template, home)
    served = Served(["--home", str(home), "serve", "--port", "0", "--allow-add"], cache)
    try:
        m = re.search(r"Token for POST /add \(shown once; set \$KGTOOL_SERVE_TOKEN to choose it\): (\S+)$", served.lines[-1])
        assert m, served.lines
        token = m.group(1)
        headers = {"Content-Type": "text/turtle", "Authorization": f"Bearer {token}"}
        status, _, body = http(q(served.url + "add", **{"dry-run": "true"}), "POST", GOOD, headers)
        assert status == 200, body
        assert json.loads(body)["merged"] is False and json.loads(body)["added"] == 7
        assert http(served.url + "add", "POST", GOOD, {**headers, "Authorization": "Bearer nope"})[0] == 401
    finally:
        code, stderr = served.stop()
    assert code == 0
    assert stderr.count(token) == 1
    assert submissions(home) == []  # a dry run writes nothing


def test_a_remote_home_is_not_served(cache):
    result = subprocess.run([sys.executable, "-m", "kgtool", "--home", "http://127.0.0.1:9/", "serve", "--port", "0"], capture_output=True,
                            text=True, timeout=120, env={**os.environ, "XDG_CACHE_HOME": str(cache)})
    assert (result.returncode, result.stderr) == (
        2, "Error: kgtool serve serves a local home (a directory, or the bundled graph), not a remote one; a SPARQL server serves itself\n"
    )


def test_allow_add_on_the_bundled_graph_is_an_error_before_listening(cache):
    result = subprocess.run([sys.executable, "-m", "kgtool", "serve", "--port", "0", "--allow-add"], capture_output=True, text=True, timeout=120,
                            env={**{k: v for k, v in os.environ.items() if k != "KGTOOL_HOME"}, "XDG_CACHE_HOME": str(cache)})
    assert result.returncode == 2
    assert result.stderr == (
        "Error: the bundled knowledge graph is read-only; start a home of your own with 'kgtool init DIR' and use --home DIR\n"
    )


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "Ctrl-C"])
def test_sigterm_or_ctrl_c_stops_the_server_cleanly(cache, signum):
    served = Served(["serve", "--port", "0"], cache)
    assert http(server_url := served.url)[0] == 200
    served.process.send_signal(signum)
    served.process.wait(timeout=30)  # before stop(), whose own SIGTERM would find the default handler back
    code, stderr = served.stop()
    assert code == 0
    assert stderr.rstrip().splitlines()[-1] == "Stopped."
    with pytest.raises(OSError):
        urllib.request.urlopen(server_url, timeout=5)


# --------------------------------------------------------------------------------------
# the pages (HTML; the browser test drives them)
# --------------------------------------------------------------------------------------
def test_the_entity_page_shows_the_operation_with_the_article_s_quotes(server):
    status, headers, body = http(q(server.url + "entity", iri=OPERATION))
    assert (status, headers["Content-Type"]) == (200, "text/html; charset=utf-8")
    page = body.decode()
    assert "<h1>Azerbaijan’s military operation in Nagorno-Karabakh (2023)</h1>" in page
    article = (REPO / "data" / "sources" / "source-article.txt").read_text(encoding="utf-8")
    for quote in ("Azerbaijan’s military victory last week", "with the latest one resulting in an evident victory for Azerbaijan"):
        assert quote in article and f"“{quote}”" in page
    # a claim about it and its claimant: Armenia's casualty figures
    assert "Armenia claims that more than 200 people have been killed" in page
    assert 'id="timeline"' in page and "by 2023-09-23" in page


def test_the_entity_page_of_azerbaijan_has_its_wars_on_a_timeline_in_date_order(server):
    """The dated events Azerbaijan fought in, with the dates test_competency_queries' timeline gives them."""
    page = http(q(server.url + "entity", iri=CFR + "azerbaijan"))[2].decode()
    timeline = page[page.index('id="timeline"'):]
    items = re.findall(r"<li><time>([^<]*)</time> <a [^>]*>([^<]*)</a></li>", timeline)
    assert items == [
        ("by 2020", "decades of skirmishes before 2020"),
        ("from 2020", "Second Karabakh War"),
        ("2022-09", "September 2022 fighting"),
        ("by 2023-09-23", "Azerbaijan’s military operation in Nagorno-Karabakh (2023)"),
    ]


def test_the_entity_page_takes_a_prefixed_name_and_refuses_what_is_not_an_iri(server):
    assert http(q(server.url + "entity", iri="cfr:azerbaijan"))[0] == 200
    status, _, body = http(q(server.url + "entity", iri="not an <iri>"))
    assert status == 400
    assert b"<iri>" not in body or body.startswith(b"Error:")  # plain text, never HTML


def test_the_page_loads_nothing_from_another_server(server):
    status, headers, body = http(server.url)
    assert (status, headers["Content-Type"]) == (200, "text/html; charset=utf-8")
    page = body.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert "/static/yasgui/yasgui.min.js" in sources
    assert all(s.startswith("/") for s in sources), sources
    assert "connect-src 'self'" in headers["Content-Security-Policy"]
