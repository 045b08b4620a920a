"""A remote home's submissions: each one a named graph (urn:kgtool:graph:submission:<id>) with its PROV record; listed, and one removed.

Removing one is a single update guarded by the home's generation, as an add is: the submission's
graph dropped, and the entailments made those of what remains. They are computed here, by
kgtool's reasoner, over the home pulled from the server (ontology, data, the other submissions),
and written as a difference: what no longer follows goes, what follows again (a triple the
submission asserted that the rest entails) comes back. A concurrent write makes the update land
nothing; the removal is then worked out again against the new state.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field

import pyoxigraph as ox

from ..errors import KgError, UsageError
from ..store.graphs import DATA, INFERRED, ONTOLOGY
from ..submissions import DERIVED, GENERATED, Listed, Removed, described, unknown
from .layout import GENERATION, HOLDS, HOME, META, PUSH, RESULT, RESULTS, STATE, submission_graph

ATTEMPTS = 5  # another writer moved the generation meanwhile: work the removal out again, this many times at most


def listed(home) -> list[Listed]:
    """The remote home's submissions, oldest first: each graph's PROV record and how many triples it holds besides."""
    from ..submission import RECORD_NS
    from .store import load

    ids = home.submissions()
    if not ids:
        return []
    loaded = load(home)
    graphs = [submission_graph(i) for i in ids]
    # Each graph's own triples: the record, and the description of its sources that it holds, set aside (as locally).
    rows = loaded.store.query(
        f"""SELECT ?g ?s ?p ?o WHERE {{ GRAPH ?g {{ ?r <{GENERATED}> ?when FILTER(STRSTARTS(STR(?r), "{RECORD_NS}"))
              {{ ?r ?p ?o BIND(?r AS ?s) }} UNION {{ ?r <{DERIVED}> ?s . ?s ?p ?o }} }} }}""",
        default_graph=[], named_graphs=graphs)
    records: dict[str, list] = {}
    for row in rows:
        records.setdefault(row["g"].value, []).append(ox.Triple(row["s"], row["p"], row["o"]))
    held = {g: len(set(found)) for g, found in records.items()}  # the record's triples each graph holds
    # A source another submission described first is described in that one's graph: look in the whole data.
    sources = {t.object for found in records.values() for t in found if t.predicate.value == DERIVED}
    if sources:
        values = " ".join(str(s) for s in sources)
        for row in loaded.store.query(f"SELECT ?s ?p ?o WHERE {{ VALUES ?s {{ {values} }} ?s ?p ?o }}", default_graph=[DATA], named_graphs=[]):
            for found in records.values():
                if any(t.object == row["s"] for t in found):
                    found.append(ox.Triple(row["s"], row["p"], row["o"]))
    sizes = {row["g"].value: int(row["n"].value) for row in loaded.store.query(
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g", default_graph=[], named_graphs=graphs)}
    out = []
    for ident, g in zip(ids, graphs):
        listing = described(ident, list(dict.fromkeys(records.get(g.value, []))))
        listing.triples = sizes.get(g.value, 0) - held.get(g.value, 0)
        out.append(listing)
    return out


@dataclass
class Plan:
    """A removal worked out against one state of the home: the update that makes it, and what it takes out."""

    update: str
    token: str
    triples: int
    notes: list[str] = field(default_factory=list)


def remove(home, ident: str, dry_run: bool = False) -> Removed:
    """Remove the submission `ident` from the remote home, all or nothing; UsageError if there is none."""
    from .home import read_meta

    home.require_writable()
    for _attempt in range(ATTEMPTS):
        home._meta = None  # the state as it is now
        meta = home.meta()
        if ident not in meta.get("submissions", []):
            raise unknown(ident)
        if dry_run:
            found = next(s for s in listed(home) if s.id == ident)
            return Removed(ident, found.triples, True, str(home.root))
        plan = _plan(home, meta, ident)
        home.client.update(plan.update, timeout=0)
        landed = read_meta(home.client)
        if landed is not None and landed.get("push") == plan.token:
            return Removed(ident, plan.triples, False, str(home.root), plan.notes)
    raise KgError(f"the remote home kept changing while the removal was worked out ({ATTEMPTS} tries); try again")


def _plan(home, meta: dict, ident: str) -> Plan:
    """The guarded update that removes `ident` from the home in the state `meta`."""
    from ..reasoning.ntriples import Unsupported, from_ox, is_schema, parse_lines, to_ox
    from ..reasoning.own import infer
    from ..store.cache import SCHEMA_CLOSURE
    from .adding import block, guard, lines, next_state
    from .store import load

    loaded = load(home, timeout=0)  # the whole home is read: no time limit (as push has none)
    client = home.client
    if loaded.reasoner != "kgtool":
        raise UsageError(f"the remote home was pushed with the {loaded.reasoner} reasoner; remove recomputes the entailments of the kgtool reasoner only")
    gone = submission_graph(ident)
    others = [submission_graph(i) for i in meta.get("submissions", []) if i != ident]
    pulled: dict[str, list[ox.Triple]] = {}
    # One answer, so that a blank node is named alike wherever it appears.
    rows = loaded.store.query("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }", default_graph=[],
                              named_graphs=[ONTOLOGY, DATA, gone, *others, INFERRED])
    for row in rows:
        pulled.setdefault(row["g"].value, []).append(ox.Triple(row["s"], row["p"], row["o"]))
    removed = pulled.get(gone.value, [])
    remaining = [t for g in (ONTOLOGY, DATA, *others) for t in pulled.get(g.value, [])]
    try:
        if any(is_schema(t) for t in from_ox(removed)):
            raise Unsupported("the submission changes the schema")
        support = home.support()
        if not (support / SCHEMA_CLOSURE).is_file():
            raise Unsupported("the home's closed schema is not on the server")
        schema = set(parse_lines((support / SCHEMA_CLOSURE).read_bytes()))
        now = infer(set(from_ox(remaining)), schema_closure=schema)
        before = set(from_ox(pulled.get(INFERRED.value, [])))
    except Unsupported as e:
        raise UsageError(f"{e}: remove it in a local home and push that") from None
    own_blanks = {t for triple in from_ox(removed) for t in triple if t.startswith("_:")}
    ground = lambda t: not any(term.startswith("_:") for term in t)  # noqa: E731
    # What no longer follows: named, or (a blank node of the submission) found through its graph; an entailment about
    # a blank node of the rest of the home cannot be named in an update, and stays.
    no_longer = [t for t in before - now if ground(t)]
    # (Compared with their blank nodes masked: the closed schema's come with the labels of the home that was pushed.)
    masked = lambda t: tuple("_:" if term.startswith("_:") else term for term in t)  # noqa: E731
    following = {masked(t) for t in now if not ground(t)}
    kept_blank = [t for t in before - now if not ground(t) and not any(term in own_blanks for term in t) and masked(t) not in following]
    again = [t for t in now - before if ground(t)]
    # A source file the submission described that another submission was read from too: its description moves there.
    moved: dict[str, list[ox.Triple]] = {}
    mine = {t.object for t in removed if t.predicate.value == DERIVED}
    for g in others:
        for t in pulled.get(g.value, []):
            if t.predicate.value == DERIVED and t.object in mine:
                moved.setdefault(g.value, []).extend(x for x in removed if x.subject == t.object and x not in moved.get(g.value, []))
                mine.discard(t.object)
    moved = {g: list(dict.fromkeys(ts)) for g, ts in moved.items()}
    listing = described(ident, removed)
    token = uuid.uuid4().hex
    state = dict(json.loads(json.dumps({k: v for k, v in meta.items() if k not in ("generation", "version", "graphs", "push")})))
    state["submissions"] = [i for i in state.get("submissions", []) if i != ident]
    counts = state.setdefault("counts", {})
    # The counts as a local home's store has them: the distinct triples of the data, and of the entailments.
    counts["data"] = len({t for g in (DATA, *others) for t in pulled.get(g.value, [])} | {t for ts in moved.values() for t in ts})
    blank_gone = sum(1 for t in before if not ground(t) and any(term in own_blanks for term in t))
    counts["inferred"] = len(before) - len(no_longer) - blank_gone + len(again)
    state.setdefault("files", {})["data"] = max(0, state.get("files", {}).get("data", 0) - 1)
    results_gone: list[str] = []
    results_found: list[str] = []
    if state.get("judged"):
        from .conformance import figures

        old = home.results() or []
        now_results = _judged_whole(home, loaded, pulled, [ONTOLOGY], [DATA, *others])
        results_gone, results_found = sorted(set(old) - set(now_results)), sorted(set(now_results) - set(old))
        state["conforms"], state["validation"] = figures(now_results)
    meta_graph, entailed, graph = client.graph(META.value), client.graph(INFERRED.value), client.graph(gone.value)
    where_guard = f"GRAPH <{meta_graph}> {{ {HOME} {GENERATION} ?generation FILTER(?generation = {meta['generation']}) }}"
    in_gone = f"GRAPH <{graph}> {{ {{ ?b ?x ?y }} UNION {{ ?y ?x ?b }} }} FILTER(isBlank(?b))"
    operations = [
        # the entailments about the submission's own blank nodes, found through its graph before it goes
        f"DELETE {{ GRAPH <{entailed}> {{ ?b ?p ?o }} }} WHERE {{ {where_guard} {in_gone} GRAPH <{entailed}> {{ ?b ?p ?o }} }}",
        f"DELETE {{ GRAPH <{entailed}> {{ ?s ?p ?b }} }} WHERE {{ {where_guard} {in_gone} GRAPH <{entailed}> {{ ?s ?p ?b }} }}",
        f"DELETE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }} WHERE {{ {where_guard} GRAPH <{graph}> {{ ?s ?p ?o }} }}",
        # last, the state: generation, token, the graph no longer held, results, entailments
        f"DELETE {{ GRAPH <{meta_graph}> {{ {HOME} {GENERATION} ?generation . {HOME} {STATE} ?state . {HOME} {PUSH} ?push }}\n"
        + block(meta_graph, lines([ox.Triple(HOME, HOLDS, gone)]) + lines(ox.Triple(RESULTS, RESULT, ox.Literal(r)) for r in results_gone))
        + block(entailed, lines(to_ox(no_longer))) + "}\n"
        + "INSERT {\n" + block(meta_graph, lines(next_state(meta["generation"], token, state)) + lines(ox.Triple(RESULTS, RESULT, ox.Literal(r)) for r in results_found))
        + block(entailed, lines(to_ox(again)))
        + "".join(block(client.graph(g), lines(ts)) for g, ts in moved.items()) + "}\n"
        + guard(meta_graph, meta["generation"]),
    ]
    notes = [f"{len(kept_blank)} entailment(s) about blank nodes of the rest of the home no longer follow but are kept: "
             "an update cannot name a blank node of the server"] if kept_blank else []
    return Plan(" ;\n".join(operations), token, listing.triples, notes)


def _judged_whole(home, loaded, pulled: dict, ontology: list, data: list) -> list[str]:
    """The identities of the results of validating the remaining home whole (as a local home's stats does)."""
    from ..store import Loaded
    from ..validation import validate_home
    from .conformance import of_report

    store = ox.Store()
    store.extend(ox.Quad(t.subject, t.predicate, t.object, ONTOLOGY) for g in ontology for t in pulled.get(g.value, []))
    store.extend(ox.Quad(t.subject, t.predicate, t.object, DATA) for g in data for t in pulled.get(g.value, []))
    remaining = Loaded(home, store, loaded.prefixes, counts=dict(loaded.counts), path=home.support(), reasoner=loaded.reasoner)
    return of_report(validate_home(home, remaining))
