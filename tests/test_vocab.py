"""kgtool.vocab is the one place the standard namespace IRIs are written: a module that needs one imports it."""

from __future__ import annotations

import ast
from pathlib import Path

from kgtool import vocab

SRC = Path(vocab.__file__).resolve().parent
NAMESPACES = [vocab.RDF, vocab.RDFS, vocab.OWL, vocab.XSD, vocab.SH, vocab.PROV, vocab.DCTERMS]


def test_no_module_but_vocab_writes_a_standard_namespace_iri():
    found = []
    for path in sorted(SRC.rglob("*.py")):
        if path.name == "vocab.py" and path.parent == SRC:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes)):
                text = node.value if isinstance(node.value, str) else node.value.decode("latin-1")
                found += [f"{path.relative_to(SRC)}:{node.lineno}: {ns}" for ns in NAMESPACES if ns in text]
    assert found == []


def test_namespace_gives_pyoxigraph_terms_of_its_iri():
    sh = vocab.Namespace(vocab.SH)
    assert sh.minCount.value == vocab.SH + "minCount"
    assert sh["in"].value == vocab.SH + "in"
    assert vocab.TYPE.value == vocab.RDF + "type"
    assert set(vocab.WELL_KNOWN) == {"rdf", "rdfs", "owl", "xsd", "sh"}
