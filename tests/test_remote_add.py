"""`kgtool --home URL add`: judged as a local add, written in one update guarded by the home's generation; concurrent adds lose nothing."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from test_remote import OXIGRAPH, QUERIES, OxigraphServer

pytestmark = pytest.mark.skipif(OXIGRAPH is None, reason="the oxigraph server binary is not installed (pip install oxigraph)")

CLAIM = """@prefix cf:   <https://w3id.org/kgtool/conflict#> .
@prefix cfr:  <https://w3id.org/kgtool/id/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

cfr:claim-NAME
    a cf:CasualtyClaim ;
    rdfs:label "Armenia's casualty figures, as restated (NAME)"@en ;
    cf:claimant cfr:armenia ;
    cf:casualtyEvent cfr:azerbaijan-military-operation-2023 ;
    cf:deathToll cfr:quantity-2023-killed-claimed ;
    prov:wasDerivedFrom cfr:source-article ;
    cf:evidence "Armenia claims that more than 200 people have been killed" .
"""


def claim(tmp_path: Path, name: str) -> str:
    path = tmp_path / f"{name}.ttl"
    path.write_text(CLAIM.replace("NAME", name), encoding="utf-8")
    return str(path)


@pytest.fixture
def remote(kg, tmp_path):
    """A fresh server with the bundled home pushed to it: its URL."""
    running = OxigraphServer(tmp_path / "db")
    assert kg("push", running.url).exit_code == 0
    yield running.url
    running.stop()


def test_an_add_through_the_url_makes_the_home_answer_as_the_same_add_locally(kg, remote, home, tmp_path):
    sub = claim(tmp_path, "first")
    dry = kg("--home", remote, "add", sub, "--dry-run")
    assert (dry.exit_code, dry.stdout) == (0, "Would add 7 new triple(s) of 7, describing 1 new entity; nothing was changed (dry run).\n  new: cfr:claim-first\n")
    added = kg("--home", remote, "add", sub)
    assert added.exit_code == 0, added.stderr
    assert re.fullmatch(rf"Added 7 new triple\(s\) of 7, describing 1 new entity, as submission [0-9]{{8}}T[0-9]{{12}}-[0-9a-f]{{16}} in {re.escape(remote)}\.\n", added.stdout)
    assert kg("--home", str(home), "add", sub).exit_code == 0
    for name in QUERIES:
        for reason in ("--reason", "--no-reason"):
            local = kg("--home", str(home), "query", "-n", name, reason, "--format", "json")
            there = kg("--home", remote, "query", "-n", name, reason, "--format", "json")
            assert there.stdout == local.stdout, (name, reason)
    local, there = (json.loads(kg("--home", h, "stats", "--format", "json").stdout) for h in (str(home), remote))
    local.pop("home"), there.pop("home")
    assert there == local  # the counts, with the new entailments, and one more data file


def test_an_add_refused_through_the_url_changes_nothing(kg, remote, tmp_path):
    before = kg("--home", remote, "export", "--format", "nt", "--inferred").stdout
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix cf: <https://w3id.org/kgtool/conflict#> .\n@prefix cfr: <https://w3id.org/kgtool/id/> .\ncfr:x a cf:CasualtyClaim ; cf:claimant cfr:armenia .\n", encoding="utf-8")
    result = kg("--home", remote, "add", str(bad))
    assert result.exit_code == 1
    assert result.stderr == "Refused: 7 violation(s) of the home's shapes; the home is unchanged.\n"
    assert kg("--home", remote, "export", "--format", "nt", "--inferred").stdout == before
    sub = claim(tmp_path, "again")
    assert kg("--home", remote, "add", sub).exit_code == 0
    result = kg("--home", remote, "add", sub)
    assert (result.exit_code, result.stderr) == (1, "Refused: all 7 triples of the submission are already in the home; the home is unchanged.\n")


def test_an_add_whose_home_moved_meanwhile_is_judged_again_and_lands(kg, remote, tmp_path, monkeypatch):
    from kgtool.remote import adding
    from kgtool.remote.home import resolve

    real = adding._entailments
    calls = []

    def meanwhile(loaded, added):
        calls.append(1)
        if len(calls) == 1:  # another machine adds between this add's judgement and its write
            adding.add(resolve(remote), [claim(tmp_path, "elsewhere")])
        return real(loaded, added)

    monkeypatch.setattr(adding, "_entailments", meanwhile)
    result = kg("--home", remote, "add", claim(tmp_path, "here"))
    assert result.exit_code == 0, result.stderr
    assert len(calls) == 3  # here (lost the race), elsewhere, here again
    monkeypatch.setattr(adding, "_entailments", real)
    ask = "ASK { cfr:claim-here a cf:CasualtyClaim . cfr:claim-elsewhere a cf:CasualtyClaim }"
    assert kg("--home", remote, "query", ask, "--no-reason").exit_code == 0
    assert resolve(remote).meta()["generation"] == 3  # the push, then one write each


def test_two_concurrent_adds_from_two_processes_both_land(remote, tmp_path):
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    env.pop("KGTOOL_HOME", None)
    names = [f"concurrent-{i}" for i in range(2)]
    processes = [
        subprocess.Popen([sys.executable, "-m", "kgtool", "--home", remote, "add", claim(tmp_path, n)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for n in names
    ]
    outcomes = [p.communicate(timeout=120) for p in processes]
    assert [p.returncode for p in processes] == [0, 0], outcomes
    ask = "ASK { " + " ".join(f"cfr:claim-{n} a cf:CasualtyClaim ." for n in names) + " }"
    result = subprocess.run([sys.executable, "-m", "kgtool", "--home", remote, "query", ask, "--no-reason"], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
