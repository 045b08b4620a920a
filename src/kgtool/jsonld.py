"""Compacted JSON-LD with an inline @context: the json-ld writer, fed by Oxigraph's N-Quads lines, each distinct term compacted once.

Compacted by hand against the given @context, so that no literal is rewritten (rdflib's
compaction turns "01"^^xsd:integer into 1 and "1.0E0"^^xsd:double into 1.0):
https://www.w3.org/TR/json-ld11/#compacted-document-form

Why N-Quads lines: Oxigraph writes each triple as one line of bytes, every term in one fixed
syntax. A line's subject is its first word and its property and value the rest, so a split
and a dictionary lookup per line find the JSON of that property and value, made once for
each distinct one (a million-triple export has ~200,000), and a node is the join of its
lines' ready-made fragments. Reading the terms of a million triple objects instead, and
compacting them one by one, took twice as long.
"""

from __future__ import annotations

import io
import json
import re
from itertools import groupby
from operator import itemgetter
from typing import Any, BinaryIO, Iterable

import pyoxigraph as ox

from .errors import UsageError
from .vocab import RDF_LANG_STRING, RDF_TYPE, XSD_STRING

_dumps = json.encoder.encode_basestring  # a str as a JSON string, non-ASCII kept (json.dumps(s, ensure_ascii=False), in C)
# A quoted N-Quads string with no escape and no control character is that same JSON string.
_PLAIN = re.compile(r'"[^"\\\x00-\x1f\x7f]*"\Z')
_LAST_CUT = re.compile(r"(.*[#/:?\[\]@])(?=.)", re.S)  # an IRI up to its last namespace-ending character, leaving a local name
_IRI, _BLANK, _LITERAL = 0, 1, 2  # kinds of value
_NAMED = "\x00"  # the key of a line in a named graph: sorts before every JSON key ('"...')
_first, _keyed = itemgetter(0), itemgetter(2)


class Compactor:
    """Compact IRIs and values with an @context of prefixes and term definitions."""

    def __init__(self, context: dict[str, Any]):
        self.prefixes = {name: ns for name, ns in context.items() if isinstance(ns, str) and not ns.startswith("@") and ns[-1:] in "#/:?[]@"}
        self.terms: dict[str, tuple[str, bool]] = {}  # IRI -> (term, values are IRIs)
        self._compact: dict[str, str] = {}
        for name, definition in context.items():
            if isinstance(definition, str):
                iri, coerced = definition, False
            elif isinstance(definition, dict) and isinstance(definition.get("@id"), str) and set(definition) <= {"@id", "@type"}:
                iri, coerced = definition["@id"], definition.get("@type") == "@id"
                if "@type" in definition and not coerced:
                    continue  # a datatype coercion: values would need to match it; do not use the term
            else:
                continue
            if name in self.prefixes:
                continue  # a prefix, not a term for a property or class
            self.terms.setdefault(iri, (name, coerced))
        # The longest namespace an IRI starts with (the first prefix of the context among equal
        # ones), leaving a local name: the regex tries them longest first, and the lookahead
        # passes over a namespace that is the whole IRI.
        self._names: dict[str, str] = {}
        for name, ns in self.prefixes.items():
            self._names.setdefault(ns, name)
        spaces = sorted(self._names, key=len, reverse=True)
        self._space = re.compile("(?:" + "|".join(map(re.escape, spaces)) + ")(?=.)", re.S) if spaces else None

    def iri(self, iri: str) -> str:
        """A compact IRI (prefix:local) where a prefix fits and reads back the same, else the IRI (memoized: IRIs recur)."""
        found = self._compact.get(iri)
        if found is None:
            found = self._compact[iri] = self._iri(iri)
        return found

    def _iri(self, iri: str) -> str:
        last = _LAST_CUT.match(iri)  # most often the namespace ends where the local name's last '/' or '#' is
        ns = last.group(1) if last is not None else None
        if ns not in self._names:
            found = self._space.match(iri) if self._space is not None else None
            if found is None:
                return iri
            ns = found.group()
        local = iri[len(ns) :]
        if local.startswith("//"):
            return iri  # "p://x" would read as an absolute IRI
        return f"{self._names[ns]}:{local}"

    def vocab(self, iri: str, coerced: bool | None = None) -> str:
        """A property or class: its term when there is one (and coercion fits), else a compact IRI."""
        found = self.terms.get(iri)
        if found is not None and (coerced is None or found[1] == coerced):
            return found[0]
        return self.iri(iri)

    def node_id(self, text: str) -> str:
        """The @id of an N-Quads subject or graph name ("<iri>" or "_:label")."""
        if text.startswith("<<"):
            raise UsageError("JSON-LD cannot hold a triple term (RDF 1.2); use --format nt, nq, turtle or trig")
        return self.iri(text[1:-1]) if text[0] == "<" else text


