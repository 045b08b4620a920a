"""The README tells the truth: every command has help with an example and is documented; the Quick start works."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kgtool.cli import cli

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text(encoding="utf-8")


def quick_start() -> list[str]:
    block = re.search(r"^## Quick start\n.*?^```[^\n]*\n(.*?)^```", README, re.M | re.S).group(1)
    return [line.strip() for line in block.splitlines() if line.strip()]


def test_quick_start_is_two_commands_install_and_ask_then_test():
    install, test = quick_start()
    assert "pip install" in install and "kgtool query -n " in install
    assert "[test]" in test and "pytest" in test


def test_quick_start_question_is_a_named_query_of_the_bundled_home(kg):
    install, _ = quick_start()
    name = re.search(r"kgtool query -n ([\w-]+)", install).group(1)
    result = kg("query", "-n", name)
    assert result.exit_code == 0
    assert "cfr:armenia" in result.stdout and "cfr:russia" in result.stdout


def test_ci_runs_the_readme_test_command():
    script = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    _, test = quick_start()
    assert script.rstrip().splitlines()[-1] == test


@pytest.mark.parametrize("name", cli.list_commands(None))
def test_every_command_has_help_with_an_example_and_is_in_the_readme(kg, name):
    result = kg(name, "--help")
    assert result.exit_code == 0
    assert "Example" in result.stdout
    assert f"kgtool {name}" in result.stdout
    assert f"`kgtool {name}`" in README


def test_readme_tour_named_queries_exist(kg):
    listed = kg("query", "--list").stdout
    for name in set(re.findall(r"kgtool query -n ([\w-]+)", README)):
        assert name + " " in listed


def test_readme_format_table_matches_the_registry():
    from kgtool import formats

    for f in formats.FORMATS:
        assert f"`{f.name}`" in README, f.name
        assert f.media_type in README, f.media_type
