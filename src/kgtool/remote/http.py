"""A small SPARQL 1.1 Protocol and Graph Store client on httpx: strict bodies, timeouts, credentials from the environment or ~/.netrc."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Iterable, Iterator
from urllib.parse import urlsplit, urlunsplit

import httpx

from ..errors import QueryError, QueryTimeout, RemoteError, UsageError

USER_VARIABLE = "KGTOOL_USER"
PASSWORD_VARIABLE = "KGTOOL_PASSWORD"
AUTH_METHODS = ("none", "basic", "digest")
# A dataset with no named graph: the SPARQL Protocol gives no way to say "none", and a server
# that is given only default-graph-uri may let GRAPH see all its graphs; this one holds nothing.
NO_GRAPH = "urn:kgtool:graph:none"
JSON_RESULTS = "application/sparql-results+json"
N_TRIPLES = "application/n-triples"
N_QUADS = "application/n-quads"


def public(url: str) -> str:
    """The URL without user:password@ (what errors may show)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host += f":{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, parts.query, ""))


def credentials(url: str) -> tuple[str, str] | None:
    """(user, password) from $KGTOOL_USER/$KGTOOL_PASSWORD, else from ~/.netrc for the URL's host, else None."""
    user, password = os.environ.get(USER_VARIABLE), os.environ.get(PASSWORD_VARIABLE)
    if user is not None or password is not None:
        return user or "", password or ""
    import netrc

    try:
        entry = netrc.netrc().authenticators(urlsplit(url).hostname or "")
    except (OSError, netrc.NetrcParseError):
        return None
    if entry is None:
        return None
    login, _account, secret = entry
    return login or "", secret or ""


@dataclass
class Endpoints:
    """Where a server answers: SPARQL query and update, the Graph Store (optional), and how to authenticate."""

    query: str
    update: str | None = None
    store: str | None = None  # Graph Store Protocol: push POSTs each graph to it (?graph=IRI), or the dataset (Oxigraph's /store)
    auth: str = "none"  # none | basic | digest
    timeout: float = 60.0  # seconds, for every request unless the caller gives its own
    graphs: dict[str, str] = field(default_factory=dict)  # kgtool's graph IRI -> the server's, where they differ
    bulk: bool = False  # the store endpoint is Oxigraph's: load without a transaction (~30 % faster; push writes its meta graph last anyway)
    dataset: bool = False  # the store endpoint takes a whole dataset as N-Quads (Oxigraph's /store); else one graph per request

    @classmethod
    def oxigraph(cls, url: str) -> Endpoints:
        """The endpoints of an Oxigraph server at `url` (/query, /update, /store)."""
        base = url.rstrip("/")
        return cls(query=base + "/query", update=base + "/update", store=base + "/store", auth="auto", bulk=True, dataset=True)


