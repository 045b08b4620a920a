"""Time OWL RL reasoning alone on a home, reasoner by reasoner, and check that they agree. Run by hand.

    .venv/bin/python bench/reason.py HOME kgtool reasonable [owlrl]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from kgtool import rdfio, reasoning


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("home", type=Path, help="a home (ontology/*.ttl, data/**/*.ttl), e.g. from bench/generate.py")
    parser.add_argument("reasoners", nargs="*", choices=reasoning.REASONERS, default=["kgtool", "reasonable"], help="the first is compared with the others (default: kgtool reasonable)")
    args = parser.parse_args()
    home, names = args.home, args.reasoners
    files = sorted(home.glob("ontology/*.ttl")) + sorted(home.glob("data/**/*.ttl"))
    triples = [t for f in files for t in rdfio.parse_file(f).triples]
    print(f"{len(triples)} triples")
    found = {}
    for name in names:
        start = time.perf_counter()
        found[name] = {str(t) for t in reasoning.entailments(triples, name)}
        print(f"{name}: {len(found[name])} entailments in {time.perf_counter() - start:.2f} s", flush=True)
    first = names[0]
    for other in names[1:]:
        extra, missing = found[first] - found[other], found[other] - found[first]
        print(f"{first} vs {other}: {'the same' if not extra and not missing else f'{len(extra)} more, {len(missing)} fewer'}")


if __name__ == "__main__":
    main()
