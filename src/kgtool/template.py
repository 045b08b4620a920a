"""`kgtool template CLASS`: what a valid submission about an instance of CLASS must and may contain, read from the home's shapes, as Turtle or JSON.

The shapes that apply to an instance (https://www.w3.org/TR/shacl/#targets): those whose
sh:targetClass is the class or one of its superclasses (rdfs:subClassOf in the ontology and the
shapes), the classes among them that are shapes themselves (implicit class targets), and then the
shapes whose sh:targetSubjectsOf is a property the template lists. From each we follow sh:property,
sh:node and sh:and; sh:or, sh:xone, sh:not and SHACL-SPARQL constraints become comments. A
property is required when a shape of violation severity gives it an sh:minCount, recommended
when only a warning or info shape does, optional otherwise. Nothing is written and nothing fetched.
"""

from __future__ import annotations

import difflib
import json
import re
import textwrap
from dataclasses import dataclass, field

import pyoxigraph as ox

from . import terms
from .errors import UsageError
from .shacl import paths
from .shacl.graph import Graph, ListError
from .shacl.vocab import TRUE
from .vocab import CFR, OWL, PROV, RDF, RDFS, SH, SKOS, XSD, Namespace

_SH, _RDF, _RDFS, _OWL = Namespace(SH), Namespace(RDF), Namespace(RDFS), Namespace(OWL)
DEFAULT_RESOURCES = ("cfr", CFR)  # the subject's namespace when the home declares no cfr:
SEVERITIES = {SH + "Violation": "Violation", SH + "Warning": "Warning", SH + "Info": "Info"}
LEVELS = ("required", "recommended", "optional", "forbidden")
# What a placeholder literal of a datatype says, so that the contributor writes the right form.
HINTS = {
    XSD + "date": "YYYY-MM-DD",
    XSD + "gYear": "YYYY",
    XSD + "gYearMonth": "YYYY-MM",
    XSD + "dateTime": "YYYY-MM-DDThh:mm:ss",
    XSD + "integer": "a whole number",
    XSD + "nonNegativeInteger": "a whole number",
    XSD + "decimal": "a number",
    XSD + "double": "a number",
    XSD + "boolean": "true or false",
    XSD + "duration": "a duration such as P44D",
    XSD + "anyURI": "an address",
}
NODE_KINDS = {
    "IRI": "an IRI", "BlankNode": "a blank node", "Literal": "a literal", "BlankNodeOrIRI": "an IRI or a blank node",
    "BlankNodeOrLiteral": "a blank node or a literal", "IRIOrLiteral": "an IRI or a literal",
}  # fmt: skip
# Parameters read into an Entry; any other sh: parameter of a property shape is shown as a note.
_READ = {"path", "severity", "message", "description", "name", "deactivated", "order", "group", "minCount", "maxCount", "class",
         "datatype", "nodeKind", "in", "pattern", "flags", "languageIn", "or", "xone", "and", "not", "node"}  # fmt: skip
# Parameters of a node shape read above; any other is a constraint on the instance itself, shown as a check.
_NODE_READ = {"property", "node", "and", "or", "xone", "not", "sparql", "closed", "ignoredProperties", "severity", "message", "description",
              "name", "deactivated", "order", "group", "targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf", "target",
              "declare", "prefixes", "rule", "shapesGraph", "entailment", "suggestedShapesGraph"}  # fmt: skip


@dataclass
class Entry:
    """What the shapes say about one property path of the instance."""

    path: str  # the path as Turtle and SPARQL write it: a prefixed name, or a property path
    iri: str | None  # the property when the path is one IRI
    min: int = 0  # the largest sh:minCount of a violation-level shape
    soft: list = field(default_factory=list)  # (minCount, severity) of warning- and info-level shapes
    max: int | None = None
    classes: list[str] = field(default_factory=list)
    datatypes: list[str] = field(default_factory=list)
    node_kinds: list[str] = field(default_factory=list)
    closed: list | None = None  # the members allowed by every sh:in, as terms
    patterns: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    alternatives: list[str] = field(default_factory=list)  # sh:or / sh:xone / sh:not / sh:node of the values, described
    choices: list[str] = field(default_factory=list)  # the datatypes an sh:or of datatypes allows (the placeholder takes the first)
    notes: list[str] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    shapes: list[str] = field(default_factory=list)
    provenance: bool = False
    literal: bool = False  # the ontology says its values are literals
    example: object = None  # a value in the home's data, for the placeholder's form when nothing above says it
    when: str | None = None  # only for instances that have this property (sh:targetSubjectsOf)

    @property
    def level(self) -> str:
        if self.max == 0:
            return "forbidden"
        return "required" if self.min else ("recommended" if self.soft else "optional")

    @property
    def severity(self) -> str | None:
        """The severity of the result when the property is missing: Violation, else the strongest of the soft ones, else None."""
        return "Violation" if self.min else min((s for _, s in self.soft), key=["Warning", "Info"].index, default=None)

    @property
    def least(self) -> int:
        """The sh:minCount of the level: the violation's, else the largest soft one, else 0."""
        return self.min or max((n for n, _ in self.soft), default=0)


