"""Entry point of the ``cityregions`` command.

Each capability has its own module in this package defining a Typer sub-app or command;
they are registered here (:data:`COMMANDS`). Errors raised on purpose by the library
(:class:`~cityregions.CityRegionsError`) are shown as one clear message and end the
process with exit code 2; no traceback is shown for bad input.

Start-up is kept short (``cityregions --help`` and every ``--help`` well under 0.3 s,
``benchmarks/bench_startup.py``): no module here or in the command modules imports
pandas, numpy, scipy or geopandas at module level (the commands import what they use),
and a command's module is imported only when that command runs or the command list is
shown (:class:`LazyGroup`, the "lazily loading subcommands" pattern of click's docs).
"""

from __future__ import annotations

import importlib
import logging
import signal
import sys
import warnings
from collections.abc import Iterator, MutableMapping
from typing import Annotated, Any

import typer
import typer.main
from rich.console import Console
from rich.text import Text
from typer.core import TyperGroup

from cityregions._errors import CityRegionsError, DataQualityWarning
from cityregions.cli._options import guard_command

err_console = Console(stderr=True)

#: (module in cityregions.cli, attribute, name as sub-group or None for a plain command).
#: Each capability adds its own line.
COMMANDS: list[tuple[str, str, str | None]] = [
    ("demo", "demo", None),
    ("report", "report", None),
    ("report", "serve", None),
    ("delineate", "delineate", None),
    ("sweep", "sweep", None),
    ("flows", "app", "flows"),
    ("governance", "app", "governance"),
    ("partnership", "app", "partnership"),
    ("energy", "app", "energy"),
]


def command_name(attribute: str, group: str | None) -> str:
    """Return the name a :data:`COMMANDS` entry has on the command line (as typer names it)."""
    return group or attribute.replace("_", "-")


def load_command(module_name: str, attribute: str, name: str) -> Any:
    """Import ``cityregions.cli.<module_name>`` and return its command ``attribute`` as click.

    A :class:`typer.Typer` sub-app becomes a group; a function becomes one command.
    """
    module = importlib.import_module(f"cityregions.cli.{module_name}")
    target = getattr(module, attribute)
    if isinstance(target, typer.Typer):
        command: Any = typer.main.get_group(target)
    else:
        single = typer.Typer(add_completion=False)
        single.command(name=name)(target)
        command = typer.main.get_command(single)
    command.name = name
    # finite floats, int64 ints, seeds >= 0 for every option (cityregions.cli._options)
    return guard_command(plain_help(command))


def plain_help(command: Any) -> Any:
    """Make ``command`` (and its subcommands) print click's plain help; return it.

    Rich's help panels squeeze the option names into a column and cut them at 80
    columns (``--min-self-cont…``); click's help writes every option name whole and
    wraps the help text under it. Rich markup escapes in help texts (``\\[r]``) are
    undone, as plain help shows them literally.
    """
    command.rich_markup_mode = None
    for param in getattr(command, "params", []):
        if getattr(param, "help", None):
            param.help = param.help.replace("\\[", "[")
    for sub in getattr(command, "commands", {}).values():
        plain_help(sub)
    return command


class _LazyCommands(MutableMapping[str, Any]):
    """The root group's commands: every name is known up front, each loaded on first use."""

    def __init__(self, loaded: MutableMapping[str, Any]) -> None:
        self.specs = {command_name(a, g): (m, a) for m, a, g in COMMANDS}
        self.loaded = dict(loaded)

    def __getitem__(self, name: str) -> Any:
        if name not in self.loaded:
            module_name, attribute = self.specs[name]  # KeyError: no such command
            self.loaded[name] = load_command(module_name, attribute, name)
        return self.loaded[name]

    def __setitem__(self, name: str, command: Any) -> None:
        self.loaded[name] = command

    def __delitem__(self, name: str) -> None:
        self.specs.pop(name, None)
        self.loaded.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        return iter(dict.fromkeys([*self.specs, *self.loaded]))

    def __len__(self) -> int:
        return len(set(self.specs) | set(self.loaded))


