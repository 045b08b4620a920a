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
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    for old in cache.glob("store-*"):
        if old not in (final, base) and not old.name.startswith(final.name.split(f"-{wanted.reasoner}-")[0] + "-"):
            shutil.rmtree(old, ignore_errors=True)
    return meta


def _build(home: Home, target: Path, wanted: Wanted, base: Path | None, progress: Progress | None) -> dict:
    """Fill `target` with the store of `wanted`, reusing `base` (an older store) where it can."""
    old = read_meta(base) if base is not None else None
    if old is not None:
        todo = plan(old, wanted)
        _copy(base, target)
        prefixes = old["prefixes"]
    else:
        todo, prefixes = FROM_SCRATCH, {}
    prefixes = {rel: p for rel, p in prefixes.items() if any(rel in wanted.files[part] for part in ("ontology", "data", "shapes"))}
    store = ox.Store(str(target))
    kgtool = todo.reasoning and wanted.reasoner == "kgtool"
    parsed = dict(old.get("parsed", {})) if old is not None else {}
    redo, added, as_text = _load_files(home, store, todo, wanted, old["files"]["data"] if old else {}, prefixes, kgtool, progress, parsed)
    if todo.reasoning:
        incremental = added is not None and not todo.ontology and old["reasoner"] == wanted.reasoner == "kgtool" and (target / SCHEMA_CLOSURE).is_file()
        redo.append(reasoning.update(store, REASONED, wanted.reasoner, target / SCHEMA_CLOSURE, added if incremental else None, as_text, progress))
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


def _load_files(home: Home, store: ox.Store, todo: Plan, wanted: Wanted, old_data: dict, prefixes: dict, kgtool: bool, progress: Progress | None, parsed: dict) -> tuple[list[str], list | None, dict]:
    """Parse the files the plan redoes into their graphs (and `prefixes`, and `parsed`: the triples and named-graph quads parsed, by part).

    `kgtool`: whether kgtool's reasoner will run. Returns the parts parsed, the triples new to
    the graph when data files were only added (else None), and the N-Triples of the graphs
    parsed whole, by graph (quicker for the reasoner than dumping them from the store).
    """
    parts: list[tuple[ox.NamedNode, dict[str, str], bool]] = []  # graph, files to parse {rel: digest}, clear first
    if todo.ontology:
        parts.append((ONTOLOGY, wanted.files["ontology"], True))
    if todo.data == "all":
        parts.append((DATA, wanted.files["data"], True))
    elif todo.data == "added":
        parts.append((DATA, {rel: d for rel, d in wanted.files["data"].items() if rel not in old_data}, False))
    if todo.shapes:
        parts.append((SHAPES, wanted.files["shapes"], True))
    total = sum(len(rels) for _, rels, _ in parts)
    done = [0]
    redo: list[str] = []
    added: list[ox.Triple] | None = None
    as_text: dict = {}
    for graph, rels, clear in parts:
        # Only data files keep named graphs (see the package's docstring); elsewhere they are refused.
        triples, named, file_prefixes, blank = _parse(home, rels, graph == DATA, progress, done, total)
        part = {ONTOLOGY: "ontology", DATA: "data", SHAPES: "shapes"}[graph]
        parsed[part] = len(triples) + (0 if clear else parsed.get(part, 0))
        parsed["blank"] = {**parsed.get("blank", {}), **blank}  # the files with blank nodes (for export: they are relabelled)
        if graph == DATA:
            parsed["named"] = len(named) + (0 if clear else parsed.get("named", 0))
        if clear:
            store.clear_graph(graph)
            if graph == DATA:
                for g in user_graphs(store):
                    store.remove_graph(g)
        elif graph == DATA and kgtool:  # what the closure is extended with
            added = [t for t in dict.fromkeys(triples) if not _in_graph(store, t)]
        store.bulk_extend(_quads(triples, graph))
        if named:
            store.bulk_extend(named)
        if clear and graph != SHAPES and kgtool:
            as_text[graph] = ox.serialize(triples, None, ox.RdfFormat.N_TRIPLES)
        del triples, named
        prefixes.update(file_prefixes)
        redo.append(part)
    return redo, added, as_text


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


def _parse(home: Home, rels: dict[str, str], named_graphs: bool, progress: Progress | None, done: list[int], total: int) -> tuple[list[ox.Triple], list[ox.Quad], dict[str, dict], dict[str, bool]]:
    """The default-graph triples, the named-graph quads, the prefixes and whether each has blank nodes, of files {relative path: sha256}."""
    from .. import rdfio

    triples: list[ox.Triple] = []
    quads: list[ox.Quad] = []
    prefixes: dict[str, dict] = {}
    blank: dict[str, bool] = {}
    for rel in sorted(rels):
        # The file's digest seeds its blank node labels (as rdfmerge.content_seed would, without hashing again).
        parsed = rdfio.parse_file(home.root / rel, display=rel, named_graphs=named_graphs, seed=rels[rel][:12])
        triples.extend(parsed.triples)
        quads.extend(parsed.quads)
        prefixes[rel] = dict(parsed.prefixes)
        blank[rel] = parsed.blank_nodes > 0
        done[0] += 1
        if progress:
            progress("loading", done[0], total)
    return triples, quads, prefixes, blank


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


def _copy(base: Path, target: Path) -> None:
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


def _in_graph(store: ox.Store, t: ox.Triple) -> bool:
    return any(next(iter(store.quads_for_pattern(t.subject, t.predicate, t.object, g)), None) is not None for g in (ONTOLOGY, DATA, INFERRED))