@dataclass
class Check:
    """A constraint on the instance as a whole that the template can only describe (sh:or, sh:xone, sh:not, SHACL-SPARQL, sh:closed)."""

    kind: str
    severity: str
    message: str
    shape: str
    alternatives: list[str] = field(default_factory=list)
    options: list[list[Entry]] = field(default_factory=list)  # per alternative of sh:or / sh:xone, the properties it asks for


@dataclass
class Template:
    """The skeleton of a submission about an instance of a class."""

    cls: str  # IRI
    name: str  # as the output writes it
    label: str | None
    definition: str | None
    subject: str  # as the output writes it
    superclasses: list[str]
    shapes: list[str]
    entries: list[Entry]
    checks: list[Check]
    prefixes: dict[str, str]  # the home's prefixes that the Turtle (commented lines included) uses, sorted
    names: dict[str, str]  # every prefix of the home, to name things in comments
    labels: dict[str, str]  # IRI -> label of the properties, classes and closed-list members named
    definitions: dict[str, str] = field(default_factory=dict)  # property IRI -> its definition in the ontology

    def ordered(self) -> list[Entry]:
        """Required, recommended, optional, forbidden; provenance last within each; else in the shapes' (then the ontology's) order."""
        return sorted(self.entries, key=lambda e: (LEVELS.index(e.level), e.provenance))


