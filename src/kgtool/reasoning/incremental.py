"""The entailments kept in a store's graph: extended with what added triples entail, or recomputed, by the reasoner chosen."""

from __future__ import annotations

from itertools import chain
from pathlib import Path

import pyoxigraph as ox

from ..progress import Report as Progress
from ..vocab import OWL
from . import Graphs, general, own
from .compiled import Rules
from .engine import Engine, Known
from .noise import is_noise
from .ntriples import CHAIN_PREFIX, Terms, Triple, Unsupported, from_ox, is_schema, parse_lines, write_lines


def update(store: ox.Store, graphs: Graphs, reasoner: str, schema_file: Path, added: list[ox.Triple] | None, as_text: dict, progress: Progress | None) -> str:
    """Make `graphs.inferred` hold the entailments of `graphs.asserted`, less noise.

    `added`: the triples new to a store whose entailments were up to date before them (kgtool's
    reasoner then extends the entailments, unless the rules cannot), or None. `schema_file`: the
    closed schema the kgtool reasoner compiled its rules from (kept for the next extension).
    `as_text`: the N-Triples of asserted graphs at hand, by graph. Returns what was done:
    "reasoning (incremental)" or "reasoning".
    """
    if reasoner != "kgtool":
        in_full(store, graphs, reasoner, progress)
        return "reasoning"
    if added is not None and _extend(store, graphs, added, schema_file, progress):
        return "reasoning (incremental)"
    _recompute(store, graphs, schema_file, as_text, progress)
    return "reasoning"


def in_full(store: ox.Store, graphs: Graphs, reasoner: str, progress: Progress | None) -> None:
    """The entailments by a general reasoner (one of `general.NAMES`), from scratch, on pyoxigraph terms."""
    asserted = [q.triple for g in graphs.asserted for q in store.quads_for_pattern(None, None, None, g)]
    inferred = general.entailments(asserted, reasoner, progress)
    store.clear_graph(graphs.inferred)
    if progress:
        progress("storing the entailments", 0, None)
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, graphs.inferred) for t in inferred)


def extend(store: ox.Store, graphs: Graphs, added: list[ox.Triple], schema_file: Path, progress: Progress | None = None, seen: set[int] | None = None) -> bool:
    """Add what `added` (a chunk of data, stored before or after this) entails to the entailments in the store; False when the compiled rules cannot.

    `seen`: when the caller knows every term the store holds, the hashes of their N-Triples
    strings (`terms_of`): a term not among them is looked up in no graph, and the terms of
    `added` and of what it entails join them.
    """
    return _extend(store, graphs, added, schema_file, progress, seen)


def terms_of(store: ox.Store, graphs: Graphs) -> set[int]:
    """The hashes of the terms (subjects, predicates, objects) of the asserted graphs and the entailments, for `extend`."""
    return {hash(str(term)) for g in (*graphs.asserted, graphs.inferred) for q in store.quads_for_pattern(None, None, None, g) for term in (q.subject, q.predicate, q.object)}


def _extend(store: ox.Store, graphs: Graphs, added: list[ox.Triple], schema_file: Path, progress: Progress | None, seen: set[int] | None = None) -> bool:
    """Add what `added` entails to the entailments in the store, by the compiled rules; False when they cannot.

    `added` may repeat triples the store holds already (a chunk of a data file, loaded into the
    store before this): those entail nothing new, and any of them that was an entailment is
    taken out of `graphs.inferred` (asserted now). A schema triple the store does not hold yet
    makes it False (the rules would change).
    """
    if not schema_file.is_file():
        return False
    new = from_ox(added)
    try:
        rules = Rules(set(parse_lines(schema_file.read_bytes())))
        view = StoreView(store, graphs, rules.stand_ins, seen)
        if any(is_schema(t) and not view.has(t) for t in new):
            return False
        engine = Engine(rules, view, progress)
        engine.seed(new)
        engine.run()
        inferred = [t for t in engine.facts if t not in new and not is_noise(t)]
        if any(is_schema(t) for t in inferred):
            raise Unsupported("the new data entails schema triples")
    except Unsupported:
        return False
    asserted_now = [t for t in new if view.inferred(t)]  # asserted now: no longer an entailment
    if asserted_now:
        for q in ox.parse(write_lines(asserted_now, str(graphs.inferred)).encode("utf-8"), ox.RdfFormat.N_QUADS):
            store.remove(q)
    store_lines(store, inferred, graphs.inferred)
    if seen is not None:
        seen.update(map(hash, chain.from_iterable(new)), map(hash, chain.from_iterable(inferred)))
    return True


def _recompute(store: ox.Store, graphs: Graphs, schema_file: Path, as_text: dict, progress: Progress | None) -> None:
    """The entailments by kgtool's reasoner from scratch (or by the general one, for quoted triples)."""
    try:
        asserted = {t for g in graphs.asserted for t in parse_lines(_text(store, g, as_text.pop(g, None)))}
    except Unsupported:  # quoted triples: the general reasoner, on pyoxigraph terms
        in_full(store, graphs, general.schema_reasoner(), progress)
        schema_file.unlink(missing_ok=True)
        return
    schema_closure = own.close_schema({t for t in asserted if is_schema(t)})
    inferred = own.infer(asserted, progress, schema_closure)
    del asserted
    store.clear_graph(graphs.inferred)
    if progress:
        progress("storing the entailments", 0, None)
    store_lines(store, inferred, graphs.inferred)
    schema_file.write_text(write_lines(sorted(schema_closure)), encoding="utf-8")


def _text(store: ox.Store, graph: ox.NamedNode, text: bytes | None) -> bytes:
    """The N-Triples of a graph: `text` when at hand (parsed whole by the build), else dumped from the store."""
    return store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph) if text is None else text


