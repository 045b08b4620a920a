"""The page of `kgtool serve` in a real browser: headless Chromium (Debian's), driven by Playwright.

Type a query in the editor and see its rows; click a named query; open an entity page from a
result and read the article's quote; and the page reaches no server but this one. Screenshots
go to $KGTOOL_TEST_ARTIFACTS, else to a pytest temporary directory (the path is printed).
Without Chromium or Playwright these tests fail; KGTOOL_NO_BROWSER=1 skips them explicitly.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

if os.environ.get("KGTOOL_NO_BROWSER") == "1":
    pytest.skip("KGTOOL_NO_BROWSER=1: the browser tests are skipped on request", allow_module_level=True)

from playwright.sync_api import sync_playwright  # noqa: E402  (a missing Playwright is a failure, not a skip)

from test_serve import ARMENIA, CSTO, OPERATION, REPO, Served  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
# As the machine notes say: without the background-networking flags Chromium tries Google's hosts.
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTICLE = (REPO / "data" / "sources" / "source-article.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    served = Served(["serve", "--port", "0"], tmp_path_factory.mktemp("browser-cache"))
    yield served
    served.stop()


@pytest.fixture(scope="module")
def artifacts(tmp_path_factory) -> Path:
    chosen = os.environ.get("KGTOOL_TEST_ARTIFACTS")
    folder = Path(chosen) if chosen else tmp_path_factory.mktemp("artifacts")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def chromium():
    assert Path(CHROMIUM).is_file(), f"{CHROMIUM} is missing: apt-get install -y chromium (or set KGTOOL_NO_BROWSER=1 to skip)"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


class Visit:
    """A fresh browser page that records every request and aborts any not for 127.0.0.1.

    The page's Content-Security-Policy is bypassed here, so that a request the page tries to
    make elsewhere shows up (and fails the test) instead of being blocked unseen by the policy.
    """

    def __init__(self, browser):
        self.context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def _route(self, route):
        url = route.request.url
        self.requests.append(url)
        if urlsplit(url).hostname == "127.0.0.1":
            route.continue_()
        else:
            route.abort()

    def outside(self) -> list[str]:
        return [u for u in self.requests if urlsplit(u).hostname != "127.0.0.1"]

    def shot(self, folder: Path, name: str) -> Path:
        path = folder / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        print(f"screenshot: {path}")
        return path


@pytest.fixture
def visit(chromium):
    v = Visit(chromium)
    yield v
    v.context.close()


def table_rows(page) -> list[list[str]]:
    """The results table's rows, each cell's text, without the row number."""
    return page.eval_on_selector_all(
        ".yasr table.dataTable tbody tr",
        "rows => rows.map(r => Array.from(r.querySelectorAll('td')).slice(1).map(td => td.innerText.trim()))",
    )


def links(page) -> list[str]:
    """The IRIs the results table links (the entity pages' iri parameters)."""
    return page.eval_on_selector_all(".yasr a.iri", "els => els.map(e => e.getAttribute('data-iri'))")


def test_a_query_typed_in_the_editor_runs_and_its_rows_show_in_the_table(server, visit, artifacts):
    page = visit.page
    page.goto(server.url)
    page.wait_for_selector(".CodeMirror")
    page.click(".CodeMirror")
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.type("SELECT ?organisation WHERE { cfr:armenia cf:memberOf ?organisation }")
    editor = page.evaluate("window.kgtoolYasgui.getTab().getYasqe().getValue()")
    # the editor knows the home's prefixes: typing them declared them
    assert "PREFIX cfr: <https://w3id.org/kgtool/id/>" in editor
    assert "PREFIX cf: <https://w3id.org/kgtool/conflict#>" in editor
    page.keyboard.press("Control+Enter")
    page.wait_for_selector(".yasr table.dataTable tbody tr a.iri")
    assert table_rows(page) == [["cfr:csto"]]
    assert links(page) == [CSTO]
    visit.shot(artifacts, "typed-query")
    assert visit.outside() == [] and visit.errors == []


def test_a_named_query_is_one_click_away(server, visit, artifacts):
    page = visit.page
    page.goto(server.url)
    page.wait_for_selector(".CodeMirror")
    page.click("button.named-query[data-name='csto-members']")
    page.wait_for_selector(".yasr table.dataTable tbody tr a.iri")
    # Armenia is a member and the alliance is Russian-led (the competency question's answer)
    assert [row[0] for row in table_rows(page)] == ["cfr:armenia"]
    assert links(page) == [ARMENIA, "https://w3id.org/kgtool/id/russia"]
    assert "# Question: Which states are members of the CSTO" in page.evaluate("window.kgtoolYasgui.getTab().getYasqe().getValue()")
    visit.shot(artifacts, "named-query")
    assert visit.outside() == [] and visit.errors == []


def test_an_iri_in_the_results_opens_its_entity_page_with_the_article_s_quote(server, visit, artifacts):
    page = visit.page
    page.goto(server.url)
    page.wait_for_selector(".CodeMirror")
    page.click("button.named-query[data-name='azerbaijan-victories']")
    page.wait_for_selector(".yasr table.dataTable tbody tr a.iri")
    page.click(f".yasr a.iri[data-iri='{OPERATION}']")
    page.wait_for_selector("h1")
    assert page.inner_text("h1") == "Azerbaijan’s military operation in Nagorno-Karabakh (2023)"
    quotes = page.eval_on_selector_all("blockquote.quote", "els => els.map(e => e.childNodes[0].textContent.trim())")
    quote = "“Azerbaijan’s military victory last week”"
    assert quote in quotes
    assert quote.strip("“”") in ARTICLE  # word for word from the article
    # the claims about it, with who made them, and its place on the timeline
    claims = page.inner_text("#claims-about")
    assert re.search(r"Armenia’s casualty figures .*\tArmenia", claims)
    assert "by 2023-09-23" in page.inner_text("#timeline")
    visit.shot(artifacts, "entity-operation")
    assert visit.outside() == [] and visit.errors == []


def test_the_entity_box_opens_azerbaijan_by_its_prefixed_name(server, visit, artifacts):
    page = visit.page
    page.goto(server.url)
    page.fill("#entity-form input[name='iri']", "cfr:azerbaijan")
    page.click("#entity-form button")
    page.wait_for_selector("h1")
    assert page.inner_text("h1") == "Azerbaijan"
    facts = page.inner_text("#facts")
    assert "Azerbaijan claims the region as it falls under its territorial boundaries" in facts
    visit.shot(artifacts, "entity-azerbaijan")
    assert visit.outside() == [] and visit.errors == []


def test_a_refused_query_shows_the_server_s_one_line_reason_and_reaches_nothing(server, visit, artifacts):
    page = visit.page
    page.goto(server.url)
    page.wait_for_selector(".CodeMirror")
    page.click(".CodeMirror")
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.type("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector(".yasr .errorResult, .yasr :text('is refused')")
    assert "Error: SERVICE <http://example.org/sparql> is refused: queries do not reach the network" in page.inner_text(".yasr")
    visit.shot(artifacts, "refused-query")
    assert visit.outside() == [] and visit.errors == []