# --------------------------------------------------------------------------------------
# reading the shapes
# --------------------------------------------------------------------------------------
class _Reader:
    """Walks the shapes that apply to an instance of a class and gathers what they ask of it."""

    def __init__(self, ontology: list[ox.Triple], shapes: list[ox.Triple], prefixes: dict[str, str]):
        self.shapes = Graph(shapes)
        self.schema = Graph([*ontology, *shapes])  # classes, labels, definitions and subclass axioms of both
        self.prefixes = prefixes
        self.entries: dict[str, Entry] = {}
        self.checks: list[Check] = []
        self.visited: set = set()
        self.applied: list[str] = []
        self.labels: dict[str, str] = {}
        self.sources: set | None = None  # the classes of sources (_provenance), found on first use

    # -- names -------------------------------------------------------------------------
    def name(self, iri: str) -> str:
        """A prefixed name or <iri>."""
        return terms.shorten(iri, self.prefixes)

    def term(self, term) -> str:
        """A term as a comment shows it: prefixed names, bare numbers and booleans."""
        return terms.render_term(term, self.prefixes) if not isinstance(term, ox.BlankNode) else "[]"

    def text(self, node, *predicates) -> str | None:
        """The English (else untagged, else any) literal of the first predicate that has one, whitespace collapsed."""
        for p in predicates:
            found = [o for o in self.schema.objects(node, p) if isinstance(o, ox.Literal)]
            found.sort(key=lambda o: (o.language not in ("en", None), o.language is not None, o.value))
            if found:
                return " ".join(found[0].value.split())
        return None

    def label(self, node) -> str | None:
        found = self.text(node, _RDFS.label, ox.NamedNode(SKOS + "prefLabel"))
        if found and isinstance(node, ox.NamedNode):
            self.labels[node.value] = found
        return found

    def definition(self, node) -> str | None:
        return self.text(node, ox.NamedNode(SKOS + "definition"), _RDFS.comment)

    def named(self, node) -> str:
        """A term with its label: 'cf:Agent (agent)'."""
        label = self.label(node) if isinstance(node, ox.NamedNode) else None
        return f"{self.term(node)} ({label})" if label else self.term(node)

    # -- which shapes apply ------------------------------------------------------------
    def is_class(self, iri: str) -> bool:
        node, g = ox.NamedNode(iri), self.schema
        return (
            any(c in (_RDFS.Class, _OWL.Class) for t in g.objects(node, _RDF.type) for c in g.superclasses(t))
            or bool(g.objects(node, _RDFS.subClassOf) or g.subjects(_RDFS.subClassOf, node) or g.subjects(_SH.targetClass, node))
        )

    def known_classes(self) -> list[str]:
        g = self.schema
        found = {s.value for s, o in g.pairs(_RDF.type) if o in (_RDFS.Class, _OWL.Class) and isinstance(s, ox.NamedNode)}
        found |= {n.value for pair in g.pairs(_RDFS.subClassOf) for n in pair if isinstance(n, ox.NamedNode)}
        return sorted(found)

    def applying(self, cls: ox.NamedNode) -> list:
        """The shapes whose class targets an instance of `cls` meets, in the shapes graph's order."""
        supers = self.schema.superclasses(cls)
        found = {s for s, c in self.shapes.pairs(_SH.targetClass) if c in supers}
        for c in supers:  # implicit class targets (https://www.w3.org/TR/shacl/#implicit-targetClass)
            types = set(self.shapes.objects(c, _RDF.type))
            if types & {_RDFS.Class, _OWL.Class} and types & {_SH.NodeShape, _SH.PropertyShape}:
                found.add(c)
        order = {s: i for i, s in enumerate(self.shapes.out)}
        return sorted(found, key=lambda s: order.get(s, len(order)))

    def domain(self, cls: ox.NamedNode) -> None:
        """Add, as optional, the properties the ontology gives a domain that `cls` falls in (rdfs:domain, or a member of its
        owl:unionOf), with their rdfs:range: what an instance may have that no shape mentions."""
        g, supers = self.schema, self.schema.superclasses(cls)
        listed = {e.iri for e in self.entries.values()}
        for prop, domain in g.pairs(_RDFS.domain):
            members = [domain] + [m for u in g.objects(domain, _OWL.unionOf) for m in self.items_of(g, u)]
            if not isinstance(prop, ox.NamedNode) or prop.value in listed or not any(m in supers for m in members):
                continue
            listed.add(prop.value)
            name = self.name(prop.value)
            e = self.entries[name] = Entry(name, prop.value, provenance=self._provenance(prop), literal=self._literal(prop))
            for r in g.objects(prop, _RDFS.range):
                if isinstance(r, ox.NamedNode):
                    (e.datatypes if r.value.startswith(XSD) or r.value == RDF + "langString" else e.classes).append(r.value)
            where = self.name(domain.value) if isinstance(domain, ox.NamedNode) else "a union of classes"
            e.notes.append(f"from the ontology: rdfs:domain {where}")

    @staticmethod
    def items_of(g: Graph, node) -> list:
        try:
            return g.items(node)
        except ListError:
            return []

    def conditional(self) -> list[tuple]:
        """(shape, property) of the shapes that target the subjects of a property listed so far and have not been visited."""
        listed = {e.iri: e for e in self.entries.values() if e.iri is not None}
        return [(s, p) for s, p in self.shapes.pairs(_SH.targetSubjectsOf) if p.value in listed and s not in self.visited]

    # -- walking -----------------------------------------------------------------------
    def severity(self, shape) -> str:
        s = self.shapes.value(shape, _SH.severity)
        return SEVERITIES.get(s.value, self.term(s)) if s is not None else "Violation"

    def items(self, node) -> list:
        return self.items_of(self.shapes, node)

    def message(self, shape) -> str | None:
        """sh:message (else sh:description), its {?var} and {$var} written ?var: the template has no value to fill them with."""
        found = self.text(shape, _SH.message) or self.text(shape, _SH.description)
        return re.sub(r"\{[?$](\w+)\}", r"?\1", found) if found else None

    def visit(self, shape, inherited: str | None = None, when: ox.NamedNode | None = None) -> None:
        """Read a shape; `inherited`: the severity of the shape that reached it through sh:node or sh:and (which reports its failure)."""
        g = self.shapes
        if shape in self.visited or TRUE in g.objects(shape, _SH.deactivated):
            return
        self.visited.add(shape)
        severity = inherited or self.severity(shape)
        if g.objects(shape, _SH.path):
            self.property(shape, severity, when)
            return
        if isinstance(shape, ox.NamedNode):
            self.applied.append(self.name(shape.value))
        for p in g.objects(shape, _SH.property):
            self.visit(p, inherited, when)
        for n in g.objects(shape, _SH.node):
            self.visit(n, severity, when)
        for members in g.objects(shape, _SH["and"]):
            for m in self.items(members):
                self.visit(m, severity, when)
        shown = self.term(shape)
        suffix = f" (when {self.name(when.value)} is given)" if when is not None else ""
        for kind in ("or", "xone"):
            for members in g.objects(shape, _SH[kind]):
                words = "at least one of these" if kind == "or" else "exactly one of these"
                alternatives, options = [self.describe(m) for m in self.items(members)], [self.option(m) for m in self.items(members)]
                self.checks.append(Check(kind, severity, (self.message(shape) or f"{words} must hold") + suffix, shown, alternatives, options))
        for n in g.objects(shape, _SH["not"]):
            self.checks.append(Check("not", severity, (self.message(shape) or "this must not hold") + suffix, shown, [self.describe(n)]))
        for c in g.objects(shape, _SH.sparql):
            if TRUE not in g.objects(c, _SH.deactivated):
                message = self.message(c) or self.message(shape) or "a SPARQL constraint"
                self.checks.append(Check("sparql", severity, message + suffix, self.term(c) if isinstance(c, ox.NamedNode) else shown))
        if TRUE in g.objects(shape, _SH.closed):
            ignored = [self.term(i) for lst in g.objects(shape, _SH.ignoredProperties) for i in self.items(lst)]
            text = "closed: no property but those this shape lists" + (f" and {', '.join(ignored)}" if ignored else "")
            self.checks.append(Check("closed", severity, text + suffix, shown))
        for p, objects in g.properties(shape).items():  # constraints on the instance itself: sh:class, sh:nodeKind, ...
            if p.value.startswith(SH) and p.value[len(SH):] not in _NODE_READ:
                text = "; ".join(f"{self.term(p)} {self.describe(o) if isinstance(o, ox.BlankNode) else self.named(o)}" for o in objects)
                self.checks.append(Check("constraint", severity, f"the instance itself: {text}" + suffix, shown))

    def option(self, node) -> list[Entry]:
        """The properties an alternative of sh:or / sh:xone asks for: its own path, or its sh:property shapes' (one IRI each)."""
        found: dict[str, Entry] = {}
        for p in [node] if self.shapes.objects(node, _SH.path) else self.shapes.objects(node, _SH.property):
            self.property(p, "Violation", None, found)
        return [e for e in found.values() if e.iri is not None]

    def property(self, shape, severity: str, when, into: dict[str, Entry] | None = None) -> None:
        """Add what a property shape says to the entry of its path (in `into`, else the template's)."""
        g, into = self.shapes, self.entries if into is None else into
        try:
            path = paths.read(g, g.value(shape, _SH.path))
        except paths.PathError:
            return  # the validator reports an ill-formed shape; a template has nothing to show for it
        key = paths.text(path, lambda iri: self.name(iri.value))
        e = into.get(key)
        if e is None:
            iri = path.iri.value if path.iri is not None else None
            e = into[key] = Entry(key, iri, when=self.name(when.value) if when is not None else None)
            if iri is not None:
                e.provenance, e.literal = self._provenance(path.iri), self._literal(path.iri)
        e.shapes.append(self.term(shape))
        for n in g.objects(shape, _SH.minCount):
            count = _count(n) or 0
            if count and when is not None:
                if when.value != e.iri:  # "a subject of P has P" holds already
                    e.notes.append(f"at least {count} when {self.name(when.value)} is given")
            elif count and severity in ("Warning", "Info"):
                e.soft.append((count, severity))
            elif count:
                e.min = max(e.min, count)
        for high in filter(lambda n: n is not None, map(_count, g.objects(shape, _SH.maxCount))):
            e.max = high if e.max is None else min(e.max, high)
        e.classes += [c.value for c in g.objects(shape, _SH["class"]) if isinstance(c, ox.NamedNode) and c.value not in e.classes]
        e.datatypes += [d.value for d in g.objects(shape, _SH.datatype) if isinstance(d, ox.NamedNode) and d.value not in e.datatypes]
        e.node_kinds += [k.value.removeprefix(SH) for k in g.objects(shape, _SH.nodeKind) if isinstance(k, ox.NamedNode)]
        for members in g.objects(shape, _SH["in"]):
            allowed = self.items(members)
            e.closed = allowed if e.closed is None else [m for m in e.closed if m in allowed]
        flags = " ".join(f.value for f in g.objects(shape, _SH.flags))
        e.patterns += [p.value + (f" (flags {flags})" if flags else "") for p in g.objects(shape, _SH.pattern)]
        e.languages += [x.value for lst in g.objects(shape, _SH.languageIn) for x in self.items(lst) if isinstance(x, ox.Literal)]
        for kind, words in (("or", "one of"), ("xone", "exactly one of"), ("and", "all of")):
            for members in g.objects(shape, _SH[kind]):
                e.alternatives.append(f"{words}: " + " | ".join(self.describe(m) for m in self.items(members)))
                if kind != "and":
                    e.choices += [d.value for m in self.items(members) for d in g.objects(m, _SH.datatype) if isinstance(d, ox.NamedNode)]
        e.alternatives += ["not " + self.describe(n) for n in g.objects(shape, _SH["not"])]
        e.alternatives += ["each value conforms to " + self.describe(n) for n in g.objects(shape, _SH.node)]
        for p, objects in g.properties(shape).items():
            if p.value.startswith(SH) and p.value[len(SH):] not in _READ:
                e.notes += [f"{self.term(p)} {self.describe(o) if isinstance(o, ox.BlankNode) else self.term(o)}" for o in objects]
        message = self.message(shape)
        if message and message not in e.messages:
            e.messages.append(message)

    def describe(self, node) -> str:
        """A shape or value constraint in a few words: 'xsd:date', 'cf:deathToll, at least 1, a cf:Quantity'."""
        g = self.shapes
        parts = []
        if g.objects(node, _SH.path):
            try:
                parts.append(paths.text(paths.read(g, g.value(node, _SH.path)), lambda iri: self.name(iri.value)))
            except paths.PathError:
                parts.append("(a property path)")
            low, high = _count(g.value(node, _SH.minCount)), _count(g.value(node, _SH.maxCount))
            if low is not None or high is not None:
                parts.append(cardinality(low or 0, high))
        parts += ["a " + self.named(c) for c in g.objects(node, _SH["class"])]
        parts += [self.term(d) for d in g.objects(node, _SH.datatype)]
        parts += [NODE_KINDS.get(k.value.removeprefix(SH), self.term(k)) for k in g.objects(node, _SH.nodeKind)]
        parts += ["one of " + ", ".join(self.named(m) for m in self.items(lst)) for lst in g.objects(node, _SH["in"])]
        parts += ["the value " + self.named(v) for v in g.objects(node, _SH.hasValue)]
        parts += [f"matching /{p.value}/" for p in g.objects(node, _SH.pattern)]
        parts += ["(" + self.describe(p) + ")" for p in g.objects(node, _SH.property)]
        if not parts:
            return self.label(node) or self.message(node) or self.term(node)
        return ", ".join(parts)

    # -- the ontology's word on a property -------------------------------------------
    def _provenance(self, prop: ox.NamedNode) -> bool:
        """A PROV property, one the ontology relates to PROV (rdfs:subPropertyOf, rdfs:seeAlso, a SKOS mapping), or one whose
        values are sources: of a class that the shapes or the ontology give to a PROV property (cf:mentionedIn, a cf:SourceDocument)."""
        if prop.value.startswith(PROV):
            return True
        g = self.schema
        if self.sources is None:
            self.sources = set()
            for p, c in [*g.pairs(_SH["class"]), *g.pairs(_RDFS.range)]:
                path = g.value(p, _SH.path) if g.objects(p, _SH.path) else p
                if isinstance(path, ox.NamedNode) and path.value.startswith(PROV):
                    self.sources.add(c)
        values = {c for s in g.subjects(_SH.path, prop) for c in g.objects(s, _SH["class"])} | set(g.objects(prop, _RDFS.range))
        return bool(values & self.sources) or any(
            isinstance(o, ox.NamedNode) and o.value.startswith(PROV)
            for p, objects in self.schema.properties(prop).items()
            if p not in (_RDF.type, _RDFS.domain, _RDFS.range)
            for o in objects
        )

    def _literal(self, prop: ox.NamedNode) -> bool:
        g = self.schema
        ranges = [r.value for r in g.objects(prop, _RDFS.range)]
        return _OWL.DatatypeProperty in g.objects(prop, _RDF.type) or any(r.startswith(XSD) or r in (RDF + "langString", RDFS + "Literal") for r in ranges)


