"""`kgtool template CLASS`: the skeleton parses as Turtle, names what the home's shapes require, and validates once filled in."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SH

REPO = Path(__file__).resolve().parents[1]
CF = "https://w3id.org/kgtool/conflict#"
CLASSES = ["cf:MilitaryOperation", "cf:Membership", "cf:PostHolding", "cf:CasualtyClaim", "cf:Person", "cf:Quantity"]
# Classes whose required properties are all filled with an entity of the home, a quote, a label or a closed-list
# member: no constraint of the whole instance (SHACL-SPARQL) asks for more.
FILLABLE = ["cf:Membership", "cf:PostHolding", "cf:MilitaryOperation", "cf:Person", "cf:SourceDocument"]


def schema(root: Path) -> tuple[rdflib.Graph, rdflib.Graph]:
    """(ontology + shapes, shapes) of a home, read with rdflib."""
    shapes = rdflib.Graph()
    for f in sorted((root / "shapes").glob("*.ttl")):
        shapes.parse(f, format="turtle")
    both = rdflib.Graph() + shapes
    for f in sorted((root / "ontology").glob("*.ttl")):
        both.parse(f, format="turtle")
    return both, shapes


def required(root: Path, cls: str) -> set[str]:
    """The properties the shapes require of an instance of cls, found here independently: a node shape that targets
    cls or a superclass, a property shape of it with a single-IRI path, sh:minCount >= 1, and no severity but
    sh:Violation."""
    both, shapes = schema(root)
    supers = set(both.transitive_objects(rdflib.URIRef(CF + cls.split(":")[1]), RDFS.subClassOf))
    out = set()
    for shape in {s for s, c in shapes.subject_objects(SH.targetClass) if c in supers}:
        for p in shapes.objects(shape, SH.property):
            path, low = shapes.value(p, SH.path), shapes.value(p, SH.minCount)
            severity = shapes.value(p, SH.severity, default=SH.Violation)
            if isinstance(path, rdflib.URIRef) and low is not None and int(low) >= 1 and severity == SH.Violation:
                out.add(str(path))
    return out


def prefixed(iri: str, graph: rdflib.Graph) -> str:
    return graph.namespace_manager.normalizeUri(rdflib.URIRef(iri))


def parsed(text: str) -> rdflib.Graph:
    return rdflib.Graph().parse(data=text, format="turtle")


def uncommented(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))


def digest(root: Path) -> str:
    h = hashlib.sha256()
    for part in ("ontology", "shapes", "data", "queries"):
        for f in sorted((root / part).rglob("*")):
            if f.is_file():
                h.update(str(f.relative_to(root)).encode() + f.read_bytes())
    return h.hexdigest()


# --------------------------------------------------------------------------------------
# what the template says
# --------------------------------------------------------------------------------------
def test_membership_template_requires_what_the_shapes_file_says(kg):
    # Read by hand from shapes/conflict-shapes.ttl: cf:Membership is a cf:QualifiedRelation, so cfs:LabelShape
    # (rdfs:label) and cfs:FactProvenanceShape (prov:wasDerivedFrom, cf:evidence) apply, with cfs:MembershipShape
    # (cf:member, cf:organisation), each sh:minCount 1 at sh:Violation.
    result = kg("template", "cf:Membership")
    assert result.exit_code == 0, result.stderr
    g = parsed(result.stdout)
    subject = rdflib.URIRef("https://w3id.org/kgtool/id/NEW-ID")
    assert set(g.objects(subject, RDF.type)) == {rdflib.URIRef(CF + "Membership")}
    assert {str(p) for p in g.predicates(subject)} == {
        str(RDF.type),
        str(RDFS.label),
        CF + "member",
        CF + "organisation",
        "http://www.w3.org/ns/prov#wasDerivedFrom",
        CF + "evidence",
    }
    assert result.stdout.startswith("# kgtool template: an instance of cf:Membership (membership)\n")


@pytest.mark.parametrize("cls", CLASSES)
def test_template_parses_and_gives_every_required_property_a_line_to_fill(kg, cls):
    result = kg("template", cls)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    g = parsed(result.stdout)
    subject = rdflib.URIRef("https://w3id.org/kgtool/id/NEW-ID")
    asserted = {str(p) for p in g.predicates(subject)}
    assert required(REPO, cls) <= asserted
    for p, o in g.predicate_objects(subject):
        if p != RDF.type:
            assert "FILL" in str(o), (p, o)  # every uncommented value is a placeholder


@pytest.mark.parametrize("cls", CLASSES)
def test_json_lists_the_required_properties_with_their_cardinality(kg, cls):
    result = kg("template", cls, "--format", "json")
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["class"]["name"] == cls
    listed = {p["iri"]: p for p in out["properties"]}
    for iri in required(REPO, cls):
        assert listed[iri]["level"] == "required" and listed[iri]["severity"] == "Violation" and listed[iri]["min"] >= 1
    for p in out["properties"]:
        assert p["level"] in ("required", "recommended", "optional", "forbidden")
        assert (p["level"] == "forbidden") == (p["max"] == 0)
        assert p["max"] is None or p["max"] >= p["min"]


def test_closed_lists_appear_with_their_members(kg):
    """Every sh:in list of a property shape of a class-targeting shape shows its members, in the Turtle and in the JSON."""
    _, shapes = schema(REPO)
    seen = 0
    for node_shape, target in shapes.subject_objects(SH.targetClass):
        for p in shapes.objects(node_shape, SH.property):
            lst = shapes.value(p, SH["in"])
            if lst is None or not str(target).startswith(CF):
                continue
            members = [prefixed(m, shapes) for m in rdflib.collection.Collection(shapes, lst)]
            cls = "cf:" + str(target)[len(CF):]
            text = kg("template", cls).stdout
            for m in members:
                assert m in text, (cls, m)
            out = json.loads(kg("template", cls, "--format", "json").stdout)
            listed = next(x for x in out["properties"] if x["iri"] == str(shapes.value(p, SH.path)))
            assert [m["value"] for m in listed["closed_list"]] == members
            seen += 1
    assert seen >= 1


def test_quantity_closed_list_shows_labels(kg):
    out = json.loads(kg("template", "cf:Quantity", "--format", "json").stdout)
    qualifier = next(p for p in out["properties"] if p["property"] == "cf:qualifier")
    assert {"value": "cf:MoreThan", "iri": CF + "MoreThan", "label": "more than"} in qualifier["closed_list"]
    assert "cf:MoreThan (more than)" in kg("template", "cf:Quantity").stdout


def test_class_given_as_an_iri_and_subject_given_with_id(kg):
    result = kg("template", f"<{CF}Membership>", "--id", "cfr:armenia-in-csto-2")
    assert result.exit_code == 0, result.stderr
    g = parsed(result.stdout)
    assert (rdflib.URIRef("https://w3id.org/kgtool/id/armenia-in-csto-2"), RDF.type, rdflib.URIRef(CF + "Membership")) in g
    assert kg("template", CF + "Membership").stdout == kg("template", "cf:Membership").stdout


@pytest.mark.parametrize(
    "cls, message",
    [
        ("cf:NoSuchClass", "Error: unknown class cf:NoSuchClass: the home's ontology and shapes declare no such class"),
        ("cf:Persn", "Error: unknown class cf:Persn: the home's ontology and shapes declare no such class (did you mean cf:Person?)"),
        ("nope:Person", "Error: unknown prefix 'nope:' in class 'nope:Person'; the home declares: "),
        ("Person", "Error: class 'Person' is neither a prefixed name (such as cf:Person) nor an IRI"),
    ],
)
def test_unknown_class_exits_2_with_one_line(kg, cls, message):
    result = kg("template", cls)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and result.stderr.startswith(message)


def test_template_leaves_the_home_as_it_was(kg, home):
    before = digest(home)
    assert kg("--home", str(home), "template", "cf:Membership").exit_code == 0
    assert digest(home) == before


# --------------------------------------------------------------------------------------
# a filled-in template validates
# --------------------------------------------------------------------------------------
def instance_of(kg, home: Path, classes: list[str]) -> str:
    """An entity of the home's asserted data that is a SHACL instance of every class (rdf:type/rdfs:subClassOf*)."""
    patterns = " ".join(f"?x a/<{RDFS.subClassOf}>* <{c}> ." for c in classes)
    result = kg("--home", str(home), "query", "--no-reason", "--format", "csv", f"SELECT ?x WHERE {{ {patterns} FILTER isIRI(?x) }} ORDER BY ?x LIMIT 1")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert len(rows) == 2, f"no instance of {classes} in the home"
    return f"<{rows[1][0]}>"


