"""`add`: parse, validate with the home, then write the new triples as one new file, atomically, under the home's lock."""

from __future__ import annotations

import hashlib
import os
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import pyoxigraph as ox

from . import rdfio
from .errors import InputError
from .home import Home
from .validation import Report, validate_triples

SUBMISSIONS_DIR = Path("data") / "submissions"
RECORD_NS = "https://w3id.org/kgtool/submission/"
PROV = "http://www.w3.org/ns/prov#"
DCT = "http://purl.org/dc/terms/"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD = "http://www.w3.org/2001/XMLSchema#"


@dataclass
class AddOutcome:
    """What `add` did or would do."""

    merged: bool
    reason: str | None = None  # why it was refused
    report: Report | None = None
    submitted: int = 0  # triples in the files
    added: int = 0  # triples new to the home
    new_subjects: list[str] = field(default_factory=list)
    written: str | None = None  # the new data file, relative to the home
    dry_run: bool = False


@contextmanager
def home_lock(home: Home):
    """The home's exclusive lock: one validate-and-write at a time; others wait."""
    import fcntl

    state = home.state_dir()
    with open(state / "lock", "a+b") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that a crash leaves either the old file or the whole new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    _fsync_dir(path.parent)


def _recorded_digests(home: Home) -> set[str]:
    folder = home.root / SUBMISSIONS_DIR
    return {p.stem.rsplit("-", 1)[-1] for p in folder.glob("*.ttl")} if folder.is_dir() else set()


def _record(record: ox.NamedNode, files: list[tuple[str, str]], when: str, added: int) -> list[ox.Triple]:
    """A PROV record of the submission: when it was added, from which files (name and sha256)."""
    t = [
        ox.Triple(record, ox.NamedNode(RDF_TYPE), ox.NamedNode(PROV + "Entity")),
        ox.Triple(record, ox.NamedNode(RDFS + "label"), ox.Literal(f"kgtool submission of {added} triples", language="en")),
        ox.Triple(record, ox.NamedNode(PROV + "generatedAtTime"), ox.Literal(when, datatype=ox.NamedNode(XSD + "dateTime"))),
    ]
    for name, digest in files:
        source = ox.NamedNode(f"urn:sha256:{digest}")
        t += [
            ox.Triple(record, ox.NamedNode(PROV + "wasDerivedFrom"), source),
            ox.Triple(source, ox.NamedNode(DCT + "title"), ox.Literal(name)),
            ox.Triple(source, ox.NamedNode(DCT + "identifier"), ox.Literal(f"sha256:{digest}")),
        ]
    return t


def add(home: Home, files: list[str], *, dry_run: bool = False, strict: bool = False, allow_remote: bool = False) -> AddOutcome:
    """Validate `files` with the home and merge them all or nothing; a refusal changes nothing."""
    home.require_writable()
    triples: list[ox.Triple] = []
    prefixes: dict[str, str] = {}
    located = []
    sources: list[tuple[str, str]] = []
    for name in files:
        path = Path(name)
        data = rdfio.read_bytes(path, name)
        from . import formats

        parsed = rdfio.parse_bytes(data, formats.for_path(path), name, allow_remote)
        triples.extend(parsed.triples)
        for k, v in parsed.prefixes.items():
            prefixes.setdefault(k, v)
        located.append((path, name, parsed.prefixes))
        sources.append((path.name, hashlib.sha256(data).hexdigest()))
    if not triples:
        return AddOutcome(False, "the submission has no triples")
    digest = hashlib.sha256("".join(sorted(d for _, d in sources)).encode()).hexdigest()

    with home_lock(home):  # validate and write against one state of the home
        from .store import DATA, ONTOLOGY, load

        loaded = load(home)
        new = []
        seen = set()
        for t in dict.fromkeys(triples):
            ground = not any(isinstance(x, ox.BlankNode) for x in (t.subject, t.object))
            present = ground and any(
                True for g in (DATA, ONTOLOGY) for _ in loaded.store.quads_for_pattern(t.subject, t.predicate, t.object, g)
            )
            if not present and t not in seen:
                seen.add(t)
                new.append(t)
        outcome = AddOutcome(False, submitted=len(set(triples)), added=len(new), dry_run=dry_run)
        if digest[:16] in _recorded_digests(home) or not new:
            outcome.reason = f"all {outcome.submitted} triples of the submission are already in the home"
            return outcome
        known_subjects = {q.subject for q in loaded.store.quads_for_pattern(None, None, None, DATA)}
        outcome.new_subjects = sorted({t.subject.value for t in new if t.subject not in known_subjects and isinstance(t.subject, ox.NamedNode)})
        del loaded
        report = validate_triples(home, triples, [], located, prefixes)
        outcome.report = report
        counts = report.counts()
        if counts["Violation"]:
            outcome.reason = f"{counts['Violation']} violation(s) of the home's shapes"
            return outcome
        if strict and counts["Warning"]:
            outcome.reason = f"{counts['Warning']} warning(s) and --strict"
            return outcome
        if dry_run:
            outcome.merged = False
            return outcome
        when = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        stamp = when.replace("-", "").replace(":", "").replace(".", "")[:20]
        target = home.root / SUBMISSIONS_DIR / f"{stamp}-{digest[:16]}.ttl"
        record = ox.NamedNode(RECORD_NS + digest[:16])
        header = (
            f"# kgtool submission {digest[:16]}, added {when}\n"
            + "".join(f"# from {name} (sha256 {d})\n" for name, d in sources)
            + "# Written by 'kgtool add'; remove this file to revert the submission.\n\n"
        ).encode("utf-8")
        used = {"prov": PROV, "dcterms": DCT, "rdfs": RDFS, "xsd": XSD, **prefixes}
        try:
            body = ox.serialize(new + _record(record, sources, when, len(new)), None, ox.RdfFormat.TURTLE, prefixes=used)
        except ValueError as e:
            raise InputError(f"cannot write the submission as Turtle: {e}") from e
        atomic_write(target, header + body)
        outcome.merged = True
        outcome.written = home.relative(target)
        return outcome
