"""The files of a submission (to `validate` or `add`), parsed as the home parses its own, and where each describes what."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from . import formats, lines, rdfio


@dataclass
class SubmittedFile:
    """One file of a submission."""

    display: str  # the name the user gave
    name: str  # its base name
    sha256: str
    format: formats.Format | None  # None: not an RDF file (an imported CSV file, named in the record)
    data: bytes = field(repr=False, default=b"")
    subjects: set[str] = field(default_factory=set)  # IRIs it describes
    _lines: dict[str, int] | None = field(default=None, repr=False)

    def line_of(self, iri: str) -> int | None:
        """The line where `iri` is first a subject, or None (not there, or a format that cannot tell)."""
        if self.format.name not in lines.FORMATS:
            return None
        if self._lines is None:
            self._lines = lines.subject_lines(self.data.decode("utf-8", errors="replace"))
        return self._lines.get(iri)


@dataclass
class Submission:
    """The parsed files of a submission."""

    files: list[SubmittedFile]
    triples: list[ox.Triple]
    prefixes: dict[str, str]
    notes: list[str]
    # The sha256s that name the submission, when not its files': an import names its CSV files
    # but is the submission of its conversion (the same rows under another release are another).
    names: list[str] | None = None

    def digest(self) -> str:
        """A sha256 of the files' digests (or `names`): the same files give the same digest, in any order."""
        return hashlib.sha256("".join(sorted(self.names if self.names is not None else [f.sha256 for f in self.files])).encode()).hexdigest()

    def where(self, iri: str) -> tuple[str, int | None] | None:
        """(the name of the first file that describes `iri`, the line there or None), or None if no file does."""
        for f in self.files:
            if iri in f.subjects:
                return f.display, f.line_of(iri)
        return None


def read(files: Iterable[str], allow_remote: bool = False) -> Submission:
    """Parse the files of a submission; InputError (exit 2) for one that cannot be read."""
    submitted: list[SubmittedFile] = []
    triples: list[ox.Triple] = []
    prefixes: dict[str, str] = {}
    notes: list[str] = []
    for name in files:
        path = Path(name)
        fmt = formats.for_path(path)
        data = rdfio.read_bytes(path, name)
        # As the home reads its files: relative IRIs against the file, blank nodes named from its
        # bytes; so a home data file given again is the same triples, which a set holds once.
        parsed = rdfio.parse_bytes(data, fmt, name, allow_remote, base_iri=rdfio.file_iri(path))
        if not parsed.triples:
            notes.append(f"{name}: no triples")
        triples.extend(parsed.triples)
        for k, v in parsed.prefixes.items():
            prefixes.setdefault(k, v)
        subjects = {t.subject.value for t in parsed.triples if isinstance(t.subject, ox.NamedNode)}
        submitted.append(SubmittedFile(name, path.name, hashlib.sha256(data).hexdigest(), fmt, data, subjects))
    return Submission(submitted, triples, prefixes, notes)