def quote() -> str:
    """A sentence of the source, verbatim."""
    text = (REPO / "data" / "sources" / "source-article.txt").read_text(encoding="utf-8")
    sentence = next(line for line in text.splitlines() if line.startswith("Armenia claims"))
    return '"' + sentence.replace("\\", "\\\\").replace('"', '\\"') + '"'


SAMPLES = {"xsd:gYear": '"2023"^^xsd:gYear', "xsd:date": '"2023-09-23"^^xsd:date', "xsd:gYearMonth": '"2023-09"^^xsd:gYearMonth', "xsd:integer": "3"}


def filled(kg, home: Path, cls: str) -> str:
    """The template of cls with every FILL placeholder of its uncommented lines replaced by a fitting value,
    and the first alternative of each sh:or / sh:xone that must hold written in."""
    text = kg("--home", str(home), "template", cls).stdout
    out = json.loads(kg("--home", str(home), "template", cls, "--format", "json").stdout)
    spec = {p["property"]: p for p in out["properties"]}
    chosen = [c["options"][0] for c in out["checks"] if c["severity"] == "Violation" and c["options"]]
    spec.update({p["property"]: p for option in chosen for p in option})
    added = [f"    {p['property']} {p['placeholder']} ;" for option in chosen for p in option]
    assert text.endswith("\n    .\n")
    lines = []
    for line in text[: -len("    .\n")].splitlines() + added + ["    ."]:
        if "FILL" in line and not line.lstrip().startswith("#"):
            path, placeholder = line.split(None, 1)
            p = spec[path]
            assert placeholder.rstrip(" ;") == p["placeholder"]
            if p["closed_list"]:
                value = p["closed_list"][0]["value"]
            elif p["classes"]:
                value = instance_of(kg, home, [c["iri"] for c in p["classes"]])
            elif p["languages"]:
                value = f'"A test {cls}"@{p["languages"][0]}'
            elif "verbatim" in placeholder:
                value = quote()
            elif p["datatypes"] and p["datatypes"][0] in SAMPLES:
                value = SAMPLES[p["datatypes"][0]]
            elif p["placeholder"].startswith('"FILL: '):  # text, in the language the placeholder shows
                value = re.sub(r'^"FILL: [^"]*"', f'"A test {cls}"', p["placeholder"])
            elif p["placeholder"].startswith("cfr:FILL-"):
                value = "cfr:filled-" + p["placeholder"][len("cfr:FILL-") :]  # a resource of no given class
            else:
                pytest.fail(f"no generic value for {line}")
            line = line.replace(p["placeholder"], value)
        lines.append(line)
    out = "\n".join(lines) + "\n"
    assert "FILL" not in uncommented(out)
    return out


