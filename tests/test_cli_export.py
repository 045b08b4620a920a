"""`kgtool export`: parts, formats, -o with the format from the extension, --inferred, JSON-LD context, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from click.testing import CliRunner
from rdflib.compare import isomorphic

from kgtool.cli import cli

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:rdflib")  # rdflib's own parsers

CF = "https://w3id.org/kgtool/conflict#"
CFR = "https://w3id.org/kgtool/id/"
TINY = "http://example.org/tiny#"


@pytest.fixture(scope="module")
def shared_home(tmp_path_factory) -> Path:
    """One home for the read-only tests of this module (its cache is built once)."""
    target = tmp_path_factory.mktemp("export") / "home"
    assert CliRunner().invoke(cli, ["init", str(target)]).exit_code == 0
    return target


def export(home: Path, *args: str):
    return CliRunner().invoke(cli, ["--home", str(home), "export", *args], catch_exceptions=False)


def files_graph(home: Path, *parts: str) -> rdflib.Graph:
    """The home's files of those parts, parsed by rdflib on its own."""
    graph = rdflib.Graph()
    for part in parts:
        for path in sorted((home / part).rglob("*.ttl")):
            graph.parse(path, format="turtle")
    return graph


@pytest.mark.parametrize(
    "part, folders",
    [("graph", ("ontology", "data")), ("data", ("data",)), ("ontology", ("ontology",)), ("shapes", ("shapes",)), ("all", ("ontology", "data", "shapes"))],
)
def test_part_is_exactly_the_triples_of_its_files(shared_home, part, folders):
    result = export(shared_home, "--part", part, "--format", "nt")
    assert result.exit_code == 0, result.stderr
    assert isomorphic(rdflib.Graph().parse(data=result.stdout, format="nt"), files_graph(shared_home, *folders))


def test_default_export_is_pretty_turtle_of_the_graph_with_the_homes_prefixes(shared_home):
    result = export(shared_home)
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    assert text.startswith("@prefix cf: <https://w3id.org/kgtool/conflict#> .\n@prefix cfr: <https://w3id.org/kgtool/id/> .\n")
    assert "\n\ncfr:csto a cf:MilitaryAlliance ;\n" in text  # one block per subject, rdf:type first as 'a'
    assert "    rdfs:label \"CSTO\"@en ;\n" in text
    assert "<https://w3id.org/kgtool/id/" not in text.split("\n\n", 1)[1]  # IRIs shortened in the body
    assert isomorphic(rdflib.Graph().parse(data=text, format="turtle"), files_graph(shared_home, "ontology", "data"))


def test_export_is_the_same_bytes_every_time(shared_home):
    assert export(shared_home).stdout_bytes == export(shared_home).stdout_bytes
    assert export(shared_home, "--format", "json-ld").stdout_bytes == export(shared_home, "--format", "json-ld").stdout_bytes


def test_inferred_adds_the_entailments_to_the_asserted_graph(shared_home):
    plain = rdflib.Graph().parse(data=export(shared_home, "--format", "nt").stdout, format="nt")
    inferred = rdflib.Graph().parse(data=export(shared_home, "--format", "nt", "--inferred").stdout, format="nt")
    has_member = (rdflib.URIRef(CFR + "csto"), rdflib.URIRef(CF + "hasMember"), rdflib.URIRef(CFR + "armenia"))
    assert has_member in inferred and has_member not in plain
    assert len(inferred) > len(plain)
    ground = [t for t in plain if not any(isinstance(term, rdflib.BNode) for term in t)]  # blank nodes differ per parse
    assert all(t in inferred for t in ground)


def test_inferred_leaves_out_owlrl_axioms_about_builtin_terms(shared_home):
    inferred = rdflib.Graph().parse(data=export(shared_home, "--format", "nt", "--inferred").stdout, format="nt")
    plain = rdflib.Graph().parse(data=export(shared_home, "--format", "nt").stdout, format="nt")
    builtin = (str(rdflib.RDF), str(rdflib.RDFS), str(rdflib.OWL), str(rdflib.XSD))
    added = set(inferred) - set(plain)
    assert (rdflib.XSD.integer, rdflib.RDF.type, rdflib.RDFS.Datatype) not in inferred
    assert not [t for t in added if str(t[0]).startswith(builtin)]
    assert not [t for t in added if t[1] == rdflib.OWL.sameAs and t[0] == t[2]]


