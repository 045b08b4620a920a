"""OWL 2 RL entailments of a set of triples, by kgtool's own rules, `reasonable` (Rust) or `owlrl` (pure Python), less noise.

`kgtool` (the default) closes the schema with `reasonable` (or owlrl when it is not installed)
and runs the instance data through rules compiled from that closure (`rules.py`): linear in
the data, and able to extend a closure with a submission's triples. The three reasoners
return the same entailments on the bundled graph (tests/test_reasoning.py), modulo what is
filtered as noise here. `reasonable` 0.4 needs repairs, made here:

* its prp-ifp rule is unsound (from `a p x . b p y` with p inverse-functional it concludes
  `a owl:sameAs b` even when x != y), so inverse-functional declarations are withheld
  from it and the rule is applied here;
* its prp-fp rule joins every pair of triples of a functional property before comparing their
  subjects: quadratic in the size of the data (1.7 GB at 100k triples, out of memory at 300k),
  so functional declarations are withheld from it too and the rule is applied here;
* it does not implement prp-spo2 (owl:propertyChainAxiom), so chains are applied here;
* it leaves out the schema rules scm-spo, scm-dom1/2, scm-rng1/2 (subproperty transitivity,
  domains and ranges inherited along subclasses and subproperties), scm-int, scm-uni and the
  symmetry of owl:equivalentClass / owl:equivalentProperty, so they are applied here;
* it does not implement cls-maxc2 / cls-maxqc4 (values of a max-cardinality-1 restriction are
  the same): left unrepaired in `reasonable`; the `kgtool` reasoner applies them.

Both rules are re-applied, with `reasonable` run again on what they add, until nothing new
comes: the result is the OWL 2 RL closure (https://www.w3.org/TR/owl2-profiles/#Reasoning_in_OWL_2_RL_and_RDF_Graphs_using_Rules).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable

import pyoxigraph as ox

from . import rdfio, rules

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
BUILTIN_NAMESPACES = (RDF, RDFS, OWL, XSD)
RDF_TYPE = RDF + "type"
# Relations every term has with itself under OWL RL (eq-ref, scm-cls, scm-op, ...): true, and noise.
REFLEXIVE = {OWL + "sameAs", OWL + "equivalentClass", OWL + "equivalentProperty", RDFS + "subClassOf", RDFS + "subPropertyOf"}
# Types every individual or class has (owl:Thing, rdfs:Resource, ...): true, and noise.
TRIVIAL_TYPES = {OWL + "Thing", RDFS + "Resource", OWL + "NamedIndividual"}
# Classes every class is a subclass of (scm-cls): true, and noise.
TRIVIAL_SUPERCLASSES = {OWL + "Thing", RDFS + "Resource"}

REASONERS = ("kgtool", "reasonable", "owlrl")
Progress = Callable[[str, int, "int | None"], None]  # (phase, done, total or None)


def available(name: str) -> bool:
    """Whether the reasoner's package is installed (without importing it: that is slow)."""
    from importlib.util import find_spec

    return find_spec(name) is not None


def default_reasoner() -> str:
    """kgtool's own rules (which close the schema with `schema_reasoner()`)."""
    return "kgtool"


def schema_reasoner() -> str:
    """The general reasoner for the schema (and for what the compiled rules do not cover)."""
    return "reasonable" if available("reasonable") else "owlrl"


def is_noise(s: str, p: str, o: str, s_is_iri: bool) -> bool:
    """Entailments that say nothing about the home's own terms and would flood every answer."""
    if s_is_iri and s.startswith(BUILTIN_NAMESPACES):
        return True  # axiomatic triples about rdf:, rdfs:, owl:, xsd: terms
    if p in REFLEXIVE and s == o:
        return True
    if p == RDF_TYPE and o in TRIVIAL_TYPES:
        return True
    if p in (RDFS + "subClassOf", RDFS + "domain", RDFS + "range") and o in TRIVIAL_SUPERCLASSES:
        return True
    return False


