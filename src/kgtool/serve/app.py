"""The HTTP core of `kgtool serve`: a Request becomes a Response (SPARQL 1.1 Protocol, named queries, validate, add, the page); no socket, no click."""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox

from .. import formats
from ..errors import HomeError, InputError, KgError, LimitError, QueryError, QueryTimeout, UnsafeError, UsageError
from ..workers import DEFAULT_TIMEOUT

DEFAULT_MAX_BODY = 1024**2  # bytes of a request body (a query, an RDF document); past it, 413
# Queries still running, those past their time limit included (a timed-out query cannot be
# stopped: Oxigraph has no cancellation, and kgtool abandons its worker thread); past this
# many, a new query is answered 503 until some finish, so runaway queries cannot pile up.
MAX_RUNNING_QUERIES = 4
QUERY_THREAD = "kgtool-query"  # the name sparql.run gives its worker threads
STATIC = Path(__file__).resolve().parent / "static"

# The one table from the KgError hierarchy to HTTP statuses; the first class that matches wins.
ERROR_STATUS: tuple[tuple[type[KgError], int], ...] = (
    # 503, not 504: kgtool itself stopped the query at its time limit; 504 says a gateway
    # waited in vain for an upstream server, and there is none here.
    (QueryTimeout, 503),
    (LimitError, 413),  # input past a size or nesting limit
    (UnsafeError, 403),  # SERVICE, LOAD, a FROM or default-graph-uri outside the home, a remote JSON-LD context
    (QueryError, 400),  # bad SPARQL, an update
    (InputError, 400),  # an unparsable body (its line is in the message)
    (UsageError, 400),  # a bad parameter
    (HomeError, 500),  # the home cannot be read or written
    (KgError, 400),
)

# Files under static/ the server hands out, by extension (anything else is 404).
STATIC_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8", ".png": "image/png"}

