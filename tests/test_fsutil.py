"""fsutil.atomic_write: a failed write leaves the old file and no temporary; a reader never sees part of a file.

Each test fails if atomic_write were a plain `path.write_bytes(data)`: that truncates the old
file first, leaves a partial one when the disk fills up, and never syncs.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from kgtool import fsutil

SRC = Path(fsutil.__file__).resolve().parents[1]


def test_a_write_that_fails_midway_leaves_the_old_file_and_no_temporary(tmp_path):
    # A file size limit makes the write fail after its first 64 KiB, as a full disk would.
    target = tmp_path / "x.ttl"
    target.write_bytes(b"old")
    script = (
        "import resource, signal, sys\n"
        "from pathlib import Path\n"
        "from kgtool import fsutil\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (65536, resource.RLIM_INFINITY))\n"
        "try:\n"
        "    fsutil.atomic_write(Path(sys.argv[1]), b'n' * 1_000_000)\n"
        "except OSError as e:\n"
        "    print(type(e).__name__, e.errno)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    done = subprocess.run([sys.executable, "-c", script, str(target)], capture_output=True, text=True, env=env, timeout=60)
    assert done.stdout.split()[0] == "OSError", done.stdout + done.stderr
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.ttl"]


def test_an_error_in_the_rename_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "x.ttl"
    target.write_bytes(b"old")

    def refuse(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError):
        fsutil.atomic_write(target, b"new")
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.ttl"]


def test_a_reader_sees_the_old_file_or_the_whole_new_one_never_part(tmp_path):
    target = tmp_path / "x.ttl"
    contents = [b"a" * 2_000_000, b"b" * 3_000_000]
    target.write_bytes(contents[0])
    seen: set[int] = set()
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            seen.add(len(target.read_bytes()))

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for i in range(60):
            fsutil.atomic_write(target, contents[i % 2], fsync=False)
    finally:
        stop.set()
        reader.join()
    assert seen <= {len(c) for c in contents}
    assert target.read_bytes() == contents[59 % 2]


def test_the_new_file_is_renamed_into_place_from_the_same_directory(tmp_path, monkeypatch):
    target = tmp_path / "data" / "submissions" / "x.ttl"  # missing directories are made
    renames = []
    real = os.replace

    def record(src, dst):
        renames.append((Path(src), Path(dst)))
        real(src, dst)

    monkeypatch.setattr(os, "replace", record)
    fsutil.atomic_write(target, b"first")
    fsutil.atomic_write(target, b"second")
    assert target.read_bytes() == b"second"
    assert [(src.parent, dst) for src, dst in renames] == [(target.parent, target)] * 2
    assert all(src.name.startswith(".x.ttl.") and src.name.endswith(".tmp") for src, _ in renames)
    assert sorted(p.name for p in target.parent.iterdir()) == ["x.ttl"]


@pytest.mark.parametrize("fsync", [True, False])
def test_fsync_syncs_the_file_and_its_directory_only_when_asked(tmp_path, monkeypatch, fsync):
    synced = []
    real = os.fsync

    def record(fd):
        synced.append(os.path.isdir(f"/proc/self/fd/{fd}") if os.path.exists("/proc/self/fd") else None)
        real(fd)

    monkeypatch.setattr(os, "fsync", record)
    fsutil.atomic_write(tmp_path / "x.ttl", b"data", fsync=fsync)
    assert synced == ([False, True] if fsync else [])  # the file, then the directory


def test_a_written_file_gets_the_mode_a_plain_open_would_give(tmp_path):
    import stat

    old = os.umask(0o022)
    try:
        fsutil.atomic_write(tmp_path / "a.ttl", b"x")
        (tmp_path / "b.ttl").write_bytes(b"x")
        os.umask(0o077)
        fsutil.atomic_write(tmp_path / "c.ttl", b"x")
    finally:
        os.umask(old)
    mode = lambda name: stat.S_IMODE((tmp_path / name).stat().st_mode)  # noqa: E731
    assert mode("a.ttl") == mode("b.ttl") == 0o644
    assert mode("c.ttl") == 0o600
