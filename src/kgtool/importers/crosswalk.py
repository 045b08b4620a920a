"""Gleditsch-Ward state codes to Wikidata ids, from a checked crosswalk that kgtool ships; never guessed.

The table is data/histwardb-crosswalk.csv, copied unchanged from the `histwardb` package,
version 0.5.2 (https://github.com/VincenzoManto/histwardb, file histwardb/data/crosswalk.csv;
MIT licence, data/histwardb-LICENSE): one row per polity, with its Wikidata id, name, COW
code and name, and G-W code. A code names a Wikidata item only when exactly one row carries
it under the dataset's name (`qid`): 365 is Russia, the Soviet Union, the Russian Empire and
the RSFSR, and GED's 'Russia (Soviet Union)' is none of their names, so it names none.
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
    """The Wikidata id the crosswalk gives G-W `code` under `name`, if exactly one; else None.

    `name` is the state's name as the dataset writes it (GED's 'Government of Armenia' gives
    'Armenia'). A code carried by one polity links when that polity has the name (Wikidata's or
    the COW list's); a code carried by several links to the one whose Wikidata name it is (640:
    'Turkey' is Turkey, not the Ottoman Empire). GED's 'Russia (Soviet Union)' names none of
    the four polities of 365, so it stays unlinked.
    """
    polities = table().get(code, ())
    wanted = name.strip().casefold()
    if len(polities) == 1:
        p = polities[0]
        return p.qid if wanted in (p.name.casefold(), p.cow_name.casefold()) else None
    named = [p for p in polities if p.name.casefold() == wanted]
    return named[0].qid if len(named) == 1 else None
