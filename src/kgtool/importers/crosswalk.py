"""Gleditsch-Ward state codes to Wikidata ids, from a checked crosswalk that kgtool ships; never guessed.

The table is data/histwardb-crosswalk.csv, copied unchanged from the `histwardb` package,
version 0.5.2 (https://github.com/VincenzoManto/histwardb, file histwardb/data/crosswalk.csv;
MIT licence, data/histwardb-LICENSE): one row per polity, with its Wikidata id, name, COW
code and name, and G-W code. A code names a Wikidata item only when exactly one row carries
it: 365 is Russia, the Soviet Union, the Russian Empire and the RSFSR, so 365 names none.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

SOURCE = "histwardb 0.5.2, histwardb/data/crosswalk.csv (MIT licence)"


@dataclass(frozen=True)
class Polity:
    qid: str
    name: str  # Wikidata's name of the polity
    cow_name: str  # the name the COW / G-W lists give the code


@lru_cache(maxsize=1)
def table() -> dict[int, tuple[Polity, ...]]:
    """Every G-W code of the crosswalk → the polities that carry it (COW code where the G-W code is empty)."""
    out: dict[int, list[Polity]] = {}
    text = resources.files(__package__).joinpath("data", "histwardb-crosswalk.csv").read_text(encoding="utf-8")
    for row in csv.DictReader(text.splitlines()):
        code = (row["gw_code"] or row["cow_code"]).strip()
        if code:
            out.setdefault(int(code), []).append(Polity(row["country_qid"].strip(), row["country"].strip(), row["cow_name"].strip()))
    return {k: tuple(v) for k, v in out.items()}


def qid(code: int, name: str) -> str | None:
    """The one Wikidata id of G-W `code`, if the crosswalk gives exactly one and its name is `name`; else None.

    `name` is the state's name as the dataset writes it (GED's 'Government of Armenia' gives
    'Armenia'); a code whose polity is named otherwise is not linked.
    """
    polities = table().get(code, ())
    if len(polities) != 1:
        return None
    p = polities[0]
    wanted = name.strip().casefold()
    return p.qid if wanted in (p.name.casefold(), p.cow_name.casefold()) else None
