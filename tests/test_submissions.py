"""`kgtool submissions` and `kgtool remove` on a local home: each submission is its file under data/submissions/."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from test_remote_submissions import ENTAILED_BY_A_ONLY, ENTAILED_BY_B, homes, invoke, listing, stats, without_times  # noqa: F401 (homes: a fixture)

QUESTIONS = sorted(p.stem for p in (Path(__file__).resolve().parent.parent / "queries").glob("*.rq"))


def files(home: str) -> dict[str, bytes]:
    """Every file of the home but kgtool's own state, by path."""
    root = Path(home)
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file() and ".kgtool" not in p.parts}


@pytest.fixture
def both(homes, tmp_path) -> str:
    """A copy of the home that had B then A added."""
    target = str(tmp_path / "both")
    shutil.copytree(homes["both"], target)
    return target


def test_submissions_lists_each_file_with_its_prov_record(both):
    found = listing(both)
    names = sorted(p.stem for p in (Path(both) / "data" / "submissions").glob("*.ttl"))
    assert [s["id"] for s in found] == names  # the files' stems, oldest first
    assert [(s["triples"], s["sources"][0]["title"]) for s in found] == [(7, "b.ttl"), (8, "a.ttl")]
    for s in found:
        record = (Path(both) / "data" / "submissions" / f"{s['id']}.ttl").read_text(encoding="utf-8")
        assert f"# kgtool submission {s['id'].rsplit('-', 1)[1]}, added {s['added']}\n" in record
        assert f"# from {s['sources'][0]['title']} (sha256 {s['sources'][0]['sha256']})\n" in record


def test_the_bundled_home_has_no_submissions_and_cannot_remove_one():
    assert invoke("submissions").stdout == "No submissions.\n"
    result = invoke("remove", "20261124T191025425043-900af79a5083583a")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: the bundled knowledge graph is read-only")


def test_removing_a_submission_deletes_its_file_and_the_home_answers_as_one_that_never_had_it(both, homes):
    ident = listing(both)[1]["id"]
    result = invoke("--home", both, "remove", ident)
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == f"Removed submission {ident} (8 triple(s) and its PROV record) from data/submissions/{ident}.ttl.\n"
    assert not (Path(both) / "data" / "submissions" / f"{ident}.ttl").exists()
    for name in QUESTIONS:
        for reason in ("--reason", "--no-reason"):
            here = invoke("--home", both, "query", "-n", name, reason, "--format", "json")
            there = invoke("--home", homes["never"], "query", "-n", name, reason, "--format", "json")
            assert (here.exit_code, here.stdout) == (there.exit_code, there.stdout), (name, reason)
    assert invoke("--home", both, "query", ENTAILED_BY_A_ONLY).stdout == "false\n"
    assert (invoke("--home", both, "query", ENTAILED_BY_B).stdout, invoke("--home", both, "query", ENTAILED_BY_B, "--no-reason").stdout) == ("true\n", "false\n")
    assert stats(both) == {**stats(homes["never"])}
    assert without_times(listing(both)) == without_times(listing(homes["never"]))


def test_remove_dry_run_changes_nothing(both):
    ident = listing(both)[0]["id"]
    before = files(both)
    result = invoke("--home", both, "remove", ident, "--dry-run")
    assert (result.exit_code, result.stdout) == (0, f"Would remove submission {ident} (7 triple(s) and its PROV record); nothing was changed (dry run).\n")
    assert files(both) == before


@pytest.mark.parametrize("ident", ["20990101T000000000000-0000000000000000", "../karabakh", "karabakh", ""])
def test_removing_an_unknown_id_is_one_line_exit_2_and_changes_nothing(both, ident):
    before = files(both)
    result = invoke("--home", both, "remove", ident)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == f"Error: the home has no submission '{ident}'; 'kgtool submissions' lists them\n"
    assert files(both) == before


def test_after_removing_the_last_add_the_home_answers_from_the_store_kept_from_before_it(homes, tmp_path):
    home = str(tmp_path / "never")
    shutil.copytree(homes["never"], home)
    assert invoke("--home", home, "query", ENTAILED_BY_A_ONLY).stdout == "false\n"  # builds the store of the home without A
    cache = Path(home) / ".kgtool" / "cache"
    assert invoke("--home", home, "add", homes["files"]["a"]).exit_code == 0
    assert invoke("--home", home, "query", ENTAILED_BY_A_ONLY).stdout == "true\n"  # the store with A
    stores = sorted(p.name for p in cache.glob("store-*"))
    assert invoke("--home", home, "remove", listing(home)[-1]["id"]).exit_code == 0
    assert invoke("--home", home, "query", ENTAILED_BY_A_ONLY).stdout == "false\n"
    assert sorted(p.name for p in cache.glob("store-*")) == stores  # nothing built: the store from before A answered
    assert stats(home) == stats(homes["never"])
