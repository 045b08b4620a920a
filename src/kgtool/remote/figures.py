"""The figures of `kgtool stats` for a remote home (as stats.stats gives them): counted by its server, files and conformance as push recorded them."""

from __future__ import annotations

from ..stats import _pairs
from ..store import DATA, INFERRED, SHAPES
from ..vocab import SH
from .store import load

# The same queries as stats.stats, over the same graphs.
CLASSES = "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c FILTER(isIRI(?c)) } GROUP BY ?c ORDER BY DESC(?n) ?c"
PROPERTIES = "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p ORDER BY DESC(?n) ?p"
NODE_SHAPES = f"SELECT ('n' AS ?k) (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a <{SH}NodeShape> }}"
PROPERTY_SHAPES = f"SELECT ('n' AS ?k) (COUNT(DISTINCT ?s) AS ?n) WHERE {{ {{ ?s a <{SH}PropertyShape> }} UNION {{ ?x <{SH}property> ?s }} }}"


def stats(home, check: bool = True) -> dict:
    """A plain dict of the remote home's figures, shaped as stats.stats's."""
    loaded = load(home)
    meta = home.meta()
    c = loaded.counts
    out = {
        "home": str(home.root),
        "bundled": False,
        "files": {part: meta.get("files", {}).get(part, 0) for part in ("ontology", "data", "shapes", "queries")},
        "triples": {part: c.get(part, 0) for part in ("ontology", "data", "inferred", "shapes")},
        "named_graphs": {"graphs": len(loaded.named_graphs()), "triples": c.get("named", 0)},
        "classes": _pairs(loaded, CLASSES, [DATA, INFERRED]),
        "properties": _pairs(loaded, PROPERTIES, [DATA]),
        "shapes": {
            "NodeShape": _pairs(loaded, NODE_SHAPES, [SHAPES])[0][1],
            "PropertyShape": _pairs(loaded, PROPERTY_SHAPES, [SHAPES])[0][1],
        },
        "prefixes": loaded.prefixes,
    }
    if check and meta.get("conforms") is not None:  # push --no-check did not judge it
        out["conforms"] = meta["conforms"]
        out["validation"] = meta["validation"]
    return out
