"""The home's graph in an on-disk Oxigraph store with its OWL RL entailments, cached until a file changes: `load`.

The cache lives in the home's state directory as `cache/store-<key>/`, where the key is a
digest of every ontology, data and shapes file (names and contents) plus the reasoner
(`cache.py`: a file's digest is remembered against its stat, racy-git rule included).

When the key changes, the new store starts from a copy of the closest old one (a RocksDB
checkpoint: hard links) and redoes only what changed (`build.py`): shapes alone → replace the
shapes graph (no reasoning); data files only added → parse the new files alone and, with the
`kgtool` reasoner, extend the entailments with what the new triples entail (OWL RL is
monotone; `reasoning.incremental`), unless they touch the schema; a reasoner change → only
the entailments.

Named graphs of TriG and N-Quads data files are kept as themselves: a triple in graph G of a
data file is in the store's graph G, beside kgtool's own graphs (urn:kgtool:graph:*), so a
query sees them with GRAPH and its default graph (ontology + data + entailments) does not.
They are asserted only: reasoning runs over the default graph.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from pathlib import Path

import pyoxigraph as ox

from .. import reasoning
from ..errors import KgError, UsageError
from ..home import Home, exclusive_lock
from ..progress import Report as Progress
from ..progress import current as current_progress
from ..vocab import WELL_KNOWN
from .cache import DUMP, SHAPES_DUMP, Wanted, digests, read_meta
from .graphs import DATA, INFERRED, ONTOLOGY, PARTS, SHAPES, user_graphs

__all__ = ["DATA", "INFERRED", "ONTOLOGY", "PARTS", "SHAPES", "Loaded", "load", "user_graphs"]


@dataclass
class Loaded:
    """The home's graph, open for queries: read-only, except that `with_shapes` adds the shapes to a store held in memory."""

    home: Home
    store: ox.Store
    prefixes: dict[str, str]
    counts: dict[str, int] = field(default_factory=dict)
    built: bool = False  # True when this call rebuilt the cache
    path: Path | None = None  # the store's directory (memos about this state of the home live there)
    reasoner: str = ""
    rebuilt: list[str] = field(default_factory=list)  # what this call redid: parts parsed, "reasoning"
    # The hashes of every term of the store's graphs, when known (a staged import's store keeps
    # them): the reasoner's view then looks up no term outside them (reasoning.incremental.StoreView).
    seen: Any = None  # a set[int] or reasoning.termfilter.TermFilter
    _shapes_loaded: bool = False

    def graphs(self, part: str = "graph", inferred: bool = False) -> list[ox.NamedNode]:
        """kgtool's graphs that make up a part: a query's default graph is their union."""
        return PARTS[part] + ([INFERRED] if inferred else [])

    def named_graphs(self, part: str = "graph") -> list:
        """The named graphs of the data files (IRIs or blank nodes), sorted: what a query's GRAPH sees.

        Pass them as `named_graphs=` to `Store.query`; they are not part of `graphs()`, so the
        default graph does not hold their triples (SPARQL 1.1 dataset, §13). Only the parts that
        hold the data (graph, data, all) have named graphs.
        """
        return user_graphs(self.store) if DATA in PARTS[part] else []

    def named_quads(self, part: str = "graph"):
        """The quads of the data's named graphs (for export), graph by graph."""
        for g in self.named_graphs(part):
            yield from self.store.quads_for_pattern(None, None, None, g)

    def with_shapes(self) -> Loaded:
        """Make sure the shapes graph is in the store (an in-memory store loads it on demand)."""
        dump = self.path / SHAPES_DUMP if self.path is not None else None
        if dump is not None and not self._shapes_loaded and dump.is_file():
            self.store.extend(ox.parse(path=str(dump), format=ox.RdfFormat.N_QUADS))
        self._shapes_loaded = True
        return self

    def triples(self, part: str = "graph", inferred: bool = False):
        """The distinct triples of a part (plus entailments), as pyoxigraph Triples in store order."""
        graphs = self.graphs(part, inferred)
        if SHAPES in graphs:
            self.with_shapes()
        if len(graphs) == 1:
            for q in self.store.quads_for_pattern(None, None, None, graphs[0]):
                yield q.triple
            return
        # The same triple may sit in several parts: let the store's SPARQL dedupe it.
        yield from self.store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", default_graph=graphs)


def load(home: Home, reasoner: str | None = None, progress: Progress | None = None) -> Loaded:
    """Open the cached store of the home's graph, building it first when a file or the reasoner has changed."""
    progress = progress or current_progress()
    reasoner = reasoner or reasoning.default_reasoner()
    if reasoner not in reasoning.REASONERS:
        raise UsageError(f"unknown reasoner '{reasoner}' (known: {', '.join(reasoning.REASONERS)})")
    cache = home.state_dir() / "cache"
    cache.mkdir(exist_ok=True)
    wanted = wanted_state(home, reasoner)
    final = cache / f"store-{wanted.key()}"
    built = False
    meta = read_meta(final)
    if meta is None:
        with exclusive_lock(cache / "build.lock"):
            meta = read_meta(final)  # another process may have built it meanwhile
            if meta is None:
                from .build import build  # not at import time: a warm query never builds

                meta = build(home, cache, final, wanted, progress)
                built = True
    return Loaded(
        home,
        _open(final),
        _merged_prefixes(home, meta),
        counts=meta["counts"],
        built=built,
        path=final,
        reasoner=reasoner,
        rebuilt=meta.get("rebuilt", []) if built else [],
    )


def wanted_state(home: Home, reasoner: str) -> Wanted:
    """The home's state as it is now (its files' digests, by part) under `reasoner`: what names its store in the cache."""
    parts = {"ontology": home.ontology_files(), "data": home.data_files(), "shapes": home.shape_files()}
    every = digests(home, [p for files in parts.values() for p in files], home.state_dir() / "digests.json")
    return Wanted({part: {home.relative(p): every[home.relative(p)] for p in files} for part, files in parts.items()}, reasoner)


def _open(final: Path) -> ox.Store:
    """The store built at `final`: in memory from its dump when it has one, else RocksDB read-only."""
    try:
        if (final / DUMP).is_file():
            store = ox.Store()  # parse, not bulk_load: it keeps the blank node labels, so output is stable
            store.extend(ox.parse(path=str(final / DUMP), format=ox.RdfFormat.N_QUADS))
            return store
        return ox.Store.read_only(str(final))
    except (OSError, SyntaxError) as e:
        import shutil

        shutil.rmtree(final, ignore_errors=True)
        raise KgError(f"the cache at {final} was unreadable and has been removed; run the command again ({e})") from e


def _merged_prefixes(home: Home, meta: dict) -> dict[str, str]:
    """WELL_KNOWN, overridden by the prefixes of the ontology, data and shapes files (first declared wins)."""
    merged: dict[str, str] = {}
    for part in ("ontology", "data", "shapes"):
        for rel in sorted(meta["files"][part]):
            for name, ns in meta["prefixes"].get(rel, {}).items():
                merged.setdefault(name, ns)
    out = dict(WELL_KNOWN)
    out.update(merged)
    return out
