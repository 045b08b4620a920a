"""Time kgtool against its peers on synthetic homes of growing size (issue 5). Run by hand, not by CI.

    .venv/bin/python bench/run.py --sizes 10000,100000 [--runs 5] [--work /tmp/kgbench]
    .venv/bin/python bench/run.py --sizes 1000000 --runs 1 --skip-slow

For each size it generates a home (bench/generate.py, seed 1), then times, in the same run:

  reasoning   kgtool's cold start (parse + OWL RL entailments + store) | oxigraph load (no reasoning) | rdflib + owlrl closure
  query       kgtool query, aggregate over the home (warm, reasoning)  | oxigraph load+query | jena sparql | rdflib parse+query
  selective   kgtool query, one region's clashes (warm, reasoning)     | oxigraph load+query | jena sparql
  first       the same selective query, the first after the cold build (a new process)
  export nt   kgtool export --format nt (warm)                         | oxigraph convert | oxigraph dump | jena riot | rdflib
  export json kgtool export --format json-ld (warm)                    | oxigraph convert
  validate    kgtool validate SUB (a small submission)                 | pySHACL over home + SUB
  validate    kgtool validate DATA (the whole data file, up to 1M)     | jena shacl | pySHACL
  add         kgtool add SUB, then the query (closure extended)        | oxigraph load SUB into a loaded store

and prints the median wall time, the peak memory (max RSS of the process, from wait4) and
kgtool's ratio to each peer. Peers do no OWL RL reasoning unless said so; their answers to
the reasoning queries are therefore not kgtool's (the time is the point), and Jena's shacl,
without the class hierarchy's entailments, reports violations kgtool does not. --skip-slow
leaves out the pure-Python peers (rdflib, owlrl, pySHACL), which take minutes to hours at 1M
triples. Jena is Debian's libapache-jena-java 4.5.0, made to run by bench/jena.py (--no-jena
to leave it out).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import generate  # noqa: E402
import jena  # noqa: E402

BIN = Path(sys.executable).parent
KGTOOL = str(BIN / "kgtool")
OXIGRAPH = shutil.which("oxigraph", path=str(BIN)) or shutil.which("oxigraph")
PY = sys.executable
QUERY = HERE / "queries" / "clashes-per-region.rq"
MAX_WHOLE_VALIDATE = 1_000_000  # validating the whole data file: ~3 min at 1M, and pure-Python memory past it
SELECTIVE = HERE / "queries" / "one-region.rq"


def clean_env() -> dict:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # an installed package has its bytecode compiled
    return env


def timed(cmd: list[str], timeout: float = 1800) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of one run of `cmd` (stdout discarded)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=clean_env())
    deadline = start + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            proc.kill()
            pid, status, usage = os.wait4(proc.pid, 0)
            raise TimeoutError(" ".join(cmd))
        time.sleep(0.002)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    proc.returncode = code
    err = proc.stderr.read().decode(errors="replace")
    if code not in (0, 1):
        raise RuntimeError(f"{' '.join(cmd)} exited {code}: {err[-500:]}")
    return wall, usage.ru_maxrss


def measure(cmd, runs: int, setup=None) -> tuple[float, int]:
    walls, peaks = [], []
    for _ in range(runs):
        if setup:
            setup()
        w, m = timed(cmd)
        walls.append(w)
        peaks.append(m)
    return statistics.median(walls), max(peaks)


def fmt(result) -> str:
    if result is None:
        return "—"
    w, m = result
    return f"{w:8.3f} s {m / 1024:7.0f} MiB"


def ratio(a, b) -> str:
    return f"{a[0] / b[0]:.2f}×" if a and b else "—"


def bench_size(size: int, work: Path, runs: int, skip_slow: bool, use_jena: bool, rows: list) -> list[tuple]:
    home = work / f"home-{size}"
    t = time.perf_counter()
    generate.generate(size, 1, home)
    print(f"# size {size}: generated {home} in {time.perf_counter() - t:.1f} s", flush=True)
    sub = work / "submission.ttl"
    sub.write_text(generate.HEAD + generate.cluster(10**7, __import__("random").Random(7), 1), encoding="utf-8")
    graph_files = [str(p) for p in sorted((home / "ontology").glob("*.ttl")) + sorted((home / "data").rglob("*.ttl"))]
    kg = [KGTOOL, "--home", str(home)]
    cache = home / ".kgtool" / "cache"
    ox_loc = work / f"ox-{size}"
    ox_sub = work / f"ox-sub-{size}"

    def drop_cache():
        shutil.rmtree(cache, ignore_errors=True)

    def warm():
        shutil.rmtree(home / "data" / "submissions", ignore_errors=True)
        timed(kg + ["query", "ASK { ?s ?p ?o }"])

    def fresh_ox():
        shutil.rmtree(ox_loc, ignore_errors=True)

    def loaded_ox(target=ox_loc):
        def setup():
            shutil.rmtree(target, ignore_errors=True)
            timed([OXIGRAPH, "load", "--location", str(target), "--file", *graph_files])
        return setup

    def java(tool: str, *args: str):
        return measure(jena.command(tool) + list(args), runs if size < 1_000_000 else 1) if use_jena else None

    data_files = [str(p) for p in sorted((home / "data").rglob("*.ttl"))]
    jena_data = [a for f in graph_files for a in ("--data", f)]
    shapes = [str(p) for p in sorted((home / "shapes").glob("*.ttl"))]
    slow_runs = 1 if size >= 100_000 else runs
    # reasoning: a cold start
    k = measure(kg + ["query", "ASK { ?s ?p ?o }"], slow_runs, drop_cache)
    o = measure([OXIGRAPH, "load", "--location", str(ox_loc), "--file", *graph_files], slow_runs, fresh_ox) if OXIGRAPH else None
    p = None if skip_slow or size > 100_000 else measure([PY, str(HERE / "peer_rdflib.py"), "reason", str(home)], 1)
    rows.append(("reasoning (cold build)", k, [("oxigraph load, no reasoning", o), ("rdflib+owlrl", p)]))
    # the first query after the build (a new process: the store opened cold), then warm ones below
    k = measure(kg + ["query", "-f", str(SELECTIVE), "--format", "tsv"], 1)
    rows.append(("query, selective, first after the build", k, []))
    warm()
    # queries, warm, with reasoning: an aggregate over the whole home, and a selective one
    for label, query in (("query, aggregate (warm)", QUERY), ("query, selective (warm)", SELECTIVE)):
        k = measure(kg + ["query", "-f", str(query), "--format", "tsv"], runs)
        o = measure(["sh", "-c", f'"{OXIGRAPH}" load --location "{ox_loc}" --file {" ".join(graph_files)} && "{OXIGRAPH}" query --location "{ox_loc}" --query-file "{query}" --results-format tsv'], runs, fresh_ox) if OXIGRAPH else None
        j = java("sparql", *jena_data, "--query", str(query), "--results", "tsv")
        r = None if skip_slow else measure([PY, str(HERE / "peer_rdflib.py"), "query", str(home), str(query)], slow_runs)
        rows.append((label, k, [("oxigraph load+query", o), ("jena sparql", j), ("rdflib parse+query", r)]))
    # export
    k = measure(kg + ["export", "--format", "nt"], runs)
    c = measure([OXIGRAPH, "convert", "--from-file", graph_files[-1], "--to-format", "nt"], runs) if OXIGRAPH and len(data_files) == 1 else None
    o = measure([OXIGRAPH, "dump", "--location", str(ox_loc), "--format", "nq"], runs, loaded_ox()) if OXIGRAPH else None
    j = java("riot", "--output=ntriples", *graph_files)
    r = None if skip_slow else measure([PY, str(HERE / "peer_rdflib.py"), "export", str(home)], slow_runs)
    rows.append(("export nt (warm)", k, [("oxigraph convert (data file)", c), ("oxigraph dump", o), ("jena riot", j), ("rdflib parse+serialize", r)]))
    k = measure(kg + ["export", "--format", "json-ld"], runs)
    c = measure([OXIGRAPH, "convert", "--from-file", graph_files[-1], "--to-format", "jsonld"], runs) if OXIGRAPH and len(data_files) == 1 else None
    rows.append(("export json-ld (warm)", k, [("oxigraph convert (data file)", c)]))
    # validate a small submission, then the whole data file
    k = measure(kg + ["validate", str(sub)], slow_runs)
    r = None if skip_slow else measure([PY, str(HERE / "peer_rdflib.py"), "validate", str(home), str(sub)], 1)
    rows.append(("validate small submission", k, [("pySHACL", r)]))
    if size <= MAX_WHOLE_VALIDATE:
        k = measure(kg + ["validate", *data_files], 1)
        j = java("shacl", "validate", *[a for f in shapes for a in ("--shapes", f)], *[a for f in graph_files for a in ("--data", f)])
        rows.append(("validate the data file", k, [("jena shacl (no entailments)", j)]))
    # add it
    k = measure(kg + ["add", str(sub)], slow_runs, warm)
    o = measure([OXIGRAPH, "load", "--location", str(ox_sub), "--file", str(sub)], runs, loaded_ox(ox_sub)) if OXIGRAPH else None
    rows.append(("add small submission", k, [("oxigraph load into store", o)]))
    # the query right after the add: the new data file parsed alone, the closure extended
    k = measure(kg + ["query", "-f", str(SELECTIVE), "--format", "tsv"], 1)
    rows.append(("query after add (closure extended)", k, []))
    warm()
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--work", type=Path, default=Path("/tmp/kgbench"))
    ap.add_argument("--skip-slow", action="store_true", help="leave out the pure-Python peers")
    ap.add_argument("--no-jena", action="store_true", help="leave out Apache Jena")
    args = ap.parse_args()
    use_jena = not args.no_jena
    if use_jena:
        reason = jena.setup()
        if reason:
            print(f"# Jena left out: {reason}", flush=True)
            use_jena = False
    args.work.mkdir(parents=True, exist_ok=True)
    subprocess.run([PY, "-m", "compileall", "-q", str(Path(__import__("kgtool").__file__).parent)], check=False, env=clean_env())
    for size in (int(s) for s in args.sizes.split(",")):
        print(f"\n| {size} triples | kgtool | peer | peer time, memory | kgtool / peer |")
        print("|---|---|---|---|---|", flush=True)
        bench_size(size, args.work, args.runs, args.skip_slow, use_jena, Rows())
        print(flush=True)


class Rows(list):
    """The table's rows, each printed as soon as it is measured (a run at 10M takes most of an hour)."""

    def append(self, row: tuple) -> None:
        super().append(row)
        op, k, peers = row
        for i, (name, p) in enumerate(peers or [("", None)]):
            print(f"| {op if i == 0 else ''} | {fmt(k) if i == 0 else ''} | {name} | {fmt(p)} | {ratio(k, p)} |", flush=True)


if __name__ == "__main__":
    main()