class Client:
    """Requests to one server; every failure becomes one line of RemoteError (or QueryError, QueryTimeout)."""

    def __init__(self, endpoints: Endpoints):
        self.endpoints = endpoints
        for url in (endpoints.query, endpoints.update, endpoints.store):
            if url and (urlsplit(url).username or urlsplit(url).password):
                raise UsageError(
                    f"{public(url)}: credentials do not go in the URL; set ${USER_VARIABLE} and ${PASSWORD_VARIABLE} or use ~/.netrc"
                )
        self._http: httpx.Client | None = None

    @property
    def http(self) -> httpx.Client:
        if self._http is None:
            self._http = httpx.Client(auth=self._auth(), timeout=self.endpoints.timeout, trust_env=False, follow_redirects=False)
        return self._http

    def _auth(self) -> httpx.Auth | None:
        method = self.endpoints.auth
        found = credentials(self.endpoints.query)
        if method == "auto":  # a bare URL: basic when credentials are given, else none
            method = "basic" if found else "none"
        if method == "none":
            return None
        if method not in AUTH_METHODS:
            raise UsageError(f"unknown auth method '{method}' (known: {', '.join(AUTH_METHODS)})")
        if found is None:
            return None  # reading may need none; a server that asks says so (HTTP 401: one line on what to set)
        return httpx.BasicAuth(*found) if method == "basic" else httpx.DigestAuth(*found)

    def close(self) -> None:
        if self._http is not None:
            self._http.close()

    # -- requests ------------------------------------------------------------------------
    def _send(self, method: str, url: str, what: str, timeout: float | None = None, **kwargs) -> tuple[bytes, str]:
        """The whole body of a 2xx answer and its media type; anything else is an error (the body is read to its end: httpx
        checks it against Content-Length and chunked framing, so a cut connection is an error too)."""
        try:
            extra = {} if timeout is None else {"timeout": httpx.Timeout(timeout if timeout > 0 else None)}
            response = self.http.request(method, url, **kwargs, **extra)
            body = response.read()
        except httpx.TimeoutException:
            limit = timeout if timeout is not None else self.endpoints.timeout
            hint = "use --timeout to allow longer" if what == "the query" else "a config file's timeout allows longer"
            raise QueryTimeout(f"the server at {public(url)} did not answer {what} within {limit:g} s ({hint})") from None
        except httpx.HTTPError as e:
            raise RemoteError(f"cannot reach the server at {public(url)}: {_reason(e)}") from None
        status = response.status_code
        if 200 <= status < 300:
            return body, response.headers.get("content-type", "").split(";")[0].strip().lower()
        if status in (401, 403):
            if self.http.auth is None:
                raise RemoteError(f"the server at {public(url)} asks for credentials (HTTP {status}); set ${USER_VARIABLE} and ${PASSWORD_VARIABLE}, or add its host to ~/.netrc")
            raise RemoteError(f"the server at {public(url)} refused the credentials (HTTP {status}); check ${USER_VARIABLE}/${PASSWORD_VARIABLE} or ~/.netrc")
        message = _first_line(body)
        if status == 400 and what == "the query":
            raise QueryError(f"the server refused the query: {message}")
        if status == 404:
            raise RemoteError(f"no SPARQL endpoint at {public(url)} (HTTP 404); is it the URL of a SPARQL server?")
        raise RemoteError(f"the server at {public(url)} failed {what} (HTTP {status}): {message}")

    def query(self, text: str, default_graphs: list[str], named_graphs: list[str], timeout: float | None = None) -> bytes:
        """The body of a SELECT or ASK query's answer as SPARQL JSON results."""
        body, media_type = self.query_typed(text, default_graphs, named_graphs, JSON_RESULTS, timeout)
        if media_type != JSON_RESULTS:
            raise RemoteError(f"the server at {public(self.endpoints.query)} answered {media_type or 'with no media type'}, not SPARQL JSON results")
        return body

    def query_typed(self, text: str, default_graphs: list[str], named_graphs: list[str], accept: str, timeout: float | None = None) -> tuple[bytes, str]:
        """(body, media type) of a query's answer, the dataset named by the protocol (never the server's default graph).

        The media type is one that `accept` lists, else a RemoteError."""
        form = [("query", text)]
        form += [("default-graph-uri", self.graph(g)) for g in (default_graphs or [NO_GRAPH])]
        form += [("named-graph-uri", self.graph(g)) for g in (named_graphs or [NO_GRAPH])]
        from urllib.parse import urlencode

        # One media type per request: Virtuoso ignores q-values and answers the first type listed, whatever the query's form.
        headers = {"Accept": _one_type(text, accept), "Content-Type": "application/x-www-form-urlencoded"}
        body, media_type = self._send("POST", self.endpoints.query, "the query", timeout, content=urlencode(form).encode("ascii"), headers=headers)
        wanted = [part.split(";")[0].strip() for part in accept.split(",")]
        if media_type not in wanted:
            raise RemoteError(f"the server at {public(self.endpoints.query)} answered {media_type or 'with no media type'}, not {' or '.join(wanted)}")
        return body, media_type

    def update(self, text: str | Iterable[bytes], timeout: float | None = None) -> None:
        """Run a SPARQL Update (a string, or a stream of bytes sent as it is made)."""
        if not self.endpoints.update:
            raise RemoteError("this remote home has no update endpoint; add one to its config file")
        content = text.encode("utf-8") if isinstance(text, str) else self._replayable(text)
        self._send("POST", self.endpoints.update, "the update", timeout, content=content,
                   headers={"Content-Type": "application/sparql-update"})

    def post_dataset(self, quads: Iterable[bytes], timeout: float | None = None) -> None:
        """Add a dataset, streamed as N-Quads, to the Graph Store (one request: blank nodes stay shared across graphs)."""
        url = self.endpoints.store + ("?no_transaction" if self.endpoints.bulk else "")
        self._send("POST", url, "the upload", timeout, content=self._replayable(quads), headers={"Content-Type": N_QUADS})

    def post_graph(self, graph: str, triples: Iterable[bytes], timeout: float | None = None) -> None:
        """Add triples, streamed as N-Triples, to one graph of the Graph Store (the SPARQL 1.1 Graph Store Protocol's POST
        ?graph=IRI): the values go in as data, never as SPARQL text (Virtuoso's compiler refuses some, xsd:duration's)."""
        from urllib.parse import quote

        url = self.endpoints.store + ("&" if "?" in self.endpoints.store else "?") + "graph=" + quote(graph, safe="")
        self._send("POST", url, "the upload", timeout, content=self._replayable(triples), headers={"Content-Type": N_TRIPLES})

    def _replayable(self, body: Iterable[bytes]) -> Iterable[bytes] | bytes:
        """A streamed body, or all of it at once under Digest auth: httpx sends a request again after the server's
        challenge, and a stream cannot be sent twice (it would go empty, and the server would do nothing)."""
        return b"".join(body) if isinstance(self.http.auth, httpx.DigestAuth) else body

    def graph(self, iri: str) -> str:
        """The server's name of one of kgtool's graphs (a config file's [graphs] may rename them)."""
        return self.endpoints.graphs.get(iri, iri)


