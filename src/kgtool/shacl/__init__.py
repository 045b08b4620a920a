"""SHACL validation (https://www.w3.org/TR/shacl/): SHACL Core and SHACL-SPARQL evaluated by kgtool, pySHACL for SHACL Advanced Features.

`validate(data, shapes)` gives (conforms, the W3C validation report as an rdflib graph). The
modules: `graph` (triples in memory), `shapes` and `paths` (the shapes graph read once),
`components` (one class per constraint component), `prebind` (SHACL-SPARQL queries), `run`
(targets, the loop, nested shapes), `report` (results, messages, the report graph),
`fallback` (pySHACL).
"""

from __future__ import annotations

import contextlib
import gc

from ..errors import KgError


class ShapeError(KgError):
    """The shapes graph is ill-formed where it is used, or a SHACL-SPARQL query breaks the spec's rules: a failure (exit 2)."""


class Unsupported(Exception):
    """The shapes use SHACL Advanced Features (rules, custom targets, functions), which pySHACL evaluates instead."""


from . import fallback, run  # noqa: E402  (the modules raise the errors above)


def validate(data, shapes, keep: set | None = None):
    """(conforms, report graph) of validating the pyoxigraph triples `data` against the shapes graph `shapes`.

    `keep`: validate only these focus nodes of the shapes' targets (all when None). Raises
    ShapeError for ill-formed shapes or forbidden SPARQL.
    """
    shapes = list(shapes)
    try:
        fallback.check(shapes)
    except Unsupported:
        return fallback.validate(data, shapes, keep)
    with no_gc():
        return run.validate(data, shapes, keep)


@contextlib.contextmanager
def no_gc():
    """The cyclic garbage collector paused: the indexes of a large graph are millions of small objects, which each
    collection walks again (half the time of validating 5,000 imported rows went to it). Reference counting still frees
    what is dropped; the collector runs again at the end if it was on."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
