"""OWL 2 RL entailments, less noise: kgtool's compiled rules (the default), `reasonable` (Rust) or owlrl (pure Python).

Where each part lives:

* `own.py` is kgtool's reasoner: the schema closed by a general reasoner and compiled
  (`compiled.py`) into rules per property and per class, which `engine.py` applies to the
  instance data semi-naively: linear in the data;
* `incremental.py` keeps the entailments in a store's graph, extending them with what an
  added data file entails (OWL RL is monotone) instead of recomputing them;
* `general.py` runs the general reasoners (for the schema, for what the compiled rules do not
  cover, and when chosen); `repairs.py` holds the rules `reasonable` lacks or gets wrong;
* `noise.py` is the one filter of what no answer needs; `ntriples.py` the term strings the
  compiled rules work on; `relations.py` the closures and lists both rule sets walk.

Four rules exist twice, on purpose: prp-fp, prp-ifp, prp-spo2 and prp-trp run semi-naively
over instance data in `engine.py` and in batch over `reasonable`'s closure in `repairs.py`.

The three reasoners give the same entailments on the bundled graph (tests/test_reasoning.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from importlib import import_module

import pyoxigraph as ox

from ..progress import Report as Progress

GENERAL = ("reasonable", "owlrl")  # the general reasoners (general.py)
REASONERS = ("kgtool", *GENERAL)


@dataclass(frozen=True)
class Graphs:
    """Where a store keeps what is reasoned over (`asserted`, the default graph's parts) and the entailments (`inferred`)."""

    asserted: tuple[ox.NamedNode, ...]
    inferred: ox.NamedNode


# The rest loads when first used: a warm query needs only the names above (PEP 562).
_LAZY = {
    "general": ("general", None), "available": ("general", "available"), "schema_reasoner": ("general", "schema_reasoner"),
    "update": ("incremental", "update"), "is_noise": ("noise", "is_noise"), "Unsupported": ("ntriples", "Unsupported"),
    "from_ox": ("ntriples", "from_ox"), "to_ox": ("ntriples", "to_ox"), "close_schema": ("own", "close_schema"), "infer": ("own", "infer"),
}

__all__ = ["REASONERS", "Graphs", "Progress", "default_reasoner", "entailments", *_LAZY]


def __getattr__(name: str):
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module, attribute = _LAZY[name]
    found = import_module(f".{module}", __name__)
    return found if attribute is None else getattr(found, attribute)


def default_reasoner() -> str:
    """kgtool's own rules (which close the schema with `schema_reasoner()`)."""
    return "kgtool"


def entailments(triples: Iterable[ox.Triple], reasoner: str | None = None, progress: Progress | None = None) -> list[ox.Triple]:
    """The triples that the OWL 2 RL closure adds to `triples` (pyoxigraph Triples), less noise, sorted.

    Raises ValueError for an unknown reasoner name.
    """
    reasoner = reasoner or default_reasoner()
    if reasoner not in REASONERS:
        raise ValueError(f"unknown reasoner '{reasoner}' (known: {', '.join(REASONERS)})")
    if reasoner == "kgtool":
        from .ntriples import from_ox, to_ox
        from .own import infer

        return sorted(to_ox(infer(from_ox(triples), progress)), key=str)
    from . import general

    return general.entailments(triples, reasoner, progress)
