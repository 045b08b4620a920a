"""A generated 100k-triple home, pushed to a real Oxigraph server, answers every named query through its URL as it does locally."""

from __future__ import annotations

import importlib.util
import json

import pytest

from test_remote import OXIGRAPH, QUERIES, REPO, OxigraphServer

pytestmark = pytest.mark.skipif(OXIGRAPH is None, reason="the oxigraph server binary is not installed (pip install oxigraph)")


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """(local home, URL): bench/generate.py's 100k-triple home, and the server it was pushed to."""
    from click.testing import CliRunner

    from kgtool.cli import cli

    spec = importlib.util.spec_from_file_location("generate", REPO / "bench" / "generate.py")
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    home = tmp_path_factory.mktemp("generated") / "home"
    generate.generate(100_000, 1, home)
    running = OxigraphServer(tmp_path_factory.mktemp("oxigraph-100k"))
    cache = str(tmp_path_factory.getbasetemp() / "xdg-cache")
    result = CliRunner(env={"XDG_CACHE_HOME": cache, "KGTOOL_HOME": None}).invoke(cli, ["--home", str(home), "push", running.url], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    yield str(home), running.url
    running.stop()


@pytest.mark.parametrize("name", QUERIES)
def test_every_named_query_of_a_100k_home_answers_through_the_url_as_locally(kg, generated, name):
    home, url = generated
    # With reasoning; without it too where the query is quick (post-holders and timeline take ~15 s each way at 100k, locally as remotely).
    for reason in ("--reason", "--no-reason") if name not in ("post-holders", "timeline", "source-of-fact") else ("--reason",):
        local = kg("--home", home, "query", "-n", name, reason, "--format", "json")
        remote = kg("--home", url, "query", "-n", name, reason, "--format", "json")
        assert (remote.exit_code, remote.stdout, remote.stderr) == (local.exit_code, local.stdout, local.stderr)


def test_stats_of_a_100k_home_are_the_same_through_the_url(kg, generated):
    home, url = generated
    local = json.loads(kg("--home", home, "stats", "--format", "json").stdout)
    remote = json.loads(kg("--home", url, "stats", "--format", "json").stdout)
    for figures in (local, remote):
        figures.pop("home")
    assert remote == local
    assert remote["triples"]["data"] > 95_000
