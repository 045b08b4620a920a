"""`kgtool import ucdp-ged`: UCDP GED rows become validated triples of the home, all or nothing.

The fixtures (tests/fixtures/ucdp/) are GED-shaped CSV files written from the GED codebook's
column list, with invented ids, names and figures (README there). Every expected answer
below is read off the fixture text: the row's id, its columns, its line in the file.
"""

from __future__ import annotations

import csv
import functools
from pathlib import Path

import pytest
from click.testing import CliRunner

from kgtool import importers
from kgtool.cli import cli
from kgtool.importers import core, crosswalk, ucdp_ged
import homes
from homes import snapshot

select = functools.partial(homes.select, reason=False)  # the asserted triples: what the import wrote

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
UCDP = TESTS / "fixtures" / "ucdp"
GED_A = str(UCDP / "ged-a.csv")
GED_B = str(UCDP / "ged-b.csv")
CFR = "https://w3id.org/kgtool/id/"
CF = "https://w3id.org/kgtool/conflict#"
CFT = "https://w3id.org/kgtool/typology/"


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def ged_row(path: str, event_id: str) -> dict[str, str]:
    """A fixture row by its id, as the csv module reads the file (the expected values)."""
    with open(path, encoding="utf-8", newline="") as f:
        return next(r for r in csv.DictReader(f) if r["id"] == event_id)


@pytest.fixture
def fresh(tmp_path) -> Path:
    target = tmp_path / "fresh"
    assert run("init", str(target)).exit_code == 0
    return target


@pytest.fixture(scope="module")
def imported(tmp_path_factory) -> Path:
    """A fresh home into which ged-a.csv then ged-b.csv were imported, one command each."""
    home = tmp_path_factory.mktemp("ucdp") / "home"
    assert run("init", str(home)).exit_code == 0
    for f in (GED_A, GED_B):
        result = run("--home", str(home), "import", "ucdp-ged", f, "--release", "24.1")
        assert result.exit_code == 0, result.output
    return home


# ---------------------------------------------------------------------------
# From the command line
# ---------------------------------------------------------------------------


def test_import_reports_rows_and_the_submission_written(fresh):
    result = run("--home", str(fresh), "import", "ucdp-ged", GED_A, "--release", "24.1")
    assert result.exit_code == 0, result.output
    last = result.stdout.splitlines()[-1]
    assert last.startswith("Read 3 row(s) of 1 file(s) (")
    assert "added" in last and "as data/submissions/" in last
    assert result.stderr == ""


def test_the_submission_record_names_the_csv_files_imported_and_their_sha256(fresh):
    import hashlib

    assert run("--home", str(fresh), "import", "ucdp-ged", GED_A, GED_B, "--release", "24.1").exit_code == 0
    rows = select(
        fresh,
        "PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX dcterms: <http://purl.org/dc/terms/> "
        "SELECT ?title ?id WHERE { ?r a prov:Entity ; prov:wasDerivedFrom ?f . ?f dcterms:title ?title ; dcterms:identifier ?id }",
    )
    expected = [{"title": Path(f).name, "id": "sha256:" + hashlib.sha256(Path(f).read_bytes()).hexdigest()} for f in (GED_A, GED_B)]
    assert sorted(rows, key=lambda r: r["title"]) == expected
    (written,) = (fresh / "data" / "submissions").glob("*.ttl")
    header = written.read_text(encoding="utf-8").splitlines()[1:3]
    assert header == [f"# from {r['title']} (sha256 {r['id'][7:]})" for r in expected]


def test_reimporting_the_same_rows_adds_nothing_and_exits_1(fresh):
    assert run("--home", str(fresh), "import", "ucdp-ged", GED_A, GED_B).exit_code == 0
    before = snapshot(fresh)
    result = run("--home", str(fresh), "import", "ucdp-ged", GED_A, GED_B)
    assert result.exit_code == 1
    assert result.stderr.startswith("Read 6 row(s) of 2 file(s) (")
    assert result.stderr.endswith(" triples of the submission are already in the home; the home is unchanged.\n")
    assert len(result.stderr.splitlines()) == 1
    assert snapshot(fresh) == before


