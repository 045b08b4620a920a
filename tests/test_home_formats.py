"""Homes read every RDF format, keep the named graphs of TriG and N-Quads data, resolve relative
IRIs against each file, keep the blank nodes of two files apart, and say which file and line
holds an input past a limit.

Every expected answer is written by hand (or read by rdflib), never taken from kgtool.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
import rdflib

from kgtool import formats, rdfio

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:rdflib")

EX = "http://example.org/"
ONTOLOGY = """@prefix ex: <http://example.org/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ex:State a owl:Class ; rdfs:subClassOf ex:Polity .
ex:Polity a owl:Class .
"""
MIB16 = 16 * 1024 * 1024


def make_home(root: Path, files: dict[str, str | bytes]) -> Path:
    """A home at `root` holding exactly `files` ({relative path: content}); the four folders exist."""
    for part in ("ontology", "shapes", "data", "queries"):
        (root / part).mkdir(parents=True, exist_ok=True)
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return root


def rows(result) -> set[tuple[str, ...]]:
    """The rows of a --format tsv answer, header left out."""
    assert result.exit_code == 0, result.stderr
    return {tuple(line.split("\t")) for line in result.stdout.splitlines()[1:]}


def query(kg, home: Path, text: str, *options: str):
    return kg("--home", str(home), "query", text, "--format", "tsv", *options)


# --------------------------------------------------------------------------------------
# every input format, in any folder, recursively in data/
# --------------------------------------------------------------------------------------
FORMAT_FILES = {
    "ontology/onto.owl": """<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">
  <rdf:Description rdf:about="http://example.org/State"><rdfs:subClassOf rdf:resource="http://example.org/Polity"/></rdf:Description>
</rdf:RDF>
""",
    "data/a.nt": "<http://example.org/nt> <http://example.org/from> \"nt\" .\n",
    "data/b/c.nq": "<http://example.org/nq> <http://example.org/from> \"nq\" .\n",
    "data/b/d.trig": "@prefix ex: <http://example.org/> .\nex:trig ex:from \"trig\" .\n",
    "data/e/f/g.jsonld": json.dumps({"@id": EX + "jsonld", EX + "from": "jsonld"}),
    "data/h.rdf": """<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">
  <rdf:Description rdf:about="http://example.org/rdf"><ex:from>rdf</ex:from><rdf:type rdf:resource="http://example.org/State"/></rdf:Description>
