"""kgtool's own reasoner: owlrl's entailments for every construct it compiles, and after an added
data file the extended closure is the closure a build from scratch gives."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pyoxigraph as ox
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kgtool import rdfio, reasoning, store
from kgtool.home import Home

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
CONSTRUCTS = TESTS / "fixtures" / "reasoning" / "constructs.ttl"
SAME_AS = "<http://www.w3.org/2002/07/owl#sameAs>"


def turtle(text: str) -> list[ox.Triple]:
    return [q.triple for q in ox.parse(text.encode(), ox.RdfFormat.TURTLE)]


def strs(triples) -> set[str]:
    return {str(t) for t in triples}


def split_fixture() -> tuple[str, list[str]]:
    """The constructs fixture as (prefixes + schema, [one instance statement line, ...])."""
    text = CONSTRUCTS.read_text(encoding="utf-8")
    schema, instances = text.split("# ---- instances")
    prefixes = "".join(line + "\n" for line in schema.splitlines() if line.startswith("@prefix"))
    lines = [line for line in instances.splitlines()[1:] if line.strip() and not line.startswith("#")]
    return schema, [prefixes + line for line in lines]


def make_home(root: Path, schema: str, data: list[str]) -> Path:
    (root / "ontology").mkdir(parents=True)
    (root / "shapes").mkdir()
    (root / "data").mkdir()
    (root / "ontology" / "schema.ttl").write_text(schema, encoding="utf-8")
    (root / "shapes" / "none.ttl").write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\n", encoding="utf-8")
    (root / "data" / "base.ttl").write_text("\n".join(data) + "\n", encoding="utf-8")
    return root


def closure(loaded: store.Loaded) -> tuple[set[str], int]:
    """The graph with its entailments: the triples without blank nodes, and how many have one
    (blank node labels differ between two parses of the same file)."""
    every = strs(loaded.triples("graph", inferred=True))
    ground = {t for t in every if "_:" not in t}
    return ground, len(every) - len(ground)


def test_kgtool_gives_owlrls_entailments_for_every_construct_it_compiles():
    triples = rdfio.parse_file(CONSTRUCTS).triples
    kgtool = strs(reasoning.entailments(triples, "kgtool"))
    owlrl = strs(reasoning.entailments(triples, "owlrl"))
    assert kgtool == owlrl
    # one entailment per rule family, so that a rule that stops firing is named by the failure
    e = "http://example.org/"
    for expected in [
        f"<{e}stepanakert> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{e}Location>",  # cax-sco, cax-eqc
        f"<{e}stepanakert> <{e}within> <{e}caucasus>",  # prp-trp
        f"<{e}shusha> <{e}borders> <{e}stepanakert>",  # prp-symp
        f"<{e}csto> <{e}memberOf> <{e}armenia>",  # prp-inv
        f"<{e}government> <{e}hasMember> <{e}pashinyan>",  # prp-spo1 then prp-inv
        f"<{e}q> <{e}componentOf> <{e}whole>",  # prp-eqp
        f"<{e}meeting> <{e}at> <{e}caucasus>",  # prp-spo2, a chain of three through a transitive property
        f"<{e}a1> {SAME_AS} <{e}a2>",  # prp-ifp
        f"<{e}hq2> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{e}Base>",  # prp-fp, eq-rep-s
        f"<{e}armenia> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{e}Capitalised>",  # cls-svf2
        f"<{e}armenia> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{e}Urban>",  # cls-svf1
        f"<{e}brigade> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{e}Armed>",  # cls-hv2
        f"<{e}x> <{e}kind> <{e}military>",  # cls-hv1
        f"<{e}pashinyan> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{e}Leader>",  # cls-int1
        f"<{e}pashinyan> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{e}Agent>",  # cls-uni
        f"<{e}y1> {SAME_AS} <{e}y2>",  # cls-maxc2
        f"<{e}h1> {SAME_AS} <{e}h2>",  # cls-maxqc4
        f"<{e}alias> <{e}leads> <{e}government>",  # eq-rep-s of an asserted owl:sameAs
        f"<{e}pashinyan> <{e}label> \"alias\"",  # eq-rep-s, the other way round
    ]:
        assert expected in kgtool


def test_staffed_by_all_value_restriction_types_the_values():
    # cls-avf needs the subject typed by the restriction first: :brigade is not :Staffed, so
    # :soldier stays untyped; typing the brigade types the soldier.
    triples = rdfio.parse_file(CONSTRUCTS).triples
    soldier = "<http://example.org/soldier> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://example.org/Person>"
    assert soldier not in strs(reasoning.entailments(triples, "kgtool"))
    staffed = turtle("<http://example.org/brigade> a <http://example.org/Staffed> .")
    assert soldier in strs(reasoning.entailments(triples + staffed, "kgtool"))
    assert soldier in strs(reasoning.entailments(triples + staffed, "owlrl"))


def test_a_schema_the_rules_do_not_cover_is_closed_by_the_general_reasoner():
    text = (
        "@prefix : <http://example.org/> . @prefix owl: <http://www.w3.org/2002/07/owl#> . "
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        ":Person owl:hasKey ( :passport ) . :a a :Person ; :passport :p1 . :b a :Person ; :passport :p1 .\n"
        ":Town rdfs:subClassOf :Place . :t a :Town .\n"
    )
    triples = turtle(text)
    assert strs(reasoning.entailments(triples, "kgtool")) == strs(reasoning.entailments(triples, reasoning.schema_reasoner()))
    assert "<http://example.org/t> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://example.org/Place>" in strs(reasoning.entailments(triples, "kgtool"))


def test_kgtool_gives_the_entailments_of_reasonable_on_a_generated_home(tmp_path):
    generate = _bench_generate()
    home = tmp_path / "gen"
    generate.generate(5000, 3, home)
    triples = [t for path in sorted(home.glob("ontology/*.ttl")) + sorted(home.glob("data/*.ttl")) for t in rdfio.parse_file(path).triples]
    kgtool = strs(reasoning.entailments(triples, "kgtool"))
    assert kgtool == strs(reasoning.entailments(triples, "reasonable"))
    assert len(kgtool) > 3000


def _bench_generate():
    spec = importlib.util.spec_from_file_location("generate", REPO / "bench" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_adding_a_generated_submission_extends_the_closure_to_what_a_fresh_build_gives(tmp_path, monkeypatch):
    generate = _bench_generate()
    home = tmp_path / "gen"
    generate.generate(5000, 3, home)
    h = Home(home)
    store.load(h)
    sub = home / "data" / "submissions"
    sub.mkdir()
    (sub / "new.ttl").write_text(generate.HEAD + generate.cluster(10**7, __import__("random").Random(7), 2), encoding="utf-8")
    extended = store.load(h)
    assert extended.rebuilt == ["data", "reasoning (incremental)"]
    extended_closure, extended_counts = closure(extended), extended.counts
    del extended
    shutil.rmtree(home / ".kgtool")
    fresh = store.load(h)
    assert fresh.rebuilt[-1] == "reasoning"
    assert extended_closure == closure(fresh)
    assert extended_counts == fresh.counts


def test_an_added_file_with_schema_triples_is_reasoned_from_scratch(tmp_path):
    schema, data = split_fixture()
    home = make_home(tmp_path / "h", schema, data)
    h = Home(home)
    store.load(h)
    prefixes = data[0].split("\n")[:4]
    (home / "data" / "more.ttl").write_text("\n".join(prefixes) + "\n:Place rdfs:subClassOf :Area .\n", encoding="utf-8")
    after = store.load(h)
    assert after.rebuilt == ["data", "reasoning"]
    got = strs(after.triples("graph", inferred=True))
    assert "<http://example.org/stepanakert> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://example.org/Area>" in got


_SCHEMA, _DATA = split_fixture()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(added=st.sets(st.integers(0, len(_DATA) - 1), min_size=1))
def test_any_split_of_the_data_into_base_and_added_gives_the_closure_of_the_whole(tmp_path_factory, added):
    root = tmp_path_factory.mktemp("split")
    base = [line for i, line in enumerate(_DATA) if i not in added]
    home = make_home(root / "incremental", _SCHEMA, base)
    h = Home(home)
    store.load(h)
    (home / "data" / "added.ttl").write_text("\n".join(_DATA[i] for i in sorted(added)) + "\n", encoding="utf-8")
    extended = store.load(h)
    assert extended.rebuilt == ["data", "reasoning (incremental)"]
    whole = Home(make_home(root / "whole", _SCHEMA, _DATA))
    assert closure(extended)[0] == closure(store.load(whole))[0]


def test_a_literal_that_looks_like_a_quoted_triple_keeps_the_rules_and_the_incremental_path(tmp_path):
    schema, data = split_fixture()
    prefixes = data[0].split("\n")[:4]
    home = make_home(tmp_path / "h", schema, [*data, "\n".join(prefixes) + '\n:karabakh :label "a << b >> c" .'])
    h = Home(home)
    store.load(h)
    (home / "data" / "more.ttl").write_text("\n".join(prefixes) + "\n:yerevan :within :armenia .\n", encoding="utf-8")
    after = store.load(h)
    assert after.rebuilt == ["data", "reasoning (incremental)"]
    assert '<http://example.org/karabakh> <http://example.org/label> "a << b >> c"' in strs(after.triples("graph"))


def test_a_qualified_max_cardinality_on_a_class_other_than_thing_is_left_to_the_general_reasoner():
    # cls-maxqc3 is not compiled: the rules refuse the schema, and kgtool's entailments are the general reasoner's.
    from kgtool.reasoning import compiled, ntriples

    text = (
        "@prefix : <http://example.org/> . @prefix owl: <http://www.w3.org/2002/07/owl#> . "
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        ":R owl:onProperty :capital ; owl:maxQualifiedCardinality 1 ; owl:onClass :City .\n"
        ":s a :R ; :capital :a , :b . :a a :City . :b a :City . :Town rdfs:subClassOf :Place . :t a :Town .\n"
    )
    triples = turtle(text)
    schema = {t for t in ntriples.from_ox(triples) if ntriples.is_schema(t)}
    try:
        compiled.Rules(reasoning.close_schema(schema))
    except ntriples.Unsupported as e:
        assert "cls-maxqc3" in str(e)
    else:
        raise AssertionError("cls-maxqc3 compiled")
    assert strs(reasoning.entailments(triples, "kgtool")) == strs(reasoning.entailments(triples, reasoning.schema_reasoner()))


def test_an_added_same_as_between_properties_extends_the_closure_through_the_stored_triples(tmp_path):
    # eq-rep-p over what the store already holds: the store view finds a term in predicate position too.
    schema, data = split_fixture()
    prefixes = data[0].split("\n")[:4]
    home = make_home(tmp_path / "h", schema, data)
    h = Home(home)
    store.load(h)
    (home / "data" / "more.ttl").write_text("\n".join(prefixes) + "\n:label owl:sameAs :name .\n", encoding="utf-8")
    extended = store.load(h)
    assert extended.rebuilt == ["data", "reasoning (incremental)"]
    got = closure(extended)[0]
    assert '<http://example.org/pashinyan> <http://example.org/name> "alias"' in got
    del extended
    shutil.rmtree(home / ".kgtool")
    assert got == closure(store.load(h))[0]
