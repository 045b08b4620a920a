"""A progress bar for long steps, drawn on a terminal stream only after a step has taken a while.

The core reports through a plain callback, `report(phase, done, total)` (total None when
unknown), and knows nothing of terminals; cli.py makes a `Bar` on standard error and hands
its `report` down. `current()` is the callback of the running command (a no-op by default),
for core code whose callers do not pass one.
"""

from __future__ import annotations

import threading
import time
from typing import Callable, TextIO

Report = Callable[[str, int, "int | None"], None]
DELAY = 2.0  # seconds before anything is drawn: quick commands print nothing


def _nothing(phase: str, done: int, total: int | None) -> None:
    pass


NOTHING: Report = _nothing  # what current() is when no command reports progress
_current: Report = _nothing


def current() -> Report:
    """The progress callback of the running command (a no-op unless cli.py set one)."""
    return _current


def set_current(report: Report | None) -> None:
    global _current
    _current = report or _nothing


class Bar:
    """Draws `phase [#####-----] 50%` (or `phase ... 12 s` when the total is unknown) on `stream`.

    A daemon thread redraws every `tick` seconds, so a long step that reports once still shows
    that it is alive.
    """

    def __init__(self, stream: TextIO, width: int = 30, clock: Callable[[], float] = time.monotonic, tick: float = 0.5):
        self.stream = stream
        self.width = width
        self.clock = clock
        self.started = clock()
        self.drawn = False
        self.state: tuple[str, int, int | None] | None = None
        self.lock = threading.Lock()
        self.closed = threading.Event()
        self.tick = tick
        self.thread: threading.Thread | None = None

    def report(self, phase: str, done: int, total: int | None) -> None:
        with self.lock:
            self.state = (phase, done, total)
        if self.thread is None and self.tick > 0:
            self.thread = threading.Thread(target=self._run, name="kgtool-progress", daemon=True)
            self.thread.start()

    def _run(self) -> None:
        while not self.closed.wait(self.tick):
            self.draw()

    def draw(self) -> None:
        now = self.clock()
        with self.lock:
            if self.state is None or self.closed.is_set() or now - self.started < DELAY:
                return
            phase, done, total = self.state
            self._write(phase, done, total, now)

    def _write(self, phase: str, done: int, total: int | None, now: float) -> None:
        if total:
            frac = min(max(done / total, 0.0), 1.0)
            filled = int(frac * self.width)
            line = f"{phase} [{'#' * filled}{'-' * (self.width - filled)}] {frac * 100:3.0f}%"
        else:
            line = f"{phase} ... {now - self.started:.0f} s"
        self.stream.write("\r\x1b[K" + line)
        self.stream.flush()
        self.drawn = True

    def close(self) -> None:
        """Stop drawing and erase the bar, if one was drawn, so that what follows starts on a clean line."""
        self.closed.set()
        with self.lock:
            if self.drawn:
                self.stream.write("\r\x1b[K")
                self.stream.flush()
                self.drawn = False
