"""`push`: copy a local home's graphs (ontology, data, named graphs, shapes, entailments), named queries and prefixes to a server, meta graph last."""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from typing import Iterator

import pyoxigraph as ox

from .. import __version__
from ..errors import HomeError, RemoteError, UsageError
from ..progress import current as current_progress
from .http import chunks
from ..store.cache import SCHEMA_CLOSURE as SCHEMA_FILE
from ..vocab import XSD
from ..store.graphs import DATA
from .conformance import figures
from .layout import (GENERATION, HOLDS, HOME, KGTOOL_GRAPHS, META, NAME, PREVIOUS, PUSH, PUSHING, QUERIES, RESULT, RESULTS, SCHEMA_CLOSURE, STATE, TEXT,
                     VERSION, query_node, submission_graph, submission_id)

BATCH = 10_000  # quads serialized at a time
INSERT_SIZE = 500  # triples per INSERT where there is no Graph Store (Virtuoso compiles an update into at most 10,000 lines of SQL)


@dataclass
class Pushed:
    """What a push wrote: where, how many quads in how many graphs, and the home's new generation there."""

    location: str
    quads: int
    graphs: int
    generation: int


def push(home, target: str, reasoner: str | None = None, check: bool = True) -> Pushed:
    """Replace what kgtool put on the server `target` (a URL or a config file) with `home`'s graphs; return what was written.

    Order: (1) the meta graph is replaced by a list of the graphs about to be written, this
    push's token and no generation, so the home reads as incomplete from then on and a later
    push knows what to clean; (2) those graphs are dropped and the dataset is sent in one
    request (blank nodes shared across graphs stay shared); (3) the meta graph is written
    whole, in one update that lands only while the token is still this push's. A push cut off
    anywhere before (3) leaves a home that every command refuses as incomplete, never a wrong
    one; two pushes that overlap leave it incomplete too (RemoteError: push again), as the one
    that finds its token gone drops the meta graph.
    """
    import uuid

    from ..store import load
    from . import names_remote
    from .home import read_meta, resolve

    if getattr(home, "remote", False):
        raise UsageError("push copies a local home to a server; --home names a remote one")
    if not names_remote(target):
        raise UsageError(f"push needs the URL of a SPARQL server (http:// or https://) or a config file (.toml, .json), not '{target}'")
    report = current_progress()
    loaded = load(home, reasoner=reasoner).with_shapes()
    named = loaded.named_graphs("graph")
    if any(not isinstance(g, ox.NamedNode) for g in named):
        raise HomeError("the data has a named graph with a blank node as its name; a server can only hold graphs named by IRIs")
    # Whether the home conforms, for stats, and the results behind it (remembered by the local cache; ~100 s once for a 1M-triple home).
    results = _results(home, loaded) if check else None
    conforms, validation = figures(results) if results is not None else (None, None)
    split = _submissions(home, loaded)
    queries = {name: path.read_text(encoding="utf-8") for name, path in home.query_files().items()}
    remote = resolve(target)
    client = remote.client
    meta_graph = client.graph(META.value)
    token = ox.Quad(HOME, PUSHING, ox.Literal(uuid.uuid4().hex), ox.NamedNode(meta_graph))
    old = read_meta(client, complete=False) or {}
    graphs = [*KGTOOL_GRAPHS, *(submission_graph(i) for i in split.graphs), *named]
    listed = sorted({*old.get("graphs", []), *(g.value for g in graphs)})  # kgtool's names; the server's come from client.graph
    # (1) from here the home on the server is incomplete
    before = int(old.get("generation") or 0)  # kept while incomplete, so that generations only grow (compare-and-swap)
    pending = [token, ox.Quad(HOME, PREVIOUS, ox.Literal(str(before), datatype=ox.NamedNode(XSD + "integer")), token.graph_name)]
    client.update(f"DROP SILENT GRAPH <{meta_graph}> ;\n" + _insert([*pending, *(ox.Quad(HOME, HOLDS, ox.NamedNode(g), token.graph_name) for g in listed)]))
    # (2) the graphs, replaced (dropping a million quads takes Oxigraph about a minute: no time limit)
    client.update(" ;\n".join(f"DROP SILENT GRAPH <{client.graph(g)}>" for g in listed), timeout=0)
    total = sum(loaded.counts.get(part, 0) for part in ("ontology", "data", "shapes", "inferred", "named")) + len(queries)
    sent = {"quads": 0}

    closure = loaded.path / SCHEMA_FILE if loaded.path is not None else None
    closure_text = closure.read_text(encoding="utf-8") if closure is not None and closure.is_file() else None

    def source(g: ox.NamedNode) -> Iterator[ox.Quad]:
        if g == QUERIES:
            return _query_quads(queries, closure_text)
        ident = submission_id(g.value)
        if ident is not None:
            return (ox.Quad(t.subject, t.predicate, t.object, g) for t in split.graphs[ident])
        quads = loaded.store.quads_for_pattern(None, None, None, g)
        return (q for q in quads if q.triple not in split.held) if g == DATA and split.held else quads

    def quads(chosen=graphs, keep=None) -> Iterator[ox.Quad]:
        for g in chosen:
            server = ox.NamedNode(client.graph(g.value))
            for q in source(g):
                if keep is not None and not keep(q):
                    continue
                sent["quads"] += 1
                if sent["quads"] % 50_000 == 0:
                    report("pushing", sent["quads"], total)
                yield q if server == g else ox.Quad(q.subject, q.predicate, q.object, server)

    if remote.endpoints.store and remote.endpoints.dataset:  # Oxigraph's /store: the whole dataset in one request
        client.post_dataset(chunks(_nquads(quads())), timeout=0)
    elif remote.endpoints.store:  # the Graph Store Protocol: each graph as N-Triples, its values as data (not SPARQL text)
        inserted = _post_graphs(client, graphs, source, quads)
        sent["quads"] += inserted
    else:  # no Graph Store: INSERTs of a few hundred triples (Virtuoso refuses big ones), blank nodes kept together
        for part in _apart(quads()):
            client.update(b"".join(_insert_stream(iter(part))).decode("utf-8"), timeout=0)
    # (3) the meta graph, last, while the token is this push's
    generation = before + 1
    state = {
        "reasoner": loaded.reasoner,
        "prefixes": loaded.prefixes,
        "counts": loaded.counts,
        "files": {
            "ontology": len(home.ontology_files()),
            "data": len(home.data_files()),
            "shapes": len(home.shape_files()),
            "queries": len(queries),
        },
        "named_graphs": [g.value for g in named],
        "conforms": conforms,
        "validation": validation,
        "submissions": list(split.graphs),
        "judged": results is not None,  # the results are in the meta graph (conformance.py)
    }
    meta = [
        ox.Triple(HOME, GENERATION, ox.Literal(str(generation), datatype=ox.NamedNode(XSD + "integer"))),
        ox.Triple(HOME, VERSION, ox.Literal(__version__)),
        ox.Triple(HOME, PUSH, token.object),
        ox.Triple(HOME, STATE, ox.Literal(json.dumps(state))),  # keys in their order: prefixes are tried in order
        *(ox.Triple(HOME, HOLDS, g) for g in graphs),
        *(ox.Triple(RESULTS, RESULT, ox.Literal(r)) for r in results or ()),
    ]
    body = ox.serialize(meta, None, ox.RdfFormat.N_TRIPLES).decode("utf-8")
    client.update(
        f"DELETE {{ GRAPH <{meta_graph}> {{ ?s ?p ?o }} }}\nINSERT {{ GRAPH <{meta_graph}> {{\n{body}}} }}\n"
        f"WHERE {{ GRAPH <{meta_graph}> {{ {token.subject} {token.predicate} {token.object} . ?s ?p ?o }} }}"
    )
    landed = read_meta(client)
    if landed is None or landed.get("push") != token.object.value:
        client.update(f"DROP SILENT GRAPH <{meta_graph}>")  # the graphs may mix two pushes: incomplete, not wrong
        raise RemoteError(
            f"another push to {remote.root} overlapped this one; the home there is left incomplete: push again"
        )
    return Pushed(remote.root, sent["quads"], len(graphs), generation)


