"""Building the store of a state of the home: from an older store when one is close, redoing only what changed, then reasoning, counting, dumping."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pyoxigraph as ox

from .. import __version__, reasoning
from ..errors import LimitError
from ..home import Home
from ..progress import Report as Progress
from .cache import CACHE_FORMAT, DUMP, FROM_SCRATCH, META, SCHEMA_CLOSURE, SHAPES_DUMP, Plan, Wanted, best_base, plan, read_meta
from .graphs import DATA, INFERRED, ONTOLOGY, REASONED, SHAPES, user_graphs

IN_MEMORY_MAX_QUADS = 10_000  # a store this small is also dumped as N-Quads (see cache.DUMP)
# Triples of a data file parsed, reasoned over and stored at a time: memory follows this, not the data.
# At 1M triples, 250k a chunk built in the time of 1M (and 0.54 GB against 1.7 GB).
CHUNK_TRIPLES = 250_000


def build(home: Home, cache: Path, final: Path, wanted: Wanted, progress: Progress | None) -> dict:
    """Build the store of `wanted` at `final` (under the cache's lock), from the closest older store; returns its meta.

    The older stores kept are the newest of each other reasoner for this same state, and the
    store this one was built from: deleting the file an `add` wrote (the way to revert it) then
    finds that state's store again instead of rebuilding (at 10M triples: ~12 minutes). A store
    built from another is a checkpoint of it (hard links), so keeping both costs little disk.
    """
    import shutil
    import tempfile

    base = best_base(cache, final, wanted)
    tmp = Path(tempfile.mkdtemp(prefix="building-", dir=cache))
    try:
        try:
            meta = _build(home, tmp, wanted, base, progress)
        except MemoryError:  # Oxigraph's 16 MiB buffer, reading back kgtool's own N-Triples
            raise LimitError("a literal or IRI of the home's graph is too close to the limit of 16 MiB for kgtool's reasoner; shorten it") from None
        if final.exists():
            shutil.rmtree(final)
        os.rename(tmp, final)
    except BaseException as e:
        # The frames of the error hold the store: RocksDB, still open, would write into `tmp`
        # while it is removed (a file in error past the first chunks, when some are stored).
        _release(e)
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    for old in cache.glob("store-*"):
        if old not in (final, base) and not old.name.startswith(final.name.split(f"-{wanted.reasoner}-")[0] + "-"):
            shutil.rmtree(old, ignore_errors=True)
    return meta


def chunk_size() -> int:
    """Triples parsed, reasoned and stored at a time: $KGTOOL_BUILD_CHUNK, else CHUNK_TRIPLES."""
    value = os.environ.get("KGTOOL_BUILD_CHUNK", "").strip()
    return int(value) if value.isdigit() and int(value) > 0 else CHUNK_TRIPLES


def _build(home: Home, target: Path, wanted: Wanted, base: Path | None, progress: Progress | None) -> dict:
    """Fill `target` with the store of `wanted`, reusing `base` (an older store) where it can.

    The data files are read a chunk at a time (`chunk_size()` triples): with the `kgtool`
    reasoner, each chunk's entailments are added to those of the store before it (OWL RL is
    monotone: chunk after chunk gives the closure of the whole), so memory follows the chunk,
    not the data. That holds for a build from scratch too: the ontology is reasoned over first,
    alone, then the data comes in chunks. When a chunk cannot be reasoned that way (it holds or
    entails schema triples, or the schema is beyond the compiled rules), the rest is only
    loaded, and the entailments are computed from scratch at the end.
    """
    old = read_meta(base) if base is not None else None
    if old is not None:
        todo = plan(old, wanted)
        checkpoint(base, target)
        prefixes = old["prefixes"]
    else:
        todo, prefixes = FROM_SCRATCH, {}
    prefixes = {rel: p for rel, p in prefixes.items() if any(rel in wanted.files[part] for part in ("ontology", "data", "shapes"))}
    store = ox.Store(str(target))
    kgtool = todo.reasoning and wanted.reasoner == "kgtool"
    schema_file = target / SCHEMA_CLOSURE
    parsed = dict(old.get("parsed", {})) if old is not None else {}
    loader = _Loader(home, store, todo, wanted, old["files"]["data"] if old else {}, prefixes, parsed, progress)
    loader.schema_parts()
    redo = [part for part, parse in (("ontology", todo.ontology), ("data", todo.data != "same"), ("shapes", todo.shapes)) if parse]
    if todo.data == "all":
        loader.clear_data()
    # Whether the data can be reasoned over chunk by chunk, on top of the closure of what the store holds before it.
    extending = kgtool and (todo.data == "all" or (todo.data == "added" and not todo.ontology and old["reasoner"] == "kgtool" and schema_file.is_file()))
    if extending and todo.data == "all":  # the closure of the ontology alone, first
        reasoning.update(store, REASONED, "kgtool", schema_file, None, loader.as_text, progress)
    reasoned = loader.data(schema_file if extending and schema_file.is_file() else None)
    if todo.reasoning:
        if reasoned:
            redo.append("reasoning (incremental)" if todo.data == "added" else "reasoning")
        else:
            redo.append(reasoning.update(store, REASONED, wanted.reasoner, schema_file, None, loader.as_text, progress))
    store.flush()
    counts = _finish(store, target, todo, progress)
    overlap = _overlap(store)
    del store
    meta = {
        "format": CACHE_FORMAT,
        "version": __version__,
        "reasoner": wanted.reasoner,
        "files": wanted.files,
        "prefixes": prefixes,
        "counts": counts,
        "parsed": parsed,  # triples parsed from the files, by graph: more than `counts` when files repeat a triple
        "overlap": overlap,  # triples both in the ontology and in the data
        "rebuilt": redo,
    }
    (target / META).write_text(json.dumps(meta, indent=1), encoding="utf-8")
    return meta


class _Loader:
    """Parses the files the plan redoes into their graphs, recording in `prefixes` and `parsed` what it read (by part)."""

    def __init__(self, home: Home, store: ox.Store, todo: Plan, wanted: Wanted, old_data: dict, prefixes: dict, parsed: dict, progress: Progress | None):
        self.home, self.store, self.todo, self.prefixes, self.parsed, self.progress = home, store, todo, prefixes, parsed, progress
        self.as_text: dict = {}  # the N-Triples of the ontology when parsed whole here (quicker for the reasoner than a dump)
        self.ontology = wanted.files["ontology"] if todo.ontology else {}
        self.shapes = wanted.files["shapes"] if todo.shapes else {}
        if todo.data == "all":
            self.data_files = wanted.files["data"]
        elif todo.data == "added":
            self.data_files = {rel: d for rel, d in wanted.files["data"].items() if rel not in old_data}
        else:
            self.data_files = {}
        self.kgtool = todo.reasoning and wanted.reasoner == "kgtool"
        self.total = len(self.ontology) + len(self.shapes) + len(self.data_files)
        self.done = 0

    def schema_parts(self) -> None:
        """Parse the ontology and the shapes when the plan redoes them (small: whole)."""
        for part, graph, rels in (("ontology", ONTOLOGY, self.ontology), ("shapes", SHAPES, self.shapes)):
            if not getattr(self.todo, part):
                continue
            self.store.clear_graph(graph)
            triples: list[ox.Triple] = []
            for rel in sorted(rels):
                chunks = self._chunks(rel, named_graphs=False, size=1 << 62)
                for chunk, _named in chunks:
                    triples.extend(chunk)
                self._parsed(rel, chunks)
            self.parsed[part] = len(triples)
            self.store.bulk_extend(_quads(triples, graph))
            if graph == ONTOLOGY and self.kgtool:
                self.as_text[ONTOLOGY] = ox.serialize(triples, None, ox.RdfFormat.N_TRIPLES)

    def clear_data(self) -> None:
        """Empty the data graph and the data's named graphs (before the data is parsed again)."""
        self.store.clear_graph(DATA)
        for g in user_graphs(self.store):
            self.store.remove_graph(g)

    def data(self, schema_file: Path | None) -> bool:
        """Parse the data files the plan redoes, a chunk at a time; with a `schema_file`, extend the entailments with each chunk's.

        Each chunk is reasoned over before it is stored: what it entails is then looked up in the
        store only for the nodes it shares with the store (a lookup per node, not per triple).
        Returns whether the entailments were extended with every chunk (else they are to be computed).
        """
        from ..reasoning.incremental import extend as extend_with
        from ..reasoning.incremental import terms_of

        if self.todo.data == "same":
            return False
        extend = schema_file is not None
        clear = self.todo.data == "all"
        # From scratch, the build knows every term the store holds: the others are not looked up.
        seen = terms_of(self.store, REASONED) if extend and clear else None
        triples_parsed = 0 if clear else self.parsed.get("data", 0)
        named_parsed = 0 if clear else self.parsed.get("named", 0)
        size = chunk_size()
        for rel in sorted(self.data_files):
            chunks = self._chunks(rel, named_graphs=True, size=size)
            for triples, named in chunks:
                if extend and triples:
                    extend = extend_with(self.store, REASONED, triples, schema_file, None, seen)
                self.store.bulk_extend(_quads(triples, DATA))
                if named:
                    self.store.bulk_extend(named)
                triples_parsed += len(triples)
                named_parsed += len(named)
                if self.progress:
                    self.progress("loading", self.done, self.total)
            self._parsed(rel, chunks)
        self.parsed["data"] = triples_parsed
        self.parsed["named"] = named_parsed
        return extend

    def _chunks(self, rel: str, named_graphs: bool, size: int):
        from .. import rdfio

        # The file's digest seeds its blank node labels (as rdfmerge.content_seed would, without hashing again).
        digest = {**self.ontology, **self.shapes, **self.data_files}[rel]
        return rdfio.Chunks(self.home.root / rel, display=rel, named_graphs=named_graphs, seed=digest[:12], size=size)

    def _parsed(self, rel: str, chunks) -> None:
        """Record what a file held, once parsed to its end."""
        self.prefixes[rel] = dict(chunks.prefixes)
        self.parsed["blank"] = {**self.parsed.get("blank", {}), rel: chunks.blank_nodes > 0}  # the files with blank nodes (for export: they are relabelled)
        self.done += 1
        if self.progress:
            self.progress("loading", self.done, self.total)


