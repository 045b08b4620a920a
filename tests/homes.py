"""What tests of a home share: the fingerprint of its files (to show a refusal changed nothing) and a query's rows."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from click.testing import CliRunner

from kgtool.cli import cli


def snapshot(home: Path) -> dict[str, str]:
    """sha256 of every file under the home's ontology/, shapes/, data/ and queries/."""
    return {
        str(p.relative_to(home)): hashlib.sha256(p.read_bytes()).hexdigest()
        for part in ("ontology", "shapes", "data", "queries")
        for p in sorted((home / part).rglob("*"))
        if p.is_file()
    }


def select(home: Path, text: str, *, reason: bool = True) -> list[dict[str, str]]:
    """The rows of a SELECT over the home, run through `kgtool query --format json`: variable → value."""
    result = CliRunner().invoke(cli, ["--home", str(home), "query", text, "--format", "json", "--reason" if reason else "--no-reason"], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    return [{k: v["value"] for k, v in row.items()} for row in json.loads(result.stdout)["results"]["bindings"]]