@dataclass
class Split:
    """The home's data graph parted as a server keeps it: each data/submissions/*.ttl file's triples (by id, oldest first), and all they hold."""

    graphs: dict
    held: set


def _submissions(home, loaded) -> Split:
    """Each submission file's triples, as the store holds them (its blank nodes named as the store's build named them);
    a triple of two submissions goes with the first only, so that no triple is in two of the data graphs."""
    from .. import rdfio
    from ..rdfmerge import content_seed
    from ..submission import SUBMISSIONS_DIR

    folder = home.root / SUBMISSIONS_DIR
    graphs: dict = {}
    held: set = set()
    for path in sorted(p for p in home.data_files() if p.parent == folder and p.suffix == ".ttl"):
        rel = home.relative(path)
        parsed = rdfio.parse_file(path, display=rel, seed=content_seed(path.read_bytes()))
        stored = []  # as the store writes them: a literal in its canonical form ("…34.695240Z" as "…34.69524Z"), as the data graph gives it
        for t in dict.fromkeys(parsed.triples):
            q = next(iter(loaded.store.quads_for_pattern(t.subject, t.predicate, t.object, DATA)), None)
            if q is None:
                raise HomeError(f"{rel} changed while the home was read; push again")
            stored.append(q.triple)
        mine = [t for t in dict.fromkeys(stored) if t not in held]
        graphs[path.stem] = mine
        held.update(mine)
    return Split(graphs, held)


