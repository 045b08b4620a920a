"""A store that a staged import built (the home's store plus the import and its entailments) taken as the cache's store of the home's new state: the next command need not build it again."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pyoxigraph as ox

from .. import __version__
from ..home import Home, exclusive_lock
from . import Loaded, wanted_state
from .build import _count
from .cache import CACHE_FORMAT, META, SCHEMA_CLOSURE, read_meta
from .graphs import DATA, INFERRED


def meta_for(home: Home, before: Loaded, store: ox.Store, written: str, parsed: int, prefixes: dict[str, str]) -> dict | None:
    """The cache's record of `store` as the store of the home's state now, or None when it does not fit that state.

    `before`: the home's store the staged one was copied from; `written`: the one data file
    added since (relative to the home), holding `parsed` triples, all of them in `store`'s data
    graph, their entailments in its inferred graph; `prefixes`: those the file declares. The
    store fits when the home's state is `before`'s plus that file, under kgtool's reasoner.
    """
    old = read_meta(before.path) if before.path is not None else None
    wanted = wanted_state(home, before.reasoner)
    if old is None or before.reasoner != "kgtool":
        return None
    if any(old["files"][part] != wanted.files[part] for part in ("ontology", "shapes")):
        return None
    if {**old["files"]["data"], written: wanted.files["data"].get(written)} != wanted.files["data"]:
        return None  # another data file changed meanwhile
    before_parsed = old.get("parsed", {})
    store.flush()
    return {
        "format": CACHE_FORMAT,
        "version": __version__,
        "reasoner": before.reasoner,
        "files": wanted.files,
        "prefixes": {**old["prefixes"], written: prefixes},
        "counts": {**old["counts"], "data": _count(store, DATA), "inferred": _count(store, INFERRED)},
        "parsed": {**before_parsed, "data": before_parsed.get("data", 0) + parsed, "blank": {**before_parsed.get("blank", {}), written: False}},
        "overlap": old.get("overlap", 0),  # what is new to the data is not in the ontology either (submission._new_triples)
        "rebuilt": ["data", "reasoning (incremental)"],
        "key": wanted.key(),
    }


def install(home: Home, directory: Path, meta: dict) -> bool:
    """Move the store at `directory` (closed by now) with `meta` into the cache; False when a command built that state meanwhile."""
    if not (directory / SCHEMA_CLOSURE).is_file():
        return False
    (directory / META).write_text(json.dumps(meta, indent=1), encoding="utf-8")
    cache = home.state_dir() / "cache"
    final = cache / f"store-{meta['key']}"
    with exclusive_lock(cache / "build.lock"):
        if read_meta(final) is not None:
            return False
        shutil.rmtree(final, ignore_errors=True)
        os.rename(directory, final)
    return True
