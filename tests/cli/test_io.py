"""Bad input through the command line: one clear message, exit code 2, nothing written.

The readers of :mod:`cityregions.io` raise :class:`~cityregions.InputError`; the
``cityregions`` command shows it and exits with code 2. Here each malformed input of the
issue's "Bad input" list goes through ``cityregions delineate`` (which reads units and
flows with :func:`~cityregions.io.read_units` and :func:`~cityregions.io.read_flows`).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from cityregions.cli.main import main

UNITS = "unit,name,population\n01,A,100\n02,B,50\n03,C,20\n"
FLOWS = "origin,destination,value\n01,01,80\n02,02,40\n03,03,15\n02,01,5\n03,01,2\n"


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    old = sys.argv
    sys.argv = ["cityregions", *argv]
    code = 0
    try:
        main()
    except SystemExit as done:
        code = int(done.code or 0)
    finally:
        sys.argv = old
    return code, " ".join(capsys.readouterr().err.split())


@pytest.mark.parametrize(
    ("units", "flows", "expected"),
    [
        (UNITS, FLOWS.replace("value", "persons"), ["flows.csv", "no value column"]),
        (UNITS, FLOWS.replace("03,01,2", "03,09,2"), ["flows.csv", "line 6", "'09'"]),
        (UNITS, FLOWS.replace("03,01,2", "03,01,-2"), ["flows.csv", "line 6", "negative"]),
        (UNITS, FLOWS.replace("03,01,2", "03,01,zwei"), ["flows.csv", "line 6", "'zwei'"]),
        (UNITS + "02,D,5\n", FLOWS, ["units.csv", "line 5", "duplicate unit id '02'"]),
        (UNITS, "", ["flows.csv", "empty"]),
        (UNITS.encode("utf-16"), FLOWS, ["units.csv", "encoding"]),
    ],
    ids=["missing-column", "unknown-id", "negative", "non-numeric", "duplicate", "empty", "utf16"],
)
def test_bad_input_exits_2_and_writes_nothing(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    units: str | bytes,
    flows: str,
    expected: list[str],
) -> None:
    units_path, flows_path = tmp_path / "units.csv", tmp_path / "flows.csv"
    if isinstance(units, bytes):
        units_path.write_bytes(units)
    else:
        units_path.write_text(units, encoding="utf-8")
    flows_path.write_text(flows, encoding="utf-8")
    out = tmp_path / "out" / "labels.csv"
    argv = ["delineate", str(flows_path), "--units", str(units_path), "--out", str(out)]
    code, message = _run(argv, capsys)
    assert code == 2
    for part in expected:
        assert part in message
    assert "Traceback" not in message
    assert not out.exists()


def test_good_input_writes_labels(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "units.csv").write_text(UNITS, encoding="utf-8")
    (tmp_path / "flows.csv").write_text(FLOWS, encoding="utf-8")
    out = tmp_path / "labels.csv"
    argv = ["delineate", str(tmp_path / "flows.csv"), "--units", str(tmp_path / "units.csv")]
    code, _ = _run([*argv, "--out", str(out), "--min-size", "1", "--target-size", "2"], capsys)
    assert code == 0
    assert out.read_text(encoding="utf-8").startswith("unit,region")
