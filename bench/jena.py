"""Apache Jena 4.5 from Debian as a benchmark peer: setup() and the argv of its sparql, riot, shacl."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

JAVA_DIR = Path("/usr/share/java")

# Jena modules shipped by libapache-jena-java (unversioned symlinks in /usr/share/java).
JENA_JARS = [
    "jena-base", "jena-core", "jena-iri", "jena-arq", "jena-shacl", "jena-shex", "jena-cmds",
    "jena-rdfconnection", "jena-dboe-base", "jena-dboe-index", "jena-dboe-storage",
    "jena-dboe-trans-data", "jena-dboe-transaction", "jena-tdb", "jena-tdb2",
]
# Their run-time dependencies (the package's Depends:), plus slf4j-simple as the log binding.
DEP_JARS = [
    "commons-cli", "commons-codec", "commons-compress", "commons-csv", "commons-io",
    "commons-lang3", "dexx.collection", "gson", "guava", "httpclient", "httpcore",
    "jackson-core", "jackson-databind", "jackson-annotations", "jsonld-java",
    "jakarta.json-api", "titanium-json-ld", "protobuf", "thrift", "slf4j-api", "slf4j-simple",
]
PACKAGES = ["libapache-jena-java", "libslf4j-java"]

MAIN_CLASS = {"sparql": "arq.sparql", "riot": "riotcmd.riot", "shacl": "shacl.shacl"}

# slf4j-simple: only warnings and errors, on stderr (like Jena's own launchers' log4j2 setup).
JVM_FLAGS = [
    "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
    "-Dorg.slf4j.simpleLogger.logFile=System.err",
]

# Debian's jena-core.jar has the bundled Xerces classes moved from org.apache.jena.ext.xerces.*
# to xerces.* but left their message bundles under org/apache/jena/ext/xerces/. RegexParser then
# cannot load "xerces.impl.xpath.regex.message", every built-in XSD pattern facet fails, and
# XSDDatatype's static init dies with "internal error" in XSSimpleTypeDecl.applyFacets1 (whatever
# the JDK). A small jar holding copies of those bundles at the expected paths fixes it.
_OLD_PREFIX = "org/apache/jena/ext/xerces/"
_NEW_PREFIX = "xerces/"


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "kgtool-bench" / "jena"


def _overlay_jar() -> Path:
    core = JAVA_DIR / "jena-core.jar"
    size = core.stat().st_size if core.exists() else 0
    return _cache_dir() / f"jena-core-{size}-xerces-messages.jar"


def _class_path() -> list[Path]:
    jars = [JAVA_DIR / f"{name}.jar" for name in JENA_JARS + DEP_JARS]
    overlay = _overlay_jar()
    return jars + ([overlay] if overlay.exists() else [])


def _needs_overlay(core: Path) -> bool:
    with zipfile.ZipFile(core) as z:
        names = set(z.namelist())
    return (_NEW_PREFIX + "impl/xpath/regex/RegexParser.class" in names
            and _NEW_PREFIX + "impl/xpath/regex/message.properties" not in names)


def _write_overlay(core: Path, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + f".{os.getpid()}.tmp")
    with zipfile.ZipFile(core) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as out:
        for name in src.namelist():
            if name.startswith(_OLD_PREFIX) and name.endswith(".properties"):
                out.writestr(_NEW_PREFIX + name[len(_OLD_PREFIX):], src.read(name))
    os.replace(tmp, dest)


def _apt_install() -> str | None:
    if not shutil.which("apt-get"):
        return "Jena jars are missing and apt-get is not available"
    if os.geteuid() != 0:
        return "Jena jars are missing and installing them needs root (apt-get install libapache-jena-java)"
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    install = ["apt-get", "install", "-y", "-q", "--no-install-recommends", *PACKAGES]
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "env": env}
    if subprocess.run(install, **quiet).returncode == 0:
        return None
    subprocess.run(["apt-get", "update", "-q"], **quiet)
    if subprocess.run(install, **quiet).returncode != 0:
        return "apt-get install libapache-jena-java failed"
    return None


def setup() -> str | None:
    """Install (apt, if needed) and prepare Jena; None when the three tools run, else a one-line reason.

    Idempotent: installs libapache-jena-java + libslf4j-java only if jars are missing, (re)builds the
    Xerces message-bundle overlay jar in ~/.cache/kgtool-bench/jena/ only if missing, then smoke-tests riot.
    """
    if not shutil.which("java"):
        return "no java on PATH (apt-get install openjdk-17-jre-headless)"
    missing = [p for p in _class_path() if not p.exists()]
    if missing:
        reason = _apt_install()
        if reason:
            return reason
        missing = [p for p in _class_path() if not p.exists()]
        if missing:
            return "missing jars after install: " + ", ".join(p.name for p in missing)
    core = (JAVA_DIR / "jena-core.jar").resolve()
    overlay = _overlay_jar()
    if not overlay.exists() and _needs_overlay(core):
        try:
            _write_overlay(core, overlay)
        except OSError as e:
            return f"cannot write {overlay}: {e}"
    with tempfile.TemporaryDirectory() as d:
        ttl = Path(d) / "t.ttl"
        ttl.write_text('<http://example.org/s> <http://example.org/p> "o" .\n')
        try:
            r = subprocess.run(command("riot") + ["--output=ntriples", str(ttl)],
                               capture_output=True, text=True, timeout=120)
        except (OSError, subprocess.TimeoutExpired) as e:
            return f"riot smoke test failed: {e}"
        if r.returncode != 0 or "example.org/s" not in r.stdout:
            last = (r.stderr.strip().splitlines() or ["no output"])
            cause = next((l for l in reversed(last) if "Caused by" in l or "Exception" in l), last[-1])
            return f"riot smoke test failed (exit {r.returncode}): {cause.strip()}"
    return None


def command(tool: str) -> list[str]:
    """The argv prefix that runs Jena's `tool` (call setup() once first). Jena 4.5 syntax:

    sparql: + ["--data", "d.ttl", ("--data", "onto.ttl",) "--query", "q.rq"]  (optionally
            "--results", "text|csv|tsv|json|xml"; "--time" prints timing). --data is repeatable and
            loads each file into the default graph. No inference: only asserted triples are seen.
    riot:   + ["--output=ntriples", "d.ttl"]  (also "--count", "--validate", "--syntax=turtle",
            "--formatted=turtle"; input syntax is guessed from the file extension).
    shacl:  + ["validate", "--shapes", "shapes.ttl", "--data", "d.ttl"]  (prints the validation
            report as Turtle; exit code is 0 whether or not the data conforms: read sh:conforms).
    """
    if tool not in MAIN_CLASS:
        raise ValueError(f"unknown Jena tool {tool!r}; expected one of {sorted(MAIN_CLASS)}")
    cp = os.pathsep.join(str(p) for p in _class_path())
    return ["java", *JVM_FLAGS, "-cp", cp, MAIN_CLASS[tool]]


_DATA = """@prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:alice a ex:Person ; ex:name "Alice" ; ex:age 30 .
ex:bob a ex:Person ; ex:name "Bob" ; ex:age "old" .
"""
_QUERY = """PREFIX ex: <http://example.org/>
SELECT ?p ?name WHERE { ?p a ex:Person ; ex:name ?name } ORDER BY ?name
"""
_SHAPES = """@prefix ex: <http://example.org/> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:PersonShape a sh:NodeShape ; sh:targetClass ex:Person ;
  sh:property [ sh:path ex:age ; sh:datatype xsd:integer ] .