@pytest.mark.parametrize("cls", FILLABLE)
def test_filled_in_template_validates_on_a_fresh_home(kg, home, tmp_path, cls):
    submission = tmp_path / "new.ttl"
    submission.write_text(filled(kg, home, cls), encoding="utf-8")
    result = kg("--home", str(home), "validate", str(submission))
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "Violation:" not in result.stdout and ": 0 violation(s)" in result.stdout


def test_unfilled_template_does_not_validate(kg, home, tmp_path):
    """The placeholders are not values: left as they are, the submission names no entity of the home."""
    submission = tmp_path / "new.ttl"
    submission.write_text(kg("--home", str(home), "template", "cf:Membership").stdout, encoding="utf-8")
    assert kg("--home", str(home), "validate", str(submission)).exit_code == 1


# --------------------------------------------------------------------------------------
# how shapes become a template: a home written for it
# --------------------------------------------------------------------------------------
ONTOLOGY = """\
@prefix ex: <http://example.org/ns#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
ex:Thing a owl:Class ; rdfs:label "thing"@en .
ex:Widget a owl:Class ; rdfs:subClassOf ex:Thing ; rdfs:label "widget"@en ; skos:definition "A small device."@en .
ex:Red rdfs:label "red"@en .
ex:Blue rdfs:label "blue"@en .
ex:partner rdfs:domain ex:Thing ; rdfs:range ex:Thing ; rdfs:label "partner"@en .
"""
SHAPES = """\
@prefix ex: <http://example.org/ns#> .
@prefix exs: <http://example.org/shapes#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
exs:ThingShape a sh:NodeShape ; sh:targetClass ex:Thing ;
    sh:property [ sh:path ex:name ; sh:minCount 1 ; sh:maxCount 1 ; sh:datatype rdf:langString ; sh:pattern "^[A-Z]" ;
                  sh:message "A thing needs one name."@en ] ;
    sh:property [ sh:path ex:secret ; sh:maxCount 0 ; sh:message "Keep it."@en ] ;
    sh:node exs:Colored ;
    sh:or ( [ sh:path ex:size ; sh:minCount 1 ] [ sh:path ex:weight ; sh:minCount 1 ] ) .
exs:Colored a sh:NodeShape ;
    sh:property [ sh:path ex:color ; sh:minCount 1 ; sh:severity sh:Warning ; sh:in ( ex:Red ex:Blue ) ] .
ex:Widget a sh:NodeShape , rdfs:Class ;
    sh:nodeKind sh:IRI ;
    sh:and ( [ sh:property [ sh:path ex:made ; sh:minCount 1 ; sh:datatype xsd:gYear ] ] ) ;
    sh:property [ sh:path ex:maker ; sh:class ex:Thing ; sh:severity sh:Warning ; sh:minCount 1 ] ,
        [ sh:path ex:old ; sh:minCount 1 ; sh:deactivated true ] ,
        [ sh:path [ sh:inversePath ex:part ] ; sh:maxCount 2 ] .
exs:NoteShape a sh:NodeShape ; sh:targetSubjectsOf ex:name ;
    sh:property [ sh:path ex:name ; sh:languageIn ( "en" ) ] .
"""


