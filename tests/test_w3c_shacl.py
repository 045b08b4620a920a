"""The W3C SHACL test suite (SHACL Core and SHACL-SPARQL), run through kgtool's command line.

Each test gets a fresh home: an empty ontology/, the test's shapes graph file in shapes/ and
its data graph file in data/ (the same file in both when the test says so), names kept. Then
`kgtool --home H validate H/data/<file> --format turtle` runs, and its report is compared with
the expected one the way the suite defines it (https://w3c.github.io/data-shapes/data-shapes-test-suite/):
sh:conforms, and the multiset of results on focus node, path, value, source shape, source
constraint component and severity, plus the messages where the expected result gives some
(core/misc/message-001 asks for that). Blank nodes compare by structure: a focus node, value or
shape by what it says (its triples, followed to their end), a path by the path it describes,
as pySHACL's runner compares them. The exit code must be 1 when a result of severity
sh:Violation (or a custom one) exists, else 0; a test whose expected result is sht:Failure
expects exit 2 with one `Error:` line.

The tests come from tests/w3c/data-shapes (see its README), read from its manifests.
"""

from __future__ import annotations

import shutil
import warnings
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner
from rdflib import RDF, RDFS, BNode, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH

from kgtool.cli import cli

# The suite's data holds deliberately ill-typed literals ("none"^^xsd:boolean in
# core/property/or-datatypes-001); rdflib warns as it reads them, here and in the manifests.
pytestmark = pytest.mark.filterwarnings("ignore:Parsing weird boolean:UserWarning")

TESTS = Path(__file__).resolve().parent
SUITE = TESTS / "w3c" / "data-shapes"
ROOT_IRI = "https://w3c.github.io/data-shapes/data-shapes-test-suite/tests/"
MF = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SHT = rdflib.Namespace("http://www.w3.org/ns/shacl-test#")
SEVERITIES = {SH.Violation: 0, SH.Warning: 1, SH.Info: 2}  # a custom severity ranks as a violation

# Expected failures: none. An entry would be "core/node/x-001": "reason, with the upstream issue".
XFAIL: dict[str, str] = {}


# ------------------------------------------------------------------------------------------
# the manifests
# ------------------------------------------------------------------------------------------
@dataclass
class W3CTest:
    id: str  # e.g. core/node/datatype-002
    graph: rdflib.Graph  # the test's manifest file, where the expected report is
    node: rdflib.term.Node  # the test entry in it
    data: Path
    shapes: Path

    @property
    def suite(self) -> str:
        return self.id.split("/")[0]

    @property
    def expected(self):
        return self.graph.value(self.node, MF.result)


def _file(iri) -> Path:
    assert str(iri).startswith(ROOT_IRI), iri
    return SUITE / str(iri)[len(ROOT_IRI):]


def _read(manifest: Path) -> list[W3CTest]:
    iri = ROOT_IRI + manifest.relative_to(SUITE).as_posix()
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Parsing weird boolean", UserWarning)
        g = rdflib.Graph().parse(manifest, format="turtle", publicID=iri)
    found = [t for included in g.objects(None, MF.include) for t in _read(_file(included))]
    for entries in g.objects(None, MF.entries):
        for node in Collection(g, entries):
            action = g.value(node, MF.action)
            name = str(node)[len(ROOT_IRI):]
            found.append(W3CTest(name, g, node, _file(g.value(action, SHT.dataGraph)), _file(g.value(action, SHT.shapesGraph))))
    return found


ALL = _read(SUITE / "manifest.ttl")


# ------------------------------------------------------------------------------------------
# comparing reports
# ------------------------------------------------------------------------------------------
def term_key(g: rdflib.Graph, node, seen: tuple = ()):
    """A term as compared: IRIs as they are, literals term for term, blank nodes by what they say."""
    if isinstance(node, Literal):
        return ("literal", str(node), str(node.datatype) if node.datatype else None, node.language.lower() if node.language else None)
    if isinstance(node, BNode):
        if node in seen:
            return ("cycle", seen.index(node))
        seen += (node,)
        return ("bnode", frozenset((p, term_key(g, o, seen)) for p, o in g.predicate_objects(node) if (p, o) != (RDF.type, RDFS.Resource)))
    return node


