"""SPARQL query text: one lexer, and the rewrites kgtool makes before the engine (--param, GROUP_CONCAT).

Both rewrites work on tokens, never on raw text, so an IRI, a string or a comment that
happens to contain `?x` or `GROUP_CONCAT(` is never touched. They keep the query's line
breaks, so the engine's error positions still point at the user's lines.
"""

from __future__ import annotations

import re
from functools import lru_cache
from dataclasses import dataclass

from .errors import UsageError

# The SPARQL 1.1 terminals that matter here (https://www.w3.org/TR/sparql11-query/#terminals),
# longest first where two could match. Anything else is one character of punctuation.
_TOKEN = (  # compiled on first use (~2 ms): a query with no --param, FROM or GROUP_CONCAT never lexes
    r"""
      (?P<ws>\s+)
    | (?P<comment>\#[^\n]*)
    | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<var>[?$][\w\u00B7\u0300-\u036F\u203F-\u2040]+)
    | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
    | (?P<pname>(?:[A-Za-z_][\w.-]*)?:(?:[\w:%-]|\\.|\.(?=[\w:%\\-]))*)
    | (?P<number>[0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?)
    | (?P<word>[A-Za-z_][\w-]*)
    | (?P<punct>\^\^|&&|\|\||!=|<=|>=|.)
    """,
    re.X | re.S,
)


@lru_cache(maxsize=None)
def _token_re() -> re.Pattern:
    return re.compile(*_TOKEN)


@dataclass
class Token:
    kind: str  # ws, comment, string, iri, var, lang, pname, number, word, punct
    text: str

    @property
    def keyword(self) -> str:
        """The upper-cased word (SELECT, WHERE, ...), or '' for any other token."""
        return self.text.upper() if self.kind == "word" else ""


def tokens(text: str) -> list[Token]:
    """The query's tokens, whitespace and comments included (joining them gives the text back)."""
    return [Token(m.lastgroup, m.group()) for m in _token_re().finditer(text)]


def _code(toks: list[Token]) -> list[int]:
    """Indexes of the tokens that are not whitespace or comments."""
    return [i for i, t in enumerate(toks) if t.kind not in ("ws", "comment")]


# --------------------------------------------------------------------------------------
# GROUP_CONCAT returns a simple literal
# --------------------------------------------------------------------------------------
def simple_group_concat(text: str) -> str:
    """`GROUP_CONCAT(...)` wrapped in `STR(...)`: its result is a simple literal, as SPARQL 1.1 §18.5.1.7 says.

    Oxigraph keeps the language tag when every value shares it (W3C agg-groupconcat-04). STR of
    a string literal is the simple literal with the same lexical form, and STR of an error is an
    error, so nothing else changes.
    """
    if "group_concat" not in text.lower():  # every query passes here: most need no lexing
        return text
    toks = tokens(text)
    code = _code(toks)
    opened: dict[int, str] = {}  # index of a GROUP_CONCAT's token -> text to add before it
    closes: dict[int, str] = {}  # index of its closing parenthesis -> text to add after it
    for n, i in enumerate(code):
        if toks[i].keyword == "GROUP_CONCAT" and n + 1 < len(code) and toks[code[n + 1]].text == "(":
            depth = 0
            for j in code[n + 1:]:
                if toks[j].text == "(":
                    depth += 1
                elif toks[j].text == ")":
                    depth -= 1
                    if depth == 0:
                        opened[i] = opened.get(i, "") + "STR("
                        closes[j] = closes.get(j, "") + ")"
                        break
    if not opened:
        return text
    return "".join(opened.get(i, "") + t.text + closes.get(i, "") for i, t in enumerate(toks))


# --------------------------------------------------------------------------------------
# --param: bind a variable wherever it occurs
# --------------------------------------------------------------------------------------
def bind(text: str, values: dict[str, str]) -> str:
    """The query with each variable of `values` (name -> a SPARQL term's text) bound wherever it occurs.

    Inside every WHERE pattern (nested groups, FILTER, BIND expressions, EXISTS, subqueries;
    not MINUS, which must share the variable to remove anything) the variable is replaced by the term,
    as Jena's ParameterizedSparqlString does and as the
    SHACL spec defines pre-binding (https://www.w3.org/TR/shacl/#pre-binding); each query and
    subquery then starts its pattern with `BIND(term AS ?var)`, so that a projection, GROUP BY,
    ORDER BY or CONSTRUCT template naming the variable sees the value. A query that assigns the
    variable itself (`AS ?var`, `VALUES ?var`) cannot also have it given: UsageError.
    """
    return _Binder(text, values).text() if values else text