def _keep(t: ox.Triple) -> bool:
    s = t.subject
    if isinstance(s, ox.Literal) or isinstance(t.object, ox.Triple):
        return False
    return not is_noise(s.value, t.predicate.value, t.object.value if not isinstance(t.object, ox.Triple) else "", isinstance(s, ox.NamedNode))


def entailments(triples: Iterable[ox.Triple], reasoner: str | None = None, progress: Progress | None = None) -> list[ox.Triple]:
    """The triples that the OWL 2 RL closure adds to `triples` (pyoxigraph Triples), less noise, sorted.

    Raises ValueError for an unknown reasoner name.
    """
    reasoner = reasoner or default_reasoner()
    if reasoner == "kgtool":
        asserted_strings = {(str(t.subject), str(t.predicate), str(t.object)) for t in triples}
        return sorted(from_strings(infer(asserted_strings, progress)), key=str)
    asserted = set(triples)
    if reasoner == "owlrl":
        closure = _owlrl(asserted, progress)
    elif reasoner == "reasonable":
        closure = _reasonable(asserted, progress)
    else:
        raise ValueError(f"unknown reasoner '{reasoner}' (known: {', '.join(REASONERS)})")
    out = [t for t in closure if t not in asserted and _keep(t)]
    out.sort(key=str)
    return out


# --------------------------------------------------------------------------------------
# kgtool: the schema closed by a general reasoner, the instances by compiled rules
# --------------------------------------------------------------------------------------
_NOISE_TYPES = {f"<{c}>" for c in TRIVIAL_TYPES}
_NOISE_SUPERCLASSES = {f"<{c}>" for c in TRIVIAL_SUPERCLASSES}
_REFLEXIVE = {f"<{p}>" for p in REFLEXIVE}
_SCHEMA_TO_TRIVIAL = {f"<{RDFS}{n}>" for n in ("subClassOf", "domain", "range")}
_BUILTIN_IRIS = tuple(f"<{ns}" for ns in BUILTIN_NAMESPACES)


def is_noise_string(t: rules.Triple) -> bool:
    """`is_noise` for a triple of N-Triples term strings (and generalized or quoted triples)."""
    s, p, o = t
    if s[0] == '"' or s.startswith("<<") or o.startswith("<<") or p.startswith(rules.CHAIN_PREFIX):
        return True
    if s.startswith(_BUILTIN_IRIS):
        return True
    if p in _REFLEXIVE and s == o:
        return True
    if p == rules.TYPE and o in _NOISE_TYPES:
        return True
    return p in _SCHEMA_TO_TRIVIAL and o in _NOISE_SUPERCLASSES


def to_strings(triples: Iterable[ox.Triple]) -> set[rules.Triple]:
    return {(str(t.subject), str(t.predicate), str(t.object)) for t in triples}


def from_strings(triples: Iterable[rules.Triple]) -> list[ox.Triple]:
    return [q.triple for q in ox.parse(rules.write_lines(triples).encode(), ox.RdfFormat.N_TRIPLES)]


def _general(asserted: set[rules.Triple], progress: Progress | None) -> set[rules.Triple]:
    """The OWL RL closure of `asserted` by the general reasoner (`schema_reasoner()`), noise included."""
    triples = set(from_strings(asserted))
    closed = _reasonable(triples, progress) if schema_reasoner() == "reasonable" else _owlrl(triples, progress)
    return to_strings(closed) | asserted


def close_schema(schema: set[rules.Triple]) -> set[rules.Triple]:
    """The OWL RL closure of the schema triples, by the general reasoner, noise included (the rules need it)."""
    return _general(schema, None)


