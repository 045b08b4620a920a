"""A large submission in chunks: each judged in a staged copy of the home's store holding the chunks before it; then written whole as one file, or not at all.

`kgtool import` streams its rows through here, so its memory follows the chunk, not the file.
Chunk k is validated (the shapes over its neighbourhood, and OWL RL consistency) in the home
plus chunks 1..k-1 with their entailments: the staged store, a copy of the home's store (a
checkpoint: hard links) that each chunk extends, as the build extends the home's store with an
added file. A focus node's results are those of the last chunk that judged it: a later triple
that could change them touches the node, so that chunk judges it again (neighbourhood.py). The
OWL RL findings (an inconsistency, a merge) are monotone: once found, they stay. The nodes a
chunk names only as objects are judged once, after the last chunk. Nothing of the
home changes until every chunk is judged; the new triples wait in a temporary N-Triples file,
then land as one submission file written as `add` writes one.
"""

from __future__ import annotations

import bisect
import gc
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from itertools import chain
from pathlib import Path

import pyoxigraph as ox

from . import terms
from .consistency import INCONSISTENCY, MERGE
from .errors import KgError
from .home import Home
from .progress import Report as Progress
from .submission import OWN_PREFIXES, AddOutcome, _new_triples, _recorded_digests, _remove_stale_temporaries, _write, home_lock, verdict
from .submitted import Submission
from .validation import Report, Result, rank, validate_nodes, validate_submission

# Triples judged at a time: ~0.9 GB at the peak for 200k triples of UCDP GED rows.
CHUNK_TRIPLES = int(os.environ.get("KGTOOL_CHUNK_TRIPLES", "200000"))
SEEN_UP_TO = 5_000_000  # a home of up to this many triples has its terms read once for the staged store's lookups (~50 s at 10M)
LISTED = 20  # the new entities the outcome names (as many as `add` lists); the rest are counted


