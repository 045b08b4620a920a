"""The cache's bookkeeping: file digests memoized on stat, the key of a state of the home, the meta file, and the plan of a build from an older store."""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

from .. import __version__
from ..errors import HomeError
from ..fsutil import atomic_write
from ..home import Home

CACHE_FORMAT = "7"  # bump when the layout of the cache changes (6: named graphs, blank nodes labelled per file; 7: the meta counts the triples parsed, for export)
RACY_SECONDS = 2.0  # a file's digest memo is trusted only if the file was this old when hashed
META = "kgtool-meta.json"
# A small store is also dumped as N-Quads and opened in memory: loading a few thousand quads
# (~7 ms) is quicker than opening RocksDB (~20-40 ms), which dominates a warm query otherwise.
DUMP = "store.nq"  # the graph (ontology, data, entailments) of a small store, loaded into memory
SHAPES_DUMP = "shapes.nq"  # its shapes, loaded only by the commands that need them
SCHEMA_CLOSURE = "schema-closure.nt"  # the closed schema the `kgtool` reasoner's rules were compiled from


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
            atomic_write(memo_path, json.dumps(fresh).encode("utf-8"), fsync=False)  # a memo: losing it costs a hash
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


@dataclass
class Wanted:
    """A state of the home: the digests of its files, by part, and the reasoner."""

    files: dict[str, dict[str, str]]  # part -> {relative path: digest}
    reasoner: str

    def key(self) -> str:
        graph = _fingerprint({**self.files["ontology"], **self.files["data"]})[:20]
        shapes = _fingerprint(self.files["shapes"])[:8]
        return f"{graph}-{shapes}-{self.reasoner}-v{__version__}-c{CACHE_FORMAT}"


def read_meta(store_dir: Path) -> dict | None:
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


def plan(old: dict, wanted: Wanted) -> Plan:
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




def best_base(cache: Path, final: Path, wanted: Wanted) -> Path | None:
    """The store in `cache` (other than `final`) that a build of `wanted` would redo least from, if any."""
    candidates = []
    for old in cache.glob("store-*"):
        old_meta = read_meta(old) if old != final else None
        if old_meta is not None:
            candidates.append((plan(old_meta, wanted).score(), old.name, old))
    return max(candidates)[2] if candidates else None