def _count(term) -> int | None:
    """The number an sh:minCount or sh:maxCount gives, or None (absent or ill-formed: the validator reports that)."""
    return int(term.value) if isinstance(term, ox.Literal) and term.value.isdigit() else None


def cardinality(low: int, high: int | None) -> str:
    if high is not None and low == high:
        return f"exactly {low}"
    if high is None:
        return f"at least {low}" if low else "any number"
    return f"{low} to {high}" if low else f"at most {high}"


# --------------------------------------------------------------------------------------
# the template
# --------------------------------------------------------------------------------------
def resolve(text: str, prefixes: dict[str, str], what: str) -> str:
    """The IRI of a prefixed name, an <IRI> or an absolute IRI; UsageError for an undeclared prefix."""
    text = text.strip()
    if text.startswith("<") and text.endswith(">"):
        return text[1:-1]
    prefix, colon, local = text.partition(":")
    if colon and prefix in prefixes:
        return prefixes[prefix] + local
    if colon and re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*", prefix) and (local.startswith("//") or prefix in ("urn", "tag", "mailto")):
        return text
    known = ", ".join(sorted(p for p in prefixes if p))
    if colon:
        raise UsageError(f"unknown prefix '{prefix}:' in {what} '{text}'; the home declares: {known}")
    raise UsageError(f"{what} '{text}' is neither a prefixed name (such as cf:Person) nor an IRI")


