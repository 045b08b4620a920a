"""Fuzzing the two doors hostile input comes through: the loader (rdfio.parse_bytes, every input
format) and the query gate (gate.inspect, then evaluation of what it lets through).

Properties: they raise nothing but KgError subclasses, and nothing reaches the network (a local
listener the inputs point at counts requests; Python's sockets are watched too); the loader gives
the same triples (blank node labels included) every time it parses the same bytes. Bounded by
max_examples so that the file runs in well under a minute.

Anything found is kept in tests/regressions/*.txt and replayed below (see its README.md): a first
line `#kgtool target=parse|query [format=NAME] [allow_remote=1] [named_graphs=1] [pad=N]
expect=ErrorClass|ok`, an optional `#message ...` line with the exact message expected, then the
input itself; with pad=N, its first @@PAD@@ stands for N bytes "x" (a 16 MiB input kept small).
"""

from __future__ import annotations

import http.server
import os
import socket
import threading
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kgtool import errors, formats, gate, rdfio, sparql
from kgtool.errors import KgError

REGRESSIONS = Path(__file__).resolve().parent / "regressions"
GRAPH_FORMATS = [f for f in formats.FORMATS if f.kind == "graph"]
# KGTOOL_FUZZ_EXAMPLES=20000 for a longer hunt; the default keeps the suite quick.
FUZZ = settings(max_examples=int(os.environ.get("KGTOOL_FUZZ_EXAMPLES", "150")), deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


# --------------------------------------------------------------------------------------
# the network watch: a listener the inputs point at, and Python's own sockets
# --------------------------------------------------------------------------------------
class _Listener:
    def __init__(self):
        self.requests: list[str] = []
        listener = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _answer(self):
                listener.requests.append(f"{self.command} {self.path}")
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_GET = do_POST = _answer

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture(scope="module")
def listener():
    server = _Listener()
    yield server
    server.server.shutdown()
    server.server.server_close()


@contextmanager
def no_python_sockets():
    """Record (and refuse) every outgoing connection Python code attempts."""
    attempts: list[object] = []
    original_connect, original_connect_ex = socket.socket.connect, socket.socket.connect_ex

    def connect(self, address):
        attempts.append(address)
        raise OSError("kgtool test: the network is off")

    socket.socket.connect = connect
    socket.socket.connect_ex = connect
    try:
        yield attempts
    finally:
        socket.socket.connect, socket.socket.connect_ex = original_connect, original_connect_ex


# --------------------------------------------------------------------------------------
# the loader
# --------------------------------------------------------------------------------------
def _text_tokens(url: str) -> list[str]:
    return [
        "[", "]", "(", ")", "<<", ">>", "<<(", ")>>", "{", "}", '"', "'", '"""', "'''", "#", "\\", "\n", " ", ".", ";", ",",
        "a", "_:b", "1", "-2.5e3", "true", "@en", "^^", "@prefix ex: <http://e/> .", "PREFIX ex: <http://e/>", "@base <x> .",
        "ex:a", "ex:a\\(", "<http://e/a>", f"<{url}/onto.ttl>", "<file:///etc/hostname>", "<http://www.w3.org/2002/07/owl#imports>",
        "GRAPH", "\\u0022", "\\U0001F600", "\x00", "\udcff".encode("utf-8", "surrogatepass").decode("utf-8", "replace"), "é",
    ]


def _json_values(url: str):
    keys = st.sampled_from(["@context", "@id", "@type", "@import", "@vocab", "@base", "@graph", "@list", "@value", "@language", "name", "http://e/p"])
    leaves = st.one_of(
        st.sampled_from([f"{url}/ctx.jsonld", "file:///etc/hostname", "http://e/a", "ex:a", "@id", "", "name"]),
        st.integers(),
        st.booleans(),
        st.none(),
    )
    return st.recursive(leaves, lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=4)), max_leaves=25)


