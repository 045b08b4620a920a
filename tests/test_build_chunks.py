"""The store built a chunk of data at a time (KGTOOL_BUILD_CHUNK triples) holds what a build of the whole gives.

The references are never the chunked build itself: the entailments are those of the whole graph
reasoned at once in memory (kgtool's rules, and `reasonable` on the generated home), the counts
and stored triples those of a build whose chunk holds every triple.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path

import pytest

from kgtool import rdfio, reasoning, store
from kgtool.home import Home
from kgtool.store.cache import META

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
WHOLE = str(10**9)  # a chunk larger than any home of these tests: the data in one piece


def _generate():
    spec = importlib.util.spec_from_file_location("generate", REPO / "bench" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _parsed(home: Path, part: str) -> list:
    """The triples of a part's files, parsed whole (blank nodes labelled from each file's digest, as the build does)."""
    return [t for path in sorted((home / part).rglob("*")) if path.is_file() and path.suffix in (".ttl", ".trig", ".nt", ".nq") for t in rdfio.parse_file(path).triples]


def _reference(home: Path, reasoner: str = "kgtool") -> set[str]:
    """The entailments of the home's ontology and data reasoned over at once, in memory."""
    return {str(t) for t in reasoning.entailments(_parsed(home, "ontology") + _parsed(home, "data"), reasoner)}


def _build(home: Path, chunk: str, monkeypatch) -> tuple[set[str], dict, dict, set[str]]:
    """(the entailments, the counts, the meta's record of what was parsed, every quad) of the home built from scratch with `chunk`."""
    monkeypatch.setenv("KGTOOL_BUILD_CHUNK", chunk)
    shutil.rmtree(home / ".kgtool", ignore_errors=True)
    loaded = store.load(Home(home))
    inferred = {str(q.triple) for q in loaded.store.quads_for_pattern(None, None, None, store.INFERRED)}
    quads = {str(q) for q in loaded.store.quads_for_pattern(None, None, None, None)}
    meta = json.loads((loaded.path / META).read_text(encoding="utf-8"))
    return inferred, loaded.counts, meta["parsed"], quads


# A subject of more than LARGE triples is looked up triple by triple by the reasoner's view of
# the store (a hub such as a dataset release); 0 makes every stored subject one.
LARGE = pytest.mark.parametrize("large", [None, 0], ids=["nodes-read-whole", "every-node-large"])


def _large(monkeypatch, large) -> None:
    from kgtool.reasoning import incremental

    if large is not None:
        monkeypatch.setattr(incremental, "LARGE", large)


@LARGE
def test_a_generated_home_built_in_chunks_has_the_entailments_and_counts_of_the_whole(tmp_path, monkeypatch, large):
    _large(monkeypatch, large)
    home = tmp_path / "gen"
    _generate().generate(5000, 3, home)
    chunked, counts, parsed, quads = _build(home, "97", monkeypatch)
    expected = _reference(home)
    assert chunked == expected
    assert expected == _reference(home, "reasonable")
    assert len(expected) > 3000
    whole = _build(home, WHOLE, monkeypatch)
    assert (counts, parsed, quads) == whole[1:]
    assert counts["data"] == len(set(_parsed(home, "data"))) and counts["inferred"] == len(expected)


@LARGE
def test_the_bundled_home_built_in_chunks_has_the_entailments_and_counts_of_the_whole(home, monkeypatch, large):
    _large(monkeypatch, large)
    chunked, counts, parsed, quads = _build(home, "50", monkeypatch)
    assert chunked == _reference(home)
    assert (counts, parsed, quads) == _build(home, WHOLE, monkeypatch)[1:]


def test_a_big_added_file_is_reasoned_in_chunks_to_the_closure_of_the_whole(tmp_path, monkeypatch):
    generate = _generate()
    home = tmp_path / "gen"
    generate.generate(3000, 5, home)
    monkeypatch.setenv("KGTOOL_BUILD_CHUNK", "61")
    store.load(Home(home))
    (home / "data" / "more.ttl").write_text(generate.HEAD + "".join(generate.cluster(10**7 + i, __import__("random").Random(i), 3) for i in range(3)), encoding="utf-8")
    added = store.load(Home(home))
    assert added.rebuilt == ["data", "reasoning (incremental)"]
    inferred = {str(q.triple) for q in added.store.quads_for_pattern(None, None, None, store.INFERRED)}
    counts, path = added.counts, added.path
    del added
    assert inferred == _reference(home)
    parsed = json.loads((path / META).read_text(encoding="utf-8"))["parsed"]
    assert (counts, parsed) == _build(home, WHOLE, monkeypatch)[1:3]


