"""The store's graphs: one named graph per part of the home, the data files' own named graphs beside them."""

from __future__ import annotations

import pyoxigraph as ox

from ..reasoning import Graphs

# One named graph per part of the home, so a query or an export can pick what it sees.
ONTOLOGY = ox.NamedNode("urn:kgtool:graph:ontology")
DATA = ox.NamedNode("urn:kgtool:graph:data")
SHAPES = ox.NamedNode("urn:kgtool:graph:shapes")
INFERRED = ox.NamedNode("urn:kgtool:graph:inferred")
REASONED = Graphs(asserted=(ONTOLOGY, DATA), inferred=INFERRED)  # what is reasoned over, and where the entailments go
PARTS = {
    "graph": [ONTOLOGY, DATA],
    "data": [DATA],
    "ontology": [ONTOLOGY],
    "shapes": [SHAPES],
    "all": [ONTOLOGY, DATA, SHAPES],
}


def user_graphs(store: ox.Store) -> list:
    """The named graphs of a store outside kgtool's reserved urn:kgtool: space, sorted."""
    from ..rdfmerge import RESERVED_GRAPH_SPACE

    return sorted((g for g in store.named_graphs() if not (isinstance(g, ox.NamedNode) and g.value.startswith(RESERVED_GRAPH_SPACE))), key=str)