def test_reimporting_one_file_of_two_adds_nothing(fresh):
    assert run("--home", str(fresh), "import", "ucdp-ged", GED_A, GED_B).exit_code == 0
    assert run("--home", str(fresh), "import", "ucdp-ged", GED_B).exit_code == 1


def test_dry_run_changes_nothing_and_lists_the_new_entities(fresh):
    before = snapshot(fresh)
    result = run("--home", str(fresh), "import", "ucdp-ged", GED_A, "--dry-run")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    summary = next(line for line in lines if line.startswith("Read "))
    assert summary.startswith("Read 3 row(s) of 1 file(s) (")
    assert summary.endswith("nothing was changed (dry run).")
    assert "  new: cfr:ucdp-actor-9371" in lines
    assert snapshot(fresh) == before


BAD_ROWS = [  # file, the message after 'Error: FILE:4: ' (the bad row starts on line 4: row 900001 spans lines 2-3)
    ("bad-short-row.csv", "the row has 20 field(s), the header 49"),
    ("bad-missing-id.csv", "the row has no id"),
    ("bad-date.csv", "date_start is '2023-02-30', not a date that exists (YYYY-MM-DD)"),
    ("bad-latitude.csv", "latitude is 123, outside -90 to 90"),
    ("bad-low-above-best.csv", "low 3 is above best 2"),
    ("bad-fatalities.csv", "deaths_b is 'three', not a whole number"),
]


@pytest.mark.parametrize("name,message", BAD_ROWS, ids=[b[0] for b in BAD_ROWS])
def test_a_malformed_row_is_an_error_naming_file_and_line_and_changes_nothing(fresh, name, message):
    path = str(UCDP / name)
    before = snapshot(fresh)
    result = run("--home", str(fresh), "import", "ucdp-ged", path)
    assert result.exit_code == 2
    assert result.stderr == f"Error: {path}:4: {message}\n"
    assert result.stdout == ""
    assert snapshot(fresh) == before


def test_a_malformed_row_in_a_second_file_refuses_the_whole_import(fresh):
    before = snapshot(fresh)
    result = run("--home", str(fresh), "import", "ucdp-ged", GED_A, str(UCDP / "bad-latitude.csv"))
    assert result.exit_code == 2
    assert snapshot(fresh) == before


def test_a_header_without_the_ged_columns_is_an_error_on_line_1(fresh, tmp_path):
    f = tmp_path / "acled.csv"
    f.write_text("event_id_cnty,event_date,fatalities\nVLD1,2023-07-03,2\n", encoding="utf-8")
    result = run("--home", str(fresh), "import", "ucdp-ged", str(f))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {f}:1: the header lacks the column(s) id, relid, year,")


def test_an_unknown_dataset_format_is_a_usage_error(fresh):
    result = run("--home", str(fresh), "import", "gdelt", GED_A)
    assert result.exit_code == 2
    assert result.stderr == "Error: Invalid value for 'FORMAT': 'gdelt' is not one of 'ucdp-ged', 'acled'. (see 'kgtool import --help')\n"


def test_import_into_the_bundled_home_is_refused():
    result = run("import", "ucdp-ged", GED_A)
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: ")


def test_rows_that_break_the_shapes_refuse_the_import_naming_the_row(fresh):
    # Two rows with id 900001 and different dates: each parses, but the event gets two
    # cf:date values (the shapes allow one). That is a refusal (exit 1), not a row error.
    path = str(UCDP / "duplicate-id.csv")
    before = snapshot(fresh)
    result = run("--home", str(fresh), "import", "ucdp-ged", path)
    assert result.exit_code == 1
    assert f"{path}:2: Violation: cfr:ucdp-ged-event-900001, path cf:date: " in result.stdout
    assert result.stderr.startswith("Read 2 row(s) of 1 file(s) (")
    assert result.stderr.endswith(" violation(s) of the home's shapes; the home is unchanged.\n")
    assert snapshot(fresh) == before


