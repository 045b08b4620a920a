"""Custom severities (https://www.w3.org/TR/shacl/#severity) through validate, add and stats: reported as themselves, ranked as violations."""

from __future__ import annotations

import json
from pathlib import Path

HEAD = "@prefix ex: <http://example.org/> .\n@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
SHAPES = 'ex:S a sh:NodeShape ; sh:targetClass ex:Thing ; sh:property [ sh:path ex:owner ; sh:minCount 1 ; sh:severity ex:Critical ; sh:message "no owner" ] .'


def make_home(root: Path) -> Path:
    home = root / "home"
    for part in ("ontology", "shapes", "data"):
        (home / part).mkdir(parents=True)
    (home / "shapes" / "s.ttl").write_text(HEAD + SHAPES, encoding="utf-8")
    (home / "data" / "d.ttl").write_text(HEAD + "ex:old a ex:Thing .", encoding="utf-8")
    return home


def test_add_refuses_a_result_of_a_custom_severity_and_changes_nothing(kg, tmp_path):
    home = make_home(tmp_path)
    sub = tmp_path / "new.ttl"
    sub.write_text(HEAD + "ex:new a ex:Thing .", encoding="utf-8")
    before = sorted(p.relative_to(home) for p in home.rglob("*") if ".kgtool" not in p.parts)
    result = kg("--home", str(home), "add", str(sub))
    assert result.exit_code == 1
    assert result.stdout == f"{sub}:3: ex:Critical: ex:new, path ex:owner: no owner\n"
    assert result.stderr == "Refused: 1 violation(s) of the home's shapes; the home is unchanged.\n"
    assert sorted(p.relative_to(home) for p in home.rglob("*") if ".kgtool" not in p.parts) == before


def test_stats_counts_a_custom_severity_by_its_name(kg, tmp_path):
    home = make_home(tmp_path)
    text = kg("--home", str(home), "stats")
    assert text.exit_code == 0
    assert "conforms: no (0 violations, 0 warnings, 0 info, 1 ex:Critical)" in text.stdout.splitlines()
    doc = json.loads(kg("--home", str(home), "stats", "--format", "json").stdout)
    assert (doc["conforms"], doc["validation"]) == (False, {"Violation": 0, "Warning": 0, "Info": 0, "ex:Critical": 1})
