"""`kgtool stats`: the figures it prints are the home's, counted here independently with rdflib (entailments by owlrl, pySHACL's verdict)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pyshacl
import pytest
import rdflib
from rdflib.namespace import RDF, SH

import owlrl_oracle

REPO = Path(__file__).resolve().parents[1]


def graph(files) -> rdflib.Graph:
    g = rdflib.Graph()
    for f in files:
        g.parse(f, format="turtle")
    return g


def expected(root: Path) -> dict:
    """The figures of the home at `root`, counted with rdflib; the entailments are owlrl's (tests/owlrl_oracle.py)."""
    ontology, data, inferred = owlrl_oracle.entailments(root)
    shapes = graph(sorted((root / "shapes").glob("*.ttl")))
    typed = data + inferred
    classes = Counter(str(c) for _, c in typed.subject_objects(RDF.type) if isinstance(c, rdflib.URIRef))
    properties = Counter(str(p) for _, p, _ in data)
    property_shapes = set(shapes.subjects(RDF.type, SH.PropertyShape)) | set(shapes.objects(None, SH.property))
    return {
        "files": {
            "ontology": len(list((root / "ontology").glob("*.ttl"))),
            "data": len(list((root / "data").rglob("*.ttl"))),
            "shapes": len(list((root / "shapes").glob("*.ttl"))),
            "queries": len(list((root / "queries").glob("*.rq"))),
        },
        "triples": {"ontology": len(ontology), "data": len(data), "inferred": len(inferred), "shapes": len(shapes)},
        "classes": sorted(classes.items(), key=lambda kv: (-kv[1], kv[0])),
        "properties": sorted(properties.items(), key=lambda kv: (-kv[1], kv[0])),
        "shapes": {"NodeShape": len(set(shapes.subjects(RDF.type, SH.NodeShape))), "PropertyShape": len(property_shapes)},
    }


def shacl_counts(root: Path) -> tuple[bool, dict[str, int]]:
    data = graph(sorted((root / "ontology").glob("*.ttl")) + sorted((root / "data").rglob("*.ttl")))
    shapes = graph(sorted((root / "shapes").glob("*.ttl")))
    conforms, report, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True, allow_infos=True)
    severities = Counter(str(s).rsplit("#", 1)[-1] for s in report.objects(None, SH.resultSeverity))
    return conforms, {k: severities.get(k, 0) for k in ("Violation", "Warning", "Info")}


@pytest.fixture(params=["bundled", "tiny"])
def case(request, tiny_home):
    if request.param == "bundled":
        return REPO, []
    return tiny_home, ["--home", str(tiny_home)]


def test_stats_json_gives_the_home_figures(kg, case):
    root, args = case
    result = kg(*args, "stats", "--format", "json")
    assert result.exit_code == 0, result.stderr
    got = json.loads(result.stdout)
    want = expected(root)
    assert got["files"] == want["files"]
    assert got["triples"] == want["triples"]
    assert [tuple(x) for x in got["classes"]] == want["classes"]
    assert [tuple(x) for x in got["properties"]] == want["properties"]
    assert got["shapes"] == want["shapes"]
    assert got["bundled"] is (root == REPO)
    conforms, counts = shacl_counts(root)
    assert (got["conforms"], got["validation"]) == (conforms, counts)


def test_stats_text_prints_the_same_figures(kg, case):
    root, args = case
    result = kg(*args, "stats")
    assert result.exit_code == 0, result.stderr
    want = expected(root)
    t, f, sh = want["triples"], want["files"], want["shapes"]
    conforms, v = shacl_counts(root)
    lines = result.stdout.splitlines()
    assert lines[0] == (f"home: (bundled) {REPO}" if root == REPO else f"home: {root}")
    assert lines[1:5] == [
        f"triples: {t['ontology'] + t['data']} asserted ({t['ontology']} ontology, {t['data']} data), {t['inferred']} inferred, {t['shapes']} in shapes",
        f"files: {f['ontology']} ontology, {f['data']} data, {f['shapes']} shapes, {f['queries']} queries",
        f"shapes: {sh['NodeShape']} node shapes, {sh['PropertyShape']} property shapes",
        f"conforms: {'yes' if conforms else 'no'} ({v['Violation']} violations, {v['Warning']} warnings, {v['Info']} info)",
    ]


def test_stats_of_the_tiny_home_is_exactly_this(kg, tiny_home):
    result = kg("--home", str(tiny_home), "stats")
    assert result.exit_code == 0
    assert result.stdout == (
        f"home: {tiny_home}\n"
        "triples: 20 asserted (14 ontology, 6 data), 2 inferred, 15 in shapes\n"
        "files: 1 ontology, 1 data, 1 shapes, 1 queries\n"
        "shapes: 1 node shapes, 3 property shapes\n"
        "conforms: yes (0 violations, 0 warnings, 0 info)\n"
        "instances per class (with entailments):\n"
        "       1  ex:Alliance\n"
        "       1  ex:Polity\n"
        "       1  ex:State\n"
        "uses per property (asserted data):\n"
        "       2  rdf:type\n"
        "       2  rdfs:label\n"
        "       1  ex:memberOf\n"
        "       1  ex:population\n"
    )


def test_stats_counts_the_named_graphs_of_trig_data_apart(kg, tiny_home):
    (tiny_home / "data" / "graphs.trig").write_text(
        "@prefix ex: <http://example.org/> .\n"
        "GRAPH ex:g1 { ex:c ex:p ex:d . ex:c ex:p ex:e . }\n"
        "GRAPH ex:g2 { ex:f ex:p ex:g . }\n",
        encoding="utf-8",
    )
    result = kg("--home", str(tiny_home), "stats", "--no-check")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    # The default graph is the tiny home's own (20 asserted); the three triples sit in two named graphs.
    assert lines[1:4] == [
        "triples: 20 asserted (14 ontology, 6 data), 2 inferred, 15 in shapes",
        "named graphs: 2 in the data, 3 triples (asserted only, not in the default graph)",
        "files: 1 ontology, 2 data, 1 shapes, 1 queries",
    ]
    figures = json.loads(kg("--home", str(tiny_home), "stats", "--format", "json", "--no-check").stdout)
    assert figures["named_graphs"] == {"graphs": 2, "triples": 3}
