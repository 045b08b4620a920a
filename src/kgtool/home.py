"""Find the knowledge-graph home (--home, $KGTOOL_HOME, bundled), list its files, init a copy."""

from __future__ import annotations

import os
import zlib
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .errors import HomeError
from .vocab import RDF

PARTS = ("ontology", "shapes", "data", "queries")
STATE_DIR = ".kgtool"


def _bundled_root() -> Path:
    """The graph shipped with the package: inside the wheel, or the repository in a checkout."""
    here = Path(__file__).resolve().parent
    packaged = here / "_bundled"
    if (packaged / "ontology").is_dir():
        return packaged
    checkout = here.parent.parent  # src/kgtool/ -> repository root
    if (checkout / "ontology").is_dir():
        return checkout
    raise HomeError("the bundled knowledge graph is missing from this installation; reinstall kgtool")


def _graph_extensions() -> tuple[str, ...]:
    """Every input extension of the format table (.ttl .nt .nq .trig .jsonld .rdf .owl)."""
    from .formats import FORMATS

    return tuple(e for f in FORMATS if f.kind == "graph" for e in f.extensions)


# RDF that kgtool does not read: a file named so is refused, not silently left out of the graph.
_OTHER_RDF = {
    ".n3": "N3",
    ".trix": "TriX",
    ".hdt": "HDT",
    ".rj": "RDF/JSON",
    ".owx": "OWL/XML",
    ".ofn": "OWL functional syntax",
    ".omn": "OWL Manchester syntax",
    ".turtle": "Turtle",
    ".ntriples": "N-Triples",
    ".nquads": "N-Quads",
}
_COMPRESSED = (".gz", ".bz2", ".xz", ".zst", ".zip", ".br", ".lz4")
# .xml and .json are RDF only sometimes: these in their first bytes say they are.
_SNIFF = {".xml": (RDF.encode(), ".rdf"), ".json": (b'"@context"', ".jsonld")}


def _relative(path: Path, root: Path) -> str:
    return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)


def _refusal(path: Path, root: Path) -> HomeError | None:
    """Why a file that is obviously RDF but not in a format kgtool reads cannot stay among the graph's files, if it is."""
    name = path.name.lower()
    suffixes = Path(name).suffixes
    known = " ".join(_graph_extensions())
    rel = _relative(path, root)
    if len(suffixes) >= 2 and suffixes[-1] in _COMPRESSED and suffixes[-2] in (*_graph_extensions(), *_OTHER_RDF):
        return HomeError(f"kgtool does not read compressed files; decompress it (known: {known})", path=rel)
    if suffixes and suffixes[-1] in _OTHER_RDF:
        return HomeError(f"{_OTHER_RDF[suffixes[-1]]} is not a format kgtool reads; convert it, or move it out of the home (known: {known})", path=rel)
    if suffixes and suffixes[-1] in _SNIFF:
        mark, rename = _SNIFF[suffixes[-1]]
        try:
            with open(path, "rb") as f:
                head = f.read(4096)
        except OSError:
            return None
        if mark in head:
            return HomeError(f"looks like RDF but kgtool tells formats by extension; rename it to {path.stem}{rename}", path=rel)
    return None


def rdf_files(folder: Path, root: Path, recursive: bool = False) -> list[Path]:
    """The RDF files of a folder of the home, sorted; by extension, in any case (.ttl .nt .nq .trig .jsonld .rdf .owl).

    Hidden files and folders (.gitkeep, .git/, editor swap files) and backups (name~) are not
    looked at, nor are files of other kinds (README.md, sources.csv). A file that is obviously RDF
    in a format kgtool does not read (x.n3, x.ttl.gz, an RDF/XML x.xml) is a HomeError: leaving
    it out of the graph silently would answer queries wrongly.
    """
    if not folder.is_dir():
        return []
    extensions = _graph_extensions()
    found: list[Path] = []
    seen: set[str] = set()  # folders already walked: a symlink loop is walked once
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=True):
        real = os.path.realpath(dirpath)
        if real in seen:
            dirnames[:] = []
            continue
        seen.add(real)
        dirnames[:] = [d for d in dirnames if not d.startswith(".")] if recursive else []
        for name in filenames:
            if name.startswith(".") or name.endswith("~"):
                continue
            path = Path(dirpath, name)
            if os.path.splitext(name)[1].lower() in extensions:
                if path.exists() and not path.is_file():  # a FIFO or a device: reading it could block
                    raise HomeError("is not a regular file; kgtool reads RDF from regular files", path=_relative(path, root))
                found.append(path)  # a broken link too: reading it says what is wrong
                continue
            refused = _refusal(path, root)
            if refused is not None:
                raise refused
    return sorted(found)


