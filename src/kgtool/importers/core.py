"""What every dataset importer shares: CSV rows with their line numbers, row errors, N-Triples out, and the run.

An importer is a module with NAME, COLUMNS (the columns it needs) and `Converter(home, **options)`, whose
`convert(row)` yields the pyoxigraph triples of one row and raises InputError for a malformed
one. `run` streams the rows of the files through it into a temporary N-Triples file and hands
that file to `submission.add`, so an import is validated and merged exactly as `add` does it:
all or nothing, under the home's lock.
"""

from __future__ import annotations

import csv
import hashlib
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import ModuleType

import pyoxigraph as ox

from ..errors import InputError
from ..home import Home
from ..progress import Report as Progress
from ..progress import current as current_progress

# csv's default field limit (128 KiB) is below what a free-text column may hold
FIELD_LIMIT = 16 * 1024 * 1024
PROGRESS_EVERY = 500  # rows between progress reports


@dataclass
class Row:
    """One CSV record: its fields by column name, where it starts (1-based line) and in which file."""

    path: str
    line: int
    fields: dict[str, str]

    def error(self, message: str) -> InputError:
        """A malformed row: an InputError whose str() names the file and the row's first line."""
        return InputError(message, path=self.path, line=self.line)

    def get(self, column: str) -> str:
        """The field, stripped; '' when empty."""
        return self.fields[column].strip()

    def required(self, column: str) -> str:
        value = self.get(column)
        if not value:
            raise self.error(f"the row has no {column}")
        return value

    def integer(self, column: str, *, optional: bool = False, minimum: int | None = None, maximum: int | None = None) -> int | None:
        """The field as a whole number (a trailing '.0' allowed); None when empty and optional; InputError otherwise."""
        text = self.get(column)
        if not text:
            if optional:
                return None
            raise self.error(f"the row has no {column}")
        number = text[:-2] if text.endswith(".0") else text
        try:
            value = int(number)
        except ValueError:
            raise self.error(f"{column} is {text!r}, not a whole number") from None
        if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
            bounds = f"from {minimum} to {maximum}" if maximum is not None else f"at least {minimum}"
            raise self.error(f"{column} is {value}, not {bounds}")
        return value

    def number(self, column: str, minimum: float, maximum: float) -> float | None:
        """The field as a decimal number within [minimum, maximum]; None when empty."""
        text = self.get(column)
        if not text:
            return None
        try:
            value = float(text)
        except ValueError:
            raise self.error(f"{column} is {text!r}, not a number") from None
        if not minimum <= value <= maximum:  # NaN fails too
            raise self.error(f"{column} is {text}, outside {minimum:g} to {maximum:g}")
        return value

    def point(self) -> tuple[float | None, float | None]:
        """(latitude, longitude) from the columns of those names, both None when both are empty; InputError when one is missing or out of range."""
        lat, lon = self.number("latitude", -90, 90), self.number("longitude", -180, 180)
        if (lat is None) != (lon is None):
            raise self.error("the row gives only one of latitude and longitude")
        return lat, lon

    def day(self, column: str) -> date:
        """The field as a calendar date (YYYY-MM-DD, optionally followed by a time of day, as GED files give it)."""
        text = self.required(column)
        head = text.split(" ", 1)[0].split("T", 1)[0]
        try:
            if len(head) != 10:  # fromisoformat would take 20230412 too
                raise ValueError
            return date.fromisoformat(head)
        except ValueError:
            raise self.error(f"{column} is {text!r}, not a date that exists (YYYY-MM-DD)") from None


def rows(path: str, columns: tuple[str, ...]) -> Iterator[Row]:
    """The records of a CSV file one at a time (RFC 4180 quoting: commas, quotes and newlines in fields).

    Raises InputError for an unreadable file, a header without the columns, a record of the
    wrong length or text that is not UTF-8.
    """
    csv.field_size_limit(FIELD_LIMIT)
    try:
        f = open(path, encoding="utf-8-sig", newline="")
    except FileNotFoundError:
        raise InputError("no such file", path=path) from None
    except OSError as e:
        raise InputError(f"cannot read the file: {e.strerror}", path=path) from None
    with f:
        reader = csv.reader(f, strict=True)
        end = 0
        try:
            header = next(reader, None)
            if header is None:
                raise InputError("the file is empty; expected a header row", path=path, line=1)
            header = [h.strip() for h in header]
            missing = [c for c in columns if c not in header]
            if missing:
                raise InputError(f"the header lacks the column(s) {', '.join(missing)}", path=path, line=1)
            end = reader.line_num
            for record in reader:
                start, end = end + 1, reader.line_num
                if not record or record == [""]:
                    continue  # a blank line
                if len(record) != len(header):
                    raise InputError(f"the row has {len(record)} field(s), the header {len(header)}", path=path, line=start)
                yield Row(path, start, dict(zip(header, record)))
        except UnicodeDecodeError:
            raise InputError("the file is not UTF-8 text", path=path, line=end + 1) from None
        except csv.Error as e:
            raise InputError(f"malformed CSV: {e}", path=path, line=end + 1) from None