@pytest.fixture
def widget_home(tmp_path) -> Path:
    root = tmp_path / "widgets"
    for part, text in (("ontology", ONTOLOGY), ("shapes", SHAPES), ("data", "<http://example.org/w1> a <http://example.org/ns#Widget> .\n")):
        (root / part).mkdir(parents=True)
        (root / part / f"{part}.ttl").write_text(text, encoding="utf-8")
    return root


def test_template_follows_superclasses_implicit_targets_node_and_and(kg, widget_home):
    result = kg("--home", str(widget_home), "template", "ex:Widget", "--format", "json")
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["class"] | {"superclasses": None} == {
        "iri": "http://example.org/ns#Widget",
        "name": "ex:Widget",
        "label": "widget",
        "definition": "A small device.",
        "superclasses": None,
    }
    assert out["class"]["superclasses"] == ["ex:Thing"]
    assert out["shapes"] == ["exs:ThingShape", "exs:Colored", "ex:Widget", "exs:NoteShape"]
    table = {p["property"]: (p["level"], p["severity"], p["min"], p["max"]) for p in out["properties"]}
    assert table == {
        "ex:name": ("required", "Violation", 1, 1),
        "ex:made": ("required", "Violation", 1, None),  # sh:and: a failure is the Widget shape's, a violation
        "ex:color": ("required", "Violation", 1, None),  # sh:node: reported by ThingShape, a violation
        "ex:maker": ("recommended", "Warning", 1, None),
        "^ex:part": ("optional", None, 0, 2),
        "ex:secret": ("forbidden", None, 0, 0),
        "ex:partner": ("optional", None, 0, None),  # no shape names it; the ontology gives it the domain ex:Thing
    }
    name = next(p for p in out["properties"] if p["property"] == "ex:name")
    assert name["datatypes"] == ["rdf:langString"] and name["patterns"] == ["^[A-Z]"] and name["languages"] == ["en"]
    assert name["messages"] == ["A thing needs one name."] and name["placeholder"] == '"FILL: name"@en'
    color = next(p for p in out["properties"] if p["property"] == "ex:color")
    assert color["closed_list"] == [
        {"value": "ex:Red", "iri": "http://example.org/ns#Red", "label": "red"},
        {"value": "ex:Blue", "iri": "http://example.org/ns#Blue", "label": "blue"},
    ]
    check, itself = out["checks"]
    assert {k: itself[k] for k in ("kind", "severity", "message", "shape")} == {
        "kind": "constraint",
        "severity": "Violation",
        "message": "the instance itself: sh:nodeKind sh:IRI",
        "shape": "ex:Widget",
    }
    assert {k: check[k] for k in ("kind", "severity", "message", "shape", "alternatives")} == {
        "kind": "or",
        "severity": "Violation",
        "message": "at least one of these must hold",
        "shape": "exs:ThingShape",
        "alternatives": ["ex:size, at least 1", "ex:weight, at least 1"],
    }
    assert [[(p["property"], p["placeholder"]) for p in option] for option in check["options"]] == [
        [("ex:size", "cfr:FILL-size")],
        [("ex:weight", "cfr:FILL-weight")],
    ]


