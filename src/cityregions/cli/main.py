"""Entry point of the ``cityregions`` command.

Each capability has its own module in this package defining a Typer sub-app or command;
they are registered here. Errors raised on purpose by the library
(:class:`~cityregions.CityRegionsError`) are shown as one clear message and end the
process with exit code 2; no traceback is shown for bad input.
"""

from __future__ import annotations

import importlib
import logging
import sys
import warnings
from typing import Annotated

import typer
from rich.console import Console
from rich.logging import RichHandler
from rich.text import Text

from cityregions._errors import CityRegionsError, DataQualityWarning

err_console = Console(stderr=True)

app = typer.Typer(
    name="cityregions",
    help="Functional city regions, their governance and the metropolitan partnership.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

#: (module in cityregions.cli, attribute, name as sub-group or None for a plain command).
#: Each capability adds its own line.
COMMANDS: list[tuple[str, str, str | None]] = [
    ("demo", "demo", None),
    ("report", "report", None),
    ("report", "serve", None),
    ("delineate", "delineate", None),
    ("flows", "app", "flows"),
    ("governance", "app", "governance"),
    ("partnership", "app", "partnership"),
    ("energy", "app", "energy"),
]


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


def _register() -> None:
    for module_name, attribute, group in COMMANDS:
        module = importlib.import_module(f"cityregions.cli.{module_name}")
        target = getattr(module, attribute)
        if isinstance(target, typer.Typer):
            app.add_typer(target, name=group)
        else:
            app.command(name=group)(target)


_register()


def _print_error(error: BaseException) -> None:
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


def main() -> None:
    """Run the command line, turning library errors into exit code 2."""
    warnings.simplefilter("default")
    warnings.formatwarning = _format_warning
    try:
        app(standalone_mode=False)
    except (CityRegionsError, OSError) as error:
        _print_error(error)
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
