"""What `export` writes of a part: streamed from the home's own files when they hold exactly the store's graph, else read back from the store.

Reading a million triples back out of RocksDB takes ~5 s; parsing the files they came from
takes ~1 s. The files hold exactly the part's graph when the build parsed as many triples from
them as the store kept (no file repeats a triple) and, for the whole graph, when the ontology
and the data share none (the build records both, store/build.py). Blank nodes get the labels
the build gave them (the file's digest seeds them, rdfmerge.relabel), so both ways write the
same graph; literals keep the lexical form of the file, where the store would write Oxigraph's
canonical one (oxigraph#526). Entailments, shapes and named graphs always come from the store.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox

from . import formats, rdfio
from .errors import KgError
from .store.cache import read_meta

_AS_PARSED = (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.TURTLE)
FILE_PARTS = {"graph": ("ontology", "data"), "ontology": ("ontology",), "data": ("data",)}


def statements(loaded, part: str, inferred: bool) -> Iterator:
    """The triples of `part` (plus the entailments when `inferred`), as few times read as the home allows.

    From the files, each is read when the one before is used up (a chain of iterators, no
    generator step per triple: at a million triples each step costs ~0.1 s).
    """
    files = None if inferred else exact_files(loaded, part)
    if files is None:
        return loaded.triples(part, inferred)
    return itertools.chain.from_iterable(_from_file(*f) for f in files)


def exact_files(loaded, part: str) -> list[tuple[Path, str, str, bool]] | None:
    """The files (path, relative path, digest, whether it has blank nodes) whose triples are exactly the part's graph in the store, or None when they are not."""
    if part not in FILE_PARTS or getattr(loaded, "path", None) is None:
        return None
    meta = read_meta(loaded.path)
    if meta is None or "parsed" not in meta:
        return None
    parsed, counts = meta["parsed"], meta["counts"]
    parts = FILE_PARTS[part]
    if any(parsed.get(p) != counts.get(p) for p in parts):
        return None  # a file repeats a triple: the store's copy is the deduplicated one
    if "data" in parts and (counts.get("named") or parsed.get("named")):
        return None  # named graphs: the store sorts them out
    if len(parts) == 2 and meta.get("overlap", 1):
        return None
    root, blank = loaded.home.root, parsed.get("blank", {})
    return [(root / rel, rel, digest, blank.get(rel, True)) for p in parts for rel, digest in sorted(meta["files"][p].items())]


def _from_file(path: Path, rel: str, digest: str, blank: bool) -> Iterator:
    """The triples of one file of the home, as the build read them; KgError when its bytes are no longer those the store was built from."""
    data = rdfio.read_bytes(path, rel)
    if hashlib.sha256(data).hexdigest() != digest:
        raise KgError(f"{rel} changed while it was exported; run the command again")
    fmt = formats.for_path(path)
    base = rdfio.file_iri(path)
    if fmt.rdf_format in _AS_PARSED and not blank and not data.startswith(b"\xef\xbb\xbf"):
        # Checked when the store was built, and no blank node to relabel: Oxigraph's parser feeds the writer directly,
        # leniently (it skips the IRI and language tag checks these bytes passed then; ~10% faster).
        return ox.parse(data, fmt.rdf_format, base_iri=base, lenient=True)
    return iter(rdfio.parse_bytes(data, fmt, rel, base_iri=base, named_graphs=True, seed=digest[:12]).triples)
