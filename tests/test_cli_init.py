"""`kgtool init DIR` starts a home of one's own from the bundled graph."""

from __future__ import annotations

import filecmp
from pathlib import Path

from kgtool.home import _bundled_root


def test_init_copies_the_bundled_graph(kg, tmp_path):
    target = tmp_path / "myhome"
    result = kg("init", str(target))
    assert result.exit_code == 0
    assert result.stdout == f"Created a kgtool home in {target}; use it with --home {target} or KGTOOL_HOME={target}.\n"
    source = _bundled_root()
    for part in ("ontology", "shapes", "data", "queries"):
        cmp = filecmp.dircmp(source / part, target / part)
        assert not cmp.left_only and not cmp.diff_files, part
    assert not (target / ".kgtool").exists()


def test_init_refuses_a_non_empty_directory_and_changes_nothing(kg, tmp_path):
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    result = kg("init", str(tmp_path))
    assert result.exit_code == 2
    assert result.stderr == f"Error: {tmp_path} exists and is not empty; kgtool init needs a new or empty directory\n"
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_initialised_home_answers_queries_and_keeps_its_cache_inside(kg, tmp_path, monkeypatch):
    target = tmp_path / "h"
    kg("init", str(target))
    monkeypatch.setenv("KGTOOL_HOME", str(target))
    result = kg("query", "ASK { cfr:armenia cf:memberOf cfr:csto }")
    assert (result.exit_code, result.stdout) == (0, "true\n")
    assert (target / ".kgtool").is_dir()
    for part in ("ontology", "shapes", "data", "queries"):
        assert not any(p.name == ".kgtool" for p in Path(target / part).rglob("*"))


def test_home_option_wins_over_the_environment(kg, tmp_path, monkeypatch, tiny_home):
    monkeypatch.setenv("KGTOOL_HOME", str(tmp_path / "nowhere"))
    result = kg("--home", str(tiny_home), "query", "-n", "members", "--format", "csv")
    assert result.exit_code == 0
    # (click's Result.stdout turns the CSV's CRLF line ends into \n)
    assert result.stdout == "alliance,member\nhttp://example.org/tiny#csto,http://example.org/tiny#armenia\n"
