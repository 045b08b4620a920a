"""What `export` writes: a part of the home's graph, optionally with entailments, and the JSON-LD context built from the ontology."""

from __future__ import annotations

import re

from .store import ONTOLOGY, Loaded

OWL = "http://www.w3.org/2002/07/owl#"
# A term must not look like a keyword (@...), a compact IRI (a:b) or an IRI: plain names only.
_TERM = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")


def jsonld_context(loaded: Loaded) -> dict:
    """A JSON-LD @context: the home's prefixes, plus a short term for each ontology class and property.

    Object properties are coerced to IRIs ("@type": "@id"); datatype properties keep each
    value's own datatype, so that expansion gives back exactly the exported graph.
    """
    context: dict = {name: ns for name, ns in loaded.prefixes.items() if name}
    query = f"""
        SELECT ?term ?kind WHERE {{
          VALUES ?kind {{ <{OWL}Class> <{OWL}ObjectProperty> <{OWL}DatatypeProperty> }}
          ?term a ?kind FILTER(isIRI(?term))
        }} ORDER BY ?term"""
    kinds: dict[str, set[str]] = {}
    for row in loaded.store.query(query, default_graph=[ONTOLOGY], named_graphs=[]):
        kinds.setdefault(row["term"].value, set()).add(row["kind"].value.rsplit("#", 1)[-1])
    taken = set(context)
    locals_seen: dict[str, int] = {}
    for iri in kinds:
        local = iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        locals_seen[local] = locals_seen.get(local, 0) + 1
    for iri, kind in kinds.items():
        local = iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        if not local or local in taken or locals_seen[local] > 1 or not _TERM.match(local):
            continue  # ambiguous, clashing with a prefix, or not a plain name: leave it as a compact IRI
        if "ObjectProperty" in kind and "DatatypeProperty" not in kind:
            context[local] = {"@id": iri, "@type": "@id"}
        else:
            context[local] = iri
        taken.add(local)
    return context
