"""Importers of event datasets: one module per dataset, listed in one table (a format is a row, never a branch).

Each module (see `core`) has NAME, TITLE, COLUMNS and a `Converter`; `core.run` streams a file's
rows through it and merges the result as `add` does.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from ..errors import UsageError

# the name `kgtool import` takes → the module that imports it
IMPORTERS = {
    "ucdp-ged": "ucdp_ged",
    "acled": "acled",
}


def names() -> list[str]:
    return list(IMPORTERS)


def get(name: str) -> ModuleType:
    """The importer module of a dataset name; UsageError listing the known ones."""
    if name not in IMPORTERS:
        raise UsageError(f"unknown dataset format '{name}' (known: {', '.join(IMPORTERS)})")
    return importlib.import_module(f"{__name__}.{IMPORTERS[name]}")
