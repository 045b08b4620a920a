"""Safe growth: what a submission makes of the home under OWL RL, found from the submission alone.

The compiled rules (`reasoning.engine`) run seeded with the submission's new triples over a
read-only view of the home's store (its asserted graphs and entailments, `StoreView`), as
`reasoning.incremental` extends a closure after an added file, but nothing is written. Only
the new facts (and the store triples they meet) are checked, so the cost follows the
submission, not the home:

* an instance of owl:Nothing (cls-nothing2);
* a disjointness clash: owl:disjointWith, owl:AllDisjointClasses, owl:complementOf
  (cax-dw, cax-adc, cls-com), owl:propertyDisjointWith (prp-pdw);
* a broken owl:differentFrom or owl:AllDifferent (eq-diff1/2/3);
* two IRIs the home described before made the same (owl:sameAs entailed): a merge, refused
  unless allowed.

Each finding is a validation Result of severity Violation whose constraint is
kgtool:InconsistencyCheck or kgtool:MergeCheck (docs/validation-report.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from . import terms
from .reasoning.relations import rdf_list
from .shacl import no_gc
from .vocab import OWL, RDF

KGTOOL_NS = "https://w3id.org/kgtool/ns#"
INCONSISTENCY = "kgtool:InconsistencyCheck"
MERGE = "kgtool:MergeCheck"

_TYPE, _SAME, _DIFF, _NOTHING = f"<{RDF}type>", f"<{OWL}sameAs>", f"<{OWL}differentFrom>", f"<{OWL}Nothing>"
_FIRST, _REST, _NIL = f"<{RDF}first>", f"<{RDF}rest>", f"<{RDF}nil>"
MAX_SHOWN = 5  # a finding names at most this many triples that lead to it


@dataclass
class Finding:
    """One inconsistency or merge: its kind (constraint), the node it is about, a message, a value."""

    constraint: str
    focus: str  # N-Triples term string
    message: str
    value: str | None = None


@dataclass
class Extension:
    """What a submission adds to the home's entailments, found by the check's own run of the rules (staged.py stores it instead of reasoning again).

    `entailed`: the new entailments (N-Triples strings), neither submitted nor noise.
    `held`: the submitted triples the home held already, asserted or entailed: those it holds as
    entailments are asserted once the submission is stored, so they leave the entailments.
    `submitted`: the submission's triples as the engine's strings (their terms join a staged
    store's term filter without being written out again).
    """

    entailed: list
    held: list[ox.Triple]
    submitted: set


def check(loaded, triples: list[ox.Triple], allow_merge: bool = False) -> tuple[list[Finding], list[str]]:
    """The findings of the submission `triples` with the home `loaded`, and notes (why it could not be checked)."""
    findings, notes, _extension = check_and_extend(loaded, triples, allow_merge)
    return findings, notes


def check_and_extend(loaded, triples: list[ox.Triple], allow_merge: bool = False) -> tuple[list[Finding], list[str], Extension | None]:
    """`check`, and the submission's Extension of the home's entailments (None where the rules cannot extend them: schema triples, quoted triples)."""
    with no_gc():  # the submission and the new facts are hundreds of thousands of small tuples (shacl.no_gc)
        return _check(loaded, triples, allow_merge)


def _check(loaded, triples: list[ox.Triple], allow_merge: bool) -> tuple[list[Finding], list[str], Extension | None]:
    from .reasoning.compiled import Rules
    from .reasoning.engine import Engine
    from .reasoning.incremental import StoreView
    from .reasoning.ntriples import Unsupported, is_schema, parse_lines
    from .store.cache import SCHEMA_CLOSURE
    from .store.graphs import REASONED

    schema_file = loaded.path / SCHEMA_CLOSURE if loaded.path is not None else None
    if loaded.reasoner != "kgtool" or schema_file is None or not schema_file.is_file():
        return [], [], None
    as_written = {(str(s), str(p), str(o)): (s, p, o) for s, p, o in triples}  # the engine's N-Triples strings -> the terms
    if any(isinstance(s, ox.Triple) or isinstance(o, ox.Triple) for s, _, o in as_written.values()):
        return [], [], None  # quoted triples: the compiled rules do not reason over them (reasoning.incremental)
    submitted = set(as_written)
    try:
        schema = set(parse_lines(schema_file.read_bytes()))
        rules = Rules(schema)
    except Unsupported as e:
        return [], [f"the submission's consistency with the home was not checked: {e}"], None
    view = StoreView(loaded.store, REASONED, rules.stand_ins, getattr(loaded, "seen", None))
    extra_schema: set = set()
    instance = []
    for t in submitted:
        (extra_schema.add(t) if is_schema(t) else instance.append(t))
    stored = _stored(loaded.store, view, instance, as_written)
    seeds = [t for t in instance if t not in stored]
    engine = Engine(rules, view)
    engine.seed(seeds)
    engine.run()
    findings = _Checker(loaded, view, engine.facts, schema | extra_schema, submitted, allow_merge).run()
    return findings, [], _extension(engine.facts, submitted, stored, as_written, extra_schema)


def _extension(facts: set, submitted: set, stored: set, as_written: dict, extra_schema: set) -> Extension | None:
    """The Extension the engine's facts make (as reasoning.incremental would find it), or None when the rules would change or the entailments hold schema triples."""
    from .reasoning.noise import is_noise
    from .reasoning.ntriples import is_schema

    if extra_schema:
        return None
    entailed = [t for t in facts if t not in submitted and not is_noise(t)]
    if any(is_schema(t) for t in entailed):
        return None
    return Extension(entailed, [ox.Triple(*as_written[t]) for t in stored], submitted)


def _stored(store, view, instance: list, as_written: dict) -> set:
    """Those of the submitted `instance` triples the store holds in one of the view's graphs (asserted or entailed).

    A local store is asked whether it has anything about each subject, then, for a subject it has, quad
    by quad (Oxigraph matches a literal by value, as the view does); reading each subject's description
    into the view instead cost ~25 s for a 1M-triple file."""
    if not isinstance(store, ox.Store):
        return view.known(instance)  # a remote home: the view's lookups, one per subject
    from .store.graphs import DATA

    graphs = sorted(view.graphs, key=lambda g: g != DATA)  # the data graph first: most submitted triples the home holds are there
    described: dict = {}  # subject -> whether the store has a triple about it
    out = set()
    for t in instance:
        if view.seen is not None and hash(t[0]) not in view.seen:
            continue  # a subject the store does not hold
        s, p, o = as_written[t]
        known = described.get(s)
        if known is None:
            known = described[s] = any(next(iter(store.quads_for_pattern(s, None, None, g)), None) is not None for g in graphs)
        if known and any(ox.Quad(s, p, o, g) in store for g in graphs):
            out.add(t)
    return out


class _Checker:
    """The checks of the new facts, each looked up among the new facts and the store."""

    def __init__(self, loaded, view, facts: set, schema: set, submitted: set, allow_merge: bool):
        self.loaded, self.view, self.facts, self.submitted, self.allow_merge = loaded, view, facts, submitted, allow_merge
        self._out: dict[str, dict[str, list[str]]] | None = None  # the new facts by predicate and subject, made when first asked
        self._inn: dict[str, dict[str, list[str]]] | None = None  # ... and by predicate and object
        self.schema = schema
        by_p: dict[str, list[tuple[str, str]]] = {}
        for s, p, o in schema:
            by_p.setdefault(p, []).append((s, o))
        self.by_p = by_p
        self.disjoint: dict[str, set[str]] = {}
        for p in ("disjointWith", "complementOf"):
            for a, b in by_p.get(f"<{OWL}{p}>", ()):
                self.disjoint.setdefault(a, set()).add(b)
                self.disjoint.setdefault(b, set()).add(a)
        first, rest = dict(by_p.get(_FIRST, ())), dict(by_p.get(_REST, ()))
        for node, head in by_p.get(f"<{OWL}members>", ()):
            if (node, _TYPE, f"<{OWL}AllDisjointClasses>") in schema:
                members = rdf_list(first, rest, head, _NIL) or []
                for a in members:
                    self.disjoint.setdefault(a, set()).update(m for m in members if m != a)
        self.pdw: dict[str, set[str]] = {}
        for a, b in by_p.get(f"<{OWL}propertyDisjointWith>", ()):
            self.pdw.setdefault(a, set()).add(b)
            self.pdw.setdefault(b, set()).add(a)
        self.functional = {s for s, o in by_p.get(_TYPE, ()) if o == f"<{OWL}FunctionalProperty>"}
        self.inv_functional = {s for s, o in by_p.get(_TYPE, ()) if o == f"<{OWL}InverseFunctionalProperty>"}
        self.prefixes = loaded.prefixes
        self.findings: list[Finding] = []

    # ------------------------------------------------------------ lookups
    def has(self, t) -> bool:
        return t in self.facts or self.view.has(t)

    def objects(self, p: str, s: str) -> list[str]:
        if self._out is None:
            self._out = {}
            for x, q, y in self.facts:
                self._out.setdefault(q, {}).setdefault(x, []).append(y)
        return [*self._out.get(p, {}).get(s, ()), *self.view.objects(p, s)]

    def subjects(self, p: str, o: str) -> list[str]:
        if self._inn is None:
            self._inn = {}
            for x, q, y in self.facts:
                self._inn.setdefault(q, {}).setdefault(y, []).append(x)
        return [*self._inn.get(p, {}).get(o, ()), *self.view.subjects(p, o)]

    def name(self, term: str) -> str:
        return terms.n3(self.view.term(term), self.prefixes) or term

    def said(self, t) -> str:
        """A triple as Turtle, with where it comes from."""
        text = " ".join(self.name(x) for x in t)
        if t in self.submitted:
            return f"{text} (submitted)"
        if t in self.facts:
            return f"{text} (entailed)"
        return f"{text} (in the home)"

    def add(self, constraint: str, focus: str, message: str, value: str | None = None) -> None:
        self.findings.append(Finding(constraint, focus, message, value))

    # ------------------------------------------------------------ checks
    def can_clash(self, t) -> bool:
        """Whether a check below may report something of the fact t: a type in owl:Nothing or in a class with
        disjoint ones, an owl:sameAs or owl:differentFrom, a property with disjoint ones. Most facts are none of these."""
        p = t[1]
        if p == _TYPE:
            return t[2] == _NOTHING or t[2] in self.disjoint
        return p == _SAME or p == _DIFF or p in self.pdw

    def run(self) -> list[Finding]:
        for t in sorted(filter(self.can_clash, self.facts)):
            s, p, o = t
            if p == _TYPE:
                self._type(s, o)
            elif p == _SAME:
                if s < o:
                    self._same(s, o)
            elif p == _DIFF:
                # a new owl:sameAs is checked by _same; here a new difference against an old equality
                if (s, _SAME, o) not in self.facts and (o, _SAME, s) not in self.facts and (self.view.has((s, _SAME, o)) or self.view.has((o, _SAME, s))):
                    self._broken_difference(s, o, [t])
            elif p in self.pdw:
                for q in sorted(self.pdw[p]):
                    if self.has((s, q, o)) and (p < q or (s, q, o) not in self.facts):
                        self.add(INCONSISTENCY, s, f"{self.name(p)} and {self.name(q)} are disjoint properties (owl:propertyDisjointWith), yet: {self.said(t)} . {self.said((s, q, o))}", o)
        return self.findings

    def _type(self, x: str, c: str) -> None:
        if c == _NOTHING:
            why = self._types_of(x)
            self.add(INCONSISTENCY, x, f"{self.name(x)} is an instance of owl:Nothing: {self.said((x, _TYPE, c))}" + (f" from {why}" if why else ""), c)
            return
        for d in sorted(self.disjoint.get(c, ())):
            other = (x, _TYPE, d)
            if not self.has(other):
                continue
            if d != c and other in self.facts and d < c:
                continue  # reported from the other type
            self.add(INCONSISTENCY, x, f"{self.name(x)} is in disjoint classes {self.name(c)} and {self.name(d)}: {self.said((x, _TYPE, c))} . {self.said(other)}", c)

    def _types_of(self, x: str) -> str:
        types = [(x, _TYPE, c) for c in self.objects(_TYPE, x) if c != _NOTHING][:MAX_SHOWN]
        return " . ".join(self.said(t) for t in types)

    def _same(self, x: str, y: str) -> None:
        if x[0] != "<" or y[0] != "<":
            return
        differ = [t for t in ((x, _DIFF, y), (y, _DIFF, x)) if self.has(t)]
        if differ:
            self._broken_difference(x, y, differ)
        elif self._all_different(x, y):
            self.add(INCONSISTENCY, x, f"{self.name(x)} owl:sameAs {self.name(y)}, but owl:AllDifferent lists both; entailed from {self.explain_same(x, y)}", y)
        if not self.allow_merge and self._in_home(x) and self._in_home(y):
            self.add(MERGE, x, f"{self.name(x)} owl:sameAs {self.name(y)} merges two entities of the home (use --allow-merge if meant), entailed from {self.explain_same(x, y)}", y)

    def _broken_difference(self, x: str, y: str, differ: list) -> None:
        self.add(INCONSISTENCY, x, f"{self.name(x)} owl:sameAs {self.name(y)} yet {' . '.join(self.said(t) for t in differ)}; the sameAs is entailed from {self.explain_same(x, y)}", y)

    def _all_different(self, x: str, y: str) -> bool:
        query = f"ASK {{ ?a <{OWL}members>|<{OWL}distinctMembers> ?l . ?l <{RDF}rest>*/<{RDF}first> {x} . ?l <{RDF}rest>*/<{RDF}first> {y} }}"
        from .store.graphs import DATA, ONTOLOGY

        return bool(self.loaded.store.query(query, default_graph=[ONTOLOGY, DATA]))

    def _in_home(self, x: str) -> bool:
        from .store.graphs import DATA, ONTOLOGY

        node = self.view.term(x)
        return any(next(iter(self.loaded.store.quads_for_pattern(node, None, None, g)), None) is not None for g in (DATA, ONTOLOGY))

    def explain_same(self, x: str, y: str) -> str:
        """The triples that make x and y the same, where one rule (asserted, prp-fp, prp-ifp, eq-trans) says so
        directly; of several, the one that rests most on submitted and home triples rather than on entailed ones."""
        for a, b in ((x, y), (y, x)):
            if (a, _SAME, b) in self.submitted:
                return f"the submission: {self.said((a, _SAME, b))}"
        found: list[tuple[str, tuple, tuple]] = []
        for p in sorted(self.inv_functional):
            found += [(f"{self.name(p)} (inverse-functional)", (x, p, o), (y, p, o)) for o in self.objects(p, x) if self.has((y, p, o))]
        for p in sorted(self.functional):
            found += [(f"{self.name(p)} (functional)", (z, p, x), (z, p, y)) for z in self.subjects(p, x) if self.has((z, p, y))]
        for z in self.objects(_SAME, x):
            if z not in (x, y) and self.has((z, _SAME, y)):
                found.append((f"owl:sameAs through {self.name(z)}", (x, _SAME, z), (z, _SAME, y)))
        if found:
            rule, a, b = min(found, key=lambda f: sum(t in self.facts and t not in self.submitted for t in f[1:]))
            return f"{rule}: {self.said(a)} . {self.said(b)}"
        about = sorted(t for t in self.submitted if x in t or y in t)[:MAX_SHOWN]
        return "the submission's triples " + " . ".join(self.said(t) for t in about) if about else "the OWL RL closure"
