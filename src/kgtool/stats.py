"""Counts of the home's graph (triples asserted and inferred, instances per class, uses per property, shapes) and whether it conforms."""

from __future__ import annotations

import json

from .fsutil import atomic_write
from .home import Home
from .store import DATA, INFERRED, SHAPES, Loaded, load
from .vocab import SH


def _pairs(loaded: Loaded, query: str, graphs) -> list[tuple[str, int]]:
    return [(row[0].value, int(row[1].value)) for row in loaded.store.query(query, default_graph=graphs, named_graphs=[])]


def home_conforms(home: Home, loaded: Loaded) -> tuple[bool, dict[str, int]]:
    """Validate the whole home under its shapes; the verdict is cached with the store."""
    from . import validation

    # The verdict depends on the graph and the shapes, which the store's key covers.
    memo = (loaded.path / "kgtool-conforms.json") if loaded.path is not None else None
    if memo is not None and memo.is_file():
        saved = json.loads(memo.read_text(encoding="utf-8"))
        return saved["conforms"], saved["counts"]
    report = validation.validate_home(home, loaded)
    counts = report.counts()
    conforms = not report.fails("violation")  # stats says "conforms" for "no violation" (infos and warnings allowed)
    if memo is not None:
        try:
            atomic_write(memo, json.dumps({"conforms": conforms, "counts": counts}).encode("utf-8"), fsync=False)
        except OSError:
            pass
    return conforms, counts


def stats(home: Home, check: bool = True) -> dict:
    """A plain dict of the home's figures."""
    loaded = load(home).with_shapes()
    c = loaded.counts
    classes = _pairs(
        loaded,
        "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c FILTER(isIRI(?c)) } GROUP BY ?c ORDER BY DESC(?n) ?c",
        [DATA, INFERRED],
    )
    properties = _pairs(
        loaded,
        "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p ORDER BY DESC(?n) ?p",
        [DATA],
    )
    node_shapes = _pairs(loaded, f"SELECT ('n' AS ?k) (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a <{SH}NodeShape> }}", [SHAPES])
    property_shapes = _pairs(
        loaded,
        f"SELECT ('n' AS ?k) (COUNT(DISTINCT ?s) AS ?n) WHERE {{ {{ ?s a <{SH}PropertyShape> }} UNION {{ ?x <{SH}property> ?s }} }}",
        [SHAPES],
    )
    shapes = [("NodeShape", node_shapes[0][1]), ("PropertyShape", property_shapes[0][1])]
    out = {
        "home": str(home.root),
        "bundled": home.bundled,
        "files": {
            "ontology": len(home.ontology_files()),
            "data": len(home.data_files()),
            "shapes": len(home.shape_files()),
            "queries": len(home.query_files()),
        },
        "triples": {
            "ontology": c.get("ontology", 0),
            "data": c.get("data", 0),
            "inferred": c.get("inferred", 0),
            "shapes": c.get("shapes", 0),
        },
        "named_graphs": {"graphs": len(loaded.named_graphs()), "triples": c.get("named", 0)},  # of TriG/N-Quads data
        "classes": classes,
        "properties": properties,
        "shapes": dict(shapes),
        "prefixes": loaded.prefixes,
    }
    if check:
        conforms, counts = home_conforms(home, loaded)
        out["conforms"] = conforms
        out["validation"] = counts
    return out