def _xml_documents(url: str):
    doctypes = st.sampled_from(
        [
            "",
            f'<!DOCTYPE rdf:RDF [ <!ENTITY e SYSTEM "{url}/entity"> ]>',
            '<!DOCTYPE rdf:RDF [ <!ENTITY e SYSTEM "file:///etc/hostname"> ]>',
            f'<!DOCTYPE rdf:RDF SYSTEM "{url}/rdf.dtd">',
            f'<!DOCTYPE rdf:RDF [ <!ENTITY % p SYSTEM "{url}/p.dtd"> %p; ]>',
            '<!DOCTYPE rdf:RDF [ <!ENTITY a "aaaaaaaaaa"> <!ENTITY b "&a;&a;&a;&a;&a;"> ]>',
        ]
    )
    body = st.lists(
        st.sampled_from(
            ["<rdf:Description>", "</rdf:Description>", '<rdf:Description rdf:about="http://e/a">', "<ex:p>", "</ex:p>",
             '<ex:p rdf:resource="file:///etc/hostname"/>', '<ex:p rdf:parseType="Literal">', '<ex:p rdf:parseType="Resource">',
             "&e;", "&b;", "text", "<![CDATA[x]]>", "<!-- c -->", '<owl:imports rdf:resource="' + url + '/onto.ttl"/>']
        ),
        max_size=30,
    ).map("".join)
    return st.builds(
        lambda doctype, inner: '<?xml version="1.0"?>\n' + doctype
        + '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://e/" '
        'xmlns:owl="http://www.w3.org/2002/07/owl#">' + inner + "</rdf:RDF>",
        doctypes,
        body,
    )


def _documents(url: str):
    """Byte strings for every format: noise, token soup, JSON(-LD) and RDF/XML, each offered to every parser."""
    import json

    return st.one_of(
        st.binary(max_size=300),
        st.lists(st.sampled_from(_text_tokens(url)), max_size=80).map(lambda parts: "".join(parts).encode("utf-8", "surrogatepass")),
        _json_values(url).map(lambda doc: json.dumps(doc).encode()),
        _xml_documents(url).map(str.encode),
    )


@FUZZ
@given(
    data=st.data(),
    fmt=st.sampled_from(GRAPH_FORMATS),
    allow_remote=st.booleans(),
    named_graphs=st.booleans(),
    base_iri=st.sampled_from([None, "file:///home/user/kg/data/fuzz.ttl"]),
)
def test_loader_raises_only_kgerrors_reaches_no_network_and_is_deterministic(listener, data, fmt, allow_remote, named_graphs, base_iri):
    document = data.draw(_documents(listener.url), label="document")
    with no_python_sockets() as attempts:
        try:
            first = rdfio.parse_bytes(document, fmt, "fuzz", allow_remote=allow_remote, named_graphs=named_graphs, base_iri=base_iri)
        except KgError:
            first = None
        if first is not None and not allow_remote:
            again = rdfio.parse_bytes(document, fmt, "fuzz", allow_remote=allow_remote, named_graphs=named_graphs, base_iri=base_iri)
            assert (again.triples, again.quads) == (first.triples, first.quads)
    if not allow_remote:
        assert attempts == []
    assert listener.requests == []


# --------------------------------------------------------------------------------------
# the query gate
# --------------------------------------------------------------------------------------
def _query_tokens(url: str) -> list[str]:
    return [
        "SELECT", "*", "?s", "?p", "?o", "?e", "WHERE", "{", "}", "(", ")", ".", ";", ",", "SERVICE", "SILENT", f"<{url}/sparql>",
        "<sparql>", f"BASE <{url}/>", "OPTIONAL", "UNION", "MINUS", "FILTER", "EXISTS", "NOT", "BIND", "AS", "VALUES", "GRAPH",
        "FROM", "NAMED", "<file:///etc/hostname>", "LOAD", "INSERT DATA", "DELETE", "CLEAR ALL", "ASK", "CONSTRUCT", "DESCRIBE",
        '"', "'", '"SERVICE <x>"', "#", "\n", " ", "\\u0053ERVICE", "\\u0022", "SeRvIcE", "LIMIT 1", "1", "+", "/", "|", "^",
        "<http://e/p>", "a", "PREFIX ex: <http://e/>", "ex:p", "COUNT(*)", "GROUP BY ?s", "{ SELECT * WHERE",
    ]