def _finish(store: ox.Store, target: Path, todo: Plan, progress: Progress | None) -> dict[str, int]:
    """Count the graphs, compact a store built whole, dump a small one; returns the counts."""
    counts = {name: _count(store, g) for name, g in (("ontology", ONTOLOGY), ("data", DATA), ("shapes", SHAPES), ("inferred", INFERRED))}
    named_graphs = user_graphs(store)
    counts["named"] = _count_named(store) if named_graphs else 0  # the triples of the data's named graphs
    if todo.data == "all" and sum(counts.values()) > IN_MEMORY_MAX_QUADS:
        # Compact the files the bulk loads wrote: at 1M triples 4 s once, and reads ~1.7x faster
        # after (a whole-home query 1.9 s -> 1.1 s). Not after an added file: that is one more small file.
        if progress:
            progress("compacting the store", 0, None)
        store.optimize()
    if sum(counts.values()) <= IN_MEMORY_MAX_QUADS:
        graph = (q for g in (ONTOLOGY, DATA, INFERRED, *named_graphs) for q in store.quads_for_pattern(None, None, None, g))
        dumps = {DUMP: ox.serialize(graph, None, ox.RdfFormat.N_QUADS), SHAPES_DUMP: ox.serialize(store.quads_for_pattern(None, None, None, SHAPES), None, ox.RdfFormat.N_QUADS)}
        if all(_readable_back(text) for text in dumps.values()):  # else queries open the RocksDB store
            for name, text in dumps.items():
                (target / name).write_bytes(text)
    return counts


