"""The triples every dataset importer writes alike: the release and its publisher, attested role triples, figures, locations.

A dataset's `Converter` subclasses `Describer` and gives its DATASET (the release's key, label,
headline and publisher); the row's own triples stay in the dataset's module. Shared nodes
(a release, an actor, a conflict) are described once per import, and not at all when the home
already holds them (`first`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ..home import Home
from ..errors import HomeError
from ..vocab import CF, CFR, CFT, GEO, PROV, RDF, RDFS, SCHEMA, SKOS, XSD, Namespace

_CF, _RDF, _GEO = Namespace(CF), Namespace(RDF), Namespace(GEO)
TYPE, LABEL = _RDF.type, ox.NamedNode(RDFS + "label")
DERIVED = ox.NamedNode(PROV + "wasDerivedFrom")
MENTIONED, EVIDENCE, NOTE = _CF.mentionedIn, _CF.evidence, _CF.editorialNote
XSD_DATE, XSD_INTEGER, XSD_NNI = (ox.NamedNode(XSD + n) for n in ("date", "integer", "nonNegativeInteger"))


def lit(text: str) -> ox.Literal:
    return ox.Literal(text)


def en(text: str) -> ox.Literal:
    return ox.Literal(text, language="en")


@dataclass(frozen=True)
class Dataset:
    """What names a dataset's releases: IRI key (cfr:KEY-RELEASE), label, headline, release pattern in a file name, publisher."""

    key: str  # "ucdp-ged": releases are cfr:ucdp-ged-24.1
    label: str  # "UCDP Georeferenced Event Dataset (GED)"
    headline: str  # "UCDP GED"
    release_in_name: re.Pattern  # the release, read from a file name (its groups joined with ".")
    publisher_key: str  # cfr:ucdp
    publisher_label: str
    publisher_evidence: str


