"""UCDP Georeferenced Event Dataset (GED) rows as triples of the conflict ontology.

Columns and codes as the GED codebook (versions 23.1 and 24.1) defines them. One row is one
event: its type of violence, its dyad (side A against side B) within a conflict, its dates
with their precision (date_prec), its location with its precision (where_prec), and its
deaths: low / best / high, and best split into side A, side B, civilians and unknown. The
figures are the dataset's claims: quantities derived from the release, with the row's id and
source fields as their evidence (the shape tests/fixtures/second-conflict/veldoria-ged.ttl
shows by hand).

IRIs come from UCDP's own ids (event `id`, `conflict_new_id`, `dyad_new_id`,
`side_*_new_id`), so a row imported twice is the same triples, and an actor or a conflict is
one node however many rows and files name it. A government side ("Government of Armenia",
with its Gleditsch-Ward code in gwnoa) is affiliated with the home's state of that code when
the shipped crosswalk gives the code exactly one Wikidata id, under the same name, and the
home has exactly one entity with that id (schema:sameAs); otherwise it is linked to nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pyoxigraph as ox

from ..vocab import CF, CFR, CFT, SCHEMA, WD
from . import crosswalk
from .core import Row
from .describe import EVIDENCE, LABEL, MENTIONED, NOTE, TYPE, XSD_DATE, Dataset, Describer, en, lit

NAME = "ucdp-ged"
TITLE = "UCDP Georeferenced Event Dataset (GED) CSV"

COLUMNS = (
    "id", "relid", "year", "active_year", "code_status", "type_of_violence", "conflict_dset_id", "conflict_new_id",
    "conflict_name", "dyad_dset_id", "dyad_new_id", "dyad_name", "side_a_dset_id", "side_a_new_id", "side_a",
    "side_b_dset_id", "side_b_new_id", "side_b", "number_of_sources", "source_article", "source_office", "source_date",
    "source_headline", "source_original", "where_prec", "where_coordinates", "where_description", "adm_1", "adm_2",
    "latitude", "longitude", "geom_wkt", "priogrid_gid", "country", "country_id", "region", "event_clarity",
    "date_prec", "date_start", "date_end", "deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown", "best",
    "high", "low", "gwnoa", "gwnob",
)  # fmt: skip


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


SIDE_A, SIDE_B, BELLIGERENT, EPISODE_OF = (_n(CF + p) for p in ("sideA", "sideB", "belligerent", "episodeOf"))
AFFILIATED = _n(CF + "affiliatedWith")
SAME_AS = _n(SCHEMA + "sameAs")

# type_of_violence → (the event's class, its concept in cft:UcdpTypeOfViolence). One-sided
# violence is armed force against civilians, not a clash between armed parties.
VIOLENCE = {
    1: (CF + "ArmedClash", CFT + "state-based-conflict"),
    2: (CF + "ArmedClash", CFT + "non-state-conflict"),
    3: (CF + "ArmedConflict", CFT + "one-sided-violence"),
}
# deaths_* columns → (IRI suffix, words for the label, whose side, victim category)
SPLITS = (
    ("deaths_a", "a", "side A deaths", "a", CFT + "victim-combatant"),
    ("deaths_b", "b", "side B deaths", "b", CFT + "victim-combatant"),
    ("deaths_civilians", "civilians", "civilian deaths", None, CFT + "victim-civilian"),
    ("deaths_unknown", "unknown", "deaths of unknown status", None, CFT + "victim-unknown"),
)
GW_CODE = re.compile(r"\d{1,4}")


class Converter(Describer):
    """Turns GED rows into triples; remembers which shared nodes (actors, conflicts, dyads, releases) it has described."""

    DATASET = Dataset(
        key="ucdp-ged", label="UCDP Georeferenced Event Dataset (GED)", headline="UCDP GED",
        release_in_name=re.compile(r"v(\d+)[._](\d+)", re.IGNORECASE),  # GEDEvent_v24_1.csv
        publisher_key="ucdp", publisher_label="Uppsala Conflict Data Program (UCDP)",
        publisher_evidence="UCDP Georeferenced Event Dataset",
    )  # fmt: skip

    def __init__(self, home, release: str | None = None):
        super().__init__(home, release)
        self._states: dict[str, list[str]] | None = None

    def _actor(self, row: Row, side: str, release: ox.NamedNode) -> tuple[ox.NamedNode, list[ox.Triple]]:
        """Side 'a' or 'b' of the row: an armed forces node for a government (a G-W code), else a non-state armed group."""
        new_id = row.integer(f"side_{side}_new_id", minimum=0)
        name = row.required(f"side_{side}")
        codes = self._gw_codes(row, f"gwno{side}")
        node = _n(f"{CFR}ucdp-actor-{new_id}")
        if not self.first(node.value):
            return node, []
        evidence = f"side_{side}_new_id {new_id}; side_{side}: {name}"
        kind = "ArmedForces" if codes else "NonStateArmedGroup"
        t = [
            ox.Triple(node, TYPE, _n(CF + kind)),
            ox.Triple(node, LABEL, en(name)),
            ox.Triple(node, MENTIONED, release),
            ox.Triple(node, EVIDENCE, lit(evidence + (f"; gwno{side}: {row.get(f'gwno{side}')}" if codes else ""))),
        ]
        state = self._state(name, codes)
        if state is not None:
            iri, qid, code = state
            t += self.attest(
                release, node, AFFILIATED, _n(iri), "affiliated-with", f"{name} is the government of the state with Gleditsch-Ward code {code}",
                f"{evidence}; gwno{side}: {code}",
            )
            t.append(ox.Triple(_n(f"{node.value}-attestation-affiliated-with"), NOTE, en(
                f"Linked by kgtool import: G-W code {code} is wd:{qid} in the crosswalk of {crosswalk.SOURCE}, and the home's entity with that Wikidata id is this state."
            )))  # fmt: skip
        return node, t

    def _gw_codes(self, row: Row, column: str) -> list[int]:
        text = row.get(column)
        if not text:
            return []
        parts = [p.strip() for p in text.split(",") if p.strip()]
        if not all(GW_CODE.fullmatch(p) for p in parts):
            raise row.error(f"{column} is {text!r}, not Gleditsch-Ward codes")
        return [int(p) for p in parts]

    def _state(self, name: str, codes: list[int]) -> tuple[str, str, int] | None:
        """(the home's state, its Wikidata id, the code) for a government side with one code that the crosswalk and the home agree on; else None."""
        if len(codes) != 1:
            return None
        state_name = name[len("Government of ") :] if name.startswith("Government of ") else name
        qid = crosswalk.qid(codes[0], state_name)
        if qid is None:
            return None
        entities = self._home_states().get(WD + qid, [])
        return (entities[0], qid, codes[0]) if len(entities) == 1 else None

    def _home_states(self) -> dict[str, list[str]]:
        """The home's data entities by their schema:sameAs Wikidata IRI (read once)."""
        if self._states is None:
            from ..store import DATA

            self._states = {}
            for q in self.store.quads_for_pattern(None, SAME_AS, None, DATA):
                if isinstance(q.subject, ox.NamedNode) and isinstance(q.object, ox.NamedNode) and q.object.value.startswith(WD):
                    self._states.setdefault(q.object.value, []).append(q.subject.value)
        return self._states

    # -- one row ------------------------------------------------------------------------
    def convert(self, row: Row) -> Iterator[ox.Triple]:
        """The triples of one GED row (InputError, naming its file and line, for a malformed one)."""
        event_id = row.integer("id", minimum=0)
        violence = row.integer("type_of_violence", minimum=1, maximum=3)
        event_class, violence_type = VIOLENCE[violence]
        start, end = row.day("date_start"), row.day("date_end")
        if end < start:
            raise row.error(f"date_end {end} is before date_start {start}")
        date_prec = row.integer("date_prec", optional=True, minimum=1, maximum=5)
        where_prec = row.integer("where_prec", optional=True, minimum=1, maximum=7)
        lat, lon = row.point()
        low, best, high = (row.integer(c, minimum=0) for c in ("low", "best", "high"))
        if low > best:
            raise row.error(f"low {low} is above best {best}")
        if best > high:
            raise row.error(f"best {best} is above high {high}")
        deaths = {c: row.integer(c, minimum=0) for c, *_ in SPLITS}
        conflict_id = row.integer("conflict_new_id", minimum=0)
        dyad_id = row.integer("dyad_new_id", minimum=0)

        release, t = self.release(row.path)
        yield from t
        side_a, t = self._actor(row, "a", release)
        yield from t
        # One-sided violence has no second party: its victims are civilians (a victim category), not side B.
        side_b = None
        if violence != 3 and row.get("side_b_new_id"):
            side_b, t = self._actor(row, "b", release)
            yield from t
        sides = [(SIDE_A, side_a, "a")] + ([(SIDE_B, side_b, "b")] if side_b is not None else [])
        names = {"a": row.get("side_a"), "b": row.get("side_b")}

        conflict = _n(f"{CFR}ucdp-conflict-{conflict_id}")
        conflict_name = row.required("conflict_name")
        conflict_ev = f"conflict_new_id {conflict_id}; conflict_name: {conflict_name}"
        if self.first(conflict.value):
            yield from (
                ox.Triple(conflict, TYPE, _n(CF + "ArmedConflict")),
                ox.Triple(conflict, LABEL, en(conflict_name)),
                ox.Triple(conflict, _n(CF + "violenceType"), _n(violence_type)),
                ox.Triple(conflict, MENTIONED, release),
                ox.Triple(conflict, EVIDENCE, lit(conflict_ev)),
            )
        for _p, actor, side in sides:
            key = f"belligerent-{actor.value.rsplit('-', 1)[-1]}"
            if self.first(f"{conflict.value}-attestation-{key}"):
                yield from self.attest(
                    release, conflict, BELLIGERENT, actor, key,
                    f"{names[side]} fights in {conflict_name}", f"{conflict_ev}; side_{side}: {names[side]}",
                )  # fmt: skip

        dyad = _n(f"{CFR}ucdp-dyad-{dyad_id}")
        dyad_name = row.required("dyad_name")
        dyad_ev = f"dyad_new_id {dyad_id}; dyad_name: {dyad_name}"
        if self.first(dyad.value):
            yield from (
                ox.Triple(dyad, TYPE, _n(CF + "ArmedConflict")),
                ox.Triple(dyad, LABEL, en(f"{dyad_name} (UCDP dyad {dyad_id})")),
                ox.Triple(dyad, _n(CF + "violenceType"), _n(violence_type)),
                ox.Triple(dyad, MENTIONED, release),
                ox.Triple(dyad, EVIDENCE, lit(dyad_ev)),
            )
            yield from self.attest(release, dyad, EPISODE_OF, conflict, "episode-of", f"{dyad_name} is a dyad of {conflict_name}", f"{dyad_ev}; {conflict_ev}")
            for p, actor, side in sides:
                label = f"{names[side]} is side {side.upper()} of {dyad_name}"
                ev = f"{dyad_ev}; side_{side}: {names[side]}"
                yield from self.attest(release, dyad, p, actor, f"side-{side}", label, ev)
                yield from self.attest(release, dyad, BELLIGERENT, actor, f"belligerent-{side}", f"{names[side]} fights in {dyad_name}", ev)

        event = _n(f"{CFR}ucdp-ged-event-{event_id}")
        when = start.isoformat() if start == end else f"{start.isoformat()} to {end.isoformat()}"
        evidence = f"id {event_id}" + "".join(
            f"; {c}: {row.get(c)}" for c in ("source_article", "source_office", "source_date", "source_headline", "source_original") if row.get(c)
        )
        yield from (
            ox.Triple(event, TYPE, _n(event_class)),
            ox.Triple(event, LABEL, en(f"{dyad_name}, {when} (UCDP GED event {event_id})")),
            ox.Triple(event, _n(CF + "violenceType"), _n(violence_type)),
            ox.Triple(event, MENTIONED, release),
            ox.Triple(event, EVIDENCE, lit(evidence)),
        )
        if start == end:
            yield ox.Triple(event, _n(CF + "date"), ox.Literal(start.isoformat(), datatype=XSD_DATE))
        else:  # GED gives a range for an imprecise date: bounds, not a point
            yield ox.Triple(event, _n(CF + "notBefore"), ox.Literal(start.isoformat(), datatype=XSD_DATE))
            yield ox.Triple(event, _n(CF + "notAfter"), ox.Literal(end.isoformat(), datatype=XSD_DATE))
        if date_prec is not None:
            yield ox.Triple(event, _n(CF + "timePrecision"), _n(f"{CFT}ucdp-date-prec-{date_prec}"))
        if where_prec is not None:
            yield ox.Triple(event, _n(CF + "geoPrecision"), _n(f"{CFT}ucdp-where-prec-{where_prec}"))
        if lat is not None:
            place = row.get("where_coordinates")
            where = f"{place} (location of UCDP GED event {event_id})" if place else f"location of UCDP GED event {event_id}"
            yield from self.location(event, row.get("longitude"), row.get("latitude"), where)
        row_ev = f"id {event_id}"
        for p, actor, side in sides:
            ev = f"{row_ev}; side_{side}: {names[side]}"
            yield from self.attest(release, event, p, actor, f"side-{side}", f"{names[side]} is side {side.upper()} of UCDP GED event {event_id}", ev)
            yield from self.attest(release, event, BELLIGERENT, actor, f"belligerent-{side}", f"{names[side]} fought in UCDP GED event {event_id}", ev)
        yield from self.attest(
            release, event, EPISODE_OF, dyad, "episode-of", f"UCDP GED event {event_id} is an event of {dyad_name}", f"{row_ev}; {dyad_ev}"
        )

        # The figures: the release's claims, each with the row's numbers as evidence.
        total = _n(f"{event.value}-deaths")
        split = ", ".join(f"{c} {deaths[c]}" for c, *_ in SPLITS)
        yield ox.Triple(event, _n(CF + "deathToll"), total)
        yield from self.quantity(total, f"deaths in UCDP GED event {event_id}: low {low}, best {best}, high {high}", release,
                                 f"id {event_id}: low {low}, best {best}, high {high}; {split}", low, best, high)  # fmt: skip
        actors = {"a": side_a, "b": side_b}
        for column, suffix, words, side, category in SPLITS:
            if not deaths[column]:
                continue  # a zero stays in the total's evidence; no figure of nothing
            q = _n(f"{event.value}-deaths-{suffix}")
            yield ox.Triple(event, _n(CF + "deathToll"), q)
            yield from self.quantity(q, f"{words} in UCDP GED event {event_id}: {deaths[column]}", release, f"id {event_id}: {column} {deaths[column]}", None, deaths[column], None)
            yield ox.Triple(q, _n(CF + "victimCategory"), _n(category))
            if side is not None and actors[side] is not None:
                yield ox.Triple(q, _n(CF + "victimSide"), actors[side])
