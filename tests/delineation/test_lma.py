"""Labour market areas: parity with R LabourMarketAreas 3.4 and the validity function.

Reference partitions: ``../shared/data/lma-reference`` (R outputs). Reference values:
research note ``delineation.md`` §7 (A1–A5, B1, B2, B5).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cityregions import FlowTable, ParameterError
from cityregions.delineation import LabourMarketAreas, find_clusters, validity
from cityregions.delineation.lma import unit_order, zero_list
from cityregions.labels import adjusted_rand_index

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
    """R's cluster per community, as text: the library writes region ids as text."""
    table = pd.read_csv(path, dtype={"community": str, "cluster": str})
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
        check_dtype=False,  # str values both; object here, pandas' string dtype from CSV
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
    assert sorted(model.labels_.astype(int).tolist()) == list(range(1, 21))


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


def test_kreise_identical_partition_ids_and_events(
    kreise: FlowTable, lma_reference_dir: Path
) -> None:  # B5
    reference = read_reference_labels(lma_reference_dir / "de_kreise_2016_lma_r.csv")
    model = LabourMarketAreas(**P0).fit(kreise)
    assert model.n_regions_ == 190
    labels = model.labels_.reindex(reference.index)
    assert adjusted_rand_index(labels, reference) == 1.0
    assert (labels == reference).all()  # R's cluster ids are reproduced too
    assert len(model.reserve_events_) == 7  # note §1.6 table
    assert set(model.reserve_events_["type"]) <= {"A", "C"}
    assert (model.reserve_events_["validity"] < 1).all()


def test_kreise_clean_mode_identical(kreise: FlowTable, lma_reference_dir: Path) -> None:  # C
    reference = read_reference_labels(lma_reference_dir / "de_kreise_2016_lma_r.csv")
    labels = find_clusters(kreise, **P0, parity="clean")
    assert (labels.reindex(reference.index) == reference).all()


def test_kreise_independent_of_row_order_and_deterministic(
    kreise: FlowTable, lma_reference_dir: Path
) -> None:  # D
    path = lma_reference_dir / "de_kreise_2016_flows_with_internal.csv"
    base = LabourMarketAreas(**P0).fit(kreise)
    for seed in (1, 2):
        shuffled = LabourMarketAreas(**P0).fit(read_reference_flows(path, shuffle_seed=seed))
        pd.testing.assert_series_equal(shuffled.labels_.sort_index(), base.labels_.sort_index())
        pd.testing.assert_frame_equal(shuffled.reserve_events_, base.reserve_events_)
    again = LabourMarketAreas(**P0).fit(kreise)
    pd.testing.assert_series_equal(again.labels_, base.labels_)


def test_kreise_invariants(kreise: FlowTable) -> None:  # D
    model = LabourMarketAreas(**P0).fit(kreise)
    labels = model.labels_
    assert labels.index.equals(kreise.index)  # every unit exactly once
    assert labels.notna().all()
    before = model.labels_before_reserve_
    reserve = before[before.isna()].index
    assert set(reserve) == set(model.reserve_events_["unit"])
    # every region of the pre-reserve state is valid
    aggregated = kreise.aggregate(before.reindex(kreise.index).fillna("0"))
    totals = aggregated.residents()
    jobs = aggregated.jobs()
    internal = aggregated.internal()
    keep = totals.index != "0"
    assert (validity(internal[keep], totals[keep], jobs[keep]) >= 1).all()
    assert aggregated.total == pytest.approx(kreise.total)


def test_numeric_ids_ranked_numerically_not_as_strings() -> None:
    order = unit_order(("10041", "1001", "9162", "01002"))
    assert [("10041", "1001", "9162", "01002")[i] for i in order] == [
        "1001",
        "01002",
        "9162",
        "10041",
    ]
    order = unit_order(("1kmN2", "1kmN10", "a"))
    assert list(order) == [1, 0, 2]  # C-locale string order for character ids


def toy_flows(rows: list[tuple[str, str, float]]) -> FlowTable:
    frame = pd.DataFrame(rows, columns=["origin", "destination", "value"])
    return FlowTable.from_long(frame, warn_no_diagonal=False)


def test_zero_list_iterates_to_fixed_point() -> None:
    flows = toy_flows(
        [
            ("a", "a", 50),
            ("a", "b", 10),
            ("b", "b", 40),
            ("b", "a", 5),
            ("c", "c", 7),  # only its own flow
            ("d", "a", 3),  # no jobs in d
            ("e", "d", 2),  # works only in d: after d goes, e has no residents... working
        ]
    )
    dropped = zero_list(flows.matrix)
    assert [flows.ids[i] for i in np.flatnonzero(dropped)] == ["c", "d", "e"]
    model = LabourMarketAreas(10, 0.6, 100, 0.7).fit(flows)
    assert list(model.zero_list_) == ["c", "d", "e"]
    assert model.labels_[["c", "d", "e"]].isna().all()  # outside every region
    assert model.labels_[["a", "b"]].tolist() == ["1", "2"]  # R's cluster ids, as text