def _quads(triples, graph):
    return (ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples)


def _count(store: ox.Store, graph: ox.NamedNode) -> int:
    return int(next(iter(store.query(f"SELECT (COUNT(*) AS ?n) {{ GRAPH {graph} {{ ?s ?p ?o }} }}")))[0].value)


def _overlap(store: ox.Store) -> int:
    """How many triples of the ontology graph the data graph holds too (the ontology is the small one)."""
    return sum(1 for q in store.quads_for_pattern(None, None, None, ONTOLOGY) if next(iter(store.quads_for_pattern(q.subject, q.predicate, q.object, DATA)), None) is not None)


def _readable_back(nquads: bytes) -> bool:
    """Whether Oxigraph can parse this N-Quads again: no line (a term near 16 MiB) past its buffer."""
    from ..longterms import PARSER_BUFFER

    return len(nquads) < PARSER_BUFFER or max(map(len, nquads.split(b"\n"))) < PARSER_BUFFER


def _count_named(store: ox.Store) -> int:
    query = """SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } FILTER(isBLANK(?g) || !STRSTARTS(STR(?g), "urn:kgtool:")) }"""
    return int(next(iter(store.query(query)))[0].value)


def checkpoint(base: Path, target: Path) -> None:
    """`target` (an empty directory) as a copy of the store at `base`: a checkpoint made of hard links when it can be."""
    import shutil

    try:
        source = ox.Store.read_only(str(base))
        target.rmdir()
        source.backup(str(target))
        del source
    except OSError:
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir()
        shutil.copytree(base, target, dirs_exist_ok=True)
        for memo in [*target.glob("kgtool-*.json"), target / DUMP, target / SHAPES_DUMP, target / META]:
            if memo.exists():
                memo.unlink()
    if (base / SCHEMA_CLOSURE).is_file():
        shutil.copyfile(base / SCHEMA_CLOSURE, target / SCHEMA_CLOSURE)


def _release(error: BaseException) -> None:
    """Drop what the frames of an error (and of the errors it was raised from) hold, the open store among them."""
    import gc
    import traceback

    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        traceback.clear_frames(error.__traceback__)
        error = error.__cause__ or error.__context__
    gc.collect()
