"""Armed Conflict Location & Event Data Project (ACLED) export rows as triples of the conflict ontology.

One row is one event: its ACLED event type and sub-event type (cf:eventType, concepts of
cft:AcledEventType and cft:AcledSubEventType), its date with its precision (time_precision),
its location with its precision (geo_precision), its actors (actor1, actor2: one node per
name, with their ACLED actor type from inter1 / inter2 as cf:actorKind) and its fatalities:
one best count, the release's claim, with the row's notes and source as its evidence.

IRIs come from ACLED's own keys (event_id_cnty; an actor's name), so a row imported twice
is the same triples. No actor is linked to a state of the home (the GED importer's
crosswalk is of Gleditsch-Ward codes, which ACLED rows do not carry).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pyoxigraph as ox

from ..home import Home
from ..vocab import PROV, RDF, RDFS, XSD
from .core import Row

NAME = "acled"
TITLE = "Armed Conflict Location & Event Data Project (ACLED) export CSV"

COLUMNS = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction", "civilian_targeting",
    "iso", "region", "country", "admin1", "admin2", "admin3", "location", "latitude", "longitude", "geo_precision",
    "source", "source_scale", "notes", "fatalities", "tags", "timestamp",
)  # fmt: skip

CF = "https://w3id.org/kgtool/conflict#"
CFR = "https://w3id.org/kgtool/id/"
CFT = "https://w3id.org/kgtool/typology/"
GEO = "http://www.opengis.net/ont/geosparql#"
SCHEMA = "https://schema.org/"


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


TYPE = _n(RDF + "type")
LABEL = _n(RDFS + "label")
DERIVED = _n(PROV + "wasDerivedFrom")
MENTIONED = _n(CF + "mentionedIn")
EVIDENCE = _n(CF + "evidence")
EVENT_TYPE = _n(CF + "eventType")
XSD_DATE = _n(XSD + "date")
XSD_INTEGER = _n(XSD + "integer")
XSD_NNI = _n(XSD + "nonNegativeInteger")
WKT = _n(GEO + "wktLiteral")

# event_type (its skos:notation) → (concept, the event's class, the role of its actors)
EVENT_TYPES = {
    "Battles": ("acled-battles", "ArmedClash", "belligerent"),
    "Explosions/Remote violence": ("acled-explosions-remote-violence", "ArmedConflict", "belligerent"),
    "Violence against civilians": ("acled-violence-against-civilians", "ArmedConflict", "belligerent"),
    "Protests": ("acled-protests", "Event", "participant"),
    "Riots": ("acled-riots", "Event", "participant"),
    "Strategic developments": ("acled-strategic-developments", "Event", "participant"),
}
# inter1 / inter2 (the 2023 codebook's number, or the text later exports give) → (concept, the actor's class)
ACTOR_KINDS = {
    "1": ("actor-state-forces", "ArmedForces"),
    "2": ("actor-rebel-groups", "NonStateArmedGroup"),
    "3": ("actor-political-militias", "Militia"),
    "4": ("actor-identity-militias", "Militia"),
    "5": ("actor-rioters", "PeopleGroup"),
    "6": ("actor-protesters", "PeopleGroup"),
    "7": ("actor-civilians", "PeopleGroup"),
    "8": ("actor-external-other-forces", "Organisation"),
}
ACTOR_KIND_TEXT = {
    "state forces": "1", "rebel group": "2", "rebel groups": "2", "political militia": "3", "political militias": "3",
    "identity militia": "4", "identity militias": "4", "rioters": "5", "protesters": "6", "civilians": "7",
    "external/other forces": "8",
}  # fmt: skip
SUB_EVENT_TYPES = {
    'Abduction/forced disappearance': "acled-abduction-forced-disappearance",
    'Agreement': "acled-agreement",
    'Air/drone strike': "acled-air-drone-strike",
    'Armed clash': "acled-armed-clash",
    'Arrests': "acled-arrests",
    'Attack': "acled-attack",
    'Change to group/activity': "acled-change-to-group-activity",
    'Chemical weapon': "acled-chemical-weapon",
    'Disrupted weapons use': "acled-disrupted-weapons-use",
    'Excessive force against protesters': "acled-excessive-force-against-protesters",
    'Government regains territory': "acled-government-regains-territory",
    'Grenade': "acled-grenade",
    'Headquarters or base established': "acled-headquarters-or-base-established",
    'Looting/property destruction': "acled-looting-property-destruction",
    'Mob violence': "acled-mob-violence",
    'Non-state actor overtakes territory': "acled-non-state-actor-overtakes-territory",
    'Non-violent transfer of territory': "acled-non-violent-transfer-of-territory",
    'Other': "acled-other",
    'Peaceful protest': "acled-peaceful-protest",
    'Protest with intervention': "acled-protest-with-intervention",
    'Remote explosive/landmine/IED': "acled-remote-explosive-landmine-ied",
    'Sexual violence': "acled-sexual-violence",
    'Shelling/artillery/missile attack': "acled-shelling-artillery-missile-attack",
    'Suicide bomb': "acled-suicide-bomb",
    'Violent demonstration': "acled-violent-demonstration",
}  # sub_event_type (its skos:notation) → concept of cft:AcledSubEventType


def lit(text: str) -> ox.Literal:
    return ox.Literal(text)


def en(text: str) -> ox.Literal:
    return ox.Literal(text, language="en")


RELEASE_IN_NAME = re.compile(r"(\d{4}-\d{2}-\d{2})")  # an export's date in its file name


def release_of(path: str, given: str | None) -> str:
    if given:
        return given
    m = RELEASE_IN_NAME.search(Path(path).name)
    return m.group(1) if m else "unspecified"


def slug(text: str) -> str:
    """An IRI-safe key for a name: readable ASCII, plus a short hash so distinct names never share it."""
    base = re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()[:60] or "actor"
    return f"{base}-{hashlib.sha1(text.encode('utf-8')).hexdigest()[:8]}"


class Converter:
    """Turns ACLED rows into triples; remembers which shared nodes (actors, releases) it has described."""

    def __init__(self, home: Home, release: str | None = None):
        self.home = home
        self.release = release
        self.seen: set[str] = set()
        self._store = None

    def _first(self, iri: str) -> bool:
        if iri in self.seen:
            return False
        self.seen.add(iri)
        return not self._in_home(iri)

    def _in_home(self, iri: str) -> bool:
        from ..store import DATA, load

        if self._store is None:
            self._store = load(self.home).store
        return any(True for _ in self._store.quads_for_pattern(_n(iri), TYPE, None, DATA))

    def _release(self, path: str) -> tuple[ox.NamedNode, list[ox.Triple]]:
        version = release_of(path, self.release)
        key = re.sub(r"[^A-Za-z0-9.]+", "-", version).strip("-.") or "unspecified"
        node = _n(f"{CFR}acled-{key}")
        if not self._first(node.value):
            return node, []
        publisher = _n(CFR + "acled")
        given = version != "unspecified"
        label = f"ACLED export, release {version}" if given else "ACLED export, release not given"
        t = [
            ox.Triple(node, TYPE, _n(CF + "DatasetRelease")),
            ox.Triple(node, LABEL, en(label)),
            ox.Triple(node, _n(SCHEMA + "headline"), lit(f"ACLED {version}" if given else "ACLED")),
            ox.Triple(node, _n(SCHEMA + "publisher"), publisher),
            ox.Triple(node, _n(CF + "sourceType"), _n(CFT + "source-event-dataset")),
        ]
        if not given:
            t.append(ox.Triple(node, _n(CF + "editorialNote"), en("The import was not told which ACLED export its rows come from (kgtool import --release).")))
        if self._first(publisher.value):
            t += [
                ox.Triple(publisher, TYPE, _n(CF + "ResearchInstitute")),
                ox.Triple(publisher, LABEL, en("Armed Conflict Location & Event Data Project (ACLED)")),
                ox.Triple(publisher, MENTIONED, node),
                ox.Triple(publisher, EVIDENCE, lit("ACLED event data export")),
            ]
        return node, t

    def _attest(self, release: ox.NamedNode, s: ox.NamedNode, p: ox.NamedNode, o: ox.NamedNode, key: str, label: str, evidence: str) -> list[ox.Triple]:
        a = _n(f"{s.value}-attestation-{key}")
        return [
            ox.Triple(s, p, o),
            ox.Triple(a, TYPE, _n(CF + "AttestedStatement")),
            ox.Triple(a, LABEL, en(label)),
            ox.Triple(a, _n(RDF + "subject"), s),
            ox.Triple(a, _n(RDF + "predicate"), p),
            ox.Triple(a, _n(RDF + "object"), o),
            ox.Triple(a, DERIVED, release),
            ox.Triple(a, EVIDENCE, lit(evidence)),
        ]

    def _kind(self, row: Row, column: str) -> str | None:
        text = row.get(column)
        if not text or text == "0":
            return None
        code = ACTOR_KIND_TEXT.get(text.lower(), text[:-2] if text.endswith(".0") else text)
        if code not in ACTOR_KINDS:
            raise row.error(f"{column} is {text!r}, not an ACLED actor type (1 to 8)")
        return code

    def _actor(self, row: Row, n: str, release: ox.NamedNode) -> tuple[ox.NamedNode | None, list[ox.Triple]]:
        name = row.get(f"actor{n}")
        code = self._kind(row, f"inter{n}")
        if not name:
            return None, []
        node = _n(f"{CFR}acled-actor-{slug(name)}")
        if not self._first(node.value):
            return node, []
        concept, cls = ACTOR_KINDS[code] if code else (None, "PeopleGroup")
        t = [
            ox.Triple(node, TYPE, _n(CF + cls)),
            ox.Triple(node, LABEL, en(name)),
            ox.Triple(node, MENTIONED, release),
            ox.Triple(node, EVIDENCE, lit(f"actor{n}: {name}" + (f"; inter{n}: {row.get(f'inter{n}')}" if code else ""))),
        ]
        if concept:
            t.append(ox.Triple(node, _n(CF + "actorKind"), _n(CFT + concept)))
        return node, t

    def _day(self, row: Row) -> date:
        text = row.required("event_date")
        for fmt in ("%Y-%m-%d", "%d %B %Y"):
            try:
                if fmt == "%Y-%m-%d" and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                    continue
                return datetime.strptime(text, fmt).date()
            except ValueError:
                continue
        raise row.error(f"event_date is {text!r}, not a date that exists (YYYY-MM-DD or '13 September 2022')")

    def convert(self, row: Row) -> Iterator[ox.Triple]:
        """The triples of one ACLED row (InputError, naming its file and line, for a malformed one)."""
        event_id = row.required("event_id_cnty")
        if not re.fullmatch(r"[A-Za-z0-9_.-]+", event_id):
            raise row.error(f"event_id_cnty is {event_id!r}, not an ACLED event id")
        day = self._day(row)
        event_type = row.required("event_type")
        if event_type not in EVENT_TYPES:
            raise row.error(f"event_type is {event_type!r}, not an ACLED event type")
        type_concept, event_class, role = EVENT_TYPES[event_type]
        sub_text = row.get("sub_event_type")
        sub = SUB_EVENT_TYPES.get(sub_text) if sub_text else None
        if sub_text and sub is None:
            raise row.error(f"sub_event_type is {sub_text!r}, not an ACLED sub-event type")
        time_prec = row.integer("time_precision", optional=True, minimum=1, maximum=3)
        geo_prec = row.integer("geo_precision", optional=True, minimum=1, maximum=3)
        lat = row.number("latitude", -90, 90)
        lon = row.number("longitude", -180, 180)
        if (lat is None) != (lon is None):
            raise row.error("the row gives only one of latitude and longitude")
        fatalities = row.integer("fatalities", minimum=0)

        release, t = self._release(row.path)
        yield from t
        actors = []
        for n in ("1", "2"):
            actor, t = self._actor(row, n, release)
            yield from t
            if actor is not None and actor not in [a for a, _ in actors]:
                actors.append((actor, row.get(f"actor{n}")))

        event = _n(f"{CFR}acled-event-{event_id}")
        place = ", ".join(p for p in (row.get("location"), row.get("country")) if p)
        evidence = f"event_id_cnty {event_id}" + "".join(f"; {c}: {row.get(c)}" for c in ("source", "notes") if row.get(c))
        yield from (
            ox.Triple(event, TYPE, _n(CF + event_class)),
            ox.Triple(event, LABEL, en(f"{sub_text or event_type}, {place + ', ' if place else ''}{day.isoformat()} (ACLED event {event_id})")),
            ox.Triple(event, EVENT_TYPE, _n(CFT + type_concept)),
            ox.Triple(event, MENTIONED, release),
            ox.Triple(event, EVIDENCE, lit(evidence)),
            ox.Triple(event, _n(CF + "date"), ox.Literal(day.isoformat(), datatype=XSD_DATE)),
        )
        if sub is not None:
            yield ox.Triple(event, EVENT_TYPE, _n(CFT + sub))
        if time_prec is not None:
            yield ox.Triple(event, _n(CF + "timePrecision"), _n(f"{CFT}acled-time-precision-{time_prec}"))
        if geo_prec is not None:
            yield ox.Triple(event, _n(CF + "geoPrecision"), _n(f"{CFT}acled-geo-precision-{geo_prec}"))
        if lat is not None:
            geometry = _n(f"{event.value}-location")
            yield from (
                ox.Triple(event, _n(GEO + "hasGeometry"), geometry),
                ox.Triple(geometry, TYPE, _n(GEO + "Geometry")),
                ox.Triple(geometry, LABEL, en(f"{place} (location of ACLED event {event_id})" if place else f"location of ACLED event {event_id}")),
                ox.Triple(geometry, _n(GEO + "asWKT"), ox.Literal(f"POINT({lon!r} {lat!r})", datatype=WKT)),
            )
        for i, (actor, name) in enumerate(actors, 1):
            yield from self._attest(
                release, event, _n(CF + role), actor, f"{role}-{i}", f"{name} took part in ACLED event {event_id}", f"event_id_cnty {event_id}; actor{i}: {name}"
            )

        q = _n(f"{event.value}-fatalities")
        yield ox.Triple(event, _n(CF + "deathToll"), q)
        yield from (
            ox.Triple(q, TYPE, _n(CF + "Quantity")),
            ox.Triple(q, LABEL, en(f"fatalities in ACLED event {event_id}: {fatalities}")),
            ox.Triple(q, _n(CF + "countOf"), _n(CF + "Deaths")),
            ox.Triple(q, _n(CF + "qualifier"), _n(CF + "Approximately")),
            ox.Triple(q, _n(CF + "value"), ox.Literal(str(fatalities), datatype=XSD_INTEGER)),
            ox.Triple(q, _n(CF + "bestEstimate"), ox.Literal(str(fatalities), datatype=XSD_NNI)),
            ox.Triple(q, DERIVED, release),
            ox.Triple(q, EVIDENCE, lit(f"event_id_cnty {event_id}: fatalities {fatalities}" + (f"; source: {row.get('source')}" if row.get("source") else ""))),
        )
