"""Writing a sweep folder: every file or none, an earlier sweep replaced only when complete."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import cityregions.io.sweep_files as sweep_files
from cityregions._errors import InputError
from cityregions.delineation.sweep import Sweep, sweep
from cityregions.flows import FlowTable

ROWS = [("a", "a", 1000), ("b", "b", 100), ("b", "a", 60), ("b", "c", 58), ("c", "c", 1000)]


def small_sweep(bootstrap: int) -> Sweep:
    flows = FlowTable.from_long(pd.DataFrame(ROWS, columns=["origin", "destination", "value"]))
    return sweep(flows, grid={"min_size": [500], "target_size": [5000]}, bootstrap=bootstrap,
                 rng=np.random.default_rng(0), scheduler="inline")  # fmt: skip


def everything(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


def test_writes_every_file_and_lists_them(tmp_path: Path) -> None:
    result = small_sweep(3)
    files = sweep_files.write_sweep(result, tmp_path / "out")
    assert [f.relative_to(tmp_path / "out").as_posix() for f in files] == [
        "runs.csv", "coassignment.csv", "stability.csv",
        "labels/run-0001.parquet", "labels/run-0002.parquet", "labels/run-0003.parquet",
    ]  # fmt: skip
    assert all(f.is_file() for f in files)
    written = [f.relative_to(tmp_path / "out").as_posix() for f in files]
    assert everything(tmp_path / "out") == sorted([*written, "labels"])  # nothing else
    assert [p.name for p in tmp_path.iterdir()] == ["out"]  # no staging folder left
    back = pd.read_parquet(tmp_path / "out" / "labels" / "run-0002.parquet")
    assert back["region"].tolist() == result.labels[2].tolist()
    assert sweep_files.run_file(7, 12000) == "run-00007.parquet"


def test_a_failure_leaves_no_folder_and_no_staging(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = sweep_files.write_table

    def fail_on_stability(frame: pd.DataFrame, path: Path, **kwargs: object) -> Path:
        if Path(path).name == "stability.csv":
            raise OSError("disk full")
        return real(frame, path, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(sweep_files, "write_table", fail_on_stability)
    with pytest.raises(OSError, match="disk full"):
        sweep_files.write_sweep(small_sweep(2), tmp_path / "out")
    assert everything(tmp_path) == []


def test_an_earlier_sweep_stays_when_the_new_one_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    sweep_files.write_sweep(small_sweep(4), out)
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}

    def fail(*args: object, **kwargs: object) -> Path:
        raise OSError("disk full")

    monkeypatch.setattr(sweep_files, "write_table", fail)
    with pytest.raises(OSError, match="disk full"):
        sweep_files.write_sweep(small_sweep(1), out)
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_a_folder_with_other_files_or_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "flows.csv").write_text("origin,destination,value\n")
    with pytest.raises(InputError, match="holds other files"):
        sweep_files.check_sweep_folder(tmp_path / "data")
    (tmp_path / "file").write_text("x")
    with pytest.raises(InputError, match="is a file"):
        sweep_files.check_sweep_folder(tmp_path / "file")
    (tmp_path / "empty").mkdir()
    assert sweep_files.check_sweep_folder(tmp_path / "empty") == tmp_path / "empty"
