"""kgtool's own reasoner, from scratch: the schema closed by the general reasoner, the instance data run through the compiled rules."""

from __future__ import annotations

from collections.abc import Iterable

from ..progress import Report as Progress
from . import general
from .compiled import Rules
from .engine import Engine
from .noise import is_noise
from .ntriples import CHAIN_PREFIX, Triple, Unsupported, from_ox, is_schema, to_ox


def close_schema(schema: set[Triple]) -> set[Triple]:
    """The OWL RL closure of the schema triples (term strings) by `general.schema_reasoner()`, noise included (the rules need it)."""
    return _general(schema, None)


def _general(asserted: set[Triple], progress: Progress | None) -> set[Triple]:
    return from_ox(general.closure(set(to_ox(asserted)), general.schema_reasoner(), progress)) | asserted


def infer(asserted: set[Triple], progress: Progress | None = None, schema_closure: set | None = None) -> set[Triple]:
    """The entailments of `asserted` (term strings), less asserted and noise.

    `schema_closure` is `close_schema` of the schema triples of `asserted`, when known already.
    When the compiled rules do not cover the schema, the general reasoner closes everything.
    """
    if progress:
        progress("reasoning", 0, None)
    if schema_closure is None:
        schema_closure = close_schema({t for t in asserted if is_schema(t)})
    try:
        closed = closure(schema_closure, (t for t in asserted if not is_schema(t)), progress)
    except Unsupported:
        closed = _general(asserted, progress)
    return {t for t in closed if t not in asserted and not is_noise(t)}


def closure(schema_closure: set[Triple], instances: Iterable[Triple], progress: Progress | None = None) -> set[Triple]:
    """Every triple of the OWL RL closure of `schema_closure` plus `instances` (stand-ins left out).

    Raises Unsupported when the compiled rules do not cover the schema or the data entails schema triples.
    """
    rules = Rules(schema_closure)
    engine = Engine(rules, progress=progress)
    engine.seed(schema_closure)
    engine.seed(instances)
    engine.run()
    for t in engine.facts:
        if is_schema(t) and t not in schema_closure:
            raise Unsupported(f"the instance data entails a schema triple: {' '.join(t)}")
    if rules.stand_ins:
        return {t for t in engine.facts if not t[1].startswith(CHAIN_PREFIX)}
    return engine.facts