def infer(asserted: set[rules.Triple], progress: Progress | None = None, schema_closure: set | None = None) -> set[rules.Triple]:
    """kgtool's reasoner: the entailments of `asserted` (N-Triples term strings), less asserted and noise.

    `schema_closure` is `close_schema` of the schema triples of `asserted`, when known already.
    """
    if progress:
        progress("reasoning", 0, None)
    if schema_closure is None:
        schema_closure = close_schema({t for t in asserted if rules.is_schema(t)})
    try:
        closed = rules.closure(schema_closure, (t for t in asserted if not rules.is_schema(t)), progress)
    except rules.Unsupported:
        closed = _general(asserted, progress)
    return {t for t in closed if t not in asserted and not is_noise_string(t)}


# --------------------------------------------------------------------------------------
# owlrl
# --------------------------------------------------------------------------------------
def _owlrl(asserted: set[ox.Triple], progress: Progress | None) -> set[ox.Triple]:
    import owlrl
    import rdflib

    if progress:
        progress("reasoning (owlrl)", 0, None)
    graph = rdflib.Graph()
    cache: dict = {}
    for t in asserted:  # term by term, so that blank nodes keep their labels
        graph.add(tuple(cache.get(x) or cache.setdefault(x, rdfio.to_rdflib_term(x)) for x in (t.subject, t.predicate, t.object)))
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(graph)
    closure = _closure_to_ox(graph)
    if progress:
        progress("reasoning (owlrl)", 1, 1)
    return closure


# --------------------------------------------------------------------------------------
# reasonable, with prp-ifp and prp-spo2 applied here
# --------------------------------------------------------------------------------------
_TYPE = ox.NamedNode(RDF_TYPE)
_IFP_CLASS = ox.NamedNode(OWL + "InverseFunctionalProperty")
_FP_CLASS = ox.NamedNode(OWL + "FunctionalProperty")
_WITHHELD_CLASSES = (_IFP_CLASS, _FP_CLASS)  # declarations `reasonable` must not see
_SAME = ox.NamedNode(OWL + "sameAs")
_CHAIN = ox.NamedNode(OWL + "propertyChainAxiom")
_FIRST = ox.NamedNode(RDF + "first")
_REST = ox.NamedNode(RDF + "rest")
_NIL = ox.NamedNode(RDF + "nil")


def _closure_to_ox(triples) -> set[ox.Triple]:
    """rdflib (s, p, o) tuples as pyoxigraph Triples, skipping generalized ones (literal subjects)."""
    closure = set()
    cache: dict = {}
    for s, p, o in triples:
        try:
            closure.add(ox.Triple(cache.get(s) or cache.setdefault(s, rdfio.to_ox_term(s)), cache.get(p) or cache.setdefault(p, rdfio.to_ox_term(p)), cache.get(o) or cache.setdefault(o, rdfio.to_ox_term(o))))
        except (TypeError, ValueError):
            continue
    return closure


def _run_reasonable(triples: set[ox.Triple]) -> set[ox.Triple]:
    # Turtle is the only input it reads; N-Triples is Turtle. Blank node labels are kept.
    import tempfile

    import reasonable

    fd, path = tempfile.mkstemp(suffix=".ttl", prefix="kgtool-reason-")
    try:
        with os.fdopen(fd, "wb") as f:
            ox.serialize(triples, f, ox.RdfFormat.N_TRIPLES)
        r = reasonable.PyReasoner()
        r.load_file(path)
        out = r.reason()
        del r  # its own copy of the closure, before the rdflib terms are converted
    finally:
        os.unlink(path)
    return _closure_to_ox(_draining(out))


def _draining(items: list):
    """The items of `items`, each released from the list as it is yielded (the rdflib closure
    and its pyoxigraph copy are then never both whole in memory)."""
    items.reverse()
    while items:
        yield items.pop()


def _list(closure_by_subject: dict, head) -> list | None:
    items = []
    seen = set()
    while head != _NIL:
        if head in seen:
            return None
        seen.add(head)
        firsts = closure_by_subject.get((head, _FIRST))
        rests = closure_by_subject.get((head, _REST))
        if not firsts or not rests:
            return None
        items.append(next(iter(firsts)))
        head = next(iter(rests))
    return items