def path_key(g: rdflib.Graph, node):
    """A SHACL property path (https://www.w3.org/TR/shacl/#property-paths) as SPARQL path text; a list is a sequence."""
    if node is None or isinstance(node, URIRef):
        return None if node is None else f"<{node}>"
    if g.value(node, RDF.first) is not None:
        return "(" + "/".join(path_key(g, m) for m in Collection(g, node)) + ")"
    if g.value(node, SH.alternativePath) is not None:
        return "(" + "|".join(path_key(g, m) for m in Collection(g, g.value(node, SH.alternativePath))) + ")"
    if g.value(node, SH.inversePath) is not None:
        return "^" + path_key(g, g.value(node, SH.inversePath))
    for predicate, mark in ((SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?")):
        if g.value(node, predicate) is not None:
            return path_key(g, g.value(node, predicate)) + mark
    return ("not a path", term_key(g, node))


def results(g: rdflib.Graph, report, messages: bool) -> Counter:
    """The results of a report as a multiset of (focus, path, value, shape, component, severity[, messages])."""
    found: Counter = Counter()
    for r in g.objects(report, SH.result):
        value = g.value(r, SH.value)
        key = (
            term_key(g, g.value(r, SH.focusNode)),
            path_key(g, g.value(r, SH.resultPath)),
            None if value is None else term_key(g, value),
            term_key(g, g.value(r, SH.sourceShape)),
            g.value(r, SH.sourceConstraintComponent),
            g.value(r, SH.resultSeverity),
        )
        if messages:
            key += (frozenset((str(m), m.language) for m in g.objects(r, SH.resultMessage)),)
        found[key] += 1
    return found


def compare(expected_graph: rdflib.Graph, expected, actual: rdflib.Graph) -> str | None:
    """None when the actual report is the expected one as the suite defines it; else what differs."""
    reports = list(actual.subjects(RDF.type, SH.ValidationReport))
    if len(reports) != 1:
        return f"{len(reports)} sh:ValidationReport nodes in the output"
    report = reports[0]
    want, got = expected_graph.value(expected, SH.conforms), actual.value(report, SH.conforms)
    if got is None or want.toPython() != got.toPython():
        return f"sh:conforms {got}, expected {want}"
    messages = any(True for r in expected_graph.objects(expected, SH.result) for _ in expected_graph.objects(r, SH.resultMessage))
    want, got = results(expected_graph, expected, messages), results(actual, report, messages)
    if want != got:
        return "results differ:\n  missing " + "\n  missing ".join(map(str, (want - got).elements())) + "\n  unexpected " + "\n  unexpected ".join(map(str, (got - want).elements()))
    return None


# ------------------------------------------------------------------------------------------
# running kgtool
# ------------------------------------------------------------------------------------------
def make_home(root: Path, test: W3CTest) -> Path:
    home = root / "home"
    for part in ("ontology", "shapes", "data"):
        (home / part).mkdir(parents=True)
    shutil.copy(test.shapes, home / "shapes" / test.shapes.name)
    shutil.copy(test.data, home / "data" / test.data.name)
    return home


def run_kgtool(home: Path, data: Path):
    return CliRunner().invoke(cli, ["--home", str(home), "validate", str(data), "--format", "turtle"], catch_exceptions=False)


def _params():
    for test in ALL:
        marks = [pytest.mark.xfail(strict=True, reason=XFAIL[test.id])] if test.id in XFAIL else []
        yield pytest.param(test, id=test.id, marks=marks)


# ------------------------------------------------------------------------------------------
# counts per suite, printed at the end of the run
# ------------------------------------------------------------------------------------------
COLUMNS = ("passed", "xfailed", "skipped", "failed")


class _Summary:
    """Counts the outcomes of this module's W3C tests per suite (core, sparql): a pytest plugin."""

    def __init__(self):
        self.suites: dict[str, Counter] = defaultdict(Counter)

    def pytest_runtest_logreport(self, report):
        path, _, name = report.nodeid.partition("::")
        if not path.endswith("test_w3c_shacl.py") or not name.startswith("test_kgtool_validates_as_w3c_expects["):
            return
        suite = name.partition("[")[2].split("/")[0]
        if report.when == "call" or (report.when == "setup" and not report.passed):
            outcome = ("failed" if report.passed else "xfailed") if hasattr(report, "wasxfail") else report.outcome
            self.suites[suite][outcome] += 1

    def pytest_terminal_summary(self, terminalreporter):
        if not self.suites:
            return
        terminalreporter.write_sep("-", "W3C SHACL tests (tests/w3c/data-shapes), through kgtool validate")
        terminalreporter.write_line(f"{'':12}" + "".join(f"{c:>9}" for c in COLUMNS))
        for suite in sorted(self.suites):
            total = sum(1 for t in ALL if t.suite == suite)
            terminalreporter.write_line(f"  {suite:10}" + "".join(f"{self.suites[suite][c]:>9}" for c in COLUMNS) + f"   of {total}")


@pytest.fixture(scope="session", autouse=True)
def _w3c_summary(request):
    manager = request.config.pluginmanager
    if manager.get_plugin("w3c-shacl-summary") is None:
        manager.register(_Summary(), "w3c-shacl-summary")
    yield


# ------------------------------------------------------------------------------------------
# the tests
# ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("test", list(_params()))
def test_kgtool_validates_as_w3c_expects(test: W3CTest, tmp_path):
    home = make_home(tmp_path, test)
    run = run_kgtool(home, home / "data" / test.data.name)
    if test.expected == SHT.Failure:
        assert run.exit_code == 2, f"{test.id}: expected a failure (exit 2), got exit {run.exit_code}\n{run.stdout}"
        lines = run.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("Error: "), f"{test.id}: not one Error: line:\n{run.stderr}"
        return
    assert run.exit_code in (0, 1), f"{test.id}: exit {run.exit_code}\n{run.stderr}"
    actual = rdflib.Graph().parse(data=run.stdout, format="turtle")
    difference = compare(test.graph, test.expected, actual)
    assert difference is None, f"{test.id}: {difference}\n--- kgtool's report:\n{run.stdout}"
    severities = {test.graph.value(r, SH.resultSeverity) for r in test.graph.objects(test.expected, SH.result)}
    fails = any(SEVERITIES.get(s, 0) == 0 for s in severities)
    assert run.exit_code == (1 if fails else 0), f"{test.id}: exit {run.exit_code}, expected {1 if fails else 0} (--fail-on violation)"


def test_the_manifests_list_every_test_of_both_suites():
    counts = Counter(t.suite for t in ALL)
    assert counts == {"core": 98, "sparql": 22}
    assert len({t.id for t in ALL}) == len(ALL)


# ------------------------------------------------------------------------------------------
# the comparison itself: a harness that passed everything would pass the suite
# ------------------------------------------------------------------------------------------
PREFIXES = "@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"


def _report(body: str) -> tuple[rdflib.Graph, rdflib.term.Node]:
    g = rdflib.Graph().parse(data=PREFIXES + "ex:report a sh:ValidationReport ; " + body, format="turtle")
    return g, URIRef("http://example.org/report")


EXPECTED = """sh:conforms false ; sh:result [ sh:focusNode ex:a ; sh:resultPath ( ex:p ex:q ) ; sh:value [ ex:p 1 ] ;
    sh:sourceShape ex:S ; sh:sourceConstraintComponent sh:ClassConstraintComponent ; sh:resultSeverity sh:Violation ] ."""


def test_the_comparison_accepts_the_same_report_written_otherwise():
    g, node = _report(EXPECTED)
    same, _ = _report("""sh:conforms "false"^^xsd:boolean ; sh:result [ sh:resultSeverity sh:Violation ; sh:sourceShape ex:S ;
        sh:sourceConstraintComponent sh:ClassConstraintComponent ; sh:value [ ex:p 1 ] ; sh:focusNode ex:a ;
        sh:resultPath [ <http://www.w3.org/1999/02/22-rdf-syntax-ns#first> ex:p ; <http://www.w3.org/1999/02/22-rdf-syntax-ns#rest> ( ex:q ) ] ] .""")
    assert compare(g, node, same) is None


@pytest.mark.parametrize("change", [
    ("sh:conforms false", "sh:conforms true"),
    ("sh:focusNode ex:a", "sh:focusNode ex:b"),
    ("( ex:p ex:q )", "( ex:q ex:p )"),
    ("[ ex:p 1 ]", "[ ex:p 2 ]"),
    ("sh:sourceShape ex:S", "sh:sourceShape ex:T"),
    ("sh:ClassConstraintComponent", "sh:NodeConstraintComponent"),
    ("sh:Violation", "sh:Warning"),
], ids=["conforms", "focus", "path", "value", "shape", "component", "severity"])
def test_the_comparison_tells_each_difference(change):
    g, node = _report(EXPECTED)
    other, _ = _report(EXPECTED.replace(*change))
    assert compare(g, node, other) is not None


def test_the_comparison_counts_results_as_a_multiset():
    g, node = _report(EXPECTED)
    twice, _ = _report(EXPECTED.replace(" .", " , [ sh:focusNode ex:a ; sh:resultPath ( ex:p ex:q ) ; sh:value [ ex:p 1 ] ; sh:sourceShape ex:S ; "
                                        "sh:sourceConstraintComponent sh:ClassConstraintComponent ; sh:resultSeverity sh:Violation ] ."))
    assert "unexpected" in compare(g, node, twice)
