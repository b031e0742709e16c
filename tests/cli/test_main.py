"""The command line turns library errors into one message and exit code 2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cityregions.cli.main", *args],
        capture_output=True,
        text=True,
        check=False,
    )


def test_error_text_with_brackets_is_not_eaten_as_markup(tmp_path: Path) -> None:
    bad = tmp_path / "case"
    bad.mkdir()
    (bad / "case.toml").write_text("name = 'x'\n[units]\nfile = '[missing].csv'\n")
    done = _run("report", str(bad), "--out", str(tmp_path / "r.html"))
    assert done.returncode == 2, done.stderr
    assert "[missing].csv" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "r.html").exists()


def test_not_a_case_folder(tmp_path: Path) -> None:
    done = _run("report", str(tmp_path), "--out", str(tmp_path / "r.html"))
    assert done.returncode == 2
    assert "case.toml" in done.stderr


def test_missing_option_is_a_usage_error_not_a_traceback() -> None:
    done = _run("partnership", "power")
    assert done.returncode == 2
    assert "Missing option '--weights'" in done.stderr
    assert "Traceback" not in done.stderr


def test_bad_choice_is_a_usage_error() -> None:
    done = _run("delineate", "flows.csv", "--method", "nope", "--out", "labels.csv")
    assert done.returncode == 2
    assert "nope" in done.stderr
    assert "Traceback" not in done.stderr
