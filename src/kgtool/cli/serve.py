"""`kgtool serve`: read the options, start the HTTP server over the home, stop cleanly on Ctrl-C or SIGTERM."""

from __future__ import annotations

import os
import secrets
import signal

import click

from ..errors import ExitCode, UsageError
from . import REASONER_OPTION, Ctx

TOKEN_VARIABLE = "KGTOOL_SERVE_TOKEN"


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to listen on; anything but loopback exposes the home to the network.")
@click.option("--port", type=click.IntRange(0, 65535), default=7878, show_default=True, help="The port (0: any free port, printed at start).")
@click.option("--allow-add", is_flag=True, help=f"Accept POST /add (merge RDF into the home) with a bearer token (${TOKEN_VARIABLE}, else one printed at start).")
@click.option("--timeout", type=float, default=None, metavar="SECONDS", help="Stop a query after this long (default 60; 0 for no limit).")
@click.option("--max-body", type=click.IntRange(0), default=1024**2, show_default=True, metavar="BYTES", help="Refuse larger request bodies (413).")
@REASONER_OPTION
@click.pass_obj
def serve(ctx: Ctx, host, port, allow_add, timeout, max_body, reasoner):
    """Serve the home over HTTP: SPARQL at /query, a workbench page at /, POST /validate.

    /query speaks the SPARQL 1.1 Protocol (GET ?query=, POST form or application/sparql-query;
    ?name=NAME runs a named query, listed at /queries), with the answer in the format the Accept
    header asks for, and the same read-only, offline rules and timeout as `kgtool query`.
    /entity?iri=IRI shows an entity's facts with their source quotes, the claims about it and a
    timeline. POST /validate takes an RDF body and answers the report of `kgtool validate
    --format json`. Nothing is written unless --allow-add; writes (POST /add) then need the token.
    Stops on Ctrl-C or SIGTERM.

    \b
    Examples:
      kgtool serve
      kgtool serve --port 0 --timeout 10
      KGTOOL_SERVE_TOKEN=secret kgtool --home myhome serve --allow-add
    """
    from ..serve.app import App
    from ..serve.server import Server, is_loopback
    from ..sparql import DEFAULT_TIMEOUT

    from ..home import Home

    home = ctx.home
    if not isinstance(home, Home):
        raise UsageError("kgtool serve serves a local home (a directory, or the bundled graph), not a remote one; a SPARQL server serves itself")
    token = None
    generated = False
    if allow_add:
        home.require_writable()
        token = os.environ.get(TOKEN_VARIABLE) or None
        if token is None:
            token, generated = secrets.token_urlsafe(24), True
    app = App(
        home,
        timeout=DEFAULT_TIMEOUT if timeout is None else timeout,
        allow_add=allow_add,
        token=token,
        max_body=max_body,
        reasoner=reasoner,
    )
    app.loaded()  # build or open the home's cache before the first request

    def stop(_signum, _frame):
        raise KeyboardInterrupt

    # SIGTERM stops the server as Ctrl-C does, from before anyone can know its address. SIGINT is
    # set too: a shell without job control starts a background command with SIGINT ignored, and
    # Python then installs no KeyboardInterrupt for it (CI running the suite in the background).
    previous = {signum: signal.signal(signum, stop) for signum in (signal.SIGTERM, signal.SIGINT)}
    server = None
    try:
        server = Server(app, host, port, log=lambda line: click.echo(line, err=True))
        if not is_loopback(host):
            click.echo(f"Warning: listening on {host}, not loopback: anyone who can reach this machine can query the home.", err=True)
        mode = "writes with the token" if allow_add else "read-only"
        click.echo(f"Serving {'the bundled graph' if home.bundled else home.root} at {server.url} ({mode}; Ctrl-C to stop)", err=True)
        if generated:
            click.echo(f"Token for POST /add (shown once; set ${TOKEN_VARIABLE} to choose it): {token}", err=True)
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        if server is not None:
            server.server_close()
    click.echo("Stopped.", err=True)
    return ExitCode.OK
