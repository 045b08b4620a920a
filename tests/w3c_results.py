"""Read SPARQL results and RDF graphs as the W3C tests write them, and compare them as the suite defines it.

Terms are plain tuples, so that equality is RDF term equality (lexical form, datatype,
language tag) and never value equality:

    ("iri", "http://…")      ("bnode", "label")      ("lit", lexical form, datatype IRI, language tag)

A simple literal has the datatype xsd:string and the tag ""; a language-tagged literal has
rdf:langString and its tag in lower case (tags compare case-insensitively, RDF 1.1 §3.3).
A solution is a tuple of terms (None where unbound) in the order of `Results.variables`.

Readers: SPARQL Results XML (.srx), JSON (.srj), TSV and CSV, N-Triples, and RDF files read by
rdflib (for the expected graphs, including result sets in the DAWG `rs:` vocabulary). The
matcher finds a consistent bijection between blank nodes (`match`), which is how the suite
compares solution multisets and graphs ("Query Evaluation Tests" in
https://www.w3.org/2009/sparql/docs/tests/README.html).
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = XSD + "string"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDF_LANG_STRING = RDF + "langString"
RS = "http://www.w3.org/2001/sw/DataAccess/tests/result-set#"


# --------------------------------------------------------------------------------------
# terms
# --------------------------------------------------------------------------------------
def iri(value: str) -> tuple:
    return ("iri", value)


def bnode(label: str) -> tuple:
    return ("bnode", label)


def lit(lexical: str, datatype: str | None = None, lang: str | None = None) -> tuple:
    if lang:
        return ("lit", lexical, RDF_LANG_STRING, lang.lower())
    return ("lit", lexical, datatype or XSD_STRING, "")


def is_bnode(term) -> bool:
    return term is not None and term[0] == "bnode"


def show(term) -> str:
    """A term in N-Triples syntax (for messages)."""
    if term is None:
        return "UNBOUND"
    if term[0] == "iri":
        return f"<{term[1]}>"
    if term[0] == "bnode":
        return f"_:{term[1]}"
    if term[0] == "str":  # a CSV field
        return repr(term[1])
    if term[0] == "value":
        return f"{term[2]!r}^^<{term[1]}>"
    text = '"' + escape(term[1]) + '"'
    if term[3]:
        return f"{text}@{term[3]}"
    return text if term[2] == XSD_STRING else f"{text}^^<{term[2]}>"


def escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")


# --------------------------------------------------------------------------------------
# results
# --------------------------------------------------------------------------------------
@dataclass
class Results:
    """A SELECT's solutions (variables, rows), an ASK's boolean, or a graph's triples."""

    kind: str  # "bindings" | "boolean" | "graph"
    variables: list[str] = field(default_factory=list)
    rows: list[tuple] = field(default_factory=list)
    boolean: bool | None = None
    triples: set[tuple] = field(default_factory=set)
    indexed: bool = False  # rows are in the order rs:index gives (DAWG result-set graphs)

    def map_iris(self, mapping: dict[str, str]) -> Results:
        """The same results with IRIs starting with a key rewritten to start with its value."""

        def m(term):
            if term is not None and term[0] == "iri":
                for old, new in mapping.items():
                    if term[1].startswith(old):
                        return ("iri", new + term[1][len(old):])
            return term

        return Results(
            self.kind,
            list(self.variables),
            [tuple(m(t) for t in row) for row in self.rows],
            self.boolean,
            {tuple(m(t) for t in triple) for triple in self.triples},
            self.indexed,
        )

    def dump(self) -> str:
        if self.kind == "boolean":
            return f"boolean {self.boolean}"
        if self.kind == "graph":
            return "\n".join(" ".join(show(t) for t in triple) + " ." for triple in sorted(self.triples)) or "(empty graph)"
        head = " ".join(f"?{v}" for v in self.variables)
        return "\n".join([head] + ["  " + " ".join(show(t) for t in row) for row in self.rows]) if self.rows else head + "\n  (no solutions)"


def _bindings(variables: list[str], solutions: list[dict]) -> Results:
    for solution in solutions:
        for name in solution:
            if name not in variables:
                variables.append(name)  # a binding of a variable the head does not list
    return Results("bindings", variables, [tuple(s.get(v) for v in variables) for s in solutions])


