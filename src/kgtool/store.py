"""The home's graph in an on-disk Oxigraph store with its OWL RL entailments, cached until a file changes."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from . import __version__, rdfio
from .errors import KgError
from .home import Home

# One named graph per part of the home, so a query or an export can pick what it sees.
ONTOLOGY = ox.NamedNode("urn:kgtool:graph:ontology")
DATA = ox.NamedNode("urn:kgtool:graph:data")
SHAPES = ox.NamedNode("urn:kgtool:graph:shapes")
INFERRED = ox.NamedNode("urn:kgtool:graph:inferred")
PARTS = {
    "graph": [ONTOLOGY, DATA],
    "data": [DATA],
    "ontology": [ONTOLOGY],
    "shapes": [SHAPES],
    "all": [ONTOLOGY, DATA, SHAPES],
}
CACHE_FORMAT = "1"
# Prefixes every home may use in queries and output, unless it declares them otherwise.
WELL_KNOWN = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "sh": "http://www.w3.org/ns/shacl#",
}  # bump when the layout of the cache changes


@dataclass
class Loaded:
    """An open, read-only view of the home's graph."""

    home: Home
    store: ox.Store
    prefixes: dict[str, str]
    counts: dict[str, int] = field(default_factory=dict)
    built: bool = False  # True when this call rebuilt the cache
    seconds: float = 0.0

    def graphs(self, part: str = "graph", inferred: bool = False) -> list[ox.NamedNode]:
        return PARTS[part] + ([INFERRED] if inferred else [])

    def triples(self, part: str = "graph", inferred: bool = False):
        """The distinct triples of a part (plus entailments), as pyoxigraph Triples in store order."""
        graphs = self.graphs(part, inferred)
        if len(graphs) == 1:
            for q in self.store.quads_for_pattern(None, None, None, graphs[0]):
                yield q.triple
            return
        # The same triple may sit in several parts: let the store's SPARQL dedupe it.
        yield from self.store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", default_graph=graphs)


@contextmanager
def _locked(path: Path):
    """An exclusive advisory lock on `path` (held while the cache is built)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    with open(path, "a+b") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def _key(home: Home) -> str:
    files = home.graph_files() + home.shape_files()
    return home.fingerprint(files)[:24] + f"-v{__version__}-c{CACHE_FORMAT}"


def _parse_part(home: Home, files: list[Path], prefixes: dict[str, str]) -> list[ox.Triple]:
    triples: list[ox.Triple] = []
    for path in files:
        parsed = rdfio.parse_file(path, display=home.relative(path))
        triples.extend(parsed.triples)
        for name, ns in parsed.prefixes.items():
            prefixes.setdefault(name, ns)
    return triples


def _build(home: Home, target: Path) -> dict:
    prefixes: dict[str, str] = {}
    ontology = _parse_part(home, home.ontology_files(), prefixes)
    data = _parse_part(home, home.data_files(), prefixes)
    shapes = _parse_part(home, home.shape_files(), {})
    from . import reasoning

    graph = rdfio.to_rdflib(ontology + data)
    inferred = rdfio.from_rdflib_triples(reasoning.entailments(graph))
    store = ox.Store(str(target))
    for triples, g in ((ontology, ONTOLOGY), (data, DATA), (shapes, SHAPES), (inferred, INFERRED)):
        store.extend(ox.Quad(t.subject, t.predicate, t.object, g) for t in triples)
    store.flush()
    del store
    meta = {
        "prefixes": prefixes,
        "counts": {
            "ontology": len(set(ontology)),
            "data": len(set(data)),
            "shapes": len(set(shapes)),
            "inferred": len(inferred),
        },
    }
    (target / "kgtool-meta.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")
    return meta


def load(home: Home) -> Loaded:
    """Open the cached store of the home's graph, building it first when a file has changed."""
    start = time.perf_counter()
    cache = home.state_dir() / "cache"
    cache.mkdir(exist_ok=True)
    key = _key(home)
    final = cache / f"store-{key}"
    built = False
    if not (final / "kgtool-meta.json").is_file():
        with _locked(cache / "build.lock"):
            if not (final / "kgtool-meta.json").is_file():  # another process may have built it meanwhile
                tmp = Path(tempfile.mkdtemp(prefix="building-", dir=cache))
                try:
                    _build(home, tmp)
                    if final.exists():
                        shutil.rmtree(final)
                    os.rename(tmp, final)
                except BaseException:
                    shutil.rmtree(tmp, ignore_errors=True)
                    raise
                built = True
                for old in cache.glob("store-*"):
                    if old != final:
                        shutil.rmtree(old, ignore_errors=True)
    meta = json.loads((final / "kgtool-meta.json").read_text(encoding="utf-8"))
    try:
        store = ox.Store.read_only(str(final))
    except OSError as e:
        shutil.rmtree(final, ignore_errors=True)
        raise KgError(f"the cache at {final} was unreadable and has been removed; run the command again ({e})") from e
    prefixes = dict(WELL_KNOWN)
    prefixes.update(meta["prefixes"])
    return Loaded(home, store, prefixes, meta["counts"], built, time.perf_counter() - start)
