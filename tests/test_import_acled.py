"""`kgtool import acled`: ACLED export rows become validated triples of the home, all or nothing.

The fixtures (tests/fixtures/acled/) are ACLED-shaped CSV files with the export's 31 columns and
invented ids, names and figures (README there). Expected values are read off the fixture text.
"""

from __future__ import annotations

import csv
import functools
from pathlib import Path

import pytest
from click.testing import CliRunner

from kgtool import importers
from kgtool.cli import cli
from kgtool.importers import acled
import homes
from homes import snapshot

select = functools.partial(homes.select, reason=False)  # the asserted triples: what the import wrote

TESTS = Path(__file__).resolve().parent
ACLED = TESTS / "fixtures" / "acled"
ACLED_A = str(ACLED / "acled-a.csv")
CFR = "https://w3id.org/kgtool/id/"
CF = "https://w3id.org/kgtool/conflict#"
CFT = "https://w3id.org/kgtool/typology/"


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def fixture_rows(path: str) -> dict[str, dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return {r["event_id_cnty"]: r for r in csv.DictReader(f)}


@pytest.fixture
def home(tmp_path) -> Path:
    target = tmp_path / "home"
    result = run("init", str(target))
    assert result.exit_code == 0, result.output
    return target


def test_registered():
    assert "acled" in importers.names()
    assert importers.get("acled") is acled
    assert len(acled.COLUMNS) == 31


def test_import_query_reimport(home):
    rows = fixture_rows(ACLED_A)
    result = run("--home", str(home), "import", "acled", ACLED_A)
    assert result.exit_code == 0, result.output
    assert f"Read {len(rows)} row(s) of 1 file(s)" in result.output

    for event_id, row in rows.items():
        event = f"<{CFR}acled-event-{event_id}>"
        got = select(home, f"""PREFIX cf: <{CF}> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
            SELECT ?n WHERE {{ {event} cf:eventType ?c . ?c skos:notation ?n }}""")
        assert sorted(g["n"] for g in got) == sorted([row["event_type"], row["sub_event_type"]])
        got = select(home, f"PREFIX cf: <{CF}> SELECT ?v WHERE {{ {event} cf:deathToll ?q . ?q cf:value ?v }}")
        assert [g["v"] for g in got] == [row["fatalities"]]
        got = select(home, f"PREFIX cf: <{CF}> SELECT ?d WHERE {{ {event} cf:date ?d }}")
        assert len(got) == 1

    # "14 September 2022" is read as the date it names
    assert rows["XVL9002"]["event_date"] == "14 September 2022"
    assert select(home, f"PREFIX cf: <{CF}> SELECT ?d WHERE {{ <{CFR}acled-event-XVL9002> cf:date ?d }}") == [{"d": "2022-09-14"}]
    # the zero-fatality protest keeps its 0
    assert rows["XVL9002"]["fatalities"] == "0"

    # actors by name, deduplicated across rows, with their kind from inter1 / inter2
    got = select(home, f"""PREFIX cf: <{CF}> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?name ?n WHERE {{ ?a cf:actorKind ?k ; rdfs:label ?name . ?k skos:notation ?n }}""")
    expected = {}
    for row in rows.values():
        for i in ("1", "2"):
            if row[f"actor{i}"]:
                expected[row[f"actor{i}"]] = row[f"inter{i}"]
    assert sorted((g["name"], g["n"]) for g in got) == sorted(expected.items())

    # notes with commas, quotes and a newline, and the non-ASCII location, survive as text
    got = select(home, f"PREFIX cf: <{CF}> SELECT ?e WHERE {{ <{CFR}acled-event-XVL9002> cf:evidence ?e }}")
    assert len(got) == 1 and rows["XVL9002"]["notes"] in got[0]["e"] and "\n" in rows["XVL9002"]["notes"]
    got = select(home, f"PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> SELECT ?l WHERE {{ <{CFR}acled-event-XVL9002-location> rdfs:label ?l }}")
    assert rows["XVL9002"]["location"] in got[0]["l"]

    before = snapshot(home)
    again = run("--home", str(home), "import", "acled", ACLED_A)
    assert again.exit_code == 1, again.output
    assert snapshot(home) == before


@pytest.mark.parametrize(
    "name",
    ["bad-short-row.csv", "bad-missing-id.csv", "bad-date.csv", "bad-latitude.csv", "bad-fatalities-negative.csv", "bad-fatalities-text.csv"],
)
def test_bad_row(home, name):
    path = str(ACLED / name)
    before = snapshot(home)
    result = run("--home", str(home), "import", "acled", path)
    assert result.exit_code == 2, result.output
    assert f"{path}:3:" in result.output
    assert snapshot(home) == before