class _Lines(io.RawIOBase):
    """What Oxigraph's N-Quads serializer writes into (through a buffer: one call per megabyte, not per 8 KB): each line's property and value go to its subject's node (a list of entries).

    An entry is (JSON key, sort key of the value, '"key": value', value), shared by every line
    with the same property and value; a line in a named graph gets (_NAMED, graph, entry).
    """

    def __init__(self, compactor: Compactor):
        super().__init__()
        self.c = compactor
        self.rest = b""
        self.subjects: dict[bytes, list] = {}  # subject -> entries
        self.entries: dict[bytes, tuple] = {}  # "<p> value [graph] ." -> entry
        self.properties: dict[str, tuple] = {}  # "<p>" -> for each kind of value: (JSON key, which fragment of the value)
        self.values: dict[str, tuple] = {}  # "value [graph] ." -> (kind, sort key, graph, {"@id"} or literal, id, id as a class)
        self.suffixes: dict[str, tuple] = {}  # a literal's "@language" or "^^<datatype>" -> _suffix
        self.prev: bytes | None = None
        self.node: list = []
        self.named = False  # whether a line was in a named graph

    def writable(self) -> bool:
        return True

    def write(self, chunk) -> int:
        data = self.rest + chunk
        cut = data.rfind(b"\n")
        if cut < 0:
            self.rest = data
        else:
            self.rest = data[cut + 1 :]
            self._feed(data[:cut].split(b"\n"))  # Oxigraph escapes line breaks in literals
        return len(chunk)

    def _feed(self, lines: list[bytes]) -> None:
        # The hot loop: a split, a comparison and a lookup per triple, on bytes (only what is
        # new is decoded). A file's triples come subject by subject, so the subject's list is
        # looked up once per run of lines.
        prev, node, subjects, entries = self.prev, self.node, self.subjects, self.entries
        for line in lines:
            s, po = line.split(b" ", 1)
            if s != prev:
                node = subjects.get(s)
                if node is None:
                    node = subjects[s] = []
                prev = s
            entry = entries.get(po)
            if entry is None:
                entry = entries[po] = self._entry(po)
            node.append(entry)
        self.prev, self.node = prev, node

    def _entry(self, line: bytes) -> tuple:
        p, rest = line.decode("utf-8").split(" ", 1)
        prop = self.properties.get(p)
        if prop is None:
            prop = self.properties[p] = self._property(p[1:-1])
        if rest[0] == '"':
            value = self._value(rest[:-2])  # most literals are met once: not worth remembering
        else:
            value = self.values.get(rest)
            if value is None:
                value = self.values[rest] = self._value(rest[:-2])
        key, which = prop[value[0]]
        text = value[which]
        entry = (key, value[1], f"{key}: {text}", text)
        if value[2] is None:
            return entry
        self.named = True
        return (_NAMED, value[2], entry)

    def _property(self, iri: str) -> tuple:
        """For a value that is an IRI, a blank node, a literal: its key and which fragment of the value it takes."""
        c = self.c
        plain = _dumps(c.vocab(iri, coerced=False))
        if iri == RDF_TYPE:
            return (('"@type"', 5), (plain, 3), (plain, 3))  # a class IRI is a type; a blank node or literal stays a value
        term = c.terms.get(iri)
        if term is not None and term[1]:
            coerced = _dumps(term[0])  # the term says: values are IRIs (or blank nodes)
            return ((coerced, 4), (coerced, 4), (plain, 3))
        return ((plain, 3), (plain, 3), (plain, 3))

    def _suffix(self, tail: str) -> tuple[str, str, str | None]:
        """(datatype, language, the JSON after "@value") of a literal's '@language' or '^^<datatype>' (None for a plain string)."""
        if not tail:
            return (XSD_STRING, "", None)
        if tail[0] == "@":
            language, _, direction = tail[1:].partition("--")
            extra = f', "@direction": {_dumps(direction)}' if direction else ""
            return (RDF_LANG_STRING, tail[1:], f', "@language": {_dumps(language)}{extra}}}')
        datatype = tail[3:-1]  # ^^<datatype>
        if datatype == XSD_STRING:
            return (XSD_STRING, "", None)
        return (datatype, "", f', "@type": {_dumps(self.c.iri(datatype))}}}')

    def _value(self, text: str) -> tuple:
        """(kind, sort key, graph text or None, value as JSON, id as JSON, class as JSON) of an N-Quads 'value [graph]'.

        Sort keys order IRIs, then blank nodes, then literals, each by its text.
        """
        c = self.c
        graph = None
        if text[0] == '"':
            q = text.rindex('"')  # the closing quote: no datatype, language or graph holds one
            quoted, tail = text[: q + 1], text[q + 1 :]
            if " " in tail:
                tail, graph = tail.split(" ", 1)
            if _PLAIN.match(quoted):
                value = quoted[1:-1]
            else:
                value = json.loads(quoted)  # Oxigraph's escapes are JSON's: \" \\ \n \t \uXXXX ...
                quoted = _dumps(value)
            suffix = self.suffixes.get(tail)
            if suffix is None:
                suffix = self.suffixes[tail] = self._suffix(tail)
            datatype, language, rest = suffix
            return (_LITERAL, (2, value, datatype, language), graph, quoted if rest is None else f'{{"@value": {quoted}{rest}', None, None)
        if text.startswith("<<"):
            c.node_id(text)  # refused
        if " " in text:
            text, graph = text.split(" ", 1)
        ident = _dumps(c.node_id(text))
        if text[0] == "<":
            iri = text[1:-1]
            return (_IRI, (0, iri), graph, f'{{"@id": {ident}}}', ident, _dumps(c.vocab(iri)))
        return (_BLANK, (1, text[2:]), graph, f'{{"@id": {ident}}}', ident, None)


