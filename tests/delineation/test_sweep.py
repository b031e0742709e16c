"""Parameter sweeps: grids, runs, the sweep of one setting, reproduction, stability.

The runs here go through ``scheduler="inline"`` (no cluster); that a Dask cluster gives
the same result is checked in ``tests/test_distributed.py`` and ``tests/cli/test_sweep.py``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cityregions._errors import InputError, ParameterError
from cityregions._optional import has_optional
from cityregions.delineation.api import delineate
from cityregions.delineation.quality import q_modularity
from cityregions.delineation.sweep import (
    parameter_settings,
    parse_grid,
    reproduce_run,
    run_seeds,
    sweep,
)
from cityregions.flows import FlowTable
from cityregions.io.tables import read_flows

#: The project's thresholds for German districts (constants.LMA_DISTRICTS).
DISTRICTS = {
    "min_size": [25000],
    "min_self_containment": [0.6667],
    "target_size": [100000],
    "target_self_containment": [0.75],
}

#: b (too small alone) sends 60 to a and 58 to c: which one it joins depends on noise.
BETWEEN = pd.DataFrame(
    {
        "origin": ["a", "b", "b", "b", "c"],
        "destination": ["a", "b", "a", "c", "c"],
        "value": [1000, 100, 60, 58, 1000],
    }
)


@pytest.fixture(scope="module")
def kreise(lma_reference_dir: Path) -> FlowTable:
    """The 401 German districts, BA June 2016, with internal flows (observed)."""
    return read_flows(lma_reference_dir / "de_kreise_2016_flows_with_internal.csv")


# ------------------------------------------------------------------ grid
def test_parse_grid_reads_numbers_booleans_and_text_in_order() -> None:
    grid = parse_grid("min_size=500,1000, 3500 ;target_self_containment=0.7,0.75;parity=r")
    assert grid == {
        "min_size": [500, 1000, 3500],
        "target_self_containment": [0.7, 0.75],
        "parity": ["r"],
    }
    assert parse_grid("contiguous=true,false") == {"contiguous": [True, False]}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the grid is empty"),
        ("min_size", "expected name=value"),
        ("min size=3", "expected name=value"),
        ("min_size=1;min_size=2", "named twice"),
        ("min_size=1,1", "given twice"),
        ("min_size=1,,2", "empty value"),
        ("min_size=nan", "not a finite number"),
        ("min_size=inf", "not a finite number"),
    ],
)
def test_parse_grid_refuses_bad_text(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message) as error:
        parse_grid(text)
    assert "--grid" in str(error.value)


def test_settings_are_the_product_last_name_fastest() -> None:
    settings = parameter_settings("lma", {"min_size": [100, 200], "target_size": [5000, 6000]})
    assert settings == [
        {"min_size": 100, "target_size": 5000},
        {"min_size": 100, "target_size": 6000},
        {"min_size": 200, "target_size": 5000},
        {"min_size": 200, "target_size": 6000},
    ]
    assert parameter_settings("lma", None) == [{}]


@pytest.mark.parametrize(
    ("method", "grid", "message"),
    [
        ("lma", {"min_sise": [100]}, r"unknown parameter\(s\) \['min_sise'\]"),
        ("lma", {"min_size": [100, -5]}, r"grid setting 2 \(min_size=-5\).*out of range"),
        ("lma", {"min_size": [5000], "target_size": [1000]}, "greater than min_size"),
        ("lma", {"target_self_containment": [1.5]}, "out of range"),
        ("lma", {"profile": ["nowhere"]}, "unknown LMA profile"),
        ("lma", {"contiguous": ["yes"]}, "true or false"),
        ("leiden", {"resolution": [1.0, 0.0]}, "resolution must be a positive number"),
        ("fua", {"commuting_share": [1.2]}, "commuting_share must be a share"),
        ("lma", {"seed": [1, 2]}, "cannot be swept"),
        ("lma", {"min_size": []}, "no value"),
        ("kmeans", {}, "unknown method"),
    ],
)
def test_settings_are_checked_before_any_run(
    method: str, grid: dict[str, list[object]], message: str
) -> None:
    with pytest.raises(ParameterError, match=message):
        parameter_settings(method, grid)


def test_a_parameter_cannot_be_fixed_and_swept() -> None:
    with pytest.raises(ParameterError, match="both fixed and in the grid"):
        parameter_settings("fua", {"cities": [["a"]]}, params={"cities": ["a"]})


def test_negative_bootstrap_is_refused() -> None:
    with pytest.raises(ParameterError, match="bootstrap must be 0"):
        run_seeds(np.random.default_rng(0), -1)
    flows = FlowTable.from_long(BETWEEN)
    with pytest.raises(ParameterError, match="bootstrap must be 0"):
        sweep(flows, bootstrap=-3, scheduler="inline")


# ------------------------------------------------------------------ runs
def test_one_setting_without_resampling_is_a_plain_delineate(kreise: FlowTable) -> None:
    result = sweep(kreise, method="lma", grid=DISTRICTS, bootstrap=0, scheduler="inline")
    plain = delineate(kreise, method="lma", **{k: v[0] for k, v in DISTRICTS.items()})
    assert result.labels.shape == (401, 1)
    pd.testing.assert_series_equal(result.consensus, plain.labels, check_names=False)
    assert (result.stability["stability"] == 1.0).all()
    row = result.runs.iloc[0]
    assert (row["run"], row["setting"], row["resample"], row["resampling"]) == (1, 1, 0, "none")
    assert row["regions"] == plain.labels.nunique()
    assert row["flows_provenance"] == "observed"
    assert row["modularity"] == q_modularity(kreise, plain.labels)
    summary = plain.summary(kreise)
    low = np.minimum(summary["self_containment_supply"], summary["self_containment_demand"])
    assert row["mean_self_containment"] == pytest.approx(low.mean(), rel=1e-12)
    # every pair in one region of the run is in the co-assignment with share 1
    sizes = plain.labels.value_counts()
    assert len(result.coassignment) == int((sizes * (sizes - 1) // 2).sum())
    assert (result.coassignment["share"] == 1.0).all()


def test_sweep_of_fua_without_resampling_is_a_plain_delineate() -> None:
    flows = FlowTable.from_long(BETWEEN)
    result = sweep(flows, method="fua", params={"cities": ["a", "c"], "contiguity": False},
                   scheduler="inline")  # fmt: skip
    plain = delineate(flows, method="fua", cities=["a", "c"], contiguity=False)
    pd.testing.assert_series_equal(result.consensus, plain.labels, check_names=False)
    assert result.stability["stability"].tolist() == [1.0, 1.0, 1.0]


@pytest.mark.skipif(not has_optional("leidenalg", "igraph"), reason="needs the leiden extra")
def test_leiden_run_is_delineate_with_the_run_seed(kreise: FlowTable) -> None:
    result = sweep(kreise, method="leiden", rng=np.random.default_rng(9), scheduler="inline")
    seed = int(result.runs["resample_seed"].iloc[0])
    plain = delineate(kreise, method="leiden", rng=np.random.default_rng(seed))
    pd.testing.assert_series_equal(result.consensus, plain.labels, check_names=False)


def test_toy_sweep_by_hand() -> None:
    flows = FlowTable.from_long(BETWEEN, flows_provenance="modeled")
    result = sweep(flows, method="lma", grid={"min_size": [500], "target_size": [5000]},
                   bootstrap=10, rng=np.random.default_rng(1), scheduler="inline")  # fmt: skip
    joins_a = (result.labels.loc["b"] == result.labels.loc["a"]).sum()
    joins_c = (result.labels.loc["b"] == result.labels.loc["c"]).sum()
    assert joins_a + joins_c == 10  # b is never alone (100 + 118 < 500) nor outside
    assert result.share_together("a", "b") == joins_a / 10
    assert result.share_together("c", "b") == joins_c / 10
    assert result.share_together("a", "c") == 0.0
    assert result.share_together("b", "b") == 1.0
    # the consensus is a run in which b is where it is most often; it agrees on b then
    majority = "a" if joins_a > joins_c else "c"
    assert result.consensus["b"] == result.consensus[majority]
    assert result.stability["stability"].to_dict() == {"a": 1.0, "b": max(joins_a, joins_c) / 10,
                                                       "c": 1.0}  # fmt: skip
    assert set(result.runs["flows_provenance"]) == {"modeled"}  # every figure says so
    with pytest.raises(InputError, match="unit 'x' is not in the sweep"):
        result.share_together("a", "x")


def test_runs_share_resamples_across_settings_and_reproduce(kreise: FlowTable) -> None:
    grid = {**DISTRICTS, "target_self_containment": [0.7, 0.8]}
    result = sweep(kreise, method="lma", grid=grid, bootstrap=3, rng=np.random.default_rng(4),
                   resampling="multinomial", scheduler="inline")  # fmt: skip
    runs = result.runs
    assert runs["run"].tolist() == [1, 2, 3, 4, 5, 6]
    assert runs["setting"].tolist() == [1, 1, 1, 2, 2, 2]
    assert runs["resample"].tolist() == [1, 2, 3, 1, 2, 3]
    seeds = runs["resample_seed"].tolist()
    assert seeds[:3] == seeds[3:]  # common random numbers
    assert len(set(seeds[:3])) == 3
    assert runs["target_self_containment"].tolist() == [0.7] * 3 + [0.8] * 3
    assert set(runs["resampling"]) == {"multinomial"}
    for number in (2, 6):
        row = runs[runs["run"] == number].iloc[0].to_dict()
        again = reproduce_run(kreise, row, method="lma")
        pd.testing.assert_series_equal(again, result.labels[number], check_names=False)


def test_same_seed_same_sweep_and_another_seed_other_resamples(kreise: FlowTable) -> None:
    kwargs = {"method": "lma", "grid": DISTRICTS, "bootstrap": 2, "scheduler": "inline"}
    one = sweep(kreise, rng=np.random.default_rng(1), **kwargs)  # type: ignore[arg-type]
    two = sweep(kreise, rng=np.random.default_rng(1), **kwargs)  # type: ignore[arg-type]
    three = sweep(kreise, rng=np.random.default_rng(2), **kwargs)  # type: ignore[arg-type]
    pd.testing.assert_frame_equal(one.runs, two.runs)
    pd.testing.assert_frame_equal(one.labels, two.labels)
    assert one.runs["resample_seed"].tolist() != three.runs["resample_seed"].tolist()


def test_units_must_match_the_flows(kreise: FlowTable) -> None:
    from cityregions.territory import Territory

    units = Territory.from_frame(pd.DataFrame({"unit": ["a", "b"], "name": ["A", "B"]}))
    with pytest.raises(InputError, match="do not match"):
        sweep(kreise, method="lma", grid=DISTRICTS, units=units, scheduler="inline")
