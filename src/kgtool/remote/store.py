"""The part of pyoxigraph's Store that kgtool's read commands use, answered by a SPARQL server; and the home's Loaded over it."""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from ..errors import UsageError
from ..store import DATA, PARTS, Loaded
from . import results
from .http import JSON_RESULTS, N_TRIPLES, Client


def _names(graphs: Any) -> list[str]:
    """IRIs of a default_graph / named_graphs argument (one term, a list, or None)."""
    if graphs is None:
        return []
    if isinstance(graphs, (ox.NamedNode, ox.BlankNode, ox.DefaultGraph)):
        graphs = [graphs]
    names = []
    for g in graphs:
        if not isinstance(g, ox.NamedNode):
            raise UsageError("a remote home can only name its graphs by IRI (a blank node or the default graph cannot be sent)")
        names.append(g.value)
    return names


def prologue(prefixes: dict[str, str] | None, base_iri: str | None) -> str:
    """BASE and PREFIX declarations on one line, to put before a query: its own declarations, which come later, win
    (SPARQL 1.1 §4.1.1), and its line numbers stay the same."""
    head = f"BASE <{base_iri}> " if base_iri else ""
    head += "".join(f"PREFIX {name}: <{ns}> " for name, ns in (prefixes or {}).items())
    return head


class RemoteStore:
    """`query` (and `named_graphs`, `quads_for_pattern`) as pyoxigraph's Store has them, sent to a server.

    Every query names its dataset with the protocol's default-graph-uri and named-graph-uri
    (a server's own default graph is never used: Virtuoso's is the union of all graphs); the
    answer is SPARQL JSON results or N-Triples, read whole and parsed strictly, and comes back
    as pyoxigraph's QuerySolutions, QueryBoolean, or a list of Triples.
    """

    def __init__(self, client: Client, timeout: float | None = None):
        self.client = client
        self.timeout = timeout  # seconds for each request (None: the home's; 0: no limit)

    def query(self, query: str, *, base_iri: str | None = None, prefixes: dict[str, str] | None = None, default_graph: Any = None,
              named_graphs: Any = None, custom_functions: Any = None, use_default_graph_as_union: bool = False) -> Any:
        if use_default_graph_as_union:
            raise UsageError("a remote home names the graphs of each query; use_default_graph_as_union is not supported")
        text = prologue(prefixes, base_iri) + query
        defaults = _names(default_graph)
        body, media_type = self.client.query_typed(text, defaults, _names(named_graphs), f"{JSON_RESULTS}, {N_TRIPLES};q=0.9", self.timeout)
        if media_type == N_TRIPLES:
            return results.triples(body)
        return results.solutions(body)

    def quads_for_pattern(self, subject: Any, predicate: Any, object: Any, graph_name: Any = None) -> list:
        """The quads of a named graph matching a pattern (None is a wildcard; the graph must be named)."""
        if not isinstance(graph_name, ox.NamedNode):
            raise UsageError("a remote home reads quads of one named graph at a time")
        terms = [("s", subject), ("p", predicate), ("o", object)]
        where = " ".join(str(t) if t is not None else f"?{v}" for v, t in terms)
        rows = self.query(f"SELECT * WHERE {{ GRAPH <{graph_name.value}> {{ {where} }} }}", default_graph=[], named_graphs=[graph_name])
        return [ox.Quad(*(t if t is not None else row[v] for v, t in terms), graph_name) for row in rows]

    def named_graphs(self) -> list[ox.NamedNode]:
        """The named graphs of the server's dataset that the home holds (its meta graph lists them)."""
        from .home import read_meta

        meta = read_meta(self.client) or {}
        return [ox.NamedNode(g) for g in meta.get("graphs", [])]


class RemoteLoaded(Loaded):
    """The home's graph on a server, open for queries: the same parts and graph names as a local store."""

    def named_graphs(self, part: str = "graph") -> list:
        if DATA not in PARTS[part]:
            return []
        return [ox.NamedNode(g) for g in self.home.meta().get("named_graphs", [])]

    def named_quads(self, part: str = "graph"):
        graphs = self.named_graphs(part)
        if not graphs:
            return iter(())
        rows = self.store.query("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }", default_graph=[], named_graphs=graphs)
        return (ox.Quad(row["s"], row["p"], row["o"], row["g"]) for row in rows)

    def with_shapes(self) -> Loaded:
        return self  # the shapes graph is on the server with the rest

    def triples(self, part: str = "graph", inferred: bool = False):
        # One CONSTRUCT, as a local store does over several graphs: the same triple in two parts comes once.
        return iter(self.store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", default_graph=self.graphs(part, inferred), named_graphs=[]))


def load(home: Any, reasoner: str | None = None, timeout: float | None = None) -> RemoteLoaded:
    """The remote home's graph, open for queries (its meta graph read once: prefixes, counts, entailments' reasoner)."""
    meta = home.meta()
    pushed = meta.get("reasoner", "")
    if reasoner is not None and reasoner != pushed:
        raise UsageError(
            f"the entailments of {home.root} were computed by the {pushed} reasoner when it was pushed; "
            f"--reasoner {reasoner} applies to local homes only"
        )
    store = RemoteStore(home.client, timeout)
    return RemoteLoaded(home, store, dict(meta.get("prefixes", {})), counts=dict(meta.get("counts", {})), reasoner=pushed)  # type: ignore[arg-type]
