"""Remote homes (a SPARQL server holds the graph, kgtool reasons and validates) and push: `load`, `validate`, `add`, `stats`, `submissions` and `remove` for any home, local or remote."""

from __future__ import annotations

from pathlib import Path
from typing import Any

CONFIG_SUFFIXES = (".toml", ".json")


def is_remote(home: Any) -> bool:
    """Whether a resolved home is on a server."""
    return getattr(home, "remote", False)


def names_remote(chosen: str) -> bool:
    """Whether a --home value names a remote home: an http(s) URL, or a config file (.toml, .json)."""
    lowered = chosen.lower()
    if lowered.startswith(("http://", "https://")):
        return True
    return lowered.endswith(CONFIG_SUFFIXES) and Path(chosen).expanduser().is_file()


def load(home: Any, reasoner: str | None = None, progress: Any = None, timeout: float | None = None) -> Any:
    """store.load for a local home; for a remote one, its graph on the server (the timeout bounds each request)."""
    if not is_remote(home):
        from ..store import load as local

        return local(home, reasoner=reasoner, progress=progress)
    from .store import load as remote

    return remote(home, reasoner=reasoner, timeout=timeout)


def validate(home: Any, files: list[str], allow_remote: bool = False, allow_merge: bool = False) -> Any:
    """validation.validate for a local home; for a remote one, the same judgement, the home read from its server."""
    if not is_remote(home):
        from ..validation import validate as local

        return local(home, files, allow_remote=allow_remote, allow_merge=allow_merge)
    from .checking import validate as remote

    return remote(home, files, allow_remote=allow_remote, allow_merge=allow_merge)


def add(home: Any, files: list[str], **options: Any) -> Any:
    """submission.add for a local home; for a remote one, the same judgement and one guarded write to its server."""
    if not is_remote(home):
        from ..submission import add as local

        return local(home, files, **options)
    from .adding import add as remote

    return remote(home, files, **options)


def stats(home: Any, check: bool = True) -> dict:
    """stats.stats for a local home; for a remote one, the same figures from its server and its meta graph."""
    if not is_remote(home):
        from ..stats import stats as local

        return local(home, check=check)
    from .figures import stats as remote

    return remote(home, check=check)


def list_submissions(home: Any) -> list:
    """submissions.listed for a local home (its files); for a remote one, its submission graphs."""
    if not is_remote(home):
        from ..submissions import listed as local

        return local(home)
    from .submissions import listed as remote

    return remote(home)


def remove(home: Any, ident: str, dry_run: bool = False) -> Any:
    """submissions.remove for a local home (the file, under the lock); for a remote one, one guarded update."""
    if not is_remote(home):
        from ..submissions import remove as local

        return local(home, ident, dry_run=dry_run)
    from .submissions import remove as remote

    return remote(home, ident, dry_run=dry_run)
