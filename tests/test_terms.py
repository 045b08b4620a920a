"""terms: conversions between pyoxigraph and rdflib keep every term, and the displays write what a person reads."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
import rdflib

from kgtool import terms
from kgtool.vocab import XSD

EX = "http://example.org/"
TERMS = [
    ox.NamedNode(EX + "a"),
    ox.BlankNode("b1"),
    ox.Literal("plain"),
    ox.Literal("chat", language="fr"),
    ox.Literal("1.50", datatype=ox.NamedNode(XSD + "decimal")),
    ox.Literal("x", datatype=ox.NamedNode(EX + "custom")),
]


@pytest.mark.parametrize("term", TERMS, ids=str)
def test_a_term_comes_back_from_rdflib_as_it_went(term):
    assert terms.to_ox(terms.to_rdflib(term, as_written=True)) == term


def test_as_written_keeps_the_lexical_form_rdflib_would_normalize():
    one = ox.Literal("01", datatype=ox.NamedNode(XSD + "integer"))
    assert str(terms.to_rdflib(one, as_written=True)) == "01"
    assert str(terms.to_rdflib(one)) == "1"


def test_a_graph_goes_to_rdflib_and_back_with_the_same_triples():
    a, b, p = ox.NamedNode(EX + "a"), ox.BlankNode("n"), ox.NamedNode(EX + "p")
    triples = [ox.Triple(a, p, b), ox.Triple(b, p, ox.Literal("v", language="en")), ox.Triple(a, p, a)]
    g = terms.to_rdflib_graph(triples)
    assert isinstance(g, rdflib.Graph) and len(g) == 3
    assert set(terms.to_ox_triples(g)) == set(triples)


@pytest.mark.parametrize("term, cell, written", [
    (ox.NamedNode(EX + "a"), "ex:a", "ex:a"),
    (ox.NamedNode("http://other.org/a"), "<http://other.org/a>", "<http://other.org/a>"),
    (ox.BlankNode("b1"), "_:b1", "_:b1"),
    (ox.Literal('say "hi"\n'), 'say "hi"\n', '"say \\"hi\\"\\n"'),
    (ox.Literal("chat", language="fr"), '"chat"@fr', '"chat"@fr'),
    (ox.Literal("42", datatype=ox.NamedNode(XSD + "integer")), "42", '"42"^^xsd:integer'),
    (ox.Literal("2020-01-01", datatype=ox.NamedNode(XSD + "date")), '"2020-01-01"^^<http://www.w3.org/2001/XMLSchema#date>', '"2020-01-01"^^xsd:date'),
    (None, "", None),
])
def test_a_cell_shows_strings_and_numbers_bare_and_a_report_writes_turtle(term, cell, written):
    prefixes = {"ex": EX}
    assert terms.render_term(term, prefixes) == cell
    assert terms.n3(term, prefixes) == written


FEX = "http://example.org/f#"
FORMAT_PREFIXES = {"ex": FEX, "xsd": "http://www.w3.org/2001/XMLSchema#"}


# --------------------------------------------------------------------------------------
# term rendering for people (table, md), as test_formats had it
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "iri, shown",
    [
        (FEX + "a", "ex:a"),
        ("http://example.org/f#sub/a", "<http://example.org/f#sub/a>"),  # '/' is no local name
        ("http://example.org/g#a", "<http://example.org/g#a>"),
        ("http://example.org/f#deep#a", "<http://example.org/f#deep#a>"),
    ],
)
def test_shorten_uses_a_prefix_only_where_the_local_name_is_plain(iri, shown):
    assert terms.shorten(iri, FORMAT_PREFIXES) == shown


def test_shorten_prefers_the_longest_namespace():
    assert terms.shorten("http://example.org/f#a", {"o": "http://example.org/", "ex": FEX}) == "ex:a"


@pytest.mark.parametrize(
    "term, shown",
    [
        (ox.NamedNode(FEX + "a"), "ex:a"),
        (ox.Literal("plain"), "plain"),
        (ox.Literal("Ann", language="en"), '"Ann"@en'),
        (ox.Literal("42", datatype=ox.NamedNode(FORMAT_PREFIXES["xsd"] + "integer")), "42"),
        (ox.Literal("2001-02-03", datatype=ox.NamedNode(FORMAT_PREFIXES["xsd"] + "date")), '"2001-02-03"^^xsd:date'),
        (ox.BlankNode("b1"), "_:b1"),
        (None, ""),
    ],
)
def test_render_term_writes_what_a_person_reads(term, shown):
    assert terms.render_term(term, FORMAT_PREFIXES) == shown