def test_shared_nodes_already_in_the_home_are_not_described_again(fresh, tmp_path):
    # ged-b.csv names actors and a dyad that ged-a.csv brought in: the second import adds
    # only its own events, so the home's earlier rows are not judged again.
    assert run("--home", str(fresh), "import", "ucdp-ged", GED_A).exit_code == 0
    result = run("--home", str(fresh), "import", "ucdp-ged", GED_B, "--dry-run")
    assert result.exit_code == 0, result.output
    new = [line.strip() for line in result.stdout.splitlines() if line.startswith("  new: ")]
    assert "new: cfr:ucdp-actor-9371" not in new and "new: cfr:ucdp-dyad-90101" not in new
    assert "new: cfr:ucdp-actor-9365" in new


# ---------------------------------------------------------------------------
# What the rows became: queried after the import, expected values from the fixture text
# ---------------------------------------------------------------------------


def test_the_event_has_its_type_of_violence(imported):
    rows = select(imported, f"SELECT ?v WHERE {{ <{CFR}ucdp-ged-event-900003> cf:violenceType ?v }}")
    assert ged_row(GED_A, "900003")["type_of_violence"] == "3"
    assert rows == [{"v": CFT + "one-sided-violence"}]
    rows = select(imported, f"SELECT ?v WHERE {{ <{CFR}ucdp-ged-event-900001> cf:violenceType ?v }}")
    assert rows == [{"v": CFT + "state-based-conflict"}]


def test_the_estimates_are_the_rows_low_best_high(imported):
    row = ged_row(GED_A, "900001")
    rows = select(
        imported,
        f"""SELECT ?low ?best ?high ?value ?src WHERE {{
            <{CFR}ucdp-ged-event-900001> cf:deathToll ?q . ?q cf:lowEstimate ?low ; cf:bestEstimate ?best ;
            cf:highEstimate ?high ; cf:value ?value ; prov:wasDerivedFrom ?src }}""",
    )
    assert rows == [{"low": row["low"], "best": row["best"], "high": row["high"], "value": row["best"], "src": CFR + "ucdp-ged-24.1"}]


def test_deaths_by_side_are_quantities_of_that_side(imported):
    row = ged_row(GED_A, "900001")
    rows = select(
        imported,
        f"""SELECT ?side ?n ?cat WHERE {{
            <{CFR}ucdp-ged-event-900001> cf:deathToll ?q . ?q cf:victimSide ?side ; cf:value ?n ; cf:victimCategory ?cat }}
            ORDER BY ?side""",
    )
    assert rows == [
        {"side": f"{CFR}ucdp-actor-{row['side_a_new_id']}", "n": row["deaths_a"], "cat": CFT + "victim-combatant"},
        {"side": f"{CFR}ucdp-actor-{row['side_b_new_id']}", "n": row["deaths_b"], "cat": CFT + "victim-combatant"},
    ]


def test_the_evidence_is_the_rows_id_and_source_fields_verbatim(imported):
    # source_article holds a comma, doubled quotes and a newline inside one quoted CSV field
    row = ged_row(GED_A, "900001")
    assert "\n" in row["source_article"] and '"Shelling, then silence"' in row["source_article"]
    rows = select(imported, f"SELECT ?e WHERE {{ <{CFR}ucdp-ged-event-900001> cf:evidence ?e }}")
    expected = f"id 900001; source_article: {row['source_article']}; source_office: {row['source_office']}; source_date: {row['source_date']}; source_headline: {row['source_headline']}; source_original: {row['source_original']}"
    assert rows == [{"e": expected}]


