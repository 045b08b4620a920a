"""SPARQL query text: one lexer, and the rewrites kgtool makes before the engine (--param, GROUP_CONCAT).

Both rewrites work on tokens, never on raw text, so an IRI, a string or a comment that
happens to contain `?x` or `GROUP_CONCAT(` is never touched. They keep the query's line
breaks, so the engine's error positions still point at the user's lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import UsageError

# The SPARQL 1.1 terminals that matter here (https://www.w3.org/TR/sparql11-query/#terminals),
# longest first where two could match. Anything else is one character of punctuation.
_TOKEN = re.compile(
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
    return [Token(m.lastgroup, m.group()) for m in _TOKEN.finditer(text)]


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
    not MINUS, which must share the variable to remove anything) the variable is replaced by the term, as Jena's ParameterizedSparqlString does and as the
    SHACL spec defines pre-binding (https://www.w3.org/TR/shacl/#pre-binding); each query and
    subquery then starts its pattern with `BIND(term AS ?var)`, so that a projection, GROUP BY,
    ORDER BY or CONSTRUCT template naming the variable sees the value. A query that assigns the
    variable itself (`AS ?var`, `VALUES ?var`) cannot also have it given: UsageError.
    """
    if not values:
        return text
    toks = tokens(text)
    code = _code(toks)
    before: dict[int, str] = {}  # token index -> text inserted before it
    after: dict[int, str] = {}  # token index -> text inserted after it
    replace: dict[int, str] = {}

    def name(i: int) -> str | None:
        t = toks[i]
        return t.text[1:] if t.kind == "var" and t.text[1:] in values else None

    def refuse(var: str, how: str):
        raise UsageError(f"--param {var}: the query sets ?{var} itself ({how}); it cannot also be given with --param")

    for n, i in enumerate(code):  # a variable the query assigns itself cannot be given
        if toks[i].keyword == "AS" and n + 1 < len(code) and name(code[n + 1]):
            refuse(name(code[n + 1]), f"AS ?{name(code[n + 1])}")
        if toks[i].keyword == "VALUES":
            m = n + 1
            while m < len(code) and (toks[code[m]].kind == "var" or toks[code[m]].text == "("):
                if name(code[m]):
                    refuse(name(code[m]), f"VALUES ?{name(code[m])}")
                m += 1

    def closing(n: int) -> int:
        """The code position of the brace closing the one at code position n."""
        depth = 0
        for m in range(n, len(code)):
            c = toks[code[m]].text
            if c == "{":
                depth += 1
            elif c == "}":
                depth -= 1
                if depth == 0:
                    return m
        return len(code) - 1

    def group(n: int, bind_here: bool) -> int:
        """Rewrite the group whose '{' is at code position n; return the position of its '}'."""
        end = closing(n)
        first = n + 1
        if bind_here:
            binds = "".join(f" BIND({term} AS ?{var})" for var, term in values.items())
            if first < end and toks[code[first]].keyword == "SELECT":
                # `{ SELECT … }` is a subquery standing alone: keep it as a group beside the BINDs.
                after[code[n]] = binds + " {"
                before[code[end]] = "} "
            else:
                after[code[n]] = binds + " "
        m = first
        while m < end:
            i = code[m]
            if toks[i].keyword == "MINUS" and m + 1 < end and toks[code[m + 1]].text == "{":
                # MINUS removes the solutions compatible with its own: it must share the variable,
                # which the BIND gives the solutions it is compared with (SPARQL §8.3).
                m = closing(m + 1) + 1
                continue
            if toks[i].keyword == "SELECT":  # a subquery, inside its own `{ … }`
                m = query(m, closing_at=closing(m - 1))
                continue
            if name(i):
                replace[i] = values[name(i)]
            m += 1
        return end

    def query(n: int, closing_at: int | None = None) -> int:
        """Rewrite the query (or subquery) whose form keyword is at code position n; return where it ends."""
        form = toks[code[n]].keyword
        limit = closing_at if closing_at is not None else len(code)
        m = n + 1
        if form == "CONSTRUCT" and m < limit and toks[code[m]].text == "{":
            m = closing(m) + 1  # the template: keeps the variable, bound by the pattern's BIND
        elif form == "CONSTRUCT":  # CONSTRUCT WHERE { pattern }: the template is the pattern
            while m < limit and toks[code[m]].text != "{":
                m += 1
            end = closing(m)
            for k in range(m, end):
                if name(code[k]):
                    replace[code[k]] = values[name(code[k])]
            return end + 1
        depth = 0  # parentheses: `SELECT (EXISTS { … } AS ?e)` has a brace inside the projection
        start = m
        while m < limit and not (depth == 0 and toks[code[m]].text == "{"):
            c = toks[code[m]].text
            depth += c == "("
            depth -= c == ")"
            m += 1
        if m >= limit:  # DESCRIBE ?x with no pattern: nothing binds it, so the term takes its place
            for k in range(start, m):
                if name(code[k]):
                    replace[code[k]] = values[name(code[k])]
            return m
        end = group(m, bind_here=True)
        return limit if closing_at is not None else end + 1

    for n, i in enumerate(code):
        if toks[i].keyword in ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK"):
            query(n)
            break
    out = []
    for i, t in enumerate(toks):
        out.append(before.get(i, "") + replace.get(i, t.text) + after.get(i, ""))
    return "".join(out)
