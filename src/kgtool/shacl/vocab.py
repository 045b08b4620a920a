"""The IRIs the SHACL engine reads and writes, as pyoxigraph terms (the namespaces themselves are `kgtool.vocab`'s)."""

from __future__ import annotations

import pyoxigraph as ox

from ..vocab import OWL as OWL_NS
from ..vocab import RDF as RDF_NS
from ..vocab import RDFS as RDFS_NS
from ..vocab import SH as SH_NS
from ..vocab import WELL_KNOWN  # noqa: F401  (prefixes a SPARQL query of the shapes may use undeclared)
from ..vocab import XSD as XSD_NS
from ..vocab import Namespace

SH = Namespace(SH_NS)
RDF = Namespace(RDF_NS)
RDFS = Namespace(RDFS_NS)
OWL = Namespace(OWL_NS)
XSD = Namespace(XSD_NS)

TYPE = RDF.type
SUBCLASS = RDFS.subClassOf
FIRST, REST, NIL = RDF.first, RDF.rest, RDF.nil
VIOLATION, WARNING, INFO = SH.Violation, SH.Warning, SH.Info
LANG_STRING = RDF.langString
XSD_STRING = XSD.string
TRUE = ox.Literal("true", datatype=XSD.boolean)
