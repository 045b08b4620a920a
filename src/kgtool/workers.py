"""Worker threads for the query gate and evaluation: a timeout the caller can enforce, and a stack deep enough for Oxigraph."""

from __future__ import annotations

import threading
from typing import Callable

from .errors import QueryTimeout

DEFAULT_TIMEOUT = 60.0  # seconds; interactive use should never hang on a runaway query

# Oxigraph's SPARQL parser and evaluator recurse on the query's algebra; on the default 8 MiB
# thread stack a chain of ~10,000 operators crashes the process. The gate keeps queries
# well under that, and the worker gets a larger stack (reserved, not committed) for margin.
WORKER_STACK_BYTES = 256 * 1024**2


def start(target: Callable[[bool], None], name: str) -> threading.Thread:
    """Start a daemon thread running target(big_stack), with a large stack where the platform allows it."""
    old = threading.stack_size()
    try:
        try:
            threading.stack_size(WORKER_STACK_BYTES)
            big = True
        except (ValueError, RuntimeError):
            big = False
        worker = threading.Thread(target=target, args=(big,), name=name, daemon=True)
        try:
            worker.start()
        except RuntimeError:  # the stack could not be reserved: use the default
            threading.stack_size(old)
            worker = threading.Thread(target=target, args=(False,), name=name, daemon=True)
            worker.start()
    finally:
        threading.stack_size(old)
    return worker



def wait(worker, outcome: dict, timeout: float | None, what: str) -> dict:
    """Wait for a worker thread up to `timeout`; raise QueryTimeout past it, or the worker's error."""
    worker.join(timeout if timeout and timeout > 0 else None)
    if worker.is_alive():
        raise QueryTimeout(f"the query {what} within {timeout:g} s (use --timeout to allow longer)")
    if "error" in outcome:
        raise outcome["error"]
    return outcome
