"""A home on a SPARQL server: resolved from a URL (an Oxigraph server) or a config file; its meta graph and named queries."""

from __future__ import annotations

import json
import os
import zlib
from pathlib import Path

import pyoxigraph as ox

from ..errors import HomeError
from .http import AUTH_METHODS, Client, Endpoints, public
from .layout import GENERATION, HOLDS, HOME, META, NAME, PREVIOUS, PUSH, PUSHING, QUERIES, STATE, TEXT, VERSION


def resolve(chosen: str) -> RemoteHome:
    """The remote home a URL or a config file names (nothing is sent yet)."""
    if chosen.lower().startswith(("http://", "https://")):
        return RemoteHome(public(chosen), Endpoints.oxigraph(chosen))
    return RemoteHome(chosen, read_config(Path(chosen).expanduser()))


def read_config(path: Path) -> Endpoints:
    """The endpoints a config file describes (README, 'Remote homes and push'); a bad file is a HomeError."""
    try:
        raw = path.read_bytes()
        if path.suffix.lower() == ".toml":
            try:
                import tomllib
            except ImportError:  # Python 3.10
                raise HomeError("a TOML config file needs Python 3.11 or later; write it as JSON", path=str(path)) from None
            data = tomllib.loads(raw.decode("utf-8"))
        else:
            data = json.loads(raw)
    except OSError as e:
        raise HomeError(f"cannot read the config file: {e.strerror}", path=str(path)) from None
    except ValueError as e:  # JSON, TOML and UTF-8 errors all are ValueErrors
        raise HomeError(f"not a valid config file: {e}", path=str(path)) from None
    if not isinstance(data, dict):
        raise HomeError("a config file holds a table of settings", path=str(path))
    known = {"url", "query", "update", "store", "auth", "timeout", "graphs"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise HomeError(f"unknown setting '{unknown[0]}' (known: {', '.join(sorted(known))})", path=str(path))
    if "url" in data:
        endpoints = Endpoints.oxigraph(str(data["url"]))
    elif "query" in data:
        endpoints = Endpoints(query=str(data["query"]))
    else:
        raise HomeError("the config file names no server: give url (an Oxigraph server) or query (a SPARQL endpoint)", path=str(path))
    for key in ("query", "update", "store"):
        if key in data:
            setattr(endpoints, key, str(data[key]) or None)
    if "auth" in data:
        if data["auth"] not in AUTH_METHODS:
            raise HomeError(f"unknown auth method '{data['auth']}' (known: {', '.join(AUTH_METHODS)})", path=str(path))
        endpoints.auth = data["auth"]
    else:
        endpoints.auth = "auto"  # basic when credentials are given, else none
    if "timeout" in data:
        if not isinstance(data["timeout"], (int, float)) or data["timeout"] <= 0:
            raise HomeError("timeout is a number of seconds above 0", path=str(path))
        endpoints.timeout = float(data["timeout"])
    graphs = data.get("graphs", {})
    if not isinstance(graphs, dict) or not all(isinstance(v, str) for v in graphs.values()):
        raise HomeError("graphs maps kgtool's graph names (urn:kgtool:graph:data, ...) to the server's IRIs", path=str(path))
    endpoints.graphs = dict(graphs)
    return endpoints


class RemoteHome:
    """A home whose graph is on a SPARQL server; it has no files (its named queries are cached locally to be read)."""

    remote = True
    bundled = False

    def __init__(self, location: str, endpoints: Endpoints):
        self.root = location  # what the user named it by (a URL without credentials, or a config file)
        self.endpoints = endpoints
        self._client: Client | None = None
        self._meta: dict | None = None

    def __repr__(self) -> str:
        return f"RemoteHome({self.root!r})"

    @property
    def client(self) -> Client:
        if self._client is None:
            self._client = Client(self.endpoints)
        return self._client

    # -- the meta graph ------------------------------------------------------------------
    def meta(self) -> dict:
        """The home's state as push (or add) last wrote it: generation, version, counts, prefixes, ... (cached for the process)."""
        if self._meta is None:
            self._meta = read_meta(self.client)
            if self._meta is None:
                raise HomeError(
                    f"{self.root} holds no complete kgtool home (nothing was pushed there, or a push was cut off); "
                    f"run 'kgtool push {self.root}' from a local home"
                )
        return self._meta

    # -- what a local home has as files ---------------------------------------------------
    def query_files(self) -> dict[str, Path]:
        """The named queries, fetched from the server and kept as files in the state directory (read by name)."""
        from .results import solutions

        self.meta()  # an incomplete home has no named queries to trust
        body = self.client.query(f"SELECT ?name ?text WHERE {{ ?q <{NAME.value}> ?name ; <{TEXT.value}> ?text }}", [QUERIES.value], [])
        texts = {row["name"].value: row["text"].value for row in solutions(body)}
        folder = self.state_dir() / "queries"
        folder.mkdir(exist_ok=True)
        for old in folder.glob("*.rq"):
            if old.stem not in texts:
                old.unlink(missing_ok=True)
        found: dict[str, Path] = {}
        for name in sorted(texts):
            if "/" in name or name.startswith("."):
                continue  # not a file name a local home could have had
            path = folder / f"{name}.rq"
            if not path.is_file() or path.read_text(encoding="utf-8") != texts[name]:
                from ..fsutil import atomic_write

                atomic_write(path, texts[name].encode("utf-8"), fsync=False)
            found[name] = path
        return found

    def state_dir(self) -> Path:
        """The user's cache directory for this server (the query gate's memo, the named queries)."""
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        state = Path(base) / "kgtool" / f"remote-{zlib.crc32(self.endpoints.query.encode()):08x}"
        try:
            state.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise HomeError(f"cannot create the cache directory {state}: {e.strerror}") from e
        return state

    def support(self) -> Path:
        """A directory of what validation reads as files, fetched once per push: the shapes (shapes.nt) and the
        closed schema of the kgtool reasoner (schema-closure.nt, when the pusher had one)."""
        from ..fsutil import atomic_write
        from ..store.cache import SCHEMA_CLOSURE as SCHEMA_FILE
        from ..store.graphs import SHAPES
        from .layout import SCHEMA_CLOSURE
        from .results import solutions, triples

        push = self.meta().get("push") or f"generation-{self.meta()['generation']}"
        folder = self.state_dir() / f"push-{push}"
        if (folder / "shapes.nt").is_file():
            return folder
        folder.mkdir(exist_ok=True)
        body = self.client.query(f"SELECT ?text WHERE {{ <{SCHEMA_CLOSURE.value}> <{TEXT.value}> ?text }}", [QUERIES.value], [])
        for row in solutions(body):
            atomic_write(folder / SCHEMA_FILE, row["text"].value.encode("utf-8"), fsync=False)
        body, _ = self.client.query_typed("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", [SHAPES.value], [], "application/n-triples")
        atomic_write(folder / "shapes.nt", ox.serialize(triples(body), None, ox.RdfFormat.N_TRIPLES), fsync=False)  # last: it marks the folder whole
        return folder

    def shape_files(self) -> list[Path]:
        """The shapes graph, fetched from the server into a file (validation parses the shapes from files)."""
        return [self.support() / "shapes.nt"]

    def _no_files(self, *_args):
        raise HomeError(f"{self.root} is a remote home: this command works on a local home only (so far: query, export, stats, validate, add, import)")

    ontology_files = data_files = graph_files = _no_files

    def submissions(self) -> list[str]:
        """The ids of the home's submission graphs, oldest first (as the state lists them)."""
        return list(self.meta().get("submissions", []))

    def data_graphs(self) -> list[str]:
        """kgtool's names of the graphs a local home's data graph holds: the data graph and each submission graph."""
        from ..store.graphs import DATA
        from .layout import submission_graph

        return [DATA.value, *(submission_graph(i).value for i in self.submissions())]

    def results(self) -> list[str] | None:
        """The whole home's validation results (their identities, as JSON), or None when the server keeps none
        (pushed with --no-check, or by a kgtool that kept counts only)."""
        from .layout import RESULT, RESULTS
        from .results import solutions

        if not self.meta().get("judged"):
            return None
        body = self.client.query(f"SELECT ?r WHERE {{ <{RESULTS.value}> <{RESULT.value}> ?r }}", [META.value], [])
        return sorted(row["r"].value for row in solutions(body))

    def require_writable(self) -> None:
        """HomeError unless kgtool can write to the server (it has an update endpoint); the server may still refuse."""
        if not self.endpoints.update:
            raise HomeError(f"{self.root} has no update endpoint to write to; add 'update' to its config file")

    def relative(self, path) -> str:
        return str(path)


def read_meta(client: Client, complete: bool = True) -> dict | None:
    """The meta graph's state (with 'generation', 'version' and 'graphs'), or None when the server has none.

    With complete=False, also what an unfinished push left: the graphs it was writing, and no generation.
    """
    from .results import solutions

    body = client.query(f"SELECT ?p ?o WHERE {{ <{HOME.value}> ?p ?o }}", [META.value], [])
    state: dict = {}
    graphs: list[str] = []
    generation = version = pushing = state_push = previous = None
    for row in solutions(body):
        p, o = row["p"], row["o"]
        if p == GENERATION and isinstance(o, ox.Literal):
            generation = int(o.value)
        elif p == VERSION:
            version = o.value
        elif p == STATE:
            try:
                state = json.loads(o.value)
            except ValueError:
                raise HomeError("the server's kgtool meta graph is damaged; push the home again") from None
        elif p == HOLDS:
            graphs.append(o.value)
        elif p == PUSHING:
            pushing = o.value
        elif p == PUSH:
            state_push = o.value
        elif p == PREVIOUS and isinstance(o, ox.Literal):
            previous = int(o.value)
    if generation is None or not state or pushing is not None:
        return {"graphs": sorted(graphs), "pushing": pushing, "generation": previous} if graphs and not complete else None
    state.update(generation=generation, version=version, graphs=sorted(graphs), push=state_push)
    return state

