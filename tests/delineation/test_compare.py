"""The ``delineation`` pipeline step on the bundled Mitteldeutschland case (modeled flows)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cityregions.delineation.compare import DISTRICT_LMA, DelineationComparison
from cityregions.delineation.lma import validity
from cityregions.pipeline.case import bundled_case_path, load_case
from cityregions.pipeline.steps import delineation_step, run_case, territory_step

STEPS = [("territory", territory_step), ("delineation", delineation_step)]


@pytest.fixture(scope="module")
def section(tmp_path_factory: pytest.TempPathFactory) -> tuple[DelineationComparison, Path]:
    out = tmp_path_factory.mktemp("demo")
    results = run_case(load_case(bundled_case_path()), out, steps=STEPS)
    modeled = [n for n in results.provenance if n.section == "delineation" and n.item == "flows"]
    assert modeled[0].kind == "modeled"
    assert results.delineation is not None
    return results.delineation, out / "delineation"


def test_files(section: tuple[DelineationComparison, Path]) -> None:
    found, folder = section
    assert found.flows_provenance == "modeled"
    labels = pd.read_csv(folder / "labels.csv", dtype=str)
    assert list(labels.columns) == ["unit", "region"]
    assert len(labels) == 50
    assert labels["unit"].is_unique
    for name in ("regions.csv", "comparison.csv", "quality.csv", "labels_by_method.csv"):
        assert (folder / name).is_file()
    for name in ("regions.csv", "quality.csv", "regions_leiden.csv"):
        assert set(pd.read_csv(folder / name)["flows_provenance"]) == {"modeled"}, name


def test_lma_regions_are_valid_with_district_parameters(
    section: tuple[DelineationComparison, Path],
) -> None:
    found, _ = section
    regions = found.regions
    sc = regions[["self_containment_supply", "self_containment_demand"]].min(axis=1)
    values = validity(
        regions["internal"].to_numpy(),
        regions["residents"].to_numpy(),
        regions["jobs"].to_numpy(),
        **DISTRICT_LMA,
    )
    # after the reserve list some regions may fall below 1 (as in R); here none does
    assert (values >= 1 - 1e-12).all(), regions.assign(v=values, sc=sc)
    # totals preserved: all flows leave and enter some region
    assert regions["residents"].sum() == pytest.approx(regions["jobs"].sum())
    assert regions["units"].sum() == 50
    assert found.summary["regions_lma"] == len(regions)


def test_comparisons_are_consistent(section: tuple[DelineationComparison, Path]) -> None:
    found, _ = section
    comparisons = found.comparisons
    quality = found.quality.set_index("method")
    row = comparisons[(comparisons.method_a == "lma") & (comparisons.method_b == "leiden")].iloc[0]
    assert quality.loc["leiden", "ari_vs_lma"] == pytest.approx(row["ari"])
    assert quality.loc["lma", "ari_vs_lma"] == 1.0
    assert -1 <= row["ari"] <= 1
    assert row["vi"] >= 0
    overlap = found.overlap
    # population shares of each LMA region over the Leiden regions sum to 1
    assert overlap.groupby("region_a")["share_of_a"].sum().round(12).eq(1).all()