def test_an_added_file_that_asserts_what_was_entailed_takes_it_out_of_the_entailments(tmp_path, monkeypatch):
    generate = _generate()
    home = tmp_path / "gen"
    generate.generate(2000, 2, home)
    monkeypatch.setenv("KGTOOL_BUILD_CHUNK", "3")
    before = store.load(Home(home))
    entailed = sorted(str(q.triple) for q in before.store.quads_for_pattern(None, None, None, store.INFERRED) if "_:" not in str(q.triple))[:40]
    del before
    (home / "data" / "asserted.nt").write_text("".join(t + " .\n" for t in entailed), encoding="utf-8")
    after = store.load(Home(home))
    assert after.rebuilt == ["data", "reasoning (incremental)"]
    inferred = {str(q.triple) for q in after.store.quads_for_pattern(None, None, None, store.INFERRED)}
    assert not inferred & set(entailed)
    assert inferred == _reference(home)


def test_a_chunk_with_schema_triples_falls_back_to_reasoning_the_whole(tmp_path, monkeypatch):
    generate = _generate()
    home = tmp_path / "gen"
    generate.generate(2000, 4, home)
    monkeypatch.setenv("KGTOOL_BUILD_CHUNK", "25")
    store.load(Home(home))
    cluster = generate.cluster(10**7, __import__("random").Random(1), 2)
    # A new class above one of the ontology's, far into the file: chunks before it were reasoned already.
    (home / "data" / "more.ttl").write_text(generate.HEAD + cluster + "\ncf:ArmedClash rdfs:subClassOf <http://example.org/Violent> .\n", encoding="utf-8")
    added = store.load(Home(home))
    assert added.rebuilt == ["data", "reasoning"]
    inferred = {str(q.triple) for q in added.store.quads_for_pattern(None, None, None, store.INFERRED)}
    assert inferred == _reference(home)
    assert any(t.endswith("<http://example.org/Violent>") for t in inferred)
    # and from scratch
    assert _build(home, "25", monkeypatch)[0] == inferred


TRIG = """@prefix : <http://example.org/> .
@prefix cf: <https://w3id.org/kgtool/conflict#> .
:g1 { :a :says [ :about :b ; :about [ :about :c ] ] . }
:x a cf:ArmedClash ; :with [ a cf:State ] .
_:n :p _:m . _:m :p _:n .
:g2 { _:n :q :d . :e :q _:m . }
:y a cf:State ; :with [ a cf:State ] , [ a cf:State ] .
"""


@pytest.mark.parametrize("chunk", ["1", "2", "3"])
def test_named_graphs_and_blank_nodes_across_chunks_are_stored_as_from_one_piece(home, monkeypatch, chunk):
    (home / "data" / "mixed.trig").write_text(TRIG, encoding="utf-8")
    chunked = _build(home, chunk, monkeypatch)
    whole = _build(home, WHOLE, monkeypatch)
    assert chunked == whole
    assert whole[1]["named"] == 6 and whole[2]["blank"]["data/mixed.trig"] is True


def test_a_syntax_error_past_the_first_chunks_names_its_line_and_leaves_no_store(tmp_path, kg, monkeypatch):
    home = tmp_path / "gen"
    _generate().generate(2000, 6, home)
    lines = (home / "data" / "synthetic.ttl").read_text(encoding="utf-8").splitlines()
    lines.insert(len(lines) - 5, ":broken :triple .")  # the prefix ':' is undeclared
    (home / "data" / "synthetic.ttl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setenv("KGTOOL_BUILD_CHUNK", "10")
    result = kg("--home", str(home), "query", "ASK { ?s ?p ?o }")
    assert result.exit_code == 2
    assert f"data/synthetic.ttl:{len(lines) - 5}" in result.stderr
    assert not list((home / ".kgtool" / "cache").glob("store-*"))
    assert not list((home / ".kgtool" / "cache").glob("building-*"))


def test_data_with_triple_terms_is_built_with_the_entailments_of_the_whole(home, monkeypatch):
    # (A build of the whole graph sent triple terms to the general reasoner, which cannot read them: the build failed.)
    (home / "data" / "reified.ttl").write_text(
        "@prefix cf: <https://w3id.org/kgtool/conflict#> .\n@prefix cfr: <https://w3id.org/kgtool/id/> .\n"
        '<< cfr:armenia cf:memberOf cfr:csto >> cf:evidence "Armenia is a part of the CSTO" .\n',
        encoding="utf-8",
    )
    chunked = _build(home, "40", monkeypatch)[0]
    assert chunked == _reference(home)
    assert "<https://w3id.org/kgtool/id/armenia>" in " ".join(chunked)
