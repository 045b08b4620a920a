"""A non-editable install carries the bundled graph: the wheel, installed in a fresh environment, answers from any directory."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(REPO)],
        check=True,
        capture_output=True,
    )
    (found,) = out.glob("kgtool-*.whl")
    return found


def test_wheel_carries_the_graph(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    for member in (
        "kgtool/_bundled/ontology/conflict.ttl",
        "kgtool/_bundled/data/karabakh.ttl",
        "kgtool/_bundled/data/sources/source-article.txt",
        "kgtool/_bundled/queries/csto-members.rq",
    ):
        assert member in names
    assert any(n.startswith("kgtool/_bundled/shapes/") and n.endswith(".ttl") for n in names)


def test_installed_wheel_answers_from_any_directory(wheel, tmp_path):
    env_dir = tmp_path / "env"
    venv.create(env_dir, with_pip=True)
    bin_dir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    subprocess.run([str(bin_dir / "python"), "-m", "pip", "install", "-q", "--no-deps", str(wheel)], check=True, capture_output=True)
    # The dependencies come from the test environment's site-packages (no network needed);
    # kgtool itself must come from the fresh environment.
    env = {**os.environ, "PYTHONPATH": sysconfig.get_paths()["purelib"], "XDG_CACHE_HOME": str(tmp_path / "cache")}
    env.pop("KGTOOL_HOME", None)
    work = tmp_path / "elsewhere"
    work.mkdir()
    result = subprocess.run(
        [str(bin_dir / "kgtool"), "query", "-n", "csto-members", "--format", "csv"],
        cwd=work, env=env, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1].startswith("https://w3id.org/kgtool/id/armenia,Armenia,https://w3id.org/kgtool/id/russia,Russia")
    where = subprocess.run(
        [str(bin_dir / "python"), "-c", "import kgtool.home as h; print(h._bundled_root())"],
        cwd=work, env=env, capture_output=True, text=True,
    )
    assert where.stdout.strip().startswith(str(env_dir))
    stats = subprocess.run([str(bin_dir / "kgtool"), "stats", "--no-check"], cwd=work, env=env, capture_output=True, text=True)
    assert stats.returncode == 0 and "(bundled)" in stats.stdout
    assert not list(env_dir.rglob("_bundled/.kgtool")), "the bundled graph must stay read-only"
