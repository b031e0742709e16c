"""``report`` / ``serve`` on the terminal: help and printed commands fit 80 columns."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cityregions.cli.main import load_command
from cityregions.cli.report import case_folder, serve_command
from cityregions.pipeline.case import bundled_case_path


def _help(*command: str) -> str:
    env = {**os.environ, "COLUMNS": "80", "TERM": "xterm"}
    done = subprocess.run(
        [sys.executable, "-m", "cityregions.cli.main", *command, "--help"],
        capture_output=True, text=True, env=env, check=True,
    )  # fmt: skip
    return done.stdout


@pytest.mark.parametrize(
    ("module", "attribute", "name"),
    [("delineate", "delineate", "delineate"), ("report", "serve", "serve")],
)
def test_help_at_80_columns_shows_every_option_name_whole(
    module: str, attribute: str, name: str
) -> None:
    """Rich's panels cut ``--min-self-containment`` to ``--min-self-cont…`` at 80 columns."""
    text = _help(name)
    assert max(len(line) for line in text.splitlines()) <= 80
    command = load_command(module, attribute, name)
    names = [o for p in command.params for o in p.opts if o.startswith("--")]
    assert names
    for option in names:
        assert option in text, option
    assert "\\[" not in text  # rich markup escapes are undone in plain help


def test_printed_serve_command_of_the_bundled_case_fits_80_columns() -> None:
    """Before: ``cityregions serve /…/site-packages/cityregions/cases/mitteldeutschland``
    inside a sentence, wrapped over three lines."""
    line = serve_command(bundled_case_path())
    assert line == "  cityregions serve mitteldeutschland"
    assert case_folder(Path("mitteldeutschland")) == bundled_case_path()


def test_printed_serve_command_of_an_own_case_is_relative_and_quoted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = tmp_path / "my case"
    case.mkdir()
    monkeypatch.chdir(tmp_path)
    assert serve_command(case) == "  cityregions serve 'my case'"
    assert case_folder(Path("my case")) == Path("my case")  # a folder wins over a name