def test_flows_without_diagonal_warn() -> None:
    from cityregions import DataQualityWarning

    flows = toy_flows([("a", "b", 10), ("b", "a", 5), ("b", "c", 5), ("c", "a", 1)])
    with pytest.warns(DataQualityWarning, match="diagonal"):
        LabourMarketAreas().fit(flows)


@pytest.mark.parametrize("parity", ["r", "clean"])
@pytest.mark.parametrize("seed", range(4))
def test_invariants_on_random_flows(seed: int, parity: str) -> None:  # D
    rng = np.random.default_rng(seed)
    n = 60
    x, y = rng.uniform(0, 20, n), rng.uniform(0, 20, n)
    d = np.hypot(x[:, None] - x, y[:, None] - y)
    mass = rng.lognormal(5, 1, n)
    dense = rng.poisson(mass[:, None] * mass / 2000 / (1 + d) ** 2)
    dense[rng.random((n, n)) < 0.5] = 0
    ids = [f"u{i:03d}" for i in range(n)]
    rows, cols = np.nonzero(dense)
    long = pd.DataFrame(
        {
            "origin": np.asarray(ids)[rows],
            "destination": np.asarray(ids)[cols],
            "value": dense[rows, cols],
        }
    )
    flows = FlowTable.from_long(long, ids=ids, warn_no_diagonal=False)
    model = LabourMarketAreas(200, 0.6, 2000, 0.7, parity=parity).fit(flows)
    labels = model.labels_
    assert labels.index.tolist() == ids  # every unit exactly once
    assigned = labels.dropna()
    zero = set(model.zero_list_) | set(model.not_assigned_)
    assert set(labels[labels.isna()].index) == zero  # outside every region: NaN
    before = model.labels_before_reserve_
    valid = before.dropna()
    sub = flows.subset(valid.index)
    agg = sub.aggregate(valid)
    full = flows.subset(valid.index.union(before[before.isna()].index))
    # pre-reserve regions are valid with totals that include flows to reserve units
    r = pd.Series(np.asarray(full.matrix.sum(axis=1)).ravel(), index=full.index)
    w = pd.Series(np.asarray(full.matrix.sum(axis=0)).ravel(), index=full.index)
    reg_r = r[valid.index].groupby(valid).sum()
    reg_w = w[valid.index].groupby(valid).sum()
    internal = agg.internal()
    v = validity(
        internal[reg_r.index],
        reg_r,
        reg_w[reg_r.index],
        min_size=200,
        min_self_containment=0.6,
        target_size=2000,
        target_self_containment=0.7,
    )
    assert (v >= 1).all()
    stats_total = flows.subset(assigned.index).aggregate(assigned).total
    assert stats_total == pytest.approx(flows.subset(assigned.index).total)
    again = LabourMarketAreas(200, 0.6, 2000, 0.7, parity=parity).fit(flows)
    pd.testing.assert_series_equal(again.labels_, labels)


def test_progress_flag_is_quiet_off_a_terminal(
    brindisi: FlowTable,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    recwarn: pytest.WarningsRecorder,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``progress=True`` with standard error not a terminal (CI, a pipe) shows nothing."""
    monkeypatch.setattr(sys.stderr, "isatty", lambda: False)
    caplog.set_level(logging.DEBUG)
    labels = find_clusters(brindisi, progress=True)
    assert capsys.readouterr() == ("", "")
    assert [r.getMessage() for r in caplog.records if r.levelno > logging.INFO] == []
    assert [str(w.message) for w in recwarn] == []
    pd.testing.assert_series_equal(labels, find_clusters(brindisi))  # the same partition
    assert labels.nunique() == 9


def test_progress_flag_draws_a_bar_on_a_terminal(
    brindisi: FlowTable, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The flag is not ignored: on a terminal the iterations go through rich's bar."""
    import rich.progress

    bars: list[str] = []

    def bar(iterable: Iterable[object], **options: object) -> Iterator[object]:
        bars.append(str(options["description"]))
        yield from iterable

    monkeypatch.setattr(rich.progress, "track", bar)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    assert find_clusters(brindisi, progress=True).nunique() == 9
    assert bars == ["labour market areas"]
    find_clusters(brindisi)  # progress=False: no bar, even on a terminal
    assert bars == ["labour market areas"]
