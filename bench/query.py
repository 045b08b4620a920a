"""Issue 3: time `kgtool query` (a named query, reasoning on, warm cache) on the bundled graph
against Oxigraph's CLI (load + query) and a plain rdflib script, in the same run.

    .venv/bin/python bench/query.py [--runs 20] [--name csto-members]

Prints the median wall time and peak memory (max RSS from wait4) of each, and kgtool's ratio to
the Oxigraph CLI (the goal: at most 1.5×).
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from run import KGTOOL, OXIGRAPH, PY, clean_env, fmt, measure, ratio, timed  # noqa: E402

REPO = HERE.parent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--name", default="csto-members")
    ap.add_argument("--work", type=Path, default=Path("/tmp/kgbench"))
    args = ap.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    import subprocess

    subprocess.run([PY, "-m", "compileall", "-q", str(REPO / "src" / "kgtool")], check=False, env=clean_env())
    query = REPO / "queries" / f"{args.name}.rq"
    files = [str(REPO / "ontology" / "conflict.ttl"), str(REPO / "data" / "karabakh.ttl")]
    loc = args.work / "ox-bundled"
    timed([KGTOOL, "query", "-n", args.name])  # warm the cache and the query gate's memo
    k = measure([KGTOOL, "query", "-n", args.name, "--format", "tsv"], args.runs)
    o = measure(
        ["sh", "-c", f'"{OXIGRAPH}" load --location "{loc}" --file {" ".join(files)} && "{OXIGRAPH}" query --location "{loc}" --query-file "{query}" --results-format tsv'],
        args.runs,
        lambda: shutil.rmtree(loc, ignore_errors=True),
    )
    r = measure([PY, str(HERE / "peer_rdflib.py"), "query", str(REPO), str(query)], max(3, args.runs // 4))
    ro = measure([PY, str(HERE / "peer_rdflib.py"), "query", str(REPO), str(query), "--reason"], 3)
    print(f"kgtool query -n {args.name} (warm, reasoning): {fmt(k)}")
    print(f"oxigraph load + query (no reasoning):         {fmt(o)}   kgtool/oxigraph {ratio(k, o)}")
    print(f"rdflib parse + query (no reasoning):          {fmt(r)}   kgtool/rdflib {ratio(k, r)}")
    print(f"rdflib parse + owlrl + query:                 {fmt(ro)}   kgtool/rdflib+owlrl {ratio(k, ro)}")


if __name__ == "__main__":
    main()