def store_lines(store: ox.Store, triples, graph: ox.NamedNode) -> None:
    """Add the engine's N-Triples string triples to `graph` of the store, in one bulk load."""
    store.bulk_extend(ox.parse(write_lines(triples, str(graph)).encode("utf-8"), ox.RdfFormat.N_QUADS))


class StoreView(Known):
    """The closure already in a store (asserted graphs and entailments) as the engine looks it up.

    What the store says about a subject is read once, graph by graph, and kept (`_node`): the
    engine asks about the same nodes again and again (the types of a node, its values), and one
    lookup per node costs less than one per triple. The store must not change while a view is
    used (a new view per extension).
    """

    def __init__(self, store: ox.Store, graphs: Graphs, stand_ins: dict[str, tuple[str, str]], seen: set[int] | None = None):
        self.store = store
        self.seen = seen  # the hashes of every term in the store, when known (see `extend`; a set or a termfilter.TermFilter): others are looked up nowhere
        self.graphs = (*graphs.asserted, graphs.inferred)
        self.inferred_graph = graphs.inferred
        self.stand_ins = stand_ins  # the chain stand-in predicates (not stored): joins of two stored ones
        self.term = Terms()
        self._nodes: dict[str, dict[str, dict[str, int]] | None] = {}  # subject -> predicate -> object -> ASSERTED | INFERRED bits (None: LARGE)
        same = ox.NamedNode(OWL + "sameAs")
        self.equalities = any(next(iter(store.quads_for_pattern(None, same, None, g)), None) is not None for g in self.graphs)

    def _quads(self, s, p, o):
        for g in self.graphs:
            yield from self.store.quads_for_pattern(s, p, o, g)

    def _node(self, s: str) -> dict[str, dict[str, int]] | None:
        """{predicate: {object: where}} of the triples with subject `s` in the store (`where`: ASSERTED, INFERRED bits);
        None for a subject of more than LARGE triples, looked up triple by triple instead.

        A hub (a dataset release every row derives from, with the inverse of each row's link to
        it) holds millions of triples: reading them all again for each chunk made an import's
        chunks slower as the home grew."""
        found = self._nodes.get(s, _UNREAD)
        if found is _UNREAD:
            found = self._nodes[s] = {}
            if self.seen is not None and hash(s) not in self.seen:
                return found
            node = self.term(s)
            read = 0
            for g in self.graphs:
                bit = INFERRED_BIT if g == self.inferred_graph else ASSERTED_BIT
                for q in self.store.quads_for_pattern(node, None, None, g):
                    objects = found.setdefault(str(q.predicate), {})
                    o = str(q.object)
                    objects[o] = objects.get(o, 0) | bit
                    read += 1
                    if read > LARGE:
                        found = self._nodes[s] = None
                        return found
        return found

    def _where(self, t: Triple) -> int:
        """Where the store holds `t`: ASSERTED_BIT | INFERRED_BIT, 0 if nowhere."""
        s, p, o = t
        if s[0] == '"' or p[0] != "<" or p.startswith(CHAIN_PREFIX):
            return 0
        node = self._node(s)
        if node is None:
            return self._lookup(s, p, o)
        where = node.get(p, {}).get(o, 0) if node else 0
        if not where and node and "^^" in o and o[0] == '"':
            return self._lookup(s, p, o)  # a typed literal may be stored in another lexical form (oxigraph#526): ask the store
        return where

    def _lookup(self, s: str, p: str, o: str) -> int:
        """Where the store holds the triple, asked of the store (it matches a typed literal by value)."""
        where = 0
        terms = (self.term(s), self.term(p), self.term(o))
        for g in self.graphs:
            if next(iter(self.store.quads_for_pattern(*terms, g)), None) is not None:
                where |= INFERRED_BIT if g == self.inferred_graph else ASSERTED_BIT
        return where

    def has(self, t: Triple) -> bool:
        return self._where(t) != 0

    def inferred(self, t: Triple) -> bool:
        """Whether the store holds `t` among the entailments."""
        return bool(self._where(t) & INFERRED_BIT)

    def known(self, triples: list[Triple]) -> set[Triple]:
        """Those of `triples` in the store (one lookup per subject)."""
        return {t for t in triples if self.has(t)}

    def objects(self, p: str, s: str) -> list[str]:
        if s[0] == '"':
            return []
        if p in self.stand_ins:
            first, second = self.stand_ins[p]
            return [z for m in self.objects(first, s) for z in self.objects(second, m)]
        node = self._node(s)
        if node is None:
            return list(dict.fromkeys(str(q.object) for q in self._quads(self.term(s), self.term(p), None)))
        return list(node.get(p, ()))

    def subjects(self, p: str, o: str) -> list[str]:
        if p in self.stand_ins:
            first, second = self.stand_ins[p]
            return [w for m in self.subjects(second, o) for w in self.subjects(first, m)]
        if self.seen is not None and hash(o) not in self.seen and "^^" not in o:  # (a typed literal may be stored in another form)
            return []
        return [str(q.subject) for q in self._quads(None, self.term(p), self.term(o))]

    def about(self, x: str) -> list[Triple]:
        if self.seen is not None and hash(x) not in self.seen and "^^" not in x:
            return []
        node = self.term(x)
        quads = list(self._quads(None, None, node))
        if x[0] != '"':
            quads += self._quads(node, None, None)
        if x[0] == "<":
            quads += self._quads(None, node, None)
        return [(str(q.subject), str(q.predicate), str(q.object)) for q in quads]


ASSERTED_BIT, INFERRED_BIT = 1, 2
LARGE = 2000  # a subject of more triples than this is not read whole into a view (StoreView._node)
_UNREAD = object()
