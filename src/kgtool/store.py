"""The home's graph in an on-disk Oxigraph store with its OWL RL entailments, cached until a file changes.

The cache lives in the home's state directory as `cache/store-<key>/`, where the key is a
digest of every ontology, data and shapes file (names and contents) plus the reasoner. A
file's digest is remembered against its (size, mtime_ns, ctime_ns, inode) so that a warm call
hashes nothing; the memo is trusted only for files that were already older than
`RACY_SECONDS` when hashed (git's "racy clean" rule), so an edit that keeps the size and
lands within the file system's timestamp granularity is still seen.

When the key changes, the new store starts from a copy of the closest old one (a RocksDB
checkpoint: hard links) and redoes only what changed: shapes alone → replace the shapes graph
(no reasoning); data files only added → parse the new files alone and, with the `kgtool`
reasoner, extend the entailments with what the new triples entail (OWL RL is monotone), unless
they touch the schema; a reasoner change → only the entailments.

Named graphs of TriG and N-Quads data files are kept as themselves: a triple in graph G of a
data file is in the store's graph G, beside kgtool's own graphs (urn:kgtool:graph:*), so a
query sees them with GRAPH and its default graph (ontology + data + entailments) does not.
They are asserted only: reasoning runs over the default graph, as before.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from . import __version__, reasoning
from .errors import HomeError, KgError, LimitError, UsageError
from .home import Home, exclusive_lock
from .vocab import WELL_KNOWN

# One named graph per part of the home, so a query or an export can pick what it sees.
ONTOLOGY = ox.NamedNode("urn:kgtool:graph:ontology")
DATA = ox.NamedNode("urn:kgtool:graph:data")
SHAPES = ox.NamedNode("urn:kgtool:graph:shapes")
INFERRED = ox.NamedNode("urn:kgtool:graph:inferred")
GRAPHS = reasoning.Graphs(asserted=(ONTOLOGY, DATA), inferred=INFERRED)  # what is reasoned over, and where the entailments go
PARTS = {
    "graph": [ONTOLOGY, DATA],
    "data": [DATA],
    "ontology": [ONTOLOGY],
    "shapes": [SHAPES],
    "all": [ONTOLOGY, DATA, SHAPES],
}
CACHE_FORMAT = "6"  # bump when the layout of the cache changes (6: named graphs, blank nodes labelled per file)
RACY_SECONDS = 2.0  # a file's digest memo is trusted only if the file was this old when hashed
META = "kgtool-meta.json"
# A small store is also dumped as N-Quads and opened in memory: loading a few thousand quads
# (~7 ms) is quicker than opening RocksDB (~20-40 ms), which dominates a warm query otherwise.
DUMP = "store.nq"  # the graph (ontology, data, entailments) of a small store, loaded into memory
SHAPES_DUMP = "shapes.nq"  # its shapes, loaded only by the commands that need them
SCHEMA_CLOSURE = "schema-closure.nt"  # the closed schema the `kgtool` reasoner's rules were compiled from
IN_MEMORY_MAX_QUADS = 10_000

Progress = Callable[[str, int, "int | None"], None]  # (phase, done, total or None)


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


def user_graphs(store: ox.Store) -> list:
    """The named graphs of a store outside kgtool's reserved urn:kgtool: space, sorted."""
    from .rdfio import RESERVED_GRAPH_SPACE

    return sorted((g for g in store.named_graphs() if not (isinstance(g, ox.NamedNode) and g.value.startswith(RESERVED_GRAPH_SPACE))), key=str)


