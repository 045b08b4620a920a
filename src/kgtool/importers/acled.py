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

import pyoxigraph as ox

from ..vocab import CF, CFR, CFT
from .core import Row
from .describe import EVIDENCE, LABEL, MENTIONED, TYPE, XSD_DATE, Dataset, Describer, en, lit

NAME = "acled"
TITLE = "Armed Conflict Location & Event Data Project (ACLED) export CSV"

COLUMNS = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction", "civilian_targeting",
    "iso", "region", "country", "admin1", "admin2", "admin3", "location", "latitude", "longitude", "geo_precision",
    "source", "source_scale", "notes", "fatalities", "tags", "timestamp",
)  # fmt: skip

def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


EVENT_TYPE = _n(CF + "eventType")

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



def slug(text: str) -> str:
    """An IRI-safe key for a name: readable ASCII, plus a short hash so distinct names never share it."""
    base = re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()[:60] or "actor"
    return f"{base}-{hashlib.sha1(text.encode('utf-8')).hexdigest()[:8]}"


class Converter(Describer):
    """Turns ACLED rows into triples; remembers which shared nodes (actors, releases) it has described."""

    DATASET = Dataset(
        key="acled", label="ACLED export", headline="ACLED",
        release_in_name=re.compile(r"(\d{4}-\d{2}-\d{2})"),  # an export's date in its file name
        publisher_key="acled", publisher_label="Armed Conflict Location & Event Data Project (ACLED)",
        publisher_evidence="ACLED event data export",
    )  # fmt: skip

    def __init__(self, home, release: str | None = None):
        super().__init__(home, release)
        self._sub_event_types: dict[str, ox.NamedNode] | None = None

    def sub_event_type(self, text: str) -> ox.NamedNode | None:
        """The concept of cft:AcledSubEventType whose notation is `text` (read from the home's typologies once)."""
        if self._sub_event_types is None:
            self._sub_event_types = self.concepts("AcledSubEventType")
        return self._sub_event_types.get(text)

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
        if not self.first(node.value):
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
        sub = self.sub_event_type(sub_text) if sub_text else None
        if sub_text and sub is None:
            raise row.error(f"sub_event_type is {sub_text!r}, not an ACLED sub-event type")
        time_prec = row.integer("time_precision", optional=True, minimum=1, maximum=3)
        geo_prec = row.integer("geo_precision", optional=True, minimum=1, maximum=3)
        lat, lon = row.point()
        fatalities = row.integer("fatalities", minimum=0)

        release, t = self.release(row.path)
        yield from t
        actors = []
        for n in ("1", "2"):
            actor, t = self._actor(row, n, release)
            yield from t
            if actor is not None and actor not in [a for a, _, _ in actors]:
                actors.append((actor, row.get(f"actor{n}"), n))

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
            yield ox.Triple(event, EVENT_TYPE, sub)
        if time_prec is not None:
            yield ox.Triple(event, _n(CF + "timePrecision"), _n(f"{CFT}acled-time-precision-{time_prec}"))
        if geo_prec is not None:
            yield ox.Triple(event, _n(CF + "geoPrecision"), _n(f"{CFT}acled-geo-precision-{geo_prec}"))
        if lat is not None:
            where = f"{place} (location of ACLED event {event_id})" if place else f"location of ACLED event {event_id}"
            yield from self.location(event, row.get("longitude"), row.get("latitude"), where)
        for i, (actor, name, n) in enumerate(actors, 1):
            yield from self.attest(
                release, event, _n(CF + role), actor, f"{role}-{i}", f"{name} took part in ACLED event {event_id}", f"event_id_cnty {event_id}; actor{n}: {name}"
            )

        q = _n(f"{event.value}-fatalities")
        yield ox.Triple(event, _n(CF + "deathToll"), q)
        source = f"; source: {row.get('source')}" if row.get("source") else ""
        yield from self.quantity(
            q, f"fatalities in ACLED event {event_id}: {fatalities}", release, f"event_id_cnty {event_id}: fatalities {fatalities}{source}", None, fatalities, None
        )