def test_the_location_is_a_wkt_point_with_its_precision_and_non_ascii_name(imported):
    row = ged_row(GED_A, "900003")
    assert row["where_coordinates"] == "Xankəndi town"
    rows = select(
        imported,
        f"""SELECT ?wkt ?label ?prec WHERE {{ <{CFR}ucdp-ged-event-900003> geo:hasGeometry ?g ; cf:geoPrecision ?prec .
            ?g geo:asWKT ?wkt ; rdfs:label ?label }}""".replace("SELECT", "PREFIX geo: <http://www.opengis.net/ont/geosparql#> SELECT"),
    )
    assert rows == [
        {"wkt": f"POINT({row['longitude']} {row['latitude']})", "label": "Xankəndi town (location of UCDP GED event 900003)", "prec": CFT + "ucdp-where-prec-1"}
    ]


def test_an_exact_date_is_a_date_and_a_range_is_bounds_with_the_precision(imported):
    rows = select(imported, f"SELECT ?d ?p WHERE {{ <{CFR}ucdp-ged-event-900001> cf:date ?d ; cf:timePrecision ?p }}")
    assert rows == [{"d": "2022-09-13", "p": CFT + "ucdp-date-prec-1"}]  # date_start '2022-09-13 00:00:00.000'
    row = ged_row(GED_A, "900002")
    rows = select(imported, f"SELECT ?a ?b ?p WHERE {{ <{CFR}ucdp-ged-event-900002> cf:notBefore ?a ; cf:notAfter ?b ; cf:timePrecision ?p }}")
    assert rows == [{"a": row["date_start"], "b": row["date_end"], "p": CFT + f"ucdp-date-prec-{row['date_prec']}"}]


def test_zero_fatalities_and_empty_optional_fields_give_only_the_total(imported):
    row = ged_row(GED_A, "900002")
    assert (row["best"], row["low"], row["high"], row["where_coordinates"], row["adm_2"]) == ("0", "0", "1", "", "")
    rows = select(imported, f"SELECT ?q ?best WHERE {{ <{CFR}ucdp-ged-event-900002> cf:deathToll ?q . ?q cf:bestEstimate ?best }}")
    assert rows == [{"q": f"{CFR}ucdp-ged-event-900002-deaths", "best": "0"}]
    rows = select(imported, f"SELECT ?label WHERE {{ <{CFR}ucdp-ged-event-900002-location> rdfs:label ?label }}")
    assert rows == [{"label": "location of UCDP GED event 900002"}]


def test_one_sided_violence_has_side_a_only_and_civilian_victims(imported):
    row = ged_row(GED_A, "900003")
    assert row["side_b_new_id"] == "" and row["side_b"] == "Civilians"
    sides = select(imported, f"SELECT ?p ?o WHERE {{ <{CFR}ucdp-ged-event-900003> ?p ?o FILTER(?p IN (cf:sideA, cf:sideB)) }}")
    assert sides == [{"p": CF + "sideA", "o": f"{CFR}ucdp-actor-{row['side_a_new_id']}"}]
    rows = select(
        imported,
        f"""SELECT ?n WHERE {{ <{CFR}ucdp-ged-event-900003> cf:deathToll ?q . ?q cf:victimCategory <{CFT}victim-civilian> ; cf:value ?n }}""",
    )
    assert rows == [{"n": row["deaths_civilians"]}]


def test_actors_are_one_node_across_rows_and_files(imported):
    # 'Government of Armenia' (side_a_new_id 9371) is side A in ged-a.csv (900001, 900002) and ged-b.csv (900004)
    a = ged_row(GED_A, "900001")
    b = ged_row(GED_B, "900004")
    assert a["side_a_new_id"] == b["side_a_new_id"] == "9371"
    rows = select(imported, 'SELECT ?actor WHERE { ?actor rdfs:label "Government of Armenia"@en }')
    assert rows == [{"actor": CFR + "ucdp-actor-9371"}]
    rows = select(imported, f"SELECT ?e WHERE {{ ?e cf:sideA <{CFR}ucdp-actor-9371> ; cf:mentionedIn ?r }} ORDER BY ?e")
    assert [r["e"] for r in rows] == [f"{CFR}ucdp-dyad-90101"] + [f"{CFR}ucdp-ged-event-{i}" for i in ("900001", "900002", "900004")]
    # Fictitious Front (9901): side A of a non-state dyad in one row, side B of a state-based one in another
    rows = select(imported, f'SELECT ?label WHERE {{ <{CFR}ucdp-actor-9901> rdfs:label ?label }}')
    assert rows == [{"label": "Fictitious Front"}]