@pytest.mark.parametrize(
    "filename, rdflib_format",
    [("g.ttl", "turtle"), ("g.nt", "nt"), ("g.nq", "nquads"), ("g.trig", "trig"), ("g.jsonld", "json-ld"), ("g.rdf", "xml"), ("g.owl", "xml")],
)
def test_output_file_takes_the_format_of_its_extension(tiny_home, tmp_path, filename, rdflib_format):
    target = tmp_path / filename
    result = export(tiny_home, "-o", str(target))
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    if rdflib_format in ("nquads", "trig"):
        dataset = rdflib.Dataset()
        dataset.parse(target, format=rdflib_format)
        graph = dataset.default_graph
    else:
        graph = rdflib.Graph().parse(target, format=rdflib_format)
    assert isomorphic(graph, files_graph(tiny_home, "ontology", "data"))


def test_format_option_wins_over_the_extension(tiny_home, tmp_path):
    target = tmp_path / "graph.txt"
    assert export(tiny_home, "--format", "nt", "-o", str(target)).exit_code == 0
    assert len(list(ox.parse(target.read_bytes(), ox.RdfFormat.N_TRIPLES))) == len(files_graph(tiny_home, "ontology", "data"))


# --------------------------------------------------------------------------------------
# JSON-LD: compacted, inline @context from the ontology, readable
# --------------------------------------------------------------------------------------
def test_jsonld_has_an_inline_context_of_prefixes_and_ontology_terms(tiny_home):
    doc = json.loads(export(tiny_home, "--format", "json-ld").stdout)
    context = doc["@context"]
    assert context["ex"] == TINY
    assert context["memberOf"] == {"@id": TINY + "memberOf", "@type": "@id"}  # object property: values are IRIs
    assert context["population"] == TINY + "population"  # datatype property: values keep their datatype
    assert context["State"] == TINY + "State"
    armenia = next(node for node in doc["@graph"] if node["@id"] == "ex:armenia")
    assert armenia == {
        "@id": "ex:armenia",
        "@type": "State",
        "memberOf": "ex:csto",
        "population": {"@value": "3000000", "@type": "xsd:integer"},
        "rdfs:label": {"@value": "Armenia", "@language": "en"},
    }


def test_jsonld_nodes_are_sorted_by_id(shared_home):
    doc = json.loads(export(shared_home, "--format", "json-ld").stdout)
    ids = [node["@id"] for node in doc["@graph"]]
    assert ids == sorted(ids)


def test_jsonld_context_gives_each_ontology_term_a_short_name():
    from kgtool.formats import jsonld_context
    from kgtool.home import resolve
    from kgtool.store import load

    loaded = load(resolve(None))
    context = jsonld_context(loaded.prefixes, loaded.store, loaded.graphs("ontology"))
    assert context["cf"] == CF and context["cfr"] == CFR
    assert context["hasMember"] == {"@id": CF + "hasMember", "@type": "@id"}
    assert context["MilitaryAlliance"] == CF + "MilitaryAlliance"
    assert all(":" not in term and not term.startswith("@") for term in context)


# --------------------------------------------------------------------------------------
# errors
# --------------------------------------------------------------------------------------
def test_unknown_extension_is_an_error_and_writes_nothing(tiny_home, tmp_path):
    target = tmp_path / "graph.foo"
    result = export(tiny_home, "-o", str(target))
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        f"Error: cannot tell the format of '{target}' from its extension; use --format (known: .ttl .nt .nq .trig .jsonld .rdf .owl)\n"
    )
    assert not target.exists()


def test_unknown_format_is_an_error(tiny_home):
    result = export(tiny_home, "--format", "csv")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.startswith("Error: ")
    assert "'csv' is not one of 'turtle', 'nt', 'nq', 'trig', 'json-ld', 'xml'" in result.stderr
    assert result.stderr.count("\n") == 1


def test_inferred_shapes_is_refused(tiny_home):
    result = export(tiny_home, "--part", "shapes", "--inferred")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == "Error: --inferred adds the graph's entailments; it does not apply to --part shapes\n"


def test_unwritable_output_is_an_error(tiny_home, tmp_path):
    target = tmp_path / "no-such-dir" / "graph.ttl"
    result = export(tiny_home, "-o", str(target))
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == f"Error: {target}: cannot write: No such file or directory\n"


def test_export_of_an_empty_home_is_an_error(tmp_path):
    for part in ("ontology", "data"):
        (tmp_path / part).mkdir()
    result = export(tmp_path)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        f"Error: {tmp_path} is not a kgtool home: it has no RDF files in ontology/ or data/ "
        "(.ttl .nt .nq .trig .jsonld .rdf .owl); create one with 'kgtool init DIR'\n"
    )
