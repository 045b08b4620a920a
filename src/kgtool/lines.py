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
    scan = _Scan()
    line = 1
    pos = 0
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        start = m.start()
        line += text.count("\n", pos, start)
        pos = start
        if kind not in ("ws", "comment"):
            scan.token(kind, m.group(), line)
    return scan.finish()


class _Scan:
    """What the scan knows between tokens: the lines found so far, the prefixes and base, and where in a statement it is."""

    def __init__(self):
        self.lines: dict[str, int] = {}
        self.prefixes: dict[str, str] = {}
        self.base = ""
        self.expect_subject = True
        self.depth = 0  # inside [ ] or ( )
        self.directive: str | None = None  # "prefix" or "base" while reading one
        self.pending_prefix: str | None = None
        self.candidate: tuple[str, int] | None = None  # a subject, unless a '{' follows (then a TriG graph name)

    def token(self, kind: str, value: str, line: int) -> None:
        """Take one token (neither blank nor a comment), found on `line`."""
        if self.candidate is not None:
            if not (kind == "punct" and value == "{"):
                self.lines.setdefault(*self.candidate)
            self.candidate = None
        if self.directive is not None:
            self._directive(kind, value)
        elif kind == "directive" or (kind == "word" and value.upper() in ("PREFIX", "BASE") and self.expect_subject):
            self.directive = value.lstrip("@").lower()
            self.pending_prefix = None
        elif kind == "punct":
            self._punct(value)
        elif not (kind == "word" and value.upper() == "GRAPH" and self.expect_subject):
            if self.expect_subject and self.depth == 0 and kind in ("iri", "pname"):
                iri = self._iri(kind, value)
                if iri is not None:
                    self.candidate = (iri, line)
            self.expect_subject = False

    def finish(self) -> dict[str, int]:
        """Each IRI described → its line, once every token is taken."""
        if self.candidate is not None:
            self.lines.setdefault(*self.candidate)
        return self.lines

    def _directive(self, kind: str, value: str) -> None:
        """A token of @prefix, @base, PREFIX or BASE: the prefix name, then the IRI that ends it."""
        if kind == "pname" and self.directive == "prefix":
            self.pending_prefix = value[:-1] if value.endswith(":") else value.split(":", 1)[0]
        elif kind == "iri":
            iri = _resolve(self.base, value[1:-1])
            if self.directive == "prefix" and self.pending_prefix is not None:
                self.prefixes[self.pending_prefix] = iri
            elif self.directive == "base":
                self.base = iri
            self.directive = None
            self.expect_subject = True

    def _punct(self, value: str) -> None:
        """Brackets nest (and what follows [ or ( is no subject); '.', '{' and '}' end a statement outside them."""
        if value in "[(":
            self.depth += 1
            self.expect_subject = False
        elif value in "])":
            self.depth = max(0, self.depth - 1)
        elif value in ".{}" and self.depth == 0:
            self.expect_subject = True

    def _iri(self, kind: str, value: str) -> str | None:
        """The IRI of an <IRI> or a prefixed name; None for an undeclared prefix."""
        if kind == "iri":
            return _resolve(self.base, value[1:-1])
        prefix, _, local = value.partition(":")
        if prefix in self.prefixes:
            return self.prefixes[prefix] + re.sub(r"\\(.)", r"\1", local)
        return None