@dataclass
class Converted:
    """What the rows of an import became: how many rows and triples, how fast, and the sha256 of their N-Triples."""

    path: Path
    rows: int = 0
    triples: int = 0
    seconds: float = 0.0
    files: list[str] = field(default_factory=list)
    sha256: str = ""

    @property
    def rate(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else 0.0


def chunks(importer: ModuleType, converter, files: list[str], out: Converted, progress: Progress | None = None, size: int | None = None) -> Iterator[list[ox.Triple]]:
    """The triples of every row of `files`, in lists of about `size` (whole rows; all in one list when None), as they are read.

    Fills `out` as it goes (rows, triples, the sha256 of their N-Triples once all are read).
    Raises InputError naming the file and line of the first bad row.
    """
    progress = progress or current_progress()
    digest = hashlib.sha256()
    started = time.monotonic()
    chunk: list[ox.Triple] = []
    for path in files:
        for row in rows(path, importer.COLUMNS):
            triples = list(converter.convert(row))
            digest.update("".join(f"{t} .\n" for t in triples).encode("utf-8"))
            chunk += triples
            out.triples += len(triples)
            out.rows += 1
            if out.rows % PROGRESS_EVERY == 0:
                elapsed = time.monotonic() - started
                progress(f"{importer.NAME}: {out.rows} rows, {out.rows / elapsed if elapsed else 0:.0f} rows/s", out.rows, None)
            if size is not None and len(chunk) >= size:
                yield chunk
                chunk = []
    out.seconds = time.monotonic() - started
    out.sha256 = digest.hexdigest()
    progress(f"{importer.NAME}: {out.rows} rows read ({out.rate:.0f} rows/s); validating", out.rows, None)
    if chunk:
        yield chunk


def convert(importer: ModuleType, home: Home, files: list[str], target: Path, progress: Progress | None = None, options: dict | None = None, converter=None) -> Converted:
    """Stream every row of `files` through the importer into the N-Triples file `target` (InputError naming the file and line of the first bad row)."""
    out = Converted(target, files=list(files))
    converter = converter or importer.Converter(home, **(options or {}))
    with open(target, "w", encoding="utf-8", newline="\n") as nt:
        for chunk in chunks(importer, converter, files, out, progress, size=PROGRESS_EVERY):
            nt.writelines(f"{t} .\n" for t in chunk)
    return out


@dataclass
class ImportOutcome:
    """What `import` did or would do: the rows read, and `add`'s outcome for the triples they became."""

    converted: Converted
    outcome: object  # submission.AddOutcome


def run(importer: ModuleType, home: Home, files: list[str], *, dry_run: bool = False, progress: Progress | None = None, options: dict | None = None) -> ImportOutcome:
    """Convert the rows of `files`, and validate and merge them as `add` does (all or nothing), chunk by chunk as they are read.

    A local home judges the rows in chunks of `staged.CHUNK_TRIPLES` triples (memory follows
    the chunk, not the files); a home on a SPARQL server takes them as one file. Raises
    InputError (an unreadable file, a malformed row) with the home unchanged.
    """
    from ..remote import is_remote

    home.require_writable()
    # The converted file's name (a remote import sends it; the record names the CSV files).
    stem = Path(files[0]).name if files else "import"
    more = f"+{len(files) - 1}" if len(files) > 1 else ""
    name = f"{importer.NAME}-{stem}{more}.nt"
    converter = importer.Converter(home, **(options or {}))
    if is_remote(home):
        from ..remote import add  # the same judgement, and one guarded write to the server

        with tempfile.TemporaryDirectory(prefix="kgtool-import-") as tmp:
            converted = convert(importer, home, files, Path(tmp) / name, progress, converter=converter)
            outcome = add(home, [str(converted.path)], dry_run=dry_run, locate=False, read_from=_read_from(files))  # _locate names the rows
    else:
        from .. import staged

        converted = Converted(Path(name), files=list(files))
        stream = chunks(importer, converter, files, converted, progress, size=staged.CHUNK_TRIPLES)
        outcome = staged.add(home, stream, lambda: _source(files, converted), dry_run=dry_run, progress=progress)
    if outcome.report is not None and outcome.report.results:
        converter.seen.clear()  # the converter still sees the home as it was before the import
        _locate(importer, converter, files, outcome.report.results)
    return ImportOutcome(converted, outcome)


def _source(files: list[str], converted: Converted):
    """The submission of an import: its record names the CSV files; its digest is the conversion's."""
    from ..submitted import Submission

    return Submission(_read_from(files), [], {}, [], names=[converted.sha256])


def _read_from(files: list[str]) -> list:
    """The CSV files an import read, as its record names them (name and sha256)."""
    from ..submitted import SubmittedFile

    described = []
    for path in files:
        digest = hashlib.sha256()
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
        described.append(SubmittedFile(path, Path(path).name, digest.hexdigest(), None))
    return described


def _locate(importer: ModuleType, converter, files: list[str], results) -> None:
    """Point each validation result at the CSV row whose conversion first described its focus node (a second pass, only when there are results)."""
    wanted = {r.focus_iri for r in results if r.focus_iri}
    found: dict[str, tuple[str, int]] = {}
    if wanted:
        for path in files:
            for row in rows(path, importer.COLUMNS):
                for t in converter.convert(row):
                    s = t.subject
                    if isinstance(s, ox.NamedNode) and s.value in wanted and s.value not in found:
                        found[s.value] = (row.path, row.line)
                if len(found) == len(wanted):
                    break
    for r in results:
        r.file, r.line = found.get(r.focus_iri, (None, None)) if r.focus_iri else (None, None)