def test_armenias_government_is_linked_to_the_homes_armenia(imported):
    rows = select(imported, "SELECT ?actor ?state WHERE { ?actor cf:affiliatedWith ?state FILTER(STRSTARTS(STR(?actor), 'https://w3id.org/kgtool/id/ucdp-')) } ORDER BY ?actor")
    assert rows == [
        {"actor": CFR + "ucdp-actor-9371", "state": CFR + "armenia"},  # gwnoa 371
        {"actor": CFR + "ucdp-actor-9373", "state": CFR + "azerbaijan"},  # gwnob 373
    ]
    # the link is attested, with the row's fields as evidence
    rows = select(imported, f"SELECT ?e WHERE {{ ?a rdf:subject <{CFR}ucdp-actor-9371> ; rdf:predicate cf:affiliatedWith ; rdf:object cfr:armenia ; cf:evidence ?e }}")
    assert rows == [{"e": "side_a_new_id 9371; side_a: Government of Armenia; gwnoa: 371"}]


def test_a_code_the_crosswalk_gives_several_ids_links_nothing(imported):
    # 'Government of Russia (Soviet Union)', gwnoa 365: Russia, the Soviet Union, the Russian Empire, the RSFSR
    assert ged_row(GED_B, "900006")["gwnoa"] == "365"
    assert select(imported, f"SELECT ?s WHERE {{ <{CFR}ucdp-actor-9365> cf:affiliatedWith ?s }}") == []
    rows = select(imported, f"SELECT ?c WHERE {{ <{CFR}ucdp-actor-9365> a ?c }}")
    assert rows == [{"c": CF + "ArmedForces"}]
    rows = select(imported, f"SELECT ?c WHERE {{ <{CFR}ucdp-actor-9902> a ?c }}")
    assert rows == [{"c": CF + "NonStateArmedGroup"}]


def test_events_are_episodes_of_their_dyad_and_the_dyad_of_its_conflict(imported):
    rows = select(imported, f"SELECT ?d ?c WHERE {{ <{CFR}ucdp-ged-event-900005> cf:episodeOf ?d . ?d cf:episodeOf ?c }}")
    row = ged_row(GED_B, "900005")
    assert rows == [{"d": f"{CFR}ucdp-dyad-{row['dyad_new_id']}", "c": f"{CFR}ucdp-conflict-{row['conflict_new_id']}"}]
    rows = select(imported, f"SELECT ?label WHERE {{ <{CFR}ucdp-conflict-{row['conflict_new_id']}> rdfs:label ?label }}")
    assert rows == [{"label": row["conflict_name"]}]


# ---------------------------------------------------------------------------
# The core, without click
# ---------------------------------------------------------------------------


def test_rows_keep_the_line_where_each_record_starts():
    lines = [(r.line, r.fields["id"]) for r in core.rows(GED_A, ucdp_ged.COLUMNS)]
    assert lines == [(2, "900001"), (4, "900002"), (5, "900003")]


def test_the_registry_names_each_importer_by_its_module():
    assert importers.names() == ["ucdp-ged", "acled"]
    assert importers.get("ucdp-ged").NAME == "ucdp-ged"


def test_the_release_comes_from_the_option_else_a_ged_file_name():
    assert ucdp_ged.Converter(None).release_name("GEDEvent_v24_1.csv") == "24.1"
    assert ucdp_ged.Converter(None).release_name("ged231.csv") == "unspecified"
    assert ucdp_ged.Converter(None, release="23.1").release_name("GEDEvent_v24_1.csv") == "23.1"