# A query's form: the first keyword after its prologue (BASE and PREFIX declarations, comments).
_FORM = re.compile(r"(?:\s+|#[^\n]*\n?|BASE\s*<[^>]*>|PREFIX\s+[^\s:]*:\s*<[^>]*>)*(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)


def _one_type(query: str, accept: str) -> str:
    """Of an Accept list of SPARQL results and RDF types, the one type for the query's form (SELECT and ASK: the first
    results type; CONSTRUCT and DESCRIBE: the first other), or the list as given when the form cannot be told."""
    types = [part.split(";")[0].strip() for part in accept.split(",")]
    if len(types) < 2:
        return accept
    found = _FORM.match(query)
    if found is None:
        return accept
    results = found.group(1).upper() in ("SELECT", "ASK")
    chosen = [t for t in types if t.startswith("application/sparql-results+") == results]
    return chosen[0] if chosen else accept


def _reason(e: Exception) -> str:
    """What went wrong with a connection, in a few words (never a URL with credentials)."""
    text = str(e).strip() or type(e).__name__
    if "Connection refused" in text or "111" in text:
        return "connection refused"
    if isinstance(e, httpx.RemoteProtocolError):
        return f"the answer was cut off or malformed ({text})"
    return text


def _first_line(body: bytes) -> str:
    text = body.decode("utf-8", "replace").strip()
    return " ".join(text.splitlines()[0].split())[:300] if text else "(no message)"


def chunks(lines: Iterator[bytes], size: int = 1 << 20) -> Iterator[bytes]:
    """Lines gathered into blocks of about `size` bytes (fewer, larger writes to the socket)."""
    block: list[bytes] = []
    held = 0
    for line in lines:
        block.append(line)
        held += len(line)
        if held >= size:
            yield b"".join(block)
            block, held = [], 0
    if block:
        yield b"".join(block)
