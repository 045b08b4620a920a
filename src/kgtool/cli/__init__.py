"""The command line: the group, its shared options, and the one place where outcomes become exit codes.

The only package that knows click, standard output or exit codes. Each command is a module
of its own (query, export, validate, add, import, submissions, remove, stats, init, template): read the options, call the core,
render what it returns. A command imports the core it calls (store, sparql, validation, ...)
inside its function, so that each command loads only what it runs.
"""

from __future__ import annotations

import importlib
import sys

import click

from .. import __version__, home, progress
from ..errors import ExitCode, KgError


# --------------------------------------------------------------------------------------
# the one place where outcomes become exit codes
# --------------------------------------------------------------------------------------
class KgGroup(click.Group):
    """Maps every outcome to the contract's exit code; prints one line for user errors.

    Its commands are modules of this package (kgtool/cli/NAME.py defines the command NAME),
    imported only when used: a warm `kgtool query` loads none of the others (click's
    "lazily loading subcommands" pattern).
    """

    COMMANDS = ("add", "export", "import", "init", "push", "query", "remove", "serve", "stats", "submissions", "template", "validate")
    # a command whose name Python reserves lives in NAME_.py, as the function NAME_
    MODULES = {"import": "import_"}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in self.COMMANDS:
            return None
        module = self.MODULES.get(name, name)
        return getattr(importlib.import_module(f"{__name__}.{module}"), module)

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        argv = list(sys.argv[1:] if args is None else args)
        debug = "--debug" in argv[: argv.index("--")] if "--" in argv else "--debug" in argv
        try:
            rv = super().main(argv, prog_name="kgtool", complete_var=complete_var, standalone_mode=False, **extra)
            code = int(rv) if isinstance(rv, int) else ExitCode.OK
        except KgError as e:
            if debug:
                raise
            click.echo(f"Error: {e}", err=True)
            code = ExitCode.ERROR
        except click.exceptions.Exit as e:
            code = e.exit_code
        except click.UsageError as e:
            if debug:
                raise
            command = e.ctx.command_path if e.ctx is not None else "kgtool"
            click.echo(f"Error: {e.format_message()} (see '{command} --help')", err=True)
            code = ExitCode.ERROR
        except click.ClickException as e:
            if debug:
                raise
            e.show()
            code = ExitCode.ERROR
        except click.Abort:
            click.echo("Aborted.", err=True)
            code = 130
        except KeyboardInterrupt:
            code = 130
        except RecursionError:
            if debug:
                raise
            click.echo("Error: the input is nested too deeply to process", err=True)
            code = ExitCode.ERROR
        except Exception as e:  # a bug: say so in one line, details with --debug
            if debug:
                raise
            click.echo(f"Error: internal error: {type(e).__name__}: {e} (run with --debug for details)", err=True)
            code = ExitCode.ERROR
        if standalone_mode:
            sys.stdout.flush()
            sys.exit(code)
        return code


class _QuietLibraries:
    """Silences library warnings and logging the moment rdflib, pySHACL or owlrl is first imported.

    An import hook rather than doing it at start-up: `import logging` alone costs about 5 %
    of a warm query, which imports none of these libraries.
    """

    LIBRARIES = ("rdflib", "pyshacl", "owlrl")  # not reasonable: its presence is probed on every call

    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in self.LIBRARIES:
            sys.meta_path.remove(self)
            import logging
            import warnings

            warnings.filterwarnings("ignore")
            logging.disable(logging.WARNING)
        return None  # the ordinary finders do the importing


class Ctx:
    """What every command may use: the home, resolved on first use (--home, $KGTOOL_HOME, else the bundled graph)."""

    def __init__(self, home_option: str | None):
        self.home_option = home_option
        self._home = None

    @property
    def home(self):
        if self._home is None:
            self._home = home.resolve(self.home_option)
        return self._home


@click.group(cls=KgGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--home", "home_option", metavar="DIR|URL", help="The knowledge-graph home: a directory, or a SPARQL server's URL or config file (default: $KGTOOL_HOME, else the bundled graph).")
@click.option("--debug", is_flag=True, help="Show tracebacks and library warnings.")
@click.version_option(__version__, prog_name="kgtool")
@click.pass_context
def cli(ctx: click.Context, home_option: str | None, debug: bool) -> None:
    """kgtool: query, export, validate and grow a knowledge graph of international conflicts.

    \b
    Examples:
      kgtool query -n csto-members
      kgtool --home myhome validate new-facts.ttl
    """
    # --debug itself is read from argv by KgGroup.main (it must act before click parses anything).
    if not debug and not any(isinstance(f, _QuietLibraries) for f in sys.meta_path):
        sys.meta_path.insert(0, _QuietLibraries())
    ctx.obj = Ctx(home_option)
    _start_progress(ctx)


def _start_progress(ctx: click.Context) -> None:
    """A progress bar on standard error for steps over ~2 s (loading, reasoning, ...), only on a terminal."""
    if not sys.stderr.isatty():
        progress.set_current(None)
        return
    bar = progress.Bar(sys.stderr)
    progress.set_current(bar.report)

    def stop() -> None:
        bar.close()
        progress.set_current(None)

    ctx.call_on_close(stop)


# --------------------------------------------------------------------------------------
# options shared by several commands
# --------------------------------------------------------------------------------------
REASONER_OPTION = click.option(
    "--reasoner",
    type=click.Choice(["kgtool", "reasonable", "owlrl"]),
    default=None,
    help="OWL RL reasoner for the entailments: kgtool (the default: its own rules for the instance data, "
    "incremental after an add), reasonable, or owlrl (both from scratch, over the whole graph).",
)
OUTPUT_OPTION = click.option("-o", "--output", metavar="FILE", help="Write to FILE instead of standard output.")
ALLOW_REMOTE_CONTEXTS_OPTION = click.option("--allow-remote", is_flag=True, help="Allow remote JSON-LD contexts.")


def main() -> None:
    cli.main()