def parse_srx(data: bytes) -> Results:
    """SPARQL Query Results XML Format (https://www.w3.org/TR/rdf-sparql-XMLres/)."""
    ns = "{http://www.w3.org/2005/sparql-results#}"
    lang_attr = "{http://www.w3.org/XML/1998/namespace}lang"
    root = ET.fromstring(data)
    boolean = root.find(f"{ns}boolean")
    if boolean is not None:
        return Results("boolean", boolean=(boolean.text or "").strip() == "true")
    variables = [v.get("name") for v in root.iterfind(f"{ns}head/{ns}variable")]
    solutions = []
    for result in root.iterfind(f"{ns}results/{ns}result"):
        solution = {}
        for binding in result.iterfind(f"{ns}binding"):
            (value,) = list(binding)
            tag = value.tag[len(ns):]
            text = value.text or ""
            if tag == "uri":
                solution[binding.get("name")] = iri(text)
            elif tag == "bnode":
                solution[binding.get("name")] = bnode(text)
            elif tag == "literal":
                solution[binding.get("name")] = lit(text, value.get("datatype"), value.get(lang_attr))
            else:
                raise ValueError(f"unknown SPARQL XML term <{tag}>")
        solutions.append(solution)
    return _bindings(variables, solutions)


def parse_srj(data: bytes) -> Results:
    """SPARQL 1.1 Query Results JSON Format (https://www.w3.org/TR/sparql11-results-json/)."""
    doc = json.loads(data.decode("utf-8"))
    if "boolean" in doc:
        return Results("boolean", boolean=doc["boolean"] is True)
    variables = list(doc.get("head", {}).get("vars", []))
    solutions = []
    for binding in doc["results"]["bindings"]:
        solution = {}
        for name, value in binding.items():
            kind = value["type"]
            if kind == "uri":
                solution[name] = iri(value["value"])
            elif kind == "bnode":
                solution[name] = bnode(value["value"])
            elif kind in ("literal", "typed-literal"):
                solution[name] = lit(value["value"], value.get("datatype"), value.get("xml:lang"))
            else:
                raise ValueError(f"unknown SPARQL JSON term type {kind!r}")
        solutions.append(solution)
    return _bindings(variables, solutions)


# Turtle / N-Triples terms, as TSV and N-Triples write them
_ECHAR = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}
_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))", re.S)
_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"', re.S)
_LANG = re.compile(r"@([A-Za-z]+(?:-[A-Za-z0-9]+)*)")
_NUMBER = re.compile(r"[+-]?(?:(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)|\d*\.\d+|\d+)")
_BNODE = re.compile(r"_:([^\s]+)")


def _unescape(text: str) -> str:
    def one(m):
        if m.group(1) or m.group(2):
            return chr(int(m.group(1) or m.group(2), 16))
        if m.group(3) in _ECHAR:
            return _ECHAR[m.group(3)]
        raise ValueError(f"bad escape \\{m.group(3)}")

    return _ESCAPE.sub(one, text)


def parse_term(text: str, pos: int = 0) -> tuple[tuple, int]:
    """One Turtle term (IRI, blank node, literal, bare number or boolean) at `pos`; returns (term, end)."""
    c = text[pos:pos + 1]
    if c == "<":
        end = text.index(">", pos)
        return iri(_unescape(text[pos + 1:end])), end + 1
    if text.startswith("_:", pos):
        m = _BNODE.match(text, pos)
        label = m.group(1)
        end = m.end()
        if label.endswith("."):  # "_:b0." at the end of an N-Triples line
            label, end = label[:-1], end - 1
        return bnode(label), end
    if c == '"':
        m = _STRING.match(text, pos)
        lexical, end = _unescape(m.group(1)), m.end()
        if text.startswith("^^<", end):
            close = text.index(">", end)
            return lit(lexical, _unescape(text[end + 3:close])), close + 1
        m = _LANG.match(text, end)
        if m:
            return lit(lexical, lang=m.group(1)), m.end()
        return lit(lexical), end
    for word in ("true", "false"):
        if text.startswith(word, pos):
            return lit(word, XSD + "boolean"), pos + len(word)
    m = _NUMBER.match(text, pos)
    if m:
        token = m.group(0)
        kind = "double" if m.group(2) else "decimal" if "." in token else "integer"
        return lit(token, XSD + kind), m.end()
    raise ValueError(f"cannot read an RDF term at {text[pos:pos + 30]!r}")


