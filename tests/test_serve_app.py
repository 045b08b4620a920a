"""kgtool serve's HTTP core without a socket: the error table, content negotiation, and requests handled by App directly."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from kgtool import errors
from kgtool.home import resolve
from kgtool.serve.app import App, HttpError, Request, negotiate, status_of

REPO = Path(__file__).resolve().parent.parent

# What each kind of error answers, as the README's kgtool serve section says.
STATUSES = [
    (errors.QueryTimeout("t"), 503),
    (errors.LimitError("l"), 413),
    (errors.UnsafeError("u"), 403),
    (errors.QueryError("q"), 400),
    (errors.InputError("i"), 400),
    (errors.UsageError("u"), 400),
    (errors.HomeError("h"), 500),
    (errors.KgError("k"), 400),
]


@pytest.mark.parametrize("error, status", STATUSES, ids=lambda x: type(x).__name__ if isinstance(x, Exception) else str(x))
def test_each_kind_of_error_has_its_http_status(error, status):
    assert status_of(error) == status


def every_subclass(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from every_subclass(sub)


def test_every_kgerror_class_has_a_4xx_or_5xx_status():
    for cls in every_subclass(errors.KgError):
        assert 400 <= status_of(cls("x")) < 600, cls


@pytest.mark.parametrize(
    "accept, kind, expected",
    [
        (None, "select", "json"),
        ("", "ask", "json"),
        ("*/*", "select", "json"),
        ("text/csv", "select", "csv"),
        ("text/*", "select", "table"),  # the first text format of the table: text/plain
        ("application/sparql-results+xml, application/sparql-results+json;q=0.8", "select", "xml"),
        ("application/sparql-results+json;q=0.2, text/tab-separated-values", "select", "tsv"),
        ("text/markdown", "ask", "md"),
        (None, "graph", "turtle"),
        ("application/ld+json", "graph", "json-ld"),
        ("application/rdf+xml;q=0.9, application/n-triples", "graph", "nt"),
        ("text/turtle;q=0, */*;q=0.1", "graph", "nt"),  # turtle refused: the next of the table
    ],
)
def test_the_accept_header_picks_a_row_of_the_format_table(accept, kind, expected):
    assert negotiate(accept, kind).name == expected


def test_an_accept_header_that_fits_no_format_is_406():
    with pytest.raises(HttpError) as caught:
        negotiate("image/png, text/csv;q=0", "select")
    assert caught.value.status == 406


def test_the_format_parameter_wins_over_accept():
    assert negotiate("text/csv", "select", "xml").name == "xml"
    with pytest.raises(errors.UsageError):
        negotiate(None, "select", "turtle")  # a graph format for a SELECT


@pytest.fixture(scope="module")
def app():
    return App(resolve(None))


def test_app_answers_a_request_without_a_socket(app):
    response = app.handle(Request("GET", "/query?name=csto-members", {"accept": "text/csv"}))
    assert response.status == 200
    assert response.body.decode().splitlines()[1].startswith("https://w3id.org/kgtool/id/armenia,Armenia,")


def test_app_answers_errors_as_one_line_of_text_with_the_security_headers(app):
    response = app.handle(Request("GET", "/nowhere"))
    assert (response.status, response.content_type) == (404, "text/plain; charset=utf-8")
    assert response.body.decode().count("\n") == 1
    assert dict(response.headers)["X-Content-Type-Options"] == "nosniff"


def test_head_answers_as_get(app):
    assert app.handle(Request("HEAD", "/queries")).status == 200


def test_prefixes_are_the_home_s(app):
    prefixes = json.loads(app.handle(Request("GET", "/prefixes")).body)
    assert prefixes["cfr"] == "https://w3id.org/kgtool/id/"
    assert prefixes["cf"] == "https://w3id.org/kgtool/conflict#"


def test_the_wheel_carries_the_page_yasgui_and_its_licence(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(REPO)], check=True, capture_output=True)
    (wheel,) = tmp_path.glob("kgtool-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for member in ("kgtool/serve/static/yasgui/yasgui.min.js", "kgtool/serve/static/yasgui/yasgui.min.css",
                   "kgtool/serve/static/yasgui/LICENSE", "kgtool/serve/static/workbench.js", "kgtool/serve/static/kgtool.css"):
        assert member in names, member
    licence = zipfile.ZipFile(wheel).read("kgtool/serve/static/yasgui/LICENSE").decode()
    assert licence.startswith("The MIT License (MIT)")


@pytest.fixture
def graphs_app(tmp_path):
    """A home whose data has two named graphs (TriG) beside its default graph."""
    from kgtool.home import Home

    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "events.trig").write_text(
        '<http://e/c> <http://e/p> "default" .\n'
        '<http://e/g1> { <http://e/a> <http://e/p> "one" }\n'
        '<http://e/g2> { <http://e/b> <http://e/p> "two" }\n',
        encoding="utf-8",
    )
    return App(Home(tmp_path))


def ask(app, text, **params):
    from urllib.parse import urlencode

    query = urlencode({"query": text, **params}, doseq=True)
    response = app.handle(Request("GET", f"/query?{query}", {"accept": "application/sparql-results+json"}))
    assert response.status == 200, response.body
    return [{k: v["value"] for k, v in b.items()} for b in json.loads(response.body)["results"]["bindings"]]


def test_the_protocol_s_dataset_picks_the_home_s_named_graphs(graphs_app):
    select = "SELECT ?s WHERE { ?s <http://e/p> ?o }"
    assert ask(graphs_app, select) == [{"s": "http://e/c"}]  # the default graph, as kgtool query
    assert ask(graphs_app, select, **{"default-graph-uri": "http://e/g1"}) == [{"s": "http://e/a"}]
    both = ask(graphs_app, select, **{"default-graph-uri": ["http://e/g1", "http://e/g2"]})
    assert sorted(r["s"] for r in both) == ["http://e/a", "http://e/b"]
    named = "SELECT ?g ?s WHERE { GRAPH ?g { ?s <http://e/p> ?o } }"
    assert ask(graphs_app, named, **{"named-graph-uri": "http://e/g2"}) == [{"g": "http://e/g2", "s": "http://e/b"}]


def test_a_dataset_graph_the_home_does_not_have_is_refused(graphs_app):
    response = graphs_app.handle(Request("GET", "/query?query=ASK%20%7B%7D&named-graph-uri=file%3A%2F%2F%2Fetc%2Fpasswd"))
    assert response.status == 403
    assert response.body.decode() == (
        "Error: named-graph-uri <file:///etc/passwd> is refused: it is not a named graph of the home, "
        "and kgtool reads no other graph, file or URL\n"
    )


from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

PATHS = st.sampled_from(["/", "/query", "/queries", "/prefixes", "/entity", "/validate", "/add", "/static/kgtool.css", "/static/../app.py", "/x"])
MEDIA = st.sampled_from(["", "text/turtle", "application/ld+json", "application/n-triples", "application/sparql-query",
                         "application/x-www-form-urlencoded", "application/rdf+xml", "text/csv", "\u00e9/\u00e9"])
PARAMS = st.dictionaries(
    st.sampled_from(["query", "name", "iri", "format", "reason", "param", "default-graph-uri", "named-graph-uri", "dry-run"]),
    st.text(max_size=40),
    max_size=3,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(method=st.sampled_from(["GET", "POST", "HEAD", "PUT"]), path=PATHS, params=PARAMS, media=MEDIA, accept=st.text(max_size=30),
       body=st.binary(max_size=200))
def test_no_request_makes_the_app_fail_internally(app, method, path, params, media, accept, body):
    """Whatever a client sends, the answer is a deliberate status with one line or a document, never a 500."""
    from urllib.parse import urlencode

    target = path + ("?" + urlencode(params) if params else "")
    response = app.handle(Request(method, target, {"content-type": media, "accept": accept}, body))
    assert response.status < 500 or response.status == 503, response.body
    if response.status >= 400:
        assert response.body.decode().startswith("Error: ") and response.body.decode().count("\n") == 1