class LazyGroup(TyperGroup):
    """The root command group; its subcommands are imported when they are looked up.

    ``cityregions delineate --help`` imports ``cityregions.cli.delineate`` only;
    ``cityregions --help`` lists every command and so imports every command module
    (none of which imports the heavy libraries).
    """

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self.commands = _LazyCommands(self.commands)


app = typer.Typer(
    name="cityregions",
    cls=LazyGroup,
    help="Functional city regions, their governance and the metropolitan partnership.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,  # click's plain help: option names are never cut (plain_help)
)


@app.callback()
def _configure(
    verbose: Annotated[
        int, typer.Option("--verbose", "-v", count=True, help="More log output.")
    ] = 0,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only errors.")] = False,
) -> None:
    """Functional city regions, their governance and the metropolitan partnership."""
    if quiet:
        level = logging.ERROR
    else:
        level = {0: logging.WARNING, 1: logging.INFO}.get(verbose, logging.DEBUG)
    from rich.logging import RichHandler

    logging.basicConfig(
        level=level,
        format="%(message)s",
        handlers=[RichHandler(console=err_console, show_path=False)],
        force=True,
    )
    logging.captureWarnings(True)
    warnings_logger = logging.getLogger("py.warnings")
    for old in [f for f in warnings_logger.filters if isinstance(f, _OnlyOnce)]:
        warnings_logger.removeFilter(old)  # a fresh memory for every command run
    warnings_logger.addFilter(_OnlyOnce())


class _OnlyOnce(logging.Filter):
    """Let each distinct warning text through once (a reader and a method may both warn)."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        if text in self.seen:
            return False
        self.seen.add(text)
        return True


def _print_error(error: BaseException | str) -> None:
    """Print ``error`` as one line; its text is never read as rich markup."""
    message = Text("error: ", style="bold red")
    message.append(str(error))
    err_console.print(message, highlight=False, soft_wrap=True)


def _format_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    line: str | None = None,
) -> str:
    """Show a warning as its message only: users need no source file and line of ours."""
    if issubclass(category, DataQualityWarning):
        return str(message)
    return f"{category.__name__}: {message}"


def _terminate(signum: int, frame: object) -> None:
    """Turn SIGTERM into a normal exit, so that temporary files and folders are removed."""
    raise SystemExit(128 + signum)


def main() -> None:
    """Run the command line, turning library errors into exit code 2.

    SIGTERM (``kill``, a stopped container or service) ends the command like Ctrl+C
    would: ``finally`` blocks and context managers run, so temporary files and staging
    folders are removed (exit code 143).
    """
    warnings.simplefilter("default")
    warnings.formatwarning = _format_warning
    try:
        previous = signal.signal(signal.SIGTERM, _terminate)
    except ValueError:  # not the main thread (e.g. a test runner's worker thread)
        previous = None
    try:
        _run()
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _run() -> None:
    try:
        app(standalone_mode=False)
    except CityRegionsError as error:
        _print_error(error)
        sys.exit(2)
    except OSError as error:  # a file system refusal the checks could not foresee
        from cityregions.io._atomic import describe_os_error

        _print_error(describe_os_error(error))
        sys.exit(2)
    except MemoryError as error:  # e.g. a count option far beyond what the machine holds
        _print_error(f"not enough memory for this run ({error}); use smaller counts or inputs")
        sys.exit(2)
    except typer.Abort:
        err_console.print("aborted")
        sys.exit(1)
    except typer.Exit as done:
        sys.exit(done.exit_code)
    except Exception as error:  # usage errors (missing option, bad value) carry exit code 2
        if isinstance(error, _click_exceptions()):
            error.show()  # type: ignore[attr-defined]
            sys.exit(error.exit_code)  # type: ignore[attr-defined]
        raise


def _click_exceptions() -> tuple[type[Exception], ...]:
    """Return click's exception class and, in newer typer, typer's vendored copy of it."""
    import click

    classes: list[type[Exception]] = [click.ClickException]
    try:
        from typer import _click  # typer >= 0.26 vendors click

        classes.append(_click.ClickException)
    except ImportError:
        pass
    return tuple(classes)


if __name__ == "__main__":
    main()
