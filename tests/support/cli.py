"""Run the command line in-process, as a user would."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from cityregions.cli.main import main


def run_cli(*args: str | Path, monkeypatch: pytest.MonkeyPatch) -> int:
    """Run ``cityregions ARGS`` in this process; return the exit code."""
    monkeypatch.setattr(sys, "argv", ["cityregions", *map(str, args)])
    try:
        main()
    except SystemExit as done:
        return int(done.code or 0)
    return 0
