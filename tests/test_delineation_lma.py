"""Labour market areas: parity with R LabourMarketAreas 3.4 and the validity function.

Reference partitions: ``../shared/data/lma-reference`` (R outputs). Reference values:
research note ``delineation.md`` §7 (A1–A5, B1, B2, B5).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cityregions import FlowTable, ParameterError
from cityregions.delineation import LabourMarketAreas, find_clusters, validity

P0 = {
    "min_size": 1000,
    "min_self_containment": 0.6667,
    "target_size": 10000,
    "target_self_containment": 0.75,
}


def read_reference_flows(path: Path, *, shuffle_seed: int | None = None) -> FlowTable:
    table = pd.read_csv(path, dtype={"community_live": str, "community_work": str})
    if shuffle_seed is not None:
        table = table.sample(frac=1.0, random_state=shuffle_seed).reset_index(drop=True)
    return FlowTable.from_long(
        table, origin="community_live", destination="community_work", value="amount"
    )


def read_reference_labels(path: Path) -> pd.Series:
    table = pd.read_csv(path, dtype={"community": str})
    return table.set_index("community")["cluster"]


@pytest.fixture(scope="module")
def brindisi(lma_reference_dir: Path) -> FlowTable:
    return read_reference_flows(lma_reference_dir / "brindisi_flows.csv")


@pytest.fixture(scope="module")
def kreise(lma_reference_dir: Path) -> FlowTable:
    return read_reference_flows(lma_reference_dir / "de_kreise_2016_flows_with_internal.csv")


# --------------------------------------------------------------- A: validity function
def test_validity_at_target_size_and_minimum_sc_is_one() -> None:  # A1
    assert validity(0.6667 * 10000, 10000, 10000)[0] == pytest.approx(1.0, abs=1e-12)


def test_validity_at_minimum_size_and_target_sc_is_one() -> None:  # A2
    assert validity(0.75 * 1000, 1000, 1000)[0] == pytest.approx(1.0, abs=1e-12)


def test_validity_maximum_is_target_over_minimum_sc() -> None:  # A3
    assert validity(9000, 10000, 11000)[0] == pytest.approx(0.75 / 0.6667, abs=1e-12)
    assert validity(9000, 10000, 11000)[0] == pytest.approx(1.124943752812, abs=1e-11)


def test_validity_below_minimum_size_only_valid_when_fully_self_contained() -> None:  # A4
    msc = np.linspace(0, 0.999, 50)
    assert (validity(msc * 900, 900, 900) < 1).all()
    assert validity(900, 900, 900)[0] == 1.0
    assert validity(400, 500, 400)[0] < 1  # msc = 0.8 < 1


def test_validity_hyperbolic_threshold_between_sizes() -> None:
    # R = 5500: s = 0.5, Z = 1 - (1 - 0.6667/0.75) * 0.5; valid iff msc >= 0.6667 / Z
    z = 1 - (1 - 0.6667 / 0.75) * 0.5
    threshold = 0.6667 / z
    assert validity(threshold * 5500 * 1.000001, 5500, 5500)[0] >= 1
    assert validity(threshold * 5500 * 0.999999, 5500, 5500)[0] < 1


@pytest.mark.parametrize(
    ("name", "value", "allowed"),
    [
        ("target_size", 1000, "greater than min_size"),
        ("target_size", 500, "greater than min_size"),
        ("target_self_containment", 0.6, "greater than min_self_containment"),
        ("target_self_containment", 0.6667, "greater than min_self_containment"),
        ("min_size", -1, "positive"),
        ("min_self_containment", 1.5, "(0, 1)"),
    ],
)
def test_bad_parameters_name_parameter_and_range(name: str, value: float, allowed: str) -> None:
    with pytest.raises(ParameterError, match=name) as info:
        LabourMarketAreas(**{**P0, name: value})
    assert allowed in str(info.value)


def test_bad_parity_rejected() -> None:
    with pytest.raises(ParameterError, match="parity"):
        LabourMarketAreas(parity="fast")  # type: ignore[arg-type]


# ------------------------------------------------------------------ B: parity with R
def test_brindisi_identical_partition_and_ids(brindisi: FlowTable, lma_reference_dir: Path) -> None:
    reference = read_reference_labels(lma_reference_dir / "brindisi_lma_r.csv")
    model = LabourMarketAreas(**P0).fit(brindisi)
    assert model.n_regions_ == 9
    pd.testing.assert_series_equal(
        model.labels_.reindex(reference.index),
        reference,
        check_names=False,
        check_index_type=False,
    )
    assert model.reserve_events_.empty
    assert len(model.zero_list_) == 0
    assert len(model.not_assigned_) == 0


def test_brindisi_clean_mode_identical(brindisi: FlowTable, lma_reference_dir: Path) -> None:
    reference = read_reference_labels(lma_reference_dir / "brindisi_lma_r.csv")
    labels = find_clusters(brindisi, **P0, parity="clean")
    assert (labels.reindex(reference.index) == reference).all()


def test_brindisi_small_parameters_give_singletons(brindisi: FlowTable) -> None:  # B2
    model = LabourMarketAreas(50, 0.3, 100, 0.4).fit(brindisi)
    assert model.n_regions_ == 20
    assert model.n_iterations_ == 1  # converged at the first check
    assert sorted(model.labels_.tolist()) == list(range(1, 21))


def test_brindisi_other_parameters_same_nine_regions(
    brindisi: FlowTable, lma_reference_dir: Path
) -> None:  # B2
    reference = read_reference_labels(lma_reference_dir / "brindisi_lma_r.csv")
    labels = find_clusters(
        brindisi,
        min_size=1000,
        min_self_containment=0.6,
        target_size=10000,
        target_self_containment=0.7,
    )
    assert (labels.reindex(reference.index) == reference).all()
