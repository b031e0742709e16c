"""``cityregions sweep``: the same files from this process, a local cluster and a real one.

The real cluster is a ``dask scheduler`` and two ``dask worker`` processes on 127.0.0.1,
started and stopped by this module. Flows: the 401 German districts (BA, June 2016,
with internal flows) from ``../shared/data``.
"""

from __future__ import annotations

import filecmp
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from tests.support.cli import run_cli
from tests.support.dask_cluster import DaskCluster, dask_cluster, free_port

pytest.importorskip("distributed", reason="needs the dask extra")

GRID = "min_size=25000;min_self_containment=0.6667;target_size=100000"
TWO_SETTINGS = GRID + ";target_self_containment=0.7,0.8"


@pytest.fixture(scope="module")
def flows_file(lma_reference_dir: Path) -> Path:
    return lma_reference_dir / "de_kreise_2016_flows_with_internal.csv"


@pytest.fixture(scope="module")
def cluster() -> Iterator[DaskCluster]:
    with dask_cluster(n_workers=2) as started:
        yield started


def files_of(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def same_files(a: Path, b: Path) -> bool:
    names = files_of(a)
    if names != files_of(b):
        return False
    _match, mismatch, errors = filecmp.cmpfiles(a, b, names, shallow=False)
    return not mismatch and not errors


@pytest.mark.slow
def test_local_and_real_cluster_write_the_same_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, flows_file: Path, cluster: DaskCluster
) -> None:
    common = ["sweep", flows_file, "--grid", TWO_SETTINGS, "--bootstrap", "3", "--seed", "5"]
    outs = {name: tmp_path / name for name in ("inline", "local", "cluster")}
    assert run_cli(*common, "--out", outs["inline"], "--scheduler", "inline",
                   monkeypatch=monkeypatch) == 0  # fmt: skip
    assert run_cli(*common, "--out", outs["local"], "--workers", "2", monkeypatch=monkeypatch) == 0
    assert run_cli(*common, "--out", outs["cluster"], "--scheduler", cluster.address,
                   monkeypatch=monkeypatch) == 0  # fmt: skip
    expected = ["coassignment.csv", "runs.csv", "stability.csv"]
    expected += [f"labels/run-000{i}.parquet" for i in range(1, 7)]
    assert files_of(outs["inline"]) == sorted(expected)
    assert same_files(outs["inline"], outs["local"])
    assert same_files(outs["inline"], outs["cluster"])
    runs = pd.read_csv(outs["cluster"] / "runs.csv")
    assert runs["target_self_containment"].tolist() == [0.7] * 3 + [0.8] * 3
    labels = pd.read_parquet(outs["cluster"] / "labels" / "run-0004.parquet")
    assert labels.columns.tolist() == ["unit", "region"]
    assert len(labels) == 401


def test_one_setting_without_resampling_equals_delineate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, flows_file: Path
) -> None:
    out, labels_file = tmp_path / "sweep", tmp_path / "labels.csv"
    params = ["--min-size", "25000", "--min-self-containment", "0.6667",
              "--target-size", "100000", "--target-self-containment", "0.75"]  # fmt: skip
    assert run_cli("delineate", flows_file, "--out", labels_file, *params,
                   monkeypatch=monkeypatch) == 0  # fmt: skip
    assert run_cli("sweep", flows_file, "--grid", GRID + ";target_self_containment=0.75",
                   "--out", out, "--scheduler", "inline", monkeypatch=monkeypatch) == 0  # fmt: skip
    stability = pd.read_csv(out / "stability.csv", dtype={"unit": str, "region": str})
    plain = pd.read_csv(labels_file, dtype={"unit": str, "region": str})
    assert stability["unit"].tolist() == plain["unit"].tolist()
    assert stability["region"].tolist() == plain["region"].tolist()
    assert (stability["stability"] == 1.0).all()
    runs = pd.read_csv(out / "runs.csv")
    assert runs[["run", "resample", "resampling"]].values.tolist() == [[1, 0, "none"]]
    assert runs["regions"].iloc[0] == plain["region"].nunique()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--grid", "min_sise=1000"], "unknown parameter(s) ['min_sise']"),
        (["--grid", "min_size=1000,-1"], "min_size = -1 is out of range"),
        (["--grid", "min_size=1000;min_size=5"], "named twice"),
        (["--grid", "min_size=nan"], "not a finite number"),
        (["--bootstrap", "-2"], "--bootstrap: expected 0 (the flows as given)"),
        (["--workers", "0"], "--workers: expected at least 1"),
        (["--scheduler", "tcp://127.0.0.1"], "not a Dask scheduler address"),
        (["--method", "leiden", "--grid", "min_size=5"], "for method 'leiden'"),
        (["--resampling", "jackknife"], "jackknife"),
    ],
)
def test_bad_input_exits_2_before_any_work_and_writes_nothing(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    flows_file: Path,
    args: list[str],
    message: str,
) -> None:
    out = tmp_path / "sweep"
    code = run_cli("sweep", flows_file, "--out", out, "--scheduler", "inline", *args,
                   monkeypatch=monkeypatch)  # fmt: skip
    assert code == 2
    assert message in " ".join(capsys.readouterr().err.split())
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_unreachable_scheduler_exits_2_within_ten_seconds_naming_it(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    flows_file: Path,
) -> None:
    address = f"tcp://127.0.0.1:{free_port()}"
    out = tmp_path / "sweep"
    started = time.monotonic()
    code = run_cli("sweep", flows_file, "--grid", GRID, "--bootstrap", "2", "--out", out,
                   "--scheduler", address, monkeypatch=monkeypatch)  # fmt: skip
    assert code == 2
    assert time.monotonic() - started < 10
    err = " ".join(capsys.readouterr().err.split())
    assert f"cannot reach the Dask scheduler at {address}" in err
    assert list(tmp_path.iterdir()) == []


def test_output_folder_rules(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    flows = tmp_path / "flows.csv"
    rows = [("a", "a", 1000), ("b", "b", 100), ("b", "a", 60), ("b", "c", 58), ("c", "c", 1000)]
    pd.DataFrame(rows, columns=["origin", "destination", "value"]).to_csv(flows, index=False)
    grid = "min_size=500;target_size=5000"
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("mine")
    assert run_cli("sweep", flows, "--grid", grid, "--out", other, "--scheduler", "inline",
                   monkeypatch=monkeypatch) == 2  # fmt: skip
    assert "holds other files" in capsys.readouterr().err
    assert files_of(other) == ["notes.txt"]
    out = tmp_path / "sweep"
    for bootstrap, n_files in (("12", 12), ("2", 2)):  # an earlier sweep is replaced whole
        assert run_cli("sweep", flows, "--grid", grid, "--bootstrap", bootstrap, "--out", out,
                       "--scheduler", "inline", monkeypatch=monkeypatch) == 0  # fmt: skip
        assert len(files_of(out / "labels")) == n_files
    assert sorted(p.name for p in tmp_path.iterdir()) == ["flows.csv", "other", "sweep"]
    stability = pd.read_csv(out / "stability.csv", dtype={"unit": str, "region": str})
    assert stability.columns.tolist() == ["unit", "region", "stability"]
    coassignment = pd.read_csv(out / "coassignment.csv", dtype={"unit_a": str, "unit_b": str})
    b_with = coassignment[(coassignment["unit_a"] == "b") | (coassignment["unit_b"] == "b")]
    assert b_with["share"].sum() == 1.0  # with a or with c in each of the 2 runs