def test_progress_reports_rows_per_second(fresh, tmp_path, monkeypatch):
    from kgtool.home import resolve

    monkeypatch.setattr(core, "PROGRESS_EVERY", 1)
    seen = []
    core.convert(ucdp_ged, resolve(str(fresh)), [GED_A], tmp_path / "out.nt", lambda phase, done, total: seen.append((phase, done)))
    assert [done for _, done in seen] == [1, 2, 3, 3]
    assert all(phase.startswith("ucdp-ged: ") and phase.endswith(" rows/s") for phase, _ in seen[:3])
    assert seen[3][0].startswith("ucdp-ged: 3 rows read (") and seen[3][0].endswith(" rows/s); validating")


# ---------------------------------------------------------------------------
# The crosswalk: shipped with its licence, checked against the project's Wikidata ids
# ---------------------------------------------------------------------------


def wikidata_ids() -> dict[str, str]:
    lines = (REPO / "data" / "sources" / "wikidata-ids.tsv").read_text(encoding="utf-8").splitlines()
    return dict(line.split("\t") for line in lines if line and not line.startswith("#") and not line.startswith("entity\t"))


@pytest.mark.parametrize("name,code", [("Armenia", 371), ("Azerbaijan", 373), ("Russia", 365), ("Turkey", 640)])
def test_the_crosswalk_ids_match_the_projects_checked_wikidata_ids(name, code):
    polities = crosswalk.table()[code]
    assert (wikidata_ids()[name], name) in [(p.qid, p.name) for p in polities]


def test_a_code_is_linked_only_when_the_crosswalk_gives_it_one_id_under_that_name():
    assert crosswalk.qid(371, "Armenia") == "Q399"
    assert crosswalk.qid(373, "Azerbaijan") == "Q227"
    # 365 is Russia, the Soviet Union, the Russian Empire and the RSFSR: GED's name for it is none of them
    assert crosswalk.qid(365, "Russia (Soviet Union)") is None
    assert crosswalk.qid(365, "Russia") == "Q159"  # the one of the four that Wikidata names so
    assert crosswalk.qid(640, "Turkey") == "Q43"  # 640 is Turkey and the Ottoman Empire: the name tells them apart
    assert crosswalk.qid(640, "Ottoman Empire") == "Q12560"
    assert crosswalk.qid(371, "Azerbaijan") is None  # the code and the name disagree
    assert crosswalk.qid(9999, "Nowhere") is None


def test_the_crosswalk_ships_with_its_licence():
    data = REPO / "src" / "kgtool" / "importers" / "data"
    assert (data / "histwardb-LICENSE").read_text(encoding="utf-8").startswith("MIT License")
    assert len(crosswalk.table()) > 100


def test_turkeys_government_is_linked_to_the_homes_turkey_and_russia_soviet_union_to_nothing(fresh, tmp_path):
    # ged-b.csv's 365 row, turned into a row of the Government of Turkey (G-W 640, which the
    # crosswalk gives to Turkey and to the Ottoman Empire: the name tells them apart)
    row = ged_row(GED_B, "900006")
    row.update(id="900007", relid="TUR-2023-1-90105-1", conflict_name="Turkey: Fictitious Front", dyad_name="Government of Turkey - Fictitious Front",
               side_a="Government of Turkey", side_a_dset_id="9640", side_a_new_id="9640", gwnoa="640", country="Turkey", country_id="640",
               conflict_dset_id="90005", conflict_new_id="90005", dyad_dset_id="90105", dyad_new_id="90105")
    target = tmp_path / "turkey.csv"
    with open(target, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(row))
        writer.writeheader()
        writer.writerows([row, ged_row(GED_B, "900006")])
    result = run("--home", str(fresh), "import", "ucdp-ged", str(target), "--release", "24.1")
    assert result.exit_code == 0, result.stderr
    assert select(fresh, f"SELECT ?s WHERE {{ <{CFR}ucdp-actor-9640> cf:affiliatedWith ?s }}") == [{"s": CFR + "turkey"}]
    assert select(fresh, f"SELECT ?s WHERE {{ <{CFR}ucdp-actor-9365> cf:affiliatedWith ?s }}") == []
