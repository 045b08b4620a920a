"""The home's cache: reused while nothing changes, never stale after an edit, rebuilt only as far as needed."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from kgtool import store
from kgtool.home import Home

RUSSIA_LABEL = 'SELECT ?l WHERE { cfr:russia rdfs:label ?l }'
SUBMISSION = """@prefix cf: <https://w3id.org/kgtool/conflict#> .
@prefix cfr: <https://w3id.org/kgtool/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
cfr:moldova a cf:SovereignState ; rdfs:label "Moldova"@en ; cf:memberOf cfr:csto .
"""
MEMBERS = "SELECT ?m WHERE { cfr:csto cf:hasMember ?m } ORDER BY ?m"


def label(kg, home: Path) -> str:
    result = kg("--home", str(home), "query", RUSSIA_LABEL, "--format", "tsv")
    assert result.exit_code == 0, result.stderr
    return result.stdout


def later(monkeypatch, seconds: float = 10.0) -> None:
    """Make kgtool hash files as if `seconds` had passed since they changed (past the racy window)."""
    real = time.time_ns
    monkeypatch.setattr(time, "time_ns", lambda: real() + int(seconds * 1e9))


def test_editing_a_data_file_between_two_queries_changes_the_answer(kg, home):
    assert label(kg, home) == '?l\n"Russia"@en\n'
    data = home / "data" / "karabakh.ttl"
    data.write_text(data.read_text(encoding="utf-8").replace('"Russia"@en', '"Rossiya"@en'), encoding="utf-8")
    assert label(kg, home) == '?l\n"Rossiya"@en\n'


def test_an_edit_that_keeps_the_size_and_the_mtime_of_a_remembered_file_is_seen(kg, home, monkeypatch):
    data = home / "data" / "karabakh.ttl"
    stamp = data.stat().st_mtime_ns
    later(monkeypatch)
    assert label(kg, home) == '?l\n"Russia"@en\n'
    assert "data/karabakh.ttl" in json.loads((home / ".kgtool" / "digests.json").read_text(encoding="utf-8"))
    before = data.stat().st_size
    data.write_text(data.read_text(encoding="utf-8").replace('"Russia"@en', '"Rassia"@en'), encoding="utf-8")
    os.utime(data, ns=(stamp, stamp))  # same size, same mtime: only the ctime tells
    assert data.stat().st_size == before and data.stat().st_mtime_ns == stamp
    assert label(kg, home) == '?l\n"Rassia"@en\n'


def test_a_same_size_edit_of_a_fresh_file_is_seen(kg, home):
    data = home / "data" / "karabakh.ttl"
    assert label(kg, home) == '?l\n"Russia"@en\n'
    data.write_text(data.read_text(encoding="utf-8").replace('"Russia"@en', '"Rusnia"@en'), encoding="utf-8")
    assert label(kg, home) == '?l\n"Rusnia"@en\n'


def test_a_new_data_file_is_queried_with_its_entailments(kg, home):
    (home / "data" / "submissions").mkdir()
    (home / "data" / "submissions" / "moldova.ttl").write_text(SUBMISSION, encoding="utf-8")
    result = kg("--home", str(home), "query", MEMBERS, "--format", "tsv")
    assert result.stdout == "?m\n<https://w3id.org/kgtool/id/armenia>\n<https://w3id.org/kgtool/id/moldova>\n"


def test_removing_a_data_file_removes_its_triples(kg, home):
    (home / "data" / "extra.ttl").write_text(SUBMISSION, encoding="utf-8")
    assert kg("--home", str(home), "query", MEMBERS, "--format", "tsv").stdout.count("moldova") == 1
    (home / "data" / "extra.ttl").unlink()
    assert kg("--home", str(home), "query", MEMBERS, "--format", "tsv").stdout == "?m\n<https://w3id.org/kgtool/id/armenia>\n"


# -- the core: what a rebuild redoes ------------------------------------------------------
def test_the_store_is_reused_while_no_file_changes(home):
    first = store.load(Home(home))
    second = store.load(Home(home))
    assert (first.built, second.built) == (True, False)
    assert second.path == first.path


def test_a_shapes_change_replaces_the_shapes_without_reasoning_again(home):
    h = Home(home)
    before = store.load(h)
    shapes = home / "shapes" / "conflict-shapes.ttl"
    shapes.write_text(shapes.read_text(encoding="utf-8") + "\n# a comment changes the file\n", encoding="utf-8")
    after = store.load(h)
    assert after.built and after.rebuilt == ["shapes"]
    assert after.counts == before.counts


def test_an_added_data_file_is_parsed_alone_and_the_entailments_extended(home):
    h = Home(home)
    before = store.load(h)
    (home / "data" / "submissions").mkdir()
    (home / "data" / "submissions" / "moldova.ttl").write_text(SUBMISSION, encoding="utf-8")
    after = store.load(h)
    assert after.rebuilt == ["data", "reasoning (incremental)"]
    assert after.counts["data"] == before.counts["data"] + 3
    rows = [str(r[0]) for r in after.store.query(MEMBERS, prefixes=after.prefixes, default_graph=after.graphs(inferred=True))]
    assert rows == ["<https://w3id.org/kgtool/id/armenia>", "<https://w3id.org/kgtool/id/moldova>"]


def test_switching_reasoner_only_recomputes_the_entailments_and_both_stores_are_kept(home):
    h = Home(home)
    default = store.load(h)
    owlrl = store.load(h, reasoner="owlrl")
    assert owlrl.rebuilt == ["reasoning"]
    assert owlrl.path != default.path
    assert store.load(h).built is False  # the default reasoner's store is still there
    assert owlrl.counts == default.counts


def test_digests_are_remembered_only_for_files_changed_before_the_racy_window(home, monkeypatch):
    h = Home(home)
    memo = home / ".kgtool" / "digests.json"
    store.load(h)
    assert not memo.exists()  # every file was just copied: all are hashed again next time
    later(monkeypatch)
    store.load(h)
    remembered = json.loads(memo.read_text(encoding="utf-8"))
    assert sorted(remembered) == [
        "data/karabakh.ttl", "ontology/conflict.ttl", "ontology/typologies.ttl", "shapes/conflict-shapes.ttl"
    ]
    data = home / "data" / "karabakh.ttl"
    assert remembered["data/karabakh.ttl"][:2] == [data.stat().st_size, data.stat().st_mtime_ns]


def test_deleting_the_file_an_add_wrote_finds_the_store_of_the_home_before_it(kg, home, tmp_path):
    sub = tmp_path / "moldova.ttl"
    sub.write_text(SUBMISSION, encoding="utf-8")
    members = ["--home", str(home), "query", MEMBERS, "--format", "tsv"]
    before = kg(*members)
    assert before.exit_code == 0, before.stderr
    stores = home / ".kgtool" / "cache"
    (first,) = stores.glob("store-*")
    inode = (first / "kgtool-meta.json").stat().st_ino
    added = kg("--home", str(home), "add", str(sub))
    assert added.exit_code == 0, added.stderr
    assert "moldova" in kg(*members).stdout
    (written,) = (home / "data" / "submissions").glob("*.ttl")
    written.unlink()  # the documented way to revert a submission
    after = kg(*members)
    assert after.stdout == before.stdout
    # answered from the store built before the add, kept as it was: not rebuilt
    assert (first / "kgtool-meta.json").stat().st_ino == inode
    assert list(json.loads((first / "kgtool-meta.json").read_text(encoding="utf-8"))["files"]["data"]) == ["data/karabakh.ttl"]
