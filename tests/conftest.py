"""Shared fixtures: a CliRunner, a fresh home made by `kgtool init`, and a `kg(...)` helper."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kgtool.cli import cli

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory, monkeypatch):
    """Each test session caches the bundled home in its own directory, never in the user's."""
    cache = tmp_path_factory.getbasetemp() / "xdg-cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    monkeypatch.delenv("KGTOOL_HOME", raising=False)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def kg(runner):
    """Run kgtool with arguments; returns click's Result (exit_code, stdout, stderr)."""

    def run(*args: str, input: str | bytes | None = None):
        return runner.invoke(cli, list(args), input=input, catch_exceptions=False)

    return run


@pytest.fixture(scope="session")
def _home_template(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("template") / "home"
    result = CliRunner().invoke(cli, ["init", str(target)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return target


@pytest.fixture
def home(tmp_path, _home_template) -> Path:
    """A writable copy of the bundled graph, as `kgtool init` makes it."""
    target = tmp_path / "home"
    shutil.copytree(_home_template, target)
    return target


@pytest.fixture
def tiny_home(tmp_path) -> Path:
    """A home with a handful of triples (tests/fixtures/tiny_home)."""
    target = tmp_path / "tiny"
    shutil.copytree(TESTS / "fixtures" / "tiny_home", target)
    return target