# --------------------------------------------------------------------------------------
# file digests, memoized on stat
# --------------------------------------------------------------------------------------
def _sha256(path: Path) -> str:
    import hashlib  # not at import time: OpenSSL start-up costs a warm query ~3 %

    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def digests(home: Home, files: list[Path], memo_path: Path | None) -> dict[str, str]:
    """{relative path: sha256} of `files`, hashing only those whose stat changed (or were too fresh)."""
    memo: dict = {}
    if memo_path is not None:
        try:
            memo = json.loads(memo_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            memo = {}
    out: dict[str, str] = {}
    fresh: dict = {}
    changed = False
    for path in files:
        rel = home.relative(path)
        try:
            st = os.stat(path)
        except OSError as e:
            raise HomeError(f"cannot read: {e.strerror}", path=rel) from e
        sig = [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]
        entry = memo.get(rel)
        if entry and entry[:4] == sig:
            out[rel] = entry[4]
            fresh[rel] = entry
            continue
        now = time.time_ns()
        try:
            digest = _sha256(path)
        except OSError as e:
            raise HomeError(f"cannot read: {e.strerror}", path=rel) from e
        out[rel] = digest
        # Racy-git rule: a file modified within RACY_SECONDS of hashing could change again
        # without its stat changing, so its digest is not remembered.
        if now - max(st.st_mtime_ns, st.st_ctime_ns) > RACY_SECONDS * 1e9:
            fresh[rel] = sig + [digest]
            changed = True
    if memo_path is not None and (changed or len(fresh) != len(memo)):
        try:
            tmp = memo_path.with_name(f".{memo_path.name}.{os.getpid()}.tmp")
            tmp.write_text(json.dumps(fresh), encoding="utf-8")
            os.replace(tmp, memo_path)
        except OSError:
            pass  # a read-only state directory only costs speed
    return out


def _fingerprint(files: dict[str, str]) -> str:
    try:  # CPython's own BLAKE2: hashlib would start OpenSSL, ~3 % of a warm query
        from _blake2 import blake2b
    except ImportError:  # pragma: no cover - another Python
        from hashlib import blake2b

    h = blake2b()
    for rel, digest in sorted(files.items()):
        h.update(f"{rel}\0{digest}\0".encode())
    return h.hexdigest()


# --------------------------------------------------------------------------------------
# building
# --------------------------------------------------------------------------------------
@dataclass
class _Wanted:
    files: dict[str, dict[str, str]]  # part -> {relative path: digest}
    reasoner: str

    def key(self) -> str:
        graph = _fingerprint({**self.files["ontology"], **self.files["data"]})[:20]
        shapes = _fingerprint(self.files["shapes"])[:8]
        return f"{graph}-{shapes}-{self.reasoner}-v{__version__}-c{CACHE_FORMAT}"


def _read_meta(store_dir: Path) -> dict | None:
    try:
        meta = json.loads((store_dir / META).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return meta if meta.get("format") == CACHE_FORMAT and meta.get("version") == __version__ else None


@dataclass(frozen=True)
class Plan:
    """What a build starting from an older store has to redo."""

    ontology: bool  # parse the ontology files again
    data: str  # "same", "added" (files were only added: parse those) or "all"
    shapes: bool  # parse the shapes files again
    reasoning: bool  # recompute (or extend) the entailments

    def score(self) -> tuple:
        """Larger for less work: the old store with the largest score is the best base."""
        return (not self.reasoning, self.data == "same", self.data == "added", not self.shapes, not self.ontology)


FROM_SCRATCH = Plan(ontology=True, data="all", shapes=True, reasoning=True)


def _plan(old: dict, wanted: _Wanted) -> Plan:
    """What a build starting from the store described by `old` would have to redo."""
    f_old, f_new = old["files"], wanted.files
    data_same = f_old["data"] == f_new["data"]
    data_added = not data_same and all(f_new["data"].get(k) == v for k, v in f_old["data"].items())
    graph_same = data_same and f_old["ontology"] == f_new["ontology"]
    return Plan(
        ontology=f_old["ontology"] != f_new["ontology"],
        data="same" if data_same else ("added" if data_added else "all"),
        shapes=f_old["shapes"] != f_new["shapes"],
        reasoning=not (graph_same and old["reasoner"] == wanted.reasoner),
    )


def _parse(home: Home, rels: dict[str, str], named_graphs: bool, progress: Progress | None, done: list[int], total: int) -> tuple[list[ox.Triple], list[ox.Quad], dict[str, dict]]:
    """The default-graph triples, the named-graph quads and the prefixes of files {relative path: sha256}."""
    from . import rdfio

    triples: list[ox.Triple] = []
    quads: list[ox.Quad] = []
    prefixes: dict[str, dict] = {}
    for rel in sorted(rels):
        # The file's digest seeds its blank node labels (as rdfio.content_seed would, without hashing again).
        parsed = rdfio.parse_file(home.root / rel, display=rel, named_graphs=named_graphs, seed=rels[rel][:12])
        triples.extend(parsed.triples)
        quads.extend(parsed.quads)
        prefixes[rel] = dict(parsed.prefixes)
        done[0] += 1
        if progress:
            progress("loading", done[0], total)
    return triples, quads, prefixes


def _quads(triples, graph):
    return (ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples)


def _count(store: ox.Store, graph: ox.NamedNode) -> int:
    return int(next(iter(store.query(f"SELECT (COUNT(*) AS ?n) {{ GRAPH {graph} {{ ?s ?p ?o }} }}")))[0].value)


def _readable_back(nquads: bytes) -> bool:
    """Whether Oxigraph can parse this N-Quads again: no line (a term near 16 MiB) past its buffer."""
    from .rdfio import PARSER_BUFFER

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


def _build(home: Home, target: Path, wanted: _Wanted, base: Path | None, progress: Progress | None) -> dict:
    """Fill `target` with the store of `wanted`, reusing `base` (an older store) where it can."""
    old = _read_meta(base) if base is not None else None
    if old is not None:
        plan = _plan(old, wanted)
        _copy(base, target)
        prefixes = old["prefixes"]
    else:
        plan = FROM_SCRATCH
        prefixes = {}
    prefixes = {rel: p for rel, p in prefixes.items() if any(rel in wanted.files[part] for part in ("ontology", "data", "shapes"))}
    store = ox.Store(str(target))
    redo: list[str] = []
    todo: list[tuple[ox.NamedNode, dict[str, str], bool]] = []  # graph, files to parse {rel: digest}, clear first
    if plan.ontology:
        todo.append((ONTOLOGY, wanted.files["ontology"], True))
    if plan.data == "all":
        todo.append((DATA, wanted.files["data"], True))
    elif plan.data == "added":
        todo.append((DATA, {rel: d for rel, d in wanted.files["data"].items() if rel not in old["files"]["data"]}, False))
    if plan.shapes:
        todo.append((SHAPES, wanted.files["shapes"], True))
    total = sum(len(rels) for _, rels, _ in todo)
    done = [0]
    added: list[ox.Triple] | None = None  # triples new to the graph, when data files were only added
    as_text: dict = {}  # N-Triples of a graph parsed whole here (quicker than dumping it from the store)
    for graph, rels, clear in todo:
        # Only data files keep named graphs (see the module's docstring); elsewhere they are refused.
        triples, named, file_prefixes = _parse(home, rels, graph == DATA, progress, done, total)
        if clear:
            store.clear_graph(graph)
            if graph == DATA:
                for g in user_graphs(store):
                    store.remove_graph(g)
        elif graph == DATA and plan.reasoning and wanted.reasoner == "kgtool":  # what the closure is extended with
            added = [t for t in dict.fromkeys(triples) if not _in_graph(store, t)]
        store.bulk_extend(_quads(triples, graph))
        if named:
            store.bulk_extend(named)
        if clear and graph != SHAPES and plan.reasoning and wanted.reasoner == "kgtool":
            as_text[graph] = ox.serialize(triples, None, ox.RdfFormat.N_TRIPLES)
        del triples, named
        prefixes.update(file_prefixes)
        redo.append({ONTOLOGY: "ontology", DATA: "data", SHAPES: "shapes"}[graph])
    if plan.reasoning:
        incremental = (
            added is not None
            and not plan.ontology
            and old["reasoner"] == wanted.reasoner == "kgtool"
            and (target / SCHEMA_CLOSURE).is_file()
        )
        redo.append(reasoning.update(store, GRAPHS, wanted.reasoner, target / SCHEMA_CLOSURE, added if incremental else None, as_text, progress))
    store.flush()
    counts = {name: _count(store, g) for name, g in (("ontology", ONTOLOGY), ("data", DATA), ("shapes", SHAPES), ("inferred", INFERRED))}
    named_graphs = user_graphs(store)
    counts["named"] = _count_named(store) if named_graphs else 0  # the triples of the data's named graphs
    if plan.data == "all" and sum(counts.values()) > IN_MEMORY_MAX_QUADS:
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
    del store
    meta = {
        "format": CACHE_FORMAT,
        "version": __version__,
        "reasoner": wanted.reasoner,
        "files": wanted.files,
        "prefixes": prefixes,
        "counts": counts,
        "rebuilt": redo,
    }
    (target / META).write_text(json.dumps(meta, indent=1), encoding="utf-8")
    return meta


def _in_graph(store: ox.Store, t: ox.Triple) -> bool:
    return any(next(iter(store.quads_for_pattern(t.subject, t.predicate, t.object, g)), None) is not None for g in (ONTOLOGY, DATA, INFERRED))


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


def load(home: Home, reasoner: str | None = None, progress: Progress | None = None) -> Loaded:
    """Open the cached store of the home's graph, building it first when a file or the reasoner has changed."""
    from . import progress as progress_mod

    progress = progress or progress_mod.current()
    reasoner = reasoner or reasoning.default_reasoner()
    if reasoner not in reasoning.REASONERS:
        raise UsageError(f"unknown reasoner '{reasoner}' (known: {', '.join(reasoning.REASONERS)})")
    state = home.state_dir()
    cache = state / "cache"
    cache.mkdir(exist_ok=True)
    parts = {"ontology": home.ontology_files(), "data": home.data_files(), "shapes": home.shape_files()}
    every = digests(home, [p for files in parts.values() for p in files], state / "digests.json")
    wanted = _Wanted({part: {home.relative(p): every[home.relative(p)] for p in files} for part, files in parts.items()}, reasoner)
    final = cache / f"store-{wanted.key()}"
    built = False
    meta = _read_meta(final)
    if meta is None:
        with exclusive_lock(cache / "build.lock"):
            meta = _read_meta(final)  # another process may have built it meanwhile
            if meta is None:
                candidates = []
                for old in cache.glob("store-*"):
                    old_meta = _read_meta(old) if old != final else None
                    if old_meta is not None:
                        candidates.append((_plan(old_meta, wanted).score(), old.name, old))
                base = max(candidates)[2] if candidates else None
                import shutil
                import tempfile

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
                built = True
                # Keep the new store, and the newest store of each other reasoner for this same state.
                for old in cache.glob("store-*"):
                    if old != final and not old.name.startswith(final.name.split(f"-{reasoner}-")[0] + "-"):
                        shutil.rmtree(old, ignore_errors=True)
    try:
        if (final / DUMP).is_file():
            store = ox.Store()  # parse, not bulk_load: it keeps the blank node labels, so output is stable
            store.extend(ox.parse(path=str(final / DUMP), format=ox.RdfFormat.N_QUADS))
        else:
            store = ox.Store.read_only(str(final))
    except (OSError, SyntaxError) as e:
        import shutil

        shutil.rmtree(final, ignore_errors=True)
        raise KgError(f"the cache at {final} was unreadable and has been removed; run the command again ({e})") from e
    return Loaded(
        home,
        store,
        _merged_prefixes(home, meta),
        counts=meta["counts"],
        built=built,
        path=final,
        reasoner=reasoner,
        rebuilt=meta.get("rebuilt", []) if built else [],
    )