def _rules(closure: set[ox.Triple]) -> set[ox.Triple]:
    """What prp-fp, prp-ifp, prp-spo2 and the schema rules (`_schema`) derive from `closure`."""
    by_sp: dict = {}
    by_p: dict = {}
    for t in closure:
        by_p.setdefault(t.predicate, []).append(t)
        if t.predicate in (_FIRST, _REST):
            by_sp.setdefault((t.subject, t.predicate), set()).add(t.object)
    derived: set[ox.Triple] = set()
    # prp-ifp: p inverse-functional, x p z, y p z => x sameAs y
    for t in by_p.get(_TYPE, ()):
        if t.object != _IFP_CLASS or isinstance(t.subject, ox.Literal):
            continue
        subjects_of: dict = {}
        for u in by_p.get(t.subject, ()):
            subjects_of.setdefault(u.object, set()).add(u.subject)
        for subjects in subjects_of.values():
            if len(subjects) > 1:
                for x in subjects:
                    for y in subjects:
                        if x != y:
                            derived.add(ox.Triple(x, _SAME, y))
    # prp-fp: p functional, x p y1, x p y2 => y1 sameAs y2
    for t in by_p.get(_TYPE, ()):
        if t.object != _FP_CLASS or isinstance(t.subject, ox.Literal):
            continue
        objects_of: dict = {}
        for u in by_p.get(t.subject, ()):
            objects_of.setdefault(u.subject, set()).add(u.object)
        for objects in objects_of.values():
            if len(objects) > 1:
                for y1 in objects:
                    if isinstance(y1, ox.Literal):
                        continue  # a generalized triple: not kept
                    for y2 in objects:
                        if y1 != y2:
                            derived.add(ox.Triple(y1, _SAME, y2))
    # prp-spo2: p propertyChainAxiom (p1 ... pn), x0 p1 x1 ... pn xn => x0 p xn
    derived |= _schema(by_p, by_sp)
    for t in by_p.get(_CHAIN, ()):
        chain = _list(by_sp, t.object)
        if not chain or not isinstance(t.subject, ox.NamedNode):
            continue
        pairs = {(u.subject, u.object) for u in by_p.get(chain[0], ())}
        for link in chain[1:]:
            step: dict = {}
            for u in by_p.get(link, ()):
                step.setdefault(u.subject, []).append(u.object)
            pairs = {(x, z) for x, y in pairs for z in step.get(y, ())}
        for x, z in pairs:
            if not isinstance(x, ox.Literal):
                derived.add(ox.Triple(x, t.subject, z))
    return derived


_SUBPROP = ox.NamedNode(RDFS + "subPropertyOf")
_SUBCLASS = ox.NamedNode(RDFS + "subClassOf")
_DOMAIN = ox.NamedNode(RDFS + "domain")
_RANGE = ox.NamedNode(RDFS + "range")
_EQCLASS = ox.NamedNode(OWL + "equivalentClass")
_EQPROP = ox.NamedNode(OWL + "equivalentProperty")
_INTERSECTION = ox.NamedNode(OWL + "intersectionOf")
_UNION = ox.NamedNode(OWL + "unionOf")