"""


def _self_check() -> int:
    t0 = time.monotonic()
    reason = setup()
    print(f"setup: {reason or 'ok'} ({time.monotonic() - t0:.2f} s)")
    if reason:
        return 1
    with tempfile.TemporaryDirectory() as d:
        data, query, shapes = Path(d) / "data.ttl", Path(d) / "q.rq", Path(d) / "shapes.ttl"
        data.write_text(_DATA)
        query.write_text(_QUERY)
        shapes.write_text(_SHAPES)
        runs = {
            "sparql": (command("sparql") + ["--data", str(data), "--query", str(query)], "Alice"),
            "riot": (command("riot") + ["--output=ntriples", str(data)], "<http://example.org/bob>"),
            "shacl": (command("shacl") + ["validate", "--shapes", str(shapes), "--data", str(data)],
                      "sh:conforms  false"),
        }
        failed = 0
        for tool, (argv, expect) in runs.items():
            t0 = time.monotonic()
            r = subprocess.run(argv, capture_output=True, text=True)
            wall = time.monotonic() - t0
            ok = r.returncode == 0 and expect in r.stdout
            failed += not ok
            print(f"--- {tool}: exit {r.returncode}, {wall:.2f} s, {'ok' if ok else 'FAILED'}")
            print(r.stdout.rstrip())
            if r.stderr.strip():
                print("stderr:", r.stderr.rstrip())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(_self_check())