class Staged:
    """The chunks of one submission judged so far: their results, their new triples (on disk), their figures."""

    def __init__(self, loaded, work: Path, allow_merge: bool = False, progress: Progress | None = None):
        self.loaded = loaded  # the home as it was: what the first chunk is judged in
        self.view = loaded  # what the next chunk is judged in
        self.work = work
        self.allow_merge = allow_merge
        self.progress = progress
        self.results: dict[str, list[Result]] = {}  # by focus node, as the results write it
        self.findings: dict[tuple, Result] = {}  # the OWL RL findings, once each
        self.notes: list[str] = []
        self.new_path = work / "new.nt"
        self._new = open(self.new_path, "w", encoding="utf-8", newline="\n")
        self.added = 0  # triples new to the home
        self.submitted = 0  # distinct triples submitted
        self.first_new: list[str] = []  # the first LISTED new subjects by name, sorted
        self.new_count = 0
        self._pending: list[ox.Triple] | None = None  # the last chunk's new triples: staged before the next chunk is judged
        self._extension = None  # ... and what they add to the entailments, as the consistency check found it (None: reason again)
        self._old: set[ox.Triple] = set()  # submitted triples the home held already (counted once)
        # The IRIs a chunk names only as objects (an actor, a conflict, a concept that every row
        # refers to): judged once at the end instead of in every chunk, where each judgement
        # would read all that refers to them so far (the chunks' cost grew with their number).
        self.deferred: set[ox.NamedNode] = set()
        self.chunked = True  # False for a submission of one chunk: judged as `add` judges one, nothing deferred
        self.blank = False  # whether a new triple has a blank node

    def judge(self, triples: list[ox.Triple]) -> None:
        """Judge one chunk in the home and the chunks before it; keep its results and new triples."""
        if self._pending is not None:
            self._stage(self._pending)
        chunk = list(dict.fromkeys(triples))
        new = _new_triples(self.view, chunk)
        fresh = set(new)
        for t in chunk:  # distinct over all chunks: new ones once, and the home's own once
            if t in fresh:
                self.submitted += 1
            elif t not in self._old and self._in_home(t):
                self._old.add(t)
                self.submitted += 1
        self._note_new(new)
        defer = self.deferred if self.chunked else None
        report = validate_submission(self.view, Submission([], chunk, {}, []), allow_merge=self.allow_merge, locate=False, defer=defer)
        self._merge(report)
        for t in new:
            self._new.write(f"{t} .\n")
        self.added += len(new)
        self._pending, self._extension = new, report.extension
        self.blank = self.blank or any(isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode) for t in new)

    def finish(self) -> None:
        """Judge the deferred nodes once, in the home with every chunk, a group at a time."""
        if not self.deferred:
            return
        if self._pending is not None:
            self._stage(self._pending)
            self._pending = None
        self._say(f"judging the {len(self.deferred)} nodes the rows refer to")
        for report in validate_nodes(self.view, self.deferred, dict(self.loaded.prefixes), budget=CHUNK_TRIPLES):
            self._merge(report)

    def outcome(self, dry_run: bool, strict: bool, prefixes: dict[str, str]) -> AddOutcome:
        """What `add` would say of all the chunks judged: their results, counts and verdict."""
        self._new.close()
        results = [r for rs in self.results.values() for r in rs] + list(self.findings.values())
        results.sort(key=lambda x: (rank(x.severity), x.focus, x.path or "", x.message, x.value or ""))
        report = Report(results=results, notes=self.notes, triples=self.submitted, prefixes=prefixes)
        outcome = AddOutcome(False, submitted=self.submitted, added=self.added, dry_run=dry_run, prefixes=prefixes, report=report)
        outcome.new_subjects = list(self.first_new)
        outcome.more_new = self.new_count - len(outcome.new_subjects)
        if not self.added:  # as `add` says it, without the results of judging what the home holds already
            outcome.reason, outcome.report = f"all {self.submitted} triples of the submission are already in the home", None
        else:
            outcome.reason = verdict(report, strict)
        return outcome

    def keep(self, home: Home, written: str, recorded: list[ox.Triple]) -> bool:
        """Make the staged store, with the last chunk and the submission's record, the cache's store of the home with the file `written`.

        The next command then opens it instead of extending the home's store again with every
        chunk (the same work as staging them). Not for a submission judged in one piece (nothing
        was staged: the next command extends the store as after any add), nor one with blank
        nodes (the file's, read again, are labelled from its digest). False when not kept.
        """
        from .store.adopt import install, meta_for

        if self.view is self.loaded or self.blank:
            return False
        self._say("keeping the staged store for the next command")
        if self._pending:
            self._stage(self._pending)
        if recorded:
            self._extension = None
            self._stage(recorded)
        self._pending = None
        meta = meta_for(home, self.loaded, self.view.store, written, self.added + len(recorded), OWN_PREFIXES)
        directory = self.view.path
        self.view = self.loaded  # the staged store closes: RocksDB must not be open when its directory moves
        gc.collect()
        return meta is not None and install(home, directory, meta)

    def close(self) -> None:
        """Close the staged store and the new triples' file (what remains of them is removed with the work directory)."""
        if not self._new.closed:
            self._new.close()
        self.view = self.loaded
        gc.collect()

    def new_triples(self):
        """The new triples of every chunk, read back from disk in the order they were judged."""
        return ox.parse(path=str(self.new_path), format=ox.RdfFormat.N_TRIPLES)

    def _say(self, phase: str) -> None:
        if self.progress is not None:
            self.progress(phase, 0, None)

    def _in_home(self, t: ox.Triple) -> bool:
        from .store import DATA, ONTOLOGY

        return any(next(iter(self.loaded.store.quads_for_pattern(t.subject, t.predicate, t.object, g)), None) is not None for g in (DATA, ONTOLOGY))

    def _note_new(self, new: list[ox.Triple]) -> None:
        """Count the subjects the home and the earlier chunks did not describe; keep the first LISTED by name."""
        from .store import DATA

        store = self.view.store
        for s in {t.subject.value for t in new if isinstance(t.subject, ox.NamedNode)}:
            if next(iter(store.quads_for_pattern(ox.NamedNode(s), None, None, DATA)), None) is None:
                self.new_count += 1
                if len(self.first_new) < LISTED or s < self.first_new[-1]:
                    bisect.insort(self.first_new, s)
                    del self.first_new[LISTED:]

    def _merge(self, report: Report) -> None:
        """A focus node's results from this chunk replace those of earlier chunks; findings accumulate."""
        for focus in report.judged:
            self.results.pop(terms.n3(focus, report.prefixes), None)
        for r in report.results:
            if r.constraint in (INCONSISTENCY, MERGE):
                self.findings.setdefault((r.constraint, r.focus, r.message, r.value), r)
            else:
                self.results.setdefault(r.focus, []).append(r)
        self.notes += [n for n in report.notes if n not in self.notes]

    def _stage(self, new: list[ox.Triple]) -> None:
        """Put a judged chunk's new triples, and what they entail, into the staged store (copying the home's first).

        What they entail is what the chunk's consistency check found (`_extension`), on the same
        store: the rules are not run again, unless the check could not extend the entailments."""
        from . import reasoning
        from .reasoning.incremental import store_lines
        from .store.graphs import DATA, INFERRED, REASONED

        if self.view is self.loaded:
            self.view = self._copy()
        store = self.view.store
        store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, DATA) for t in new)
        extension, self._extension = self._extension, None
        seen = self.view.seen
        if extension is None:
            self.view.seen = None  # what the rules add is not seen here
            reasoning.update(store, REASONED, self.loaded.reasoner or "kgtool", self._schema(), new, {}, None)
            return
        for t in extension.held:  # asserted now: no longer an entailment
            store.remove(ox.Quad(t.subject, t.predicate, t.object, INFERRED))
        if extension.entailed:
            store_lines(store, extension.entailed, INFERRED)
        if seen is not None:  # the chunk's triples (the new ones among them) and its entailments, as strings already
            seen.update(hash(term) for t in chain(extension.submitted, extension.entailed) for term in t)

    def _copy(self):
        """The staged store: a checkpoint of the home's (hard links), with its shapes and closed schema, as a build starts from an older store."""
        from .store import Loaded
        from .store.build import checkpoint

        target = self.work / "store"
        target.mkdir()
        checkpoint(self.loaded.path, target)  # the RocksDB store a build leaves, also when queries read its dump
        copy = Loaded(self.loaded.home, ox.Store(str(target)), self.loaded.prefixes, path=target, reasoner=self.loaded.reasoner)
        if sum(self.loaded.counts.values()) <= SEEN_UP_TO:
            # The terms the store holds, kept up to date as chunks are staged: a chunk's new nodes are
            # then looked up in no graph (the store's lookups slow down as each chunk is written).
            from .reasoning.incremental import terms_of
            from .reasoning.termfilter import TermFilter
            from .store.graphs import REASONED

            copy.seen = TermFilter()  # fixed size: a set of the hashes grew with the rows
            copy.seen.update(terms_of(copy.store, REASONED))
        return copy

    def _schema(self) -> Path:
        from .store.cache import SCHEMA_CLOSURE

        return self.view.path / SCHEMA_CLOSURE