def make(cls: str, ontology: list[ox.Triple], shapes: list[ox.Triple], prefixes: dict[str, str], subject: str | None = None, example=None) -> Template:
    """The template of `cls` (a prefixed name or an IRI) under these shapes; UsageError if the class is unknown.

    `example(iri)`: a value of the property in the home's data, or None; asked only of a property
    whose values the shapes and the ontology leave untyped (is schema:headline text or a resource?).
    """
    prefixes = dict(prefixes)
    if DEFAULT_RESOURCES[0] not in prefixes:
        prefixes[DEFAULT_RESOURCES[0]] = DEFAULT_RESOURCES[1]
    reader = _Reader(ontology, shapes, prefixes)
    iri = resolve(cls, prefixes, "class")
    if not reader.is_class(iri):
        known = {terms.shorten(c, prefixes): c for c in reader.known_classes()}
        close = difflib.get_close_matches(terms.shorten(iri, prefixes), list(known), n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise UsageError(f"unknown class {terms.shorten(iri, prefixes)}: the home's ontology and shapes declare no such class{hint}")
    node = ox.NamedNode(iri)
    subject_iri = resolve(subject, prefixes, "--id") if subject else prefixes[DEFAULT_RESOURCES[0]] + "NEW-ID"
    subject_name, cls_name = reader.name(subject_iri), reader.name(iri)
    for shape in reader.applying(node):
        reader.visit(shape)
    reader.domain(node)
    found = reader.conditional()
    while found:  # shapes of the subjects of a listed property (sh:targetSubjectsOf): until none is new
        for shape, prop in found:
            reader.visit(shape, when=prop)
        found = reader.conditional()
    entries = _distributed(reader.entries)
    supers = [reader.name(c.value) for c in reader.schema.superclasses(node) if c != node and isinstance(c, ox.NamedNode)]
    written = [subject_name, cls_name, DEFAULT_RESOURCES[0] + ":"]  # what the Turtle (and its commented lines) may use
    for e in [*entries, *(o for c in reader.checks for option in c.options for o in option)]:
        untyped = not (e.classes or e.datatypes or e.choices or e.node_kinds or e.languages or e.literal or e.closed)
        if untyped and example is not None and e.iri is not None:
            e.example = example(e.iri)
            if isinstance(e.example, ox.Literal) and not e.example.language:
                written.append(reader.name(e.example.datatype.value))
        for named in [e.iri, *e.classes, *(m.value for m in e.closed or [] if isinstance(m, ox.NamedNode))]:
            if named is not None:
                reader.label(ox.NamedNode(named))
        written += [e.path, *(terms.n3(m, prefixes) for m in e.closed or [])]
        written += [reader.name(d) for d in [*e.datatypes, *e.choices][:1] if d not in (XSD + "string", RDF + "langString")]  # the placeholder's
    used = {p: prefixes[p] for p in sorted({m for w in written for m in re.findall(r"(?:^|[\s|/^(])([A-Za-z][\w.-]*|):", w)} & set(prefixes))}
    return Template(
        cls=iri,
        name=cls_name,
        label=reader.label(node),
        definition=reader.definition(node),
        subject=subject_name,
        superclasses=sorted(supers),
        shapes=reader.applied,
        entries=entries,
        checks=reader.checks,
        prefixes=used,
        names=prefixes,
        labels=reader.labels,
        definitions={e.iri: reader.definition(ox.NamedNode(e.iri)) or "" for e in entries if e.iri is not None},
    )


def _distributed(entries: dict[str, Entry]) -> list[Entry]:
    """The entries, each value constraint of an alternative path (a|b) also given to its members that are listed;
    an alternative path that asks for no value of its own is then left out."""
    by_iri = {e.iri: e for e in entries.values() if e.iri is not None}
    out = []
    for e in entries.values():
        if e.iri is None and e.when is not None and not (e.min or e.soft or e.max is not None):
            continue  # a condition on the subjects of a property, on a path a contributor does not write (rdf:type/rdfs:subClassOf*)
        if "|" not in e.path or re.search(r"[()^/*+?]", e.path):
            out.append(e)
            continue
        for target in (t for t in by_iri.values() if t.path in e.path.split("|")):
            for name in ("classes", "datatypes", "node_kinds", "patterns", "languages", "alternatives", "choices", "notes", "messages"):
                getattr(target, name).extend(v for v in getattr(e, name) if v not in getattr(target, name))
            if e.closed is not None:
                target.closed = e.closed if target.closed is None else [x for x in target.closed if x in e.closed]
        if e.min or e.soft or e.max is not None:
            out.append(e)
    return out


def template(home, cls: str, subject: str | None = None) -> Template:
    """The template of `cls` under the home's shapes and ontology; UsageError for an unknown class or prefix."""
    from .store import DATA, load
    from .validation import shape_graph

    loaded = load(home)

    def example(iri: str):
        return next((q.object for q in loaded.store.quads_for_pattern(None, ox.NamedNode(iri), None, DATA)), None)

    return make(cls, list(loaded.triples("ontology")), shape_graph(loaded), loaded.prefixes, subject, example)


# --------------------------------------------------------------------------------------
# writing it
# --------------------------------------------------------------------------------------
def _value_words(e: Entry, t: Template) -> list[str]:
    """What a value must be, in words: 'a cf:Agent (agent)', 'xsd:gYear', 'one of the list below'."""
    def named(iri: str) -> str:
        short = terms.shorten(iri, t.names)
        return f"{short} ({t.labels[iri]})" if iri in t.labels else short

    words = ["a " + named(c) for c in e.classes] + [terms.shorten(d, t.names) for d in e.datatypes]
    words += [NODE_KINDS.get(k, k) for k in e.node_kinds]
    words += ["text tagged @" + " or @".join(e.languages)] if e.languages else []
    words += [f"matching /{p}/" for p in e.patterns]
    words += e.alternatives
    if e.closed is not None:
        words.append("one of the closed list below")
    return words


def _placeholder(e: Entry, t: Template) -> str:
    """A Turtle term that parses and says what to put: cfr:FILL-member, "FILL: YYYY"^^xsd:gYear, "FILL: label"@en."""
    local = re.sub(r"[^A-Za-z0-9]+", "-", (e.iri or e.path).rsplit("#", 1)[-1].rsplit("/", 1)[-1]).strip("-") or "value"
    verbatim = any("verbatim" in m for m in [*e.messages, t.definitions.get(e.iri or "", "")])
    hint = "a verbatim quote of the source" if verbatim else (t.labels.get(e.iri or "") or local)
    datatype, language = (e.datatypes or e.choices or [None])[0], (e.languages or [None])[0]
    if isinstance(e.example, ox.Literal):  # the form the home's data uses, when the shapes and the ontology say none
        datatype, language = e.example.datatype.value, e.example.language
    if language or datatype == RDF + "langString":
        return terms.n3(ox.Literal(f"FILL: {hint}", language=language or "en"), t.names)
    if datatype and datatype != XSD + "string":
        return terms.n3(ox.Literal(f"FILL: {HINTS.get(datatype, hint)}", datatype=ox.NamedNode(datatype)), t.names)
    if datatype or e.literal or "Literal" in e.node_kinds or (e.closed and all(isinstance(m, ox.Literal) for m in e.closed)):
        return terms.n3(ox.Literal(f"FILL: {hint}"), t.names)
    return f"{DEFAULT_RESOURCES[0]}:FILL-{local}"


def _comment(text: str, indent: str = "    ", first: str = "# ", rest: str = "#   ") -> list[str]:
    wrapped = textwrap.wrap(" ".join(text.split()), width=100, initial_indent=indent + first, subsequent_indent=indent + rest, break_on_hyphens=False, break_long_words=False)
    return wrapped or [indent + "#"]


def to_turtle(t: Template) -> str:
    """The template as Turtle: required lines ready to fill, the others commented out, comments saying what each wants."""
    title = f"{t.name} ({t.label})" if t.label else t.name
    lines = [f"# kgtool template: an instance of {title}"]
    if t.definition:
        lines += _comment(t.definition, indent="")
    if t.superclasses:
        lines += _comment("Also an instance of: " + ", ".join(t.superclasses), indent="")
    lines += _comment("From the shapes: " + (", ".join(t.shapes) if t.shapes else "none apply"), indent="")
    lines += _comment("Replace every FILL placeholder. Lines left commented out are recommended (a warning or info if missing) "
                      "or optional: uncomment those you fill. Check with: kgtool validate FILE", indent="")  # fmt: skip
    lines.append("")
    lines += [f"@prefix {p}: <{ns}> ." for p, ns in t.prefixes.items()]
    lines += ["", t.subject, f"    a {t.name} ;"]
    heading = {
        "required": "required (a violation if missing)",
        "recommended": "recommended (commented out)",
        "optional": "optional (commented out)",
        "forbidden": "not to be given",
    }
    level = None
    for e in t.ordered():
        if e.level != level:
            level = e.level
            lines += ["", f"    # ---- {heading[level]} ----"]
        lines += _entry_lines(e, t)
    if t.checks:
        lines += ["", "    # ---- checked on the whole instance ----"]
        for c in t.checks:
            lines += _comment(f"{c.severity}: {c.message} [{c.shape}]")
            for i, a in enumerate(c.alternatives):
                lines += _comment(f"- {a}", first="#   ", rest="#     ")
                lines += [f"    # {e.path} {_placeholder(e, t)} ;" for e in (c.options[i] if c.options else [])]
    lines += ["    ."]
    return "\n".join(lines) + "\n"


def _entry_lines(e: Entry, t: Template) -> list[str]:
    label = t.labels.get(e.iri or "")
    head = f"{e.path}" + (f" ({label})" if label else "") + (" [provenance]" if e.provenance and e.level != "forbidden" else "")
    why = {"recommended": f"recommended ({e.severity})"}.get(e.level, e.level)
    count = [] if e.level == "forbidden" else [cardinality(e.least, e.max)]
    words = [why, *count] + _value_words(e, t) + ([f"only when {e.when} is given"] if e.when else []) + e.notes
    lines = _comment(f"{head}: " + "; ".join(words))
    if e.closed is not None:
        members = [f"{terms.shorten(m.value, t.names)} ({t.labels[m.value]})" if isinstance(m, ox.NamedNode) and m.value in t.labels
                   else terms.n3(m, t.names) for m in e.closed]  # fmt: skip
        lines += _comment(", ".join(members), first="#   ", rest="#   ")
    for m in e.messages:
        lines += _comment(m, first="#   ", rest="#   ")
    if e.level == "forbidden":
        return lines
    if e.iri is None:  # a property path: its triples are for the contributor to write
        lines += _comment(f"(a property path: write the triples it describes, ending in {_placeholder(e, t)})", first="#   ")
        return lines
    line = f"{e.path} {_placeholder(e, t)} ;"
    lines.append(f"    {line}" if e.level == "required" else f"    # {line}")
    return lines


def _named(iri: str, t: Template) -> dict:
    return {"iri": iri, "name": terms.shorten(iri, t.names), "label": t.labels.get(iri)}


def _member(m, t: Template) -> dict:
    if isinstance(m, ox.NamedNode):
        return {"value": terms.shorten(m.value, t.names), "iri": m.value, "label": t.labels.get(m.value)}
    return {"value": terms.n3(m, t.names), "iri": None, "label": None}


def _entry_dict(e: Entry, t: Template) -> dict:
    return {
        "property": e.path,
        "iri": e.iri,
        "level": e.level,
        "severity": e.severity,
        "min": e.least,
        "max": e.max,
        "provenance": e.provenance,
        "when": e.when,
        "classes": [_named(c, t) for c in e.classes],
        "datatypes": [terms.shorten(d, t.names) for d in e.datatypes],
        "node_kinds": e.node_kinds,
        "closed_list": [_member(m, t) for m in e.closed] if e.closed is not None else None,
        "patterns": e.patterns,
        "languages": e.languages,
        "alternatives": e.alternatives,
        "notes": e.notes,
        "messages": e.messages,
        "shapes": e.shapes,
        "placeholder": _placeholder(e, t),
    }


def as_dict(t: Template) -> dict:
    """The template as plain values (--format json)."""
    return {
        "class": _named(t.cls, t) | {"definition": t.definition, "superclasses": t.superclasses},
        "subject": t.subject,
        "shapes": t.shapes,
        "prefixes": t.prefixes,
        "properties": [_entry_dict(e, t) for e in t.ordered()],
        "checks": [
            {
                "kind": c.kind,
                "severity": c.severity,
                "message": c.message,
                "shape": c.shape,
                "alternatives": c.alternatives,
                "options": [[_entry_dict(e, t) for e in option] for option in c.options],
            }
            for c in t.checks
        ],
    }


def to_json(t: Template) -> str:
    """The template as JSON (as_dict)."""
    return json.dumps(as_dict(t), indent=2, ensure_ascii=False)