def parse_tsv(data: bytes) -> Results:
    """SPARQL 1.1 Query Results TSV (https://www.w3.org/TR/sparql11-results-csv-tsv/#tsv): terms in Turtle syntax."""
    lines = data.decode("utf-8").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    lines = [line[:-1] if line.endswith("\r") else line for line in lines]
    variables = [name.strip().lstrip("?$") for name in lines[0].split("\t")] if lines and lines[0] else []
    rows = []
    for line in lines[1:]:
        fields = line.split("\t")
        if len(fields) != len(variables):
            raise ValueError(f"TSV row with {len(fields)} fields for {len(variables)} variables: {line!r}")
        row = []
        for value in fields:
            value = value.strip(" ")
            if value == "":
                row.append(None)
                continue
            term, end = parse_term(value)
            if end != len(value):
                raise ValueError(f"trailing text after a TSV term: {value!r}")
            row.append(term)
        rows.append(tuple(row))
    return Results("bindings", variables, rows)


def parse_csv(data: bytes) -> Results:
    """SPARQL 1.1 Query Results CSV (https://www.w3.org/TR/sparql11-results-csv-tsv/#csv).

    CSV keeps only strings: a field is ("str", text), except "_:label", a blank node. An
    unbound variable and an empty string are both the empty field.
    """
    table = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    variables = table[0] if table else []
    rows = []
    for fields in table[1:]:
        if len(fields) != len(variables):
            raise ValueError(f"CSV row with {len(fields)} fields for {len(variables)} variables: {fields!r}")
        rows.append(tuple(bnode(f[2:]) if f.startswith("_:") else ("str", f) for f in fields))
    return Results("bindings", variables, rows)


def parse_ntriples(data: bytes) -> Results:
    """An N-Triples document as a graph."""
    triples = set()
    for number, line in enumerate(data.decode("utf-8").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        terms, pos = [], 0
        for _ in range(3):
            term, pos = parse_term(line, pos)
            terms.append(term)
            while pos < len(line) and line[pos] in " \t":
                pos += 1
        if line[pos:].strip() != ".":
            raise ValueError(f"line {number}: not an N-Triples triple: {line!r}")
        triples.add(tuple(terms))
    return Results("graph", triples=triples)


# --------------------------------------------------------------------------------------
# RDF files read by rdflib (expected graphs; named graphs for the test homes)
# --------------------------------------------------------------------------------------
RDFLIB_FORMATS = {".ttl": "turtle", ".nt": "nt", ".rdf": "xml", ".n3": "n3"}


@contextlib.contextmanager
def _literals_as_written():
    """rdflib rewrites literals to a canonical form by default ("01"^^xsd:integer -> "1"); not here."""
    import rdflib

    old = rdflib.NORMALIZE_LITERALS
    rdflib.NORMALIZE_LITERALS = False
    try:
        yield
    finally:
        rdflib.NORMALIZE_LITERALS = old


def _from_rdflib(term) -> tuple:
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, URIRef):
        return iri(str(term))
    if isinstance(term, BNode):
        return bnode(str(term))
    if isinstance(term, Literal):
        return lit(str(term), str(term.datatype) if term.datatype else None, term.language)
    raise ValueError(f"unexpected term {term!r}")


def read_triples(path: Path, base: str) -> set[tuple]:
    """The triples of an RDF file, its relative IRIs resolved against `base`, literals kept as written."""
    import rdflib

    with _literals_as_written():
        graph = rdflib.Graph()
        graph.parse(path, format=RDFLIB_FORMATS[path.suffix], publicID=base)
        return {tuple(_from_rdflib(t) for t in triple) for triple in graph}


def nquad(triple: tuple, graph: str) -> str:
    """One N-Quads line of a triple of term tuples in the named graph `graph`."""
    return " ".join(show(t) for t in triple) + f" <{graph}> .\n"