def _transitive(pairs: dict) -> dict:
    """The transitive closure of a relation given as {x: {y, ...}} (each x reaches itself too)."""
    out = {}
    for start in pairs:
        seen = {start}
        todo = [start]
        while todo:
            for nxt in pairs.get(todo.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        out[start] = seen
    return out


def _schema(by_p: dict, by_sp: dict) -> set[ox.Triple]:
    """scm-spo, scm-eqc1, scm-eqp1, scm-dom1/2, scm-rng1/2, scm-int, scm-uni and the symmetry of equivalentClass/equivalentProperty."""
    derived = set()
    for t in by_p.get(_INTERSECTION, ()):  # scm-int: an intersection is a subclass of each part
        for part in _list(by_sp, t.object) or ():
            derived.add(ox.Triple(t.subject, _SUBCLASS, part))
    for t in by_p.get(_UNION, ()):  # scm-uni: each part is a subclass of the union
        for part in _list(by_sp, t.object) or ():
            if not isinstance(part, ox.Literal):
                derived.add(ox.Triple(part, _SUBCLASS, t.subject))
    for eq in (_EQCLASS, _EQPROP):
        for t in by_p.get(eq, ()):
            if not isinstance(t.object, ox.Literal):
                derived.add(ox.Triple(t.object, eq, t.subject))
    sub_prop: dict = {}
    for t in by_p.get(_SUBPROP, ()):
        sub_prop.setdefault(t.subject, set()).add(t.object)
    sub_class: dict = {}
    for t in by_p.get(_SUBCLASS, ()):
        sub_class.setdefault(t.subject, set()).add(t.object)
    # scm-eqc1, scm-eqp1: equivalence is subsumption both ways
    for eq, sub, rel in ((_EQCLASS, sub_class, _SUBCLASS), (_EQPROP, sub_prop, _SUBPROP)):
        for t in by_p.get(eq, ()):
            if not isinstance(t.object, ox.Literal) and t.subject != t.object:
                sub.setdefault(t.subject, set()).add(t.object)
                sub.setdefault(t.object, set()).add(t.subject)
                derived.add(ox.Triple(t.subject, rel, t.object))
                derived.add(ox.Triple(t.object, rel, t.subject))
    supers_p = _transitive(sub_prop)
    supers_c = _transitive(sub_class)
    for p, ups in supers_p.items():
        derived.update(ox.Triple(p, _SUBPROP, q) for q in ups if q != p)
    for rel in (_DOMAIN, _RANGE):
        declared: dict = {}
        for t in by_p.get(rel, ()):
            declared.setdefault(t.subject, set()).add(t.object)
        for p in set(declared) | set(supers_p):
            classes = set()
            for q in supers_p.get(p, {p}):
                for c in declared.get(q, ()):
                    classes |= supers_c.get(c, {c})
            if not isinstance(p, ox.Literal):
                derived.update(ox.Triple(p, rel, c) for c in classes)
    return derived


_TRANSITIVE = ox.NamedNode(OWL + "TransitiveProperty")


def _presaturate(asserted: set[ox.Triple]) -> set[ox.Triple]:
    """The asserted triples plus what the rules applied here derive from them (with transitive
    properties closed), so that `reasonable` usually runs once instead of twice."""
    base = set(asserted)
    for _ in range(3):
        transitive = {t.subject for t in base if t.predicate == _TYPE and t.object == _TRANSITIVE}
        closed = set()
        for p in transitive:
            edges: dict = {}
            for t in base:
                if t.predicate == p:
                    edges.setdefault(t.subject, set()).add(t.object)
            for x, reach in _transitive(edges).items():
                closed.update(ox.Triple(x, p, y) for y in reach if y != x and not isinstance(x, ox.Literal))
        new = (_rules(base | closed) | closed) - base
        if not new:
            break
        base |= new
    return base


def _reasonable(asserted: set[ox.Triple], progress: Progress | None) -> set[ox.Triple]:
    withheld = {t for t in asserted if t.predicate == _TYPE and t.object in _WITHHELD_CLASSES}
    base = _presaturate(asserted) - withheld
    rounds = 0
    while True:
        rounds += 1
        if progress:
            progress("reasoning (reasonable)", rounds - 1, None)
        closure = _run_reasonable(base) | withheld
        new = _rules(closure) - closure
        if not new:
            return closure
        base = (closure - withheld) | new
        # a (inverse-)functional declaration derived by the reasoner must not reach it either
        derived_withheld = {t for t in base if t.predicate == _TYPE and t.object in _WITHHELD_CLASSES}
        withheld |= derived_withheld
        base -= derived_withheld
