"""A server's answer parsed strictly: SPARQL JSON results or N-Triples, read to the end before anything is used (a cut body is an error, not fewer rows)."""

from __future__ import annotations

import pyoxigraph as ox

from ..errors import RemoteError


def solutions(body: bytes):
    """The QuerySolutions or QueryBoolean of a SPARQL JSON results body; RemoteError if it is not whole and valid."""
    try:
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
        return [q.triple for q in ox.parse(body, ox.RdfFormat.N_TRIPLES)]
    except (SyntaxError, ValueError) as e:
        raise RemoteError(f"the server's answer is not whole, valid N-Triples (cut off, or an error inside an HTTP 200?): {_short(e)}") from None


def _short(e: Exception) -> str:
    return " ".join(str(e).split())[:200]