def _results(home, loaded) -> list[str]:
    """The identities of the whole home's validation results (conformance.py), remembered with the store."""
    from .. import validation
    from ..fsutil import atomic_write
    from .conformance import of_report

    memo = loaded.path / "kgtool-remote-results.json" if loaded.path is not None else None
    if memo is not None and memo.is_file():
        return json.loads(memo.read_text(encoding="utf-8"))
    found = of_report(validation.validate_home(home, loaded))
    if memo is not None:
        try:
            atomic_write(memo, json.dumps(found).encode("utf-8"), fsync=False)
        except OSError:
            pass
    return found


def _query_quads(queries: dict[str, str], closure: str | None) -> Iterator[ox.Quad]:
    """The queries graph: each named query's name and text, and the closed schema the kgtool reasoner's rules come from."""
    for name, text in sorted(queries.items()):
        node = query_node(name)
        yield ox.Quad(node, NAME, ox.Literal(name), QUERIES)
        yield ox.Quad(node, TEXT, ox.Literal(text), QUERIES)
    if closure is not None:
        yield ox.Quad(SCHEMA_CLOSURE, TEXT, ox.Literal(closure), QUERIES)


def _batches(quads: Iterator[ox.Quad]) -> Iterator[list[ox.Quad]]:
    batch: list[ox.Quad] = []
    for q in quads:
        batch.append(q)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _nquads(quads: Iterator[ox.Quad]) -> Iterator[bytes]:
    for batch in _batches(quads):
        yield ox.serialize(batch, None, ox.RdfFormat.N_QUADS)


MARK = ox.NamedNode("urn:kgtool:blank-node")  # a blank node's label while push names it in several requests (then deleted)
MARKED = 200  # quads per INSERT of the blank nodes found in several graphs