@dataclass(frozen=True)
class Home:
    """A knowledge-graph home: a directory with ontology/, shapes/, data/ and queries/."""

    root: Path
    bundled: bool = False

    # -- files -------------------------------------------------------------------------
    def ontology_files(self) -> list[Path]:
        return rdf_files(self.root / "ontology", self.root)

    def shape_files(self) -> list[Path]:
        return rdf_files(self.root / "shapes", self.root)

    def data_files(self) -> list[Path]:
        return rdf_files(self.root / "data", self.root, recursive=True)

    def query_files(self) -> dict[str, Path]:
        return {p.stem: p for p in sorted((self.root / "queries").glob("*.rq"))}

    def graph_files(self) -> list[Path]:
        """The files of 'the graph': ontology plus data (shapes are not part of it)."""
        return self.ontology_files() + self.data_files()

    def files_state(self) -> list[tuple[str, int, int]]:
        """What identifies the state of the graph and shapes files, cheaply: (name, size, mtime) of each."""
        out = []
        for path in self.graph_files() + self.shape_files():
            try:
                st = path.stat()
            except OSError:
                continue
            out.append((str(path), st.st_size, st.st_mtime_ns))
        return out

    def relative(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.root))
        except ValueError:
            return str(path)

    # -- kgtool's own state --------------------------------------------------------------
    def state_dir(self) -> Path:
        """Where caches and the lock live: the home's .kgtool/, or the user's cache dir."""
        if not self.bundled:
            state = self.root / STATE_DIR
            try:
                state.mkdir(exist_ok=True)
                if os.access(state, os.W_OK):
                    return state
            except OSError:
                pass
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        # Names the cache of this home; what is cached is keyed by content, so a clash costs only speed.
        tag = f"{zlib.crc32(str(self.root).encode()):08x}"
        state = Path(base) / "kgtool" / tag
        try:
            state.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise HomeError(f"cannot create the cache directory {state}: {e.strerror}") from e
        return state

    def require_writable(self) -> None:
        if self.bundled:
            raise HomeError(
                "the bundled knowledge graph is read-only; start a home of your own with "
                "'kgtool init DIR' and use --home DIR"
            )


def resolve(home_option: str | None):
    """The home a command uses: --home, else $KGTOOL_HOME, else the bundled graph; a URL or a config file names a remote home (remote.home.RemoteHome)."""
    chosen = home_option or os.environ.get("KGTOOL_HOME") or None
    if chosen is None:
        return Home(_bundled_root(), bundled=True)
    from .remote import names_remote

    if names_remote(chosen):
        from .remote.home import resolve as remote

        return remote(chosen)
    root = Path(chosen).expanduser()
    if not root.is_dir():
        raise HomeError(f"no such home directory: {chosen}")
    home = Home(root.resolve())
    if not home.ontology_files() and not home.data_files():
        raise HomeError(
            f"{chosen} is not a kgtool home: it has no RDF files in ontology/ or data/ "
            f"({' '.join(_graph_extensions())}); create one with 'kgtool init DIR'"
        )
    return home


def init(target: str) -> Path:
    """Copy the bundled graph into `target`, which must not exist or be empty; return its path."""
    dest = Path(target).expanduser()
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise HomeError(f"{target} exists and is not empty; kgtool init needs a new or empty directory")
    source = _bundled_root()
    dest.mkdir(parents=True, exist_ok=True)
    for part in PARTS:
        src = source / part
        if src.is_dir():
            import shutil

            shutil.copytree(src, dest / part, ignore=shutil.ignore_patterns("__pycache__", STATE_DIR))
        else:
            (dest / part).mkdir()
    return dest


@contextmanager
def exclusive_lock(path: Path):
    """An exclusive advisory lock on `path`, held for the block; the kernel frees it if the holder dies."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    with open(path, "a+b") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)
