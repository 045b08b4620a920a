"""The plain-Python peer: the same work with rdflib (+ owlrl, pyshacl), one operation per call.

    python bench/peer_rdflib.py query HOME QUERY.rq [--reason]
    python bench/peer_rdflib.py export HOME
    python bench/peer_rdflib.py validate HOME SUBMISSION.ttl
    python bench/peer_rdflib.py reason HOME
"""

from __future__ import annotations

import sys
from pathlib import Path


def graph(home: Path, shapes: bool = False):
    import rdflib

    g = rdflib.Graph()
    files = sorted((home / "shapes").glob("*.ttl")) if shapes else sorted((home / "ontology").glob("*.ttl")) + sorted((home / "data").rglob("*.ttl"))
    for f in files:
        g.parse(f, format="turtle")
    return g


def main() -> None:
    op, home = sys.argv[1], Path(sys.argv[2])
    g = graph(home)
    if op in ("reason",) or "--reason" in sys.argv:
        import owlrl

        owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(g)
    if op == "query":
        for row in g.query(Path(sys.argv[3]).read_text(encoding="utf-8")):
            print("\t".join(str(x) for x in row))
    elif op == "export":
        sys.stdout.buffer.write(g.serialize(format="nt", encoding="utf-8"))
    elif op == "validate":
        import pyshacl

        g.parse(sys.argv[3], format="turtle")
        conforms, _, text = pyshacl.validate(g, shacl_graph=graph(home, shapes=True), inference="none", advanced=True, allow_warnings=True)
        print(conforms)
    elif op == "reason":
        print(len(g))


if __name__ == "__main__":
    main()
