"""The part of pyoxigraph's Store that kgtool's read commands use, answered by a SPARQL server; and the home's Loaded over it."""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from ..errors import UsageError
from ..store import DATA, PARTS, Loaded
from ..vocab import XSD_STRING
from . import results
from .http import JSON_RESULTS, N_TRIPLES, Client

BLANK_DEPTH = 4  # how deep a chain of blank nodes an IRI's description brings along (an OWL restriction, a short list)
PREFETCH_BATCH = 200  # nodes described by one request of `prefetch`


def _names(graphs: Any, data: list[str] | None = None) -> list[str]:
    """IRIs of a default_graph / named_graphs argument (one term, a list, or None); the data graph stands for `data`
    (the data graph and the submission graphs) when given."""
    if graphs is None:
        return []
    if isinstance(graphs, (ox.NamedNode, ox.BlankNode, ox.DefaultGraph)):
        graphs = [graphs]
    names = []
    for g in graphs:
        if not isinstance(g, ox.NamedNode):
            raise UsageError("a remote home can only name its graphs by IRI (a blank node or the default graph cannot be sent)")
        names += data if data is not None and g == DATA else [g.value]
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

    def __init__(self, client: Client, timeout: float | None = None, data: list[str] | None = None):
        self.client = client
        self.timeout = timeout  # seconds for each request (None: the home's; 0: no limit)
        # What the data graph stands for in a query's dataset: itself and every submission graph (a local store holds
        # them all in its one data graph). No triple is in two of them, so their merge counts each once.
        self.data = data
        self._patterns: dict[tuple, list] = {}  # quads_for_pattern's answers: the home does not change under one command

    def query(self, query: str, *, base_iri: str | None = None, prefixes: dict[str, str] | None = None, default_graph: Any = None,
              named_graphs: Any = None, custom_functions: Any = None, use_default_graph_as_union: bool = False) -> Any:
        if use_default_graph_as_union:
            raise UsageError("a remote home names the graphs of each query; use_default_graph_as_union is not supported")
        text = prologue(prefixes, base_iri) + query
        defaults = _names(default_graph, self.data)
        body, media_type = self.client.query_typed(text, defaults, _names(named_graphs), f"{JSON_RESULTS}, {N_TRIPLES};q=0.9", self.timeout)
        if media_type == N_TRIPLES:
            return results.triples(body)
        return results.solutions(body)

    def quads_for_pattern(self, subject: Any, predicate: Any, object: Any, graph_name: Any = None) -> list:
        """The quads of a named graph matching a pattern (None is a wildcard; the graph must be named)."""
        if not isinstance(graph_name, ox.NamedNode):
            raise UsageError("a remote home reads quads of one named graph at a time")
        key = (subject, predicate, object, graph_name)
        if key in self._patterns:
            return self._patterns[key]
        cached = self._from_cache(subject, predicate, object, graph_name)
        if cached is not None:
            return cached
        terms = [("s", subject), ("p", predicate), ("o", object)]
        if any(isinstance(t, ox.BlankNode) for _, t in terms):
            # A blank node cannot be named in a query: those an IRI's description reaches came with it.
            described = self._patterns.get((subject, None, None, graph_name), []) if subject is not None else []
            return [q for q in described if predicate in (None, q.predicate) and object in (None, q.object)]
        if isinstance(subject, ox.NamedNode) and predicate is None and object is None:
            return self._description(subject, graph_name)
        where = " ".join(str(t) if t is not None else f"?{v}" for v, t in terms)
        rows = self.query(f"SELECT * WHERE {{ {where} }}", default_graph=[graph_name], named_graphs=[])
        self._patterns[key] = [ox.Quad(*(t if t is not None else row[v] for v, t in terms), graph_name) for row in rows]
        return self._patterns[key]

    def _from_cache(self, subject: Any, predicate: Any, object: Any, graph_name: ox.NamedNode) -> list | None:
        """A narrower pattern answered from a node's description or its incoming quads already fetched, else None.

        A typed literal as the object is asked of the server: it matches by the server's own
        literal equality (Oxigraph keeps numbers in canonical form), not by its lexical form.
        """
        if object is not None and isinstance(object, ox.Literal) and not object.language and object.datatype.value != XSD_STRING:
            return None
        if isinstance(subject, ox.NamedNode) and (predicate is not None or object is not None):
            described = self._patterns.get((subject, None, None, graph_name))
            if described is not None:
                return [q for q in described if predicate in (None, q.predicate) and object in (None, q.object)]
        if subject is None and object is not None and predicate is not None:
            incoming = self._patterns.get((None, None, object, graph_name))
            if incoming is not None:
                return [q for q in incoming if q.predicate == predicate]
        return None

    def prefetch(self, described: Any, pointed_at: Any, graphs: list) -> None:
        """Fetch at once, graph by graph, the descriptions of the IRIs `described` and the quads pointing at the IRIs
        `pointed_at`, so that validate and add, which look up each node they touch, find them here: a request per
        graph and PREFETCH_BATCH nodes instead of several per node."""
        wanted = [n for n in dict.fromkeys(described) if isinstance(n, ox.NamedNode)]
        targets = [n for n in dict.fromkeys(pointed_at) if isinstance(n, ox.NamedNode)]
        for g in graphs:
            todo = [n for n in wanted if (n, None, None, g) not in self._patterns]
            for i in range(0, len(todo), PREFETCH_BATCH):
                self._describe_many(todo[i : i + PREFETCH_BATCH], g)
            todo = [n for n in targets if (None, None, n, g) not in self._patterns]
            for i in range(0, len(todo), PREFETCH_BATCH):
                self._incoming_many(todo[i : i + PREFETCH_BATCH], g)

    def _describe_many(self, nodes: list, graph_name: ox.NamedNode) -> None:
        """`_description` of each of `nodes`, in one answer (blank node labels agree within it); a node already described keeps its quads."""
        values = "VALUES ?n { " + " ".join(str(n) for n in nodes) + " }"
        chains = [f"{values} ?n ?p ?o BIND(?n AS ?s)"]
        for depth in range(1, BLANK_DEPTH + 1):
            steps = ["?n"] + [f"?b{i}" for i in range(1, depth)] + ["?s"]
            path = " . ".join(f"{a} ?q{i} {b} FILTER(isBlank({b}))" for i, (a, b) in enumerate(zip(steps, steps[1:])))
            chains.append(f"{values} {path} . ?s ?p ?o")
        union = " UNION ".join(f"{{ {c} }}" for c in chains)
        rows = self.query(f"SELECT ?s ?p ?o WHERE {{ {union} }}", default_graph=[graph_name], named_graphs=[])
        found: dict = {n: [] for n in nodes}
        for row in rows:
            quad = ox.Quad(row["s"], row["p"], row["o"], graph_name)
            bucket = found.setdefault(row["s"], [])
            if quad not in bucket:
                bucket.append(quad)
        for node, quads in found.items():
            self._patterns.setdefault((node, None, None, graph_name), quads)

    def _incoming_many(self, nodes: list, graph_name: ox.NamedNode) -> None:
        """The quads pointing at each of `nodes` (the pattern (None, None, node))."""
        values = "VALUES ?o { " + " ".join(str(n) for n in nodes) + " }"
        rows = self.query(f"SELECT ?s ?p ?o WHERE {{ {values} ?s ?p ?o }}", default_graph=[graph_name], named_graphs=[])
        found: dict = {n: [] for n in nodes}
        for row in rows:
            found[row["o"]].append(ox.Quad(row["s"], row["p"], row["o"], graph_name))
        for node, quads in found.items():
            self._patterns.setdefault((None, None, node, graph_name), quads)

    def _description(self, node: ox.NamedNode, graph_name: ox.NamedNode) -> list:
        """The quads of `node` in a graph, and (in the same answer, so that their labels agree) those of the blank
        nodes it reaches through up to BLANK_DEPTH blank nodes: later lookups of those blank nodes are answered from them."""
        self._describe_many([node], graph_name)
        return self._patterns[(node, None, None, graph_name)]

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
    store = RemoteStore(home.client, timeout, home.data_graphs())
    return RemoteLoaded(home, store, dict(meta.get("prefixes", {})), counts=dict(meta.get("counts", {})), reasoner=pushed)  # type: ignore[arg-type]
