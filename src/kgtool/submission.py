"""`add`: parse, validate with the home, then write the new triples as one new file, atomically, under the home's lock.

Each accepted submission becomes its own file data/submissions/<time>-<digest>.ttl holding the
new triples and a PROV record (when, from which files, their sha256): nothing already written
is ever rewritten, and deleting that one file reverts the submission.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from itertools import chain
from pathlib import Path

import pyoxigraph as ox

from .consistency import INCONSISTENCY, MERGE
from .errors import HomeError, KgError
from .fsutil import atomic_write
from .home import Home, exclusive_lock
from .submitted import Submission, read
from .validation import Report, validate_submission
from .vocab import DCTERMS as DCT
from .vocab import PROV, RDF_TYPE, RDFS, XSD

SUBMISSIONS_DIR = Path("data") / "submissions"
OWN_PREFIXES = {"prov": PROV, "dcterms": DCT, "rdfs": RDFS, "xsd": XSD}  # what a submission file declares besides the submission's own
RECORD_NS = "https://w3id.org/kgtool/submission/"
# If the home's files change between validating and writing (an editor or a tool that does
# not take the lock), validate again against the new state; give up after this many tries.
ATTEMPTS = 5


@dataclass
class AddOutcome:
    """What `add` did or would do."""

    merged: bool
    reason: str | None = None  # why it was refused
    report: Report | None = None
    submitted: int = 0  # distinct triples in the files
    added: int = 0  # triples new to the home
    new_subjects: list[str] = field(default_factory=list)  # IRIs the home did not describe before (a staged import lists the first few)
    more_new: int = 0  # new subjects beyond those listed
    written: str | None = None  # the new data file, relative to the home
    dry_run: bool = False
    prefixes: dict[str, str] = field(default_factory=dict)  # to show IRIs as prefixed names


def home_lock(home: Home):
    """The home's exclusive lock: one validate-and-write at a time; others wait (the kernel frees it if the holder dies)."""
    return exclusive_lock(home.state_dir() / "lock")


def _remove_stale_temporaries(home: Home) -> None:
    """Temporary files left by an `add` that was killed mid-write (only a lock holder writes them)."""
    folder = home.root / SUBMISSIONS_DIR
    if folder.is_dir():
        for tmp in folder.glob(".*.tmp"):
            try:
                tmp.unlink()
            except OSError:
                pass


def _recorded_digests(home: Home) -> set[str]:
    folder = home.root / SUBMISSIONS_DIR
    return {p.stem.rsplit("-", 1)[-1] for p in folder.glob("*.ttl")} if folder.is_dir() else set()


def _record(record: ox.NamedNode, submission: Submission, when: str, added: int) -> list[ox.Triple]:
    """A PROV record of the submission: when it was added, from which files (name and sha256)."""
    t = [
        ox.Triple(record, ox.NamedNode(RDF_TYPE), ox.NamedNode(PROV + "Entity")),
        ox.Triple(record, ox.NamedNode(RDFS + "label"), ox.Literal(f"kgtool submission of {added} triples", language="en")),
        ox.Triple(record, ox.NamedNode(PROV + "generatedAtTime"), ox.Literal(when, datatype=ox.NamedNode(XSD + "dateTime"))),
    ]
    for f in submission.files:
        source = ox.NamedNode(f"urn:sha256:{f.sha256}")
        t += [
            ox.Triple(record, ox.NamedNode(PROV + "wasDerivedFrom"), source),
            ox.Triple(source, ox.NamedNode(DCT + "title"), ox.Literal(f.name)),
            ox.Triple(source, ox.NamedNode(DCT + "identifier"), ox.Literal(f"sha256:{f.sha256}")),
        ]
    return t


def _new_triples(loaded, triples: list[ox.Triple]) -> list[ox.Triple]:
    """The submitted triples the home's ontology and data do not hold yet, in submission order."""
    from .store import DATA, ONTOLOGY

    store = loaded.store
    described: dict = {}  # subject -> whether the home holds a triple about it (most of a large submission's subjects are new: one lookup each)
    new = []
    for t in dict.fromkeys(triples):
        s = t.subject
        if not isinstance(s, ox.BlankNode) and not isinstance(t.object, ox.BlankNode):
            known = described.get(s)
            if known is None:
                known = described[s] = any(next(iter(store.quads_for_pattern(s, None, None, g)), None) is not None for g in (DATA, ONTOLOGY))
            if known and any(True for g in (DATA, ONTOLOGY) for _ in store.quads_for_pattern(s, t.predicate, t.object, g)):
                continue
        new.append(t)
    return new


def opened(home, files: list[str], allow_remote: bool) -> tuple[Submission, int, str]:
    """What every add starts from (a local or a remote home): the home writable, the files read, their distinct triples counted, the digest that names the record."""
    home.require_writable()
    submission = read(files, allow_remote)
    return submission, len(set(submission.triples)), submission.digest()[:16]


