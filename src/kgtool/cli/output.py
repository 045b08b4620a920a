"""Where a command's output goes (stdout, or -o FILE written whole) and in which format (--format, else -o's extension)."""

from __future__ import annotations

import errno
import io
import os
import sys
from pathlib import Path

from .. import formats
from ..errors import KgError, UsageError


class Output:
    """stdout, or -o FILE written atomically (nothing half-written on error).

    Standard output is held in memory until the command succeeds. A file is written as it
    comes into a temporary file beside it (.NAME.*.tmp, which no home reads as data), renamed
    into place by `commit`: an export of millions of triples is not held in memory twice, and a
    failure (or a timeout) removes the temporary file and leaves FILE as it was.
    """

    def __init__(self, path: str | None):
        self.path = path
        self._tmp: str | None = None
        if self.to_stdout:
            self.buffer = io.BytesIO()
            return
        target = Path(self.path)
        if not target.parent.is_dir():  # -o writes a file; it does not make directories
            raise KgError(f"cannot write: {os.strerror(errno.ENOENT)}", path=self.path)
        import tempfile
        import weakref

        try:
            fd, self._tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        except OSError as e:
            raise KgError(f"cannot write: {e.strerror}", path=self.path) from e
        self.buffer = _Written(os.fdopen(fd, "wb"), self.path)
        self._discard = weakref.finalize(self, _discard, self.buffer.file, self._tmp)  # unless committed

    @property
    def to_stdout(self) -> bool:
        return self.path is None or self.path == "-"

    def commit(self) -> None:
        if self.to_stdout:
            out = sys.stdout.buffer
            try:
                out.write(self.buffer.getbuffer())
                out.flush()
            except BrokenPipeError:
                # The reader went away (`kgtool export | head`): not an error. Point stdout at
                # devnull so the interpreter's last flush does not fail again (Python docs, 'SIGPIPE').
                os.dup2(os.open(os.devnull, os.O_WRONLY), out.fileno())
            return
        try:
            self.buffer.file.close()
            os.replace(self._tmp, self.path)
        except OSError as e:
            raise KgError(f"cannot write: {e.strerror}", path=self.path) from e
        self._discard.detach()


class _Written:
    """A file being written whose write errors (a full disk) are KgErrors naming the output."""

    def __init__(self, file, path: str):
        self.file = file
        self.path = path

    def write(self, data) -> int:
        try:
            return self.file.write(data)
        except OSError as e:
            raise KgError(f"cannot write: {e.strerror}", path=self.path) from e

    def flush(self) -> None:
        self.file.flush()


def _discard(file, tmp: str) -> None:
    """Close and remove an output's temporary file (it was not committed)."""
    try:
        file.close()
    except OSError:
        pass
    try:
        os.unlink(tmp)
    except OSError:
        pass


def terminal_width() -> int | None:
    """The terminal's width in columns when stdout is one, else None (tables are not fitted)."""
    if not sys.stdout.isatty():
        return None
    try:
        return os.get_terminal_size(sys.stdout.fileno()).columns
    except OSError:
        return None


def graph_format(name: str | None, output: str | None) -> formats.Format:
    """--format, else the format of -o's extension, else Turtle (export)."""
    if name:
        return formats.get(name, "graph")
    if output and output != "-":
        try:
            return formats.for_path(output, "graph")
        except KgError:
            known = " ".join(e for f in formats.FORMATS if f.kind == "graph" for e in f.extensions)
            raise UsageError(f"cannot tell the format of '{output}' from its extension; use --format (known: {known})") from None
    return formats.get("turtle", "graph")


_ANSWERS = {"select": "a SELECT query", "ask": "an ASK query", "graph": "a CONSTRUCT or DESCRIBE query"}


def results_format(name: str | None, output: str | None, kind: str) -> formats.Format:
    """The format for a query's answer: --format, else -o's extension, else table or turtle.

    Raises UsageError when the format does not fit the kind of answer ("select", "ask", "graph").
    """
    wanted = "graph" if kind == "graph" else "results"
    other = "results" if wanted == "graph" else "graph"
    fits = ", ".join(formats.names(wanted))
    if name is not None:
        if name not in formats.names(wanted):
            raise UsageError(f"--format {name} does not fit {_ANSWERS[kind]}; use one of: {fits}")
        return formats.get(name, wanted)
    if output and output != "-":
        try:
            return formats.for_path(output, wanted)
        except KgError:
            pass
        try:
            formats.for_path(output, other)
        except KgError:
            pass  # an extension no format has: the default below
        else:
            suffix = Path(output).suffix.lower()
            raise UsageError(f"-o {output}: a '{suffix}' file does not fit {_ANSWERS[kind]}; use --format (one of: {fits})")
    return formats.get("turtle" if kind == "graph" else "table", wanted)


def write_options(chosen: formats.Format, loaded, width: int | None = None) -> formats.WriteOptions:
    """What the writer of `chosen` needs from the home: its prefixes, and the JSON-LD context where the format compacts with one."""
    options = formats.WriteOptions(prefixes=loaded.prefixes, width=width)
    if chosen.needs_context:
        options.context = formats.jsonld_context(loaded.prefixes, loaded.store, loaded.graphs("ontology"))
    return options