def _queries(url: str):
    soup = st.lists(st.sampled_from(_query_tokens(url)), max_size=40).map(" ".join)
    shaped = st.builds(
        lambda head, pattern, tail: f"{head} {{ {pattern} }} {tail}",
        st.sampled_from(["SELECT *", "SELECT * WHERE", "ASK", "CONSTRUCT { ?s ?p ?o } WHERE", f"SELECT * FROM <{url}/g> WHERE"]),
        st.lists(st.sampled_from(_query_tokens(url)), max_size=25).map(" ".join),
        st.sampled_from(["", "LIMIT 1", "# }", "ORDER BY ?s"]),
    )
    return st.one_of(st.text(max_size=200), soup, shaped)


def _store() -> ox.Store:
    store = ox.Store()
    e = "http://e/"
    store.add(ox.Quad(ox.NamedNode(e + "a"), ox.NamedNode(e + "p"), ox.NamedNode(e + "b"), ox.DefaultGraph()))
    return store


@FUZZ
@given(data=st.data())
def test_query_gate_raises_only_kgerrors_and_what_it_lets_through_reaches_no_network(listener, data):
    query = data.draw(_queries(listener.url), label="query")
    with no_python_sockets() as attempts:
        try:
            gate.inspect(query, allow_remote=False, timeout=30)
        except KgError:
            return
        # Accepted: evaluating it must not reach the endpoint either (Oxigraph would, for SERVICE).
        try:
            sparql.run(_store(), query, _consume, default_graph=[ox.DefaultGraph()], timeout=10)
        except Exception:  # noqa: BLE001 - any evaluation error is fine here; reaching out is not
            pass
    assert attempts == []
    assert listener.requests == []


def _consume(result: sparql.QueryResult) -> None:
    if result.kind == "select":
        list(result.solutions)
    elif result.kind == "graph":
        list(result.triples)


# --------------------------------------------------------------------------------------
# regressions: inputs fuzzing (or a person) found, replayed
# --------------------------------------------------------------------------------------
def _read_regression(path: Path) -> tuple[dict[str, str], str | None, bytes]:
    raw = path.read_bytes()
    header, _, rest = raw.partition(b"\n")
    fields = dict(item.split("=", 1) for item in header.decode().removeprefix("#kgtool ").split())
    message = None
    if rest.startswith(b"#message "):
        line, _, rest = rest.partition(b"\n")
        message = line.decode()[len("#message "):]
    if "pad" in fields:
        assert b"@@PAD@@" in rest, f"{path.name}: pad= without @@PAD@@"
        rest = rest.replace(b"@@PAD@@", b"x" * int(fields["pad"]), 1)
    return fields, message, rest


@pytest.mark.parametrize("path", sorted(REGRESSIONS.glob("*.txt")), ids=lambda p: p.stem)
def test_regression_input_gives_the_expected_outcome(path):
    fields, message, payload = _read_regression(path)
    outcome: BaseException | None = None
    try:
        if fields["target"] == "parse":
            rdfio.parse_bytes(
                payload,
                formats.get(fields["format"], "graph"),
                "seed",
                allow_remote=fields.get("allow_remote") == "1",
                named_graphs=fields.get("named_graphs") == "1",
            )
        else:  # the gate, then the dataset clauses, as in a home with no named graphs
            query = payload.decode("utf-8")
            gate.inspect(query, allow_remote=fields.get("allow_remote") == "1")
            sparql.dataset(query, None, {}, [])
    except KgError as e:
        outcome = e
    expected = fields["expect"]
    assert (type(outcome).__name__ if outcome else "ok") == expected, outcome
    if expected != "ok":
        assert issubclass(getattr(errors, expected), KgError)
    if message is not None:
        assert str(outcome) == message
