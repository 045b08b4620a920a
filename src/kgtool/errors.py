"""The exit codes and the one hierarchy of user-facing errors (every KgError exits 2)."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Exit codes of the command-line contract."""

    OK = 0  # success: query ran, ASK true, files conform, submission merged
    NO = 1  # a negative answer: ASK false, violations found, submission refused
    ERROR = 2  # bad usage, unreadable input, bad SPARQL, refused unsafe operation, timeout, limit


class KgError(Exception):
    """An error the user can fix; str() gives 'path:line:col: message'."""

    def __init__(self, message: str, path: str | None = None, line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        self.column = column

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = str(self.path)
            if self.line is not None:
                where += f":{self.line}"
                if self.column is not None:
                    where += f":{self.column}"
            where += ": "
        return where + self.message


class HomeError(KgError):
    """Not a home, a missing home, or a write to the read-only bundled home."""


class InputError(KgError):
    """A file that cannot be read or parsed, or an unknown input format."""


class LimitError(InputError):
    """Input past a limit: too large, or nested too deeply."""


class QueryError(KgError):
    """Bad SPARQL, or an operation a read-only query may not do (SPARQL Update)."""


class QueryTimeout(QueryError):
    """The query did not finish within its time limit."""


class UnsafeError(KgError):
    """Refused because it would reach the network or the local file system."""


class UsageError(KgError):
    """A bad combination of options or arguments."""


class RemoteError(KgError):
    """A remote home's server is unreachable, refused the request or its credentials, or answered with a broken body."""
