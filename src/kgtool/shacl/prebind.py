"""Pre-binding for SHACL-SPARQL (https://www.w3.org/TR/shacl/#pre-binding), as a rewrite of the query's tokens.

The spec joins the pre-bound values to every group of the query, so that they reach FILTER,
BIND, nested groups and subqueries alike. The rewrite does just that: each group that names a
pre-bound variable (and always the outermost one) starts with

    GRAPH <urn:kgtool:shacl:bindings> { ?kgtoolRow <…:this> ?this ; … }

a pattern over a small named graph holding one row of values per focus node (or per focus and
value node). This works for every term, blank nodes included, which no text substitution can
write. When the query has no subquery, aggregate or slice, one query serves every row at once
(?kgtoolRow tells them apart); otherwise it runs once per row. Queries the spec forbids
(MINUS, VALUES, SERVICE, `AS ?prebound`, a subquery not returning a pre-bound variable) are
refused with a ShapeError, as the W3C tests expect.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyoxigraph as ox

from .. import querytext
from . import ShapeError
from .vocab import WELL_KNOWN

BINDINGS = "urn:kgtool:shacl:bindings"  # the named graph of the rows
VARIABLE = "urn:kgtool:shacl:var:"  # ?row <VARIABLE + name> value
ROW = "kgtoolRow"
FORBIDDEN = ("MINUS", "VALUES", "SERVICE")
_AGGREGATES = ("COUNT", "SUM", "MIN", "MAX", "AVG", "SAMPLE", "GROUP_CONCAT")
_SLICES = ("GROUP", "HAVING", "LIMIT", "OFFSET")
# Pre-bound variables a subquery need not return (https://www.w3.org/TR/shacl/#pre-binding)
_OPTIONAL_IN_SUBQUERIES = ("shapesGraph", "currentShape")


@dataclass
class Prepared:
    """A query ready to run against the rows of pre-bound values."""

    text: str
    batched: bool  # one query for every row (its solutions carry ?kgtoolRow)
    ask: bool  # an ASK query, run as a SELECT of the rows with a solution
    names: tuple = ("this",)  # the pre-bound variables the rows give it: those the query names, and always $this


def injection(names) -> str:
    """The pattern that binds the pre-bound variables of the current row."""
    triples = " ; ".join(f"<{VARIABLE}{n}> ?{n}" for n in names)
    return f" GRAPH <{BINDINGS}> {{ ?{ROW} {triples} }} "


@dataclass
class _Group:
    at: int  # token index of its "{"
    wrapper: bool  # `{ SELECT … }`: the braces around a subquery, which may hold nothing else
    filtering: bool  # inside FILTER (EXISTS { … }): names there bind nothing
    mentions: bool = False  # names a pre-bound variable (itself or a nested group)
    binds: set | None = None  # for a subquery's body: the pre-bound variables it binds


def head(prefixes: dict[str, str]) -> str:
    """PREFIX lines for the declarations of sh:prefixes."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in prefixes.items())


def check_syntax(text: str, prefixes: dict[str, str], where: str) -> None:
    """ShapeError, in one line with the query's own line and column, if the query does not parse."""
    try:
        ox.Store().query(head(prefixes) + text, prefixes=WELL_KNOWN)
    except SyntaxError as e:
        m = re.match(r"error at (\d+):(\d+): (.*)", str(e), re.S)
        if m is None:
            raise ShapeError(f"{where}: bad SPARQL: {' '.join(str(e).split())[:200]}") from None
        line, column = int(m.group(1)) - len(prefixes), int(m.group(2))
        known = set(prefixes) | set(WELL_KNOWN) | {t.text[:-1] for t in querytext.tokens(text) if t.kind == "pname" and t.text.endswith(":")}
        lines = text.splitlines()
        names = querytext.tokens(lines[line - 1]) if 0 < line <= len(lines) else []
        missing = [t.text.partition(":")[0] for t in names if t.kind == "pname" and not t.text.startswith("_:") and t.text.partition(":")[0] not in known]
        if missing:
            problem = f"the prefix '{missing[0]}:' is not declared; declare it with sh:prefixes (https://www.w3.org/TR/shacl/#sparql-prefixes)"
        else:
            problem = " ".join(m.group(3).split())
            problem = problem if len(problem) < 120 else problem[:120] + "…"
        raise ShapeError(f"{where}: bad SPARQL at line {line}, column {column}: {problem}") from None