def read_expected(path: Path, base: str) -> Results:
    """An expected result file: a results format by its extension, else an RDF graph (a DAWG result set or a graph)."""
    data = path.read_bytes()
    readers = {".srx": parse_srx, ".srj": parse_srj, ".tsv": parse_tsv, ".csv": parse_csv}
    if path.suffix in readers:
        return readers[path.suffix](data)
    triples = read_triples(path, base)
    rs_type = (iri(RDF + "type"), iri(RS + "ResultSet"))
    sets = [t[0] for t in triples if (t[1], t[2]) == rs_type]
    if len(sets) != 1:
        return Results("graph", triples=triples)
    return _result_set(triples, sets[0])


def _result_set(triples: set[tuple], node) -> Results:
    """A result set written in the DAWG vocabulary (rs:ResultSet, rs:solution, rs:binding, rs:index)."""

    def objects(s, p):
        return [t[2] for t in triples if t[0] == s and t[1] == iri(RS + p)]

    booleans = objects(node, "boolean")
    if booleans:
        return Results("boolean", boolean=booleans[0][1] == "true")
    variables = sorted(v[1] for v in objects(node, "resultVariable"))
    solutions, indexes = [], []
    for solution in objects(node, "solution"):
        values = {}
        for binding in objects(solution, "binding"):
            (name,) = objects(binding, "variable")
            (value,) = objects(binding, "value")
            values[name[1]] = value
        index = objects(solution, "index")
        indexes.append(int(index[0][1]) if index else None)
        solutions.append(values)
    indexed = bool(indexes) and all(i is not None for i in indexes)
    if indexed:
        solutions = [s for _, s in sorted(zip(indexes, solutions), key=lambda pair: pair[0])]
    results = _bindings(variables, solutions)
    results.indexed = indexed
    return results


# --------------------------------------------------------------------------------------
# comparison: a consistent bijection between blank nodes
# --------------------------------------------------------------------------------------
MAX_STEPS = 1_000_000


def _shape(row: tuple) -> tuple:
    return tuple("_:" if is_bnode(t) else t for t in row)


def match(expected: list[tuple], actual: list[tuple]) -> dict | None:
    """A map from expected blank nodes to actual ones under which `actual` equals `expected` as a multiset, or None.

    Rows without blank nodes must match exactly (as a multiset); the others are paired by a
    backtracking search that keeps one blank node bijection across all rows.
    """
    if len(expected) != len(actual):
        return None
    ground_e = Counter(r for r in expected if not any(map(is_bnode, r)))
    ground_a = Counter(r for r in actual if not any(map(is_bnode, r)))
    if ground_e != ground_a:
        return None
    exp = [r for r in expected if any(map(is_bnode, r))]
    act = [r for r in actual if any(map(is_bnode, r))]
    if Counter(map(_shape, exp)) != Counter(map(_shape, act)):
        return None
    forward: dict = {}
    back: dict = {}
    used = [False] * len(act)
    done = [False] * len(exp)
    steps = [0]

    def bind(e: tuple, a: tuple) -> list | None:
        added = []
        for x, y in zip(e, a):
            if not is_bnode(x):
                continue
            if x in forward:
                ok = forward[x] == y
            elif y in back:
                ok = False
            else:
                forward[x], back[y] = y, x
                added.append(x)
                ok = True
            if not ok:
                for k in added:
                    del back[forward.pop(k)]
                return None
        return added

    def next_row() -> int:
        # the unmatched expected row with the most blank nodes already mapped: fewest choices
        best, score = -1, -1
        for i, row in enumerate(exp):
            if not done[i]:
                s = sum(1 for t in row if t in forward)
                if s > score:
                    best, score = i, s
        return best

    def search(left: int) -> bool:
        if left == 0:
            return True
        steps[0] += 1
        if steps[0] > MAX_STEPS:
            raise RuntimeError("blank-node matching gave up: too many candidate pairings")
        i = next_row()
        e = exp[i]
        shape = _shape(e)
        tried = set()
        for j, a in enumerate(act):
            if used[j] or _shape(a) != shape or a in tried:
                continue
            tried.add(a)  # an identical actual row gives the same outcome
            added = bind(e, a)
            if added is None:
                continue
            used[j] = done[i] = True
            if search(left - 1):
                return True
            used[j] = done[i] = False
            for k in added:
                del back[forward.pop(k)]
        return False

    return dict(forward) if search(len(exp)) else None


