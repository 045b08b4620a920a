"""Writing files so that no reader, and with fsync no crash, ever sees half of one: `atomic_write`."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO


def fsync_dir(path: Path) -> None:
    """Make the entries of directory `path` (a new file, a rename) durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def make_dirs(path: Path, *, fsync: bool = True) -> None:
    """mkdir -p; with fsync, each new directory is made durable in its parent."""
    if path.is_dir():
        return
    make_dirs(path.parent, fsync=fsync)
    try:
        path.mkdir()
    except FileExistsError:
        return
    if fsync:
        fsync_dir(path.parent)


def atomic_write(path: Path, data: bytes | Callable[[BinaryIO], None], *, fsync: bool = True) -> None:
    """Replace `path` by a file holding `data` (bytes, or a function that writes them to the binary file it is given): a reader sees the old file or the whole new one, never part of either.

    The data goes to a temporary file in the same directory (named .NAME.*.tmp, which no home
    reads as data), which os.replace then renames into place. With fsync the file is synced
    before the rename and the directory after it, so a crash too leaves the old file or the
    whole new one. Missing parent directories are made. On any error the temporary file is
    removed, the old file is left as it was, and the error is raised (OSError for the disk's).
    """
    import tempfile  # not at import time: a warm query imports this module and never writes

    path = Path(path)
    make_dirs(path.parent, fsync=fsync)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~_umask())  # as open() would make it (mkstemp makes 0600)
        with os.fdopen(fd, "wb") as f:
            if callable(data):
                data(f)
            else:
                f.write(data)
            f.flush()
            if fsync:
                os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    if fsync:
        fsync_dir(path.parent)


def _umask() -> int:
    """The process's umask, read without changing it where the system tells it (a server's other threads create files too)."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except OSError:
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
