"""`kgtool submissions` and `kgtool remove` on a remote home (a real Oxigraph server): each submission a named graph;
listed as a local home lists its files; removed in one guarded update, after which the home answers as one that never had it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kgtool.cli import cli
from test_remote import OXIGRAPH, QUERIES, OxigraphServer
from test_remote_add import CLAIM

pytestmark = pytest.mark.skipif(OXIGRAPH is None, reason="the oxigraph server binary is not installed (pip install oxigraph)")

# B: a claim. A: another claim, and one triple that B's claim already entails (cf:claimant's domain is cf:Claim): while A
# is in the home that triple is asserted, not inferred; once A is removed it must be inferred again.
B = CLAIM.replace("NAME", "b")
A = CLAIM.replace("NAME", "a") + "cfr:claim-b a cf:Claim .\n"
ENTAILED_BY_A_ONLY = "ASK { cfr:claim-a a cf:Claim }"
ENTAILED_BY_B = "ASK { cfr:claim-b a cf:Claim }"


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def write(folder: Path, name: str, text: str) -> str:
    path = folder / f"{name}.ttl"
    path.write_text(text, encoding="utf-8")
    return str(path)


def listing(home: str) -> list[dict]:
    result = invoke("--home", home, "submissions", "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def without_times(found: list[dict]) -> list[dict]:
    """A listing less when each submission was added (its id's time stamp and its PROV time): what two homes share."""
    return [{**s, "id": s["id"].rsplit("-", 1)[1], "added": None} for s in found]


def stats(home: str) -> dict:
    result = invoke("--home", home, "stats", "--format", "json")
    assert result.exit_code == 0, result.stderr
    found = json.loads(result.stdout)
    found.pop("home")
    return found


def export(home: str) -> str:
    result = invoke("--home", home, "export", "--format", "nt", "--inferred")
    assert result.exit_code == 0, result.stderr
    return result.stdout


def generation(url: str) -> int:
    from kgtool.remote.home import resolve

    return resolve(url).meta()["generation"]


def answers_as(home: str, reference: str) -> None:
    """Every named query, reasoning on and off, answers through `home` exactly as in the local home `reference`."""
    for name in QUERIES:
        for reason in ("--reason", "--no-reason"):
            there = invoke("--home", home, "query", "-n", name, reason, "--format", "json")
            here = invoke("--home", reference, "query", "-n", name, reason, "--format", "json")
            assert (there.exit_code, there.stdout) == (here.exit_code, here.stdout), (name, reason)
    for ask in (ENTAILED_BY_A_ONLY, ENTAILED_BY_B):
        for reason in ("--reason", "--no-reason"):
            assert invoke("--home", home, "query", ask, reason).stdout == invoke("--home", reference, "query", ask, reason).stdout, (ask, reason)


@pytest.fixture(scope="module")
def homes(tmp_path_factory):
    """Local homes made by `kgtool init`: `never` had B added (never A); `both` had B then A added."""
    root = tmp_path_factory.mktemp("submissions")
    files = {"a": write(root, "a", A), "b": write(root, "b", B)}
    made = {"root": root, "files": files}
    for name, adds in (("never", ["b"]), ("both", ["b", "a"])):
        made[name] = str(root / name)
        assert invoke("init", made[name]).exit_code == 0
        for sub in adds:
            added = invoke("--home", made[name], "add", files[sub])
            assert added.exit_code == 0, added.stderr
        # The reference is the home its files make, built from them: a local store extended add by add keeps a triple
        # that A asserts in its entailments graph too (stats: one inferred triple more than the same files built whole).
        shutil.rmtree(Path(made[name]) / ".kgtool")
    return made


@pytest.fixture
def server(tmp_path):
    running = OxigraphServer(tmp_path / "db")
    yield running
    running.stop()


@pytest.fixture
def added(server, homes, tmp_path):
    """A fresh home pushed to a server, then B and A added through its URL: the URL."""
    fresh = str(tmp_path / "fresh")
    assert invoke("init", fresh).exit_code == 0
    assert invoke("--home", fresh, "push", server.url).exit_code == 0
    for sub in ("b", "a"):
        result = invoke("--home", server.url, "add", homes["files"][sub])
        assert result.exit_code == 0, result.stderr
    return server.url


def ident_of(home: str, name: str) -> str:
    """The id of the submission read from the file `name`.ttl."""
    return next(s["id"] for s in listing(home) if s["sources"][0]["title"] == f"{name}.ttl")


# --------------------------------------------------------------------------------------
# listing
# --------------------------------------------------------------------------------------
def test_after_two_adds_the_url_lists_both_as_the_local_home_does(added, homes):
    remote, local = listing(added), listing(homes["both"])
    assert [s["sources"][0]["title"] for s in remote] == ["b.ttl", "a.ttl"]  # oldest first
    assert [s["triples"] for s in remote] == [7, 8]  # the claims' triples, not their PROV records
    assert without_times(remote) == without_times(local)
    for s in remote:
        assert s["added"].startswith(s["id"][:4] + "-")  # the id is the time stamp of the PROV record's time, then the digest
        assert len(s["sources"][0]["sha256"]) == 64


def test_submissions_as_text_is_one_line_each(added):
    lines = invoke("--home", added, "submissions").stdout.splitlines()
    assert len(lines) == 2
    for line, name, n in zip(lines, ("b", "a"), (7, 8)):
        assert line.startswith(ident_of(added, name) + "  ")
        assert f"  {n} triple(s)  from {name}.ttl (sha256 " in line


def test_a_home_without_submissions_lists_none(server, tmp_path):
    fresh = str(tmp_path / "fresh")
    assert invoke("init", fresh).exit_code == 0
    assert invoke("--home", fresh, "push", server.url).exit_code == 0
    for home in (fresh, server.url):
        assert (invoke("--home", home, "submissions").stdout, listing(home)) == ("No submissions.\n", [])


def test_stats_after_adds_through_the_url_are_the_local_homes(added, homes):
    assert stats(added) == stats(homes["both"])  # the conformance line too: 9 infos, none counted twice


# --------------------------------------------------------------------------------------
# removing
# --------------------------------------------------------------------------------------
def test_removing_a_submission_through_the_url_answers_as_a_home_that_never_had_it(added, homes):
    ident = ident_of(added, "a")
    before = generation(added)
    result = invoke("--home", added, "remove", ident)
    assert (result.exit_code, result.stdout, result.stderr) == (0, f"Removed submission {ident} (8 triple(s) and its PROV record) from {added}.\n", "")
    assert generation(added) == before + 1
    answers_as(added, homes["never"])
    assert without_times(listing(added)) == without_times(listing(homes["never"]))
    assert stats(added) == stats(homes["never"])


def test_after_a_remove_what_only_it_entailed_is_gone_and_what_the_rest_entails_stays(added):
    invoke("--home", added, "remove", ident_of(added, "a"))
    assert invoke("--home", added, "query", ENTAILED_BY_A_ONLY).stdout == "false\n"
    assert invoke("--home", added, "query", "ASK { cfr:claim-a ?p ?o }").stdout == "false\n"
    # A asserted cfr:claim-b a cf:Claim; B's claim still entails it: an entailment again, no longer asserted.
    assert invoke("--home", added, "query", ENTAILED_BY_B).stdout == "true\n"
    assert invoke("--home", added, "query", ENTAILED_BY_B, "--no-reason").stdout == "false\n"
    assert invoke("--home", added, "query", "ASK { cfr:armenia cf:memberOf cfr:csto }").stdout == "true\n"


def test_remove_dry_run_through_the_url_changes_nothing(added):
    ident = ident_of(added, "a")
    before, at = export(added), generation(added)
    result = invoke("--home", added, "remove", ident, "--dry-run")
    assert (result.exit_code, result.stdout) == (0, f"Would remove submission {ident} (8 triple(s) and its PROV record); nothing was changed (dry run).\n")
    assert (export(added), generation(added)) == (before, at)
    assert len(listing(added)) == 2


def test_removing_an_unknown_id_through_the_url_is_one_line_exit_2_and_changes_nothing(added):
    before, at = export(added), generation(added)
    for ident in ("20990101T000000000000-0000000000000000", "../b", ""):
        result = invoke("--home", added, "remove", ident)
        assert (result.exit_code, result.stdout) == (2, "")
        assert result.stderr == f"Error: the home has no submission '{ident}'; 'kgtool submissions' lists them\n"
    assert (export(added), generation(added)) == (before, at)


def test_a_remove_that_loses_the_race_to_an_add_works_it_out_again_and_keeps_the_add(added, homes, tmp_path, monkeypatch):
    from kgtool.remote import submissions
    from kgtool.remote.home import resolve

    real = submissions._plan
    calls = []

    def meanwhile(home, meta, ident):
        calls.append(1)
        if len(calls) == 1:  # another machine adds between this removal's reading and its write
            from kgtool.remote import adding

            adding.add(resolve(added), [write(tmp_path, "c", CLAIM.replace("NAME", "c"))])
        return real(home, meta, ident)

    monkeypatch.setattr(submissions, "_plan", meanwhile)
    result = invoke("--home", added, "remove", ident_of(added, "a"))
    assert result.exit_code == 0, result.stderr
    assert len(calls) == 2  # worked out again against the home with the add
    assert [s["sources"][0]["title"] for s in listing(added)] == ["b.ttl", "c.ttl"]
    assert invoke("--home", added, "query", "ASK { cfr:claim-c a cf:Claim }").stdout == "true\n"
    assert invoke("--home", added, "query", ENTAILED_BY_A_ONLY).stdout == "false\n"


def test_after_a_remove_an_add_of_it_again_lands(added, homes):
    invoke("--home", added, "remove", ident_of(added, "a"))
    again = invoke("--home", added, "add", homes["files"]["a"])
    assert again.exit_code == 0, again.stderr
    assert stats(added) == stats(homes["both"])


# --------------------------------------------------------------------------------------
# push of a home with submissions
# --------------------------------------------------------------------------------------
def test_push_of_a_home_with_submissions_lists_the_same_ids_and_removes_as_locally(server, homes, tmp_path):
    import shutil

    both = str(tmp_path / "both")
    shutil.copytree(homes["both"], both)
    pushed = invoke("--home", both, "push", server.url)
    assert pushed.exit_code == 0, pushed.stderr
    assert " in 7 graph(s) " in pushed.stdout  # ontology, data, shapes, entailments, queries and a graph per submission
    local = invoke("--home", both, "submissions")
    assert invoke("--home", server.url, "submissions").stdout == local.stdout  # the same ids, times, triples and files
    assert stats(server.url) == stats(both)
    ident = ident_of(both, "a")
    assert invoke("--home", server.url, "remove", ident).exit_code == 0
    answers_as(server.url, homes["never"])
    assert stats(server.url) == stats(homes["never"])


def test_a_pushed_submission_whose_time_ends_in_zero_is_counted_once(server, homes, tmp_path):
    # The store writes "...25.123450Z" as "...25.12345Z" (its canonical form): push must put the store's triple in the
    # submission's graph and leave it out of the data graph, or the server counts it twice (one add in ten did).
    import re
    import shutil

    both = tmp_path / "both"
    shutil.copytree(homes["both"], both)
    for f in (both / "data" / "submissions").glob("*.ttl"):
        f.write_text(re.sub(r'(prov:generatedAtTime "[^"]*?\.)\d{6}Z"', r'\g<1>123450Z"', f.read_text(encoding="utf-8")), encoding="utf-8")
    assert "123450Z" in "".join(f.read_text(encoding="utf-8") for f in (both / "data" / "submissions").glob("*.ttl"))
    assert invoke("--home", str(both), "push", server.url).exit_code == 0
    assert stats(server.url) == stats(str(both))
    assert invoke("--home", server.url, "submissions").stdout == invoke("--home", str(both), "submissions").stdout


def test_removing_a_submission_keeps_what_another_one_read_from_the_same_file(server, homes, tmp_path):
    # Two submissions read from one file (each with another): the file's description (its name and sha256) is one set of
    # triples of the home, kept once on the server; removing the first submission keeps it for the second, as locally.
    files = homes["files"]
    c = write(tmp_path, "c", CLAIM.replace("NAME", "c"))
    local = str(tmp_path / "local")
    assert invoke("init", local).exit_code == 0
    assert invoke("--home", local, "push", server.url).exit_code == 0
    for home in (local, server.url):
        for subs in ((files["b"], c), (files["b"], files["a"])):
            result = invoke("--home", home, "add", *subs)
            assert result.exit_code == 0, result.stderr
    first = listing(server.url)[0]["id"]
    assert invoke("--home", server.url, "remove", first).exit_code == 0
    assert invoke("--home", local, "remove", listing(local)[0]["id"]).exit_code == 0
    remote, here = listing(server.url), listing(local)
    assert [sorted(s["title"] for s in r["sources"]) for r in remote] == [["a.ttl", "b.ttl"]]
    assert without_times(remote) == without_times(here)
    shutil.rmtree(Path(local) / ".kgtool")  # the reference: the home its files make, built whole
    assert stats(server.url) == stats(local)
    answers_as(server.url, local)