def prepare(text: str, prebound: list[str], where: str, prefixes: dict[str, str], path: str | None = None, ask: bool = False) -> Prepared:
    """Rewrite a sh:select or sh:ask query so that `prebound` variables hold the row's values; ShapeError if the spec forbids it.

    `prefixes` are the declarations of its sh:prefixes; `path` is the SPARQL path substituted
    for $PATH (https://www.w3.org/TR/shacl/#sparql-constraints-path); `where` names the query
    in error messages.
    """
    check_syntax(text, prefixes, where)
    rewrite = _Rewrite(text, prebound, where, path, ask)
    for n, i in enumerate(rewrite.code):
        rewrite.token(n, i)
    return rewrite.result(prefixes)


class _Rewrite:
    """One pass over a query's tokens: what each token is replaced by or followed by, and whether one query serves every row."""

    def __init__(self, text: str, prebound: list[str], where: str, path: str | None, ask: bool):
        self.toks = querytext.tokens(text)
        self.code = [i for i, t in enumerate(self.toks) if t.kind not in ("ws", "comment")]
        self.prebound, self.names = prebound, set(prebound)
        # A pre-bound variable the query never names changes none of its solutions: it is left out of the rows.
        named = {t.text[1:] for t in self.toks if t.kind == "var"}
        self.injected = tuple(n for n in prebound if n == "this" or n in named)
        self.where, self.path, self.ask = where, path, ask
        self.replace: dict[int, str] = {}
        self.after: dict[int, str] = {}
        self.form = None
        self.groups: list[_Group] = []  # open groups
        self.subqueries: list[tuple[_Group, set, bool]] = []  # (body, projected names, SELECT *)
        self.pending_filter = False
        self.paren_filters: list[int] = []  # parenthesis depths at which a FILTER or BIND expression opened
        self.parens = 0
        self.batched = True
        self.projection_end = None  # token index after which ?kgtoolRow goes (outermost SELECT [DISTINCT|REDUCED])

    def refuse(self, problem: str) -> ShapeError:
        """The ShapeError for a query the spec's pre-binding forbids."""
        return ShapeError(f"{self.where}: {problem} (https://www.w3.org/TR/shacl/#pre-binding)")

    def token(self, n: int, i: int) -> None:
        """Take the n-th token of code (toks[i])."""
        t = self.toks[i]
        word = t.keyword
        nxt = self.toks[self.code[n + 1]] if n + 1 < len(self.code) else None
        if t.kind == "var" and t.text[1:] == "PATH":
            if self.path is None:
                raise ShapeError(f"{self.where}: $PATH is only for the SPARQL queries of property shapes")
            self.replace[i] = self.path
        elif word in FORBIDDEN:
            raise self.refuse(f"SHACL-SPARQL queries may not use {word}")
        elif word == "AS" and nxt is not None and nxt.kind == "var" and nxt.text[1:] in self.names:
            raise self.refuse(f"the query assigns the pre-bound variable {nxt.text} (AS {nxt.text})")
        else:
            if word in _SLICES or (word in _AGGREGATES and nxt is not None and nxt.text == "("):
                self.batched = False
            self._structure(n, i, t, word, nxt)

    def _structure(self, n: int, i: int, t, word, nxt) -> None:
        """Follow the query form, subqueries, FILTER and BIND expressions, groups and mentions of pre-bound variables."""
        if self.form is None and word in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
            self._form(n, i, word, nxt)
        elif word == "SELECT":
            self._subquery(n)
        elif word in ("FILTER", "BIND"):
            self.pending_filter = True
        elif t.text == "(":
            self.parens += 1
            if self.pending_filter:
                self.paren_filters.append(self.parens)
                self.pending_filter = False
        elif t.text == ")":
            if self.paren_filters and self.paren_filters[-1] == self.parens:
                self.paren_filters.pop()
            self.parens -= 1
        elif t.text == "{":
            self._open(i, nxt)
        elif t.text == "}":
            self._close()
        elif t.kind == "var" and t.text[1:] in self.names:
            self._mention(t.text[1:])

    def _form(self, n: int, i: int, word: str, nxt) -> None:
        """The outermost query form: refused unless SELECT (or ASK, if asked for); where ?kgtoolRow goes."""
        self.form = word
        if word != ("ASK" if self.ask else "SELECT"):
            raise ShapeError(f"{self.where}: the query must be {'an ASK' if self.ask else 'a SELECT'} query, not {word}")
        if self.ask:
            self.replace[i] = f"SELECT DISTINCT ?{ROW}"
            return
        self.projection_end = i
        if nxt is not None and nxt.keyword in ("DISTINCT", "REDUCED"):
            self.projection_end = self.code[n + 1]
        if nxt is not None and nxt.text == "*":
            self.projection_end = None

    def _subquery(self, n: int) -> None:
        """A subquery's SELECT: the names it projects (and whether it is SELECT *); its body is the next group opened."""
        toks, code = self.toks, self.code
        self.batched = False
        projected, star, m, depth = set(), False, n + 1, 0
        while m < len(code) and not (depth == 0 and toks[code[m]].text == "{"):
            u = toks[code[m]]
            depth += (u.text == "(") - (u.text == ")")
            star |= u.text == "*" and depth == 0
            if u.kind == "var" and (depth == 0 or toks[code[m - 1]].keyword == "AS"):
                projected.add(u.text[1:])
            m += 1
        self.subqueries.append((None, projected, star))

    def _open(self, i: int, nxt) -> None:
        """A group opens: inside a FILTER or BIND expression or not, and the body of the pending subquery if there is one."""
        filtering = self.pending_filter or bool(self.paren_filters) or any(g.filtering for g in self.groups)
        self.pending_filter = False
        group = _Group(i, wrapper=nxt is not None and nxt.keyword == "SELECT", filtering=filtering)
        if self.subqueries and self.subqueries[-1][0] is None:
            group.binds = set()
            self.subqueries[-1] = (group, self.subqueries[-1][1], self.subqueries[-1][2])
        self.groups.append(group)

    def _close(self) -> None:
        """A group closes: it gets the pattern of the row if it names a pre-bound variable, or is the outermost one."""
        group = self.groups.pop()
        # A group inside FILTER (NOT) EXISTS is evaluated with the enclosing solution substituted,
        # and every enclosing group binds the row already: it needs no pattern of its own.
        if (group.mentions and not group.filtering) or not self.groups:  # the outermost group always binds: it gives ?kgtoolRow
            if not group.wrapper:
                self.after[group.at] = injection(self.injected)
        if self.groups and group.mentions:
            self.groups[-1].mentions = True

    def _mention(self, name: str) -> None:
        """A pre-bound variable named: every open group mentions it, and a subquery body outside filters binds it."""
        for g in self.groups:
            g.mentions = True
            if g.binds is not None and not self.paren_filters and not any(h.filtering for h in self.groups):
                g.binds.add(name)

    def result(self, prefixes: dict[str, str]) -> Prepared:
        """The rewritten query, once every token is taken; ShapeError if it has no query form or a subquery drops a pre-bound variable."""
        if self.form is None:
            raise ShapeError(f"{self.where}: no {'ASK' if self.ask else 'SELECT'} query")
        required = self.names - set(_OPTIONAL_IN_SUBQUERIES)
        for body, projected, star in self.subqueries:
            returned = projected | (body.binds if star and body is not None else set())
            missing = sorted(required - returned)
            if missing:
                raise self.refuse(f"a subquery must return the pre-bound variable ?{missing[0]}")
        toks, code, after = self.toks, self.code, self.after
        if self.batched and self.projection_end is not None:
            after[self.projection_end] = after.get(self.projection_end, "") + f" ?{ROW} "
        if self.ask and not self.batched:
            self.replace[code[next(n for n, i in enumerate(code) if toks[i].keyword == "ASK")]] = "SELECT (1 AS ?kgtoolAsk)"
        out = "".join(self.replace.get(i, t.text) + after.get(i, "") for i, t in enumerate(toks))
        return Prepared(head(prefixes) + out, self.batched, self.ask, self.injected)