def _node(ident: str, entries: list, graph: str = "") -> str:
    """A node's JSON text: @id, @type, then its keys in order, a key with several values as an array of them in order."""
    entries.sort()
    if len(set(map(_first, entries))) == len(entries):
        body = ", ".join(map(_keyed, entries))
    else:
        body = ", ".join(
            group[0][2] if len(group) == 1 else f"{key}: [{', '.join([e[3] for e in group])}]"
            for key, group in ((k, list(g)) for k, g in groupby(entries, _first))
        )
    return f'{{"@id": {ident}{", " if body else ""}{body}{graph}}}'


def write_jsonld(things: Iterable, out: BinaryIO, context: dict[str, Any]) -> None:
    """Compacted JSON-LD with `context` inline, nodes sorted by @id, one per line.

    Literals stay strings with their datatype ("@value"/"@type"), never JSON numbers, so that
    a JSON-LD processor expands the document to exactly the triples written. Quads of named
    graphs make each graph a node with its own "@graph", beside that node's default-graph
    properties (JSON-LD 1.1 §4.9, https://www.w3.org/TR/json-ld11/#named-graphs).
    """
    from .shacl import no_gc  # here: the SHACL engine's modules are not for every command's start

    c = Compactor(context)
    lines = _Lines(c)
    with no_gc():  # a million entries in lists: the collector's passes over them would cost a third of the time
        with io.BufferedWriter(lines, buffer_size=1 << 20) as sink:
            ox.serialize(things, sink, ox.RdfFormat.N_QUADS)
        if lines.rest:  # Oxigraph ends every line with a line break; this is in case it ever does not
            lines.write(b"\n")
        default, named = _split_graphs(lines.subjects, lines.named)
        nodes = {c.node_id(s.decode("utf-8")): entries for s, entries in default.items()}
        graphs = {c.node_id(g): inner for g, inner in named.items()}
        head = json.dumps({"@context": context}, indent=2, ensure_ascii=False)[:-2]
        out.write(f'{head},\n  "@graph": [\n'.encode("utf-8"))
        ids = sorted(nodes.keys() | graphs.keys()) if graphs else sorted(nodes)
        for start in range(0, len(ids), 10000):  # in batches: the text of all nodes at once would double the memory
            batch = ids[start : start + 10000]
            if graphs:
                texts = [_node(_dumps(k), nodes.get(k, []), _inner_graph(c, graphs[k]) if k in graphs else "") for k in batch]
            else:
                texts = [_node(_dumps(k), nodes[k]) for k in batch]
            out.write(((",\n    " if start else "    ") + ",\n    ".join(texts)).encode("utf-8"))
        out.write(b"\n  ]\n}\n" if ids else b"  ]\n}\n")


def _inner_graph(c: Compactor, subjects: dict[bytes, list]) -> str:
    """The "@graph" member of a named graph's node: its own nodes, sorted by @id."""
    inner = {c.node_id(s.decode("utf-8")): entries for s, entries in subjects.items()}
    return f', "@graph": [{", ".join(_node(_dumps(k), inner[k]) for k in sorted(inner))}]'


def _split_graphs(subjects: dict[bytes, list], named_lines: bool) -> tuple[dict[bytes, list], dict[str, dict[bytes, list]]]:
    """The subjects' entries in the default graph, and each named graph's subjects' entries (a subject only in named graphs has no default node)."""
    if not named_lines:
        return subjects, {}
    default: dict[bytes, list] = {}
    named: dict[str, dict[bytes, list]] = {}
    for s, entries in subjects.items():
        kept = []
        for e in entries:
            if e[0] == _NAMED:
                named.setdefault(e[1], {}).setdefault(s, []).append(e[2])
            else:
                kept.append(e)
        if kept:
            default[s] = kept
    return default, named
