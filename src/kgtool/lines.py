"""Where a Turtle, TriG, N-Triples or N-Quads document first describes each IRI: `subject_lines`, a small scanner of the Turtle family."""

from __future__ import annotations

import re
from urllib.parse import urljoin

# The formats (names in the format table) whose files can be scanned for lines.
FORMATS = ("turtle", "nt", "nq", "trig")
_PN_CHARS = r"[\w\-\u00B7\u0300-\u036F\u203F-\u2040]"
_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n]*)
  | (?P<long>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*''')
  | (?P<string>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\s]*(?:\\u[0-9A-Fa-f]{4}[^<>"{}|^`\\\s]*|\\U[0-9A-Fa-f]{8}[^<>"{}|^`\\\s]*)*>)
  | (?P<directive>@prefix\b|@base\b)
  | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<bnode>_:(?:%s|\.(?=%s))*)
  | (?P<pname>(?:[A-Za-z\u00C0-\uFFFF](?:%s|\.(?=%s))*)?:(?:(?:%s|:|%%[0-9A-Fa-f]{2}|\\.)|\.(?=(?:%s|:|%%|\\)))*)
  | (?P<number>[+-]?(?:\d*\.\d+|\d+)(?:[eE][+-]?\d+)?)
  | (?P<word>[A-Za-z]+)
  | (?P<punct>\^\^|[.;,\[\](){}])
  | (?P<other>.)
    """
    % ((_PN_CHARS,) * 6),
    re.VERBOSE | re.DOTALL,
)
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def _unescape_iri(text: str) -> str:
    return _ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), text)


def _resolve(base: str, ref: str) -> str:
    """`ref` resolved against `base` (RFC 3986), keeping an empty fragment as N-Triples writes it."""
    ref = _unescape_iri(ref)
    if not base or re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", ref):
        return ref
    out = urljoin(base, ref)
    return out + "#" if ref.endswith("#") and not out.endswith("#") else out


def subject_lines(text: str) -> dict[str, int]:
    """For a Turtle, TriG, N-Triples or N-Quads document: each IRI it describes → the line where it is first a subject.

    Only the first term of a statement is a subject (https://www.w3.org/TR/turtle/#grammar-production-triples);
    a node that appears only as an object, or inside [ ... ], has no line.
    """
    lines: dict[str, int] = {}
    prefixes: dict[str, str] = {}
    base = ""
    expect_subject = True
    depth = 0  # inside [ ] or ( )
    directive: str | None = None  # "prefix" or "base" while reading one
    pending_prefix: str | None = None
    candidate: tuple[str, int] | None = None  # a subject, unless a '{' follows (then a TriG graph name)
    line = 1
    pos = 0
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        value = m.group()
        start = m.start()
        line += text.count("\n", pos, start)
        pos = start
        if kind in ("ws", "comment"):
            continue
        if candidate is not None:
            if not (kind == "punct" and value == "{"):
                lines.setdefault(*candidate)
            candidate = None
        if directive is not None:
            if kind == "pname" and directive == "prefix":
                pending_prefix = value[:-1] if value.endswith(":") else value.split(":", 1)[0]
            elif kind == "iri":
                iri = _resolve(base, value[1:-1])
                if directive == "prefix" and pending_prefix is not None:
                    prefixes[pending_prefix] = iri
                elif directive == "base":
                    base = iri
                directive = None
                expect_subject = True
            continue
        if kind == "directive" or (kind == "word" and value.upper() in ("PREFIX", "BASE") and expect_subject):
            directive = value.lstrip("@").lower()
            pending_prefix = None
            continue
        if kind == "punct":
            if value in "[(":
                depth += 1
                expect_subject = False
            elif value in "])":
                depth = max(0, depth - 1)
            elif value in ".{}" and depth == 0:
                expect_subject = True
            continue
        if kind == "word" and value.upper() == "GRAPH" and expect_subject:
            continue
        if expect_subject and depth == 0 and kind in ("iri", "pname"):
            iri = None
            if kind == "iri":
                iri = _resolve(base, value[1:-1])
            else:
                prefix, _, local = value.partition(":")
                if prefix in prefixes:
                    iri = prefixes[prefix] + re.sub(r"\\(.)", r"\1", local)
            if iri is not None:
                candidate = (iri, line)
        expect_subject = False
    if candidate is not None:
        lines.setdefault(*candidate)
    return lines
