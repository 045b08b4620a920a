"""The README tells the truth: every command has help with an example and is documented; the Quick start works."""

from __future__ import annotations

import os
import re
import subprocess
import sys
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


# --------------------------------------------------------------------------------------
# the README's transcript: every `$ …` command of the tour is run and its output compared
# (ROBOT's CommandLineIT; STYLE B2). The commands run in bash, in one temporary directory,
# against the bundled graph; `$ cat FILE` shows a file the later commands use, so the file is
# written there from the README itself. What may differ: the bundled home's absolute path
# (shown as /…/site-packages/kgtool/_bundled), a submission file's time and digest, and a
# line `…`, which stands for lines left out.
# --------------------------------------------------------------------------------------
ELIDED = "…"
SUBMISSION = re.compile(r"data/submissions/\d{8}T\d{12}-[0-9a-f]{16}\.ttl")


def transcript() -> list[list[tuple[str, list[str]]]]:
    """The README's shell sessions: per code block, its (command, shown output lines) in order."""
    sessions = []
    for block in README.split("\n```")[1::2]:  # the text inside each fence (the opening line first)
        steps: list[tuple[str, list[str]]] = []
        for line in block.splitlines()[1:]:
            if line.startswith("$ "):
                steps.append((line[2:], []))
            elif steps:
                steps[-1][1].append(line)
        if steps:
            for _, shown in steps:
                while shown and not shown[-1].strip():
                    shown.pop()  # the blank line that sets the next command apart
            sessions.append(steps)
    return sessions


SESSIONS = transcript()


def shown_matches(shown: list[str], actual: str) -> bool:
    """Whether the output is what the README shows, a line `…` standing for any number of lines."""
    pattern = "".join("(?:.*\n)*?" if line == ELIDED else re.escape(line) + "\n" for line in shown)
    return re.fullmatch(pattern, actual) is not None


def normalized(text: str, bundled: str) -> str:
    return SUBMISSION.sub("data/submissions/TIME-DIGEST.ttl", text.replace(bundled, "/…/site-packages/kgtool/_bundled"))


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    """The directory the transcript runs in: the files it cats, and the bundled data/ that it validates."""
    work = tmp_path_factory.mktemp("readme")
    for steps in SESSIONS:
        for command, shown in steps:
            if command.startswith("cat "):
                (work / command.split()[1]).write_text("\n".join(shown) + "\n", encoding="utf-8")
    (work / "data").symlink_to(REPO / "data", target_is_directory=True)
    return work


def test_readme_has_a_transcript_of_every_command():
    run = {command.split()[1] for steps in SESSIONS for command, _ in steps if command.startswith("kgtool ")}
    assert run >= {"stats", "query", "export", "validate", "init"}
    assert any("add " in command for steps in SESSIONS for command, _ in steps)


@pytest.mark.parametrize("steps", SESSIONS, ids=[steps[0][0][:40] for steps in SESSIONS])
def test_readme_transcript_is_what_kgtool_prints(workdir, steps):
    from kgtool.home import resolve

    bundled = str(resolve(None).root)
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    for command, shown in steps:
        if command.startswith("cat "):
            continue  # the file was written from what the README shows
        run = subprocess.run(["bash", "-c", f"{{ {command}\n}} 2>&1"], cwd=workdir, env=env, capture_output=True, text=True, timeout=300)
        assert run.returncode == 0, f"$ {command}\n{run.stdout}{run.stderr}"
        actual = normalized(run.stdout, bundled)
        expected = [normalized(line, bundled) for line in shown]
        assert shown_matches(expected, actual), f"$ {command}\nREADME shows:\n" + "\n".join(shown) + f"\nkgtool printed:\n{run.stdout}"
