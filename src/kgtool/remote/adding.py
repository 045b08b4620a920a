"""`add` to a remote home: validated as `validate` does, the new entailments by the incremental reasoner, written in one update guarded by the home's generation (compare-and-swap)."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone

import pyoxigraph as ox

from ..errors import KgError, UsageError
from ..store.graphs import DATA, INFERRED, REASONED
from ..vocab import XSD
from .layout import GENERATION, HOLDS, HOME, META, PUSH, RESULT, RESULTS, STATE, submission_graph
from .store import load

ATTEMPTS = 5  # another writer moved the generation: judge again against the new state, this many times at most


def add(home, files: list[str], *, dry_run: bool = False, strict: bool = False, allow_remote: bool = False, allow_merge: bool = False,
        locate: bool = True, read_from: list | None = None):
    """Validate `files` with the remote home and merge them all or nothing (submission.AddOutcome); a refusal changes nothing.

    The write is one SPARQL Update that lands only if the home's generation is still the one
    judged: a concurrent add from elsewhere makes it land nothing, and this add is judged again.
    `locate` as submission.add's (an importer names its own rows). `read_from`: the files the
    record names instead of `files` (an import's CSV files; `files` is their conversion, whose
    digest still names the submission).
    """
    from ..submission import RECORD_NS, AddOutcome, _record, opened
    from .home import read_meta

    submission, submitted, digest = opened(home, files, allow_remote)
    if not submission.triples:
        return AddOutcome(False, "the submission has no triples", dry_run=dry_run)
    if read_from is not None:
        submission.names, submission.files = [f.sha256 for f in submission.files], read_from
    record = ox.NamedNode(RECORD_NS + digest)
    for _attempt in range(ATTEMPTS):
        home._meta = None  # the state as it is now
        outcome, loaded, new = _assess(home, submission, submitted, record, strict, dry_run, allow_merge, locate)
        if outcome.reason or dry_run:
            return outcome
        meta = home.meta()
        now = datetime.now(timezone.utc)
        when = now.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        ident = f"{now.strftime('%Y%m%dT%H%M%S%f')}-{digest}"  # the stem of the file a local add would write
        # No triple is in two of the data graphs: a source file's description another submission gave already stays there.
        added = new + [t for t in _record(record, submission, when, len(new)) if t.subject == record or not _held(loaded, t)]
        inferred, no_longer = _entailments(loaded, added)
        token = uuid.uuid4().hex
        state = dict(json.loads(json.dumps({k: v for k, v in meta.items() if k not in ("generation", "version", "graphs", "push")})))
        state["submissions"] = [*state.get("submissions", []), ident]
        counts = state.setdefault("counts", {})
        counts["data"] = counts.get("data", 0) + len(added)
        counts["inferred"] = counts.get("inferred", 0) + len(inferred) - len(no_longer)
        state.setdefault("files", {})["data"] = state.get("files", {}).get("data", 0) + 1  # as a local add's new file
        gone: list[str] = []
        found: list[str] = []
        if state.get("judged"):  # the results of the focus nodes judged replace theirs (conformance.py)
            from .conformance import after_add, figures

            old = home.results() or []
            gone, found = after_add(old, outcome.report)
            state["conforms"], state["validation"] = figures(sorted((set(old) - set(gone)) | set(found)))
        elif state.get("validation") is not None:  # a home pushed by an earlier kgtool: its counts plus the submission's
            for severity, n in outcome.report.counts().items():
                state["validation"][severity] = state["validation"].get(severity, 0) + n
        write = Write(meta["generation"], token, state, ident, added, inferred, no_longer, gone, found)
        loaded.store.client.update(_guarded_write(loaded.store.client, write))
        landed = read_meta(loaded.store.client)
        if landed is not None and landed.get("push") == token:
            outcome.merged = True
            outcome.written = f"submission {ident} in {home.root}"
            return outcome
    raise KgError(f"the remote home kept changing while the submission was judged ({ATTEMPTS} tries); try again")


def _held(loaded, t: ox.Triple) -> bool:
    """Whether the home's data (the data graph or a submission graph) holds the triple `t` already."""
    return bool(loaded.store.quads_for_pattern(t.subject, t.predicate, t.object, DATA))


def _assess(home, submission, submitted: int, record, strict: bool, dry_run: bool, allow_merge: bool, locate: bool = True):
    """(outcome, loaded, new triples): as submission._assess judges a local home, against the server."""
    from ..consistency import INCONSISTENCY, MERGE
    from ..submission import AddOutcome, _new_triples
    from ..validation import validate_submission
    from .checking import prefetch

    loaded = load(home)
    loaded.path = home.support()
    prefetch(loaded, submission.triples)
    new = _new_triples(loaded, submission.triples)
    outcome = AddOutcome(False, submitted=submitted, added=len(new), dry_run=dry_run, prefixes={**submission.prefixes, **loaded.prefixes})
    if not new or loaded.store.quads_for_pattern(record, None, None, DATA):
        outcome.added = 0
        outcome.reason = f"all {submitted} triples of the submission are already in the home"
        return outcome, loaded, new
    outcome.new_subjects = sorted(
        {t.subject.value for t in new if isinstance(t.subject, ox.NamedNode) and not loaded.store.quads_for_pattern(t.subject, None, None, DATA)}
    )
    report = validate_submission(loaded, submission, allow_merge=allow_merge, locate=locate)
    outcome.report = report
    violations = len(report.at_least("violation"))
    warnings = len(report.at_least("warning")) - violations
    owl = sum(1 for r in report.results if r.constraint in (INCONSISTENCY, MERGE))
    if violations > owl:
        outcome.reason = f"{violations - owl} violation(s) of the home's shapes"
    elif violations:
        outcome.reason = f"{owl} inconsistency(ies) or merge(s) with the home under OWL RL"
    elif strict and warnings:
        outcome.reason = f"{warnings} warning(s), and --strict refuses warnings"
    return outcome, loaded, new


