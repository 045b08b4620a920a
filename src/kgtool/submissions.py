"""A home's submissions (each accepted `add` or `import`): listed with their PROV records, and one removed.

In a local home a submission is its file, data/submissions/<id>.ttl; removing it deletes that
file under the home's lock (the next command's build finds the store kept from before it, when
it was the last one added). A remote home keeps each submission as a named graph of the same id
(remote/submissions.py).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import pyoxigraph as ox

from .errors import UsageError
from .vocab import DCTERMS, PROV

GENERATED = PROV + "generatedAtTime"
DERIVED = PROV + "wasDerivedFrom"
TITLE = DCTERMS + "title"
IDENTIFIER = DCTERMS + "identifier"


@dataclass
class Source:
    """A file a submission was read from, as its PROV record names it."""

    title: str | None
    sha256: str | None


@dataclass
class Listed:
    """One submission: its id, when it was added, how many triples it added (its PROV record aside), from which files."""

    id: str
    added: str | None
    triples: int
    sources: list[Source] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Removed:
    """What `remove` took out of the home, or would (dry run)."""

    id: str
    triples: int
    dry_run: bool = False
    where: str = ""  # the file deleted, or the server
    notes: list[str] = field(default_factory=list)  # what a user should know of it (said on stderr)


def unknown(ident: str) -> UsageError:
    """The error for an id the home has no submission of."""
    return UsageError(f"the home has no submission '{ident}'; 'kgtool submissions' lists them")


def described(ident: str, triples: list[ox.Triple]) -> Listed:
    """A submission as its triples (its file, or its graph) describe it: the record is the subject in kgtool's
    submission namespace that has a prov:generatedAtTime; its triples and its sources' are not counted."""
    from .submission import RECORD_NS

    records = {t.subject for t in triples if t.predicate.value == GENERATED and isinstance(t.subject, ox.NamedNode) and t.subject.value.startswith(RECORD_NS)}
    sources = sorted({t.object for t in triples if t.subject in records and t.predicate.value == DERIVED}, key=str)
    when = _time(next((t.object.value for t in triples if t.subject in records and t.predicate.value == GENERATED), None))
    own = {*records, *sources}
    about = {(t.subject, t.predicate.value): t.object.value for t in triples if t.subject in own}
    return Listed(
        id=ident,
        added=when,
        triples=sum(1 for t in set(triples) if t.subject not in own),
        sources=[Source(about.get((s, TITLE)), _sha(about.get((s, IDENTIFIER)))) for s in sources],
    )


def _time(value: str | None) -> str | None:
    """A PROV time as `add` writes it (UTC, microseconds): a server gives it back in its canonical form ("...34.69524Z")."""
    from datetime import datetime, timezone

    if value is None:
        return None
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _sha(identifier: str | None) -> str | None:
    return identifier[len("sha256:"):] if identifier is not None and identifier.startswith("sha256:") else identifier


def listed(home) -> list[Listed]:
    """The submissions of a local home, oldest first (their files under data/submissions/, read with their records)."""
    from . import rdfio
    from .submission import SUBMISSIONS_DIR

    folder = home.root / SUBMISSIONS_DIR
    if getattr(home, "bundled", False) or not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.glob("*.ttl")):
        parsed = rdfio.parse_file(path, display=home.relative(path))
        found.append(described(path.stem, parsed.triples))
    return found


def remove(home, ident: str, dry_run: bool = False) -> Removed:
    """Delete the submission `ident` from a local home (its file, under the home's lock); UsageError if there is none."""
    from . import rdfio
    from .submission import SUBMISSIONS_DIR, home_lock

    home.require_writable()
    if not ident or "/" in ident or "\\" in ident or ident.startswith("."):
        raise unknown(ident)
    path = home.root / SUBMISSIONS_DIR / f"{ident}.ttl"
    with home_lock(home):  # not while an add writes
        if not path.is_file():
            raise unknown(ident)
        found = described(ident, rdfio.parse_file(path, display=home.relative(path)).triples)
        if not dry_run:
            try:
                path.unlink()
            except OSError as e:
                from .errors import HomeError

                raise HomeError(f"cannot delete the submission: {e.strerror}", path=home.relative(path)) from e
    return Removed(ident, found.triples, dry_run, home.relative(path))
