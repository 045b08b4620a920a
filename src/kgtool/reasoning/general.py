"""The general OWL RL reasoners, on pyoxigraph Triples: owlrl (pure Python) and `reasonable` (Rust) with its repairs.

`reasonable` 0.4 needs repairs, applied by `repairs.derive`:

* its prp-ifp rule is unsound (from `a p x . b p y` with p inverse-functional it concludes
  `a owl:sameAs b` even when x != y), so inverse-functional declarations are withheld
  from it and the rule is applied by kgtool;
* its prp-fp rule joins every pair of triples of a functional property before comparing their
  subjects: quadratic in the size of the data (1.7 GB at 100k triples, out of memory at 300k),
  so functional declarations are withheld from it too and the rule is applied by kgtool;
* it does not implement prp-spo2 (owl:propertyChainAxiom), so chains are applied by kgtool;
* it leaves out the schema rules scm-spo, scm-dom1/2, scm-rng1/2 (subproperty transitivity,
  domains and ranges inherited along subclasses and subproperties), scm-int, scm-uni and the
  symmetry of owl:equivalentClass / owl:equivalentProperty, so they are applied by kgtool;
* it does not implement cls-maxc2 / cls-maxqc4 (values of a max-cardinality-1 restriction are
  the same): left unrepaired in `reasonable`; the `kgtool` reasoner applies them.

The repairs and `reasonable` are applied in turn, each on what the other added, until nothing
new comes: the result is the OWL 2 RL closure
(https://www.w3.org/TR/owl2-profiles/#Reasoning_in_OWL_2_RL_and_RDF_Graphs_using_Rules).
"""

from __future__ import annotations

import os
from collections.abc import Iterable

import pyoxigraph as ox

from .. import terms
from ..progress import Report as Progress
from .noise import is_noise
from .repairs import TYPE, WITHHELD_CLASSES, derive, presaturate

from . import GENERAL as NAMES  # noqa: E402 - defined by the package, before this module loads


def available(name: str) -> bool:
    """Whether the reasoner's package is installed (without importing it: that is slow)."""
    from importlib.util import find_spec

    return find_spec(name) is not None


def schema_reasoner() -> str:
    """The general reasoner for the schema (and for what the compiled rules do not cover)."""
    return "reasonable" if available("reasonable") else "owlrl"


def entailments(triples: Iterable[ox.Triple], reasoner: str, progress: Progress | None = None) -> list[ox.Triple]:
    """What the closure by a general reasoner (one of `NAMES`) adds to `triples`, less noise, sorted."""
    asserted = set(triples)
    out = [t for t in closure(asserted, reasoner, progress) if t not in asserted and not is_noise((str(t.subject), str(t.predicate), str(t.object)))]
    out.sort(key=str)
    return out


def closure(asserted: set[ox.Triple], reasoner: str, progress: Progress | None = None) -> set[ox.Triple]:
    """The OWL RL closure of `asserted` by a general reasoner ("reasonable" or "owlrl"), noise included."""
    if reasoner == "reasonable":
        return reasonable_closure(asserted, progress)
    return owlrl_closure(asserted, progress)


def owlrl_closure(asserted: set[ox.Triple], progress: Progress | None) -> set[ox.Triple]:
    """The OWL RL closure of `asserted` by owlrl, noise included."""
    import owlrl

    if progress:
        progress("reasoning (owlrl)", 0, None)
    graph = terms.to_rdflib_graph(asserted)  # term by term, so that blank nodes keep their labels
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(graph)
    closure = _closure_to_ox(graph)
    if progress:
        progress("reasoning (owlrl)", 1, 1)
    return closure


def reasonable_closure(asserted: set[ox.Triple], progress: Progress | None) -> set[ox.Triple]:
    """The OWL RL closure of `asserted` by `reasonable` and the repairs, noise included."""
    withheld = {t for t in asserted if t.predicate == TYPE and t.object in WITHHELD_CLASSES}
    base = presaturate(asserted) - withheld
    rounds = 0
    while True:
        rounds += 1
        if progress:
            progress("reasoning (reasonable)", rounds - 1, None)
        closure = _run_reasonable(base) | withheld
        new = derive(closure) - closure
        if not new:
            return closure
        base = (closure - withheld) | new
        # a (inverse-)functional declaration derived by the reasoner must not reach it either
        derived_withheld = {t for t in base if t.predicate == TYPE and t.object in WITHHELD_CLASSES}
        withheld |= derived_withheld
        base -= derived_withheld


def _closure_to_ox(triples) -> set[ox.Triple]:
    """rdflib (s, p, o) tuples as pyoxigraph Triples, skipping generalized ones (literal subjects)."""
    closure = set()
    cache: dict = {}
    to_ox = terms.to_ox
    for s, p, o in triples:
        try:
            closure.add(ox.Triple(cache.get(s) or cache.setdefault(s, to_ox(s)), cache.get(p) or cache.setdefault(p, to_ox(p)), cache.get(o) or cache.setdefault(o, to_ox(o))))
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