def _entailments(loaded, added: list[ox.Triple]) -> tuple[list[str], list[ox.Triple]]:
    """(what `added` newly entails, as N-Triples lines; the entailments `added` asserts now), by the compiled rules
    over the home's closure on the server (reasoning.incremental's extension, without its writes)."""
    from ..reasoning.compiled import Rules
    from ..reasoning.engine import Engine
    from ..reasoning.incremental import StoreView
    from ..reasoning.noise import is_noise
    from ..reasoning.ntriples import Unsupported, from_ox, is_schema, parse_lines, write_lines
    from ..store.cache import SCHEMA_CLOSURE

    if loaded.reasoner != "kgtool" or not (loaded.path / SCHEMA_CLOSURE).is_file():
        raise UsageError(f"the remote home was pushed with the {loaded.reasoner} reasoner; add extends the entailments of the kgtool reasoner only")
    new = from_ox(added)
    try:
        if any(is_schema(t) for t in new):
            raise Unsupported("the submission changes the schema")
        rules = Rules(set(parse_lines((loaded.path / SCHEMA_CLOSURE).read_bytes())))
        engine = Engine(rules, StoreView(loaded.store, REASONED, rules.stand_ins))
        engine.seed(new)
        engine.run()
        # A blank node of the home (an OWL restriction, a list) cannot be named in an update: written, it would be a
        # new, empty node. What the submission entails about one is already on the server, pushed with it, or lost.
        own = {term for t in new for term in t if term.startswith("_:")}
        inferred = sorted(t for t in engine.facts if t not in new and not is_noise(t) and all(term in own for term in t if term.startswith("_:")))
        if any(is_schema(t) for t in inferred):
            raise Unsupported("the submission entails schema triples")
    except Unsupported as e:
        raise UsageError(f"{e}: a remote home's entailments can only be extended; change the schema in a local home and push it") from None
    no_longer = [t for t in added if not isinstance(t.subject, ox.BlankNode) and not isinstance(t.object, ox.BlankNode)
                 and loaded.store.quads_for_pattern(t.subject, t.predicate, t.object, INFERRED)]
    return write_lines(inferred).splitlines(), no_longer


@dataclass
class Write:
    """What an add writes: the submission's graph and triples, the entailments it adds and those it asserts now, the results."""

    generation: int  # the one judged: the update lands only while it is still the home's
    token: str
    state: dict
    ident: str
    added: list[ox.Triple]  # into the submission's own graph
    inferred: list[str]  # N-Triples lines, into the entailments graph
    no_longer: list[ox.Triple]  # out of the entailments graph
    gone: list[str] = field(default_factory=list)  # validation results no longer there
    found: list[str] = field(default_factory=list)  # and the new ones


def _guarded_write(client, w: Write) -> str:
    """One SPARQL Update: the submission's graph, its entailments and the next state, only where the generation is still `w.generation`."""
    meta, entailed = (client.graph(g.value) for g in (META, INFERRED))
    graph = submission_graph(w.ident)
    return (
        f"DELETE {{ GRAPH <{meta}> {{ {HOME} {GENERATION} ?generation . {HOME} {STATE} ?state . {HOME} {PUSH} ?push }}\n"
        + block(meta, lines(ox.Triple(RESULTS, RESULT, ox.Literal(r)) for r in w.gone))
        + block(entailed, lines(w.no_longer)) + "}\n"
        + "INSERT {\n" + block(meta, lines(next_state(w.generation, w.token, w.state)) + lines([ox.Triple(HOME, HOLDS, graph)])
                               + lines(ox.Triple(RESULTS, RESULT, ox.Literal(r)) for r in w.found))
        + block(client.graph(graph.value), lines(w.added))
        + block(entailed, "".join(line + "\n" for line in w.inferred)) + "}\n"
        + guard(meta, w.generation)
    )


def lines(triples) -> str:
    """Triples as N-Triples text (valid SPARQL triples)."""
    return ox.serialize(list(triples), None, ox.RdfFormat.N_TRIPLES).decode("utf-8")


def block(graph: str, text: str) -> str:
    """A GRAPH block of a template, or nothing for no triples (an empty GRAPH block is a syntax error to Virtuoso)."""
    return f"  GRAPH <{graph}> {{\n{text}}}\n" if text else ""


def next_state(generation: int, token: str, state: dict) -> list[ox.Triple]:
    """The meta graph's triples of the state a write makes: the next generation, the state, the write's token."""
    return [
        ox.Triple(HOME, GENERATION, ox.Literal(str(generation + 1), datatype=ox.NamedNode(XSD + "integer"))),
        ox.Triple(HOME, STATE, ox.Literal(json.dumps(state))),
        ox.Triple(HOME, PUSH, ox.Literal(token)),
    ]


def guard(meta: str, generation: int) -> str:
    """The WHERE of a guarded write: one solution while the home's generation is `generation`, none otherwise."""
    return (
        f"WHERE {{ GRAPH <{meta}> {{ {HOME} {GENERATION} ?generation ; {STATE} ?state OPTIONAL {{ {HOME} {PUSH} ?push }} "
        f"FILTER(?generation = {generation}) }} }}"
    )
