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


# Each accepted submission (a remote add or import, or a pushed data/submissions/ file) is a named graph of its own,
# with its PROV record: the default graph's data is the data graph plus every one of them (RemoteStore names them all).
SUBMISSION_SPACE = "urn:kgtool:graph:submission:"
# The whole home's validation results (what stats' conformance line counts), one literal each (a result's identity as
# JSON), kept apart from the home's state so that reading the state stays small: an add replaces the results of the
# focus nodes it judged, a remove those of the home judged again.
RESULTS = ox.NamedNode("urn:kgtool:results")
RESULT = ox.NamedNode(KGM + "result")


def submission_graph(ident: str) -> ox.NamedNode:
    """The named graph of the submission `ident` (the stem of the file a local add would have written)."""
    return ox.NamedNode(SUBMISSION_SPACE + ident)


def submission_id(graph: str) -> str | None:
    """The id of a submission graph's IRI, or None for another graph."""
    return graph[len(SUBMISSION_SPACE):] if graph.startswith(SUBMISSION_SPACE) else None