# The page and its scripts may reach this server and nothing else.
SECURITY_HEADERS = (
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    (
        "Content-Security-Policy",
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "connect-src 'self'; font-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    ),
)


def status_of(error: KgError) -> int:
    """The HTTP status of a KgError (ERROR_STATUS)."""
    return next(status for kind, status in ERROR_STATUS if isinstance(error, kind))


class HttpError(Exception):
    """An answer that is not a KgError: not found, wrong method, unauthorised, unsupported media type."""

    def __init__(self, status: int, message: str, headers: tuple[tuple[str, str], ...] = ()):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers


@dataclass
class Request:
    """An HTTP request as the server read it: header names in lower case, the whole body."""

    method: str
    target: str  # the path and query string
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    @property
    def path(self) -> str:
        return urlsplit(self.target).path

    @property
    def params(self) -> dict[str, list[str]]:
        """The query string's parameters."""
        return parse_qs(urlsplit(self.target).query, keep_blank_values=True)

    @property
    def media_type(self) -> str:
        """The body's media type, without parameters, in lower case ('' when not given)."""
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    def text(self) -> str:
        try:
            return self.body.decode("utf-8")
        except UnicodeDecodeError as e:
            raise InputError(f"the request body is not UTF-8 (byte {e.start})") from None


@dataclass
class Response:
    status: int
    body: bytes
    content_type: str = "text/plain; charset=utf-8"
    headers: list[tuple[str, str]] = field(default_factory=list)


def text_response(status: int, text: str, headers=()) -> Response:
    return Response(status, (text.rstrip("\n") + "\n").encode("utf-8"), headers=list(headers))


def json_response(status: int, data: Any) -> Response:
    return Response(status, (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8"), "application/json")


def one_line(text: str) -> str:
    return " ".join(str(text).split())


# --------------------------------------------------------------------------------------
# content negotiation
# --------------------------------------------------------------------------------------
def _accepted(accept: str) -> list[tuple[str, float]]:
    """(media range, q) of an Accept header, in its order (RFC 9110 §12.5.1)."""
    out = []
    for part in accept.split(","):
        items = [x.strip() for x in part.split(";")]
        if not items[0]:
            continue
        q = 1.0
        for item in items[1:]:
            name, _, value = item.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        out.append((items[0].lower(), q))
    return out


def _quality(media_type: str, ranges: list[tuple[str, float]]) -> float:
    """The q the Accept ranges give a media type: that of the most specific range that matches."""
    kind = media_type.split("/")[0]
    for pattern in (media_type, f"{kind}/*", "*/*"):
        for given, q in ranges:
            if given == pattern:
                return q
    return 0.0


def negotiate(accept: str | None, kind: str, name: str | None = None) -> formats.Format:
    """The format of the format table to answer a query of `kind` (select, ask, graph) with:
    `name` (the `format` parameter) if given, else the best of the Accept header, else SPARQL
    JSON results or Turtle. HttpError 406 when the table has none the client accepts."""
    table = "graph" if kind == "graph" else "results"
    if name:
        return formats.get(name, table)  # UsageError (400) for an unknown name
    default = formats.get("turtle" if table == "graph" else "json", table)
    if not accept or not accept.strip():
        return default
    ranges = _accepted(accept)
    candidates = [default] + [f for f in formats.FORMATS if f.kind == table and f is not default]
    best = max(candidates, key=lambda f: _quality(f.media_type, ranges))  # the first of equals: default, then table order
    if _quality(best.media_type, ranges) <= 0:
        offered = ", ".join(f.media_type for f in candidates)
        raise HttpError(406, f"no format of the answer is acceptable (Accept: {one_line(accept)}); this server offers: {offered}")
    return best


# --------------------------------------------------------------------------------------
# the application
# --------------------------------------------------------------------------------------
class App:
    """kgtool serve's routes over one home: handle(Request) -> Response, safe to call from many threads."""

    def __init__(
        self,
        home,
        *,
        timeout: float | None = DEFAULT_TIMEOUT,
        allow_add: bool = False,
        token: str | None = None,
        max_body: int = DEFAULT_MAX_BODY,
        reasoner: str | None = None,
        allowed_hosts: set[str] | None = None,
    ):
        if allow_add and not token:
            raise UsageError("writes need a token")
        self.home = home
        self.timeout = timeout
        self.allow_add = allow_add
        self._token = token
        self.max_body = max_body
        self.reasoner = reasoner
        self.allowed_hosts = allowed_hosts  # the Host headers served (None: any); guards against DNS rebinding
        self._lock = threading.Lock()
        self._loaded = None
        self._state: list | None = None

    ROUTES: dict[str, dict[str, str]] = {
        "/": {"GET": "index"},
        "/query": {"GET": "query", "POST": "query"},
        "/queries": {"GET": "queries"},
        "/prefixes": {"GET": "prefixes"},
        "/entity": {"GET": "entity"},
        "/validate": {"POST": "validate"},
        "/add": {"POST": "add"},
        "/favicon.ico": {"GET": "no_content"},
    }

    # -- dispatch --------------------------------------------------------------------------
    def handle(self, request: Request) -> Response:
        """The response to a request; never raises."""
        try:
            response = self._dispatch(request)
        except HttpError as e:
            response = text_response(e.status, f"Error: {one_line(e.message)}", e.headers)
        except KgError as e:
            # the gate's advice names a `kgtool query` option that `serve` does not have
            message = one_line(e).replace(" unless you pass --allow-remote", "").replace(" (not even with --allow-remote)", "")
            response = text_response(status_of(e), f"Error: {message}")
        except RecursionError:
            response = text_response(400, "Error: the input is nested too deeply to process")
        except Exception as e:  # a bug: one line, no traceback to the client
            response = text_response(500, f"Error: internal error: {type(e).__name__}: {one_line(e)}")
        response.headers.extend(SECURITY_HEADERS)
        return response

    def _dispatch(self, request: Request) -> Response:
        host = request.headers.get("host", "").lower()
        if self.allowed_hosts is not None and host not in self.allowed_hosts:
            raise HttpError(421, f"this server does not serve the host '{one_line(host)}' (it serves {', '.join(sorted(self.allowed_hosts))})")
        if len(request.body) > self.max_body:
            raise HttpError(413, f"the request body is {len(request.body)} bytes, over the limit of {self.max_body} (--max-body)")
        path = request.path
        if path.startswith("/static/"):
            methods = {"GET": "static"}
        else:
            methods = self.ROUTES.get(path)
        if methods is None:
            raise HttpError(404, f"no such page: {one_line(path)} (see / for the page, /query for SPARQL)")
        if request.method == "HEAD" and "GET" in methods:
            return getattr(self, "_" + methods["GET"])(request)  # the server sends the headers only
        if request.method not in methods:
            allowed = ", ".join(methods)
            raise HttpError(405, f"{request.method} is not allowed on {path} (allowed: {allowed})", (("Allow", allowed),))
        return getattr(self, "_" + methods[request.method])(request)

    # -- the home's graph ------------------------------------------------------------------
    def loaded(self):
        """The home's store (store.load), opened again only when a file of the home has changed (an add)."""
        from ..store import load

        state = self.home.files_state()
        with self._lock:
            if self._loaded is None or state != self._state:
                self._loaded = load(self.home, reasoner=self.reasoner)
                self._state = state
            return self._loaded

    # -- SPARQL ----------------------------------------------------------------------------
    def _query_params(self, request: Request) -> tuple[dict[str, list[str]], str | None]:
        """The protocol's parameters and the query text of a query request (GET, or POST form or direct)."""
        params = request.params
        text = None
        if request.method == "POST":
            if request.media_type == "application/x-www-form-urlencoded":
                for k, v in parse_qs(request.text(), keep_blank_values=True).items():
                    params.setdefault(k, []).extend(v)
            elif request.media_type == "application/sparql-query":
                text = request.text()
            else:
                raise HttpError(
                    415,
                    f"a query is POSTed as application/x-www-form-urlencoded or application/sparql-query, not '{one_line(request.media_type) or 'none'}'",
                )
        return params, text

    def _query(self, request: Request) -> Response:
        params, text = self._query_params(request)
        names = params.get("name", [])
        given = ([text] if text is not None else []) + params.get("query", []) + names
        if len(given) != 1:
            raise HttpError(400, "give exactly one query: the 'query' parameter, a POSTed application/sparql-query body, or 'name' for a named query")
        source, base_iri = "query", None
        if names:
            name = names[0]
            queries = self.home.query_files()
            if name not in queries:
                raise HttpError(404, f"no named query '{one_line(name)}' in the home (see /queries)")
            text, source, base_iri = queries[name].read_text(encoding="utf-8"), f"queries/{name}.rq", queries[name].resolve().as_uri()
        elif text is None:
            text = params["query"][0]
        fmt = (params.get("format") or [None])[0]
        reason = (params.get("reason") or ["true"])[0].lower() not in ("false", "0", "no")
        body, chosen, notes = self.run_query(
            text,
            accept=request.headers.get("accept"),
            fmt=fmt,
            source=source,
            base_iri=base_iri,
            reason=reason,
            params=params.get("param", []),
            default_graph_uris=params.get("default-graph-uri", []),
            named_graph_uris=params.get("named-graph-uri", []),
        )
        content_type = chosen.media_type + ("; charset=utf-8" if chosen.media_type.startswith("text/") else "")
        headers = [("Vary", "Accept")] + [("Kgtool-Note", one_line(n)) for n in notes]
        return Response(200, body, content_type, headers)

    def _admit(self) -> None:
        running = sum(1 for t in threading.enumerate() if t.name == QUERY_THREAD and t.is_alive())
        if running >= MAX_RUNNING_QUERIES:
            raise HttpError(
                503,
                f"busy: {running} queries are still running (those past their time limit run on until they end); try again later",
                (("Retry-After", "10"),),
            )

    def run_query(
        self,
        text: str,
        *,
        accept: str | None = None,
        fmt: str | None = None,
        source: str = "query",
        base_iri: str | None = None,
        reason: bool = True,
        params: list[str] = (),
        default_graph_uris: list[str] = (),
        named_graph_uris: list[str] = (),
    ) -> tuple[bytes, formats.Format, list[str]]:
        """(the answer's bytes, its format, notes) of a query, through the same gate, dataset rules and timeout as `kgtool query`."""
        from .. import gate, sparql

        checked = gate.check(text, False, self.home.state_dir(), timeout=self.timeout, source=source)
        chosen = negotiate(accept, checked.kind, fmt)
        self._admit()
        loaded = self.loaded()
        bindings = sparql.parse_params(list(params), loaded.prefixes, checked.variables)
        options = formats.WriteOptions(prefixes=loaded.prefixes)
        if chosen.needs_context:
            options.context = formats.jsonld_context(loaded.prefixes, loaded.store, loaded.graphs("ontology"))
        out = io.BytesIO()

        def sink(result) -> None:  # in the query's worker thread: the timeout bounds writing too
            chosen.write(result.triples if result.kind == "graph" else result, out, options)

        graphs = loaded.named_graphs("graph")
        # FROM / FROM NAMED may pick the home's named graphs; anything else is refused (UnsafeError)
        default_graph, named_graphs = sparql.dataset(text, base_iri, loaded.prefixes, graphs) or (loaded.graphs("graph", inferred=reason), graphs)
        if default_graph_uris or named_graph_uris:  # the protocol's dataset overrides the query's (SPARQL 1.1 Protocol §2.1.4)
            known = {g.value: g for g in graphs if isinstance(g, ox.NamedNode)}
            for parameter, iris in (("default-graph-uri", default_graph_uris), ("named-graph-uri", named_graph_uris)):
                for iri in iris:
                    if iri not in known:
                        raise UnsafeError(
                            f"{parameter} <{one_line(iri)}> is refused: it is not a named graph of the home, and kgtool reads no other graph, file or URL"
                        )
            default_graph, named_graphs = [known[i] for i in default_graph_uris], [known[i] for i in named_graph_uris]
        notes: list[str] = []
        sparql.run(
            loaded.store,
            text,
            sink,
            default_graph=default_graph,
            named_graphs=named_graphs,
            prefixes=loaded.prefixes,
            bindings=bindings,
            base_iri=base_iri,
            timeout=self.timeout,
            source=source,
            notes=notes,
        )
        return out.getvalue(), chosen, notes

    def select(self, text: str, bindings: dict[str, Any] | None = None, inferred: bool = True) -> list[dict[str, Any]]:
        """The rows of one of the server's own SELECT queries (no gate: not the client's text), as {variable: term},
        over the home's graph with its entailments (or the asserted triples only)."""
        from .. import sparql

        loaded = self.loaded()
        rows: list[dict[str, Any]] = []

        def sink(result) -> None:
            names = [v.value for v in result.solutions.variables]
            for solution in result.solutions:
                rows.append({n: solution[n] for n in names if solution[n] is not None})

        sparql.run(
            loaded.store,
            text,
            sink,
            default_graph=loaded.graphs("graph", inferred=inferred),
            prefixes=loaded.prefixes,
            bindings=bindings,
            timeout=self.timeout,
            source="the entity page",
        )
        return rows

    # -- named queries and prefixes --------------------------------------------------------
    def named_queries(self) -> list[dict[str, str]]:
        """[{name, question, query}] of the home's queries/*.rq."""
        out = []
        for name, path in self.home.query_files().items():
            text = path.read_text(encoding="utf-8")
            question = next((line.split(":", 1)[1].strip() for line in text.splitlines() if line.lower().startswith("# question:")), "")
            out.append({"name": name, "question": question, "query": text})
        return out

    def _queries(self, request: Request) -> Response:
        return json_response(200, self.named_queries())

    def _prefixes(self, request: Request) -> Response:
        """The home's prefixes as {name: namespace} (YASQE's prefix list, as prefix.cc gives it)."""
        return json_response(200, {k: v for k, v in sorted(self.loaded().prefixes.items()) if k})

    # -- pages -----------------------------------------------------------------------------
    def _index(self, request: Request) -> Response:
        from . import page

        html = page.index(str(self.home.root), self.home.bundled, self.loaded().prefixes, self.named_queries(), self.allow_add)
        return Response(200, html.encode("utf-8"), "text/html; charset=utf-8")

    def _entity(self, request: Request) -> Response:
        from . import page

        iri = (request.params.get("iri") or [""])[0].strip()
        if not iri:
            raise HttpError(400, "give the entity's IRI: /entity?iri=...")
        loaded = self.loaded()
        if ":" in iri and not iri.startswith(("http:", "https:", "urn:", "file:")) and iri.split(":", 1)[0] in loaded.prefixes:
            prefix, _, local = iri.partition(":")  # a prefixed name (cfr:armenia)
            iri = loaded.prefixes[prefix] + local
        try:
            node = ox.NamedNode(iri)
        except ValueError:
            raise HttpError(400, f"not an IRI: {one_line(iri)}") from None
        html = page.entity(node, self.select, loaded.prefixes)
        return Response(200, html.encode("utf-8"), "text/html; charset=utf-8")

    def _no_content(self, request: Request) -> Response:
        return Response(204, b"")

    def _static(self, request: Request) -> Response:
        wanted = (STATIC / request.path[len("/static/"):]).resolve()
        kind = STATIC_TYPES.get(wanted.suffix)
        if kind is None or not wanted.is_relative_to(STATIC) or not wanted.is_file():
            raise HttpError(404, f"no such file: {one_line(request.path)}")
        return Response(200, wanted.read_bytes(), kind, [("Cache-Control", "max-age=3600")])

    # -- validate and add ------------------------------------------------------------------
    def _body_format(self, request: Request) -> formats.Format:
        try:
            return formats.for_media_type(request.media_type, "graph")
        except UsageError:
            known = ", ".join(f.media_type for f in formats.FORMATS if f.kind == "graph")
            raise HttpError(415, f"cannot read a body of type '{one_line(request.media_type) or 'none'}'; send Content-Type: one of {known}") from None

    def submission(self, body: bytes, fmt: formats.Format, display: str = "request body"):
        """The body parsed as `kgtool validate` parses a file (nothing fetched; relative IRIs refused: a body has no base)."""
        from .. import rdfio, submitted

        parsed = rdfio.parse_bytes(body, fmt, display, allow_remote=False, base_iri=None)
        subjects = {t.subject.value for t in parsed.triples if isinstance(t.subject, ox.NamedNode)}
        sent = submitted.SubmittedFile(display, display, hashlib.sha256(body).hexdigest(), fmt, body, subjects)
        notes = [] if parsed.triples else [f"{display}: no triples"]
        return submitted.Submission([sent], parsed.triples, dict(parsed.prefixes), notes)

    def _validate(self, request: Request) -> Response:
        """The report of `kgtool validate --format json`, status 200 whether it conforms or not."""
        from ..validation import validate_submission

        fmt = self._body_format(request)
        allow_merge = _flag(request.params, "allow-merge")
        report = validate_submission(self.loaded(), self.submission(request.body, fmt), allow_merge)
        return Response(200, (report.to_json() + "\n").encode("utf-8"), "application/json")

    def _authorise(self, request: Request) -> None:
        if not self.allow_add:
            raise HttpError(403, "this server is read-only; start it with 'kgtool serve --allow-add' to accept writes")
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not given.strip():
            raise HttpError(401, "writes need the server's token: send 'Authorization: Bearer TOKEN'", (("WWW-Authenticate", 'Bearer realm="kgtool"'),))
        if not hmac.compare_digest(given.strip().encode("utf-8"), self._token.encode("utf-8")):
            raise HttpError(401, "the token is wrong", (("WWW-Authenticate", 'Bearer realm="kgtool", error="invalid_token"'),))

    def _add(self, request: Request) -> Response:
        """`kgtool add` of the body: 200 when merged (or a dry run that would merge), 422 when refused."""
        from .. import submission

        self._authorise(request)
        fmt = self._body_format(request)
        display = "request body"
        self.submission(request.body, fmt, display)  # a parse error is 400 before anything else; no relative IRIs
        with tempfile.TemporaryDirectory(prefix="kgtool-serve-") as tmp:
            path = Path(tmp) / f"http-request{fmt.extensions[0]}"  # the submission's PROV record names this file
            path.write_bytes(request.body)
            outcome = submission.add(
                self.home,
                [str(path)],
                dry_run=_flag(request.params, "dry-run"),
                strict=_flag(request.params, "strict"),
                allow_merge=_flag(request.params, "allow-merge"),
            )
        results = []
        if outcome.report is not None:
            for r in outcome.report.results:
                r.file = display if r.file == str(path) else r.file
                results.append(r.as_dict())
        data = {
            "merged": outcome.merged,
            "dry_run": outcome.dry_run,
            "reason": outcome.reason,
            "submitted": outcome.submitted,
            "added": outcome.added,
            "new_subjects": outcome.new_subjects,
            "written": outcome.written,
            "results": results,
        }
        return json_response(422 if outcome.reason else 200, data)


def _flag(params: dict[str, list[str]], name: str) -> bool:
    return (params.get(name) or ["false"])[0].lower() in ("", "true", "1", "yes")

