"""`kgtool query`: where the query comes from, formats, --param, reasoning, ASK, -o, and every error path."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

import owlrl_oracle

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:rdflib")  # rdflib's own parsers

REPO = Path(__file__).resolve().parents[1]
CF = "https://w3id.org/kgtool/conflict#"
CFR = "https://w3id.org/kgtool/id/"
TINY = "http://example.org/tiny#"
MEMBERS = "SELECT ?alliance ?member WHERE { ?alliance ex:hasMember ?member } ORDER BY ?alliance ?member"
MEMBERS_CSV = f"alliance,member\r\n{TINY}csto,{TINY}armenia\r\n"


# --------------------------------------------------------------------------------------
# where the query comes from
# --------------------------------------------------------------------------------------
def test_named_query_prints_an_aligned_table_with_prefixed_names(kg):
    result = kg("query", "-n", "csto-members")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "+-------------+--------------+------------+-------------+\n"
        "| member      | memberLabel  | leader     | leaderLabel |\n"
        "+=============+==============+============+=============+\n"
        '| cfr:armenia | "Armenia"@en | cfr:russia | "Russia"@en |\n'
        "+-------------+--------------+------------+-------------+\n"
    )
    assert result.stderr == ""


@pytest.mark.parametrize(
    "how",
    ["argument", "-f FILE", "-f -", "- (stdin)", "piped, no argument", "-n NAME"],
)
def test_query_is_read_from_every_source(kg, tiny_home, tmp_path, how):
    text = f"PREFIX ex: <{TINY}>\n{MEMBERS}\n"
    query_file = tmp_path / "members.rq"
    query_file.write_text(text)
    args, stdin = {
        "argument": ([text], None),
        "-f FILE": (["-f", str(query_file)], None),
        "-f -": (["-f", "-"], text),
        "- (stdin)": (["-"], text),
        "piped, no argument": ([], text),
        "-n NAME": (["-n", "members"], None),  # tiny_home/queries/members.rq
    }[how]
    result = kg("--home", str(tiny_home), "query", *args, "--format", "csv", input=stdin)
    assert result.exit_code == 0, result.stderr
    assert result.stdout_bytes == MEMBERS_CSV.encode()  # CSV rows end with CRLF (RFC 4180)


def test_list_shows_each_named_query_with_its_question(kg, tiny_home):
    result = kg("--home", str(tiny_home), "query", "--list")
    assert result.exit_code == 0
    assert result.stdout == "members  Which alliance has which members?\n"


def test_list_of_the_bundled_home_names_every_query_file_with_a_question(kg):
    from kgtool.home import resolve

    names = resolve(None).query_files()
    lines = kg("query", "--list").stdout.splitlines()
    assert [line.split()[0] for line in lines] == list(names)
    width = max(len(n) for n in names)
    assert "csto-members".ljust(width) + "  Which states are members of the CSTO, and which state leads it?" in lines
    assert all(len(line) > width + 2 for line in lines)  # every one has its question


def test_query_given_twice_is_a_usage_error(kg, tiny_home):
    result = kg("--home", str(tiny_home), "query", "ASK {}", "-n", "members")
    assert result.exit_code == 2
    assert result.stderr == "Error: give the query once: as an argument, with -f FILE or with -n NAME\n"


# --------------------------------------------------------------------------------------
# reasoning
# --------------------------------------------------------------------------------------
def test_entailment_appears_only_with_reasoning(kg):
    reasoned = kg("query", "-n", "csto-members", "--format", "csv")
    asserted = kg("query", "-n", "csto-members", "--format", "csv", "--no-reason")
    assert reasoned.stdout_bytes == f"member,memberLabel,leader,leaderLabel\r\n{CFR}armenia,Armenia,{CFR}russia,Russia\r\n".encode()
    assert asserted.stdout_bytes == b"member,memberLabel,leader,leaderLabel\r\n"  # cf:hasMember is only entailed
    assert (reasoned.exit_code, asserted.exit_code) == (0, 0)


@pytest.mark.parametrize(
    "ask",
    [
        "ASK { xsd:integer a rdfs:Datatype }",
        "ASK { ?x owl:sameAs ?x }",
        "ASK { ?x rdfs:subClassOf ?x }",
        "ASK { cfr:armenia a owl:Thing }",
        "ASK { rdf:type a rdf:Property }",
    ],
)
def test_reasoning_adds_no_axiomatic_noise(kg, ask):
    result = kg("query", ask)
    assert (result.exit_code, result.stdout) == (1, "false\n")


def test_reasoning_adds_nothing_about_the_builtin_vocabularies(kg):
    count = (
        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o FILTER(isIRI(?s) && (STRSTARTS(STR(?s), STR(rdf:)) || "
        "STRSTARTS(STR(?s), STR(rdfs:)) || STRSTARTS(STR(?s), STR(owl:)) || STRSTARTS(STR(?s), STR(xsd:)))) }"
    )
    reasoned = kg("query", count, "--format", "csv")
    asserted = kg("query", count, "--format", "csv", "--no-reason")
    assert reasoned.stdout == asserted.stdout


# --------------------------------------------------------------------------------------
# ASK
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "ask, code, text",
    [
        ("ASK { cfr:csto cf:hasMember cfr:armenia }", 0, "true\n"),
        ("ASK { cfr:csto cf:hasMember cfr:russia }", 1, "false\n"),
    ],
)
def test_ask_prints_true_or_false_and_exits_0_or_1(kg, ask, code, text):
    result = kg("query", ask)
    assert (result.exit_code, result.stdout, result.stderr) == (code, text, "")


def test_ask_in_sparql_json_keeps_the_exit_code(kg):
    result = kg("query", "ASK { cfr:csto cf:hasMember cfr:russia }", "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.stdout) == {"head": {}, "boolean": False}


# --------------------------------------------------------------------------------------
# --param
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("fact", ["membership-armenia-csto", "nikol-pashinyan"])
def test_one_named_query_answers_several_questions_with_param(kg, fact):
    result = kg("query", "-n", "source-of-fact", "--param", f"fact=cfr:{fact}", "--format", "json")
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)["results"]["bindings"]
    assert rows, "the fact has evidence"
    assert {row["fact"]["value"] for row in rows} == {CFR + fact}
    assert {row["source"]["value"] for row in rows} == {CFR + "source-article"}


def test_unbound_named_query_lists_every_fact(kg):
    result = kg("query", "-n", "source-of-fact", "--format", "json")
    facts = {row["fact"]["value"] for row in json.loads(result.stdout)["results"]["bindings"]}
    assert {CFR + "membership-armenia-csto", CFR + "nikol-pashinyan"} <= facts


XSD = "http://www.w3.org/2001/XMLSchema#"


@pytest.mark.parametrize(
    "value, binding",
    [
        ("cfr:armenia", {"type": "uri", "value": CFR + "armenia"}),
        ("<http://example.org/x>", {"type": "uri", "value": "http://example.org/x"}),
        ('"Armenia"@en', {"type": "literal", "value": "Armenia", "xml:lang": "en"}),
        ('"5"^^xsd:integer', {"type": "literal", "value": "5", "datatype": XSD + "integer"}),
        ('"2023-09-19"^^xsd:date', {"type": "literal", "value": "2023-09-19", "datatype": XSD + "date"}),
        ("42", {"type": "literal", "value": "42", "datatype": XSD + "integer"}),
        ("true", {"type": "literal", "value": "true", "datatype": XSD + "boolean"}),
        ('"text"', {"type": "literal", "value": "text"}),
        ("just words", {"type": "literal", "value": "just words"}),
    ],
)
def test_param_value_is_a_turtle_term_or_else_a_plain_string(kg, value, binding):
    result = kg("query", "SELECT ?x WHERE {}", "--param", f"x={value}", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["results"]["bindings"] == [{"x": binding}]


def test_param_binds_a_variable_inside_the_pattern(kg):
    result = kg("query", "SELECT ?s ?l WHERE { ?s rdfs:label ?l }", "--param", 'l="CSTO"@en', "--format", "csv")
    assert result.stdout_bytes == f"s,l\r\n{CFR}csto,CSTO\r\n".encode()


@pytest.mark.parametrize(
    "query, param, message",
    [
        ("SELECT ?x WHERE {}", "y=1", "Error: --param y: the query has no variable ?y\n"),
        ("SELECT ?x WHERE {}", "nonsense", "Error: --param 'nonsense' is not VAR=VALUE (for example --param state=cfr:armenia)\n"),
        (
            "SELECT ?s WHERE { BIND(1 AS ?l) }",
            "l=2",
            "Error: --param l: the query sets ?l itself (AS ?l); it cannot also be given with --param\n",
        ),
        (
            "SELECT ?s WHERE { VALUES (?s ?l) { (1 2) } }",
            "l=2",
            "Error: --param l: the query sets ?l itself (VALUES ?l); it cannot also be given with --param\n",
        ),
    ],
)
def test_bad_param_is_an_error_on_one_line(kg, query, param, message):
    result = kg("query", query, "--param", param)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", message)


# A parameter binds its variable wherever it occurs, as Jena's ParameterizedSparqlString and
# Stardog's bindings do: the answers below are what the query gives with the term written in.
@pytest.mark.parametrize(
    "query, expected",
    [
        # not projected: the issue's own example
        ("SELECT ?l WHERE { ?x rdfs:label ?l }", ["CSTO"]),
        # inside BIND, which pyoxigraph's substitutions never reached
        ("SELECT ?l WHERE { BIND(?x AS ?y) ?y rdfs:label ?l }", ["CSTO"]),
        # inside a subquery that does not project it
        ("SELECT ?l WHERE { { SELECT ?l WHERE { ?x rdfs:label ?l } } }", ["CSTO"]),
        # inside a FILTER of a nested group, evaluated before any join
        ("SELECT ?l WHERE { { ?s rdfs:label ?l FILTER(?s = ?x) } }", ["CSTO"]),
        # projected, and in ORDER BY / GROUP BY
        ("SELECT ?x (COUNT(?l) AS ?n) WHERE { ?x rdfs:label ?l } GROUP BY ?x ORDER BY ?x", [f"{CFR}csto", "1"]),
        # MINUS must still share the variable with what it is compared with
        ("SELECT ?l WHERE { ?x rdfs:label ?l MINUS { ?x a cf:Alliance } }", []),
    ],
)
def test_param_binds_the_variable_wherever_it_occurs(kg, query, expected):
    result = kg("query", f"PREFIX cf: <{CF}> {query}", "--param", "x=cfr:csto", "--format", "json")
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)["results"]["bindings"]
    assert [b["value"] for row in rows for b in row.values()] == expected


def test_param_binds_the_subject_of_a_construct(kg):
    result = kg("query", "CONSTRUCT { ?x <urn:seen> true } WHERE { ?x rdfs:label ?l }", "--param", "x=cfr:csto", "--format", "nt")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f'<{CFR}csto> <urn:seen> "true"^^<{XSD}boolean> .\n'


# --------------------------------------------------------------------------------------
# results follow the SPARQL spec where Oxigraph does not
# --------------------------------------------------------------------------------------
def test_group_concat_of_language_tagged_literals_is_a_simple_literal(kg):
    # SPARQL 1.1 §18.5.1.7; W3C agg-groupconcat-04. Oxigraph alone keeps the shared tag.
    query = 'SELECT (GROUP_CONCAT(?l; SEPARATOR="|") AS ?c) WHERE { VALUES ?l { "a"@en "b"@en } }'
    result = kg("query", query, "--format", "json")
    assert json.loads(result.stdout)["results"]["bindings"] == [{"c": {"type": "literal", "value": "a|b"}}]


def test_xml_results_keep_a_carriage_return(kg):
    from xml.dom import minidom

    result = kg("query", 'SELECT ?x WHERE { BIND("a\\r\\nb" AS ?x) }', "--format", "xml")
    assert result.exit_code == 0, result.stderr
    assert b"\r" not in result.stdout_bytes
    literal = minidom.parseString(result.stdout_bytes).getElementsByTagName("literal")[0]
    assert literal.firstChild.data == "a\r\nb"


def test_relative_iris_in_a_query_file_resolve_against_its_location(kg, tmp_path):
    query = tmp_path / "q.rq"
    query.write_text("SELECT ?x WHERE { BIND(<other.ttl#it> AS ?x) }", encoding="utf-8")
    result = kg("query", "-f", str(query), "--format", "csv")
    assert result.exit_code == 0, result.stderr
    assert result.stdout_bytes == f"x\r\n{tmp_path.resolve().as_uri()}/other.ttl#it\r\n".encode()


def test_relative_iris_in_a_query_argument_resolve_against_the_working_directory(kg, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = kg("query", "SELECT ?x WHERE { BIND(<x> AS ?x) }", "--format", "csv")
    assert result.exit_code == 0, result.stderr
    assert result.stdout_bytes == f"x\r\n{tmp_path.resolve().as_uri()}/x\r\n".encode()


def test_a_base_declared_by_the_query_wins(kg):
    result = kg("query", "BASE <http://example.org/a/> SELECT ?x WHERE { BIND(<b> AS ?x) }", "--format", "csv")
    assert result.stdout_bytes == b"x\r\nhttp://example.org/a/b\r\n"


# --------------------------------------------------------------------------------------
# graph results: CONSTRUCT and DESCRIBE in every graph format
# --------------------------------------------------------------------------------------
GRAPH_FORMATS = [
    ("turtle", "turtle", ox.RdfFormat.TURTLE),
    ("nt", "nt", ox.RdfFormat.N_TRIPLES),
    ("nq", "nquads", ox.RdfFormat.N_QUADS),
    ("trig", "trig", ox.RdfFormat.TRIG),
    ("json-ld", "json-ld", ox.RdfFormat.JSON_LD),
    ("xml", "xml", ox.RdfFormat.RDF_XML),
]
CONSTRUCT = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o FILTER(?s IN (cfr:csto, cfr:armenia)) }"


def _rdflib(data: str, name: str) -> rdflib.Graph:
    if name in ("nquads", "trig"):
        dataset = rdflib.Dataset()
        dataset.parse(data=data, format=name)
        return dataset.default_graph
    return rdflib.Graph().parse(data=data, format=name)


@pytest.fixture(scope="module")
def expected_construct() -> rdflib.Graph:
    """What the CONSTRUCT returns: the triples about cfr:csto and cfr:armenia in the home's files and in owlrl's entailments of them."""
    ontology, data, inferred = owlrl_oracle.entailments(REPO)
    subjects = (rdflib.URIRef(CFR + "csto"), rdflib.URIRef(CFR + "armenia"))
    expected = rdflib.Graph()
    for g in (ontology, data, inferred):
        for s in subjects:
            for t in g.triples((s, None, None)):
                expected.add(t)
    return expected


@pytest.mark.parametrize("name, rdflib_name, ox_format", GRAPH_FORMATS, ids=[f[0] for f in GRAPH_FORMATS])
def test_construct_writes_every_graph_format(kg, expected_construct, name, rdflib_name, ox_format):
    result = kg("query", CONSTRUCT, "--format", name)
    assert result.exit_code == 0, result.stderr
    assert isomorphic(_rdflib(result.stdout, rdflib_name), expected_construct)
    assert len(list(ox.parse(result.stdout.encode(), ox_format))) == len(expected_construct)
    entailed = (rdflib.URIRef(CFR + "csto"), rdflib.URIRef(CF + "hasMember"), rdflib.URIRef(CFR + "armenia"))
    assert entailed in expected_construct  # the answer includes the entailments


def test_construct_defaults_to_turtle_with_the_homes_prefixes(kg):
    result = kg("query", "CONSTRUCT { cfr:csto rdfs:label ?l } WHERE { cfr:csto rdfs:label ?l }")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("@prefix cf: <https://w3id.org/kgtool/conflict#> .\n@prefix cfr: <https://w3id.org/kgtool/id/> .\n")
    assert result.stdout.endswith('@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n\ncfr:csto rdfs:label "CSTO"@en .\n')


@pytest.mark.parametrize("name, rdflib_name, ox_format", GRAPH_FORMATS, ids=[f[0] for f in GRAPH_FORMATS])
def test_describe_writes_every_graph_format(kg, name, rdflib_name, ox_format):
    result = kg("query", "DESCRIBE cfr:csto", "--format", name)
    assert result.exit_code == 0, result.stderr
    graph = _rdflib(result.stdout, rdflib_name)
    csto = rdflib.URIRef(CFR + "csto")
    assert (csto, rdflib.RDFS.label, rdflib.Literal("CSTO", lang="en")) in graph
    assert (csto, rdflib.URIRef(CF + "ledBy"), rdflib.URIRef(CFR + "russia")) in graph
    assert set(graph.subjects()) == {csto}


def test_jsonld_of_a_construct_uses_the_ontology_terms(kg):
    result = kg("query", "CONSTRUCT { cfr:armenia cf:memberOf ?o } WHERE { cfr:armenia cf:memberOf ?o }", "--format", "json-ld")
    doc = json.loads(result.stdout)
    assert doc["@context"]["memberOf"] == {"@id": CF + "memberOf", "@type": "@id"}
    assert doc["@graph"] == [{"@id": "cfr:armenia", "memberOf": "cfr:csto"}]


# --------------------------------------------------------------------------------------
# -o FILE
# --------------------------------------------------------------------------------------
def test_output_file_gets_the_answer_and_stdout_stays_empty(kg, tiny_home, tmp_path):
    target = tmp_path / "members.csv"
    result = kg("--home", str(tiny_home), "query", "-n", "members", "-o", str(target))
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    assert target.read_bytes() == MEMBERS_CSV.encode()  # the format comes from the extension


def test_output_file_of_a_construct_takes_the_format_of_its_extension(kg, tmp_path):
    target = tmp_path / "csto.jsonld"
    result = kg("query", "DESCRIBE cfr:csto", "-o", str(target))
    assert result.exit_code == 0, result.stderr
    assert [node["@id"] for node in json.loads(target.read_text())["@graph"]] == ["cfr:csto"]


def test_output_file_whose_extension_does_not_fit_the_query_is_refused(kg, tmp_path):
    target = tmp_path / "answer.ttl"
    result = kg("query", "SELECT ?s WHERE { ?s a cf:SovereignState }", "-o", str(target))
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: -o {target}: a '.ttl' file does not fit a SELECT query; use --format (one of: table, csv, tsv, json, xml, md)\n"
    )
    assert not target.exists()


# --------------------------------------------------------------------------------------
# errors: one line, exit 2, nothing on stdout
# --------------------------------------------------------------------------------------
RESULTS = "table, csv, tsv, json, xml, md"
GRAPHS = "turtle, nt, nq, trig, json-ld, xml"


@pytest.mark.parametrize(
    "query, fmt, message",
    [
        ("SELECT ?s WHERE { ?s ?p ?o }", "turtle", f"Error: --format turtle does not fit a SELECT query; use one of: {RESULTS}\n"),
        ("ASK { ?s ?p ?o }", "nt", f"Error: --format nt does not fit an ASK query; use one of: {RESULTS}\n"),
        ("CONSTRUCT WHERE { ?s ?p ?o }", "csv", f"Error: --format csv does not fit a CONSTRUCT or DESCRIBE query; use one of: {GRAPHS}\n"),
        ("DESCRIBE cfr:csto", "json", f"Error: --format json does not fit a CONSTRUCT or DESCRIBE query; use one of: {GRAPHS}\n"),
        ("DESCRIBE cfr:csto", "md", f"Error: --format md does not fit a CONSTRUCT or DESCRIBE query; use one of: {GRAPHS}\n"),
    ],
)
def test_format_that_does_not_fit_the_query_kind_is_an_error(kg, query, fmt, message):
    result = kg("query", query, "--format", fmt)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", message)


def test_unknown_format_is_an_error(kg):
    result = kg("query", "ASK {}", "--format", "yaml")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == f"Error: unknown format 'yaml' (known: {RESULTS}, turtle, nt, nq, trig, json-ld)\n"


def test_missing_query_file_is_an_error(kg, tmp_path):
    missing = tmp_path / "nope.rq"
    result = kg("query", "-f", str(missing))
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", f"Error: {missing}: no such file\n")


def test_unknown_named_query_is_an_error(kg, tiny_home):
    result = kg("--home", str(tiny_home), "query", "-n", "nope")
    assert result.exit_code == 2
    assert result.stderr == "Error: no named query 'nope' in the home (known: members); see kgtool query --list\n"


BAD = "PREFIX ex: <http://example.org/>\nSELECT ?s\nWHERE { ?s ?p }\n"  # the error is on line 3


@pytest.mark.parametrize("how", ["argument", "-f FILE", "-n NAME", "stdin"])
def test_bad_sparql_names_the_source_and_line(kg, home, tmp_path, how):
    (home / "queries" / "bad.rq").write_text(BAD)
    (tmp_path / "bad.rq").write_text(BAD)
    args, stdin, where = {
        "argument": ([BAD], None, "query"),
        "-f FILE": (["-f", str(tmp_path / "bad.rq")], None, str(tmp_path / "bad.rq")),
        "-n NAME": (["-n", "bad"], None, "queries/bad.rq"),
        "stdin": (["-"], BAD, "<stdin>"),
    }[how]
    result = kg("--home", str(home), "query", *args, input=stdin)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.startswith(f"Error: {where}:3:9: bad SPARQL: ")
    assert result.stderr.count("\n") == 1


def test_undeclared_prefix_is_named_on_one_line(kg, tiny_home):
    result = kg("--home", str(tiny_home), "query", "SELECT ?s\nWHERE { ?s zz:p ?o }")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        "Error: query:2:17: bad SPARQL: the prefix 'zz:' is not declared; add a PREFIX line "
        "(prefixes the home knows: ex, owl, rdf, rdfs, sh, xsd)\n"
    )


def test_query_on_an_empty_home_is_an_error(kg, tmp_path):
    for part in ("ontology", "data"):
        (tmp_path / part).mkdir()
    result = kg("--home", str(tmp_path), "query", "SELECT * WHERE { ?s ?p ?o }")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        f"Error: {tmp_path} is not a kgtool home: it has no RDF files in ontology/ or data/ "
        "(.ttl .nt .nq .trig .jsonld .rdf .owl); create one with 'kgtool init DIR'\n"
    )


def test_an_unknown_function_gives_no_value_and_a_note(kg):
    # SPARQL 1.1 §17.3: an unknown function is an evaluation error, as in Jena; not "internal error".
    result = kg("query", "SELECT ?y (<http://example.org/f>(?y) AS ?z) WHERE { BIND(1 AS ?y) }", "--format", "csv")
    assert result.exit_code == 0
    assert result.stdout_bytes == b"y,z\r\n1,\r\n"
    assert result.stderr == "Note: the function <http://example.org/f> is unknown to kgtool: it gives no value\n"


# --------------------------------------------------------------------------------------
# FROM / FROM NAMED choose among the home's own named graphs
# --------------------------------------------------------------------------------------
GRAPHS_TRIG = """@prefix ex: <http://example.org/> .
ex:a ex:p ex:b .
GRAPH ex:g1 { ex:c ex:p ex:d . }
GRAPH ex:g2 { ex:e ex:p ex:f . }
"""


@pytest.fixture
def graphs_home(tiny_home):
    (tiny_home / "data" / "graphs.trig").write_text(GRAPHS_TRIG, encoding="utf-8")
    return tiny_home


@pytest.mark.parametrize(
    "query, expected",
    [
        # FROM: the default graph is that graph alone
        ("SELECT ?s FROM <http://example.org/g1> WHERE { ?s ?p ?o }", [["http://example.org/c"]]),
        # two FROMs merge; a BASE resolves them
        ("BASE <http://example.org/> SELECT ?s FROM <g1> FROM <g2> WHERE { ?s ?p ?o } ORDER BY ?s", [["http://example.org/c"], ["http://example.org/e"]]),
        # FROM NAMED alone: GRAPH sees only that graph and the default graph is empty (SPARQL 1.1 §13.2)
        (
            "PREFIX ex: <http://example.org/> SELECT ?g ?s FROM NAMED ex:g2 WHERE { { GRAPH ?g { ?s ?p ?o } } UNION { ?s ?p ?o } }",
            [["http://example.org/g2", "http://example.org/e"]],
        ),
    ],
)
def test_from_chooses_among_the_homes_named_graphs(kg, graphs_home, query, expected):
    result = kg("--home", str(graphs_home), "query", query, "--format", "json")
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)["results"]["bindings"]
    assert [[b["value"] for b in row.values()] for row in rows] == expected


def test_from_a_graph_the_home_does_not_have_is_refused(kg, graphs_home):
    result = kg("--home", str(graphs_home), "query", "SELECT * FROM <http://example.org/g3> WHERE { ?s ?p ?o }")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        "Error: FROM <http://example.org/g3> is refused: it is not a named graph of the home, "
        "and kgtool reads no other graph, file or URL (not even with --allow-remote)\n"
    )


def test_param_keeps_a_subquerys_group_by_working(kg):
    query = "SELECT ?n WHERE { { SELECT ?x (COUNT(?l) AS ?n) WHERE { ?x rdfs:label ?l } GROUP BY ?x ORDER BY ?x } }"
    result = kg("query", query, "--param", "x=cfr:csto", "--format", "csv")
    assert result.exit_code == 0, result.stderr
    assert result.stdout_bytes == b"n\r\n1\r\n"