class _Binder:
    """One rewrite of `bind`: where to insert, and what to replace, by token index."""

    def __init__(self, text: str, values: dict[str, str]):
        self.values = values
        self.toks = tokens(text)
        self.code = _code(self.toks)  # token indexes of the code; "positions" below index this list
        self.before: dict[int, str] = {}  # token index -> text inserted before it
        self.after: dict[int, str] = {}  # token index -> text inserted after it
        self.replace: dict[int, str] = {}

    def text(self) -> str:
        self._refuse_assignments()
        for n, i in enumerate(self.code):
            if self.toks[i].keyword in ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK"):
                self._query(n, len(self.code))
                break
        return "".join(self.before.get(i, "") + self.replace.get(i, t.text) + self.after.get(i, "") for i, t in enumerate(self.toks))

    # -- tokens ---------------------------------------------------------------------------
    def _tok(self, n: int) -> Token:
        return self.toks[self.code[n]]

    def _name(self, n: int) -> str | None:
        """The name of the bound variable at position n, if it is one."""
        t = self._tok(n)
        return t.text[1:] if t.kind == "var" and t.text[1:] in self.values else None

    def _closing(self, n: int) -> int:
        """The position of the brace closing the one at position n."""
        depth = 0
        for m in range(n, len(self.code)):
            depth += {"{": 1, "}": -1}.get(self._tok(m).text, 0)
            if depth == 0:
                return m
        return len(self.code) - 1

    def _substitute(self, lo: int, hi: int) -> None:
        """Replace the bound variables between positions lo and hi by their terms."""
        for m in range(lo, hi):
            if self._name(m):
                self.replace[self.code[m]] = self.values[self._name(m)]

    def _refuse_assignments(self) -> None:
        """A variable the query assigns itself (`AS ?var`, `VALUES ?var`) cannot also be given."""
        for n in range(len(self.code)):
            word = self._tok(n).keyword
            if word == "AS" and n + 1 < len(self.code) and self._name(n + 1):
                self._refuse(self._name(n + 1), "AS")
            m = n + 1
            while word == "VALUES" and m < len(self.code) and (self._tok(m).kind == "var" or self._tok(m).text == "("):
                if self._name(m):
                    self._refuse(self._name(m), "VALUES")
                m += 1

    @staticmethod
    def _refuse(var: str, how: str):
        raise UsageError(f"--param {var}: the query sets ?{var} itself ({how} ?{var}); it cannot also be given with --param")

    # -- the query's structure ----------------------------------------------------------------
    def _query(self, n: int, limit: int) -> int:
        """Rewrite the (sub)query whose form keyword is at position n, within `limit`; return where it ends."""
        form, m = self._tok(n).keyword, n + 1
        if form == "CONSTRUCT" and m < limit and self._tok(m).text == "{":
            m = self._closing(m) + 1  # the template keeps the variable, bound by the pattern's BIND
        elif form == "CONSTRUCT":  # CONSTRUCT WHERE { pattern }: the template is the pattern
            while m < limit and self._tok(m).text != "{":
                m += 1
            self._substitute(m, self._closing(m))
            return self._closing(m) + 1
        start, depth = m, 0  # parentheses: `SELECT (EXISTS { … } AS ?e)` has a brace in the projection
        while m < limit and not (depth == 0 and self._tok(m).text == "{"):
            depth += {"(": 1, ")": -1}.get(self._tok(m).text, 0)
            m += 1
        if m >= limit:  # DESCRIBE ?x with no pattern: nothing binds it, so the term takes its place
            self._substitute(start, m)
            return m
        return self._group(m) + 1

    def _group(self, n: int) -> int:
        """Rewrite a query's pattern, the group whose '{' is at position n; return the position of its '}'."""
        end = self._closing(n)
        binds = "".join(f" BIND({term} AS ?{var})" for var, term in self.values.items())
        if n + 1 < end and self._tok(n + 1).keyword == "SELECT":
            # `{ SELECT … }` is a subquery standing alone: keep it as a group beside the BINDs.
            self.after[self.code[n]] = binds + " {"
            self.before[self.code[end]] = "} "
        else:
            self.after[self.code[n]] = binds + " "
        m = n + 1
        while m < end:
            word = self._tok(m).keyword
            if word == "MINUS" and m + 1 < end and self._tok(m + 1).text == "{":
                # MINUS removes the solutions compatible with its own: it must share the variable,
                # which the BIND gives the solutions it is compared with (SPARQL §8.3).
                m = self._closing(m + 1) + 1
            elif word == "SELECT":  # a subquery, inside its own `{ … }`; its modifiers keep the variable
                self._query(m, self._closing(m - 1))
                m = self._closing(m - 1)
            else:
                self._substitute(m, m + 1)
                m += 1
        return end
