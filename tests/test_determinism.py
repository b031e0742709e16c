"""Two ``cityregions demo`` runs give byte-identical files whatever ``PYTHONHASHSEED`` is.

Each run is a fresh Python (the hash seed is fixed when the interpreter starts), with
``SOURCE_DATE_EPOCH`` pinned so that the only time stamps written (the report's date,
the GEXF's ``lastmodifieddate``, ``layer_styles.update_time`` and
``gpkg_contents.last_change`` of the GeoPackage) are equal too. Before the fix, hash
seeds 0 and 12345 gave different actor metrics (Newman weights summed in set order) and
network pictures (spring layout of parts taken from a set).
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

EPOCH = "1700000000"  # 2023-11-14 22:13:20 UTC
DEMO = "from cityregions.cli.main import main; main()"


def start_demo(out: Path, *, hash_seed: int) -> subprocess.Popen[str]:
    """Start ``cityregions demo --out OUT`` in a new Python with ``PYTHONHASHSEED``."""
    env = {**os.environ, "PYTHONHASHSEED": str(hash_seed), "SOURCE_DATE_EPOCH": EPOCH}
    return subprocess.Popen(
        [sys.executable, "-c", DEMO, "demo", "--out", str(out)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def files(out: Path, run: subprocess.Popen[str]) -> dict[str, bytes]:
    """Wait for ``run``; return the files it wrote under ``out`` by relative path."""
    _, stderr = run.communicate(timeout=600)
    assert run.returncode == 0, stderr[-3000:]
    return {
        str(path.relative_to(out)): path.read_bytes()
        for path in sorted(out.rglob("*"))
        if path.is_file()
    }


def gpkg_differences(first: Path, second: Path) -> list[str]:
    """Name the tables whose rows differ between two GeoPackages (for the message)."""
    out = []
    with sqlite3.connect(first) as a, sqlite3.connect(second) as b:
        query = "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
        tables = [t for (t,) in a.execute(query)]
        for table in tables:
            rows = f'SELECT * FROM "{table}"'
            if a.execute(rows).fetchall() != b.execute(rows).fetchall():
                out.append(table)
    return out


def test_demo_outputs_do_not_depend_on_the_hash_seed(tmp_path: Path) -> None:
    runs = {seed: start_demo(tmp_path / f"seed-{seed}", hash_seed=seed) for seed in (0, 12345)}
    first = files(tmp_path / "seed-0", runs[0])
    second = files(tmp_path / "seed-12345", runs[12345])
    assert {"report.html", "cityregions.gpkg", "governance/actor_metrics.csv"} <= set(first)
    assert sorted(first) == sorted(second)
    differing = [name for name in first if first[name] != second[name]]
    if "cityregions.gpkg" in differing:
        tables = gpkg_differences(
            tmp_path / "seed-0" / "cityregions.gpkg", tmp_path / "seed-12345" / "cityregions.gpkg"
        )
        differing.append(f"(GeoPackage tables: {', '.join(tables) or 'none; bytes only'})")
    assert not differing, f"files differ between hash seeds 0 and 12345: {differing}"
    # the pinned time is the one written, so the comparison above covers the stamps
    assert b"2023-11-14" in first["report.html"]
    assert b'lastmodifieddate="2023-11-14"' in first["governance/network.gexf"]
    with sqlite3.connect(tmp_path / "seed-0" / "cityregions.gpkg") as db:
        stamps = {t for (t,) in db.execute("SELECT update_time FROM layer_styles")}
        stamps |= {t for (t,) in db.execute("SELECT last_change FROM gpkg_contents")}
    assert stamps == {"2023-11-14T22:13:20Z", "2023-11-14T22:13:20.000Z"}