def test_template_of_a_home_written_for_it_parses_and_comments_the_rest(kg, widget_home):
    result = kg("--home", str(widget_home), "template", "ex:Widget", "--id", "<http://example.org/w2>")
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    g = parsed(text)
    w2 = rdflib.URIRef("http://example.org/w2")
    ns = "http://example.org/ns#"
    assert {str(p) for p in g.predicates(w2)} == {str(RDF.type), ns + "name", ns + "made", ns + "color"}
    assert '    ex:made "FILL: YYYY"^^xsd:gYear ;' in text
    assert "    # ex:maker cfr:FILL-maker ;" in text
    assert "#   ex:Red (red), ex:Blue (blue)" in text
    assert "#   - ex:size, at least 1\n    # ex:size cfr:FILL-size ;\n" in text
    assert "ex:old" not in text  # deactivated
    assert re.search(r"# \^ex:part: optional; at most 2", text)
    assert "    # ex:secret: forbidden\n    #   Keep it.\n" in text and "ex:secret cfr:" not in text
    assert "    # ex:partner cfr:FILL-partner ;" in text


def test_filled_in_template_of_a_home_written_for_it_validates(kg, widget_home, tmp_path):
    submission = tmp_path / "widget.ttl"
    submission.write_text(filled(kg, widget_home, "ex:Widget"), encoding="utf-8")
    result = kg("--home", str(widget_home), "validate", str(submission))
    assert result.exit_code == 0, result.stdout + result.stderr


def test_every_class_of_the_ontology_has_a_template_that_parses(kg):
    both, _ = schema(REPO)
    classes = sorted({c for c in both.subjects(RDF.type, OWL.Class) if isinstance(c, rdflib.URIRef)})
    assert len(classes) > 20
    for c in classes:
        result = kg("template", f"<{c}>")
        assert result.exit_code == 0, (c, result.stderr)
        g = parsed(result.stdout)
        assert (None, RDF.type, c) in g