def add(home: Home, chunks: Iterable[list[ox.Triple]], source: Callable[[], Submission], *, dry_run: bool = False, strict: bool = False, allow_merge: bool = False, progress: Progress | None = None) -> AddOutcome:
    """Judge the chunks of one submission in turn, then write them all as one new data file, or nothing.

    `source()`, called once every chunk is read, is the Submission the triples came from: the
    files its record names, and its digest (as `add` names one). Errors the chunks raise (a
    malformed row) leave the home as it was.
    """
    from .progress import current
    from .store import load

    progress = progress or current()
    home.require_writable()
    with home_lock(home):  # judge and write against one state of the home
        _remove_stale_temporaries(home)
        for stale in home.state_dir().glob("staged-*"):  # left by an import that was killed (only a lock holder makes one)
            shutil.rmtree(stale, ignore_errors=True)
        state = home.files_state()
        loaded = load(home)
        with tempfile.TemporaryDirectory(prefix="staged-", dir=home.state_dir()) as tmp:
            staged = Staged(loaded, Path(tmp), allow_merge, progress)
            try:
                stream = iter(chunks)
                chunk = next(stream, None)
                following = next(stream, None) if chunk is not None else None
                staged.chunked = following is not None
                while chunk is not None:
                    staged.judge(chunk)
                    chunk, following = following, (next(stream, None) if following is not None else None)
                staged.finish()
                if not staged.submitted:
                    return AddOutcome(False, "the submission has no triples", dry_run=dry_run)
                submission = source()
                digest = submission.digest()[:16]
                outcome = staged.outcome(dry_run, strict, dict(loaded.prefixes))
                if not outcome.reason and digest in _recorded_digests(home):
                    outcome.added, outcome.report = 0, None
                    outcome.reason = f"all {outcome.submitted} triples of the submission are already in the home"
                if outcome.reason or dry_run:
                    return outcome
                if home.files_state() != state:
                    raise KgError("the home's files changed while the submission was judged (a tool that does not take the home's lock); nothing was written; run it again")
                staged._say(f"writing the {staged.added} new triples")
                outcome.written, recorded = _write(home, submission, staged.new_triples(), digest, staged.added)
                outcome.merged = True
                staged.keep(home, outcome.written, recorded)
                return outcome
            finally:
                staged.close()  # the staged store's RocksDB must be closed before its directory goes
