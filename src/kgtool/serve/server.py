"""The socket side of `kgtool serve`: a ThreadingHTTPServer that reads a bounded request, hands it to the App, and writes the Response."""

from __future__ import annotations

import ipaddress
import socket
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable

from ..errors import KgError
from .app import App, Request, Response, text_response

# Past the body limit the server still reads (and drops) up to this many bytes, so that the
# client, still sending, reads the 413 instead of a reset connection; beyond, it just closes.
DRAIN_LIMIT = 64 * 1024**2


def is_loopback(host: str) -> bool:
    """Whether `host` names the loopback interface only (127.0.0.0/8, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class _Handler(BaseHTTPRequestHandler):
    server: "Server"

    def version_string(self) -> str:
        return "kgtool"

    def _serve(self) -> None:
        app = self.server.app
        length_header = self.headers.get("Content-Length")
        if self.headers.get("Transfer-Encoding", "").lower() not in ("", "identity"):
            return self._send(text_response(411, "Error: send the body with a Content-Length (chunked bodies are not read)"))
        try:
            length = int(length_header) if length_header is not None else 0
            if length < 0:
                raise ValueError
        except ValueError:
            return self._send(text_response(400, "Error: the Content-Length header is not a number of bytes"))
        if length > app.max_body:
            if length <= DRAIN_LIMIT:
                self._drain(length)
            self.close_connection = True
            return self._send(text_response(413, f"Error: the request body is {length} bytes, over the limit of {app.max_body} (--max-body)"))
        body = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        self._send(app.handle(Request(self.command, self.path, headers, body)))

    def _drain(self, length: int) -> None:
        left = length
        while left > 0:
            chunk = self.rfile.read(min(left, 65536))
            if not chunk:
                break
            left -= len(chunk)

    def _send(self, response: Response) -> None:
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        for name, value in response.headers:
            # header values are Latin-1 on the wire; anything else is escaped, never a crash
            self.send_header(name, value.encode("ascii", "backslashreplace").decode("ascii"))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)
        self.server.log_line(f'{self.client_address[0]} "{self.command} {self.path.split("?")[0]}" {response.status}')

    do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _serve

    def log_message(self, format: str, *args) -> None:  # the server logs one line per response itself
        pass


class Server(ThreadingHTTPServer):
    """A threaded HTTP server around an App; a thread per request, none kept alive past shutdown."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, app: App, host: str, port: int, log: Callable[[str], None] | None = None):
        self.app = app
        self.log = log
        if ":" in host.strip("[]"):
            self.address_family = socket.AF_INET6
        try:
            super().__init__((host.strip("[]"), port), _Handler)
        except OSError as e:
            raise KgError(f"cannot listen on {host}:{port}: {e.strerror or e}") from None
        if is_loopback(host):  # a browser page of another site that resolves to 127.0.0.1 is not served (DNS rebinding)
            bound = self.server_address[1]
            app.allowed_hosts = {f"{name}:{bound}" for name in ("127.0.0.1", "localhost", "[::1]", host.lower())}

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{'[' + host + ']' if ':' in host else host}:{port}/"

    def handle_error(self, request, client_address) -> None:
        """A connection that failed mid-request (the client went away): one line, no traceback."""
        import sys

        error = sys.exc_info()[1]
        self.log_line(f"{client_address[0]} connection error: {type(error).__name__}: {error}")

    def log_line(self, line: str) -> None:
        if self.log is not None:
            self.log(line)