# Datatypes whose values literal_value() knows, so that two spellings of one value can be told apart
# from two different values. https://www.w3.org/TR/xmlschema11-2/#built-in-datatypes
_INTEGERS = {
    "integer", "nonPositiveInteger", "negativeInteger", "long", "int", "short", "byte", "nonNegativeInteger",
    "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte", "positiveInteger",
}
_FLOATS = {"float", "double"}


def literal_value(term):
    """A key equal for two literals of one datatype with the same value ("1.0" and "1" as xsd:decimal), else the term."""
    if term is None or term[0] != "lit" or not term[2].startswith(XSD):
        return term
    kind, lexical = term[2][len(XSD):], term[1].strip()
    try:
        if kind in _INTEGERS:
            value = int(lexical)
        elif kind == "decimal":
            from decimal import Decimal

            value = Decimal(lexical)
        elif kind in _FLOATS:
            value = float({"INF": "inf", "-INF": "-inf", "+INF": "inf"}.get(lexical, lexical))
            if value != value:
                value = "NaN"
        elif kind == "boolean":
            value = {"true": True, "1": True, "false": False, "0": False}[lexical]
        else:
            return term
    except (ValueError, KeyError, ArithmeticError):
        return term
    return ("value", term[2], value)


def by_value(results: Results) -> Results:
    """The same results with every literal of a known datatype replaced by its value key."""
    return Results(
        results.kind,
        list(results.variables),
        [tuple(literal_value(t) for t in row) for row in results.rows],
        results.boolean,
        {tuple(literal_value(t) for t in triple) for triple in results.triples},
        results.indexed,
    )


def compare(expected: Results, actual: Results, ordered: list[str] | None = None, values: bool = False) -> str | None:
    """None if `actual` is what the suite expects, else what differs.

    Solutions compare as multisets under one blank node bijection; if `ordered` names
    variables (the query's ORDER BY keys), the sequence of their values must also be the
    expected one (ties may come in any order). A result set written with rs:index is
    compared in full order. Graphs compare by isomorphism; booleans by value. Literals
    compare term for term (lexical form, datatype, language tag), as RDF graph isomorphism
    does. With `values`, numbers and booleans of one datatype compare by their value: only to
    tell a known difference of lexical forms from a wrong value (w3c/rdf-tests#58).
    """
    if values:
        expected, actual = by_value(expected), by_value(actual)
    if expected.kind != actual.kind:
        return f"expected a {expected.kind} result, got a {actual.kind} result"
    if expected.kind == "boolean":
        return None if expected.boolean == actual.boolean else f"expected {expected.boolean}, got {actual.boolean}"
    if expected.kind == "graph":
        if match(sorted(expected.triples), sorted(actual.triples)) is None:
            return "the graphs are not isomorphic"
        return None
    if sorted(expected.variables) != sorted(actual.variables):
        return f"expected the variables {expected.variables}, got {actual.variables}"
    names = sorted(expected.variables)
    exp_rows = [_reorder(row, expected.variables, names) for row in expected.rows]
    act_rows = [_reorder(row, actual.variables, names) for row in actual.rows]
    mapping = match(exp_rows, act_rows)
    if mapping is None:
        return f"the solutions differ ({len(exp_rows)} expected, {len(act_rows)} returned)"
    keys = names if expected.indexed else [v for v in (ordered or []) if v in names]
    if keys:
        where = [names.index(v) for v in keys]
        want = [tuple(mapping.get(row[k], row[k]) for k in where) for row in exp_rows]
        got = [tuple(row[k] for k in where) for row in act_rows]
        if want != got:
            return f"the solutions are not in the expected order of {', '.join('?' + k for k in keys)}"
    return None


def _reorder(row: tuple, variables: list[str], names: list[str]) -> tuple:
    return tuple(row[variables.index(n)] for n in names)
