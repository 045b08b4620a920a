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
    toks = querytext.tokens(text)
    code = [i for i, t in enumerate(toks) if t.kind not in ("ws", "comment")]
    names = set(prebound)
    replace: dict[int, str] = {}
    after: dict[int, str] = {}

    def refuse(problem: str) -> ShapeError:
        return ShapeError(f"{where}: {problem} (https://www.w3.org/TR/shacl/#pre-binding)")

    form = None
    groups: list[_Group] = []  # open groups
    subqueries: list[tuple[_Group, set, bool]] = []  # (body, projected names, SELECT *)
    pending_filter = False
    paren_filters: list[int] = []  # parenthesis depths at which a FILTER or BIND expression opened
    parens = 0
    batched = True
    projection_end = None  # token index after which ?kgtoolRow goes (outermost SELECT [DISTINCT|REDUCED])
    for n, i in enumerate(code):
        t = toks[i]
        word = t.keyword
        nxt = toks[code[n + 1]] if n + 1 < len(code) else None
        if t.kind == "var" and t.text[1:] == "PATH":
            if path is None:
                raise ShapeError(f"{where}: $PATH is only for the SPARQL queries of property shapes")
            replace[i] = path
            continue
        if word in FORBIDDEN:
            raise refuse(f"SHACL-SPARQL queries may not use {word}")
        if word == "AS" and nxt is not None and nxt.kind == "var" and nxt.text[1:] in names:
            raise refuse(f"the query assigns the pre-bound variable {nxt.text} (AS {nxt.text})")
        if word in _SLICES or (word in _AGGREGATES and nxt is not None and nxt.text == "("):
            batched = False
        if form is None and word in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
            form = word
            if form != ("ASK" if ask else "SELECT"):
                raise ShapeError(f"{where}: the query must be {'an ASK' if ask else 'a SELECT'} query, not {form}")
            if ask:
                replace[i] = f"SELECT DISTINCT ?{ROW}"
            else:
                projection_end = i
                if nxt is not None and nxt.keyword in ("DISTINCT", "REDUCED"):
                    projection_end = code[n + 1]
                if nxt is not None and nxt.text == "*":
                    projection_end = None
            continue
        if word == "SELECT":  # a subquery
            batched = False
            projected, star, m, depth = set(), False, n + 1, 0
            while m < len(code) and not (depth == 0 and toks[code[m]].text == "{"):
                u = toks[code[m]]
                depth += (u.text == "(") - (u.text == ")")
                star |= u.text == "*" and depth == 0
                if u.kind == "var" and (depth == 0 or toks[code[m - 1]].keyword == "AS"):
                    projected.add(u.text[1:])
                m += 1
            subqueries.append((None, projected, star))  # its body is the next group opened
            continue
        if word in ("FILTER", "BIND"):
            pending_filter = True
            continue
        if t.text == "(":
            parens += 1
            if pending_filter:
                paren_filters.append(parens)
                pending_filter = False
            continue
        if t.text == ")":
            if paren_filters and paren_filters[-1] == parens:
                paren_filters.pop()
            parens -= 1
            continue
        if t.text == "{":
            filtering = pending_filter or bool(paren_filters) or any(g.filtering for g in groups)
            pending_filter = False
            group = _Group(i, wrapper=nxt is not None and nxt.keyword == "SELECT", filtering=filtering)
            if subqueries and subqueries[-1][0] is None:
                group.binds = set()
                subqueries[-1] = (group, subqueries[-1][1], subqueries[-1][2])
            groups.append(group)
            continue
        if t.text == "}":
            group = groups.pop()
            if group.mentions or not groups:  # the outermost group always binds: it gives ?kgtoolRow
                if not group.wrapper:
                    after[group.at] = injection(prebound)
            if groups and group.mentions:
                groups[-1].mentions = True
            continue
        if t.kind == "var" and t.text[1:] in names:
            for g in groups:
                g.mentions = True
                if g.binds is not None and not paren_filters and not any(h.filtering for h in groups):
                    g.binds.add(t.text[1:])
    if form is None:
        raise ShapeError(f"{where}: no {'ASK' if ask else 'SELECT'} query")
    required = names - set(_OPTIONAL_IN_SUBQUERIES)
    for body, projected, star in subqueries:
        returned = projected | (body.binds if star and body is not None else set())
        missing = sorted(required - returned)
        if missing:
            raise refuse(f"a subquery must return the pre-bound variable ?{missing[0]}")
    if batched and projection_end is not None:
        after[projection_end] = after.get(projection_end, "") + f" ?{ROW} "
    if ask and not batched:
        replace[code[next(n for n, i in enumerate(code) if toks[i].keyword == "ASK")]] = "SELECT (1 AS ?kgtoolAsk)"
    out = "".join(replace.get(i, t.text) + after.get(i, "") for i, t in enumerate(toks))
    return Prepared(head(prefixes) + out, batched, ask)