</rdf:RDF>
""",
    "data/UPPER.TTL": "<http://example.org/ttl> <http://example.org/from> \"TTL\" .\n",
}


def test_a_home_reads_data_in_every_format_and_in_subfolders(kg, tmp_path):
    home = make_home(tmp_path / "h", FORMAT_FILES)
    result = query(kg, home, f"SELECT ?s ?f WHERE {{ ?s <{EX}from> ?f }}")
    assert rows(result) == {
        (f"<{EX}nt>", '"nt"'),
        (f"<{EX}nq>", '"nq"'),
        (f"<{EX}trig>", '"trig"'),
        (f"<{EX}jsonld>", '"jsonld"'),
        (f"<{EX}rdf>", '"rdf"'),
        (f"<{EX}ttl>", '"TTL"'),
    }


def test_an_owl_ontology_in_rdfxml_drives_the_reasoning_over_rdfxml_data(kg, tmp_path):
    home = make_home(tmp_path / "h", FORMAT_FILES)
    assert rows(query(kg, home, f"SELECT ?x WHERE {{ ?x a <{EX}Polity> }}")) == {(f"<{EX}rdf>",)}


def test_a_home_with_an_empty_ontology_folder_is_a_home(kg, tmp_path):
    home = make_home(tmp_path / "h", {"data/x.nt": f"<{EX}a> <{EX}p> <{EX}b> .\n"})
    assert list((home / "ontology").iterdir()) == []
    assert rows(query(kg, home, "SELECT ?s WHERE { ?s ?p ?o }")) == {(f"<{EX}a>",)}


def test_a_folder_with_no_rdf_file_is_not_a_home(kg, tmp_path):
    home = make_home(tmp_path / "h", {"data/README.md": "# notes\n", "ontology/.gitkeep": ""})
    result = query(kg, home, "ASK { ?s ?p ?o }")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        f"Error: {home} is not a kgtool home: it has no RDF files in ontology/ or data/ "
        "(.ttl .nt .nq .trig .jsonld .rdf .owl); create one with 'kgtool init DIR'\n"
    )


def test_files_that_are_not_rdf_are_left_alone(kg, tmp_path):
    home = make_home(
        tmp_path / "h",
        {
            "data/x.nt": f"<{EX}a> <{EX}p> <{EX}b> .\n",
            "data/README.md": "# about the data\n",
            "data/.gitkeep": "",
            "data/sources/events.csv": "id,date\n1,2020-09-27\n",
            "data/x.ttl~": "an editor's backup, not valid Turtle",
            "data/.hidden/y.ttl": "not valid Turtle either",
            "data/plain.json": '{"not": "json-ld"}',
            "ontology/NOTES.txt": "notes",
        },
    )
    assert rows(query(kg, home, "SELECT ?s WHERE { ?s ?p ?o }")) == {(f"<{EX}a>",)}


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("data/x.n3", "<http://e/a> <http://e/p> 1 .", "data/x.n3: N3 is not a format kgtool reads; convert it, or move it out of the home"),
        ("data/x.ttl.gz", b"\x1f\x8b", "data/x.ttl.gz: kgtool does not read compressed files; decompress it"),
        ("ontology/o.owx", "<Ontology/>", "ontology/o.owx: OWL/XML is not a format kgtool reads; convert it, or move it out of the home"),
        (
            "data/x.xml",
            '<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>',
            "data/x.xml: looks like RDF but kgtool tells formats by extension; rename it to x.rdf",
        ),
        ("data/x.json", '{"@context": {}, "@id": "http://e/a"}', "data/x.json: looks like RDF but kgtool tells formats by extension; rename it to x.jsonld"),
    ],
)
def test_a_file_that_is_obviously_rdf_in_another_format_is_refused_not_ignored(kg, tmp_path, name, content, message):
    home = make_home(tmp_path / "h", {"data/ok.nt": f"<{EX}a> <{EX}p> <{EX}b> .\n", name: content})
    result = query(kg, home, "ASK { ?s ?p ?o }")
    assert (result.exit_code, result.stdout) == (2, "")
    known = " (known: .ttl .nt .nq .trig .jsonld .rdf .owl)" if "rename" not in message else ""
    assert result.stderr == f"Error: {message}{known}\n"


def test_a_broken_link_among_the_data_is_an_error_not_a_silent_gap(kg, tmp_path):
    home = make_home(tmp_path / "h", {"data/ok.nt": f"<{EX}a> <{EX}p> <{EX}b> .\n"})
    os.symlink(tmp_path / "gone.ttl", home / "data" / "gone.ttl")
    result = query(kg, home, "ASK { ?s ?p ?o }")
    assert (result.exit_code, result.stderr) == (2, "Error: data/gone.ttl: cannot read: No such file or directory\n")


# --------------------------------------------------------------------------------------
# named graphs
# --------------------------------------------------------------------------------------
TRIG = """@prefix ex: <http://example.org/> .
ex:a ex:p ex:b .
ex:g1 { ex:c ex:p ex:d . ex:c a ex:State }
ex:g2 { ex:e ex:p ex:f }
"""
NQUADS = f"<{EX}h> <{EX}p> <{EX}i> <{EX}g3> .\n<{EX}j> <{EX}p> <{EX}k> .\n"


@pytest.fixture
def graphs_home(tmp_path) -> Path:
    return make_home(tmp_path / "h", {"ontology/o.ttl": ONTOLOGY, "data/events.trig": TRIG, "data/more/q.nq": NQUADS})


def test_a_graph_query_sees_the_named_graphs_of_trig_and_nquads_data(kg, graphs_home):
    result = query(kg, graphs_home, "SELECT ?g ?s ?o WHERE { GRAPH ?g { ?s <http://example.org/p> ?o } }")
    assert rows(result) == {
        (f"<{EX}g1>", f"<{EX}c>", f"<{EX}d>"),
        (f"<{EX}g2>", f"<{EX}e>", f"<{EX}f>"),
        (f"<{EX}g3>", f"<{EX}h>", f"<{EX}i>"),
    }


def test_a_graph_query_sees_only_the_users_graphs(kg, graphs_home):
    assert rows(query(kg, graphs_home, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")) == {(f"<{EX}g1>",), (f"<{EX}g2>",), (f"<{EX}g3>",)}


def test_the_default_graph_does_not_hold_the_named_graphs(kg, graphs_home):
    result = query(kg, graphs_home, "SELECT ?s ?o WHERE { ?s <http://example.org/p> ?o }")
    assert rows(result) == {(f"<{EX}a>", f"<{EX}b>"), (f"<{EX}j>", f"<{EX}k>")}


def test_named_graphs_are_asserted_only_not_reasoned_over(kg, graphs_home):
    # ex:c is a State in ex:g1 only: the entailment (a Polity) is drawn from the default graph.
    assert rows(query(kg, graphs_home, f"SELECT ?x WHERE {{ ?x a <{EX}Polity> }}")) == set()
    assert rows(query(kg, graphs_home, f"SELECT ?x WHERE {{ GRAPH ?g {{ ?x a <{EX}Polity> }} }}")) == set()


def test_a_data_file_naming_a_graph_in_kgtools_reserved_space_is_refused(kg, tmp_path):
    home = make_home(tmp_path / "h", {"data/x.trig": "@prefix k: <urn:kgtool:graph:> .\n\nk:data { <http://e/a> <http://e/p> 1 }\n"})
    result = query(kg, home, "ASK { ?s ?p ?o }")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        "Error: data/x.trig:3: names the graph <urn:kgtool:graph:data>, in kgtool's reserved space <urn:kgtool:>; give the graph another name\n"
    )


def test_an_ontology_file_with_a_named_graph_is_refused(kg, tmp_path):
    home = make_home(tmp_path / "h", {"ontology/o.trig": "\n<http://e/g> { <http://e/a> <http://e/p> 1 }\n"})
    result = query(kg, home, "ASK { ?s ?p ?o }")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        "Error: ontology/o.trig:2: has triples in the named graph <http://e/g>; only a home's data files keep named graphs: "
        "put them in the default graph\n"
    )


def _dataset(text: str, fmt: str) -> set[tuple[str, str, str, str]]:
    """The quads rdflib reads from an export ('' for the default graph)."""
    ds = rdflib.Dataset()
    ds.parse(data=text, format=fmt)
    out = set()
    for s, p, o, g in ds.quads((None, None, None, None)):
        name = "" if g is None or g == rdflib.graph.DATASET_DEFAULT_GRAPH_ID else str(g)
        out.add((str(s), str(p), str(o), name))
    return out


EXPECTED_DATA_QUADS = {
    (EX + "a", EX + "p", EX + "b", ""),
    (EX + "j", EX + "p", EX + "k", ""),
    (EX + "c", EX + "p", EX + "d", EX + "g1"),
    (EX + "c", "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", EX + "State", EX + "g1"),
    (EX + "e", EX + "p", EX + "f", EX + "g2"),
    (EX + "h", EX + "p", EX + "i", EX + "g3"),
}


@pytest.mark.parametrize("fmt, rdflib_format", [("nq", "nquads"), ("trig", "trig"), ("json-ld", "json-ld")])
def test_export_in_a_dataset_format_keeps_the_named_graphs(kg, graphs_home, fmt, rdflib_format):
    result = kg("--home", str(graphs_home), "export", "--part", "data", "--format", fmt)
    assert (result.exit_code, result.stderr) == (0, "")
    assert _dataset(result.stdout, rdflib_format) == EXPECTED_DATA_QUADS


@pytest.mark.parametrize("fmt, rdflib_format", [("turtle", "turtle"), ("nt", "nt"), ("xml", "xml")])
def test_export_in_a_one_graph_format_writes_the_default_graph_and_says_what_it_left_out(kg, graphs_home, fmt, rdflib_format):
    result = kg("--home", str(graphs_home), "export", "--part", "data", "--format", fmt)
    assert result.exit_code == 0
    assert result.stderr == f"Note: 3 named graphs of the data left out: the {fmt} format holds one graph; use --format nq, trig or json-ld to keep them\n"
    graph = rdflib.Graph().parse(data=result.stdout, format=rdflib_format)
    assert {(str(s), str(p), str(o)) for s, p, o in graph} == {(EX + "a", EX + "p", EX + "b"), (EX + "j", EX + "p", EX + "k")}


def test_export_of_the_ontology_has_no_named_graphs_and_no_note(kg, graphs_home):
    result = kg("--home", str(graphs_home), "export", "--part", "ontology", "--format", "nt")
    assert (result.exit_code, result.stderr) == (0, "")


def test_an_added_trig_file_is_loaded_incrementally_with_its_named_graph(kg, graphs_home):
    from kgtool import store
    from kgtool.home import Home

    assert rows(query(kg, graphs_home, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")) == {(f"<{EX}g1>",), (f"<{EX}g2>",), (f"<{EX}g3>",)}
    (graphs_home / "data" / "new.trig").write_text(
        "@prefix ex: <http://example.org/> .\nex:m a ex:State .\nex:g4 { ex:n ex:p ex:o }\nex:g1 { ex:q ex:p ex:r }\n", encoding="utf-8"
    )
    assert rows(query(kg, graphs_home, "SELECT ?g ?s WHERE { GRAPH ?g { ?s <http://example.org/p> ?o } }")) == {
        (f"<{EX}g1>", f"<{EX}c>"),
        (f"<{EX}g1>", f"<{EX}q>"),
        (f"<{EX}g2>", f"<{EX}e>"),
        (f"<{EX}g3>", f"<{EX}h>"),
        (f"<{EX}g4>", f"<{EX}n>"),
    }
    assert rows(query(kg, graphs_home, f"SELECT ?x WHERE {{ ?x a <{EX}Polity> }}")) == {(f"<{EX}m>",)}
    loaded = store.load(Home(graphs_home))
    assert (loaded.built, loaded.counts["named"]) == (False, 6)
    # How the store got there: the new file alone was parsed, the entailments extended.
    (graphs_home / "data" / "newer.trig").write_text("@prefix ex: <http://example.org/> .\nex:g5 { ex:s ex:p ex:t }\n", encoding="utf-8")
    assert store.load(Home(graphs_home)).rebuilt == ["data", "reasoning (incremental)"]


def test_removing_a_trig_file_removes_its_named_graphs(kg, graphs_home):
    assert rows(query(kg, graphs_home, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")) == {(f"<{EX}g1>",), (f"<{EX}g2>",), (f"<{EX}g3>",)}
    (graphs_home / "data" / "events.trig").unlink()
    assert rows(query(kg, graphs_home, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")) == {(f"<{EX}g3>",)}


# --------------------------------------------------------------------------------------
# relative IRIs
# --------------------------------------------------------------------------------------
def test_relative_iris_resolve_against_the_files_own_location(kg, tmp_path):
    home = make_home(
        tmp_path / "h",
        {
            "data/sub/rel.ttl": "<thing> <http://example.org/p> <../other#frag> .\n",
            "data/x.rdf": '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">'
            '<rdf:Description rdf:about="fromxml"><ex:p rdf:resource="#r"/></rdf:Description></rdf:RDF>\n',
            "data/j/x.jsonld": json.dumps({"@id": "fromjson", "http://example.org/p": {"@id": "y"}}),
        },
    )
    data = (tmp_path / "h" / "data").resolve().as_uri()
    assert rows(query(kg, home, "SELECT ?s ?o WHERE { ?s <http://example.org/p> ?o }")) == {
        (f"<{data}/sub/thing>", f"<{data}/other#frag>"),
        (f"<{data}/fromxml>", f"<{data}/x.rdf#r>"),
        (f"<{data}/j/fromjson>", f"<{data}/j/y>"),
    }


def test_a_declared_base_wins_over_the_files_location(kg, tmp_path):
    home = make_home(
        tmp_path / "h",
        {
            "data/a.ttl": "@base <http://example.org/base/> .\n<thing> <http://example.org/p> <../up> .\n",
            "data/b.trig": "BASE <http://example.org/trig/>\n<g> { <s> <http://example.org/p> <o> }\n",
            "data/c.rdf": '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/" '
            'xml:base="http://example.org/xml/"><rdf:Description rdf:about="x"><ex:p rdf:resource="y"/></rdf:Description></rdf:RDF>\n',
        },
    )
    assert rows(query(kg, home, "SELECT ?s ?o WHERE { ?s <http://example.org/p> ?o }")) == {
        ("<http://example.org/base/thing>", "<http://example.org/up>"),
        ("<http://example.org/xml/x>", "<http://example.org/xml/y>"),
    }
    assert rows(query(kg, home, "SELECT ?g ?s WHERE { GRAPH ?g { ?s ?p ?o } }")) == {("<http://example.org/trig/g>", "<http://example.org/trig/s>")}


def test_a_relative_iri_in_ntriples_is_an_error_naming_the_line(kg, tmp_path):
    home = make_home(tmp_path / "h", {"data/x.nt": f"<{EX}a> <{EX}p> <{EX}b> .\n<rel> <{EX}p> <{EX}b> .\n"})
    result = query(kg, home, "ASK { ?s ?p ?o }")
    assert (result.exit_code, result.stderr) == (2, "Error: data/x.nt:2:1: a relative IRI: N-Triples allows absolute IRIs only\n")


# --------------------------------------------------------------------------------------
# blank nodes
# --------------------------------------------------------------------------------------
def test_the_blank_nodes_of_two_files_are_kept_apart(kg, tmp_path):
    home = make_home(
        tmp_path / "h",
        {
            "data/a.ttl": "_:x <http://example.org/p> 1 .\n[] <http://example.org/q> 1 .\n",
            "data/b.ttl": "_:x <http://example.org/p> 2 .\n[] <http://example.org/q> 2 .\n",
            "data/c.nt": "_:x <http://example.org/p> \"3\" .\n",
        },
    )
    assert rows(query(kg, home, "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s <http://example.org/p> ?o }")) == {("3",)}
    assert rows(query(kg, home, "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s <http://example.org/q> ?o }")) == {("2",)}


def test_a_blank_node_label_is_one_node_within_a_file(kg, tmp_path):
    home = make_home(tmp_path / "h", {"data/a.ttl": "_:x <http://example.org/p> 1 .\n_:x <http://example.org/p> 2 .\n"})
    assert rows(query(kg, home, "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s <http://example.org/p> ?o }")) == {("1",)}


def test_a_file_parsed_twice_gives_the_same_triples(tmp_path):
    path = tmp_path / "x.trig"
    path.write_text("@prefix ex: <http://example.org/> .\n_:a ex:p [ ex:q ( 1 2 ) ] .\n_:g { _:a ex:r [] }\n", encoding="utf-8")
    first = rdfio.parse_file(path, named_graphs=True)
    second = rdfio.parse_file(path, named_graphs=True)
    assert (first.triples, first.quads) == (second.triples, second.quads)
    assert len({t.subject for t in first.triples} | {t.object for t in first.triples}) == 7  # _:a, [], 2 list nodes, 1, 2, rdf:nil


def test_a_homes_export_is_the_same_bytes_after_a_rebuild(kg, tmp_path):
    home = make_home(tmp_path / "h", {"data/a.ttl": "[] <http://example.org/p> [ <http://example.org/q> 1 ] .\n", "data/b.nt": "_:b <http://example.org/p> \"2\" .\n"})
    first = kg("--home", str(home), "export", "--format", "nt")
    shutil.rmtree(home / ".kgtool")
    second = kg("--home", str(home), "export", "--format", "nt")
    assert first.exit_code == second.exit_code == 0
    assert first.stdout_bytes == second.stdout_bytes
    assert len(first.stdout.splitlines()) == 3


def test_two_files_with_different_content_never_share_a_blank_node_label():
    turtle = formats.get("turtle", "graph")
    a = rdfio.parse_bytes(b"_:x <http://e/p> 1 .", turtle, "a.ttl")
    b = rdfio.parse_bytes(b"_:x <http://e/p> 2 .", turtle, "b.ttl")
    assert a.triples[0].subject != b.triples[0].subject


# --------------------------------------------------------------------------------------
# big and odd inputs: one line, file and line, exit 2, never an internal error
# --------------------------------------------------------------------------------------
BIG = b"x" * (MIB16 + 16)
BIG_FILES = {
    "big.ttl": (b"@prefix ex: <http://example.org/> .\n\nex:a ex:p \"" + BIG + b"\" .\n", 3, "a literal"),
    "big.nt": (b"<http://e/a> <http://e/p> \"1\" .\n<http://e/a> <http://e/p> \"" + BIG + b"\" .\n", 2, "a literal"),
    "big.nq": (b"<http://e/a> <http://e/p> <http://e/" + BIG + b"> <http://e/g> .\n", 1, "an IRI"),
    "big.trig": (b"<http://e/g> {\n  <http://e/a> <http://e/p> 1 ;\n    <http://e/q> \"\"\"" + BIG + b"\"\"\" }\n", 3, "a literal"),
    "big.jsonld": (b'{\n  "@id": "http://e/a",\n  "http://e/p": "' + BIG + b'"\n}\n', 3, "a JSON value"),
    "big.rdf": (
        b'<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://e/">\n'
        b'<rdf:Description rdf:about="http://e/a">\n<ex:p>' + BIG + b"</ex:p></rdf:Description></rdf:RDF>\n",
        4,
        "a literal",
    ),
}


def test_a_literal_past_16_mib_names_the_file_the_line_and_the_limit(kg, tmp_path):
    home = make_home(tmp_path / "h", {"data/ok.nt": f"<{EX}a> <{EX}p> <{EX}b> .\n", "data/big.ttl": BIG_FILES["big.ttl"][0]})
    result = query(kg, home, "ASK { ?s ?p ?o }")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == "Error: data/big.ttl:3: a literal is longer than the parser's limit of 16 MiB\n"


@pytest.mark.parametrize("name", sorted(BIG_FILES))
def test_a_term_past_16_mib_is_a_limit_error_in_every_format(name):
    content, line, kind = BIG_FILES[name]
    with pytest.raises(rdfio.LimitError) as caught:
        rdfio.parse_bytes(content, formats.for_path(name), name, named_graphs=True)
    assert str(caught.value) == f"{name}:{line}: {kind} is longer than the parser's limit of 16 MiB"


# name: (content, exit code, stderr: exact when it ends with a newline, else how the one line starts
# (the rest is the parser's own wording))
ODD_FILES = {
    "empty.ttl": (b"", 0, ""),
    "empty.nq": (b"", 0, ""),
    "empty.jsonld": (b"", 2, "Error: data/empty.jsonld:1:1: invalid JSON: Expecting value\n"),
    "empty.rdf": (b"", 2, "Error: data/empty.rdf:1:1: invalid XML: no element found\n"),
    "bom.ttl": (b"\xef\xbb\xbf<http://e/a> <http://e/p> 1 .\n", 0, ""),
    "nul.ttl": (b"<http://e/a> <http://e/p> 1 .\n\x00", 2, "Error: data/nul.ttl:2:1: '\\u0000' is not allowed at the beginning of a prefix name\n"),
    "nul-in-literal.nt": (b'<http://e/a> <http://e/p> "a\x00b" .\n', 0, ""),
    "latin1.ttl": (b'<http://e/a> <http://e/p> "caf\xe9" .\n', 2, "Error: data/latin1.ttl:1:"),
    "latin1.nq": (b'<http://e/a> <http://e/p> "caf\xe9" <http://e/g> .\n', 2, "Error: data/latin1.nq:1:"),
    "latin1.jsonld": (b'{"@id": "http://e/a", "http://e/p": "caf\xe9"}', 2, "Error: data/latin1.jsonld: invalid JSON: not UTF-8 text\n"),
    "latin1.rdf": (b'<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">caf\xe9</rdf:RDF>', 2, "Error: data/latin1.rdf:2:"),
    "utf16.nt": ('<http://e/a> <http://e/p> "a" .\n'.encode("utf-16"), 2, "Error: data/utf16.nt:1:1: Invalid UTF-8 character encoding\n"),
}


@pytest.mark.parametrize("name", sorted(ODD_FILES))
def test_odd_data_files_load_or_fail_in_one_line_never_as_an_internal_error(kg, tmp_path, name):
    content, code, stderr = ODD_FILES[name]
    home = make_home(tmp_path / "h", {"ontology/o.ttl": ONTOLOGY, f"data/{name}": content})
    result = query(kg, home, "ASK { ?s ?p ?o }")
    assert result.exit_code == code
    if stderr.endswith("\n") or not stderr:
        assert result.stderr == stderr
    else:
        assert result.stderr.startswith(stderr) and result.stderr.count("\n") == 1 and result.stderr.endswith("\n")
    assert "internal error" not in result.stderr and "\x00" not in result.stderr


def test_a_directory_named_like_a_data_file_is_a_folder(kg, tmp_path):
    home = make_home(tmp_path / "h", {"data/x.ttl/inner.nt": f"<{EX}a> <{EX}p> <{EX}b> .\n"})
    assert rows(query(kg, home, "SELECT ?s WHERE { ?s ?p ?o }")) == {(f"<{EX}a>",)}


def test_a_fifo_named_like_a_data_file_is_refused_without_reading_it(kg, tmp_path):
    home = make_home(tmp_path / "h", {"data/ok.nt": f"<{EX}a> <{EX}p> <{EX}b> .\n"})
    os.mkfifo(home / "data" / "pipe.ttl")
    result = query(kg, home, "ASK { ?s ?p ?o }")
    assert (result.exit_code, result.stderr) == (2, "Error: data/pipe.ttl: is not a regular file; kgtool reads RDF from regular files\n")


def test_the_store_holds_the_same_blank_nodes_as_parsing_the_file_again(tmp_path):
    """What `kgtool validate data/x.ttl` relies on to validate a home's own file once."""
    from kgtool import store
    from kgtool.home import Home

    home = make_home(tmp_path / "h", {"data/x.ttl": "[] <http://example.org/p> [ <http://example.org/q> ( 1 ) ] .\n"})
    loaded = store.load(Home(home))
    again = rdfio.parse_file(home / "data" / "x.ttl")
    assert set(loaded.triples("data")) == set(again.triples)
    assert len(again.triples) == 4


def test_an_owl_file_in_owl_xml_is_told_apart_from_rdf_xml(kg, tmp_path):
    owl_xml = (
        '<?xml version="1.0"?>\n<Ontology xmlns="http://www.w3.org/2002/07/owl#" ontologyIRI="http://example.org/o">\n'
        '  <Declaration><Class IRI="http://example.org/State"/></Declaration>\n</Ontology>\n'
    )
    home = make_home(tmp_path / "h", {"ontology/o.owl": owl_xml, "data/x.nt": f"<{EX}a> <{EX}p> <{EX}b> .\n"})
    result = query(kg, home, "ASK { ?s ?p ?o }")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: ontology/o.owl:")
    assert result.stderr.endswith(": this is OWL/XML, not RDF/XML (which kgtool reads from .rdf and .owl files); save the ontology as RDF/XML or Turtle\n")
