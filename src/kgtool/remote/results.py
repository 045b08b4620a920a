"""A server's answer parsed strictly: SPARQL JSON results or N-Triples, read to the end before anything is used (a cut body is an error, not fewer rows).

Virtuoso's dialect is read as the standard: its JSON's `typed-literal` is a literal, its blank node
`nodeID://b1` is `_:b1`, its answer to ASK (a table of one variable, __ASK_RETVAL) a boolean, and an xsd:duration it keeps as a number (seconds, or months) is written
back as a duration (its canonical form: "P44D" reads back as "P44D", "P1Y2M" as "P1Y2M").
"""

from __future__ import annotations

import json
import re

import pyoxigraph as ox

from ..errors import RemoteError
from ..vocab import XSD

DURATION = XSD + "duration"
ASK = "__ASK_RETVAL"  # the one variable of Virtuoso's answer to ASK (a table, not a boolean)
_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]*)?([eE][-+]?[0-9]+)?")


def solutions(body: bytes):
    """The QuerySolutions or QueryBoolean of a SPARQL JSON results body; RemoteError if it is not whole and valid."""
    try:
        body = _standard(body)
        parsed = ox.parse_query_results(body, ox.QueryResultsFormat.JSON)
        if isinstance(parsed, ox.QuerySolutions):
            for _ in parsed:  # parsing is lazy: go through it all before the first row is used
                pass
    except (SyntaxError, ValueError) as e:
        raise RemoteError(f"the server's answer is not whole, valid SPARQL JSON results (cut off, or an error inside an HTTP 200?): {_short(e)}") from None
    return ox.parse_query_results(body, ox.QueryResultsFormat.JSON)


def triples(body: bytes) -> list:
    """The triples of an N-Triples body; RemoteError if it is not whole and valid."""
    try:
        found = [q.triple for q in ox.parse(body, ox.RdfFormat.N_TRIPLES)]
    except (SyntaxError, ValueError) as e:
        raise RemoteError(f"the server's answer is not whole, valid N-Triples (cut off, or an error inside an HTTP 200?): {_short(e)}") from None
    if DURATION.encode() not in body:
        return found
    return [ox.Triple(t.subject, t.predicate, _duration_term(t.object)) for t in found]


def _standard(body: bytes) -> bytes:
    """A SPARQL JSON results body in the standard's terms (Virtuoso's dialect rewritten; any other body as it is)."""
    if b'"typed-literal"' not in body and b'"nodeID://' not in body and DURATION.encode() not in body and f'"{ASK}"'.encode() not in body:
        return body
    data = json.loads(body)  # a ValueError (not JSON) is the caller's: not whole, valid results
    if isinstance(data, dict) and data.get("head", {}).get("vars") == [ASK] and isinstance(data.get("results"), dict):
        found = data["results"].get("bindings") or [{}]  # Virtuoso's ASK: one row of 1, or none
        value = found[0].get(ASK, {}).get("value") if isinstance(found[0], dict) else None
        return json.dumps({"head": {}, "boolean": value not in (None, "0", "false")}).encode("utf-8")
    rows = data.get("results", {}).get("bindings") if isinstance(data, dict) and isinstance(data.get("results"), dict) else None
    if not isinstance(rows, list):
        return body
    for row in rows:
        for term in row.values() if isinstance(row, dict) else ():
            if not isinstance(term, dict):
                continue
            if term.get("type") == "typed-literal":
                term["type"] = "literal"
            elif term.get("type") == "bnode" and str(term.get("value", "")).startswith("nodeID://"):
                term["value"] = term["value"][len("nodeID://"):]
            if term.get("datatype") == DURATION and isinstance(term.get("value"), str):
                term["value"] = _duration(term["value"])
    return json.dumps(data).encode("utf-8")


def _duration_term(term):
    if isinstance(term, ox.Literal) and term.datatype.value == DURATION:
        return ox.Literal(_duration(term.value), datatype=term.datatype)
    return term


def _duration(value: str) -> str:
    """An xsd:duration's lexical form from Virtuoso's number: seconds (a decimal or a double) or months (an integer)."""
    if not _NUMBER.fullmatch(value):
        return value  # a duration already (Virtuoso keeps some as they came)
    sign = "-" if value.startswith("-") else ""
    if "." not in value and "e" not in value.lower():
        months = abs(int(value))
        years, months = divmod(months, 12)
        text = (f"{years}Y" if years else "") + (f"{months}M" if months or not years else "")
        return f"{sign}P{text}"
    seconds = abs(float(value))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, rest = divmod(rest, 60)
    time = (f"{int(hours)}H" if hours else "") + (f"{int(minutes)}M" if minutes else "")
    if rest:
        time += f"{rest:.6f}".rstrip("0").rstrip(".") + "S"
    text = (f"{int(days)}D" if days else "") + (f"T{time}" if time else "")
    return f"{sign}P{text}" if text else "PT0S"


def _short(e: Exception) -> str:
    return " ".join(str(e).split())[:200]