class Describer:
    """The shared part of a dataset converter: `first`, `release`, `attest`, `quantity`, `location`."""

    DATASET: Dataset

    def __init__(self, home: Home, release: str | None = None):
        self.home = home
        self.given_release = release
        self.seen: set[str] = set()
        self._store = None

    @property
    def store(self):
        """The home's store, opened on first use (an import that describes nothing shared never opens it)."""
        if self._store is None:
            from ..remote import load  # store.load, or a remote home's graph on its server

            self._store = load(self.home).store
        return self._store

    def first(self, iri: str) -> bool:
        """Whether the shared node `iri` is to be described: not yet in this import, and not already in the home.

        What the home holds is not said again: a node a submission describes makes every node of
        the home that refers to it a focus of validation (neighbourhood.py), and the release or
        an actor is referred to by every earlier row.
        """
        if iri in self.seen:
            return False
        self.seen.add(iri)
        from ..store import DATA

        return next(iter(self.store.quads_for_pattern(ox.NamedNode(iri), TYPE, None, DATA)), None) is None

    def concepts(self, scheme: str) -> dict[str, ox.NamedNode]:
        """The concepts of the home's scheme cft:`scheme` by their skos:notation (the dataset's own code or name)."""
        from ..store import ONTOLOGY

        found = {}
        for q in self.store.quads_for_pattern(None, ox.NamedNode(SKOS + "inScheme"), ox.NamedNode(CFT + scheme), ONTOLOGY):
            for n in self.store.quads_for_pattern(q.subject, ox.NamedNode(SKOS + "notation"), None, ONTOLOGY):
                found[n.object.value] = q.subject
        if not found:
            raise HomeError(f"the home's ontology has no concept scheme cft:{scheme} (ontology/typologies.ttl) to import {self.DATASET.headline} into")
        return found

    def release_name(self, path: str) -> str:
        """The release an import is of: as given (--release), else read from the file name, else 'unspecified'."""
        if self.given_release:
            return self.given_release
        m = self.DATASET.release_in_name.search(Path(path).name)
        return ".".join(m.groups()) if m else "unspecified"

    def release(self, path: str) -> tuple[ox.NamedNode, list[ox.Triple]]:
        """The release node the rows of `path` derive from, and its description (with its publisher's) the first time."""
        d = self.DATASET
        version = self.release_name(path)
        key = re.sub(r"[^A-Za-z0-9.]+", "-", version).strip("-.") or "unspecified"
        node = ox.NamedNode(f"{CFR}{d.key}-{key}")
        if not self.first(node.value):
            return node, []
        publisher = ox.NamedNode(CFR + d.publisher_key)
        given = version != "unspecified"
        t = [
            ox.Triple(node, TYPE, _CF.DatasetRelease),
            ox.Triple(node, LABEL, en(f"{d.label}, release {version}" if given else f"{d.label}, release not given")),
            ox.Triple(node, ox.NamedNode(SCHEMA + "headline"), lit(f"{d.headline} {version}" if given else d.headline)),
            ox.Triple(node, ox.NamedNode(SCHEMA + "publisher"), publisher),
            ox.Triple(node, _CF.sourceType, ox.NamedNode(CFT + "source-event-dataset")),
        ]
        if not given:
            t.append(ox.Triple(node, NOTE, en(f"The import was not told which {d.headline} release its rows come from (kgtool import --release).")))
        if self.first(publisher.value):
            t += [
                ox.Triple(publisher, TYPE, _CF.ResearchInstitute),
                ox.Triple(publisher, LABEL, en(d.publisher_label)),
                ox.Triple(publisher, MENTIONED, node),
                ox.Triple(publisher, EVIDENCE, lit(d.publisher_evidence)),
            ]
        return node, t

    @staticmethod
    def attest(release: ox.NamedNode, s: ox.NamedNode, p: ox.NamedNode, o: ox.NamedNode, key: str, label: str, evidence: str) -> list[ox.Triple]:
        """The triple and its cf:AttestedStatement (the shapes ask every role triple between world entities for its source)."""
        a = ox.NamedNode(f"{s.value}-attestation-{key}")
        return [
            ox.Triple(s, p, o),
            ox.Triple(a, TYPE, _CF.AttestedStatement),
            ox.Triple(a, LABEL, en(label)),
            ox.Triple(a, _RDF.subject, s),
            ox.Triple(a, _RDF.predicate, p),
            ox.Triple(a, _RDF.object, o),
            ox.Triple(a, DERIVED, release),
            ox.Triple(a, EVIDENCE, lit(evidence)),
        ]

    @staticmethod
    def quantity(q: ox.NamedNode, label: str, release: ox.NamedNode, evidence: str, low: int | None, best: int, high: int | None) -> list[ox.Triple]:
        """A death count, the release's claim: its best figure as cf:value, and the estimates the dataset gives."""
        t = [
            ox.Triple(q, TYPE, _CF.Quantity),
            ox.Triple(q, LABEL, en(label)),
            ox.Triple(q, _CF.countOf, _CF.Deaths),
            ox.Triple(q, _CF.qualifier, _CF.Approximately),
            ox.Triple(q, _CF.value, ox.Literal(str(best), datatype=XSD_INTEGER)),
            ox.Triple(q, DERIVED, release),
            ox.Triple(q, EVIDENCE, lit(evidence)),
        ]
        for p, v in ((_CF.lowEstimate, low), (_CF.bestEstimate, best), (_CF.highEstimate, high)):
            if v is not None:
                t.append(ox.Triple(q, p, ox.Literal(str(v), datatype=XSD_NNI)))
        return t

    @staticmethod
    def location(event: ox.NamedNode, longitude: str, latitude: str, label: str) -> list[ox.Triple]:
        """The event's point (geo:hasGeometry, a WKT POINT written from the row's own numbers)."""
        geometry = ox.NamedNode(f"{event.value}-location")
        return [
            ox.Triple(event, _GEO.hasGeometry, geometry),
            ox.Triple(geometry, TYPE, _GEO.Geometry),
            ox.Triple(geometry, LABEL, en(label)),
            ox.Triple(geometry, _GEO.asWKT, ox.Literal(f"POINT({longitude} {latitude})", datatype=_GEO.wktLiteral)),
        ]
