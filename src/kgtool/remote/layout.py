"""Where a remote home keeps things on its server: kgtool's graphs by name, the named queries, and the meta graph read last and written last."""

from __future__ import annotations

import pyoxigraph as ox

from ..store.graphs import DATA, INFERRED, ONTOLOGY, SHAPES

# The same graphs as a local home's store (so that every query sees the same dataset), plus two.
QUERIES = ox.NamedNode("urn:kgtool:graph:queries")  # the named queries, and the reasoner's closed schema, as text
META = ox.NamedNode("urn:kgtool:graph:meta")  # written last by push: without it the home is incomplete
KGTOOL_GRAPHS = (ONTOLOGY, DATA, SHAPES, INFERRED, QUERIES)

KGM = "https://w3id.org/kgtool/meta#"
HOME = ox.NamedNode("urn:kgtool:home")  # the meta graph's subject
GENERATION = ox.NamedNode(KGM + "generation")  # an integer, one more at every write: the compare-and-swap guard
VERSION = ox.NamedNode(KGM + "kgtoolVersion")  # the kgtool that wrote it
STATE = ox.NamedNode(KGM + "state")  # JSON: counts, prefixes, files, named graphs, reasoner, conformance
PUSHING = ox.NamedNode(KGM + "pushing")  # the token of the push under way (none in a complete home)
PREVIOUS = ox.NamedNode(KGM + "previousGeneration")  # while a push is under way: the generation it replaces
PUSH = ox.NamedNode(KGM + "push")  # the token of the write (push or add) that made this state: a writer checks it landed
HOLDS = ox.NamedNode(KGM + "graph")  # each graph kgtool put on the server (push replaces them all)
NAME = ox.NamedNode(KGM + "name")  # of a named query
TEXT = ox.NamedNode(KGM + "text")  # of a named query


SCHEMA_CLOSURE = ox.NamedNode("urn:kgtool:schema-closure")  # its kgm:text: the store's schema-closure.nt (validate's consistency check)


def query_node(name: str) -> ox.NamedNode:
    """The IRI of the named query NAME in the queries graph."""
    from urllib.parse import quote

    return ox.NamedNode("urn:kgtool:query:" + quote(name, safe=""))