def _post_graphs(client, graphs: list, source, quads) -> int:
    """Send each graph to the Graph Store in its own request; return how many quads went in by INSERT instead.

    Each request names its blank nodes afresh, so a blank node found in several graphs would become one node per
    graph. Such a node goes with its first graph, marked there with its label (MARK); a quad that names it in another
    graph is inserted afterwards, its nodes found by their marks (Virtuoso 7.2 fails an INSERT template of several
    graphs with a blank node or a variable, and has no BNODE()); then the marks are deleted.
    """
    first: dict = {}
    several: set = set()
    for g in graphs:
        for q in source(g):
            for b in _blanks(q):
                if first.setdefault(b, g) != g:
                    several.add(b)
    later: list[ox.Quad] = []  # quads naming a blank node whose first graph is another
    marks: dict = {}  # blank node -> the graph that holds its mark
    if several:
        for g in graphs:
            for q in source(g):
                if any(first[b] != g for b in _blanks(q)):
                    later.append(q)
                    for b in _blanks(q):
                        marks[b] = first[b]
    for g in graphs:
        keep = (lambda q, g=g: not any(first[b] != g for b in _blanks(q))) if several else None
        own = [ox.Quad(b, MARK, ox.Literal(b.value), g) for b, home in marks.items() if home == g]
        body = chunks(_ntriples(itertools.chain(quads([g], keep), own)))
        head = next(body, None)
        if head is not None:
            client.post_graph(client.graph(g.value), itertools.chain([head], body), timeout=0)
    by_graph: dict = {}
    for q in later:
        by_graph.setdefault(q.graph_name, []).append(q)
    for g, found in by_graph.items():  # one graph per INSERT: Virtuoso 7.2 fails a template of several with variables
        for start in range(0, len(found), MARKED):
            part = found[start : start + MARKED]
            names: dict = {}
            for q in part:
                for b in _blanks(q):
                    names.setdefault(b, f"?b{len(names)}")
            term = lambda t: names.get(t, str(t))  # noqa: E731
            template = " ".join(f"{term(q.subject)} {q.predicate} {term(q.object)} ." for q in part)
            where = " ".join(f"GRAPH <{client.graph(marks[b].value)}> {{ {v} {MARK} {ox.Literal(b.value)} }}" for b, v in names.items())
            client.update(f"INSERT {{ GRAPH <{client.graph(g.value)}> {{ {template} }} }}\nWHERE {{ {where} }}", timeout=0)
    for g in sorted({home.value for home in marks.values()}):
        client.update(f"DELETE WHERE {{ GRAPH <{client.graph(g)}> {{ ?b {MARK} ?label }} }}", timeout=0)
    return len(later)


def _blanks(q: ox.Quad) -> list:
    return [t for t in (q.subject, q.object) if isinstance(t, ox.BlankNode)]


def _ntriples(quads: Iterator[ox.Quad]) -> Iterator[bytes]:
    for batch in _batches(quads):
        yield ox.serialize([q.triple for q in batch], None, ox.RdfFormat.N_TRIPLES)


def _insert_stream(quads: Iterator[ox.Quad]) -> Iterator[bytes]:
    """INSERT { GRAPH <g> { N-Triples lines } ... } WHERE {}: N-Triples is valid SPARQL triple syntax, and a template
    (unlike INSERT DATA on Virtuoso) may hold blank nodes, one fresh node per label for the one solution of WHERE {}."""
    yield b"INSERT {\n"
    graph = None
    for batch in _batches(quads):
        start = 0
        for i in range(len(batch) + 1):
            if i < len(batch) and batch[i].graph_name == graph:
                continue
            if i > start:  # a run of quads in `graph`
                yield ox.serialize([q.triple for q in batch[start:i]], None, ox.RdfFormat.N_TRIPLES)
            if i < len(batch):
                if graph is not None:
                    yield b"}\n"
                graph = batch[i].graph_name
                yield f"GRAPH <{graph.value}> {{\n".encode()
                start = i
    if graph is not None:
        yield b"}\n"
    yield b"} WHERE {}\n"


def _apart(quads: Iterator[ox.Quad], size: int = INSERT_SIZE) -> Iterator[list[ox.Quad]]:
    """The quads in groups of about `size`, every quad of a blank node's group (the blank nodes that share a quad,
    in any graph) in one: each update names its blank nodes afresh, so a node split across two would become two."""
    plain: list[ox.Quad] = []
    parent: dict = {}

    def root(b):
        while parent[b] is not b:
            parent[b] = parent[parent[b]]
            b = parent[b]
        return b

    blank: list[ox.Quad] = []
    for q in quads:
        nodes = [t for t in (q.subject, q.object) if isinstance(t, ox.BlankNode)]
        if not nodes:
            plain.append(q)
            if len(plain) >= size:
                yield plain
                plain = []
            continue
        blank.append(q)
        for b in nodes:
            parent.setdefault(b, b)
        if len(nodes) == 2:
            parent[root(nodes[0])] = root(nodes[1])
    groups: dict = {}
    for q in blank:
        b = q.subject if isinstance(q.subject, ox.BlankNode) else q.object
        groups.setdefault(root(b), []).append(q)
    for group in groups.values():
        plain += group
        if len(plain) >= size:
            yield plain
            plain = []
    if plain:
        yield plain


def _insert(quads: list[ox.Quad]) -> str:
    return b"".join(_insert_stream(iter(quads))).decode("utf-8")
