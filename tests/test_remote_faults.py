"""A remote home whose server dies under a write: an add leaves all of its submission or nothing, and says so in one line.

A small proxy between kgtool and a real Oxigraph server watches the requests go by and SIGKILLs
the server at a chosen moment of the add's one SPARQL Update: half its body sent, all of it
sent (the server may or may not have run it), or the server's answer written but not yet
passed on. The server is then started again on the same directory.
"""

from __future__ import annotations

import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from kgtool.cli import cli
from test_remote import OXIGRAPH, free_port
from test_remote_add import CLAIM

pytestmark = pytest.mark.skipif(OXIGRAPH is None, reason="the oxigraph server binary is not installed (pip install oxigraph)")

CLAIMS = 500  # 7 triples each: an update of several thousand triples


class Server:
    """`oxigraph serve` on a fixed port over a directory, which can be killed and started again there."""

    def __init__(self, location: Path):
        self.location = location
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.start()

    def start(self) -> None:
        self.process = subprocess.Popen(
            [OXIGRAPH, "serve", "--location", str(self.location), "--bind", f"127.0.0.1:{self.port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                httpx.get(self.url + "/query", params={"query": "ASK {}"}, timeout=1)
                return
            except httpx.HTTPError:
                time.sleep(0.05)
        raise RuntimeError("the Oxigraph server did not start")

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(10)


class KillingProxy:
    """Forwards HTTP/1.1 requests to `server`, and SIGKILLs it at `moment` of the first request to `path`:

    "half": half the request's body forwarded (a chunked body: its first chunk begun); "sent": all
    of it forwarded; "answered": the server's answer received, not passed on. Then every connection is cut.
    """

    def __init__(self, server: Server, path: str, moment: str):
        self.server, self.path, self.moment = server, path.encode(), moment
        self.killed = threading.Event()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.sockets: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.server.port))
            self.sockets += [client, upstream]
            watched = threading.Event()  # the watched request was sent on this connection: its answer is next
            threading.Thread(target=self._requests, args=(client, upstream, watched), daemon=True).start()
            threading.Thread(target=self._answers, args=(upstream, client, watched), daemon=True).start()

    def kill(self) -> None:
        if not self.killed.is_set():
            self.killed.set()
            self.server.kill()
        _cut(*self.sockets)

    def _requests(self, client: socket.socket, upstream: socket.socket, watched: threading.Event) -> None:
        incoming = client.makefile("rb")
        try:
            while not self.killed.is_set():
                head = [incoming.readline()]
                if not head[0]:
                    return
                while head[-1] not in (b"\r\n", b""):
                    head.append(incoming.readline())
                headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(b":") for line in head[1:-1])}
                target = head[0].split(b" ")[1].split(b"?")[0] == self.path
                upstream.sendall(b"".join(head))
                if headers.get(b"transfer-encoding") == b"chunked":
                    if target:  # the body has begun
                        upstream.sendall(incoming.readline())
                        return self.kill()
                    while True:  # forward the chunks as they come
                        size = incoming.readline()
                        upstream.sendall(size)
                        n = int(size.split(b";")[0], 16)
                        upstream.sendall(incoming.read(n + 2) if n else incoming.readline())
                        if not n:
                            break
                    continue
                body = incoming.read(int(headers.get(b"content-length", b"0")))
                if target and self.moment == "half":
                    upstream.sendall(body[: len(body) // 2])
                    return self.kill()
                if target:
                    watched.set()
                upstream.sendall(body)
                if target and self.moment == "sent":
                    return self.kill()
        except (OSError, ValueError):
            return
        finally:
            _cut(client, upstream)

    def _answers(self, upstream: socket.socket, client: socket.socket, watched: threading.Event) -> None:
        try:
            while True:
                data = upstream.recv(65536)
                if not data:
                    return
                if watched.is_set() and self.moment == "answered":
                    return self.kill()  # the server has run the update and answered: nothing of the answer reaches kgtool
                client.sendall(data)
        except OSError:
            return
        finally:
            _cut(client, upstream)  # the server closed the connection: so does the proxy, or kgtool would wait on it

    def close(self) -> None:
        self.listener.close()
        _cut(*self.sockets)


def _cut(*sockets: socket.socket) -> None:
    """Shut connections down both ways (close() alone leaves a socket open while a file made from it is)."""
    for s in sockets:
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def through(tmp_path: Path, server: Server, proxy: KillingProxy, endpoint: str) -> str:
    """A config file for the server whose `endpoint` (update or store) goes through the proxy: only the request watched
    passes it (each on a connection of its own)."""
    import json

    config = {"query": server.url + "/query", "update": server.url + "/update", "store": server.url + "/store", "timeout": 30}
    config[endpoint] = proxy.url + "/" + endpoint
    path = tmp_path / "server.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    return str(path)


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def one_error_line(result) -> None:
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1, result.stderr


def state(url: str) -> tuple[int, str]:
    """(generation, the export with entailments) of the remote home at `url`."""
    from kgtool.remote.home import resolve

    exported = invoke("--home", url, "export", "--format", "nt", "--inferred")
    assert exported.exit_code == 0, exported.stderr
    return resolve(url).meta()["generation"], exported.stdout


@pytest.fixture
def big(tmp_path) -> Path:
    """A valid submission of several thousand triples (CLAIMS casualty claims)."""
    head, _, claim = CLAIM.partition("\n\n")
    path = tmp_path / "big.ttl"
    path.write_text(head + "\n\n" + "".join(claim.replace("NAME", f"bulk-{i}") + "\n" for i in range(CLAIMS)), encoding="utf-8")
    return path


@pytest.fixture
def server(tmp_path):
    running = Server(tmp_path / "db")
    pushed = invoke("push", running.url)
    assert pushed.exit_code == 0, pushed.stderr
    yield running
    running.stop()


@pytest.mark.parametrize("moment", ["half", "sent", "answered"])
def test_a_server_killed_under_an_add_keeps_all_of_the_submission_or_nothing(server, big, moment, tmp_path):
    generation, before = state(server.url)
    proxy = KillingProxy(server, "/update", moment)
    try:
        result = invoke("--home", through(tmp_path, server, proxy, "update"), "add", str(big))
    finally:
        proxy.close()
    assert proxy.killed.is_set()  # the server died during the add's update
    one_error_line(result)
    server.start()  # again, on the same directory
    after_generation, after = state(server.url)
    if after_generation == generation:  # nothing
        assert after == before
        assert moment != "answered"  # the server had run the update when it died
    else:  # all: every triple, the PROV record, the next generation
        assert moment != "half"  # the server never had the whole update
        assert after_generation == generation + 1
        missing = set(_ntriples(big)) - set(after.splitlines())
        assert not missing, sorted(missing)[:3]
        records = [line for line in set(after.splitlines()) - set(before.splitlines()) if line.startswith("<https://w3id.org/kgtool/submission/")]
        assert records and all(line.startswith(records[0].split(" ")[0]) for line in records)  # the PROV record
        again = invoke("--home", server.url, "add", str(big))  # the user, told of an error, adds again
        assert (again.exit_code, again.stderr) == (1, f"Refused: all {CLAIMS * 7} triples of the submission are already in the home; the home is unchanged.\n")
    # Either way the home is whole: an add lands on it.
    assert invoke("--home", server.url, "add", str(big)).exit_code == (0 if after_generation == generation else 1)


def _ntriples(path: Path) -> list[str]:
    import pyoxigraph as ox

    return [f"{q.triple} ." for q in ox.parse(path.read_bytes(), ox.RdfFormat.TURTLE)]


def test_a_push_to_a_server_that_dies_is_one_error_line(server, tmp_path):
    proxy = KillingProxy(server, "/store", "half")
    try:
        result = invoke("push", through(tmp_path, server, proxy, "store"))
    finally:
        proxy.close()
    assert proxy.killed.is_set()
    one_error_line(result)
    assert "127.0.0.1" in result.stderr


def test_an_add_to_a_server_that_is_gone_is_one_error_line(server, big):
    url = server.url
    server.kill()
    one_error_line(invoke("--home", url, "add", str(big)))
