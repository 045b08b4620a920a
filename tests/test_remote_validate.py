"""`kgtool --home URL validate`: the same report and exit code as the local home, shapes and OWL RL consistency alike."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from kgtool.cli import cli
from test_remote import OXIGRAPH, REPO, OxigraphServer
from test_safe_growth import DATA, ONTOLOGY

pytestmark = pytest.mark.skipif(OXIGRAPH is None, reason="the oxigraph server binary is not installed (pip install oxigraph)")
FIXTURES = REPO / "tests" / "fixtures"
SUBMISSIONS = sorted(
    [REPO / "data" / "karabakh.ttl"]
    + [p for p in (FIXTURES / "submissions").iterdir() if p.suffix in (".ttl", ".nt", ".jsonld")]
    + sorted((FIXTURES / "shapes").glob("*.ttl"))[::6]  # every sixth shape fixture: one or two per shape family
)


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    """(bundled URL, owl home, owl URL): the bundled home and test_safe_growth's OWL home, each pushed to its own server."""
    env = {"XDG_CACHE_HOME": str(tmp_path_factory.getbasetemp() / "xdg-cache"), "KGTOOL_HOME": None}
    owl = tmp_path_factory.mktemp("owl") / "home"
    for part in ("ontology", "data", "shapes"):
        (owl / part).mkdir(parents=True)
    (owl / "ontology" / "g.ttl").write_text(ONTOLOGY, encoding="utf-8")
    (owl / "data" / "g.ttl").write_text(DATA, encoding="utf-8")
    bundled = OxigraphServer(tmp_path_factory.mktemp("bundled-db"))
    owl_server = OxigraphServer(tmp_path_factory.mktemp("owl-db"))
    for args in (["push", bundled.url], ["--home", str(owl), "push", owl_server.url]):
        result = CliRunner(env=env).invoke(cli, args, catch_exceptions=False)
        assert result.exit_code == 0, result.output
    yield bundled.url, owl, owl_server.url
    bundled.stop()
    owl_server.stop()


@pytest.mark.parametrize("path", SUBMISSIONS, ids=[p.name for p in SUBMISSIONS])
def test_validate_through_the_url_reports_as_locally(kg, servers, path):
    url = servers[0]
    for fmt in ("text", "json"):
        local = kg("validate", str(path), "--format", fmt)
        remote = kg("--home", url, "validate", str(path), "--format", fmt)
        assert (remote.exit_code, remote.stdout, remote.stderr) == (local.exit_code, local.stdout, local.stderr)


@pytest.mark.parametrize(
    "body",
    [
        "ex:dave ex:bornIn ex:alice .",  # disjoint classes, one entailed
        "ex:tom a ex:Dog .",  # owl:AllDisjointClasses (a blank node and a list in the ontology)
        "ex:alice ex:hates ex:bob .",  # property disjointness
        "ex:casper a ex:Ghost .",  # owl:Nothing
        "ex:bob owl:sameAs ex:carol .",  # a broken owl:differentFrom
        "ex:alicia ex:passport ex:p1 .",  # a new entity the same as an old one: no merge
        "ex:carl ex:passport ex:p1 . ex:carl a ex:Person .",
        "ex:erin a ex:Person ; ex:bornIn ex:paris ; ex:likes ex:bob . ex:rex a ex:Dog .",  # harmless
    ],
)
def test_validate_through_the_url_judges_consistency_as_locally(kg, servers, tmp_path, body):
    _, owl, url = servers
    sub = tmp_path / "submission.ttl"
    sub.write_text("@prefix ex: <http://example.org/g#> .\n@prefix owl: <http://www.w3.org/2002/07/owl#> .\n" + body + "\n", encoding="utf-8")
    for fmt in ("text", "json"):
        local = kg("--home", str(owl), "validate", str(sub), "--format", fmt)
        remote = kg("--home", url, "validate", str(sub), "--format", fmt)
        assert (remote.exit_code, remote.stdout, remote.stderr) == (local.exit_code, local.stdout, local.stderr)

