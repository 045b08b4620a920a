"""The standard namespace IRIs kgtool reads and writes, defined once: as strings, and as pyoxigraph terms through `Namespace`.

`RDF + "type"` is the IRI as a string; `Namespace(RDF).type` (or the constants below, such as
`TYPE`) the pyoxigraph NamedNode. Nothing here imports rdflib.
"""

from __future__ import annotations

import pyoxigraph as ox

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SH = "http://www.w3.org/ns/shacl#"
PROV = "http://www.w3.org/ns/prov#"
DCTERMS = "http://purl.org/dc/terms/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
SCHEMA = "https://schema.org/"
GEO = "http://www.opengis.net/ont/geosparql#"
WD = "http://www.wikidata.org/entity/"
# kgtool's own: the conflict ontology, its resources, its typologies
CF = "https://w3id.org/kgtool/conflict#"
CFR = "https://w3id.org/kgtool/id/"
CFT = "https://w3id.org/kgtool/typology/"

# Prefixes every home may use in queries and output unless it declares them otherwise, and
# that a SPARQL query of the shapes may use without declaring them (as in pySHACL).
WELL_KNOWN = {"rdf": RDF, "rdfs": RDFS, "owl": OWL, "xsd": XSD, "sh": SH}

# IRIs used as strings in more than one module
RDF_TYPE = RDF + "type"
RDF_LANG_STRING = RDF + "langString"
RDFS_SUBCLASS_OF = RDFS + "subClassOf"
XSD_STRING = XSD + "string"


class Namespace:
    """`Namespace(SH).minCount` (or `["in"]` for a name Python reserves) is the NamedNode sh:minCount."""

    def __init__(self, base: str):
        self.base = base

    def __getattr__(self, name: str) -> ox.NamedNode:
        return ox.NamedNode(self.base + name)

    def __getitem__(self, name: str) -> ox.NamedNode:
        return ox.NamedNode(self.base + name)


# The same IRIs as pyoxigraph terms
TYPE = ox.NamedNode(RDF_TYPE)
SUBCLASS_OF = ox.NamedNode(RDFS_SUBCLASS_OF)
