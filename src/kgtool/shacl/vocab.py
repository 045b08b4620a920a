"""The IRIs the SHACL engine reads and writes, as pyoxigraph terms."""

from __future__ import annotations

import pyoxigraph as ox

SH_NS = "http://www.w3.org/ns/shacl#"
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS_NS = "http://www.w3.org/2000/01/rdf-schema#"
OWL_NS = "http://www.w3.org/2002/07/owl#"
XSD_NS = "http://www.w3.org/2001/XMLSchema#"


class _Namespace:
    """`SH.minCount` is the NamedNode sh:minCount."""

    def __init__(self, base: str):
        self.base = base

    def __getattr__(self, name: str) -> ox.NamedNode:
        return ox.NamedNode(self.base + name)

    def __getitem__(self, name: str) -> ox.NamedNode:
        return ox.NamedNode(self.base + name)


SH = _Namespace(SH_NS)
RDF = _Namespace(RDF_NS)
RDFS = _Namespace(RDFS_NS)
OWL = _Namespace(OWL_NS)
XSD = _Namespace(XSD_NS)

TYPE = RDF.type
SUBCLASS = RDFS.subClassOf
FIRST, REST, NIL = RDF.first, RDF.rest, RDF.nil
VIOLATION, WARNING, INFO = SH.Violation, SH.Warning, SH.Info
LANG_STRING = RDF.langString
XSD_STRING = XSD.string
TRUE = ox.Literal("true", datatype=XSD.boolean)
# Prefixes a SPARQL query of the shapes may use without declaring them (as in pySHACL).
WELL_KNOWN = {"rdf": RDF_NS, "rdfs": RDFS_NS, "owl": OWL_NS, "xsd": XSD_NS, "sh": SH_NS}