def add(home: Home, files: list[str], *, dry_run: bool = False, strict: bool = False, allow_remote: bool = False, allow_merge: bool = False, locate: bool = True) -> AddOutcome:
    """Validate `files` with the home and merge them all or nothing; a refusal changes nothing.

    Raises HomeError for the bundled home, InputError for a file that cannot be read.
    """
    submission, submitted, digest = opened(home, files, allow_remote)
    if not submission.triples:
        return AddOutcome(False, "the submission has no triples", dry_run=dry_run)

    with home_lock(home):  # validate and write against one state of the home
        _remove_stale_temporaries(home)
        for _attempt in range(ATTEMPTS):
            outcome, state, new = _assess(home, submission, submitted, digest, strict, dry_run, allow_merge, locate)
            if outcome.reason or dry_run:
                return outcome
            if home.files_state() != state:
                continue  # changed since it was validated: validate again, never write blind
            outcome.written, _recorded = _write(home, submission, new, digest)
            outcome.merged = True
            return outcome
    raise KgError(f"the home's files kept changing while the submission was validated ({ATTEMPTS} tries); try again")


def _assess(home: Home, submission: Submission, submitted: int, digest: str, strict: bool, dry_run: bool, allow_merge: bool = False, locate: bool = True):
    """Validate against the home as it is now → (outcome, the state judged, the new triples)."""
    from .store import DATA, load

    state = home.files_state()
    loaded = load(home)
    new = _new_triples(loaded, submission.triples)
    outcome = AddOutcome(False, submitted=submitted, added=len(new), dry_run=dry_run, prefixes={**submission.prefixes, **loaded.prefixes})
    if not new or digest in _recorded_digests(home):
        outcome.added = 0
        outcome.reason = f"all {submitted} triples of the submission are already in the home"
        return outcome, state, new
    outcome.new_subjects = sorted(
        {t.subject.value for t in new if isinstance(t.subject, ox.NamedNode) and not any(True for _ in loaded.store.quads_for_pattern(t.subject, None, None, DATA))}
    )
    report = validate_submission(loaded, submission, **({"allow_merge": True} if allow_merge else {}), **({} if locate else {"locate": False}))
    outcome.report = report
    outcome.reason = verdict(report, strict)
    return outcome, state, new


def verdict(report: Report, strict: bool) -> str | None:
    """Why a submission with this report is refused, or None when it may land."""
    violations = len(report.at_least("violation"))  # custom severities rank as violations
    warnings = len(report.at_least("warning")) - violations
    owl = sum(1 for r in report.results if r.constraint in (INCONSISTENCY, MERGE))
    if violations > owl:  # the OWL RL findings are listed with the results
        return f"{violations - owl} violation(s) of the home's shapes"
    if violations:
        return f"{owl} inconsistency(ies) or merge(s) with the home under OWL RL"
    if strict and warnings:
        return f"{warnings} warning(s), and --strict refuses warnings"
    return None


def _write(home: Home, submission: Submission, new, digest: str, added: int | None = None) -> tuple[str, list[ox.Triple]]:
    """Write the new triples and their PROV record as a new file under data/submissions/; (its path in the home, the record's triples).

    `new`: a list, or an iterator of `added` triples (a staged import's, read back from disk as
    they are written: the file is written as it goes, still atomically).
    """
    now = datetime.now(timezone.utc)
    when = now.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    stamp = now.strftime("%Y%m%dT%H%M%S%f")
    target = home.root / SUBMISSIONS_DIR / f"{stamp}-{digest}.ttl"
    record = ox.NamedNode(RECORD_NS + digest)
    header = (
        f"# kgtool submission {digest}, added {when}\n"
        + "".join(f"# from {f.name} (sha256 {f.sha256})\n" for f in submission.files)
        + "# Written by 'kgtool add'; delete this file to revert the submission.\n\n"
    ).encode("utf-8")
    own = OWN_PREFIXES
    recorded = _record(record, submission, when, len(new) if isinstance(new, list) else added or 0)
    if isinstance(new, list):
        triples = new + recorded
        try:
            body = ox.serialize(triples, None, ox.RdfFormat.TURTLE, prefixes={**own, **submission.prefixes})
        except ValueError:  # a prefix of the submission Turtle cannot declare: write full IRIs there instead
            body = ox.serialize(triples, None, ox.RdfFormat.TURTLE, prefixes=own)
        data = header + body
    else:
        def data(f) -> None:
            f.write(header)
            ox.serialize(chain(new, recorded), f, ox.RdfFormat.TURTLE, prefixes=own)
    try:
        atomic_write(target, data)
    except OSError as e:
        raise HomeError(f"cannot write the submission: {e.strerror}", path=home.relative(target)) from e
    return home.relative(target), recorded
